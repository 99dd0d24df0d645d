"""Helpers for the tests of induction writes to TRS (participants.services.trs_writes)."""

import datetime

import pytest

from ecf.celery import app as celery_app
from participants.models import Teacher
from participants.services.trs_writes import SEND_TRS_INDUCTION_UPDATE_TASK
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.emails.conftest import broker_at, closed_port
from tests.factories import TeacherFactory

STARTED = datetime.date(LAST_YEAR, 9, 1)
COMPLETED = datetime.date(THIS_YEAR, 7, 18)


def teacher(trn: str = "9990001") -> Teacher:
    """A teacher of ours whose TRN the fake TRS knows (9990001: induction in progress there)."""
    return TeacherFactory(trn=trn)


@pytest.fixture
def queued_updates(monkeypatch):
    """The ids of the updates a send task was queued for, instead of queuing them on Redis."""
    queued = []

    def record(name, args=None, kwargs=None, **options):
        assert name == SEND_TRS_INDUCTION_UPDATE_TASK
        queued.append(args[0])

    monkeypatch.setattr(celery_app, "send_task", record)
    return queued


@pytest.fixture
def broker_unreachable():
    """A context manager: inside it the Celery app's broker is a closed port (Redis is down)."""
    return lambda: broker_at(f"redis://127.0.0.1:{closed_port()}/0")
