"""An ECT or mentor leaving their school."""

import datetime

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from audit.services import Actor, record_event
from core import clock
from participants.models import (
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    Teacher,
)
from participants.services.common import (
    Refused,
    TooFarAhead,
    _as_text,
    _day,
    _finish_at_school,
    _heading,
    _remove,
    _role,
)


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
    if leaving_on > today + TooFarAhead.LIMIT:
        raise TooFarAhead(today)


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
    today = today or clock.today()
    actor = Actor.school_user(reported_by)
    model = type(period)
    locked = (
        model.objects.select_for_update().select_related("teacher", "school").filter(pk=period.pk).first()
    )
    if locked is None:
        raise AlreadyLeft(today)  # removed since the school looked: it has no time there now
    _refuse_leaving(locked, leaving_on, today=today)
    role = _role(locked)
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
        _remove(locked)
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


def finish_ect_time_as_induction_ends(
    *, teacher: Teacher, last_day: datetime.date, actor: Actor, outcome_words: str
) -> list[ECTAtSchoolPeriod]:
    """The teacher's induction is over (`outcome_words`: "passed" or "failed"): their time as an ECT
    ends on `last_day` with its mentorship and training, so their school and lead provider see it.
    A period that would start after `last_day` is removed; one over by then is left as it is. Call
    it in the caller's transaction with the teacher's row locked; it locks the ECT periods (after
    the teacher, as registering does). Returns the periods it finished."""
    periods = (
        ECTAtSchoolPeriod.objects.select_for_update(of=("self",))
        .select_related("school", "teacher")
        .filter(teacher=teacher)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gt=last_day))
        .order_by("started_on")
    )
    finished = []
    for period in periods:
        if period.started_on > last_day:
            _record_induction_over(period, actor=actor, outcome_words=outcome_words, last_day=None)
            _remove(period)
            continue
        _record_induction_over(period, actor=actor, outcome_words=outcome_words, last_day=last_day)
        _finish_at_school(period, last_day=last_day, actor=actor, why=f"their induction {outcome_words}")
        finished.append(period)
    return finished


def _record_induction_over(
    period: ECTAtSchoolPeriod, *, actor: Actor, outcome_words: str, last_day: datetime.date | None
) -> None:
    """The event on the school's timeline: the ECT's time there ends (or, `last_day` None, never starts)."""
    name, school = period.teacher.full_name, period.school
    if last_day is None:
        heading = f"{name} will not start at {school.name} as an ECT: their induction {outcome_words}"
        changes = {"started_on": [period.started_on.isoformat(), None]}
    else:
        heading = f"{name}'s time as an ECT at {school.name} ends on {_day(last_day)}: their induction {outcome_words}"
        changes = {"finished_on": [_as_text(period.finished_on), last_day.isoformat()]}
    record_event(
        actor=actor,
        event_type="ect_induction_over",
        heading=_heading(heading),
        subject=period,
        teacher=period.teacher,
        school=school,
        changes=changes,
        reason="Their appropriate body recorded the outcome of their induction: "
        "their training and mentoring as an ECT end on the day it is recorded.",
    )
