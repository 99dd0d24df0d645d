"""Reads for appropriate bodies: who may act for which body, and the teachers a body may see.

A body sees only the teachers it has claimed (an induction period with it, open or finished) or
whose school reported it as their appropriate body. Every page reaches a body through
`body_for(user, body_id)` and a teacher through `teacher_for(body, teacher_id)`: anything else is
a 404, as if it did not exist."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from appropriate_bodies.models import AppropriateBodyAccess, BulkUpload, BulkUploadRow
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


def _flagged(body: AppropriateBody) -> QuerySet[Teacher]:
    """Visible teachers, each with one flag per review list (all worked out in SQL)."""
    today = clock.today()
    at_school_now = Q(started_on__lte=today) & (Q(finished_on__isnull=True) | Q(finished_on__gte=today))
    return teachers_visible_to(body).annotate(
        is_reported=Exists(
            _ect_periods(school_reported_appropriate_body=body).filter(
                Q(finished_on__isnull=True) | Q(finished_on__gte=today)
            )
        )
        & ~Exists(_induction_periods(finished_on__isnull=True)),
        is_left=Exists(_induction_periods(appropriate_body=body, finished_on__isnull=True))
        & Exists(_ect_periods(finished_on__lt=today))
        & ~Exists(_ect_periods().filter(at_school_now | Q(started_on__gt=today))),
        is_no_qts=Q(trs_qts_awarded_on__isnull=True),
        is_claimed_elsewhere=Exists(
            _induction_periods(finished_on__isnull=True).exclude(appropriate_body=body)
        ),
    )


FLAGS = {
    "reported": "is_reported",
    "left": "is_left",
    "no-qts": "is_no_qts",
    "claimed-elsewhere": "is_claimed_elsewhere",
}


def review_counts(body: AppropriateBody) -> dict[str, int]:
    """How many teachers are on each review list, in one query."""
    counts = _flagged(body).aggregate(
        **{slug.replace("-", "_"): Count("pk", filter=Q(**{flag: True})) for slug, flag in FLAGS.items()}
    )
    return {slug: counts[slug.replace("-", "_")] for slug in FLAGS}


def review_list(body: AppropriateBody, slug: str, *, search: str = "") -> QuerySet[Teacher]:
    """The teachers on one review list, by name, each with the school they were last at."""
    if slug not in FLAGS:
        raise Http404("No such list")
    latest_school = _ect_periods().order_by("-started_on").values("school__name")[:1]
    teachers = _flagged(body).filter(**{FLAGS[slug]: True}).annotate(school_name=Subquery(latest_school))
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


# --- bulk uploads --------------------------------------------------------------------------------


def uploads_of(body: AppropriateBody) -> QuerySet[BulkUpload]:
    """The body's bulk uploads, newest first."""
    return (
        BulkUpload.objects.filter(appropriate_body=body).select_related("uploaded_by").order_by("-created_at")
    )


def upload_for(body: AppropriateBody, upload_id: int) -> BulkUpload:
    """One of the body's uploads; anyone else's (or none) is a 404."""
    upload = uploads_of(body).filter(pk=upload_id).first()
    if upload is None:
        raise Http404("No such upload")
    return upload


@dataclass(frozen=True)
class UploadProgress:
    done: int
    of: int

    @property
    def percent(self) -> int:
        return 100 if not self.of else self.done * 100 // self.of


def upload_progress(upload: BulkUpload) -> UploadProgress:
    """Rows checked of all (while checking), or rows applied of those to apply (while applying)."""
    counts = upload.rows.aggregate(
        checked=Count("pk", filter=Q(checked_at__isnull=False)),
        applied=Count("pk", filter=~Q(result="")),
        to_apply=Count("pk", filter=Q(problems=[])),
    )
    if upload.status in (BulkUpload.Status.CHECKING, BulkUpload.Status.FAILED):
        return UploadProgress(counts["checked"], upload.row_count)
    return UploadProgress(counts["applied"], counts["to_apply"])


def upload_rows(upload: BulkUpload) -> QuerySet[BulkUploadRow]:
    return upload.rows.order_by("row_number")


def result_counts(upload: BulkUpload) -> dict[str, int]:
    """How many rows ended each way (and how many had problems, so were not applied)."""
    counts = dict(upload.rows.exclude(result="").values_list("result").annotate(n=Count("pk")))
    return {**counts, "problems": upload.rows.exclude(problems=[]).count()}
