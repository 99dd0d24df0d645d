"""An outcome reaches TRS exactly once, through the outbox and a real worker, including when Redis
is stopped while it is recorded and started again afterwards (decision 0023's sweep)."""

import datetime
import shutil
import time

import pytest
import requests

from appropriate_bodies.services.outcomes import record_outcome
from participants.models import TRSInductionUpdate
from participants.tasks import send_pending_trs_induction_updates
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.emails.conftest import broker_at, closed_port, running_worker
from tests.factories import AppropriateBodyFactory, InductionPeriodFactory, TeacherFactory, UserFactory
from tests.participants.test_trs_induction_worker import redis_server, wait_for_status

pytestmark = pytest.mark.django_db(transaction=True)

STARTED = datetime.date(LAST_YEAR, 9, 1)
ENDED = datetime.date(THIS_YEAR, 7, 18)


def writes_shown_by(fake_trs) -> list[dict]:
    return requests.get(f"{fake_trs.url}/_fake/induction-writes", timeout=5).json()["writes"]


def passed(outcome="pass", **more):
    """Amara (whose TRN the fake TRS knows, induction in progress) passes with her body: committed."""
    body = AppropriateBodyFactory()
    teacher = TeacherFactory(trn="9990001", trs_first_name="Amara", trs_last_name="Okafor")
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=STARTED)
    record_outcome(
        body=body,
        teacher=teacher,
        outcome=outcome,
        finished_on=ENDED,
        number_of_terms=6,
        recorded_by=UserFactory(),
        **more,
    )
    return TRSInductionUpdate.objects.get(teacher=teacher)


@pytest.mark.parametrize(
    ("outcome", "more", "status"),
    [("pass", {}, "Passed"), ("fail", {"told_of_appeal": True}, "Failed"), ("release", {}, "InProgress")],
)
def test_each_outcome_reaches_trs_once(fake_trs, outcome, more, status):
    with running_worker():
        update = passed(outcome, **more)
        wait_for_status(update, TRSInductionUpdate.Status.SENT)
        send_pending_trs_induction_updates.delay()  # a sweep finds nothing more to send
        time.sleep(0.5)  # long enough for a duplicate to show up, were there one
    writes = writes_shown_by(fake_trs)
    assert [(write["trn"], write["body"]["status"], write["status"]) for write in writes] == [
        ("9990001", status, 204)
    ]
    assert writes[0]["body"]["startDate"] == STARTED.isoformat()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_stopped_during_the_outcome_and_started_again_trs_is_told_once(fake_trs, settings):
    port = closed_port()
    settings.TRS_WRITE_SWEEP_GRACE_SECONDS = 0
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        update = passed()  # Redis is not running: the outcome commits all the same, and waits
        assert send_pending_trs_induction_updates.apply().get() == 0  # nor can the sweep queue it
        update.refresh_from_db()
        assert update.status == TRSInductionUpdate.Status.PENDING
        assert writes_shown_by(fake_trs) == []
        with redis_server(port), running_worker():  # Redis started: the sweep queues it, sent once
            send_pending_trs_induction_updates.delay()
            wait_for_status(update, TRSInductionUpdate.Status.SENT)
            send_pending_trs_induction_updates.delay()  # a second sweep finds nothing to send
            time.sleep(0.5)
    assert writes_shown_by(fake_trs) == [{"trn": "9990001", "body": update.request, "status": 204}]
