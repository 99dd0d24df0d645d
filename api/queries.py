"""What the lead provider API reads. Every query starts from the calling lead provider, so another
provider's rows are never found."""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from core import clock
from finance import queries as finance_queries
from finance.models import Declaration, Statement
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    ParticipantChange,
    Teacher,
    TeacherIdChange,
    TrainingPeriod,
)
from providers.models import (
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    SchoolPartnership,
)
from schools.models import School, SchoolAccess, SchoolContractPeriodChoice, SchoolFundingFlags, SchoolRole

# What each list may be sorted by (docs/decisions/0032), and the column or annotation each sorts on.
SORTABLE = {"created_at": "created_at", "updated_at": "api_updated_at"}
DELIVERY_PARTNER_SORTABLE = {"name": "name", "created_at": "created_at", "updated_at": "updated_at"}
SCHOOL_SORTABLE = {**SORTABLE, "urn": "urn"}


def _sorted(rows: QuerySet, sort: tuple[str, ...], columns: dict[str, str]) -> QuerySet:
    """`rows` in the order `sort` asks for (keys of `columns`, each maybe led by "-"), then by id."""
    order = [("-" if key.startswith("-") else "") + columns[key.lstrip("-")] for key in sort]
    return rows.order_by(*order, "id")


def delivery_partners(
    lead_provider: LeadProvider,
    *,
    cohorts: list[int] | None = None,
    sort: tuple[str, ...] = ("created_at",),
) -> QuerySet[DeliveryPartner]:
    """The delivery partners the lead provider works with, each with `cohorts`: the years they do,
    oldest first. With `cohorts`, only those working with the provider in one of those years (an
    empty list matches none)."""
    pairings = {"lead_provider_partnerships__active_lead_provider__lead_provider": lead_provider}
    # One filter() call, so the year and the provider are matched on the same pairing.
    in_years = (
        {"lead_provider_partnerships__active_lead_provider__contract_period__year__in": cohorts}
        if cohorts is not None
        else {}
    )
    partners = DeliveryPartner.objects.filter(**pairings, **in_years)
    rows = DeliveryPartner.objects.filter(pk__in=partners.values("pk")).annotate(
        cohorts=ArrayAgg(
            "lead_provider_partnerships__active_lead_provider__contract_period__year",
            filter=Q(**pairings),
            distinct=True,
            order_by="lead_provider_partnerships__active_lead_provider__contract_period__year",
        )
    )
    return _sorted(rows, sort, DELIVERY_PARTNER_SORTABLE)


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
    """Training periods with the lead provider through a partnership it confirmed. Training that
    rests on a school's expression of interest alone is not the provider's to see until it
    confirms the partnership, as in the DfE's API (docs/decisions/0034)."""
    return Q(**{f"{_PROVIDER_CHAIN}__active_lead_provider__lead_provider": lead_provider})


def all_trained_by(lead_provider: LeadProvider) -> Q:
    """trained_by, for reading all the provider's training periods: by the ids of its own
    partnerships, not by joining every training period to them."""
    return Q(
        school_partnership__in=SchoolPartnership.objects.filter(
            lead_provider_delivery_partnership__active_lead_provider__lead_provider=lead_provider
        ).values("pk")
    )


def in_contract_periods(years: list[int]) -> Q:
    return Q(**{f"{_PROVIDER_CHAIN}__active_lead_provider__contract_period__year__in": years})


TRAINING_STATUSES = ("active", "deferred", "withdrawn")


def with_training_status(status: str) -> Q:
    """Training with that status; a status that is not one of TRAINING_STATUSES matches none."""
    return {
        "active": Q(withdrawn_at__isnull=True, deferred_at__isnull=True),
        "deferred": Q(deferred_at__isnull=False),
        "withdrawn": Q(withdrawn_at__isnull=False),
    }.get(status, Q(pk__in=[]))


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
    """What a participants list asks for. For cohorts and from_participant_ids, None is not asked
    and an empty list matches nobody."""

    cohorts: list[int] | None = None
    training_status: str | None = None
    updated_since: datetime.datetime | None = None
    from_participant_ids: list[uuid.UUID] | None = None
    sort: tuple[str, ...] = ("created_at",)


def enrolled(lead_provider: LeadProvider, filters: ParticipantFilters, *, each: bool) -> Q:
    """Teachers with an enrolment with the lead provider that `filters` match (all but
    updated_since and from_participant_ids). `each`: checked teacher by teacher (EXISTS), for the
    few an index finds; else all the provider's teachers are found at once (one semi-join), for a
    list, whose every page is sorted among them all."""
    trainings_by_role = {}
    for role in ("ect", "mentor"):
        if filters.cohorts is not None or filters.training_status:
            # Only the latest training in the role (what the enrolment shows) may match.
            trainings = TrainingPeriod.objects.filter(
                pk__in=enrolment_trainings(lead_provider, role).values("pk")
            )
            if filters.cohorts is not None:
                trainings = trainings.filter(in_contract_periods(filters.cohorts))
            if filters.training_status:
                trainings = trainings.filter(with_training_status(filters.training_status))
        else:
            # Which training is the latest does not matter: any one in the role is an enrolment.
            trainings = TrainingPeriod.objects.filter(
                trained_by(lead_provider) if each else all_trained_by(lead_provider),
                **{f"{role}_at_school_period__isnull": False},
            )
        trainings_by_role[role] = trainings.order_by()
    ects, mentors = trainings_by_role["ect"], trainings_by_role["mentor"]
    if each:
        return Q(Exists(ects.filter(ect_at_school_period__teacher=OuterRef("pk")))) | Q(
            Exists(mentors.filter(mentor_at_school_period__teacher=OuterRef("pk")))
        )
    # Not `pk IN (ECTs) OR pk IN (mentors)`: two hashed subplans, which each parallel worker
    # builds again.
    return Q(
        pk__in=ects.values("ect_at_school_period__teacher").union(
            mentors.values("mentor_at_school_period__teacher"), all=True
        )
    )


def participants(
    lead_provider: LeadProvider, filters: ParticipantFilters = ParticipantFilters()
) -> QuerySet[Teacher]:
    """The teachers the lead provider trains or has trained (as an ECT or a mentor), filtered by
    what their enrolments with it show, in the order asked for."""
    teachers = Teacher.objects.all()
    if filters.updated_since:
        # A poll: the few teachers changed since, by the index on api_updated_at.
        teachers = teachers.filter(api_updated_at__gte=filters.updated_since)
    if filters.from_participant_ids is not None:
        teachers = teachers.filter(api_id_changes__from_api_id__in=filters.from_participant_ids)
    each = bool(filters.updated_since or filters.from_participant_ids)
    teachers = teachers.filter(enrolled(lead_provider, filters, each=each))
    return _sorted(teachers, filters.sort, SORTABLE)


@dataclass
class Enrolment:
    """A teacher's training in one role with the lead provider, with what the API shows of it."""

    role: str
    training: TrainingPeriod
    at_school: ECTAtSchoolPeriod | MentorAtSchoolPeriod
    mentor: Teacher | None = None
    pupil_premium_uplift: bool = False
    sparsity_uplift: bool = False
    cohort_changed_after_payments_frozen: bool = False
    # When an ECT passed induction, or a mentor completed their training; else None.
    completed_on: datetime.date | None = None
    # When the teacher's first period at school in the role was recorded (the DfE's created_at).
    first_recorded_at: datetime.datetime | None = None


def with_enrolments(
    teachers: list[Teacher], lead_provider: LeadProvider, *, today: datetime.date
) -> list[Teacher]:
    """Give each teacher `enrolments` (their latest training with the lead provider in each role),
    `inductions`, `former_api_ids` and `mentor_training_completed_on` (the date of a live completed
    mentor declaration, by any provider), in a fixed number of queries however many teachers."""
    by_id = {teacher.pk: teacher for teacher in teachers}
    for teacher in teachers:
        teacher.enrolments, teacher.inductions, teacher.former_api_ids = [], [], []
        teacher.mentor_training_completed_on = None
    if not teachers:
        return teachers
    # One query per role, each finding the teachers' periods by their teacher_id index: an OR
    # across the two periods' tables would read every training period.
    trainings = [
        training
        for role in ("ect", "mentor")
        for training in TrainingPeriod.objects.filter(
            trained_by(lead_provider), **{f"{role}_at_school_period__teacher__in": by_id}
        )
        .select_related(
            f"{role}_at_school_period__school",
            "schedule",
            f"{_PROVIDER_CHAIN}__delivery_partner",
            f"{_PROVIDER_CHAIN}__active_lead_provider__contract_period",
        )
        .order_by("started_on", "id")
    ]
    latest: dict[tuple[int, str], Enrolment] = {}
    for training in trainings:  # oldest first, so the latest in each role wins
        role = "ect" if training.ect_at_school_period_id else "mentor"
        at_school = training.ect_at_school_period or training.mentor_at_school_period
        latest[(at_school.teacher_id, role)] = Enrolment(role=role, training=training, at_school=at_school)
    ect_periods = [e.at_school.pk for e in latest.values() if e.role == "ect"]
    mentorships = (
        MentorshipPeriod.objects.filter(mentee__in=ect_periods, started_on__lte=today)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=today))
        .select_related("mentor__teacher")
        .order_by("started_on", "id")
    )
    mentor_of = {mentorship.mentee_id: mentorship.mentor.teacher for mentorship in mentorships}
    for (teacher_id, role), enrolment in sorted(latest.items(), key=lambda item: item[0][1]):
        if role == "ect":
            enrolment.mentor = mentor_of.get(enrolment.at_school.pk)
        by_id[teacher_id].enrolments.append(enrolment)
    completed = (
        Declaration.objects.filter(
            teacher__in=by_id,
            course_identifier="ecf-mentor",
            declaration_type="completed",
            clawback_status="no_clawback",
        )
        .exclude(payment_status="voided")
        .values_list("teacher", "declaration_date")
    )
    for teacher_id, declared_on in completed:
        by_id[teacher_id].mentor_training_completed_on = timezone.localtime(declared_on).date()
    for induction in InductionPeriod.objects.filter(teacher__in=by_id).order_by("started_on", "id"):
        by_id[induction.teacher_id].inductions.append(induction)
    for change in TeacherIdChange.objects.filter(teacher__in=by_id).order_by("changed_at", "id"):
        by_id[change.teacher_id].former_api_ids.append(change)
    _with_funding_facts(list(latest.values()), by_id)
    for role, periods in (("ect", ECTAtSchoolPeriod), ("mentor", MentorAtSchoolPeriod)):
        first_periods = (
            periods.objects.filter(teacher__in=[t for (t, r) in latest if r == role])
            .order_by("teacher_id", "started_on", "id")
            .distinct("teacher_id")
            .values_list("teacher_id", "created_at")
        )
        for teacher_id, created_at in first_periods:
            latest[(teacher_id, role)].first_recorded_at = created_at
    return teachers


def _with_funding_facts(enrolments: list[Enrolment], by_id: dict[int, Teacher]) -> None:
    """Each enrolment's uplifts, frozen-cohort move and completion, in two queries."""
    frozen = list(ContractPeriod.objects.filter(payments_frozen_at__isnull=False))
    flags = {
        (row.school_id, row.contract_period_id): row
        for row in SchoolFundingFlags.objects.filter(
            school__in={enrolment.at_school.school_id for enrolment in enrolments},
            contract_period__in={_contract_period_of(enrolment.training).year for enrolment in enrolments},
        )
    }
    for enrolment in enrolments:
        contract_period = _contract_period_of(enrolment.training)
        school_flags = flags.get((enrolment.at_school.school_id, contract_period.year))
        if contract_period.pays_uplifts and school_flags is not None:
            enrolment.pupil_premium_uplift = school_flags.pupil_premium
            enrolment.sparsity_uplift = school_flags.sparsity
        enrolment.cohort_changed_after_payments_frozen = moved_out_of_frozen_period(
            enrolment.at_school.started_on, contract_period, frozen=frozen
        )
        teacher = by_id[enrolment.at_school.teacher_id]
        enrolment.completed_on = (
            next((i.finished_on for i in teacher.inductions if i.outcome == InductionOutcome.PASS), None)
            if enrolment.role == "ect"
            else teacher.mentor_training_completed_on
        )


def _contract_period_of(training: TrainingPeriod) -> ContractPeriod:
    return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.contract_period


def moved_out_of_frozen_period(
    started_on: datetime.date, contract_period: ContractPeriod, *, frozen: list[ContractPeriod]
) -> bool:
    """Whether training is in a later contract period than the one its school period started in
    because that one's payments were frozen: placed there on registration, or moved there by a
    change of schedule (providers.queries.contract_period_for_start)."""
    return any(
        period.started_on <= started_on <= period.finished_on and period.year < contract_period.year
        for period in frozen
    )


def participant(lead_provider: LeadProvider, api_id) -> Teacher | None:
    """One teacher the lead provider trains or has trained, by API id; None for anyone else."""
    return (
        Teacher.objects.filter(api_id=api_id)
        .filter(enrolled(lead_provider, ParticipantFilters(), each=True))
        .first()
    )


# --- Partnerships and schools -------------------------------------------------------------------

_TUTORS = SchoolAccess.objects.filter(school=OuterRef("school"), role=SchoolRole.INDUCTION_TUTOR)


def partnerships(
    lead_provider: LeadProvider,
    *,
    cohorts: list[int] | None = None,
    delivery_partner_ids: list[uuid.UUID] | None = None,
    updated_since: datetime.datetime | None = None,
    sort: tuple[str, ...] = ("created_at",),
    today: datetime.date | None = None,
) -> QuerySet[SchoolPartnership]:
    """The lead provider's school partnerships, each with `api_updated_at` (which moves when the
    school's induction tutor changes too, since the partnership shows them) and
    `participants_currently_training` (through it, on `today`). For cohorts and
    delivery_partner_ids, None is not asked and an empty list matches none."""
    today = today or clock.today()
    rows = SchoolPartnership.objects.filter(
        lead_provider_delivery_partnership__active_lead_provider__lead_provider=lead_provider
    )
    if cohorts is not None:
        rows = rows.filter(
            lead_provider_delivery_partnership__active_lead_provider__contract_period__in=cohorts
        )
    if delivery_partner_ids is not None:
        rows = rows.filter(
            lead_provider_delivery_partnership__delivery_partner__api_id__in=delivery_partner_ids
        )
    training_now = TrainingPeriod.objects.filter(
        school_partnership=OuterRef("pk"), started_on__lte=today
    ).filter(Q(finished_on__isnull=True) | Q(finished_on__gte=today))
    rows = rows.annotate(
        api_updated_at=Greatest(
            "updated_at",
            Coalesce(Subquery(_TUTORS.order_by("-started_at").values("started_at")[:1]), "updated_at"),
            Coalesce(
                Subquery(_TUTORS.filter(ended_at__isnull=False).order_by("-ended_at").values("ended_at")[:1]),
                "updated_at",
            ),
        ),
        participants_currently_training=Coalesce(
            Subquery(
                training_now.order_by().values("school_partnership").annotate(n=Count("pk")).values("n")[:1]
            ),
            0,
        ),
    ).select_related(
        "school",
        "lead_provider_delivery_partnership__delivery_partner",
        "lead_provider_delivery_partnership__active_lead_provider",
    )
    if updated_since:
        rows = rows.filter(api_updated_at__gte=updated_since)
    return _sorted(rows, sort, SORTABLE)


def with_induction_tutors(rows: list, school_of=lambda row: row.school) -> list:
    """Give each row `induction_tutor` (its school's current one, or None), in one query."""
    schools = {school_of(row).pk for row in rows}
    tutors = {
        access.school_id: access.user
        for access in SchoolAccess.objects.filter(
            school__in=schools, role=SchoolRole.INDUCTION_TUTOR, ended_at__isnull=True
        ).select_related("user")
    }
    for row in rows:
        row.induction_tutor = tutors.get(school_of(row).pk)
    return rows


def schools_in(
    lead_provider: LeadProvider,
    contract_period: ContractPeriod,
    *,
    urns: list[int] | None = None,
    updated_since: datetime.datetime | None = None,
    sort: tuple[str, ...] = ("created_at",),
) -> QuerySet[School]:
    """The schools a lead provider may partner with in a contract period (those eligible for funded
    training) and those already in partnership then, each with what it chose that year, whether it
    is in partnership, whether it named this provider, and when any of that last changed. With
    `urns`, only those (an empty list matches none)."""
    partnered = SchoolPartnership.objects.filter(
        school=OuterRef("pk"),
        lead_provider_delivery_partnership__active_lead_provider__contract_period=contract_period,
    )
    choice = SchoolContractPeriodChoice.objects.filter(school=OuterRef("pk"), contract_period=contract_period)
    rows = School.objects.filter(Q(eligible_for_funding=True) | Q(Exists(partnered))).annotate(
        in_partnership=Exists(partnered),
        partnered_with_us=Exists(
            partnered.filter(
                lead_provider_delivery_partnership__active_lead_provider__lead_provider=lead_provider
            )
        ),
        chosen_programme=Subquery(choice.values("programme")[:1]),
        chose_us=Exists(choice.filter(lead_provider__lead_provider=lead_provider)),
        api_updated_at=Greatest(
            "updated_at",
            Coalesce(Subquery(choice.values("updated_at")[:1]), "updated_at"),
            Coalesce(Subquery(partnered.order_by("-updated_at").values("updated_at")[:1]), "updated_at"),
        ),
    )
    if urns is not None:
        rows = rows.filter(urn__in=urns)
    if updated_since:
        rows = rows.filter(api_updated_at__gte=updated_since)
    return _sorted(rows, sort, SCHOOL_SORTABLE)


# --- Transfers, unfunded mentors and the change feed -------------------------------------------------


def transferred_participants(lead_provider: LeadProvider, *, updated_since=None, sort=("created_at",)):
    """Teachers who moved school, or left one, as an ECT or mentor where the lead provider trained
    them on one side: one of their periods of that role had training with it, and another period
    of the same role lies wholly before or after that one; or that period has ended with none
    after it (they left, their next school not yet known) and, for an ECT, induction not passed."""
    moved = []
    for role, periods in (("ect", ECTAtSchoolPeriod), ("mentor", MentorAtSchoolPeriod)):
        at_school = f"{role}_at_school_period"
        teacher = OuterRef(f"{at_school}__teacher")
        another_period = periods.objects.filter(teacher=teacher).filter(
            Q(finished_on__lt=OuterRef(f"{at_school}__started_on"))
            | Q(started_on__gt=OuterRef(f"{at_school}__finished_on"))
        )
        left_for_no_school = Q(**{f"{at_school}__finished_on__isnull": False}) & ~Q(
            Exists(
                periods.objects.filter(teacher=teacher, started_on__gt=OuterRef(f"{at_school}__finished_on"))
            )
        )
        if role == "ect":
            left_for_no_school &= ~Q(
                Exists(InductionPeriod.objects.filter(teacher=teacher, outcome=InductionOutcome.PASS))
            )
        trainings = TrainingPeriod.objects.filter(
            trained_by(lead_provider), **{f"{at_school}__isnull": False}
        )
        moved.append(
            Q(
                pk__in=trainings.filter(Q(Exists(another_period)) | left_for_no_school).values(
                    f"{at_school}__teacher"
                )
            )
        )
    teachers = Teacher.objects.filter(moved[0] | moved[1])
    if updated_since:
        teachers = teachers.filter(api_updated_at__gte=updated_since)
    return _sorted(teachers, sort, SORTABLE)


@dataclass
class Move:
    """A teacher leaving a school and (unless `joining` is None: not known yet) starting at the next."""

    role: str
    leaving: ECTAtSchoolPeriod | MentorAtSchoolPeriod
    joining: ECTAtSchoolPeriod | MentorAtSchoolPeriod | None
    leaving_training: TrainingPeriod | None
    leaving_provider: LeadProvider | None
    joining_provider: LeadProvider | None


def with_moves(teachers: list[Teacher], lead_provider: LeadProvider) -> list[Teacher]:
    """Give each teacher `moves`: each time they left a school (and started at the next, if they
    have), as ECT or mentor, where the lead provider trained them on one side; in a fixed number
    of queries."""
    by_id = {teacher.pk: teacher for teacher in teachers}
    for teacher in teachers:
        teacher.moves = []
    passed = set(
        InductionPeriod.objects.filter(teacher__in=by_id, outcome=InductionOutcome.PASS).values_list(
            "teacher", flat=True
        )
    )
    for role, periods in (("ect", ECTAtSchoolPeriod), ("mentor", MentorAtSchoolPeriod)):
        rows = list(
            periods.objects.filter(teacher__in=by_id)
            .select_related("school")
            .prefetch_related(
                Prefetch(
                    "training_periods",
                    queryset=TrainingPeriod.objects.select_related(
                        f"{_PROVIDER_CHAIN}__active_lead_provider__lead_provider"
                    ).order_by("started_on", "id"),
                )
            )
            .order_by("teacher_id", "started_on", "id")
        )
        of_teacher: dict[int, list] = {}
        for period in rows:
            of_teacher.setdefault(period.teacher_id, []).append(period)
        for teacher_id, teacher_periods in of_teacher.items():
            moves = _moves_between(role, teacher_periods, passed_induction=teacher_id in passed)
            # A move is from training with a provider (the DfE's never names none), and this
            # provider trained them on one side.
            by_id[teacher_id].moves += [
                move
                for move in moves
                if move.leaving_provider and lead_provider in (move.leaving_provider, move.joining_provider)
            ]
    return teachers


def _moves_between(role: str, periods: list, *, passed_induction: bool) -> list[Move]:
    """The moves in one teacher's periods of one role (oldest first): each later period from the
    latest one that ended before it, and the last one ended with nothing after it, unless an ECT
    left having passed induction (their training is over, not moving)."""
    moves = []
    for joining in periods:
        earlier = [p for p in periods if p.finished_on and p.finished_on < joining.started_on]
        if earlier:
            moves.append(_move(role, max(earlier, key=lambda p: (p.finished_on, p.pk)), joining))
    last = max(periods, key=lambda p: (p.started_on, p.pk))
    ended = last.finished_on is not None and not (role == "ect" and passed_induction)
    if ended and not any(p.started_on > last.finished_on for p in periods):
        moves.append(_move(role, last, None))
    return moves


def _move(role: str, leaving, joining) -> Move:
    leaving_trainings = leaving.training_periods.all()
    return Move(
        role=role,
        leaving=leaving,
        joining=joining,
        leaving_training=leaving_trainings[len(leaving_trainings) - 1] if leaving_trainings else None,
        leaving_provider=_provider_of(leaving_trainings[::-1]),
        joining_provider=_provider_of(joining.training_periods.all()) if joining else None,
    )


def _provider_of(trainings) -> LeadProvider | None:
    """The lead provider of the first training among `trainings` through a partnership."""
    for training in trainings:
        if training.school_partnership_id:
            return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
    return None


def unfunded_mentors(
    lead_provider: LeadProvider, *, updated_since=None, sort=("created_at",)
) -> QuerySet[Teacher]:
    """Mentors of the lead provider's ECTs who do not train with it themselves: it supports them
    without being paid for their training. Each with `email`, from their latest mentor period."""
    ect_periods_trained = TrainingPeriod.objects.filter(
        trained_by(lead_provider), ect_at_school_period__isnull=False
    ).values("ect_at_school_period")
    mentoring_our_ects = MentorshipPeriod.objects.filter(mentee__in=ect_periods_trained).values(
        "mentor__teacher"
    )
    trained_as_mentors = TrainingPeriod.objects.filter(
        trained_by(lead_provider), mentor_at_school_period__isnull=False
    ).values("mentor_at_school_period__teacher")
    teachers = (
        Teacher.objects.filter(pk__in=mentoring_our_ects)
        .exclude(pk__in=trained_as_mentors)
        .annotate(
            email=Subquery(
                MentorAtSchoolPeriod.objects.filter(teacher=OuterRef("pk"))
                .order_by("-started_on", "-id")
                .values("email")[:1]
            )
        )
    )
    if updated_since:
        teachers = teachers.filter(api_updated_at__gte=updated_since)
    return _sorted(teachers, sort, SORTABLE)


def settled_change() -> int:
    """Wait until every participant change already recorded has committed, and return the last
    change id recorded by then: every change above it is recorded later (docs/decisions/0016)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [API_CHANGES_LOCK])
        try:
            # Writers take the lock shared before they take an id, so every id taken so far has
            # committed (or rolled back), and every id taken later is higher.
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM participants_participantchange")
            (last,) = cursor.fetchone()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [API_CHANGES_LOCK])
    return last


def changed_participants(
    lead_provider: LeadProvider, *, after: int, up_to: int, limit: int
) -> list[tuple[int, int]]:
    """(teacher id, their last change id) for the lead provider's participants changed after
    change `after` up to `up_to`, in the order of their last change, at most `limit`."""
    visible = participants(lead_provider).values("pk")
    return list(
        ParticipantChange.objects.filter(id__gt=after, id__lte=up_to, teacher__in=visible)
        .values("teacher")
        .annotate(last=Max("id"))
        .order_by("last")
        .values_list("teacher", "last")[:limit]
    )


# --- Declarations and statements ---------------------------------------------------------------------


COURSE_ROLES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
# A previous provider's declaration the DfE shows the new one: live, and paid or payable (or not
# funded), not voided or clawed back.
INHERITED_PAYMENT_STATUSES = ("no_payment", "eligible", "paid")


def declarations(
    lead_provider: LeadProvider,
    *,
    cohorts: list[int] | None = None,
    participant_ids: list[uuid.UUID] | None = None,
    delivery_partner_ids: list[uuid.UUID] | None = None,
    updated_since: datetime.datetime | None = None,
    teacher_ids: list[int] | None = None,
) -> QuerySet[Declaration]:
    """The lead provider's declarations, and the live ones other providers made for participants
    it now trains (as the DfE's API shows them), oldest first, with what their JSON shows. For
    cohorts and the ids, None is not asked and an empty list matches none. `teacher_ids`: only
    those teachers' (api.listing writes its copy teacher by teacher)."""
    if teacher_ids is None:
        rows = Declaration.objects.filter(
            Q(lead_provider=lead_provider) | Q(pk__in=_inherited_declarations(lead_provider))
        )
    else:
        rows = Declaration.objects.filter(
            Q(lead_provider=lead_provider) | Q(pk__in=_inherited_declarations(lead_provider, teacher_ids)),
            teacher__in=teacher_ids,
        )
    if cohorts is not None:
        rows = rows.filter(
            training_period__school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period__in=cohorts
        )
    if participant_ids is not None:
        rows = rows.filter(teacher__api_id__in=participant_ids)
    if delivery_partner_ids is not None:
        rows = rows.filter(delivery_partner__api_id__in=delivery_partner_ids)
    if updated_since:
        rows = rows.filter(updated_at__gte=updated_since)
    return (
        rows.annotate(
            uplift_paid=ExpressionWrapper(finance_queries.uplift_paid(), output_field=BooleanField())
        )
        .select_related(
            "teacher",
            "delivery_partner",
            "mentor",
            "lead_provider",
            "payment_statement",
            "clawback_statement",
        )
        .order_by("created_at", "id")
    )


def _inherited_declarations(lead_provider: LeadProvider, teacher_ids: list[int] | None = None) -> QuerySet:
    """Ids of other providers' live declarations for a participant the lead provider trains in the
    declaration's role, dated no later than the end of its latest training with them; only of
    `teacher_ids`, when given."""
    ids = None
    for course, role in COURSE_ROLES.items():
        teacher = f"{role}_at_school_period__teacher"
        latest = TrainingPeriod.objects.filter(trained_by(lead_provider), **{teacher: OuterRef("teacher")})
        latest_end = Subquery(latest.order_by("-started_on", "-id").values("finished_on")[:1])
        trained = TrainingPeriod.objects.filter(all_trained_by(lead_provider))
        if teacher_ids is not None:
            trained = trained.filter(**{f"{teacher}__in": teacher_ids})
        of_role = (
            Declaration.objects.filter(
                course_identifier=course,
                payment_status__in=INHERITED_PAYMENT_STATUSES,
                clawback_status="no_clawback",
                teacher__in=trained.values(teacher),
            )
            .exclude(lead_provider=lead_provider)
            .alias(latest_end=latest_end)
            .filter(Q(latest_end__isnull=True) | Q(declaration_date__date__lte=F("latest_end")))
            .values("pk")
        )
        ids = of_role if ids is None else ids.union(of_role, all=True)
    return ids


def statements(
    lead_provider: LeadProvider,
    *,
    cohorts: list[int] | None = None,
    updated_since: datetime.datetime | None = None,
) -> QuerySet[Statement]:
    rows = Statement.objects.filter(active_lead_provider__lead_provider=lead_provider)
    if cohorts is not None:
        rows = rows.filter(active_lead_provider__contract_period__in=cohorts)
    if updated_since:
        rows = rows.filter(updated_at__gte=updated_since)
    return rows.select_related("active_lead_provider").order_by("deadline_date", "id")
