"""Reads for appropriate bodies: who may act for which body, and the teachers a body may see.

A body sees only the teachers it has claimed (an induction period with it, open or finished) or
whose school reported it as their appropriate body. Every page reaches a body through
`body_for(user, body_id)` and a teacher through `teacher_for(body, teacher_id)`: anything else is
a 404, as if it did not exist."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from accounts.models import User
from appropriate_bodies.models import BulkUpload, BulkUploadRow, InductionExtension
from audit.models import ActorType, Event
from core import clock
from finance.models import ClawbackStatus, Declaration, PaymentStatus
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    Teacher,
    TrainingPeriod,
)
from participants.queries import teacher_name, trainings_newest_first
from providers.models import AppropriateBody, DeclarationType
from schools.models import TrainingProgramme


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
    if slug == "reported":  # a school reports us; nobody has their induction open, or has ended it
        ended = InductionPeriod.objects.filter(teacher=OuterRef("teacher_id")).exclude(outcome="")
        rows = _reported_now(body).exclude(Exists(_open_induction())).exclude(Exists(ended))
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


def induction_periods_of(teacher: Teacher) -> list[InductionPeriod]:
    """A teacher's induction periods with every body, oldest first."""
    return list(teacher.induction_periods.select_related("appropriate_body").order_by("started_on"))


# --- Checking training data: the body's ECTs, and what a teacher's page shows -----------------


@dataclass(frozen=True)
class Standing:
    """Where a teacher's induction stands for this body (the ECT list's status and filter)."""

    slug: str
    label: str


STANDINGS = {
    standing.slug: standing
    for standing in [
        Standing("open", "Induction open with you"),
        Standing("passed", "Passed"),
        Standing("failed", "Failed"),
        Standing("released", "Released"),
        Standing("claimed-elsewhere", "Claimed by another body"),
        Standing("completed-elsewhere", "Outcome recorded by another body"),
        Standing("reported", "Reported by a school, not yet claimed"),
    ]
}


def _standing(body: AppropriateBody) -> Case:
    """The teacher's standing with the body, first that applies: an open induction period with
    the body; an outcome it recorded (pass, then fail); a period with it that finished without
    one (released); an open period with another body, or an outcome it recorded; otherwise
    reported by a school (and not yet claimed, or released by another body)."""
    ours = {"appropriate_body": body}
    return Case(
        When(Exists(_induction_periods(**ours, finished_on__isnull=True)), then=Value("open")),
        When(Exists(_induction_periods(**ours, outcome=InductionOutcome.PASS)), then=Value("passed")),
        When(Exists(_induction_periods(**ours, outcome=InductionOutcome.FAIL)), then=Value("failed")),
        When(Exists(_induction_periods(**ours, finished_on__isnull=False)), then=Value("released")),
        When(Exists(_induction_periods(finished_on__isnull=True)), then=Value("claimed-elsewhere")),
        When(Exists(_induction_periods().exclude(outcome="")), then=Value("completed-elsewhere")),
        default=Value("reported"),
        output_field=CharField(),
    )


def body_teachers(
    body: AppropriateBody, *, search: str = "", standing: str = "", school: str = ""
) -> QuerySet[Teacher]:
    """Every teacher the body may see, by name, each with their `standing`, `name`, the `school_name`
    of their latest ECT period and their latest induction period with this body (`induction_*`):
    all in one query, filtered by name or TRN, standing and a school they were an ECT at."""
    latest_with_us = _induction_periods(appropriate_body=body).order_by("-started_on")
    latest_school = _ect_periods().order_by("-started_on").values("school__name")[:1]
    teachers = teachers_visible_to(body).annotate(
        standing=_standing(body),
        name=teacher_name(),
        school_name=Subquery(latest_school),
        **{
            f"induction_{field}": Subquery(latest_with_us.values(field)[:1])
            for field in ("started_on", "finished_on", "number_of_terms", "outcome")
        },
    )
    if standing in STANDINGS:
        teachers = teachers.filter(standing=standing)
    if school.strip():
        teachers = teachers.filter(Exists(_ect_periods().filter(_school_matches(school.strip()))))
    return search_teachers(teachers, search).order_by("trs_last_name", "trs_first_name", "pk")


def csv_row(teacher: Teacher) -> list:
    """One teacher of `body_teachers` as a row of its CSV: TRN, name, school, their latest
    induction period with the body (start, end, terms, outcome) and their status."""
    outcome = teacher.induction_outcome
    return [
        teacher.trn,
        teacher.name,
        teacher.school_name,
        teacher.induction_started_on,
        teacher.induction_finished_on,
        teacher.induction_number_of_terms,
        InductionOutcome(outcome).label if outcome else "",
        STANDINGS[teacher.standing].label,
    ]


def _school_matches(text: str) -> Q:
    """ECT periods at the school with this URN, or whose name contains each word of `text`."""
    if text.isdigit():
        return Q(school__urn=int(text))
    matches = Q()
    for word in text.split():
        matches &= Q(school__name__icontains=word)
    return matches


# Milestones a lead provider declares for an ECT, in order; extensions are listed only when declared.
MILESTONES = [
    DeclarationType.STARTED,
    DeclarationType.RETAINED_1,
    DeclarationType.RETAINED_2,
    DeclarationType.RETAINED_3,
    DeclarationType.RETAINED_4,
    DeclarationType.COMPLETED,
]
EXTENSIONS = [DeclarationType.EXTENDED_1, DeclarationType.EXTENDED_2, DeclarationType.EXTENDED_3]


@dataclass(frozen=True)
class Progress:
    milestone: str
    declaration: Declaration | None  # the live declaration, if the lead provider has made one


def training_progress(teacher: Teacher) -> list[Progress]:
    """The ECT's training milestones with the lead provider's live declaration of each (one query).
    A voided or clawed-back declaration no longer counts, as for payment."""
    live = {
        declaration.declaration_type: declaration
        for declaration in Declaration.objects.filter(
            teacher=teacher, course_identifier="ecf-induction", clawback_status=ClawbackStatus.NO_CLAWBACK
        )
        .exclude(payment_status=PaymentStatus.VOIDED)
        .select_related("lead_provider", "delivery_partner")
        .order_by("declaration_date")
    }
    return [
        Progress(milestone.label, live.get(milestone))
        for milestone in [*MILESTONES, *(extension for extension in EXTENSIONS if extension in live)]
    ]


def school_reports(teacher: Teacher) -> list[ECTAtSchoolPeriod]:
    """What each school reported of the ECT, newest first: the period (school, dates, working
    pattern, appropriate body) with its `trainings` newest first, each with its programme, lead
    provider and delivery partner. Two queries. The email the school gave is not shown to bodies."""
    return list(
        teacher.ect_at_school_periods.select_related("school", "school_reported_appropriate_body")
        .prefetch_related(trainings_newest_first())
        .order_by("-started_on")
    )


# Events about a teacher that a body may see on their timeline (decision 0027): their time as an
# ECT at each school and what the school reported, their training as the lead provider reports it,
# their name and TRS record, and anything naming an appropriate body (claims, outcomes,
# extensions, support's corrections of induction periods). Not: changes of the email a school
# gave (private contact details), their mentoring of others, support looking at their records, or
# the service's own housekeeping.
TIMELINE_EVENT_TYPES = {
    "ect_registered",
    "ect_moved_to_another_school",
    "ect_left_school",
    "ect_working_pattern_changed",
    "ect_appropriate_body_changed",
    "ect_training_changed",
    "teacher_name_changed",
    "teacher_refreshed_from_trs",
    "mentor_assigned",
    "mentorship_ended",
    "declaration_made",
    "declaration_voided",
    "declaration_clawback",
    "training_withdrawn",
    "training_deferred",
    "training_resumed",
    "training_schedule_changed",
}
TIMELINE_LENGTH = 100


@dataclass(frozen=True)
class BodyTimelineEntry:
    happened_at: datetime.datetime
    heading: str
    by: str
    reason: str


def _by(event: Event) -> str:
    """Who did it, as an organisation: a body sees which school, provider or body, never the person."""
    match event.actor_type:
        case ActorType.SCHOOL_USER:
            return event.school.name if event.school else "A school"
        case ActorType.LEAD_PROVIDER:
            return event.actor_name
        case ActorType.APPROPRIATE_BODY_USER:
            return event.appropriate_body.name if event.appropriate_body else "An appropriate body"
        case ActorType.DFE_STAFF:
            return "DfE support"
    return "The service"


def _about_mentoring() -> Q:
    """Events about the teacher's own mentor training (a declaration for the mentor course, or a
    mentor's training period), which is no appropriate body's business."""
    return Q(
        subject_type="declaration",
        subject_id__in=Declaration.objects.filter(course_identifier="ecf-mentor").values("pk"),
    ) | Q(
        subject_type="trainingperiod",
        subject_id__in=TrainingPeriod.objects.filter(mentor_at_school_period__isnull=False).values("pk"),
    )


def body_timeline(body: AppropriateBody, teacher: Teacher) -> list[BodyTimelineEntry]:
    """The newest TIMELINE_LENGTH events about the teacher that a body may see, newest first (one
    query). A reason given with an event is shown only when it was the body's own event or about
    it: another body's extension reasons, or support's reasons for correcting another body's
    period, may speak of the ECT's performance."""
    events = (
        teacher.events.filter(
            Q(event_type__in=TIMELINE_EVENT_TYPES)
            | Q(event_type__startswith="inductionperiod_")  # support's changes in admin
            | Q(appropriate_body__isnull=False)
        )
        .exclude(_about_mentoring())
        .select_related("school", "appropriate_body")
        .order_by("-happened_at", "-id")[:TIMELINE_LENGTH]
    )
    return [
        BodyTimelineEntry(
            event.happened_at,
            event.heading,
            _by(event),
            event.reason if event.appropriate_body_id in (None, body.pk) else "",
        )
        for event in events
    ]


def training_data(body: AppropriateBody, teacher: Teacher) -> dict:
    """What a body's teacher page shows beyond the induction periods: a fixed number of queries."""
    reports = school_reports(teacher)
    progress = training_progress(teacher)
    return {
        "school_reports": reports,
        "progress": progress,
        # School-led training has no lead provider to declare it: no empty table of milestones.
        "declarations_expected": any(step.declaration for step in progress)
        or any(
            training.training_programme == TrainingProgramme.PROVIDER_LED
            for period in reports
            for training in period.trainings
        ),
        "timeline": body_timeline(body, teacher),
        "timeline_length": TIMELINE_LENGTH,
    }


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
