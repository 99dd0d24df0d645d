"""Reads about a school's ECTs and mentors: who was at the school in a year, and how each is doing.

Statuses are worked out by the database (one query for a page, however many people), as of a day:
- an ECT has completed induction when TRS or an appropriate body says they passed;
- an ECT is no longer training when they have left the school, failed induction, or their
  training is withdrawn or deferred;
- any other ECT is training. A mentor is mentoring until they leave the school.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Concat, Least, NullIf
from django.http import Http404
from django.utils import formats

from core import clock
from core.precompiled import PrecompiledQuery, precompiled
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from providers import queries as provider_queries
from providers.models import ContractPeriod
from providers.queries import contract_period_for_start
from schools.models import School


class Status:
    """The groups the lists can be filtered by (the `status` a row is annotated with)."""

    TRAINING = "training"
    COMPLETED_INDUCTION = "completed_induction"
    NO_LONGER_TRAINING = "no_longer_training"


ECT_STATUSES = [
    (Status.TRAINING, "Training"),
    (Status.COMPLETED_INDUCTION, "Completed induction"),
    (Status.NO_LONGER_TRAINING, "No longer training"),
]
# The tag of someone whose start date is still to come: pages say "Starting on" and the date.
STARTING = "Starting"

MENTOR_STATUSES = [
    (Status.TRAINING, "Mentoring"),
    (Status.NO_LONGER_TRAINING, "No longer mentoring"),
]


def teacher_name(prefix: str = "") -> Coalesce:
    """A teacher's name as the school knows it, in SQL (`prefix` leads to the teacher)."""
    return Coalesce(
        NullIf(F(f"{prefix}corrected_name"), Value("")),
        Concat(F(f"{prefix}trs_first_name"), Value(" "), F(f"{prefix}trs_last_name")),
        output_field=CharField(),
    )


def during(contract_period: ContractPeriod) -> Q:
    """Periods that overlap the contract period's academic year."""
    return Q(started_on__lte=contract_period.finished_on) & (
        Q(finished_on__isnull=True) | Q(finished_on__gte=contract_period.started_on)
    )


def training_during(contract_period: ContractPeriod) -> Q:
    """ECT periods in the contract period's year, less those whose induction was over (passed or
    failed, as an appropriate body recorded it) before its academic year began on 1 September:
    they were not training then."""
    induction_over_before = InductionPeriod.objects.filter(
        teacher=OuterRef("teacher"),
        outcome__in=[InductionOutcome.PASS, InductionOutcome.FAIL],
        finished_on__lt=clock.academic_year_start(contract_period.year),
    )
    return during(contract_period) & ~Exists(induction_over_before)


def matching(search: str) -> Q:
    """People whose name contains `search`, or whose TRN starts with it."""
    search = " ".join(search.split())
    if not search:
        return Q()
    return Q(name__icontains=search) | Q(teacher__trn__startswith=search.replace(" ", ""))


@dataclass(frozen=True)
class Counts:
    ects: int
    mentors: int


def ects_in_year(
    school: School,
    contract_period: ContractPeriod,
    *,
    today: datetime.date,
    status: str = "",
    search: str = "",
) -> QuerySet[ECTAtSchoolPeriod]:
    """The school's ECTs training during the year, by name, each annotated with `name`, `status`,
    `tag` (what the status tag says: "Starting" before their start date, "Leaving your school" while
    still training with a leaving date ahead), `mentor_name` (their mentor now, or their last one if
    they left) and `next_mentor_name` with `next_mentor_from` (a mentorship still to start)."""
    latest_training = TrainingPeriod.objects.filter(ect_at_school_period=OuterRef("pk")).order_by(
        "-started_on"
    )
    induction = InductionPeriod.objects.filter(teacher=OuterRef("teacher"))
    left = Q(finished_on__lt=today)
    passed = Q(teacher__trs_induction_status=InductionStatus.PASSED) | Exists(
        induction.filter(outcome=InductionOutcome.PASS)
    )
    failed = Q(teacher__trs_induction_status=InductionStatus.FAILED) | Exists(
        induction.filter(outcome=InductionOutcome.FAIL)
    )
    withdrawn = Q(training_withdrawn_at__isnull=False)
    deferred = Q(training_deferred_at__isnull=False)
    mentor = (
        MentorshipPeriod.objects.filter(mentee=OuterRef("pk"), started_on__lte=today)
        .filter(
            Q(finished_on__isnull=True)
            | Q(finished_on__gte=Least(Value(today), Coalesce(OuterRef("finished_on"), Value(today))))
        )
        .order_by("-started_on")
        .annotate(mentor_name=teacher_name("mentor__teacher__"))
        .values("mentor_name")[:1]
    )
    next_mentorship = (
        MentorshipPeriod.objects.filter(mentee=OuterRef("pk"), started_on__gt=today)
        .order_by("started_on")
        .annotate(mentor_name=teacher_name("mentor__teacher__"))
    )
    ects = (
        ECTAtSchoolPeriod.objects.filter(training_during(contract_period), school=school)
        .select_related("teacher")
        .annotate(
            name=teacher_name("teacher__"),
            trn=F("teacher__trn"),
            training_withdrawn_at=Subquery(latest_training.values("withdrawn_at")[:1]),
            training_deferred_at=Subquery(latest_training.values("deferred_at")[:1]),
        )
        .annotate(
            status=Case(
                When(passed, then=Value(Status.COMPLETED_INDUCTION)),
                When(left | failed | withdrawn | deferred, then=Value(Status.NO_LONGER_TRAINING)),
                default=Value(Status.TRAINING),
            ),
            tag=Case(
                When(passed, then=Value("Completed induction")),
                When(failed, then=Value("Failed induction")),
                When(left, then=Value("Left your school")),
                When(withdrawn, then=Value("Withdrawn")),
                When(deferred, then=Value("Deferred")),
                When(started_on__gt=today, then=Value(STARTING)),
                When(finished_on__isnull=False, then=Value("Leaving your school")),
                default=Value("Training"),
            ),
            mentor_name=Subquery(mentor),
            next_mentor_name=Subquery(next_mentorship.values("mentor_name")[:1]),
            next_mentor_from=Subquery(next_mentorship.values("started_on")[:1]),
        )
        .order_by("teacher__trs_last_name", "teacher__trs_first_name", "pk")
    )
    if status:
        ects = ects.filter(status=status)
    return ects.filter(matching(search))


def mentors_in_year(
    school: School,
    contract_period: ContractPeriod,
    *,
    today: datetime.date,
    status: str = "",
    search: str = "",
) -> QuerySet[MentorAtSchoolPeriod]:
    """The school's mentors during the year, by name, annotated like `ects_in_year`; each has
    `mentees`, the ECTs they mentor now (or last mentored, if they left), fetched in one query."""
    left = Q(finished_on__lt=today)
    mentors = (
        MentorAtSchoolPeriod.objects.filter(during(contract_period), school=school)
        .select_related("teacher")
        .annotate(
            name=teacher_name("teacher__"),
            trn=F("teacher__trn"),
            status=Case(When(left, then=Value(Status.NO_LONGER_TRAINING)), default=Value(Status.TRAINING)),
            tag=Case(
                When(left, then=Value("Left your school")),
                When(started_on__gt=today, then=Value(STARTING)),
                When(finished_on__isnull=False, then=Value("Leaving your school")),
                default=Value("Mentoring"),
            ),
        )
        .order_by("teacher__trs_last_name", "teacher__trs_first_name", "pk")
    )
    if status:
        mentors = mentors.filter(status=status)
    return mentors.filter(matching(search))


# The ECT and mentor lists, as `ects_in_year` and `mentors_in_year` give them: their SQL built once
# per process for each shape (with or without a status, with or without a search), from stand-ins
# no real school, year, day, status or search has.
SCHOOL_STAND_IN = -7_000_001
STARTED_ON_STAND_IN = datetime.date(1, 1, 2)
FINISHED_ON_STAND_IN = datetime.date(1, 1, 3)
YEAR_STAND_IN = 3
TODAY_STAND_IN = datetime.date(1, 1, 4)
STATUS_STAND_IN = "(status stand-in)"
# One word, nothing a LIKE pattern escapes: `matching` keeps it whole in both its patterns, which
# the ORM writes as `%text%` (name contains) and `text%` (TRN starts with).
SEARCH_STAND_IN = "searchstandin"
NAME_PATTERN_STAND_IN = f"%{SEARCH_STAND_IN}%"
TRN_PATTERN_STAND_IN = f"{SEARCH_STAND_IN}%"


def stand_in_school() -> School:
    school = School(pk=SCHOOL_STAND_IN)
    school._state.adding = False  # a stand-in for a saved school: only its pk is used
    return school


def _precompiled_list(in_year, *, status: str, search: str) -> PrecompiledQuery:
    def with_stand_ins() -> QuerySet:
        school = stand_in_school()
        contract_period = ContractPeriod(
            year=YEAR_STAND_IN, started_on=STARTED_ON_STAND_IN, finished_on=FINISHED_ON_STAND_IN
        )
        return in_year(
            school, contract_period, today=TODAY_STAND_IN, status=status, search=search
        ).select_related(None)

    stand_ins = [SCHOOL_STAND_IN, STARTED_ON_STAND_IN, FINISHED_ON_STAND_IN, TODAY_STAND_IN]
    if in_year is ects_in_year:  # only the ECTs' status looks at the academic year's start
        stand_ins.append(clock.academic_year_start(YEAR_STAND_IN))
    if status:
        stand_ins.append(STATUS_STAND_IN)
    if search:
        stand_ins += [NAME_PATTERN_STAND_IN, TRN_PATTERN_STAND_IN]
    return PrecompiledQuery(with_stand_ins, stand_ins)


PRECOMPILED_LISTS = {
    (in_year, bool(status), bool(search)): _precompiled_list(in_year, status=status, search=search)
    for in_year in (ects_in_year, mentors_in_year)
    for status in ("", STATUS_STAND_IN)
    for search in ("", SEARCH_STAND_IN)
}


def people_list(
    in_year,
    school: School,
    contract_period: ContractPeriod,
    *,
    today: datetime.date,
    status: str = "",
    search: str = "",
) -> Sequence[ECTAtSchoolPeriod | MentorAtSchoolPeriod]:
    """The rows of `in_year` (`ects_in_year` or `mentors_in_year`: the same rows, in the same
    order, annotated alike) for the school's list of ECTs or mentors, without their cost in Python:
    the teacher's TRN is `trn` (the teacher is not fetched)."""
    search = " ".join(search.split())
    like = connection.ops.prep_for_like_query
    values = {
        SCHOOL_STAND_IN: school.pk,
        STARTED_ON_STAND_IN: contract_period.started_on,
        FINISHED_ON_STAND_IN: contract_period.finished_on,
        clock.academic_year_start(YEAR_STAND_IN): clock.academic_year_start(contract_period.year),
        TODAY_STAND_IN: today,
        STATUS_STAND_IN: status,
        NAME_PATTERN_STAND_IN: f"%{like(search)}%",
        TRN_PATTERN_STAND_IN: f"{like(search.replace(' ', ''))}%",
    }
    return PRECOMPILED_LISTS[(in_year, bool(status), bool(search))].run(values)


@dataclass(frozen=True)
class Mentee:
    name: str
    starts_on: datetime.date | None = None  # when the mentorship is still to start


def mentees_of(mentors: list[MentorAtSchoolPeriod], *, today: datetime.date) -> None:
    """Set `mentees` on each mentor of a page: those they mentor on `today`, or at the end of their
    time at the school if they have left, then those they will mentor from a later day (with that
    day). One query for the whole page."""
    by_mentor: dict[int, list[Mentee]] = {mentor.pk: [] for mentor in mentors}
    coming: dict[int, list[Mentee]] = {mentor.pk: [] for mentor in mentors}
    finished = {mentor.pk: mentor.finished_on for mentor in mentors}
    mentorships = (
        MentorshipPeriod.objects.filter(mentor__in=list(by_mentor))
        .annotate(mentee_name=teacher_name("mentee__teacher__"))
        .order_by("mentee__teacher__trs_last_name", "mentee__teacher__trs_first_name")
        .values_list("mentor_id", "mentee_name", "started_on", "finished_on")
    )
    for mentor_id, mentee_name, started_on, mentorship_finished_on in mentorships:
        if started_on > today:
            coming[mentor_id].append(Mentee(mentee_name, starts_on=started_on))
            continue
        day = min(today, finished[mentor_id] or today)
        if mentorship_finished_on is None or mentorship_finished_on >= day:
            by_mentor[mentor_id].append(Mentee(mentee_name))
    for mentor in mentors:
        mentor.mentees = by_mentor[mentor.pk] + sorted(coming[mentor.pk], key=lambda mentee: mentee.starts_on)


# --- Registering an ECT: what the journey can check before the end -------------------------------
# `participants.services.register_ect` checks all of these again, under a lock, when it writes.


def current_or_future(today: datetime.date) -> Q:
    """Periods not over by `today`: ongoing, finishing later, or not started yet."""
    return Q(finished_on__isnull=True) | Q(finished_on__gte=today)


# What the registration journeys check about a teacher on each of their pages: SQL built once
# (core.precompiled), with these stand-ins for the teacher, email address and day.
TRN_STAND_IN = "(TRN stand-in)"
EMAIL_STAND_IN = "(email stand-in)"
FACT_STAND_INS = {"school_id": SCHOOL_STAND_IN, "trn": TRN_STAND_IN, "today": TODAY_STAND_IN}


@precompiled(**FACT_STAND_INS)
def _ect_period_here(*, school_id: int, trn: str, today: datetime.date) -> QuerySet[ECTAtSchoolPeriod]:
    return (
        ECTAtSchoolPeriod.objects.filter(current_or_future(today), school_id=school_id, teacher__trn=trn)
        .only("pk")
        .order_by()[:1]
    )  # whether any: no order needed


def is_registered_at(school: School, trn: str, *, today: datetime.date) -> bool:
    """Whether the teacher with this TRN is an ECT at this school now or from a later date
    (registering them there again is refused with `AlreadyRegisteredAtThisSchool`)."""
    return _ect_period_here.exists(school_id=school.pk, trn=trn, today=today)


@precompiled(**FACT_STAND_INS)
def _ect_period_elsewhere(*, school_id: int, trn: str, today: datetime.date) -> QuerySet[ECTAtSchoolPeriod]:
    return (
        ECTAtSchoolPeriod.objects.filter(current_or_future(today), teacher__trn=trn)
        .exclude(school_id=school_id)
        .order_by("started_on", "pk")[:1]
    )


def ongoing_ect_period_elsewhere(
    trn: str, school: School, *, today: datetime.date
) -> ECTAtSchoolPeriod | None:
    """The teacher's ECT period at another school that is not over by `today` (with its school), if
    any: registering them here moves them from it. A journey that shows this to the school passes its
    id to `register_ect(transfer_from=…)`, which refuses to move them from any other period."""
    period = _ect_period_elsewhere.first(school_id=school.pk, trn=trn, today=today)
    if period is not None:
        prefetch_related_objects([period], "school")
    return period


def _periods_with_email(model: type[models.Model], *, excluding_a_teacher: bool):
    stand_ins = {"email": EMAIL_STAND_IN, "today": TODAY_STAND_IN}
    if excluding_a_teacher:
        stand_ins["except_trn"] = TRN_STAND_IN

    @precompiled(**stand_ins)
    def periods(*, email: str, today: datetime.date, except_trn: str | None = None) -> QuerySet:
        with_email = model.objects.filter(current_or_future(today), email__iexact=email)
        if except_trn is not None:
            with_email = with_email.exclude(teacher__trn=except_trn)
        return with_email.only("pk").order_by()[:1]  # whether any: no order needed

    return periods


PERIODS_WITH_EMAIL = {
    (model, excluding_a_teacher): _periods_with_email(model, excluding_a_teacher=excluding_a_teacher)
    for model in (ECTAtSchoolPeriod, MentorAtSchoolPeriod)
    for excluding_a_teacher in (False, True)
}


def email_in_use(email: str, *, today: datetime.date, except_trn: str | None = None) -> bool:
    """Whether another teacher (any but `except_trn`) uses this email address, in any case, on an ECT
    or mentor period not over by `today` (registering with it is refused with `EmailInUse`)."""
    arguments = {"email": email.strip(), "today": today}
    if except_trn:
        arguments["except_trn"] = except_trn
    return any(
        PERIODS_WITH_EMAIL[model, bool(except_trn)].exists(**arguments)
        for model in (ECTAtSchoolPeriod, MentorAtSchoolPeriod)
    )


# --- Registering a mentor: what the journey can check before the end -----------------------------
# `participants.services.register_mentor` checks these again, under a lock, when it writes.


def is_mentor_at(school: School, trn: str, *, today: datetime.date) -> bool:
    """Whether the teacher with this TRN is a mentor at this school now or from a later date
    (registering them there again is refused with `AlreadyMentorAtThisSchool`)."""
    return MentorAtSchoolPeriod.objects.filter(
        current_or_future(today), school=school, teacher__trn=trn
    ).exists()


def completed_mentor_training(
    teacher: Teacher | None, *, today: datetime.date | None = None
) -> TrainingPeriod | None:
    """The teacher's last mentor training that finished, by `today` (default: today), as completed,
    at any school, if any.

    Our models have no record of completion itself (ECF2 keeps a date the mentor became ineligible
    for funding, set from the lead provider's completion declaration; we receive no declarations
    yet), so a finished mentor training period counts as completed unless it was withdrawn or
    deferred: those end training without completing it. A training finished because the mentor left
    a school part way through cannot be told apart from one they completed, and counts as completed.
    """
    if teacher is None or teacher.pk is None:
        return None
    return (
        TrainingPeriod.objects.filter(
            mentor_at_school_period__teacher=teacher,
            finished_on__lte=today or clock.today(),
            withdrawn_at__isnull=True,
            deferred_at__isnull=True,
        )
        .order_by("-finished_on")
        .first()
    )


def mentor_training_eligibility(
    teacher: Teacher | None, *, today: datetime.date | None = None, leaving: Sequence[int] = ()
) -> tuple[bool, str | None]:
    """Whether a mentor may have DfE-funded mentor training, and if not, why (a sentence).

    A mentor is funded for mentor training once: not when they have completed it before (see
    `completed_mentor_training`), nor while they are training through another school they go on
    mentoring at (`leaving` names the mentor periods they are leaving, whose training stops). A
    teacher we do not know yet (None) is eligible."""
    today = today or clock.today()
    completed = completed_mentor_training(teacher, today=today)
    if completed is not None:
        return False, (
            f"They completed mentor training on {formats.date_format(completed.finished_on, 'j F Y')}, "
            "so they cannot have funded mentor training again."
        )
    if teacher is None or teacher.pk is None:
        return True, None
    training_elsewhere = (
        TrainingPeriod.objects.filter(
            current_or_future(today), mentor_at_school_period__teacher=teacher, withdrawn_at__isnull=True
        )
        .exclude(mentor_at_school_period__in=leaving)
        .select_related("mentor_at_school_period__school")
        .first()
    )
    if training_elsewhere is not None:
        return False, (
            "They are already having mentor training through "
            f"{training_elsewhere.mentor_at_school_period.school.name}, which carries on."
        )
    return True, None


def mentor_periods_elsewhere(trn: str, school: School, *, today: datetime.date) -> list[MentorAtSchoolPeriod]:
    """The teacher's mentor periods at other schools not over by `today` (with their schools), earliest
    first. Registering them here either keeps these (they mentor at both) or, when the school says
    they are moving, finishes them: `register_mentor(leaving=…)`."""
    return list(
        MentorAtSchoolPeriod.objects.filter(current_or_future(today), teacher__trn=trn)
        .exclude(school=school)
        .select_related("school")
        .order_by("started_on")
    )


# A stand-in contract period covering every day: for a person's page, whatever year they were in.
ALL_TIME = ContractPeriod(year=datetime.MINYEAR, started_on=datetime.date.min, finished_on=datetime.date.max)


def ects_needing_a_mentor(school: School, *, today: datetime.date) -> QuerySet[ECTAtSchoolPeriod]:
    """The school's ECTs still training (or yet to start) with no mentor now and none to come, by name."""
    return ects_in_year(school, ALL_TIME, today=today, status=Status.TRAINING).filter(
        mentor_name__isnull=True, next_mentor_name__isnull=True
    )


def trainings_newest_first() -> Prefetch:
    """A period's training periods as `trainings`, newest first, with what a page shows of each."""
    return Prefetch(
        "training_periods",
        queryset=TrainingPeriod.objects.select_related(
            "expression_of_interest__lead_provider",
            "school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider",
            "school_partnership__lead_provider_delivery_partnership__delivery_partner",
        ).order_by("-started_on"),
        to_attr="trainings",
    )


# One person's page, as `ects_in_year` / `mentors_in_year` over all time give them (their SQL built
# once per process, as the lists' is: building the annotated queryset cost more than running it).
PERIOD_STAND_IN = -7_000_002


def _precompiled_person(in_year) -> PrecompiledQuery:
    def with_stand_ins() -> QuerySet:
        school = stand_in_school()
        return in_year(school, ALL_TIME, today=TODAY_STAND_IN).select_related(None).filter(pk=PERIOD_STAND_IN)

    return PrecompiledQuery(with_stand_ins, [SCHOOL_STAND_IN, TODAY_STAND_IN, PERIOD_STAND_IN])


PRECOMPILED_PERSON = {in_year: _precompiled_person(in_year) for in_year in (ects_in_year, mentors_in_year)}


TEACHER_STAND_IN = -7_000_003


@precompiled(teacher_id=TEACHER_STAND_IN)
def _teacher(*, teacher_id: int) -> QuerySet[Teacher]:
    return Teacher.objects.filter(pk=teacher_id)


@precompiled(teacher_id=TEACHER_STAND_IN)
def _finished_induction_period(*, teacher_id: int) -> QuerySet[InductionPeriod]:
    return InductionPeriod.objects.filter(teacher_id=teacher_id).exclude(outcome="").only("pk")[:1]


def induction_finished(teacher_id: int) -> bool:
    """Whether an appropriate body recorded the teacher's induction passed or failed."""
    return _finished_induction_period.exists(teacher_id=teacher_id)


def _person_at_school(in_year, school: School, period_id: int, *, today: datetime.date):
    found = PRECOMPILED_PERSON[in_year].run(
        {SCHOOL_STAND_IN: school.pk, TODAY_STAND_IN: today, PERIOD_STAND_IN: period_id}
    )
    if not found:
        return None
    [period] = found
    # The teacher and the body by SQL built once (a person's page is drawn afresh after every
    # change at the school); the trainings, with their provider chain, still by the ORM.
    period.teacher = _teacher.first(teacher_id=period.teacher_id)
    if isinstance(period, ECTAtSchoolPeriod):
        body_id = period.school_reported_appropriate_body_id
        period.school_reported_appropriate_body = (
            provider_queries.appropriate_body(body_id) if body_id else None
        )
    prefetch_related_objects(found, trainings_newest_first())
    return period


def ect_at_school(school: School, period_id: int, *, today: datetime.date) -> ECTAtSchoolPeriod | None:
    """One of the school's ECT periods with what its page shows: the teacher, status and mentor (as
    the list does), their appropriate body and latest training with its provider and partner. None
    for another school's period, as if it did not exist."""
    return _person_at_school(ects_in_year, school, period_id, today=today)


def mentor_at_school(school: School, period_id: int, *, today: datetime.date) -> MentorAtSchoolPeriod | None:
    """One of the school's mentor periods with what its page shows: the teacher, status, `mentees`
    (as the list has them) and latest mentor training with its provider. None for another school's."""
    mentor = _person_at_school(mentors_in_year, school, period_id, today=today)
    if mentor is not None:
        mentees_of([mentor], today=today)
    return mentor


def current_training(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, *, on: datetime.date
) -> TrainingPeriod | None:
    """The period's training on a day (else the first due to start after it), with its provider
    and contract period."""
    trainings = TrainingPeriod.objects.select_related(
        "school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider",
        "school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period",
        "expression_of_interest__lead_provider",
        "expression_of_interest__contract_period",
    ).filter(
        Q(ect_at_school_period=period)
        if isinstance(period, ECTAtSchoolPeriod)
        else Q(mentor_at_school_period=period)
    )
    return trainings.filter(current_or_future(on)).order_by("started_on").first()


def training_contract_period(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, training: TrainingPeriod | None
) -> ContractPeriod | None:
    """The contract period their funded training counts in: their training's (a change of provider
    or programme keeps them in their year), else the one their start date decides."""
    if training is not None and training.school_partnership_id:
        return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.contract_period
    if training is not None and training.expression_of_interest_id:
        return training.expression_of_interest.contract_period
    return contract_period_for_start(period.started_on)


def training_lead_provider(training: TrainingPeriod | None):
    """The lead provider of provider-led training (by its partnership or expression of interest)."""
    if training is None:
        return None
    if training.school_partnership_id:
        return (
            training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
        )
    if training.expression_of_interest_id:
        return training.expression_of_interest.lead_provider
    return None


def mentorship_from(mentee_id: int, *, starting_on: datetime.date) -> MentorshipPeriod | None:
    """The ECT's mentorship that is going on (or due to start) on `starting_on` or later: the one a
    new mentor from that day replaces. The latest-starting, when a change is already scheduled."""
    return (
        MentorshipPeriod.objects.select_related("mentor__teacher")
        .filter(mentee_id=mentee_id)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=starting_on))
        .order_by("-started_on", "-pk")
        .first()
    )


def mentors_to_choose_from(school: School, *, today: datetime.date) -> QuerySet[MentorAtSchoolPeriod]:
    """The school's mentors with an ongoing period, by name: those an ECT there may be given."""
    return (
        MentorAtSchoolPeriod.objects.filter(current_or_future(today), school=school)
        .select_related("teacher")
        .annotate(name=teacher_name("teacher__"))
        .order_by("teacher__trs_last_name", "teacher__trs_first_name", "pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    on: datetime.date
    what: str
    by: str = ""  # who, for an event
    why: str = ""  # the reason, for an event
    is_event: bool = False


def teacher_timeline(teacher: Teacher, *, newest_events: int) -> list[TimelineEntry]:
    """Everything about a teacher in date order, newest first: when each of their periods (at a
    school as ECT or mentor, training, mentorship, induction) started and finished, and their
    `newest_events` newest events. A fixed number of queries, however long their history."""
    entries: list[TimelineEntry] = []

    def spans(start_text: str, finish_text: str, period) -> None:
        entries.append(TimelineEntry(period.started_on, start_text))
        if period.finished_on:
            entries.append(TimelineEntry(period.finished_on, finish_text))

    for ect in teacher.ect_at_school_periods.select_related("school"):
        spans(f"Starts as an ECT at {ect.school}", f"Last day as an ECT at {ect.school}", ect)
    for mentor in teacher.mentor_at_school_periods.select_related("school"):
        spans(f"Starts mentoring at {mentor.school}", f"Last day mentoring at {mentor.school}", mentor)
    trainings = TrainingPeriod.objects.filter(
        Q(ect_at_school_period__teacher=teacher) | Q(mentor_at_school_period__teacher=teacher)
    ).select_related(
        "expression_of_interest__lead_provider",
        "school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider",
    )
    for training in trainings:
        provider = training_lead_provider(training)
        how = f"provider-led with {provider}" if provider else "school-led"
        spans(f"Training starts: {how}", f"Training finishes: {how}", training)
    mentorships = MentorshipPeriod.objects.filter(
        Q(mentee__teacher=teacher) | Q(mentor__teacher=teacher)
    ).select_related("mentee__teacher", "mentor__teacher")
    for mentorship in mentorships:
        pair = f"{mentorship.mentor.teacher.full_name} mentors {mentorship.mentee.teacher.full_name}"
        spans(f"{pair}: starts", f"{pair}: last day", mentorship)
    for induction in teacher.induction_periods.select_related("appropriate_body"):
        spans(
            f"Induction starts with {induction.appropriate_body}",
            f"Induction period with {induction.appropriate_body} ends",
            induction,
        )
    for event in teacher.events.order_by("-happened_at", "-id")[:newest_events]:
        entries.append(
            TimelineEntry(
                clock.local_date(event.happened_at),
                event.heading,
                by=event.actor_name,
                why=event.reason,
                is_event=True,
            )
        )
    return sorted(entries, key=lambda entry: entry.on, reverse=True)


def person_at(school: School, period_id: int, role: str, *, today: datetime.date, still_here: bool = False):
    """One of the school's ECTs or mentors (`role`: "ect" or "mentor"), as their page shows them
    (`ect_at_school`, `mentor_at_school`). 404 when not the school's or, with `still_here`, when
    they have left: to anyone else they do not exist."""
    find = {"ect": ect_at_school, "mentor": mentor_at_school}[role]
    period = find(school, period_id, today=today)
    if period is None or (still_here and period.finished_on is not None and period.finished_on < today):
        raise Http404("No such person at this school" + (", or they have left" if still_here else ""))
    return period
