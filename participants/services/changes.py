"""Changes a school makes to an ECT or mentor it has: their name, email, working pattern, appropriate
body, and how they train from a date. Each locks what it changes, refuses what would contradict the
record, and records an event with before, after and the reason."""

import datetime

from django.db import transaction

from accounts.models import User
from audit.services import Actor, record_event
from core import clock
from participants.models import (
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    Teacher,
    TrainingPeriod,
    WorkingPattern,
)
from participants.queries import (
    current_or_future,
    current_training,
    email_in_use,
    training_contract_period,
    training_lead_provider,
)
from participants.services.common import (
    ONE_DAY,
    Refused,
    TooFarAhead,
    _as_text,
    _day,
    _heading,
    _role,
    _start_training,
)
from participants.services.ects import (
    EmailInUse,
    NotEligibleForFunding,
    _active_lead_provider,
)
from providers.models import ActiveLeadProvider, AppropriateBody, LeadProvider
from schools.models import TrainingProgramme

AtSchoolPeriod = ECTAtSchoolPeriod | MentorAtSchoolPeriod


class NothingChanged(Refused):
    def __init__(self, what: str):
        super().__init__(f"That is their {what} already. Nothing has been changed.")


class NoLongerAtSchool(Refused):
    """The period is over (or gone) by the time the change is made."""

    def __init__(self):
        super().__init__("They have left your school, so their record here can no longer be changed.")


class NameChangeReason:
    """Why a school changes a teacher's name: the only two reasons there are. A different person is
    a different registration, never a change of name."""

    CHANGED = "changed_name"
    CORRECTED = "corrected_mistake"
    LABELS = {
        CHANGED: "They changed their name, for example when they married",
        CORRECTED: "The name we had was wrong",
    }


def _locked_period(period: AtSchoolPeriod, *, today: datetime.date) -> AtSchoolPeriod:
    """The period again, locked until the transaction ends, with its teacher and school; refused
    when it is over or was removed since the school looked."""
    locked = (
        type(period)
        .objects.select_for_update(of=("self",))
        .select_related("teacher", "school")
        .filter(current_or_future(today), pk=period.pk)
        .first()
    )
    if locked is None:
        raise NoLongerAtSchool
    return locked


@transaction.atomic
def change_name(
    *, period: AtSchoolPeriod, name: str, reason: str, changed_by: User, today: datetime.date | None = None
) -> Teacher:
    """Change the name a teacher is known by (everywhere: the teacher is one person), from one of
    the school's periods of theirs, because they changed it or it was wrong (a NameChangeReason).
    The name TRS has is kept; a name equal to it clears the school's. Refused: NothingChanged,
    NoLongerAtSchool."""
    today = today or clock.today()
    locked = _locked_period(period, today=today)
    teacher = Teacher.objects.select_for_update().get(pk=locked.teacher_id)
    name = " ".join(name.split())
    trs_name = f"{teacher.trs_first_name} {teacher.trs_last_name}"
    if name == teacher.full_name:
        raise NothingChanged("name")
    before_name = teacher.full_name
    before = teacher.corrected_name
    teacher.corrected_name = "" if name == trs_name else name
    teacher.save(update_fields=["corrected_name", "updated_at"])
    record_event(
        actor=Actor.school_user(changed_by),
        event_type="teacher_name_changed",
        heading=_heading(f"{before_name} is now known as {teacher.full_name}"),
        subject=teacher,
        teacher=teacher,
        school=locked.school,
        changes={"corrected_name": [before, teacher.corrected_name]},
        reason=NameChangeReason.LABELS[reason],
    )
    return teacher


def _change_period(
    period: AtSchoolPeriod, *, values: dict, what: str, changed_by: User, today: datetime.date | None
) -> AtSchoolPeriod:
    """Set `values` on the locked period and record the change as "<role>_<what>_changed"."""
    locked = _locked_period(period, today=today or clock.today())
    changes = {
        name: [_as_text(_plain(getattr(locked, name))), _as_text(_plain(value))]
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    if not changes:
        raise NothingChanged(what.replace("_", " "))
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*values, "updated_at"])
    record_event(
        actor=Actor.school_user(changed_by),
        event_type=f"{_role(locked)}_{what}_changed",
        heading=_heading(
            f"{locked.teacher.full_name}'s {what.replace('_', ' ')} changed to "
            + ", ".join(_in_words(value) for value in values.values())
        ),
        subject=locked,
        teacher=locked.teacher,
        school=locked.school,
        appropriate_body=values.get("school_reported_appropriate_body"),
        changes=changes,
    )
    return locked


def _plain(value):
    """A value as an event keeps it: a related row by its name."""
    return str(value) if isinstance(value, AppropriateBody) else value


def _in_words(value) -> str:
    """A value as a heading says it: a working pattern by its label."""
    return WorkingPattern(value).label if value in WorkingPattern.values else str(_plain(value))


@transaction.atomic
def change_email(
    *, period: AtSchoolPeriod, email: str, changed_by: User, today: datetime.date | None = None
) -> AtSchoolPeriod:
    """Change the email address the school gave for an ECT or mentor (lead providers read it).
    Refused: EmailInUse (another teacher's, on a period not over), NothingChanged, NoLongerAtSchool."""
    today = today or clock.today()
    email = email.strip().lower()
    if email_in_use(email, today=today, except_trn=period.teacher.trn):
        raise EmailInUse(email)
    return _change_period(
        period, values={"email": email}, what="email_address", changed_by=changed_by, today=today
    )


@transaction.atomic
def change_working_pattern(
    *, period: ECTAtSchoolPeriod, working_pattern: str, changed_by: User, today: datetime.date | None = None
) -> ECTAtSchoolPeriod:
    """Change whether an ECT works full or part time. Refused: NothingChanged, NoLongerAtSchool."""
    WorkingPattern(working_pattern)  # a value outside the choices is a programming error
    return _change_period(
        period,
        values={"working_pattern": working_pattern},
        what="working_pattern",
        changed_by=changed_by,
        today=today,
    )


@transaction.atomic
def change_appropriate_body(
    *,
    period: ECTAtSchoolPeriod,
    appropriate_body: AppropriateBody,
    changed_by: User,
    today: datetime.date | None = None,
) -> ECTAtSchoolPeriod:
    """Change the appropriate body the school says checks an ECT's induction. Refused:
    NothingChanged, NoLongerAtSchool."""
    return _change_period(
        period,
        values={"school_reported_appropriate_body": appropriate_body},
        what="appropriate_body",
        changed_by=changed_by,
        today=today,
    )


# --- How they train, from a date ----------------------------------------------------------------------


class ChangeOutsideTheirTime(Refused):
    def __init__(self, period: AtSchoolPeriod):
        until = f" to {_day(period.finished_on)}" if period.finished_on else ""
        super().__init__(
            f"The date must be within their time at your school: from {_day(period.started_on)}{until}."
        )


class ChangeBeforeToday(Refused):
    """Training already given cannot be rewritten: what a lead provider reported for it stands."""

    def __init__(self, today: datetime.date):
        super().__init__(
            f"The date must be today ({_day(today)}) or later: training that has already happened cannot be changed."
        )


def training_change_problem(
    period: AtSchoolPeriod, starting_on: datetime.date, *, today: datetime.date
) -> str | None:
    """Why `change_training` would refuse this date, in words, as things stand; None if it would not."""
    try:
        _refuse_training_date(period, starting_on, today=today)
    except Refused as refusal:
        return str(refusal)
    return None


def _refuse_training_date(
    period: AtSchoolPeriod, starting_on: datetime.date, *, today: datetime.date
) -> None:
    if starting_on < period.started_on or (
        period.finished_on is not None and starting_on > period.finished_on
    ):
        raise ChangeOutsideTheirTime(period)
    if starting_on < today:
        raise ChangeBeforeToday(today)
    if starting_on > today + TooFarAhead.LIMIT:
        raise TooFarAhead(today)


@transaction.atomic
def change_training(
    *,
    period: AtSchoolPeriod,
    training_programme: str,
    lead_provider: LeadProvider | None,
    starting_on: datetime.date,
    changed_by: User,
    today: datetime.date | None = None,
) -> TrainingPeriod:
    """From `starting_on` (today or later, within their time at the school), an ECT or mentor trains
    another way: provider-led with `lead_provider`, or (ECTs only) school-led. Their training that
    covers that day finishes the day before (or is replaced, if it starts that day); training due
    to start later is removed. The new training counts in the contract period of their current
    training (else of their start date): provider-led names the school's partnership with the lead
    provider that year, else an expression of interest in it. The lead provider that loses them
    sees it through the API from that date.

    Refused: NoLongerAtSchool, ChangeOutsideTheirTime, ChangeBeforeToday, NothingChanged,
    NotEligibleForFunding (the school cannot have funded training), LeadProviderNotActive."""
    today = today or clock.today()
    locked = _locked_period(period, today=today)
    _refuse_training_date(locked, starting_on, today=today)
    role = _role(locked)
    if role == "mentor" and training_programme != TrainingProgramme.PROVIDER_LED:
        raise ValueError("Mentor training is only ever provider-led")
    if training_programme == TrainingProgramme.SCHOOL_LED:
        lead_provider = None

    current = current_training(locked, on=starting_on)
    if current is not None and current.started_on > starting_on:
        current = None  # it starts later, and is removed below
    before_provider = training_lead_provider(current)
    if (
        current is not None
        and current.training_programme == training_programme
        and before_provider == lead_provider
    ):
        raise NothingChanged("training")
    active_lead_provider = _provider_for_training(locked, current, training_programme, lead_provider)
    training = _replace_training(
        locked,
        current,
        starting_on=starting_on,
        training_programme=training_programme,
        active_lead_provider=active_lead_provider,
    )
    _record_training_changed(
        locked,
        current,
        starting_on=starting_on,
        training_programme=training_programme,
        before_provider=before_provider,
        lead_provider=lead_provider,
        changed_by=changed_by,
    )
    return training


def _provider_for_training(
    period: AtSchoolPeriod,
    current: TrainingPeriod | None,
    training_programme: str,
    lead_provider: LeadProvider | None,
) -> ActiveLeadProvider | None:
    """The lead provider, as it works in the contract period their current training counts in
    (else their start date's), for provider-led training; refused when the school cannot have
    funded training or the provider does not work that year."""
    contract_period = training_contract_period(period, current)
    if training_programme != TrainingProgramme.PROVIDER_LED:
        return None
    if not period.school.eligible_for_funding:
        raise NotEligibleForFunding
    return _active_lead_provider(lead_provider, contract_period)


def _replace_training(
    period: AtSchoolPeriod,
    current: TrainingPeriod | None,
    *,
    starting_on: datetime.date,
    training_programme: str,
    active_lead_provider: ActiveLeadProvider | None,
) -> TrainingPeriod:
    """Training due from `starting_on` on is removed, the current one finishes the day before, and
    the new one runs from `starting_on` to the end of their time at the school."""
    TrainingPeriod.objects.filter(**{f"{_role(period)}_at_school_period": period}).filter(
        started_on__gte=starting_on
    ).delete()
    if current is not None and current.started_on < starting_on:
        current.finished_on = starting_on - ONE_DAY
        current.save(update_fields=["finished_on", "updated_at"])
    return _start_training(
        period,
        started_on=starting_on,
        training_programme=training_programme,
        active_lead_provider=active_lead_provider,
        finished_on=period.finished_on,
    )


def _record_training_changed(
    period: AtSchoolPeriod,
    current: TrainingPeriod | None,
    *,
    starting_on: datetime.date,
    training_programme: str,
    before_provider: LeadProvider | None,
    lead_provider: LeadProvider | None,
    changed_by: User,
) -> None:
    """The event: the programme and lead provider before and after, and from when."""
    programme_before = current.training_programme if current else None
    changes = {}
    if programme_before != training_programme:
        changes["training_programme"] = [programme_before, training_programme]
    if before_provider != lead_provider:
        changes["lead_provider"] = [
            _as_text(str(before_provider) if before_provider else None),
            str(lead_provider) if lead_provider else None,
        ]
    changes["from"] = [None, starting_on.isoformat()]
    how = f"with {lead_provider}" if lead_provider else "with their school's own programme"
    record_event(
        actor=Actor.school_user(changed_by),
        event_type=f"{_role(period)}_training_changed",
        heading=_heading(f"{period.teacher.full_name} trains {how} from {_day(starting_on)}"),
        subject=period,
        teacher=period.teacher,
        school=period.school,
        lead_provider=lead_provider or before_provider,
        changes=changes,
    )
