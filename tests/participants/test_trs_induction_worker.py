"""Induction writes end to end: a real Celery worker on the real Redis sending to the fake TRS over
HTTP, with Redis down at commit, and attempts racing. Each write must reach TRS exactly once.

The worker runs in a thread of this process on its own database connection, so these tests are
transactional: it sees only what was committed.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
import requests
from django.db import connections, transaction

from participants.models import InductionStatus, TRSInductionUpdate
from participants.services import queue_trs_induction_update, send_trs_induction_update_now
from participants.tasks import send_pending_trs_induction_updates
from tests.emails.conftest import broker_at, closed_port, running_worker
from tests.participants.trs_writes import COMPLETED, STARTED, teacher

pytestmark = pytest.mark.django_db(transaction=True)


def outcome_committed(who, status=InductionStatus.PASSED) -> TRSInductionUpdate:
    with transaction.atomic():
        return queue_trs_induction_update(
            teacher=who,
            status=status,
            started_on=STARTED,
            completed_on=None if status == InductionStatus.IN_PROGRESS else COMPLETED,
        )


def wait_for_status(update, status, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        update.refresh_from_db()
        if update.status == status:
            return update
        time.sleep(0.05)
    raise AssertionError(f"the update is {update.status}, not {status}, after {timeout}s")


def writes_shown_by(fake_trs) -> list[dict]:
    return requests.get(f"{fake_trs.url}/_fake/induction-writes", timeout=5).json()["writes"]


def test_a_committed_outcome_reaches_trs_exactly_once(fake_trs):
    with running_worker():
        update = outcome_committed(teacher())
        wait_for_status(update, TRSInductionUpdate.Status.SENT)
        time.sleep(0.5)  # long enough for a duplicate to show up, were there one

    assert writes_shown_by(fake_trs) == [{"trn": "9990001", "body": update.request, "status": 204}]


def test_the_worker_retries_while_trs_is_down_then_sends_once(fake_trs, settings):
    settings.TRS_WRITE_RETRY_MAX_DELAY = 1  # keep the backoff short
    fake_trs.fail_next(2, status=503)

    with running_worker():
        update = outcome_committed(teacher())
        wait_for_status(update, TRSInductionUpdate.Status.SENT, timeout=15)

    assert [write["status"] for write in writes_shown_by(fake_trs)] == [503, 503, 204]


def test_with_redis_down_during_the_outcome_trs_is_told_once_when_redis_is_back(
    fake_trs, settings, broker_unreachable
):
    with broker_unreachable():
        started = time.monotonic()
        update = outcome_committed(teacher())  # the task cannot be queued: no exception, no waiting
        took = time.monotonic() - started
    assert took < 1.5
    update.refresh_from_db()
    assert update.status == TRSInductionUpdate.Status.PENDING
    assert writes_shown_by(fake_trs) == []

    # Redis is back. The sweep (every minute, for updates pending over 30 seconds) finds it.
    settings.TRS_WRITE_SWEEP_GRACE_SECONDS = 0
    with running_worker():
        send_pending_trs_induction_updates.delay()
        wait_for_status(update, TRSInductionUpdate.Status.SENT)
        send_pending_trs_induction_updates.delay()  # a second sweep finds nothing to send
        time.sleep(0.5)

    assert writes_shown_by(fake_trs) == [{"trn": "9990001", "body": update.request, "status": 204}]


def test_a_teachers_claim_and_outcome_reach_trs_in_order(fake_trs):
    who = teacher("9990002")
    fake_trs.delay_next(0.3)  # the claim is slow to answer, so the outcome's task must wait for it
    with running_worker():
        with transaction.atomic():
            claim = queue_trs_induction_update(
                teacher=who, status=InductionStatus.IN_PROGRESS, started_on=STARTED, completed_on=None
            )
            outcome = queue_trs_induction_update(
                teacher=who, status=InductionStatus.PASSED, started_on=STARTED, completed_on=COMPLETED
            )
        wait_for_status(outcome, TRSInductionUpdate.Status.SENT)
        wait_for_status(claim, TRSInductionUpdate.Status.SENT)
        time.sleep(0.3)

    assert [(write["body"]["status"], write["status"]) for write in writes_shown_by(fake_trs)] == [
        ("InProgress", 204),
        ("Passed", 204),
    ]


def test_attempts_racing_for_one_update_send_it_once(fake_trs):
    update = outcome_committed(teacher())
    fake_trs.delay_next(0.5)  # the first attempt holds the row's lock while TRS answers
    outcomes = []

    def attempt():
        try:
            outcomes.append(send_trs_induction_update_now(update_id=update.id).outcome.value)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(writes_shown_by(fake_trs)) == 1


@contextlib.contextmanager
def redis_server(port: int):
    """A redis-server of this test's own on `port`, stopped when the block ends."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # On the real clock: under `bin/dev test --today` libfaketime stops this redis-server from
        # starting, and a broker's clock does not matter to what is tested here.
        env={name: value for name, value in os.environ.items() if name not in ("LD_PRELOAD", "FAKETIME")},
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_stopped_during_the_outcome_and_started_again_trs_is_told_once(fake_trs, settings):
    port = closed_port()
    settings.TRS_WRITE_SWEEP_GRACE_SECONDS = 0
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        with redis_server(port), running_worker():
            claim = outcome_committed(teacher(), status=InductionStatus.IN_PROGRESS)
            wait_for_status(claim, TRSInductionUpdate.Status.SENT)
        # Redis has stopped: the outcome commits all the same, and stays pending.
        outcome = outcome_committed(claim.teacher)
        assert send_pending_trs_induction_updates.apply().get() == 0  # the sweep cannot queue it either
        outcome.refresh_from_db()
        assert outcome.status == TRSInductionUpdate.Status.PENDING
        # Redis is started again (empty): the sweep queues the outcome and the worker sends it once.
        with redis_server(port), running_worker():
            send_pending_trs_induction_updates.delay()
            wait_for_status(outcome, TRSInductionUpdate.Status.SENT)
            send_pending_trs_induction_updates.delay()  # a second sweep finds nothing to send
            time.sleep(0.5)

    assert [(write["body"]["status"], write["status"]) for write in writes_shown_by(fake_trs)] == [
        ("InProgress", 204),
        ("Passed", 204),
    ]
