"""Registering a mentor and giving an ECT a mentor, and why either is refused.

Mentor training. Funded unless they completed mentor training before, or are training through a
school they are not leaving (participants.queries.mentor_training_eligibility). When funded and `lead_provider` is given,
the mentor period gets a provider-led training period from `started_on` naming the school's
partnership with that lead provider in the contract period of the start date (as for ECTs:
providers.queries.registration_for_start) when there is one, else the school's expression of
interest in it. Not funded, or no lead provider: no training period (mentor training is only
ever provider-led), and the contract period is not looked at.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from audit.services import Actor, record_event
from core import clock
from participants.models import (
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
)
from participants.queries import (
    current_or_future,
    email_in_use,
    mentor_training_eligibility,
    mentorship_from,
)
from participants.services.common import (
    ONE_DAY,
    RegistrationRefused,
    _created_or_refused,
    _day,
    _email_registered,
    _heading,
    _leave_old_schools,
    _locked_teacher,
    _open_contract_period,
    _record_registration,
    _refresh_teacher,
    _start_training,
    _tidied,
    _training_choices,
)
from participants.services.ects import (
    ContractPeriodNotOpen,
    EmailInUse,
    NoContractPeriod,
    NotEligibleForFunding,
    StartsBeforeLeavingAnotherSchool,
    _active_lead_provider,
)
from participants.trs.client import TeacherRecord
from providers.models import ActiveLeadProvider, ContractPeriod, LeadProvider, SchoolPartnership
from schools.models import School, TrainingProgramme


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
        super().__init__(email, role="mentor")


class MentorContractPeriodNotOpen(ContractPeriodNotOpen):
    """Mentor training from a start date in a contract period not open for registration."""

    def __init__(self, contract_period: ContractPeriod, opens_on: datetime.date | None):
        super().__init__(contract_period, opens_on, people="mentors")


class MentorNoContractPeriod(NoContractPeriod):
    """Mentor training from a start date that no contract period open for registration covers."""

    def __init__(self, started_on: datetime.date):
        super().__init__(started_on, someone="a mentor")


class MentorTrainingNotFunded(NotEligibleForFunding):
    """Mentor training from a lead provider asked for at a school that cannot have funded training."""

    def __init__(self):
        super().__init__(
            "Your school cannot have DfE-funded training from a lead provider, so the mentor cannot "
            "train with one. Register them without a lead provider."
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

    Mentor training: see this module's docstring (participants/services/mentors.py).

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
    today = today or clock.today()
    actor = Actor.school_user(registered_by)
    email, corrected_name = _tidied(email, corrected_name)
    _refuse_what_needs_no_lock(
        school, teacher_record, mentee=mentee, email=email, started_on=started_on, today=today
    )

    # From here on, one registration of this teacher at a time.
    teacher, created = _locked_teacher(teacher_record, corrected_name=corrected_name)
    if not created:
        _refuse_if_mentor_here(teacher, school=school, started_on=started_on, today=today)
    moves = _mentor_periods_to_leave(
        teacher, school=school, started_on=started_on, today=today, leaving=leaving
    )
    training = _plan_training(
        None if created else teacher,
        moves,
        school=school,
        lead_provider=lead_provider,
        started_on=started_on,
        today=today,
    )
    changes = {} if created else _refresh_teacher(teacher, teacher_record, corrected_name=corrected_name)

    left = _leave_old_schools(moves, teacher=teacher, new_school=school, started_on=started_on, actor=actor)
    period = _created_or_refused(  # refused only by another code path, not holding the teacher's lock
        MentorAtSchoolPeriod,
        constraint="mentor_once_per_school_at_a_time",
        refusal=lambda: AlreadyMentorAtThisSchool(_latest_here(teacher, school)),
        teacher=teacher,
        school=school,
        started_on=started_on,
        email=email,
    )
    partnership = _start_mentor_training(period, training)
    _record_mentor_registered(
        period, actor=actor, left=left, training=training, partnership=partnership, changes=changes
    )
    if mentee is not None:
        assign_mentor(
            mentee=mentee,
            mentor=period,
            assigned_by=registered_by,
            starting_on=max(started_on, mentee.started_on),
            today=today,
        )
    _email_registered(period, training=training.in_words(), mentoring=_mentoring_in_words(mentee))
    return period


def _mentoring_in_words(mentee: ECTAtSchoolPeriod | None) -> str:
    """What the mentor's email says of whom they mentor."""
    if mentee is not None:
        return f"You will mentor {mentee.teacher.full_name}."
    return "Your school will tell you which ECTs you will mentor."


def _refuse_what_needs_no_lock(
    school: School,
    teacher_record: TeacherRecord,
    *,
    mentee: ECTAtSchoolPeriod | None,
    email: str,
    started_on: datetime.date,
    today: datetime.date,
) -> None:
    """Refuse what TRS says, the ECT to mentor and an email address in use, before waiting for the
    teacher's lock."""
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


def _refuse_if_mentor_here(
    teacher: Teacher, *, school: School, started_on: datetime.date, today: datetime.date
) -> None:
    """A teacher we knew with a mentor period at this school that is not over (or that the new one
    would overlap)."""
    here = (
        MentorAtSchoolPeriod.objects.filter(teacher=teacher, school=school)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=min(today, started_on)))
        .order_by("started_on")
        .first()
    )
    if here is not None:
        raise AlreadyMentorAtThisSchool(here)


def _latest_here(teacher: Teacher, school: School) -> MentorAtSchoolPeriod | None:
    return MentorAtSchoolPeriod.objects.filter(teacher=teacher, school=school).order_by("-started_on").first()


@dataclass(frozen=True)
class MentorTraining:
    """Whether the mentor's training is funded (and, when not, why), and, when they are to train
    with a lead provider, that provider as it works in the contract period of their start date."""

    eligible: bool
    not_eligible_because: str | None
    active_lead_provider: ActiveLeadProvider | None = None
    contract_period: ContractPeriod | None = None

    def in_words(self) -> str:
        """What the mentor's email says of their training."""
        if self.active_lead_provider is not None:
            return f"Your school has chosen {self.active_lead_provider.lead_provider.name} to provide your mentor training."
        if not self.eligible:
            return "You have already completed mentor training, so you will not be trained again."
        return "Your school will tell you about training for mentors."


def _plan_training(
    teacher: Teacher | None,
    moves: list[MentorAtSchoolPeriod],
    *,
    school: School,
    lead_provider: LeadProvider | None,
    started_on: datetime.date,
    today: datetime.date,
) -> MentorTraining:
    """The mentor's training: funded or not (a teacher we did not know is None), and with the lead
    provider when funded and one is chosen, after refusing a year not open, a school that cannot
    have funded training, or a lead provider not working that year. Not funded, or no lead
    provider: the contract period is not looked at."""
    eligible, not_eligible_because = mentor_training_eligibility(
        teacher, today=today, leaving=[period.pk for period in moves]
    )
    if not eligible or lead_provider is None:
        return MentorTraining(eligible, not_eligible_because)
    contract_period = _open_contract_period(
        started_on,
        today=today,
        not_open=MentorContractPeriodNotOpen,
        no_contract_period=MentorNoContractPeriod,
    )
    if not school.eligible_for_funding:
        raise MentorTrainingNotFunded
    return MentorTraining(
        eligible, not_eligible_because, _active_lead_provider(lead_provider, contract_period), contract_period
    )


def _start_mentor_training(
    period: MentorAtSchoolPeriod, training: MentorTraining
) -> SchoolPartnership | None:
    """Provider-led training from the mentor's start, when they train with a lead provider (mentor
    training is only ever provider-led); the partnership it names."""
    if training.active_lead_provider is None:
        return None
    return _start_training(
        period,
        started_on=period.started_on,
        training_programme=TrainingProgramme.PROVIDER_LED,
        active_lead_provider=training.active_lead_provider,
    ).school_partnership


def _record_mentor_registered(
    period: MentorAtSchoolPeriod,
    *,
    actor: Actor,
    left: list[School],
    training: MentorTraining,
    partnership: SchoolPartnership | None,
    changes: dict,
) -> None:
    """The event of the registration (`_record_registration`), with why training is not funded."""
    moved_from = f", moving from {', '.join(school.name for school in left)}" if left else ""
    _record_registration(
        period,
        actor=actor,
        heading=f"{period.teacher.full_name} registered as a mentor from {_day(period.started_on)}{moved_from}",
        active_lead_provider=training.active_lead_provider,
        choices={
            "started_on": period.started_on.isoformat(),
            "email": period.email,
            **_training_choices(training.active_lead_provider, partnership, training.contract_period),
        },
        changes=changes,
        reason=training.not_eligible_because or "",
    )


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
            raise StartsBeforeLeavingAnotherSchool(period, ended=False, role="a mentor")
        moves.append(period)
    return moves


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
    today = today or clock.today()
    # What the caller arrives knowing: the ECT's current mentorship as committed now, before we wait.
    seen = mentorship_from(
        mentee.pk, starting_on=max(starting_on or today, mentee.started_on, mentor.started_on)
    )
    seen_id = seen.pk if seen else None

    mentee, mentor = _locked_pair(mentee, mentor, today=today)
    start = max(starting_on or today, mentee.started_on, mentor.started_on)
    _refuse_pairing(mentee, mentor, start=start, today=today)
    current = mentorship_from(mentee.pk, starting_on=start)
    if current is not None and current.mentor_id == mentor.pk:
        return current
    if (current.pk if current else None) != seen_id:
        raise MentorChangedJustNow(mentee, current)

    _finish_mentorships_from(mentee, start)
    ends = [day for day in (mentee.finished_on, mentor.finished_on) if day is not None]
    mentorship = _created_or_refused(  # refused only by another code path, not holding the ECT's lock
        MentorshipPeriod,
        constraint="ect_has_one_mentor_at_a_time",
        refusal=lambda: MentorChangedJustNow(mentee, mentorship_from(mentee.pk, starting_on=start)),
        mentee=mentee,
        mentor=mentor,
        started_on=start,
        finished_on=min(ends) if ends else None,
    )
    _record_mentor_assigned(mentorship, replacing=current, actor=Actor.school_user(assigned_by))
    return mentorship


def _locked_pair(
    mentee: ECTAtSchoolPeriod, mentor: MentorAtSchoolPeriod, *, today: datetime.date
) -> tuple[ECTAtSchoolPeriod, MentorAtSchoolPeriod]:
    """The ECT's period locked FOR UPDATE, then the mentor's FOR SHARE (ECT before mentor, as the
    database's triggers do), both read again under the locks; either removed meanwhile is refused."""
    locked_mentee = (
        ECTAtSchoolPeriod.objects.select_for_update(of=("self",))
        .select_related("teacher", "school")
        .filter(pk=mentee.pk)
        .first()
    )
    if locked_mentee is None:
        mentee.finished_on = None
        raise MenteeHasLeft(mentee, today=today)
    mentor_row = list(
        MentorAtSchoolPeriod.objects.raw(
            "SELECT * FROM participants_mentoratschoolperiod WHERE id = %s FOR SHARE", [mentor.pk]
        )
    )
    if not mentor_row:
        mentor.finished_on = None
        raise MentorHasLeft(mentor, today=today)
    return locked_mentee, MentorAtSchoolPeriod.objects.select_related("teacher", "school").get(pk=mentor.pk)


def _refuse_pairing(
    mentee: ECTAtSchoolPeriod, mentor: MentorAtSchoolPeriod, *, start: datetime.date, today: datetime.date
) -> None:
    """Nobody mentors themself; the mentor is at the ECT's school; neither has left by `start`."""
    if mentor.teacher_id == mentee.teacher_id:
        raise CannotMentorThemself
    if mentor.school_id != mentee.school_id:
        raise MentorNotAtThisSchool(mentor)
    if mentee.finished_on is not None and mentee.finished_on < max(start, today):
        raise MenteeHasLeft(mentee, today=today)
    if mentor.finished_on is not None and mentor.finished_on < max(start, today):
        raise MentorHasLeft(mentor, today=today)


def _finish_mentorships_from(mentee: ECTAtSchoolPeriod, start: datetime.date) -> None:
    """One mentor at a time: the ECT's mentorships going on at `start` finish the day before, and
    those starting on or after it are removed."""
    last_day = start - ONE_DAY
    going_on = MentorshipPeriod.objects.filter(mentee=mentee).filter(
        Q(finished_on__isnull=True) | Q(finished_on__gt=last_day)
    )
    going_on.filter(started_on__gt=last_day).delete()
    going_on.update(finished_on=last_day)


def _record_mentor_assigned(
    mentorship: MentorshipPeriod, *, replacing: MentorshipPeriod | None, actor: Actor
) -> None:
    """ "Mentor assigned", or "Mentor changed from X to Y", on the ECT's timeline at the school."""
    mentee, start = mentorship.mentee, mentorship.started_on
    new_name = mentorship.mentor.teacher.full_name
    if replacing is not None:
        old_name = replacing.mentor.teacher.full_name
        heading = f"Mentor changed from {old_name} to {new_name} from {_day(start)}"
        what = (
            f"removed, as it had not started by {_day(start)}"
            if replacing.started_on >= start
            else f"finished on {_day(start - ONE_DAY)}"
        )
        reason = f"{mentee.teacher.full_name} has one mentor at a time: their mentorship with {old_name} was {what}."
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
