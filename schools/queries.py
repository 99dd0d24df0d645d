"""Reads about schools: finding one, and who may manage which."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace, Upper
from django.http import Http404

from accounts.models import User
from core.tokens import hash_token
from schools.models import NominationLink, School, SchoolAccess, SchoolRole

SEARCH_RESULTS = 20


def find_schools(text: str) -> QuerySet[School]:
    """Schools matching a name, a URN or a postcode (typed with or without its space)."""
    text = " ".join(text.split())
    if not text:
        return School.objects.none()
    compact = text.replace(" ", "").upper()
    matches = Q(name__icontains=text) | Q(compact_postcode__startswith=compact)
    # An exact URN or postcode first, then names that start with what was typed.
    ranking = [When(compact_postcode=compact, then=Value(1)), When(name__istartswith=text, then=Value(2))]
    if text.isascii() and text.isdigit() and len(text) <= 7:
        matches |= Q(urn=int(text))
        ranking.insert(0, When(urn=int(text), then=Value(0)))
    return (
        School.objects.alias(compact_postcode=Replace(Upper("postcode"), Value(" "), Value("")))
        .filter(matches)
        .annotate(rank=Case(*ranking, default=Value(3), output_field=IntegerField()))
        .order_by("rank", "name")[:SEARCH_RESULTS]
    )


def current_access(school: School) -> QuerySet[SchoolAccess]:
    return SchoolAccess.objects.filter(school=school, ended_at__isnull=True).select_related("user")


def people_who_manage(school: School) -> QuerySet[SchoolAccess]:
    """The induction tutor first, then colleagues by name."""
    return current_access(school).order_by(
        Case(When(role=SchoolRole.INDUCTION_TUTOR, then=Value(0)), default=Value(1)), "user__full_name"
    )


def induction_tutor_of(school: School) -> User | None:
    access = current_access(school).filter(role=SchoolRole.INDUCTION_TUTOR).first()
    return access.user if access else None


def schools_for(user: User) -> QuerySet[School]:
    """The schools this person may manage now."""
    if not user.is_authenticated:
        return School.objects.none()
    return School.objects.filter(access__user=user, access__ended_at__isnull=True).order_by("name")


def school_for(user: User, urn: int) -> School:
    """The school with this URN if this person may manage it; otherwise 404, as if it did not exist."""
    school = schools_for(user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    return school


def nomination_link(token: str) -> NominationLink | None:
    return NominationLink.objects.select_related("school").filter(token_hash=hash_token(token)).first()


def nomination_link_by_id(link_id: int | None) -> NominationLink | None:
    return NominationLink.objects.select_related("school").filter(pk=link_id).first() if link_id else None
