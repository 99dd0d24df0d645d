"""Reads for appropriate bodies: who may act for which body, and the teachers a body may see.

A body sees only the teachers it has claimed (an induction period with it, open or finished) or
whose school reported it as their appropriate body. Every page reaches a body through
`body_for(user, body_id)` and a teacher through `teacher_for(body, teacher_id)`: anything else is
a 404, as if it did not exist."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from appropriate_bodies.models import AppropriateBodyAccess, InductionExtension
from core import clock
from participants.models import ECTAtSchoolPeriod, InductionPeriod, Teacher
from providers.models import AppropriateBody


def current_access(user: User) -> QuerySet[AppropriateBodyAccess]:
    return AppropriateBodyAccess.objects.filter(user=user, ended_at__isnull=True)


def bodies_for(user: User) -> QuerySet[AppropriateBody]:
    """The appropriate bodies this person may act for now."""
    if not user.is_authenticated:
        return AppropriateBody.objects.none()
    return AppropriateBody.objects.filter(access__user=user, access__ended_at__isnull=True).order_by("name")


def body_for(user: User, body_id: int) -> AppropriateBody:
    """The body if this person may act for it; otherwise 404."""
    body = bodies_for(user).filter(pk=body_id).first()
    if body is None:
        raise Http404("No such appropriate body")
    return body


def _induction_periods(**filters):
    return InductionPeriod.objects.filter(teacher=OuterRef("pk"), **filters)


def _ect_periods(**filters):
    return ECTAtSchoolPeriod.objects.filter(teacher=OuterRef("pk"), **filters)


def teachers_visible_to(body: AppropriateBody) -> QuerySet[Teacher]:
    """Teachers this body has claimed, or whose school reported it as their appropriate body."""
    return Teacher.objects.filter(
        Exists(_induction_periods(appropriate_body=body))
        | Exists(_ect_periods(school_reported_appropriate_body=body))
    )


def teacher_for(body: AppropriateBody, teacher_id: int) -> Teacher:
    """The teacher if this body may see them; otherwise 404."""
    teacher = teachers_visible_to(body).filter(pk=teacher_id).first()
    if teacher is None:
        raise Http404("No such teacher")
    return teacher


def extension_for(body: AppropriateBody, teacher: Teacher, extension_id: int) -> InductionExtension:
    """One of the extensions this body added to the teacher's induction; otherwise 404."""
    extension = InductionExtension.objects.filter(
        pk=extension_id, teacher=teacher, appropriate_body=body
    ).first()
    if extension is None:
        raise Http404("No such extension")
    return extension


def induction_actions(body: AppropriateBody, teacher: Teacher) -> dict:
    """What the teacher's page offers the body: `can_record` (it has an open induction period with
    the teacher, so may record an outcome and add extensions) and the teacher's `extensions`, oldest
    first, each with `is_ours` (this body added it, so may change or remove it)."""
    extensions = list(
        teacher.induction_extensions.select_related("appropriate_body").annotate(
            is_ours=Q(appropriate_body=body)
        )
    )
    can_record = teacher.induction_periods.filter(appropriate_body=body, finished_on__isnull=True).exists()
    return {"can_record": can_record, "extensions": extensions}


@dataclass(frozen=True)
class ReviewList:
    slug: str
    title: str
    action: str


REVIEW_LISTS = {
    review.slug: review
    for review in [
        ReviewList("reported", "Reported by schools, not yet claimed", "Check and claim"),
        ReviewList("left", "Left their school, still open with you", "Check and release"),
        ReviewList("no-qts", "No QTS yet", "Check"),
        ReviewList("claimed-elsewhere", "Claimed by another body", "Check"),
    ]
}


def _reported_now(body: AppropriateBody) -> QuerySet[ECTAtSchoolPeriod]:
    """ECT periods, now or to come, whose school reports this body."""
    today = clock.today()
    return ECTAtSchoolPeriod.objects.filter(school_reported_appropriate_body=body).filter(
        Q(finished_on__isnull=True) | Q(finished_on__gte=today)
    )


def _open_induction(**filters) -> QuerySet[InductionPeriod]:
    return InductionPeriod.objects.filter(teacher=OuterRef("teacher_id"), finished_on__isnull=True, **filters)


def _review_ids(body: AppropriateBody, slug: str) -> QuerySet:
    """The rule of each review list, as the ids of the teachers on it. Each starts from the rows
    that can be on it, read from an index (participants migration 0008), and never from the
    teachers' table: a body that sees tens of thousands of teachers pays for what the list holds."""
    today = clock.today()
    if slug == "reported":  # a school reports us; nobody has their induction open
        rows = _reported_now(body).exclude(Exists(_open_induction()))
    elif slug == "left":  # open with us, at no school now or to come, and at one before
        now_or_later = Q(finished_on__isnull=True) | Q(finished_on__gte=today)
        at_school = ECTAtSchoolPeriod.objects.filter(teacher=OuterRef("teacher_id"))
        rows = (
            InductionPeriod.objects.filter(appropriate_body=body, finished_on__isnull=True)
            .filter(Exists(at_school.filter(finished_on__lt=today)))
            .exclude(Exists(at_school.filter(now_or_later)))
        )
    elif slug == "no-qts":
        return teachers_visible_to(body).filter(trs_qts_awarded_on__isnull=True).values_list("pk", flat=True)
    elif slug == "claimed-elsewhere":  # a school reports us; another body has their induction open
        rows = _reported_now(body).filter(Exists(_open_induction().exclude(appropriate_body=body)))
    else:
        raise Http404("No such list")
    return rows.order_by().values_list("teacher_id", flat=True).distinct()


def review_counts(body: AppropriateBody) -> dict[str, int]:
    """How many teachers are on each review list: one query a list."""
    return {slug: _review_ids(body, slug).count() for slug in REVIEW_LISTS}


def review_list(body: AppropriateBody, slug: str, *, search: str = "") -> QuerySet[Teacher]:
    """The teachers on one review list, by name, each with the school they were last at.

    The list's ids are read first (one query): handed to the teachers' query as a subquery,
    PostgreSQL would read every teacher to join them."""
    ids = list(_review_ids(body, slug))
    latest_school = _ect_periods().order_by("-started_on").values("school__name")[:1]
    teachers = Teacher.objects.filter(pk__in=ids).annotate(school_name=Subquery(latest_school))
    return search_teachers(teachers, search).order_by("trs_last_name", "trs_first_name", "pk")


def search_teachers(teachers: QuerySet[Teacher], text: str) -> QuerySet[Teacher]:
    """Teachers whose TRN is `text`, or whose names contain each of its words."""
    words = text.split()
    if not words:
        return teachers
    if len(words) == 1 and words[0].isdigit():
        return teachers.filter(trn=words[0])
    for word in words:
        teachers = teachers.filter(
            Q(trs_first_name__icontains=word)
            | Q(trs_last_name__icontains=word)
            | Q(corrected_name__icontains=word)
        )
    return teachers


def teacher_record(teacher: Teacher):
    """A teacher's induction periods and what their schools reported, oldest first."""
    induction_periods = teacher.induction_periods.select_related("appropriate_body").order_by("started_on")
    ect_periods = teacher.ect_at_school_periods.select_related(
        "school", "school_reported_appropriate_body"
    ).order_by("started_on")
    return list(induction_periods), list(ect_periods)
