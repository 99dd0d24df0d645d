"""Induction writes to the Teaching Record System through an outbox, as emails go (decision 0023).

A claim, outcome or release calls `queue_trs_induction_update` inside its own transaction: the
`TRSInductionUpdate` row commits (or rolls back) with it, and after commit a Celery task sends it.

- Never lost: the row stays pending until TRS has answered; a task lost on the way (Redis down at
  commit, a worker killed) is replaced by the sweep (`enqueue_due_trs_updates`, every minute).
- Never twice by us: each attempt holds the row's lock (SKIP LOCKED) from reading its status to
  recording TRS's answer, so two tasks for one update cannot both send it. As with email, a worker
  dying after TRS took a write but before its commit leaves it pending and it goes again; TRS takes
  the same write twice as one (the same status and dates), so that does no harm.
- In order per teacher: an update is not sent while an older one of the same teacher is pending
  or failed; when one is answered, the next of that teacher is queued. TRS also refuses a write
  whose `cpdModifiedOn` is older than the last it took.
- TRSUnavailable is retried with backoff and, after TRS_WRITE_MAX_ATTEMPTS, marked failed;
  TRSRefused is marked refused at once with TRS's answer. Both are problems support sees in admin
  and may send again once put right.
"""

import enum
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction

from audit.services import Actor, record_event
from core import clock
from participants.models import (
    InductionOutcome,
    InductionPeriod,
    InductionStatus,
    Teacher,
    TRSInductionUpdate,
)
from participants.trs.client import TRSRefused, TRSUnavailable, induction_write, record_induction

logger = logging.getLogger(__name__)

# The worker's task (participants/tasks.py), asked for by name: tasks call into this module.
SEND_TRS_INDUCTION_UPDATE_TASK = "participants.tasks.send_trs_induction_update"


@dataclass(frozen=True)
class TRSInduction:
    """What TRS should hold of a teacher's induction, as we would write it."""

    status: InductionStatus
    started_on: date | None
    completed_on: date | None


def induction_for_trs(
    periods: Iterable[InductionPeriod], *, trs_started_on: date | None = None
) -> TRSInduction:
    """A teacher's induction as TRS should hold it, from all their induction periods and the start
    TRS held before any of them (`trs_started_on`, `Teacher.trs_induction_started_on`: their
    induction may have begun with a body before our service). The one rule claims, outcomes,
    releases and support's corrections all send by (decisions 0026, 0027):

    - a period released with no term served (say a claim made by mistake) does not count;
    - the start is the earliest of the counted periods' starts and TRS's start, so we never move
      TRS's start later;
    - passed or failed, from that start to the end of the period with the outcome, once a body
      recorded one;
    - in progress from that start while they have any period that counts, or TRS held a start;
    - otherwise required to complete, which TRS takes without dates.
    """
    counted = [
        period for period in periods if period.finished_on is None or period.number_of_terms or period.outcome
    ]
    starts = [period.started_on for period in counted] + ([trs_started_on] if trs_started_on else [])
    if not starts:
        return TRSInduction(InductionStatus.REQUIRED_TO_COMPLETE, None, None)
    first_start = min(starts)
    ended = sorted((period for period in counted if period.outcome), key=lambda period: period.finished_on)
    if ended:
        status = {
            InductionOutcome.PASS: InductionStatus.PASSED,
            InductionOutcome.FAIL: InductionStatus.FAILED,
        }
        return TRSInduction(status[ended[-1].outcome], first_start, ended[-1].finished_on)
    return TRSInduction(InductionStatus.IN_PROGRESS, first_start, None)


def induction_for_trs_of(teacher: Teacher) -> TRSInduction:
    """The teacher's induction as TRS should hold it now, from their periods and TRS's own start."""
    return induction_for_trs(teacher.induction_periods.all(), trs_started_on=teacher.trs_induction_started_on)


def queue_trs_induction_of(*, teacher: Teacher) -> TRSInductionUpdate:
    """Tell TRS the teacher's induction as all their periods, and the start TRS held before them,
    now say. Call after the write, in its transaction, holding the teacher's lock."""
    induction = induction_for_trs_of(teacher)
    return queue_trs_induction_update(
        teacher=teacher,
        status=induction.status,
        started_on=induction.started_on,
        completed_on=induction.completed_on,
    )


def queue_trs_induction_update(
    *, teacher: Teacher, status: InductionStatus, started_on: date | None, completed_on: date | None
) -> TRSInductionUpdate:
    """Write an induction update for TRS in the caller's transaction; after commit a task sends it.

    Raises ValueError for a status we do not write to TRS. If Redis cannot take the task, the
    caller never hears of it: the update stays pending and the sweep sends it.
    """
    # Strictly after the teacher's last update, so order (and TRS's cpdModifiedOn) never ties.
    last = teacher.trs_induction_updates.order_by("-created_at").values_list("created_at", flat=True).first()
    now = clock.now() if last is None else max(clock.now(), last + timedelta(microseconds=1))
    body = induction_write(status=status, started_on=started_on, completed_on=completed_on, modified_at=now)
    update = TRSInductionUpdate.objects.create(
        teacher=teacher, trn=teacher.trn, request=body, created_at=now, next_attempt_at=now
    )
    transaction.on_commit(partial(enqueue_send, update.id))
    return update


def enqueue_send(update_id: uuid.UUID) -> bool:
    """Ask Celery to send the update. Never raises: False (and a warning) when the broker is unreachable."""
    try:
        current_app.send_task(SEND_TRS_INDUCTION_UPDATE_TASK, args=[str(update_id)], retry=False)
    except Exception as error:  # whatever the broker raises, the update is safe in the outbox
        logger.warning(
            "Could not queue TRS induction update %s (the sweep will send it): %r", update_id, error
        )
        return False
    return True


class Outcome(enum.StrEnum):
    SENT = "sent"
    REFUSED = "refused"  # TRS said no: a problem for support
    RETRY = "retry"  # TRS unavailable; try again in `retry_in` seconds
    FAILED = "failed"  # given up after too many attempts: a problem for support
    WAITING = "waiting"  # an older update of the same teacher goes first; it queues this one when done
    SKIPPED = "skipped"  # not pending, gone, or another attempt holds it now


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: 2, 4, 8 … capped."""
    return min(2**attempts, settings.TRS_WRITE_RETRY_MAX_DELAY)


def send_trs_induction_update_now(*, update_id: uuid.UUID | str) -> Attempt:
    """Make one attempt to send a pending update to TRS, and record TRS's answer.

    The row stays locked from reading its status until the answer is committed, so an update
    that was sent (or is being sent by another task now) is skipped, never sent again.
    """
    with transaction.atomic():
        update = TRSInductionUpdate.objects.select_for_update(skip_locked=True).filter(pk=update_id).first()
        if update is None or update.status != TRSInductionUpdate.Status.PENDING:
            return Attempt(Outcome.SKIPPED)
        if _older_unanswered(update).exists():
            return Attempt(Outcome.WAITING)
        update.attempts += 1
        try:
            status_code = record_induction(trn=update.trn, body=update.request)
        except TRSRefused as refused:
            update.status = TRSInductionUpdate.Status.REFUSED
            update.last_error = f"Attempt {update.attempts}: {refused}"[:2000]
            update.response = {"status": refused.status_code, "body": refused.answer}
            update.save(update_fields=["status", "attempts", "last_error", "response"])
            logger.error("TRS induction update %s refused: %s", update.id, refused)
            _queue_next_of(update)
            return Attempt(Outcome.REFUSED)
        except TRSUnavailable as error:
            return _record_failure(update, error)

        update.status = TRSInductionUpdate.Status.SENT
        update.sent_at = clock.now()
        update.response = {"status": status_code}
        update.save(update_fields=["status", "sent_at", "attempts", "response"])
        logger.info("TRS induction update %s sent for TRN %s", update.id, update.trn)
        _queue_next_of(update)
        return Attempt(Outcome.SENT)


def _older_unanswered(update: TRSInductionUpdate):
    return TRSInductionUpdate.objects.filter(
        teacher_id=update.teacher_id,
        created_at__lt=update.created_at,
        status__in=[TRSInductionUpdate.Status.PENDING, TRSInductionUpdate.Status.FAILED],
    )


def _queue_next_of(update: TRSInductionUpdate) -> None:
    """After this update's answer commits, queue the teacher's next pending one, if any."""
    following = (
        TRSInductionUpdate.objects.filter(
            teacher_id=update.teacher_id,
            created_at__gt=update.created_at,
            status=TRSInductionUpdate.Status.PENDING,
        )
        .order_by("created_at")
        .values_list("id", flat=True)
        .first()
    )
    if following:
        transaction.on_commit(partial(enqueue_send, following))


def _record_failure(update: TRSInductionUpdate, error: TRSUnavailable) -> Attempt:
    """Record a failed attempt; it is committed even though the task goes on to retry."""
    give_up = update.attempts >= settings.TRS_WRITE_MAX_ATTEMPTS
    update.last_error = f"Attempt {update.attempts}: {error}"[:2000]
    delay = retry_delay(update.attempts)
    update.next_attempt_at = clock.now() + timedelta(seconds=delay)
    update.response = {"status": error.status_code, "error": str(error)}
    if give_up:
        update.status = TRSInductionUpdate.Status.FAILED
    update.save(update_fields=["attempts", "last_error", "next_attempt_at", "status", "response"])
    if give_up:
        logger.error(
            "TRS induction update %s failed after %s attempts: %s", update.id, update.attempts, error
        )
        return Attempt(Outcome.FAILED)
    logger.warning(
        "TRS induction update %s attempt %s failed, retrying in %ss: %s",
        update.id,
        update.attempts,
        delay,
        error,
    )
    return Attempt(Outcome.RETRY, retry_in=delay)


def enqueue_due_trs_updates(*, grace_seconds: int | None = None, batch_size: int | None = None) -> int:
    """The sweep: queue a task for each pending update well past its next attempt time.

    Such an update's task was lost (Redis was down at commit, or a worker died), or it waited for
    an older update whose answer queued it while Redis was down. Each one queued is left alone by
    the sweep for TRS_WRITE_SWEEP_LEASE_SECONDS. Returns how many were queued; stops early when
    the broker is unreachable.
    """
    grace = settings.TRS_WRITE_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    batch_size = batch_size or settings.TRS_WRITE_SWEEP_BATCH_SIZE
    due = list(
        TRSInductionUpdate.objects.filter(
            status=TRSInductionUpdate.Status.PENDING,
            next_attempt_at__lte=clock.now() - timedelta(seconds=grace),
        )
        .order_by("created_at")
        .values_list("id", flat=True)[:batch_size]
    )
    queued = []
    for update_id in due:
        if not enqueue_send(update_id):
            break
        queued.append(update_id)
    if queued:
        TRSInductionUpdate.objects.filter(pk__in=queued, status=TRSInductionUpdate.Status.PENDING).update(
            next_attempt_at=clock.now() + timedelta(seconds=settings.TRS_WRITE_SWEEP_LEASE_SECONDS)
        )
        logger.info("Sweep queued %s pending TRS induction updates", len(queued))
    return len(queued)


def send_trs_induction_updates_again(*, update_ids: Iterable[uuid.UUID], actor: Actor) -> int:
    """Put refused or failed updates back in the queue with fresh attempts (admin's "send again").

    Only refused and failed updates change: a sent or pending one is left alone, so this never
    sends twice. Each is an event on the teacher's timeline. Returns how many were queued again.
    """
    with transaction.atomic():
        problems = list(
            TRSInductionUpdate.objects.select_for_update()
            .filter(pk__in=list(update_ids), status__in=TRSInductionUpdate.PROBLEMS)
            .select_related("teacher")
            .order_by("created_at")
        )
        for update in problems:
            TRSInductionUpdate.objects.filter(pk=update.pk).update(
                status=TRSInductionUpdate.Status.PENDING, attempts=0, next_attempt_at=clock.now()
            )
            record_event(
                actor=actor,
                event_type="trs_induction_update_sent_again",
                heading=f"The induction update to TRS ({update.request.get('status')}) was queued to send again",
                teacher=update.teacher,
                changes={
                    "status": [update.status, TRSInductionUpdate.Status.PENDING],
                    "attempts": [update.attempts, 0],
                },
                reason=f"Sent again from admin after it was {update.status} ({update.last_error})"[:1000],
            )
            transaction.on_commit(partial(enqueue_send, update.pk))
    return len(problems)
