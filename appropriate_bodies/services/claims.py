"""An appropriate body claims an ECT: opens an induction period with them from a start date, and
tells the Teaching Record System (TRS) that their induction is in progress.

The single journey (`journeys/claim_ect.py`) and the bulk CSV upload share the rules here:
`why_not_claimable` (why this teacher cannot be claimed at all, with a reason code; `claim_stop`
says it in words), `start_date_problem` (why not from this date) and `claim_ect` (the write), which
refuses with `CannotClaim` whatever the others would, carrying the reason and the answer it is
about (`services.refusals`).

Two bodies claiming the same ECT at once: each takes the teacher's row lock before checking
again and writing, so the second waits for the first and then finds the ECT claimed. A claim
that got past the lock some other way (a support edit in admin, say) is still stopped by the
database (`induction_periods_do_not_overlap`), and that too becomes a `CannotClaim` in words.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from appropriate_bodies.services.refusals import Refusal
from audit.services import Actor, record_event
from core import clock
from participants.models import InductionOutcome, InductionPeriod, InductionStatus, Teacher
from participants.services import locked_teacher_from_record, queue_trs_induction_of
from participants.services.common import _day, _heading
from participants.trs.client import TeacherRecord
from providers.models import AppropriateBody
from schools.models import TrainingProgramme

# How far ahead a body may claim an ECT: about a term, so a body can claim in the summer an ECT
# who starts in September, while a year typed wrongly is caught (decision 0025).
CLAIM_AHEAD_LIMIT = datetime.timedelta(weeks=13)
OVERLAP_CONSTRAINT = "induction_periods_do_not_overlap"
ONE_DAY = datetime.timedelta(days=1)
# The reason (ClaimStop, CannotClaim) of a teacher this body has claimed already.
CLAIMED_BY_YOU = "claimed_by_you"


class CannotClaim(Refusal):
    """The ECT cannot be claimed (by this body, from this date). Nothing was saved; str() is a
    sentence for the appropriate body's user."""


@dataclass(frozen=True)
class ClaimStop:
    """Why a teacher cannot be claimed: `reason` names the case (for the stop page), `message`
    says it in words. `teacher` is ours when the body has claimed them already (to link to)."""

    reason: str  # passed, failed, exempt, prohibited, no_qts, claimed_by_you, claimed_elsewhere
    message: str
    teacher: Teacher | None = None


def why_not_claimable(*, body: AppropriateBody, record: TeacherRecord) -> ClaimStop | None:
    """Why this body cannot claim the teacher of this TRS record; None when it can. What TRS says
    (and any outcome a body has recorded with us) first, then who has their induction open."""
    name = record.full_name
    outcomes = set(
        InductionPeriod.objects.filter(teacher__trn=record.trn)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    if record.induction_status == InductionStatus.PASSED or InductionOutcome.PASS in outcomes:
        return ClaimStop("passed", f"{name} has already passed their induction, so they cannot be claimed.")
    if record.induction_status == InductionStatus.FAILED or InductionOutcome.FAIL in outcomes:
        return ClaimStop("failed", f"{name} has failed their induction, so they cannot be claimed.")
    if record.induction_status == InductionStatus.EXEMPT:
        return ClaimStop("exempt", f"{name} is exempt from induction, so there is no induction to claim.")
    if record.prohibited_from_teaching:
        return ClaimStop("prohibited", f"{name} is prohibited from teaching, so they cannot be claimed.")
    if not record.has_qts:
        return ClaimStop(
            "no_qts",
            f"{name} does not have qualified teacher status (QTS) yet. "
            "You can claim them once it has been awarded.",
        )
    open_period = (
        InductionPeriod.objects.filter(teacher__trn=record.trn, finished_on__isnull=True)
        .select_related("appropriate_body", "teacher")
        .first()
    )
    if open_period is None:
        return None
    return _claimed_already(open_period, body=body, name=name)


def _claimed_already(period: InductionPeriod, *, body: AppropriateBody, name: str) -> ClaimStop:
    if period.appropriate_body_id == body.pk:
        return ClaimStop(
            CLAIMED_BY_YOU,
            f"You have already claimed {name}: their induction with you "
            f"{'started' if period.started_on <= clock.today() else 'starts'} on {_day(period.started_on)}.",
            teacher=period.teacher,
        )
    other = period.appropriate_body.name
    return ClaimStop(
        "claimed_elsewhere",
        f"{name}'s induction is open with {other}. {other} must release them before you can claim them.",
    )


def claim_stop(*, body: AppropriateBody, record: TeacherRecord) -> str | None:
    """Why this body cannot claim the teacher of this TRS record, in words for a stop page (or a
    row of a bulk upload); None when it can."""
    stop = why_not_claimable(body=body, record=record)
    return stop.message if stop else None


def start_date_problem(*, record: TeacherRecord, started_on: datetime.date) -> str | None:
    """Why their induction with a body cannot start on `started_on`, in words; None when it can:
    not before they were awarded QTS, at most CLAIM_AHEAD_LIMIT from today, and after every
    induction period of theirs that has finished."""
    if record.qts_awarded_on is not None and started_on < record.qts_awarded_on:
        return f"The start date must be on or after the day they were awarded QTS, {_day(record.qts_awarded_on)}."
    latest = clock.today() + CLAIM_AHEAD_LIMIT
    if started_on > latest:
        return f"The start date must be no more than 13 weeks from today, by {_day(latest)}."
    finished = (
        InductionPeriod.objects.filter(teacher__trn=record.trn, finished_on__gte=started_on)
        .select_related("appropriate_body")
        .order_by("-finished_on")
        .first()
    )
    if finished is not None:
        return (
            f"Their induction with {finished.appropriate_body.name} ran until {_day(finished.finished_on)}. "
            f"The start date must be after that, from {_day(finished.finished_on + ONE_DAY)}."
        )
    return None


def _refuse_unless_claimable(
    *, body: AppropriateBody, record: TeacherRecord, started_on: datetime.date
) -> None:
    stop = why_not_claimable(body=body, record=record)
    if stop:
        raise CannotClaim(stop.message, reason=stop.reason)
    too_early_or_late = start_date_problem(record=record, started_on=started_on)
    if too_early_or_late:
        raise CannotClaim(too_early_or_late, about="started_on", reason="start_date")


@transaction.atomic
def claim_ect(
    *,
    body: AppropriateBody,
    record: TeacherRecord,
    started_on: datetime.date,
    induction_programme: str,
    claimed_by: User,
) -> InductionPeriod:
    """Claim the teacher of this TRS record for `body`: an open induction period from `started_on`
    with `induction_programme` (provider-led or school-led), in one transaction with its event and
    the update telling TRS their induction is in progress (sent after commit, decision 0023).

    The teacher is made from the record if we did not know them, else brought up to date with it
    (no date of birth or National Insurance number is stored), and locked; only then are the rules
    checked again and the period written. Refused, with nothing saved, by raising CannotClaim.
    An unknown programme is the caller's mistake: ValueError.
    """
    if induction_programme not in TrainingProgramme.values:
        raise ValueError(f"Unknown induction programme {induction_programme!r}")
    _refuse_unless_claimable(body=body, record=record, started_on=started_on)

    # From here on, one claim (or any other write to their record) of this teacher at a time.
    teacher, changes = locked_teacher_from_record(record=record)
    _refuse_unless_claimable(body=body, record=record, started_on=started_on)
    period = _open_induction_period(
        teacher,
        body=body,
        started_on=started_on,
        induction_programme=induction_programme,
        name=record.full_name,
    )
    _record_claim(period, claimed_by=claimed_by, changes=changes or {})
    queue_trs_induction_of(teacher=teacher)
    return period


def _open_induction_period(
    teacher: Teacher, *, body: AppropriateBody, started_on: datetime.date, induction_programme: str, name: str
) -> InductionPeriod:
    """The new open period, in a savepoint: should the database refuse it as overlapping another
    (a write that did not take the teacher's lock), say who has them, in words."""
    try:
        with transaction.atomic():
            return InductionPeriod.objects.create(
                teacher=teacher,
                appropriate_body=body,
                started_on=started_on,
                induction_programme=induction_programme,
            )
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != OVERLAP_CONSTRAINT:
            raise
        raise _overlap_refusal(teacher, body=body, started_on=started_on, name=name) from error


def _overlap_refusal(
    teacher: Teacher, *, body: AppropriateBody, started_on: datetime.date, name: str
) -> CannotClaim:
    overlapping = (
        teacher.induction_periods.filter(Q(finished_on__isnull=True) | Q(finished_on__gte=started_on))
        .select_related("appropriate_body")
        .order_by("-started_on")
        .first()
    )
    if overlapping is None or overlapping.appropriate_body_id == body.pk:
        return CannotClaim(
            f"You have just claimed {name}, in another tab or request: their induction with you is open. "
            "Nothing more has been saved.",
            reason=CLAIMED_BY_YOU,
        )
    other = overlapping.appropriate_body.name
    return CannotClaim(
        f"{other} claimed {name} just before you did, so their induction is now with {other}. "
        f"Nothing has been saved. {other} must release them before you can claim them.",
        reason="claimed_elsewhere",
    )


def _record_claim(period: InductionPeriod, *, claimed_by: User, changes: dict) -> None:
    """The claim on the teacher's and the body's timelines, with what changed of a teacher we knew."""
    body = period.appropriate_body
    record_event(
        actor=Actor.appropriate_body_user(claimed_by),
        event_type="ect_claimed",
        heading=_heading(
            f"{body.name} claimed {period.teacher.full_name}'s induction from {_day(period.started_on)}"
        ),
        subject=period,
        teacher=period.teacher,
        appropriate_body=body,
        changes={
            "appropriate_body": [None, body.name],
            "started_on": [None, period.started_on.isoformat()],
            "induction_programme": [None, period.induction_programme],
            **changes,
        },
    )
