"""What the lead provider API reads. Every query starts from the calling lead provider, so another
provider's rows are never found."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Q, QuerySet

from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TeacherIdChange,
    TrainingPeriod,
)
from providers.models import DeliveryPartner, LeadProvider


def delivery_partners(
    lead_provider: LeadProvider, *, cohorts: list[int] | None = None
) -> QuerySet[DeliveryPartner]:
    """The delivery partners the lead provider works with, each with `cohorts`: the years they do,
    oldest first. With `cohorts`, only those working with the provider in one of those years."""
    pairings = {"lead_provider_partnerships__active_lead_provider__lead_provider": lead_provider}
    partners = DeliveryPartner.objects.filter(**pairings)
    if cohorts:
        partners = partners.filter(
            lead_provider_partnerships__active_lead_provider__contract_period__year__in=cohorts
        )
    return (
        DeliveryPartner.objects.filter(pk__in=partners.values("pk"))
        .annotate(
            cohorts=ArrayAgg(
                "lead_provider_partnerships__active_lead_provider__contract_period__year",
                filter=Q(**pairings),
                distinct=True,
                order_by="lead_provider_partnerships__active_lead_provider__contract_period__year",
            )
        )
        .order_by("name", "pk")
    )


# --- Participants -----------------------------------------------------------------------------

# The lock the triggers of participants migration 0003 take shared while a change is uncommitted.
API_CHANGES_LOCK = 7_000_003

_PROVIDER_CHAIN = "school_partnership__lead_provider_delivery_partnership"


def settled_now() -> datetime.datetime:
    """Wait until every participant change already stamped has committed, and return a time
    before which no change can be stamped that this request's reads will miss: a client polling
    `updated_since` from it never misses a change (docs/decisions/0016)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (now,) = cursor.fetchone()
        cursor.execute("SELECT pg_advisory_lock(%s)", [API_CHANGES_LOCK])
        cursor.execute("SELECT pg_advisory_unlock(%s)", [API_CHANGES_LOCK])
    return now


def trained_by(lead_provider: LeadProvider) -> Q:
    """Training periods with the lead provider: confirmed by a partnership, or resting on a
    school's expression of interest in it."""
    return Q(**{f"{_PROVIDER_CHAIN}__active_lead_provider__lead_provider": lead_provider}) | Q(
        expression_of_interest__lead_provider=lead_provider
    )


def in_contract_periods(years: list[int]) -> Q:
    return Q(**{f"{_PROVIDER_CHAIN}__active_lead_provider__contract_period__year__in": years}) | Q(
        expression_of_interest__contract_period__year__in=years
    )


TRAINING_STATUSES = ("active", "deferred", "withdrawn")


def with_training_status(status: str) -> Q:
    return {
        "active": Q(withdrawn_at__isnull=True, deferred_at__isnull=True),
        "deferred": Q(deferred_at__isnull=False),
        "withdrawn": Q(withdrawn_at__isnull=False),
    }[status]


def enrolment_trainings(lead_provider: LeadProvider, role: str) -> QuerySet[TrainingPeriod]:
    """Each teacher's latest training in `role` ("ect" or "mentor") with the lead provider: what
    their enrolment in that role shows."""
    teacher = f"{role}_at_school_period__teacher_id"
    return (
        TrainingPeriod.objects.filter(
            trained_by(lead_provider), **{f"{role}_at_school_period__isnull": False}
        )
        .order_by(teacher, "-started_on", "-id")
        .distinct(teacher)
    )


@dataclass(frozen=True)
class ParticipantFilters:
    cohorts: list[int] = field(default_factory=list)
    training_status: str | None = None
    updated_since: datetime.datetime | None = None
    from_participant_id: uuid.UUID | None = None
    sort: tuple[str, ...] = ("created_at",)


SORTABLE = {"created_at": "created_at", "updated_at": "api_updated_at"}


def participants(
    lead_provider: LeadProvider, filters: ParticipantFilters = ParticipantFilters()
) -> QuerySet[Teacher]:
    """The teachers the lead provider trains or has trained (as an ECT or a mentor), filtered by
    what their enrolments with it show, in the order asked for."""
    matching_teachers = []
    for role in ("ect", "mentor"):
        trainings = TrainingPeriod.objects.filter(
            pk__in=enrolment_trainings(lead_provider, role).values("pk")
        )
        if filters.cohorts:
            trainings = trainings.filter(in_contract_periods(filters.cohorts))
        if filters.training_status:
            trainings = trainings.filter(with_training_status(filters.training_status))
        matching_teachers.append(Q(pk__in=trainings.values(f"{role}_at_school_period__teacher")))
    teachers = Teacher.objects.filter(matching_teachers[0] | matching_teachers[1])
    if filters.updated_since:
        teachers = teachers.filter(api_updated_at__gte=filters.updated_since)
    if filters.from_participant_id:
        teachers = teachers.filter(api_id_changes__from_api_id=filters.from_participant_id)
    order = [("-" if key.startswith("-") else "") + SORTABLE[key.lstrip("-")] for key in filters.sort]
    return teachers.order_by(*order, "id")


@dataclass
class Enrolment:
    """A teacher's training in one role with the lead provider, with what the API shows of it."""

    role: str
    training: TrainingPeriod
    at_school: ECTAtSchoolPeriod | MentorAtSchoolPeriod
    mentor: Teacher | None = None


def with_enrolments(
    teachers: list[Teacher], lead_provider: LeadProvider, *, today: datetime.date
) -> list[Teacher]:
    """Give each teacher `enrolments` (their latest training with the lead provider in each role),
    `inductions` and `former_api_ids`, in a fixed number of queries however many teachers."""
    by_id = {teacher.pk: teacher for teacher in teachers}
    for teacher in teachers:
        teacher.enrolments, teacher.inductions, teacher.former_api_ids = [], [], []
    if not teachers:
        return teachers
    trainings = (
        TrainingPeriod.objects.filter(trained_by(lead_provider))
        .filter(Q(ect_at_school_period__teacher__in=by_id) | Q(mentor_at_school_period__teacher__in=by_id))
        .select_related(
            "ect_at_school_period__school",
            "mentor_at_school_period__school",
            "schedule",
            f"{_PROVIDER_CHAIN}__delivery_partner",
            f"{_PROVIDER_CHAIN}__active_lead_provider",
            "expression_of_interest",
        )
        .order_by("started_on", "id")
    )
    latest: dict[tuple[int, str], Enrolment] = {}
    for training in trainings:  # oldest first, so the latest in each role wins
        role = "ect" if training.ect_at_school_period_id else "mentor"
        at_school = training.ect_at_school_period or training.mentor_at_school_period
        latest[(at_school.teacher_id, role)] = Enrolment(role=role, training=training, at_school=at_school)
    ect_periods = [e.at_school.pk for e in latest.values() if e.role == "ect"]
    mentorships = (
        MentorshipPeriod.objects.filter(mentee__in=ect_periods, started_on__lte=today)
        .select_related("mentor__teacher")
        .order_by("started_on", "id")
    )
    mentor_of = {mentorship.mentee_id: mentorship.mentor.teacher for mentorship in mentorships}
    for (teacher_id, role), enrolment in sorted(latest.items(), key=lambda item: item[0][1]):
        if role == "ect":
            enrolment.mentor = mentor_of.get(enrolment.at_school.pk)
        by_id[teacher_id].enrolments.append(enrolment)
    for induction in InductionPeriod.objects.filter(teacher__in=by_id).order_by("started_on", "id"):
        by_id[induction.teacher_id].inductions.append(induction)
    for change in TeacherIdChange.objects.filter(teacher__in=by_id).order_by("changed_at", "id"):
        by_id[change.teacher_id].former_api_ids.append(change)
    return teachers


def participant(lead_provider: LeadProvider, api_id) -> Teacher | None:
    """One teacher the lead provider trains or has trained, by API id; None for anyone else."""
    return participants(lead_provider).filter(api_id=api_id).first()
