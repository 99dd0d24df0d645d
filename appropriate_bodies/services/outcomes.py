"""An appropriate body closes the induction period it has open with a teacher: a pass, a fail, or a
release (the teacher leaves the body without an outcome, to be claimed by another).

Passing or failing ends the induction: the teacher's time as an ECT at their school ends that day,
with their training and mentoring (decision 0026), and TRS is told the outcome. A release tells TRS
the induction is still to finish. Every TRS write goes through the outbox after commit."""

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from appropriate_bodies.services.refusals import Problem, Refusal
from appropriate_bodies.services.terms import as_terms, terms_problem
from audit.services import Actor, record_event
from core import clock
from participants.models import InductionOutcome, InductionPeriod, Teacher
from participants.services import finish_ect_time_as_induction_ends, queue_trs_induction_of
from participants.services.common import _day, _heading
from providers.models import AppropriateBody

PASS, FAIL, RELEASE = "pass", "fail", "release"
OUTCOMES = (PASS, FAIL, RELEASE)
# What each outcome does to the period and to TRS, and how it reads.
PERIOD_OUTCOME = {PASS: InductionOutcome.PASS, FAIL: InductionOutcome.FAIL, RELEASE: ""}
ENDS_INDUCTION = {PASS, FAIL}
IN_WORDS = {PASS: "passed", FAIL: "failed", RELEASE: "released"}
# The reason (Problem, CannotRecordOutcome) when the teacher has no open period with the body.
NO_OPEN_PERIOD = "no_open_period"


class CannotRecordOutcome(Refusal):
    """The outcome cannot be recorded. Nothing was saved; str() says why, for the body's user."""


def open_period_with(body: AppropriateBody, teacher: Teacher) -> InductionPeriod | None:
    """The teacher's open induction period with this body, if they have one."""
    return InductionPeriod.objects.filter(
        teacher=teacher, appropriate_body=body, finished_on__isnull=True
    ).first()


def end_date_problem(
    period: InductionPeriod, finished_on: datetime.date, *, today: datetime.date
) -> str | None:
    """Why an induction period cannot end on `finished_on`, in words; None when it can."""
    if finished_on < period.started_on:
        return f"The end date must be on or after the start of their induction with you, {_day(period.started_on)}"
    if finished_on > today:
        return "The end date must be today or in the past"
    return None


def why_outcome_cannot_be_recorded(
    *, body: AppropriateBody, teacher: Teacher, finished_on: datetime.date, number_of_terms
) -> Problem | None:
    """Why an outcome (any of the three) cannot be recorded as things stand, and which answer that
    is about (the end date, the terms, or the teacher as a whole: None); None if it can be."""
    return _problem_with(
        open_period_with(body, teacher),
        body=body,
        teacher=teacher,
        finished_on=finished_on,
        number_of_terms=number_of_terms,
    )


def outcome_problem(
    *, body: AppropriateBody, teacher: Teacher, finished_on: datetime.date, number_of_terms
) -> str | None:
    """Why an outcome (any of the three) cannot be recorded as things stand, in words; None if it can."""
    problem = why_outcome_cannot_be_recorded(
        body=body, teacher=teacher, finished_on=finished_on, number_of_terms=number_of_terms
    )
    return problem.message if problem else None


def _problem_with(
    period: InductionPeriod | None,
    *,
    body: AppropriateBody,
    teacher: Teacher,
    finished_on: datetime.date,
    number_of_terms,
) -> Problem | None:
    """Why the outcome cannot close `period` (the teacher's open one with `body`, if any)."""
    if period is None:
        return Problem(
            f"{teacher.full_name} has no open induction period with {body.name}", reason=NO_OPEN_PERIOD
        )
    too_early_or_late = end_date_problem(period, finished_on, today=clock.today())
    if too_early_or_late:
        return Problem(too_early_or_late, about="finished_on")
    terms = terms_problem(number_of_terms, least=Decimal(0))
    return Problem(terms, about="number_of_terms") if terms else None


@transaction.atomic
def record_outcome(
    *,
    body: AppropriateBody,
    teacher: Teacher,
    outcome: str,
    finished_on: datetime.date,
    number_of_terms,
    recorded_by: User,
    told_of_appeal: bool = False,
) -> InductionPeriod:
    """Close the teacher's open induction period with `body` on `finished_on` after `number_of_terms`
    terms, with `outcome` "pass", "fail" (only when `told_of_appeal`: the ECT has been told of their
    right to appeal) or "release". Raises CannotRecordOutcome, with nothing changed.

    One transaction, with the teacher's row locked first: so an outcome and a claim, another
    outcome or a school's leaving report for the same teacher run one after the other."""
    locked = Teacher.objects.select_for_update().get(pk=teacher.pk)
    _refuse(body=body, teacher=locked, outcome=outcome, told_of_appeal=told_of_appeal)
    open_period = _locked_open_period(body, locked)
    problem = _problem_with(
        open_period, body=body, teacher=locked, finished_on=finished_on, number_of_terms=number_of_terms
    )
    if problem:
        raise CannotRecordOutcome.of(problem)
    actor = Actor.appropriate_body_user(recorded_by)
    period = _close_period(
        open_period,
        outcome=outcome,
        finished_on=finished_on,
        number_of_terms=as_terms(number_of_terms),
    )
    if outcome in ENDS_INDUCTION:
        finish_ect_time_as_induction_ends(
            teacher=locked, last_day=clock.today(), actor=actor, outcome_words=IN_WORDS[outcome]
        )
    queue_trs_induction_of(teacher=locked)  # decision 0026: from the first start, any body's or TRS's
    _record(period, actor=actor, outcome=outcome, told_of_appeal=told_of_appeal)
    return period


def _locked_open_period(body: AppropriateBody, teacher: Teacher) -> InductionPeriod | None:
    """The teacher's open period with the body, read once, locked, once the teacher is."""
    return (
        InductionPeriod.objects.select_for_update()
        .filter(teacher=teacher, appropriate_body=body, finished_on__isnull=True)
        .first()
    )


def _refuse(*, body: AppropriateBody, teacher: Teacher, outcome: str, told_of_appeal: bool) -> None:
    if outcome not in OUTCOMES:
        raise CannotRecordOutcome("The outcome must be pass, fail or release")
    if outcome == FAIL and not told_of_appeal:
        raise CannotRecordOutcome(
            f"Confirm that {teacher.full_name} has been told of their right to appeal before recording a fail"
        )


def _close_period(
    period: InductionPeriod, *, outcome: str, finished_on: datetime.date, number_of_terms: Decimal
) -> InductionPeriod:
    period.finished_on = finished_on
    period.number_of_terms = number_of_terms
    period.outcome = PERIOD_OUTCOME[outcome]
    period.save(update_fields=["finished_on", "number_of_terms", "outcome", "updated_at"])
    return period


def _record(period: InductionPeriod, *, actor: Actor, outcome: str, told_of_appeal: bool) -> None:
    teacher, body = period.teacher, period.appropriate_body
    ended = f"after {period.number_of_terms} terms, on {_day(period.finished_on)}"
    heading = (
        f"{body.name} released {teacher.full_name}: their induction period ended {ended}"
        if outcome == RELEASE
        else f"{teacher.full_name} {IN_WORDS[outcome]} their induction with {body.name}, {ended}"
    )
    record_event(
        actor=actor,
        event_type=f"induction_{IN_WORDS[outcome]}",
        heading=_heading(heading),
        subject=period,
        teacher=teacher,
        appropriate_body=body,
        changes={
            "finished_on": [None, period.finished_on.isoformat()],
            "number_of_terms": [None, str(period.number_of_terms)],
            **({"outcome": ["", period.outcome]} if period.outcome else {}),
        },
        reason="They have been told of their right to appeal." if told_of_appeal and outcome == FAIL else "",
    )
