"""Registering an ECT, and why one cannot be registered.

Moving school. When the teacher is an ECT at another school on or after `started_on`, that
period is finished the day before `started_on`, with its mentorships and training that go
beyond it (those starting later are removed); a period there that starts on or after
`started_on` and has not started by `today` is removed with its children instead (a period that
has not started is removed, not finished). Each school's timeline gets an event. A period there
that has already finished, or has already begun on or after `started_on`, is history we do not
rewrite: StartsBeforeLeavingAnotherSchool.

A move must be confirmed: `transfer_from` is the id of the period at the other school the school
user was told the teacher moves from (participants.queries.ongoing_ect_period_elsewhere, asked
during the journey). Moving the teacher from any other period raises RegisteredElsewhereJustNow.
So when two schools register the same teacher at the same moment, neither having been told of
the other, the first to commit registers them and the second is refused: two schools claiming
one person at once is a mistake or a dispute for support to settle, not a move. Likewise when
two schools move the same teacher from a third at once. Treating it as a move instead would
silently take the ECT from a school that had just registered them, and neither would know.

Races. The teacher's row is locked (created in a savepoint when new; losing that race to a
concurrent creation means fetching and locking the winner's row), so a second registration of
the same TRN waits for the first to commit and then sees its period. The database's own "at one
school at a time" constraint, should another code path get there first, is reported as
RegisteredElsewhereJustNow, never as an IntegrityError.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from audit.services import Actor
from core import clock
from emails.services import queue_email
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    InductionStatus,
    Teacher,
    WorkingPattern,
)
from participants.queries import (
    current_training,
    email_in_use,
    training_contract_period,
    training_lead_provider,
)
from participants.services.common import (
    ONE_DAY,
    RegistrationRefused,
    _created_or_refused,
    _day,
    _email_registered,
    _leave_old_schools,
    _locked_teacher,
    _open_contract_period,
    _record_registration,
    _refresh_teacher,
    _start_training,
    _tidied,
    _training_choices,
)
from participants.trs.client import TeacherRecord
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    LeadProvider,
    SchoolPartnership,
)
from schools.models import School, TrainingProgramme
from schools.queries import induction_tutor_emails
from schools.services import remember_last_choices


class AlreadyRegisteredAtThisSchool(RegistrationRefused):
    """The teacher already has an ECT period at this school that is not over (or that the new one
    would overlap)."""

    def __init__(self, period: ECTAtSchoolPeriod):
        super().__init__(
            f"This teacher is already registered as an ECT at your school from {_day(period.started_on)}."
        )
        self.period = period


class EmailInUse(RegistrationRefused):
    """Another teacher uses this email address on an ECT or mentor period that is not over."""

    def __init__(self, email: str, *, role: str = "ECT"):
        super().__init__(
            f"This email address is already used by another teacher. Enter the {role}'s own email address."
        )
        self.email = email


class ContractPeriodNotOpen(RegistrationRefused):
    """The start date is in a contract period that is not open for registration. `opens_on` is when
    it is expected to open, or None when that is not known (see providers.queries.RegistrationForStart)."""

    def __init__(
        self, contract_period: ContractPeriod, opens_on: datetime.date | None, *, people: str = "ECTs"
    ):
        if opens_on:
            message = (
                f"Registration for {people} starting in the {contract_period} academic year opens on "
                f"{_day(opens_on)}. Register them then."
            )
        else:
            message = (
                f"Registration for {people} starting in the {contract_period} academic year is not open."
            )
        super().__init__(message)
        self.contract_period = contract_period
        self.opens_on = opens_on


class NoContractPeriod(RegistrationRefused):
    """No contract period open for registration covers the start date."""

    def __init__(self, started_on: datetime.date, *, someone: str = "an ECT"):
        super().__init__(
            f"You cannot register {someone} starting on {_day(started_on)}: that date is not in an academic "
            "year open for registration. Check the start date."
        )
        self.started_on = started_on


class NotEligibleForFunding(RegistrationRefused):
    """Provider-led training asked for at a school that cannot have funded training."""

    def __init__(
        self,
        message: str = "Your school cannot have DfE-funded training from a lead provider. Choose school-led training.",
    ):
        super().__init__(message)


class LeadProviderNotActive(RegistrationRefused):
    """Provider-led training with a lead provider not contracted in the ECT's contract period."""

    def __init__(self, lead_provider: LeadProvider, contract_period: ContractPeriod):
        super().__init__(
            f"{lead_provider.name} does not provide training in the {contract_period} academic year. "
            "Choose another lead provider."
        )
        self.lead_provider = lead_provider
        self.contract_period = contract_period


def _active_lead_provider(lead_provider: LeadProvider, contract_period: ContractPeriod) -> ActiveLeadProvider:
    """The lead provider as it works in this contract period; refused when it does not."""
    active = (
        ActiveLeadProvider.objects.select_related("lead_provider", "contract_period")
        .filter(lead_provider=lead_provider, contract_period=contract_period)
        .first()
    )
    if active is None:
        raise LeadProviderNotActive(lead_provider, contract_period)
    return active


class CannotBeRegistered(RegistrationRefused):
    """The teacher cannot be an ECT: `reason` is "prohibited", "passed", "failed" or "exempt"."""

    REASONS = {
        "prohibited": "They are prohibited from teaching",
        "passed": "They have already passed their induction",
        "failed": "They have failed their induction",
        "exempt": "They are exempt from induction",
    }

    def __init__(self, reason: str):
        super().__init__(f"{self.REASONS[reason]}, so they cannot be registered as an ECT.")
        self.reason = reason


class RegisteredElsewhereJustNow(RegistrationRefused):
    """Registering would move the teacher from an ECT period at another school that the caller did
    not confirm a move from (`transfer_from`): typically another school registered them since this
    school checked (see `register_ect`)."""

    def __init__(self):
        super().__init__(
            "Another school has registered this teacher as an ECT since you checked their details. "
            "Nothing has been saved. Check their details again: if they are moving to your school, you can "
            "then register them as moving from there."
        )


class StartsBeforeLeavingAnotherSchool(RegistrationRefused):
    """The start date falls in the teacher's time at another school that cannot be cut short: one
    that has already finished, or one that has already begun on or after the new start date."""

    def __init__(self, period_elsewhere, *, ended: bool, role: str = "an ECT"):
        # The earliest start here follows the day their time there ended, or else the day it began.
        day = period_elsewhere.finished_on if ended else period_elsewhere.started_on
        there = period_elsewhere.school.name
        super().__init__(
            (
                f"Their time as {role} at {there} ended on {_day(day)}."
                if ended
                else f"They started as {role} at {there} on {_day(day)}."
            )
            + " Their start date at your school must be after that."
        )
        self.not_before = day + ONE_DAY


@transaction.atomic
def register_ect(
    *,
    school: School,
    registered_by: User,
    teacher_record: TeacherRecord,
    corrected_name: str,
    email: str,
    started_on: datetime.date,
    working_pattern: str,
    appropriate_body: AppropriateBody,
    training_programme: str,
    lead_provider: LeadProvider | None,
    transfer_from: int | None = None,
    today: datetime.date | None = None,
) -> ECTAtSchoolPeriod:
    """Register a teacher, found in TRS, as an ECT at `school` from `started_on`, in one transaction.

    The teacher is found by TRN or created, with TRS's names, QTS date and induction status
    (refreshed now for a teacher we knew). `corrected_name` is kept when it differs from TRS's name
    (blank, or TRS's own name, clears it: the registering school's answer is the latest). No date of
    birth or National Insurance number is stored: `teacher_record` carries them only for the caller.
    The ECT period (email lower-cased) gets a training period from `started_on`: provider-led names
    the school's partnership with `lead_provider` in the ECT's contract period (from the start date,
    see providers.queries.contract_period_for_start) when there is one, else the school's
    expression of interest in that lead provider; school-led names neither. An event records the
    registration and the ECT is emailed ("ect_registered") once the transaction commits.

    Refused, with nothing saved, by raising a RegistrationRefused: AlreadyRegisteredAtThisSchool,
    EmailInUse, ContractPeriodNotOpen, NoContractPeriod, NotEligibleForFunding,
    LeadProviderNotActive, CannotBeRegistered (the last line of defence: the journey should stop
    earlier), RegisteredElsewhereJustNow, StartsBeforeLeavingAnotherSchool. Arguments that
    contradict each other (provider-led without a lead provider, school-led with one, an unknown
    programme or working pattern) raise ValueError.

    Moving school, and registering in a race with another school: see this module's docstring
    (participants/services/ects.py).
    """
    today = today or clock.today()
    actor = Actor.school_user(registered_by)
    email, corrected_name = _tidied(email, corrected_name)
    _check_arguments(working_pattern, training_programme, lead_provider)
    contract_period = _refuse_what_needs_no_lock(
        school,
        teacher_record,
        email=email,
        started_on=started_on,
        training_programme=training_programme,
        today=today,
    )

    # From here on, one registration of this teacher at a time.
    teacher, created = _locked_teacher(teacher_record, corrected_name=corrected_name)
    if not created:
        _refuse_if_induction_over(teacher)
    # A teacher created just now has been at no school: nothing to move from, nothing to look up.
    move = (
        Move([])
        if created
        else _plan_move(
            teacher, school=school, started_on=started_on, today=today, transfer_from=transfer_from
        )
    )
    contract_period = move.contract_period or contract_period  # a transfer keeps their training's
    active_lead_provider = _active_lead_provider(lead_provider, contract_period) if lead_provider else None
    changes = {} if created else _refresh_teacher(teacher, teacher_record, corrected_name=corrected_name)

    left = _leave_old_schools(
        move.periods, teacher=teacher, new_school=school, started_on=started_on, actor=actor
    )
    period, partnership = _start_ect_period(
        teacher,
        school=school,
        started_on=started_on,
        email=email,
        working_pattern=working_pattern,
        appropriate_body=appropriate_body,
        training_programme=training_programme,
        active_lead_provider=active_lead_provider,
    )
    _remember_the_schools_choices(
        period, move, training_programme=training_programme, active_lead_provider=active_lead_provider
    )
    _record_ect_registered(
        period,
        actor=actor,
        moved_from=left[0] if left else None,
        training=_training_choices(active_lead_provider, partnership, contract_period),
        training_programme=training_programme,
        active_lead_provider=active_lead_provider,
        changes=changes,
    )
    _tell_of_registration(period, move=move, left=left, active_lead_provider=active_lead_provider)
    return period


def _check_arguments(
    working_pattern: str, training_programme: str, lead_provider: LeadProvider | None
) -> None:
    """Arguments that contradict each other are the caller's mistake, not the school's: ValueError."""
    if working_pattern not in WorkingPattern.values:
        raise ValueError(f"Unknown working pattern {working_pattern!r}")
    if training_programme not in TrainingProgramme.values:
        raise ValueError(f"Unknown training programme {training_programme!r}")
    if (training_programme == TrainingProgramme.PROVIDER_LED) != (lead_provider is not None):
        raise ValueError("Provider-led training needs a lead provider, and school-led training has none")


def _refuse_what_needs_no_lock(
    school: School,
    teacher_record: TeacherRecord,
    *,
    email: str,
    started_on: datetime.date,
    training_programme: str,
    today: datetime.date,
) -> ContractPeriod:
    """Refuse what TRS says, the year, funded training the school cannot have and an email address
    in use, before waiting for the teacher's lock; the contract period the start date is in."""
    _refuse_unless_record_allows_induction(teacher_record)
    contract_period = _open_contract_period(
        started_on, today=today, not_open=ContractPeriodNotOpen, no_contract_period=NoContractPeriod
    )
    if training_programme == TrainingProgramme.PROVIDER_LED and not school.eligible_for_funding:
        raise NotEligibleForFunding
    if email_in_use(email, today=today, except_trn=teacher_record.trn):
        raise EmailInUse(email)
    return contract_period


@dataclass(frozen=True)
class Move:
    """What an ECT leaves at other schools to start at a new one: the periods there to finish or
    remove (locked; none when they are not moving), the lead provider of their training the day
    before they start (None when school-led, or not moving), the contract period that training
    counts in, which a transfer keeps (None when not moving), and, when they had not started there
    by the new start date, the day they were due to (then their period there is removed, not
    finished)."""

    periods: list[ECTAtSchoolPeriod]
    provider_before: LeadProvider | None = None
    contract_period: ContractPeriod | None = None
    due_there_on: datetime.date | None = None


def _plan_move(
    teacher: Teacher,
    *,
    school: School,
    started_on: datetime.date,
    today: datetime.date,
    transfer_from: int | None,
) -> Move:
    """The move from other schools that registering the teacher here from `started_on` makes,
    after refusing what must be refused (see `_moves_from_other_schools`)."""
    periods = _moves_from_other_schools(
        teacher, school=school, started_on=started_on, today=today, transfer_from=transfer_from
    )
    if not periods:
        return Move(periods)
    training_before = current_training(periods[0], on=started_on - ONE_DAY)
    return Move(
        periods,
        provider_before=training_lead_provider(training_before),
        contract_period=training_contract_period(periods[0], training_before),
        due_there_on=periods[0].started_on if periods[0].started_on >= started_on else None,
    )


def _remember_the_schools_choices(
    period: ECTAtSchoolPeriod,
    move: Move,
    *,
    training_programme: str,
    active_lead_provider: ActiveLeadProvider | None,
) -> None:
    """Offered to the school as its previous choices when it registers its next ECT; not when the
    choice was the ECT's own (carrying on with the provider they had at their old school)."""
    kept_their_provider = (
        move.provider_before is not None
        and active_lead_provider is not None
        and (active_lead_provider.lead_provider == move.provider_before)
    )
    if not kept_their_provider:
        remember_last_choices(
            period.school,
            training_programme=training_programme,
            appropriate_body=period.school_reported_appropriate_body,
            lead_provider=active_lead_provider.lead_provider if active_lead_provider else None,
        )


def _start_ect_period(
    teacher: Teacher,
    *,
    school: School,
    started_on: datetime.date,
    email: str,
    working_pattern: str,
    appropriate_body: AppropriateBody,
    training_programme: str,
    active_lead_provider: ActiveLeadProvider | None,
) -> tuple[ECTAtSchoolPeriod, SchoolPartnership | None]:
    """The ECT's new period at the school and its training from `started_on`; the partnership the
    training names. The database's "at one school at a time" refusing it (should another code path
    get there first) is RegisteredElsewhereJustNow."""
    period = _created_or_refused(
        ECTAtSchoolPeriod,
        constraint="ect_at_one_school_at_a_time",
        refusal=RegisteredElsewhereJustNow,
        teacher=teacher,
        school=school,
        started_on=started_on,
        email=email,
        working_pattern=working_pattern,
        school_reported_appropriate_body=appropriate_body,
    )
    training = _start_training(
        period,
        started_on=started_on,
        training_programme=training_programme,
        active_lead_provider=active_lead_provider,
    )
    return period, training.school_partnership


def _record_ect_registered(
    period: ECTAtSchoolPeriod,
    *,
    actor: Actor,
    moved_from: School | None,
    training: dict,
    training_programme: str,
    active_lead_provider: ActiveLeadProvider | None,
    changes: dict,
) -> None:
    """The event of the registration, on the new school's timeline (`_record_registration`)."""
    moving = f", moving from {moved_from.name}" if moved_from else ""
    _record_registration(
        period,
        heading=f"{period.teacher.full_name} registered as an ECT from {_day(period.started_on)}{moving}",
        appropriate_body=period.school_reported_appropriate_body,
        choices={
            "started_on": period.started_on.isoformat(),
            "email": period.email,
            "working_pattern": period.working_pattern,
            "appropriate_body": period.school_reported_appropriate_body.name,
            "training_programme": training_programme,
            **training,
        },
        actor=actor,
        active_lead_provider=active_lead_provider,
        changes=changes,
    )


def _tell_of_registration(
    period: ECTAtSchoolPeriod,
    *,
    move: Move,
    left: list[School],
    active_lead_provider: ActiveLeadProvider | None,
) -> None:
    """Email the old school and the lead providers a move concerns (`_tell_of_transfer`), then the ECT."""
    if move.periods:
        _tell_of_transfer(
            teacher=period.teacher,
            old_school=left[0],
            new_school=period.school,
            started_on=period.started_on,
            due_there_on=move.due_there_on,
            provider_before=move.provider_before,
            provider_after=active_lead_provider.lead_provider if active_lead_provider else None,
        )
    _email_registered(
        period,
        training=(
            f"Your school has chosen {active_lead_provider.lead_provider.name} to provide your training."
            if active_lead_provider
            else "Your school will provide your training itself."
        ),
    )


def _tell_of_transfer(
    *,
    teacher: Teacher,
    old_school: School,
    new_school: School,
    started_on: datetime.date,
    due_there_on: datetime.date | None,
    provider_before: LeadProvider | None,
    provider_after: LeadProvider | None,
) -> None:
    """Email the old school's induction tutors, and each lead provider the move concerns: the one
    they keep, or the one they leave and the one they join. `due_there_on` is the day they were due
    to start at the old school when they never started there: then nothing there has a last day."""
    last_day = _day(started_on - ONE_DAY)
    if due_there_on is None:
        at_old_school = (
            f"Their last day at {old_school.name} is {last_day}. Their training and mentoring there stop "
            "that day. Your list of early career teachers shows them as leaving until then, and as left after it."
        )
        leaves_provider = f"They will no longer train with you after {last_day}. Do not make declarations for them after that."
    else:
        at_old_school = (
            f"They were due to start at {old_school.name} on {_day(due_there_on)} and will not now: "
            "their registration there has been removed from your list of early career teachers."
        )
        leaves_provider = "They will not now start training with you. Do not make declarations for them."
    for tutor_email in induction_tutor_emails(old_school):
        queue_email(
            to=tutor_email,
            template="ect_moved_school",
            personalisation={
                "school_name": old_school.name,
                "full_name": teacher.full_name,
                "new_school_name": new_school.name,
                "what_happens": at_old_school,
            },
        )
    moving = f"{teacher.full_name} (TRN {teacher.trn}) is moving from {old_school.name} to {new_school.name}"
    if provider_before is not None and provider_before == provider_after:
        what_happens = {provider_before: f"They will carry on training with you from {_day(started_on)}."}
    else:
        what_happens = {}
        if provider_before is not None:
            what_happens[provider_before] = leaves_provider
        if provider_after is not None:
            what_happens[provider_after] = (
                f"They will train with you at {new_school.name} from {_day(started_on)}."
            )
    for provider, sentence in what_happens.items():
        if provider.email:
            queue_email(
                to=provider.email,
                template="participant_transferred",
                personalisation={
                    "lead_provider_name": provider.name,
                    "moving": moving,
                    "what_happens": sentence,
                },
            )


def _refuse_unless_record_allows_induction(record: TeacherRecord) -> None:
    if record.prohibited_from_teaching:
        raise CannotBeRegistered("prohibited")
    status = record.induction_status
    if status in (InductionStatus.PASSED, InductionStatus.FAILED, InductionStatus.EXEMPT):
        raise CannotBeRegistered(InductionStatus(status).value)


def _refuse_if_induction_over(teacher: Teacher) -> None:
    """An appropriate body has recorded the outcome of this teacher's induction."""
    outcomes = set(
        InductionPeriod.objects.filter(teacher=teacher).exclude(outcome="").values_list("outcome", flat=True)
    )
    if InductionOutcome.PASS in outcomes:
        raise CannotBeRegistered("passed")
    if InductionOutcome.FAIL in outcomes:
        raise CannotBeRegistered("failed")


def start_clashes_with(
    period_elsewhere: ECTAtSchoolPeriod, *, started_on: datetime.date, today: datetime.date
) -> StartsBeforeLeavingAnotherSchool | None:
    """Why the teacher cannot start at a new school on `started_on`, given their time at another
    school not over before it: history we do not rewrite (that time has finished, or has already
    begun on or after `started_on`). None when registering them moves them from there."""
    if period_elsewhere.finished_on is not None and period_elsewhere.finished_on < today:
        return StartsBeforeLeavingAnotherSchool(period_elsewhere, ended=True)
    if started_on <= period_elsewhere.started_on <= today:
        return StartsBeforeLeavingAnotherSchool(period_elsewhere, ended=False)
    return None


def _moves_from_other_schools(
    teacher: Teacher,
    *,
    school: School,
    started_on: datetime.date,
    today: datetime.date,
    transfer_from: int | None,
) -> list[ECTAtSchoolPeriod]:
    """The teacher's periods at other schools that registering them here from `started_on` must
    finish or remove (locked), after refusing what must be refused."""
    not_over = (
        ECTAtSchoolPeriod.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(teacher=teacher)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=min(today, started_on)))
        .order_by("started_on")
    )
    moves = []
    for period in not_over:
        if period.school_id == school.pk:
            raise AlreadyRegisteredAtThisSchool(period)
        if period.finished_on is not None and period.finished_on < started_on:
            continue  # over before the new period starts: no clash
        if refusal := start_clashes_with(period, started_on=started_on, today=today):
            raise refusal
        moves.append(period)
    if moves and transfer_from not in {period.pk for period in moves}:
        raise RegisteredElsewhereJustNow
    return moves
