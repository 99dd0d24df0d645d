"""The outbox of induction writes to TRS: queued with the change, sent once after commit through
the real client to the fake TRS, retried while TRS is unavailable, a refusal kept as a problem,
the sweep sending what Redis lost, and one teacher's updates sent oldest first.

Tasks run with Celery's `apply()`, here and now (retries at once); test_trs_induction_worker.py
runs a real worker on the real Redis.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from core import clock
from ecf.celery import app as celery_app
from participants.models import InductionStatus, TRSInductionUpdate
from participants.services import (
    enqueue_due_trs_updates,
    queue_trs_induction_update,
    send_trs_induction_update_now,
)
from participants.services.trs_writes import Outcome
from participants.tasks import send_pending_trs_induction_updates, send_trs_induction_update
from tests.participants.trs_writes import COMPLETED, STARTED, teacher

pytestmark = pytest.mark.django_db


def passed(who=None, **dates) -> TRSInductionUpdate:
    return queue_trs_induction_update(
        teacher=who or teacher(),
        status=InductionStatus.PASSED,
        started_on=dates.get("started_on", STARTED),
        completed_on=dates.get("completed_on", COMPLETED),
    )


def refreshed(update):
    update.refresh_from_db()
    return update


# Queuing


def test_the_update_is_written_with_the_change_and_queued_only_after_commit(queued_updates):
    with transaction.atomic():
        update = passed()
        assert queued_updates == []
    # pytest-django's test transaction: on_commit callbacks run when asked.
    assert update.status == TRSInductionUpdate.Status.PENDING
    assert update.trn == "9990001"
    assert update.request == {
        "status": "Passed",
        "startDate": STARTED.isoformat(),
        "completedDate": COMPLETED.isoformat(),
        "cpdModifiedOn": update.created_at.isoformat(),
    }


def test_queued_after_commit_and_not_at_all_after_a_rollback(
    queued_updates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update = passed()
    assert queued_updates == [str(update.id)]

    who = teacher("9990002")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_trs_induction_update(
            teacher=who, status=InductionStatus.IN_PROGRESS, started_on=STARTED, completed_on=None
        )
        raise RuntimeError("the claim was refused")
    assert callbacks == []
    assert not TRSInductionUpdate.objects.filter(teacher=who).exists()


def test_with_redis_down_queuing_does_not_fail_the_change(
    broker_unreachable, django_capture_on_commit_callbacks
):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        update = passed()
    assert refreshed(update).status == TRSInductionUpdate.Status.PENDING


def test_a_teachers_updates_queued_at_the_same_instant_still_have_an_order(queued_updates):
    who = teacher()
    with time_machine.travel(clock.now(), tick=False):  # the clock stands still
        first, second = passed(who), passed(who)
    assert first.created_at < second.created_at
    assert first.request["cpdModifiedOn"] < second.request["cpdModifiedOn"]


# Sending


def test_an_update_is_sent_once_and_trs_answer_kept(fake_trs, queued_updates):
    update = passed()

    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "sent"
    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "skipped"

    [write] = fake_trs.induction_writes
    assert (write.trn, write.body, write.status) == ("9990001", update.request, 204)
    update = refreshed(update)
    assert update.status == TRSInductionUpdate.Status.SENT
    assert update.response == {"status": 204}
    assert update.attempts == 1
    assert clock.now() - update.sent_at < timedelta(seconds=10)


def test_trs_unavailable_is_retried_with_backoff_then_sent(fake_trs, queued_updates):
    fake_trs.fail_next(2, status=503)
    update = passed()

    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "sent"

    assert [write.status for write in fake_trs.induction_writes] == [503, 503, 204]
    update = refreshed(update)
    assert update.attempts == 3
    assert update.status == TRSInductionUpdate.Status.SENT
    assert update.last_error == "Attempt 2: TRS answered 503"


def test_each_failed_attempt_is_committed_with_its_backoff(fake_trs, queued_updates):
    fake_trs.fail_next(1, status=500)
    update = passed()

    attempt = send_trs_induction_update_now(update_id=update.id)

    assert attempt.outcome == Outcome.RETRY and attempt.retry_in == 2
    update = refreshed(update)
    assert update.status == TRSInductionUpdate.Status.PENDING
    assert update.next_attempt_at - clock.now() > timedelta(seconds=1)
    assert update.response == {"status": 500, "error": "TRS answered 500"}


def test_after_too_many_attempts_it_is_failed_a_problem_for_support(fake_trs, settings, queued_updates):
    settings.TRS_WRITE_MAX_ATTEMPTS = 3
    fake_trs.fail_next(5, status=502)
    update = passed()

    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "failed"

    assert len(fake_trs.induction_writes) == 3
    assert refreshed(update).status == TRSInductionUpdate.Status.FAILED


def test_a_refusal_is_recorded_with_trs_answer_and_never_retried(fake_trs, queued_updates):
    update = queue_trs_induction_update(
        teacher=teacher("9990006"),  # TRS has them Passed already
        status=InductionStatus.FAILED,
        started_on=STARTED,
        completed_on=COMPLETED,
    )

    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "refused"
    assert send_trs_induction_update.apply(args=[str(update.id)]).get() == "skipped"

    assert len(fake_trs.induction_writes) == 1
    update = refreshed(update)
    assert update.status == TRSInductionUpdate.Status.REFUSED
    assert update.response["status"] == 400
    assert update.response["body"]["errorCode"] == 10052
    assert "already completed" in update.last_error
    assert enqueue_due_trs_updates(grace_seconds=0) == 0  # the sweep leaves it alone too


# One teacher's updates in order


def test_a_newer_update_waits_for_an_older_pending_one_and_is_queued_when_it_is_answered(
    fake_trs, queued_updates, django_capture_on_commit_callbacks
):
    who = teacher("9990002")
    claim = queue_trs_induction_update(
        teacher=who, status=InductionStatus.IN_PROGRESS, started_on=STARTED, completed_on=None
    )
    outcome = passed(who)
    other = passed(teacher("9990014"))  # another teacher's update does not wait

    assert send_trs_induction_update_now(update_id=outcome.id).outcome == Outcome.WAITING
    assert send_trs_induction_update_now(update_id=other.id).outcome == Outcome.SENT
    assert fake_trs.writes_for("9990002") == []

    queued_updates.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_trs_induction_update_now(update_id=claim.id).outcome == Outcome.SENT
    assert queued_updates == [str(outcome.id)]  # the claim's answer queues the outcome
    assert send_trs_induction_update_now(update_id=outcome.id).outcome == Outcome.SENT

    assert [write.body["status"] for write in fake_trs.writes_for("9990002")] == ["InProgress", "Passed"]


def test_a_failed_older_update_holds_back_newer_ones_but_a_refused_one_does_not(fake_trs, queued_updates):
    who = teacher("9990002")
    older, newer = passed(who), passed(who)
    TRSInductionUpdate.objects.filter(pk=older.pk).update(
        status="failed", attempts=10, response={"status": 503}
    )
    assert send_trs_induction_update_now(update_id=newer.id).outcome == Outcome.WAITING

    TRSInductionUpdate.objects.filter(pk=older.pk).update(status="refused")
    assert send_trs_induction_update_now(update_id=newer.id).outcome == Outcome.SENT


# The sweep


def due(update, seconds_ago=60):
    TRSInductionUpdate.objects.filter(pk=update.pk).update(
        next_attempt_at=clock.now() - timedelta(seconds=seconds_ago)
    )


def test_the_sweep_queues_pending_updates_past_their_grace_and_nothing_else(queued_updates, settings):
    settings.TRS_WRITE_SWEEP_GRACE_SECONDS = 30
    lost = passed(teacher("9990001"))
    due(lost, 31)
    just_queued = passed(teacher("9990002"))
    due(just_queued, 5)
    answered = passed(teacher("9990014"))
    TRSInductionUpdate.objects.filter(pk=answered.pk).update(
        status="sent",
        sent_at=clock.now(),
        attempts=1,
        response={"status": 204},
        next_attempt_at=clock.now() - timedelta(hours=1),
    )
    queued_updates.clear()

    assert enqueue_due_trs_updates() == 1
    assert queued_updates == [str(lost.id)]
    assert enqueue_due_trs_updates() == 0  # left alone for its lease


def test_the_sweep_sends_what_redis_lost_once(
    fake_trs, broker_unreachable, django_capture_on_commit_callbacks, settings
):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        update = passed()
    assert fake_trs.induction_writes == []

    settings.TRS_WRITE_SWEEP_GRACE_SECONDS = 0
    swept = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(celery_app, "send_task", lambda name, args=None, **options: swept.append(args[0]))
        assert send_pending_trs_induction_updates.apply().get() == 1
        assert send_pending_trs_induction_updates.apply().get() == 0
    for update_id in swept:  # as the worker would run them
        send_trs_induction_update.apply(args=[update_id])

    assert [write.status for write in fake_trs.induction_writes] == [204]
    assert refreshed(update).status == TRSInductionUpdate.Status.SENT


def test_with_redis_down_the_sweep_stops_quietly_and_tries_again_next_time(broker_unreachable):
    lost = passed()
    due(lost)
    with broker_unreachable():
        assert enqueue_due_trs_updates() == 0
    assert refreshed(lost).next_attempt_at < clock.now()


# Invariants in the database


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "lost"},
        {"status": "sent"},  # no sent time, no attempt, no answer
        {"sent_at": clock.now},  # a sent time while pending
        {"status": "refused", "attempts": 1},  # no answer
        {"status": "failed", "response": {"status": 503}},  # no attempt
        {"trn": "12345"},
    ],
)
def test_the_database_refuses_an_impossible_update(queued_updates, fields):
    update = passed()
    fields = {name: value() if callable(value) else value for name, value in fields.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        TRSInductionUpdate.objects.filter(pk=update.pk).update(**fields)
