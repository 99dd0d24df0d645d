"""What the participants services share: refusals, wording, locking a teacher, and finishing a
period at a school (a move or a leaving)."""

import dataclasses
import datetime
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import formats

from audit.models import Event
from audit.services import Actor, record_event
from core import clock
from emails.services import queue_email
from participants.models import (
    ECTAtSchoolPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from participants.trs.client import TeacherRecord
from providers.models import ActiveLeadProvider, ContractPeriod, Schedule, SchoolPartnership
from providers.queries import StartDateRegistration, registration_for_start
from providers.schedules import identifier_for_start, schedule_for
from schools.models import School
from schools.queries import partnership_in

ONE_DAY = datetime.timedelta(days=1)


def _day(date: datetime.date) -> str:
    """A date as people read it: "1 September 2026"."""
    return formats.date_format(date, "j F Y")


class Refused(Exception):
    """A change the service will not make. Nothing was saved; str() is a sentence for the school user."""


class TooFarAhead(Refused):
    """A date for something the school tells us now that is more than a year away: a typing mistake,
    most likely, and nothing to plan on yet."""

    LIMIT = datetime.timedelta(days=365)

    def __init__(self, today: datetime.date):
        super().__init__(f"The date must be within a year from today, by {_day(today + self.LIMIT)}.")


class RegistrationRefused(Refused):
    """A teacher cannot be registered, or given a mentor."""


def _role(period: ECTAtSchoolPeriod | MentorAtSchoolPeriod) -> str:
    """ "ect" or "mentor": how event types and a training's parent field name the period's kind."""
    return "ect" if isinstance(period, ECTAtSchoolPeriod) else "mentor"


def _start_training(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod,
    *,
    started_on: datetime.date,
    training_programme: str,
    active_lead_provider: ActiveLeadProvider | None,
    finished_on: datetime.date | None = None,
    schedule: Schedule | None = None,
) -> TrainingPeriod:
    """A training period for the period from `started_on`: provider-led names the school's
    partnership with the lead provider in its contract period when there is one, else the school's
    expression of interest in it, and follows the standard schedule of the term it starts in;
    school-led names neither. A resumed training passes the `schedule` it keeps."""
    partnership = (
        partnership_in(
            period.school,
            active_lead_provider.contract_period,
            lead_provider_id=active_lead_provider.lead_provider_id,
        )
        if active_lead_provider is not None
        else None
    )
    return TrainingPeriod.objects.create(
        **{f"{_role(period)}_at_school_period": period},
        started_on=started_on,
        finished_on=finished_on,
        training_programme=training_programme,
        school_partnership=partnership,
        expression_of_interest=active_lead_provider if active_lead_provider and not partnership else None,
        schedule=schedule
        or (
            schedule_for(active_lead_provider.contract_period, identifier_for_start(started_on))
            if active_lead_provider is not None
            else None
        ),
    )


def _heading(text: str) -> str:
    """An event heading fits its column, however long the school's name."""
    limit = Event._meta.get_field("heading").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_text(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _trs_name_is(record: TeacherRecord, name: str) -> bool:
    return name in ("", f"{record.first_name} {record.last_name}", " ".join(record.full_name.split()))


def _fetched_at(record: TeacherRecord) -> datetime.datetime:
    return record.fetched_at or clock.now()


def _trs_values(record: TeacherRecord, *, corrected_name: str) -> dict:
    return {
        "trs_first_name": record.first_name,
        "trs_last_name": record.last_name,
        "corrected_name": "" if _trs_name_is(record, corrected_name) else corrected_name,
        "trs_qts_awarded_on": record.qts_awarded_on,
        "trs_induction_status": InductionStatus(record.induction_status).value,
        "trs_induction_started_on": record.induction_started_on,
        "trs_data_refreshed_at": _fetched_at(record),
    }


def _newer_than_ours(record: TeacherRecord, teacher: Teacher) -> bool:
    """Whether the record was fetched from TRS no earlier than what we hold of the teacher was."""
    refreshed = teacher.trs_data_refreshed_at
    return refreshed is None or _fetched_at(record) >= refreshed


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
    """Bring a teacher we knew up to date with TRS and the school's name for them; what changed.
    A record fetched before what we hold of them (kept in a session, or a bulk upload, while we
    heard newer) changes no TRS fact of theirs: only the school's name for them."""
    if _newer_than_ours(record, teacher):
        values = _trs_values(record, corrected_name=corrected_name)
        if teacher.induction_periods.exists():
            # Once a body has claimed them with us, TRS's start may be one we wrote: we keep the
            # start it held before, so that releasing a claim made by mistake gives TRS back its own.
            del values["trs_induction_started_on"]
    else:
        ours = dataclasses.replace(
            record, first_name=teacher.trs_first_name, middle_name="", last_name=teacher.trs_last_name
        )
        values = {"corrected_name": "" if _trs_name_is(ours, corrected_name) else corrected_name}
    changes = {
        name: [_as_text(getattr(teacher, name)), _as_text(value)]
        for name, value in values.items()
        if name != "trs_data_refreshed_at" and getattr(teacher, name) != value
    }
    for name, value in values.items():
        setattr(teacher, name, value)
    teacher.save(update_fields=[*values, "updated_at"])
    return changes


def _tidied(email: str, corrected_name: str) -> tuple[str, str]:
    """The email address lower-cased, and the school's name for the teacher with its spaces tidied."""
    return email.strip().lower(), " ".join(corrected_name.split())


def _open_contract_period(
    started_on: datetime.date,
    *,
    today: datetime.date,
    not_open: Callable[[ContractPeriod, datetime.date | None], Exception],
    no_contract_period: Callable[[datetime.date], Exception],
) -> ContractPeriod:
    """The contract period open for registration that `started_on` is in. Refused with
    `not_open(contract_period, opens_on)` when that period is not open yet, and with
    `no_contract_period(started_on)` when no contract period covers the day."""
    registration = registration_for_start(started_on, today=today)
    if registration.status == StartDateRegistration.NOT_OPEN:
        raise not_open(registration.contract_period, registration.opens_on)
    if registration.status == StartDateRegistration.NO_CONTRACT_PERIOD:
        raise no_contract_period(started_on)
    return registration.contract_period


def _created_or_refused(
    model: type[models.Model], *, constraint: str, refusal: Callable[[], Exception], **fields
) -> models.Model:
    """A new row, created in a savepoint so that the database refusing it by `constraint` (when
    another code path got there first) is raised as `refusal()`, in words, not an IntegrityError."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as error:
        if _constraint(error) == constraint:
            raise refusal() from error
        raise


def _training_choices(
    active_lead_provider: ActiveLeadProvider | None,
    partnership: SchoolPartnership | None,
    contract_period: ContractPeriod | None,
) -> dict:
    """What a registration recorded of the training: its lead provider, delivery partner and year."""
    return {
        "lead_provider": active_lead_provider.lead_provider.name if active_lead_provider else None,
        "delivery_partner": (
            partnership.lead_provider_delivery_partnership.delivery_partner.name if partnership else None
        ),
        "contract_period": contract_period.year if contract_period else None,
    }


def _record_registration(
    period: ECTAtSchoolPeriod | MentorAtSchoolPeriod,
    *,
    actor: Actor,
    heading: str,
    active_lead_provider: ActiveLeadProvider | None,
    choices: dict,
    changes: dict,
    **more,
) -> None:
    """The event of an ECT's or mentor's registration: what the school chose (as set from nothing)
    and what changed of a teacher we knew."""
    record_event(
        actor=actor,
        event_type=f"{_role(period)}_registered",
        heading=_heading(heading),
        subject=period,
        teacher=period.teacher,
        school=period.school,
        lead_provider=active_lead_provider.lead_provider if active_lead_provider else None,
        changes={**{key: [None, value] for key, value in choices.items() if value is not None}, **changes},
        **more,
    )


def _email_registered(period: ECTAtSchoolPeriod | MentorAtSchoolPeriod, **personalisation) -> None:
    """Tell the ECT or mentor they are registered ("ect_registered", "mentor_registered")."""
    queue_email(
        to=period.email,
        template=f"{_role(period)}_registered",
        personalisation={
            "full_name": period.teacher.full_name,
            "school_name": period.school.name,
            "start_date": _day(period.started_on),
            **personalisation,
        },
    )


def _leave_old_schools(
    periods: list[ECTAtSchoolPeriod] | list[MentorAtSchoolPeriod],
    *,
    teacher: Teacher,
    new_school: School,
    started_on: datetime.date,
    actor: Actor,
) -> list[School]:
    """Finish (or remove) each of the periods at other schools the teacher leaves to start at
    `new_school` (`_leave_for`); the schools they leave."""
    return [
        _leave_for(period, teacher=teacher, new_school=new_school, started_on=started_on, actor=actor)
        for period in periods
    ]


def _remove(period: ECTAtSchoolPeriod | MentorAtSchoolPeriod) -> None:
    """Remove a period that has not started, with its mentorships and training: children first, so
    every statement leaves the foreign keys whole (Django's cascade would not order them)."""
    MentorshipPeriod.objects.filter(**{"mentee" if _role(period) == "ect" else "mentor": period}).delete()
    TrainingPeriod.objects.filter(**{f"{_role(period)}_at_school_period": period}).delete()
    period.delete()


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
    role = _role(period)
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
        _remove(period)
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
    is_ect = _role(period) == "ect"
    mentorships = MentorshipPeriod.objects.filter(**{"mentee" if is_ect else "mentor": period})
    trainings = TrainingPeriod.objects.filter(**{f"{_role(period)}_at_school_period": period})
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
    now = clock.now()
    for children, extra in ((mentorships, {}), (trainings, {"updated_at": now})):
        children.filter(started_on__gt=last_day).delete()
        children.filter(Q(finished_on__isnull=True) | Q(finished_on__gt=last_day)).update(
            finished_on=last_day, **extra
        )
    period.finished_on = last_day
    period.save(update_fields=["finished_on", "updated_at"])
