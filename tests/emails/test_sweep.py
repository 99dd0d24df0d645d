"""The sweep queues pending emails whose task was lost, and nothing else."""

from datetime import timedelta

import pytest

from core import clock
from emails.models import Email
from emails.services import enqueue_due_emails, queue_email
from tests.emails.conftest import PERSONALISATION

pytestmark = pytest.mark.django_db


def email(status="pending", due_seconds_ago=60, **fields) -> Email:
    email = queue_email(
        to="ada@example.com", template="sign_in_link", personalisation=PERSONALISATION["sign_in_link"]
    )
    if status == "sent":
        fields.update(sent_at=clock.now(), provider_reference="notify-id", attempts=1)
    Email.objects.filter(pk=email.pk).update(
        status=status, next_attempt_at=clock.now() - timedelta(seconds=due_seconds_ago), **fields
    )
    return email


def test_it_queues_pending_emails_past_their_grace_period_and_nothing_else(queued_tasks, settings):
    settings.EMAIL_SWEEP_GRACE_SECONDS = 30
    lost = email(due_seconds_ago=31)
    retry_lost = email(due_seconds_ago=45, attempts=2, last_error="Attempt 2: 500")
    email(due_seconds_ago=5)  # just committed: its own task is on its way
    email(due_seconds_ago=-16)  # waiting for its retry's backoff
    email(status="sent")
    email(status="failed", attempts=8)
    queued_tasks.clear()  # the tasks queue_email queued

    assert enqueue_due_emails() == 2

    assert sorted(queued_tasks) == sorted([str(lost.id), str(retry_lost.id)])


def test_an_email_the_sweep_queued_is_not_queued_again_at_once(queued_tasks):
    email()
    queued_tasks.clear()
    assert enqueue_due_emails() == 1

    assert enqueue_due_emails() == 0
    assert len(queued_tasks) == 1


def test_it_works_in_batches_oldest_first(queued_tasks, settings):
    settings.EMAIL_SWEEP_BATCH_SIZE = 2
    oldest, older, _old = email(due_seconds_ago=300), email(due_seconds_ago=200), email(due_seconds_ago=100)
    queued_tasks.clear()

    assert enqueue_due_emails() == 2
    assert queued_tasks == [str(oldest.id), str(older.id)]
    assert enqueue_due_emails() == 1


def test_with_redis_down_the_sweep_stops_quietly_and_tries_again_next_time(broker_unreachable):
    lost = email()
    with broker_unreachable():
        assert enqueue_due_emails() == 0
    lost.refresh_from_db()
    assert lost.next_attempt_at < clock.now()  # still due for the next sweep
