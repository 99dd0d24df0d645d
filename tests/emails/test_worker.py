"""The whole path with a real Celery worker consuming the real Redis, and with Redis down.

The worker runs in a thread of this process on its own database connection, so these tests are
transactional: it sees only what was committed.
"""

import time

import pytest
from django.db import transaction

from emails.models import Email
from emails.services import queue_email
from emails.tasks import send_pending_emails
from tests.emails.conftest import PERSONALISATION, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def queue_committed(template="sign_in_link", to="ada@example.com") -> Email:
    with transaction.atomic():
        return queue_email(to=to, template=template, personalisation=PERSONALISATION[template])


def wait_for_status(email: Email, status: str, timeout: float = 10.0) -> Email:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return email
        time.sleep(0.05)
    raise AssertionError(f"the email is {email.status}, not {status}, after {timeout}s")


def test_a_committed_email_is_sent_by_the_worker_exactly_once(fake_notify, settings):
    with running_worker():
        email = queue_committed("induction_tutor_nominated", to="ada@example.com")

        [sent] = fake_notify.wait_for_sent(1)
        wait_for_status(email, Email.Status.SENT)
        time.sleep(0.5)  # long enough for a duplicate to show up, were there one

    assert len(fake_notify.requests) == 1
    assert sent.email_address == "ada@example.com"
    assert sent.template_id == settings.NOTIFY_TEMPLATE_IDS["induction_tutor_nominated"]
    assert sent.personalisation == PERSONALISATION["induction_tutor_nominated"]
    assert sent.reference == str(email.id)
    assert email.provider_reference == sent.id


def test_the_worker_retries_after_notify_fails_and_then_sends_once(fake_notify, settings):
    settings.EMAIL_RETRY_MAX_DELAY = 1  # keep the backoff short
    fake_notify.fail_next(2)

    with running_worker():
        email = queue_committed()
        fake_notify.wait_for_sent(1, timeout=15)
        wait_for_status(email, Email.Status.SENT)

    assert [request.status for request in fake_notify.requests] == [500, 500, 201]
    assert email.attempts == 3


def test_with_redis_down_queuing_returns_at_once_and_the_sweep_sends_the_email_later(
    fake_notify, settings, broker_unreachable
):
    with broker_unreachable():
        started = time.monotonic()
        email = queue_committed()  # the task cannot be queued: no exception, no waiting
        took = time.monotonic() - started

    assert took < 1.5
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING
    assert fake_notify.requests == []

    # Redis is back. The sweep (normally every minute, for emails pending over 30 seconds) finds it.
    settings.EMAIL_SWEEP_GRACE_SECONDS = 0
    with running_worker():
        send_pending_emails.delay()
        fake_notify.wait_for_sent(1)
        wait_for_status(email, Email.Status.SENT)
        send_pending_emails.delay()  # a second sweep finds nothing to send
        time.sleep(0.5)

    assert len(fake_notify.requests) == 1
