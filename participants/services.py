"""Changes to teachers and their periods: registering an ECT or a mentor, giving an ECT a mentor.

Each function makes its change, records its events and queues its emails in one transaction.
"""

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone

from accounts.models import User
from audit.models import Event
from audit.services import Actor, record_event
from emails.services import queue_email
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
    WorkingPattern,
)
from participants.queries import current_or_future, email_in_use, mentor_training_eligibility
from participants.trs.client import TeacherRecord
from providers.models import ActiveLeadProvider, AppropriateBody, ContractPeriod, LeadProvider
from providers.queries import StartDateRegistration, registration_for_start
from schools.models import School, TrainingProgramme
from schools.queries import partnership_in

ONE_DAY = datetime.timedelta(days=1)


def _day(date: datetime.date) -> str:
    """A date as people read it: "1 September 2026"."""
    return formats.date_format(date, "j F Y")


# --- Why an ECT cannot be registered -----------------------------------------------------------------


class Refused(Exception):
    """A change the service will not make. Nothing was saved; str() is a sentence for the school user."""


class RegistrationRefused(Refused):
    """A teacher cannot be registered, or given a mentor."""


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

    def __init__(self, email: str):
        super().__init__(
            "This email address is already used by another teacher. Enter the ECT's own email address."
        )
        self.email = email


class ContractPeriodNotOpen(RegistrationRefused):
    """The start date is in a contract period that is not open for registration. `opens_on` is when
    it is expected to open, or None when that is not known (see providers.queries.RegistrationForStart)."""

    def __init__(self, contract_period: ContractPeriod, opens_on: datetime.date | None):
        if opens_on:
            message = (
                f"Registration for ECTs starting in the {contract_period} academic year opens on "
                f"{_day(opens_on)}. Register them then."
            )
        else:
            message = f"Registration for ECTs starting in the {contract_period} academic year is not open."
        super().__init__(message)
        self.contract_period = contract_period
        self.opens_on = opens_on


class NoContractPeriod(RegistrationRefused):
    """No contract period open for registration covers the start date."""

    def __init__(self, started_on: datetime.date):
        super().__init__(
            f"You cannot register an ECT starting on {_day(started_on)}: that date is not in an academic "
            "year open for registration. Check the start date."
        )
        self.started_on = started_on


class NotEligibleForFunding(RegistrationRefused):
    """Provider-led training asked for at a school that cannot have funded training."""

    def __init__(self):
        super().__init__(
            "Your school cannot have DfE-funded training from a lead provider. Choose school-led training."
        )


class LeadProviderNotActive(RegistrationRefused):
    """Provider-led training with a lead provider not contracted in the ECT's contract period."""

    def __init__(self, lead_provider: LeadProvider, contract_period: ContractPeriod):
        super().__init__(
            f"{lead_provider.name} does not provide training in the {contract_period} academic year. "
            "Choose another lead provider."
        )
        self.lead_provider = lead_provider
        self.contract_period = contract_period


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

    def __init__(self, registered_on: datetime.date, *, role: str = "an ECT"):
        super().__init__(
            f"They were registered as {role} at another school on {_day(registered_on)}. "
            "Their start date at your school must be after that."
        )
        self.not_before = registered_on + ONE_DAY


# --- Registering an ECT ------------------------------------------------------------------------------


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
    today = today or timezone.localdate()
    actor = Actor.school_user(registered_by)
    email = email.strip().lower()
    corrected_name = " ".join(corrected_name.split())
    if working_pattern not in WorkingPattern.values:
        raise ValueError(f"Unknown working pattern {working_pattern!r}")
    if training_programme not in TrainingProgramme.values:
        raise ValueError(f"Unknown training programme {training_programme!r}")
    if (training_programme == TrainingProgramme.PROVIDER_LED) != (lead_provider is not None):
        raise ValueError("Provider-led training needs a lead provider, and school-led training has none")

    # Refusals that need no lock: what TRS says, the year, the lead provider, the email address.
    _refuse_unless_record_allows_induction(teacher_record)
    contract_period = _open_contract_period(started_on, today=today)
    active_lead_provider = None
    if training_programme == TrainingProgramme.PROVIDER_LED:
        if not school.eligible_for_funding:
            raise NotEligibleForFunding
        active_lead_provider = (
            ActiveLeadProvider.objects.select_related("lead_provider")
            .filter(lead_provider=lead_provider, contract_period=contract_period)
            .first()
        )
        if active_lead_provider is None:
            raise LeadProviderNotActive(lead_provider, contract_period)
    if email_in_use(email, today=today, except_trn=teacher_record.trn):
        raise EmailInUse(email)

    # From here on, one registration of this teacher at a time.
    teacher, created = _locked_teacher(teacher_record, corrected_name=corrected_name)
    if not created:
        _refuse_if_induction_over(teacher)
    moves = _moves_from_other_schools(
        teacher, school=school, started_on=started_on, today=today, transfer_from=transfer_from
    )
    changes = {} if created else _refresh_teacher(teacher, teacher_record, corrected_name=corrected_name)

    left = [
        _leave_for(period, teacher=teacher, new_school=school, started_on=started_on, actor=actor)
        for period in moves
    ]
    try:
        with transaction.atomic():  # a savepoint, so a refusal by the database can be put in words
            period = ECTAtSchoolPeriod.objects.create(
                teacher=teacher,
                school=school,
                started_on=started_on,
                email=email,
                working_pattern=working_pattern,
                school_reported_appropriate_body=appropriate_body,
            )
    except IntegrityError as error:
        if _constraint(error) == "ect_at_one_school_at_a_time":
            raise RegisteredElsewhereJustNow from error
        raise

    partnership = None
    if active_lead_provider is not None:
        partnership = partnership_in(
            school, contract_period, lead_provider_id=active_lead_provider.lead_provider_id
        )
    TrainingPeriod.objects.create(
        ect_at_school_period=period,
        started_on=started_on,
        training_programme=training_programme,
        school_partnership=partnership,
        expression_of_interest=active_lead_provider if active_lead_provider and not partnership else None,
    )

    # Offered to the school as its previous choices when it registers its next ECT.
    school.last_chosen_training_programme = training_programme
    school.last_chosen_appropriate_body = appropriate_body
    if active_lead_provider is not None:
        school.last_chosen_lead_provider = active_lead_provider.lead_provider
    school.save(
        update_fields=[
            "last_chosen_training_programme",
            "last_chosen_appropriate_body",
            "last_chosen_lead_provider",
            "updated_at",
        ]
    )

    choices = {
        "started_on": started_on.isoformat(),
        "email": email,
        "working_pattern": working_pattern,
        "appropriate_body": appropriate_body.name,
        "training_programme": training_programme,
        "lead_provider": active_lead_provider.lead_provider.name if active_lead_provider else None,
        "delivery_partner": (
            partnership.lead_provider_delivery_partnership.delivery_partner.name if partnership else None
        ),
        "contract_period": contract_period.year,
    }
    moved_from = f", moving from {left[0].name}" if left else ""
    record_event(
        actor=actor,
        event_type="ect_registered",
        heading=_heading(f"{teacher.full_name} registered as an ECT from {_day(started_on)}{moved_from}"),
        subject=period,
        teacher=teacher,
        school=school,
        lead_provider=active_lead_provider.lead_provider if active_lead_provider else None,
        appropriate_body=appropriate_body,
        changes={**{key: [None, value] for key, value in choices.items() if value is not None}, **changes},
    )
    queue_email(
        to=email,
        template="ect_registered",
        personalisation={
            "full_name": teacher.full_name,
            "school_name": school.name,
            "start_date": _day(started_on),
            "training": (
                f"Your school has chosen {active_lead_provider.lead_provider.name} to provide your training."
                if active_lead_provider
                else "Your school will provide your training itself."
            ),
        },
    )
    return period


def _heading(text: str) -> str:
    """An event heading fits its column, however long the school's name."""
    limit = Event._meta.get_field("heading").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_text(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


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


def _open_contract_period(started_on: datetime.date, *, today: datetime.date) -> ContractPeriod:
    registration = registration_for_start(started_on, today=today)
    if registration.status == StartDateRegistration.NOT_OPEN:
        raise ContractPeriodNotOpen(registration.contract_period, registration.opens_on)
    if registration.status == StartDateRegistration.NO_CONTRACT_PERIOD:
        raise NoContractPeriod(started_on)
    return registration.contract_period


def _trs_name_is(record: TeacherRecord, name: str) -> bool:
    return name in ("", f"{record.first_name} {record.last_name}", " ".join(record.full_name.split()))


def _trs_values(record: TeacherRecord, *, corrected_name: str) -> dict:
    return {
        "trs_first_name": record.first_name,
        "trs_last_name": record.last_name,
        "corrected_name": "" if _trs_name_is(record, corrected_name) else corrected_name,
        "trs_qts_awarded_on": record.qts_awarded_on,
        "trs_induction_status": InductionStatus(record.induction_status).value,
        "trs_data_refreshed_at": timezone.now(),
    }


def _locked_teacher(record: TeacherRecord, *, corrected_name: str) -> tuple[Teacher, bool]:
    """The teacher with the record's TRN, locked until the transaction ends; created if new (True)."""
    teacher = Teacher.objects.select_for_update().filter(trn=record.trn).first()
    if teacher is not None:
        return teacher, False
    try:
        # A savepoint: if another transaction creates the teacher first, our insert waits for it to
        # commit and then fails, and the transaction must still be usable to fetch theirs.
        with transaction.atomic():
            return Teacher.objects.create(
                trn=record.trn, **_trs_values(record, corrected_name=corrected_name)
            ), True
    except IntegrityError:
        teacher = Teacher.objects.select_for_update().filter(trn=record.trn).first()
        if teacher is None:
            raise
        return teacher, False


def _refresh_teacher(teacher: Teacher, record: TeacherRecord, *, corrected_name: str) -> dict:
    """Bring a teacher we knew up to date with TRS and the school's name for them; what changed."""
    values = _trs_values(record, corrected_name=corrected_name)
    changes = {
        name: [_as_text(getattr(teacher, name)), _as_text(value)]
        for name, value in values.items()
        if name != "trs_data_refreshed_at" and getattr(teacher, name) != value
    }
    for name, value in values.items():
        setattr(teacher, name, value)
    teacher.save(update_fields=[*values, "updated_at"])
    return changes


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
        if period.finished_on is not None and period.finished_on < today:
            raise StartsBeforeLeavingAnotherSchool(period.finished_on)
        if period.started_on >= started_on and period.started_on <= today:
            raise StartsBeforeLeavingAnotherSchool(period.started_on)
        moves.append(period)
    if moves and transfer_from not in {period.pk for period in moves}:
        raise RegisteredElsewhereJustNow
    return moves


def _leave_for(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod,
    *,
    teacher: Teacher,
    new_school: School,
    started_on: datetime.date,
    actor: Actor,
) -> School:
    """Finish (or, when it has not started, remove) an ECT's or mentor's period at their old school
    because they start at `new_school` on `started_on`, with its mentorships and training; record it
    on the old school's timeline. Returns that school."""
    old_school = period.school
    name = teacher.full_name
    role = "ect" if isinstance(period, ECTAtSchoolPeriod) else "mentor"
    if period.started_on >= started_on:
        record_event(
            actor=actor,
            event_type=f"{role}_moved_to_another_school",
            heading=_heading(f"{name} moved to {new_school.name} before starting here: registration removed"),
            subject=period,
            teacher=teacher,
            school=old_school,
            changes={"started_on": [period.started_on.isoformat(), None]},
            reason=f"{new_school.name} registered them from {_day(started_on)}, before they were due to start "
            f"here on {_day(period.started_on)}. A period that has not started is removed, not finished.",
        )
        period.delete()  # with its mentorships and training (they cascade)
        return old_school

    last_day = started_on - ONE_DAY
    before = period.finished_on
    _finish_at_school(period, last_day=last_day, actor=actor, why=f"they moved to {new_school.name}")
    what_finishes = (
        "Their mentorship and training here finish the same day."
        if role == "ect"
        else "Their mentoring of ECTs here and their mentor training finish the same day."
    )
    record_event(
        actor=actor,
        event_type=f"{role}_moved_to_another_school",
        heading=_heading(f"{name} moved to {new_school.name}: their time here finishes on {_day(last_day)}"),
        subject=period,
        teacher=teacher,
        school=old_school,
        changes={"finished_on": [_as_text(before), last_day.isoformat()]},
        reason=f"{new_school.name} registered them from {_day(started_on)}. {what_finishes}",
    )
    return old_school


def _finish_at_school(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, *, last_day: datetime.date, actor: Actor, why: str
) -> None:
    """Finish an ECT's or mentor's period at a school on `last_day` (its last day there), with its
    mentorships and training: those that would start later are removed, the rest finish then.
    A mentor's mentees are told on their own timelines that the mentorship ended, and `why`."""
    is_ect = isinstance(period, ECTAtSchoolPeriod)
    mentorships = MentorshipPeriod.objects.filter(**{"mentee" if is_ect else "mentor": period})
    trainings = TrainingPeriod.objects.filter(
        **{"ect_at_school_period" if is_ect else "mentor_at_school_period": period}
    )
    if not is_ect:
        name = period.teacher.full_name
        for mentorship in mentorships.filter(
            Q(finished_on__isnull=True) | Q(finished_on__gt=last_day)
        ).select_related("mentee__teacher"):
            ends = "never started" if mentorship.started_on > last_day else f"ends on {_day(last_day)}"
            record_event(
                actor=actor,
                event_type="mentorship_ended",
                heading=_heading(f"{name}'s mentoring of {mentorship.mentee.teacher.full_name} {ends}"),
                subject=mentorship.mentee,
                teacher=mentorship.mentee.teacher,
                school=period.school,
                changes={"mentor": [name, None]},
                reason=f"Their mentor's time at the school ends: {why}.",
            )
    now = timezone.now()
    for children, extra in ((mentorships, {}), (trainings, {"updated_at": now})):
        children.filter(started_on__gt=last_day).delete()
        children.filter(Q(finished_on__isnull=True) | Q(finished_on__gt=last_day)).update(
            finished_on=last_day, **extra
        )
    period.finished_on = last_day
    period.save(update_fields=["finished_on", "updated_at"])


# --- Why a mentor cannot be registered or assigned ---------------------------------------------------


class ProhibitedFromMentoring(RegistrationRefused):
    """TRS says the teacher is prohibited from teaching (the journey should stop earlier)."""

    def __init__(self):
        super().__init__("They are prohibited from teaching, so they cannot be registered as a mentor.")


class AlreadyMentorAtThisSchool(RegistrationRefused):
    """The teacher already has a mentor period at this school that is not over (or that the new one
    would overlap). Their mentor periods at other schools do not matter."""

    def __init__(self, period: MentorAtSchoolPeriod):
        super().__init__(
            f"This teacher is already registered as a mentor at your school from {_day(period.started_on)}."
        )
        self.period = period


class MentorEmailInUse(EmailInUse):
    """Another teacher uses this email address on an ECT or mentor period that is not over."""

    def __init__(self, email: str):
        RegistrationRefused.__init__(
            self,
            "This email address is already used by another teacher. Enter the mentor's own email address.",
        )
        self.email = email


class MentorContractPeriodNotOpen(ContractPeriodNotOpen):
    """Mentor training from a start date in a contract period not open for registration."""

    def __init__(self, contract_period: ContractPeriod, opens_on: datetime.date | None):
        if opens_on:
            message = (
                f"Registration for mentors starting in the {contract_period} academic year opens on "
                f"{_day(opens_on)}. Register them then."
            )
        else:
            message = f"Registration for mentors starting in the {contract_period} academic year is not open."
        RegistrationRefused.__init__(self, message)
        self.contract_period = contract_period
        self.opens_on = opens_on


class MentorNoContractPeriod(NoContractPeriod):
    """Mentor training from a start date that no contract period open for registration covers."""

    def __init__(self, started_on: datetime.date):
        RegistrationRefused.__init__(
            self,
            f"You cannot register a mentor starting on {_day(started_on)}: that date is not in an academic "
            "year open for registration. Check the start date.",
        )
        self.started_on = started_on


class MentorTrainingNotFunded(NotEligibleForFunding):
    """Mentor training from a lead provider asked for at a school that cannot have funded training."""

    def __init__(self):
        RegistrationRefused.__init__(
            self,
            "Your school cannot have DfE-funded training from a lead provider, so the mentor cannot "
            "train with one. Register them without a lead provider.",
        )


class CannotMentorThemself(RegistrationRefused):
    """The mentor and the ECT are the same teacher."""

    def __init__(self):
        super().__init__("A teacher cannot mentor themself. Choose a different mentor.")


class MenteeNotAtThisSchool(RegistrationRefused):
    """The ECT to be mentored is at another school."""

    def __init__(self, mentee: ECTAtSchoolPeriod):
        super().__init__(f"{mentee.teacher.full_name} is not an ECT at your school.")
        self.mentee = mentee


class MenteeHasLeft(RegistrationRefused):
    """The ECT has left the school (or leaves before the mentoring would start), or their time at
    the school was removed since the school user looked."""

    def __init__(self, mentee: ECTAtSchoolPeriod, *, today: datetime.date):
        name = mentee.teacher.full_name
        if mentee.finished_on is None:  # their period was removed
            message = f"{name} is no longer registered at your school, so they cannot be given a mentor."
        elif mentee.finished_on < today:
            message = (
                f"{name} left your school on {_day(mentee.finished_on)}, so they cannot be given a mentor."
            )
        else:
            message = (
                f"{name} leaves your school on {_day(mentee.finished_on)}, before the mentoring would start."
            )
        super().__init__(message)
        self.mentee = mentee


class MentorNotAtThisSchool(RegistrationRefused):
    """The chosen mentor is a mentor at another school, not the ECT's."""

    def __init__(self, mentor: MentorAtSchoolPeriod):
        super().__init__(
            f"{mentor.teacher.full_name} is not a mentor at this ECT's school. Choose one of your school's mentors."
        )
        self.mentor = mentor


class MentorHasLeft(RegistrationRefused):
    """The chosen mentor has left the school, or leaves before the mentoring would start."""

    def __init__(self, mentor: MentorAtSchoolPeriod, *, today: datetime.date):
        name = mentor.teacher.full_name
        if mentor.finished_on is not None and mentor.finished_on < today:
            message = f"{name} left your school on {_day(mentor.finished_on)}. Choose another mentor."
        elif mentor.finished_on is not None:
            message = (
                f"{name} leaves your school on {_day(mentor.finished_on)}, before the mentoring would start. "
                "Choose another mentor."
            )
        else:
            message = f"{name} is no longer a mentor at your school. Choose another mentor."
        super().__init__(message)
        self.mentor = mentor


class MentorChangedJustNow(RegistrationRefused):
    """Someone else changed the ECT's mentor while this change was being made (see `assign_mentor`)."""

    def __init__(self, mentee: ECTAtSchoolPeriod, current: MentorshipPeriod | None):
        name = mentee.teacher.full_name
        if current is None:
            now = "Their mentor has just been changed by someone else."
        else:
            now = f"{current.mentor.teacher.full_name} has just been made their mentor by someone else."
        super().__init__(
            f"{now} Nothing has been saved. Check {name}'s mentor, then change it again if you need to."
        )
        self.current = current


# --- Registering a mentor ----------------------------------------------------------------------------


@transaction.atomic
def register_mentor(
    *,
    school: School,
    registered_by: User,
    teacher_record: TeacherRecord,
    corrected_name: str,
    email: str,
    started_on: datetime.date,
    lead_provider: LeadProvider | None,
    mentee: ECTAtSchoolPeriod | None = None,
    leaving: Sequence[int] = (),
    today: datetime.date | None = None,
) -> MentorAtSchoolPeriod:
    """Register a teacher, found in TRS, as a mentor at `school` from `started_on`, in one transaction.

    The teacher is found by TRN or created, exactly as `register_ect` does (TRS's names, QTS date
    and induction status, refreshed now; `corrected_name` kept when it differs from TRS's; no date
    of birth or National Insurance number stored). Their induction does not matter: a mentor need
    not be, or have been, an ECT. A mentor may mentor at several schools at once, once per school:
    their mentor periods at other schools are left as they are, except those named in `leaving`
    (ids, as shown to the school by participants.queries.mentor_periods_elsewhere), which finish the
    day before `started_on` with their mentorships and training, as an ECT's do when they move.

    Mentor training. Funded unless they completed mentor training before, or are training through a
    school they are not leaving (participants.queries.mentor_training_eligibility). When funded and `lead_provider` is given,
    the mentor period gets a provider-led training period from `started_on` naming the school's
    partnership with that lead provider in the contract period of the start date (as for ECTs:
    providers.queries.registration_for_start) when there is one, else the school's expression of
    interest in it. Not funded, or no lead provider: no training period (mentor training is only
    ever provider-led), and the contract period is not looked at.

    `mentee`, an ECT at this school, is paired with the new mentor from the later of their two start
    dates, by `assign_mentor` in this same transaction (finishing the ECT's previous mentorship).

    An event records the registration (with why training is not funded, when it is not) and the
    mentor is emailed ("mentor_registered") once the transaction commits.

    Refused, with nothing saved, by raising a RegistrationRefused: ProhibitedFromMentoring,
    AlreadyMentorAtThisSchool, MentorEmailInUse (an EmailInUse), CannotMentorThemself,
    MenteeNotAtThisSchool, MenteeHasLeft, StartsBeforeLeavingAnotherSchool (for a period in
    `leaving` that has already begun on or after `started_on`), and, only when training is to be created,
    MentorContractPeriodNotOpen (a ContractPeriodNotOpen), MentorNoContractPeriod (a
    NoContractPeriod), MentorTrainingNotFunded (a NotEligibleForFunding), LeadProviderNotActive;
    and whatever `assign_mentor` refuses.

    Races: the teacher's row is locked as in `register_ect`, so two registrations of one teacher at
    one school run one after the other and the second is refused with AlreadyMentorAtThisSchool.
    """
    today = today or timezone.localdate()
    actor = Actor.school_user(registered_by)
    email = email.strip().lower()
    corrected_name = " ".join(corrected_name.split())

    # Refusals that need no lock: what TRS says, the ECT to mentor, the email address.
    if teacher_record.prohibited_from_teaching:
        raise ProhibitedFromMentoring
    if mentee is not None:
        if mentee.teacher.trn == teacher_record.trn:
            raise CannotMentorThemself
        if mentee.school_id != school.pk:
            raise MenteeNotAtThisSchool(mentee)
        if mentee.finished_on is not None and mentee.finished_on < max(today, started_on, mentee.started_on):
            raise MenteeHasLeft(mentee, today=today)
    if email_in_use(email, today=today, except_trn=teacher_record.trn):
        raise MentorEmailInUse(email)

    # From here on, one registration of this teacher at a time.
    teacher, created = _locked_teacher(teacher_record, corrected_name=corrected_name)
    if not created:
        here = (
            MentorAtSchoolPeriod.objects.filter(teacher=teacher, school=school)
            .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=min(today, started_on)))
            .order_by("started_on")
            .first()
        )
        if here is not None:
            raise AlreadyMentorAtThisSchool(here)
    moves = _mentor_periods_to_leave(
        teacher, school=school, started_on=started_on, today=today, leaving=leaving
    )
    eligible, not_eligible_because = mentor_training_eligibility(
        None if created else teacher, today=today, leaving=[period.pk for period in moves]
    )

    active_lead_provider = contract_period = None
    if eligible and lead_provider is not None:
        contract_period = _open_contract_period_for_mentor(started_on, today=today)
        if not school.eligible_for_funding:
            raise MentorTrainingNotFunded
        active_lead_provider = (
            ActiveLeadProvider.objects.select_related("lead_provider")
            .filter(lead_provider=lead_provider, contract_period=contract_period)
            .first()
        )
        if active_lead_provider is None:
            raise LeadProviderNotActive(lead_provider, contract_period)

    changes = {} if created else _refresh_teacher(teacher, teacher_record, corrected_name=corrected_name)
    left = [
        _leave_for(period, teacher=teacher, new_school=school, started_on=started_on, actor=actor)
        for period in moves
    ]
    try:
        with transaction.atomic():  # a savepoint, so a refusal by the database can be put in words
            period = MentorAtSchoolPeriod.objects.create(
                teacher=teacher, school=school, started_on=started_on, email=email
            )
    except IntegrityError as error:  # only another code path, not holding the teacher's lock
        if _constraint(error) == "mentor_once_per_school_at_a_time":
            raise AlreadyMentorAtThisSchool(
                MentorAtSchoolPeriod.objects.filter(teacher=teacher, school=school)
                .order_by("-started_on")
                .first()
            ) from error
        raise

    partnership = None
    if active_lead_provider is not None:
        partnership = partnership_in(
            school, contract_period, lead_provider_id=active_lead_provider.lead_provider_id
        )
        TrainingPeriod.objects.create(
            mentor_at_school_period=period,
            started_on=started_on,
            training_programme=TrainingProgramme.PROVIDER_LED,
            school_partnership=partnership,
            expression_of_interest=None if partnership else active_lead_provider,
        )

    choices = {
        "started_on": started_on.isoformat(),
        "email": email,
        "lead_provider": active_lead_provider.lead_provider.name if active_lead_provider else None,
        "delivery_partner": (
            partnership.lead_provider_delivery_partnership.delivery_partner.name if partnership else None
        ),
        "contract_period": contract_period.year if contract_period else None,
    }
    moved_from = f", moving from {', '.join(school.name for school in left)}" if left else ""
    record_event(
        actor=actor,
        event_type="mentor_registered",
        heading=_heading(f"{teacher.full_name} registered as a mentor from {_day(started_on)}{moved_from}"),
        subject=period,
        teacher=teacher,
        school=school,
        lead_provider=active_lead_provider.lead_provider if active_lead_provider else None,
        changes={**{key: [None, value] for key, value in choices.items() if value is not None}, **changes},
        reason=not_eligible_because or "",
    )
    if mentee is not None:
        assign_mentor(
            mentee=mentee,
            mentor=period,
            assigned_by=registered_by,
            starting_on=max(started_on, mentee.started_on),
            today=today,
        )
    if active_lead_provider is not None:
        training = f"Your school has chosen {active_lead_provider.lead_provider.name} to provide your mentor training."
    elif not eligible:
        training = "You have already completed mentor training, so you will not be trained again."
    else:
        training = "Your school will tell you about training for mentors."
    queue_email(
        to=email,
        template="mentor_registered",
        personalisation={
            "full_name": teacher.full_name,
            "school_name": school.name,
            "start_date": _day(started_on),
            "training": training,
        },
    )
    return period


def _mentor_periods_to_leave(
    teacher: Teacher,
    *,
    school: School,
    started_on: datetime.date,
    today: datetime.date,
    leaving: Sequence[int],
) -> list[MentorAtSchoolPeriod]:
    """The teacher's mentor periods at other schools named in `leaving` that registering them here
    from `started_on` must finish or remove (locked). One that has ended since the school looked, or
    ends before the new start, needs nothing; one already begun on or after the new start is refused."""
    if not leaving:
        return []
    periods = (
        MentorAtSchoolPeriod.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(current_or_future(min(today, started_on)), teacher=teacher, pk__in=leaving)
        .exclude(school=school)
        .order_by("started_on")
    )
    moves = []
    for period in periods:
        if period.finished_on is not None and period.finished_on < started_on:
            continue
        if period.started_on >= started_on and period.started_on <= today:
            raise StartsBeforeLeavingAnotherSchool(period.started_on, role="a mentor")
        moves.append(period)
    return moves


def _open_contract_period_for_mentor(started_on: datetime.date, *, today: datetime.date) -> ContractPeriod:
    registration = registration_for_start(started_on, today=today)
    if registration.status == StartDateRegistration.NOT_OPEN:
        raise MentorContractPeriodNotOpen(registration.contract_period, registration.opens_on)
    if registration.status == StartDateRegistration.NO_CONTRACT_PERIOD:
        raise MentorNoContractPeriod(started_on)
    return registration.contract_period


# --- Giving an ECT a mentor ---------------------------------------------------------------------------


@transaction.atomic
def assign_mentor(
    *,
    mentee: ECTAtSchoolPeriod,
    mentor: MentorAtSchoolPeriod,
    assigned_by: User,
    starting_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> MentorshipPeriod:
    """Make `mentor` the mentor of the ECT `mentee` from `starting_on`, in one transaction.

    The mentorship starts on `starting_on` (default `today`), but never before the ECT or the mentor
    starts at the school; it finishes when the first of them is due to leave (ongoing when neither
    is). An ECT has one mentor at a time: their mentorships going on at that day finish the day
    before it, and those starting on or after it (not started by then) are removed. Giving the ECT
    the mentor they already have is a no-op that returns that mentorship. An event on the ECT's
    timeline at the school says "Mentor assigned" or "Mentor changed from X to Y".

    Refused, with nothing saved, by raising a RegistrationRefused: CannotMentorThemself,
    MentorNotAtThisSchool, MentorHasLeft, MenteeHasLeft (including a period removed meanwhile),
    MentorChangedJustNow.

    Races. The ECT's period is locked FOR UPDATE first, then the mentor's FOR SHARE (ECT before
    mentor, as the database's triggers do), and both are read again under the locks. So two people
    changing one ECT's mentor at once run one after the other. The second is refused with
    MentorChangedJustNow when the ECT's current mentorship is no longer the one it saw on arriving:
    each chose a mentor knowing who mentored the ECT, and silently replacing a choice just made is
    not what either asked for. Giving the ECT the mentor they were just given is not refused (it is
    the no-op). A mentor or ECT leaving meanwhile waits for this, or this sees them gone and refuses.
    """
    today = today or timezone.localdate()
    actor = Actor.school_user(assigned_by)
    # What the caller arrives knowing: the ECT's current mentorship as committed now, before we wait.
    seen = _current_mentorship(
        mentee.pk, starting_on=max(starting_on or today, mentee.started_on, mentor.started_on)
    )
    seen_id = seen.pk if seen else None

    locked_mentee = (
        ECTAtSchoolPeriod.objects.select_for_update(of=("self",))
        .select_related("teacher", "school")
        .filter(pk=mentee.pk)
        .first()
    )
    if locked_mentee is None:
        mentee.finished_on = None
        raise MenteeHasLeft(mentee, today=today)
    mentee = locked_mentee
    mentor_row = list(
        MentorAtSchoolPeriod.objects.raw(
            "SELECT * FROM participants_mentoratschoolperiod WHERE id = %s FOR SHARE", [mentor.pk]
        )
    )
    if not mentor_row:
        mentor.finished_on = None
        raise MentorHasLeft(mentor, today=today)
    mentor = MentorAtSchoolPeriod.objects.select_related("teacher", "school").get(pk=mentor.pk)

    if mentor.teacher_id == mentee.teacher_id:
        raise CannotMentorThemself
    if mentor.school_id != mentee.school_id:
        raise MentorNotAtThisSchool(mentor)
    start = max(starting_on or today, mentee.started_on, mentor.started_on)
    if mentee.finished_on is not None and mentee.finished_on < max(start, today):
        raise MenteeHasLeft(mentee, today=today)
    if mentor.finished_on is not None and mentor.finished_on < max(start, today):
        raise MentorHasLeft(mentor, today=today)

    current = _current_mentorship(mentee.pk, starting_on=start)
    if current is not None and current.mentor_id == mentor.pk:
        return current
    if (current.pk if current else None) != seen_id:
        raise MentorChangedJustNow(mentee, current)

    last_day = start - ONE_DAY
    going_on = MentorshipPeriod.objects.filter(mentee=mentee).filter(
        Q(finished_on__isnull=True) | Q(finished_on__gt=last_day)
    )
    going_on.filter(started_on__gt=last_day).delete()
    going_on.update(finished_on=last_day)
    ends = [day for day in (mentee.finished_on, mentor.finished_on) if day is not None]
    try:
        with transaction.atomic():  # a savepoint, so a refusal by the database can be put in words
            mentorship = MentorshipPeriod.objects.create(
                mentee=mentee, mentor=mentor, started_on=start, finished_on=min(ends) if ends else None
            )
    except IntegrityError as error:  # only another code path, not holding the ECT's lock
        if _constraint(error) == "ect_has_one_mentor_at_a_time":
            raise MentorChangedJustNow(mentee, _current_mentorship(mentee.pk, starting_on=start)) from error
        raise

    name = mentee.teacher.full_name
    new_name = mentor.teacher.full_name
    if current is not None:
        old_name = current.mentor.teacher.full_name
        heading = f"Mentor changed from {old_name} to {new_name} from {_day(start)}"
        what = (
            f"removed, as it had not started by {_day(start)}"
            if current.started_on >= start
            else f"finished on {_day(last_day)}"
        )
        reason = f"{name} has one mentor at a time: their mentorship with {old_name} was {what}."
    else:
        old_name = None
        heading = f"Mentor assigned: {new_name} from {_day(start)}"
        reason = ""
    record_event(
        actor=actor,
        event_type="mentor_assigned",
        heading=_heading(heading),
        subject=mentorship,
        teacher=mentee.teacher,
        school=mentee.school,
        changes={"mentor": [old_name, new_name], "started_on": [None, start.isoformat()]},
        reason=reason,
    )
    return mentorship


def _current_mentorship(mentee_id: int, *, starting_on: datetime.date) -> MentorshipPeriod | None:
    """The ECT's mentorship that is going on (or due to start) on `starting_on` or later: the one a
    new mentor from that day replaces. The latest-starting, when a change is already scheduled."""
    return (
        MentorshipPeriod.objects.select_related("mentor__teacher")
        .filter(mentee_id=mentee_id)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=starting_on))
        .order_by("-started_on", "-pk")
        .first()
    )


# --- Leaving a school --------------------------------------------------------------------------------


class MovingSchool:
    """The school's answer to "Are they moving to another school?" (kept on the leaving event)."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    LABELS = {YES: "Yes", NO: "No", NOT_SURE: "I do not know"}


class AlreadyLeft(Refused):
    """The period is over already: someone told us first, or another school registered them."""

    def __init__(self, finished_on: datetime.date):
        super().__init__(f"They already left your school on {_day(finished_on)}. Nothing has been changed.")


class LeavesBeforeStarting(Refused):
    """A leaving date before the start of a period that has begun: it cannot be undone that far."""

    def __init__(self, started_on: datetime.date):
        super().__init__(
            f"They started at your school on {_day(started_on)}. Their leaving date must be on or after that."
        )
        self.started_on = started_on


class AlreadyLeaving(Refused):
    """A later leaving date for someone already due to leave: their training and mentorships finished
    on the first date, and cannot be stretched back safely here (support staff can)."""

    def __init__(self, finished_on: datetime.date):
        super().__init__(
            f"We already know they are leaving on {_day(finished_on)}. You can give an earlier date. "
            "To give a later one, contact us."
        )


def _refuse_leaving(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, leaving_on: datetime.date, *, today: datetime.date
) -> None:
    if period.finished_on is not None and period.finished_on < today:
        raise AlreadyLeft(period.finished_on)
    if period.finished_on is not None and leaving_on > period.finished_on:
        raise AlreadyLeaving(period.finished_on)
    if leaving_on < period.started_on <= today:
        raise LeavesBeforeStarting(period.started_on)


def leaving_problem(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, leaving_on: datetime.date, *, today: datetime.date
) -> str | None:
    """Why `record_leaving` would refuse this leaving date, in words, as things stand; None if it
    would not (for a form to say so by the field)."""
    try:
        _refuse_leaving(period, leaving_on, today=today)
    except Refused as refusal:
        return str(refusal)
    return None


@transaction.atomic
def record_leaving(
    *,
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod,
    leaving_on: datetime.date,
    moving_school: str,
    reported_by: User,
    today: datetime.date | None = None,
) -> ECTAtSchoolPeriod | MentorAtSchoolPeriod | None:
    """An ECT or mentor leaves `period`'s school, `leaving_on` being their last day there, in one
    transaction. The period finishes that day with its mentorships and training (those that would
    start later are removed); a mentor's mentees keep everything else and need a new mentor. A period
    that has not started and ends before it would is removed instead (None is returned).

    `moving_school` (a MovingSchool value) is the school's answer to whether they move to another
    school: it is kept on the event for the next school and for support staff, and changes nothing
    else (the next school registers them, which is a transfer).

    Refused, with nothing changed: AlreadyLeft (over before today, typically because another school
    registered them or someone reported it first), AlreadyLeaving (a date later than the leaving date
    we have), LeavesBeforeStarting (a leaving date before a start that has passed). The period's row is locked, so two reports run one after the other."""
    today = today or timezone.localdate()
    actor = Actor.school_user(reported_by)
    model = type(period)
    locked = (
        model.objects.select_for_update().select_related("teacher", "school").filter(pk=period.pk).first()
    )
    if locked is None:
        raise AlreadyLeft(today)  # removed since the school looked: it has no time there now
    _refuse_leaving(locked, leaving_on, today=today)
    role = "ect" if model is ECTAtSchoolPeriod else "mentor"
    teacher, school = locked.teacher, locked.school
    name = teacher.full_name
    reason = f"Moving to another school: {MovingSchool.LABELS[moving_school]}."

    if leaving_on < locked.started_on:  # not started (else refused above): removed, not finished
        record_event(
            actor=actor,
            event_type=f"{role}_left_school",
            heading=_heading(f"{name} will not start at {school.name} after all: registration removed"),
            subject=locked,
            teacher=teacher,
            school=school,
            changes={"started_on": [locked.started_on.isoformat(), None]},
            reason=f"{reason} A period that has not started is removed, not finished.",
        )
        locked.delete()  # with its mentorships and training (they cascade)
        return None

    before = locked.finished_on
    _finish_at_school(locked, last_day=leaving_on, actor=actor, why=f"they leave on {_day(leaving_on)}")
    leaves = "left" if leaving_on < today else "leaves"
    record_event(
        actor=actor,
        event_type=f"{role}_left_school",
        heading=_heading(f"{name} {leaves} {school.name} on {_day(leaving_on)}"),
        subject=locked,
        teacher=teacher,
        school=school,
        changes={"finished_on": [_as_text(before), leaving_on.isoformat()]},
        reason=reason,
    )
    return locked
