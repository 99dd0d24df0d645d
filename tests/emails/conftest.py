"""Fixtures for the email tests: the fake GOV.UK Notify, a real Celery worker on the real Redis,
a broker that cannot be reached, and a recorder of the tasks queued."""

import contextlib
import socket

import pytest
from celery.contrib.testing.worker import start_worker

from ecf.celery import app as celery_app
from emails.tasks import send_email
from tests.dates import THIS_YEAR

PERSONALISATION = {
    "sign_in_link": {
        "full_name": "Ada Lovelace",
        "sign_in_url": "http://127.0.0.1:8000/sign-in/link/abc123",
        "expires_in": "60 minutes",
    },
    "nomination_link": {
        "school_name": "Analytical Engine Primary School",
        "nomination_url": "http://127.0.0.1:8000/nominate/xyz789",
        "expires_on": f"14 December {THIS_YEAR}",
    },
    "induction_tutor_nominated": {
        "full_name": "Ada Lovelace",
        "school_name": "Analytical Engine Primary School",
        "sign_in_url": "http://127.0.0.1:8000/sign-in",
    },
    "induction_tutor_replaced": {
        "full_name": "Charles Babbage",
        "school_name": "Analytical Engine Primary School",
    },
    "colleague_added": {
        "full_name": "Mary Somerville",
        "school_name": "Analytical Engine Primary School",
        "added_by": "Ada Lovelace",
        "sign_in_url": "http://127.0.0.1:8000/sign-in",
    },
    "appropriate_body_access_given": {
        "full_name": "Mary Somerville",
        "appropriate_body_name": "Riverside Teaching School Hub",
        "sign_in_url": "http://127.0.0.1:8000/sign-in",
    },
    "school_left_lead_provider": {
        "lead_provider_name": "Ambition Institute",
        "school_name": "Analytical Engine Primary School",
        "urn": "100000",
        "academic_year": f"{THIS_YEAR} to {THIS_YEAR + 1}",
        "now_runs": "deliver its own programme",
    },
    "ect_registered": {
        "full_name": "Mary Anning",
        "school_name": "Analytical Engine Primary School",
        "start_date": f"1 September {THIS_YEAR}",
        "training": "Your school has chosen Ambition Institute to provide your training.",
    },
    "participant_transferred": {
        "lead_provider_name": "Ambition Institute",
        "moving": "Mary Anning (TRN 1234567) is moving from Lyme Regis Primary to Analytical Engine Primary School",
        "what_happens": f"They will carry on training with you from 1 January {THIS_YEAR + 1}.",
    },
    "partnership_confirmed": {
        "school_name": "Lyme Regis Primary",
        "lead_provider_name": "Ambition Institute",
        "delivery_partner_name": "Jurassic Coast Teaching Hub",
        "academic_year": f"{THIS_YEAR} to {THIS_YEAR + 1}",
    },
    "partnership_changed": {
        "school_name": "Lyme Regis Primary",
        "lead_provider_name": "Ambition Institute",
        "delivery_partner_name": "Wessex Teaching Hub",
        "academic_year": f"{THIS_YEAR} to {THIS_YEAR + 1}",
    },
    "ect_moved_school": {
        "school_name": "Lyme Regis Primary",
        "full_name": "Mary Anning",
        "new_school_name": "Analytical Engine Primary School",
        "what_happens": f"Their last day at Lyme Regis Primary is 31 December {THIS_YEAR}.",
    },
    "mentor_registered": {
        "full_name": "Charles Darwin",
        "school_name": "Analytical Engine Primary School",
        "start_date": f"1 September {THIS_YEAR}",
        "training": "Your school has chosen Ambition Institute to provide your mentor training.",
        "mentoring": "You will mentor Mary Anning.",
    },
}


def reset_broker_connections() -> None:
    """Make the app look its broker pools up again, so the next task goes to app.conf.broker_url.

    (kombu keeps one pool per broker URL for the whole process, so nothing is closed here: the
    real broker's pool is found again when the URL is put back.)"""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_at(url: str):
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    reset_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        reset_broker_connections()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_unreachable():
    """A context manager: inside it the Celery app's broker is a closed port (Redis is down)."""
    return lambda: broker_at(f"redis://127.0.0.1:{closed_port()}/0")


def purge_test_queue() -> None:
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_app.conf.task_default_queue)


@contextlib.contextmanager
def running_worker():
    """A real Celery worker in a thread of this process, consuming the real Redis.

    Use it in a `transaction=True` test: its tasks run on their own database connection, which
    sees only committed rows. The test queue is emptied first, so tasks left by other tests
    (whose rows are gone) do not run.
    """
    purge_test_queue()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def queued_tasks(monkeypatch):
    """The ids of the emails a send_email task was queued for, instead of queuing them on Redis."""
    queued = []

    def record(name, args=None, kwargs=None, **options):
        assert name == send_email.name  # the task the worker runs
        queued.append(args[0])

    monkeypatch.setattr(celery_app, "send_task", record)
    return queued
