"""Sending an outbox email through the real GOV.UK Notify client to the fake Notify.

The task is run with Celery's `apply()`, which runs it here and now and runs its retries at once
(ignoring their countdown), so each outcome is deterministic. test_worker.py runs a real worker.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connections

from core import clock
from emails.models import Email
from emails.services import REMOVED, Outcome, queue_email, retry_delay, send_email_now
from emails.tasks import send_email
from tests.emails.conftest import PERSONALISATION
from tests.fakes.notify import FakeTemplate


def queue(template="sign_in_link", to="ada@example.com"):
    return queue_email(to=to, template=template, personalisation=PERSONALISATION[template])


def notify_id(settings, template: str) -> str:
    return settings.NOTIFY_TEMPLATE_IDS[template]


@pytest.mark.django_db
def test_an_email_is_sent_once_through_notify_and_marked_sent(fake_notify, settings, queued_tasks):
    email = queue("colleague_added", to="mary@example.com")

    result = send_email.apply(args=[str(email.id)])

    assert result.get() == "sent"
    [request] = fake_notify.requests
    assert request.status == 201
    assert request.body == {
        "email_address": "mary@example.com",
        "template_id": notify_id(settings, "colleague_added"),
        "personalisation": PERSONALISATION["colleague_added"],
        "reference": str(email.id),
    }
    [sent] = fake_notify.sent
    assert sent.subject == (
        "You have been given access to Analytical Engine Primary School on "
        "Manage training for early career teachers"
    )
    assert "Ada Lovelace has given you access to Analytical Engine Primary School" in sent.body
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert email.provider_reference == sent.id
    assert email.attempts == 1
    assert clock.now() - email.sent_at < timedelta(seconds=10)


@pytest.mark.django_db
def test_a_sent_email_is_never_sent_again(fake_notify, queued_tasks):
    email = queue()
    assert send_email.apply(args=[str(email.id)]).get() == "sent"

    assert send_email.apply(args=[str(email.id)]).get() == "skipped"
    assert send_email_now(email_id=email.id).outcome == Outcome.SKIPPED

    assert len(fake_notify.requests) == 1


@pytest.mark.django_db
def test_a_sign_in_link_is_removed_from_the_outbox_once_sent(fake_notify, queued_tasks):
    email = queue("sign_in_link")
    send_email.apply(args=[str(email.id)])

    email.refresh_from_db()
    assert email.personalisation == {**PERSONALISATION["sign_in_link"], "sign_in_url": REMOVED}
    # Notify was given the real link.
    assert (
        fake_notify.sent[0].personalisation["sign_in_url"] == PERSONALISATION["sign_in_link"]["sign_in_url"]
    )


@pytest.mark.django_db
def test_a_failed_attempt_is_recorded_and_the_next_one_is_due_after_a_backoff(fake_notify, queued_tasks):
    email = queue()
    fake_notify.fail_next(1)

    attempt = send_email_now(email_id=email.id)

    assert attempt.outcome == Outcome.RETRY
    assert attempt.retry_in == 2
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("Attempt 1: GOV.UK Notify did not take the email: 500")
    assert email.next_attempt_at - clock.now() > timedelta(seconds=1)
    assert fake_notify.sent == []


@pytest.mark.django_db
def test_after_two_outages_the_task_retries_and_sends_once(fake_notify, queued_tasks):
    email = queue()
    fake_notify.fail_next(2)

    result = send_email.apply(args=[str(email.id)])

    assert result.get() == "sent"
    assert [request.status for request in fake_notify.requests] == [500, 500, 201]
    assert len(fake_notify.sent) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 3)
    assert email.last_error.startswith("Attempt 2: ")  # the history of the failures stays


def test_retries_back_off_exponentially_up_to_a_limit(settings):
    settings.EMAIL_RETRY_MAX_DELAY = 300
    assert [retry_delay(attempts) for attempts in range(1, 10)] == [2, 4, 8, 16, 32, 64, 128, 256, 300]


@pytest.mark.django_db
def test_after_the_last_attempt_the_email_is_marked_failed(fake_notify, settings, queued_tasks):
    settings.EMAIL_MAX_ATTEMPTS = 3
    email = queue()
    fake_notify.fail_next(10)

    send_email.apply(args=[str(email.id)])

    assert len(fake_notify.requests) == 3
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == (Email.Status.FAILED, 3, None)
    assert email.last_error.startswith("Attempt 3: ")
    # A failed email is left alone until support sends it again.
    assert send_email.apply(args=[str(email.id)]).get() == "skipped"
    assert len(fake_notify.requests) == 3


@pytest.mark.django_db
def test_an_email_notify_refuses_fails_at_once_without_retrying(fake_notify, settings, queued_tasks):
    # Someone added a placeholder to the template in Notify that we do not send.
    template_id = notify_id(settings, "induction_tutor_replaced")
    fake_notify.templates[template_id] = FakeTemplate(subject="Hello ((full_name))", body="((new_thing))")
    email = queue("induction_tutor_replaced")

    assert send_email.apply(args=[str(email.id)]).get() == "failed"

    assert [request.status for request in fake_notify.requests] == [400]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.FAILED, 1)
    assert "GOV.UK Notify refused the email: 400 - " in email.last_error
    assert "Missing personalisation: new_thing" in email.last_error


@pytest.mark.django_db
def test_a_wrong_api_key_is_refused_by_notify_and_retried(fake_notify, settings, queued_tasks):
    settings.NOTIFY_API_KEY = f"test_key-{fake_notify.service_id}-00000000-0000-4000-8000-000000000000"
    email = queue()

    assert send_email_now(email_id=email.id).outcome == Outcome.RETRY

    assert [request.status for request in fake_notify.requests] == [403]
    email.refresh_from_db()
    assert "403" in email.last_error
    assert email.status == Email.Status.PENDING


@pytest.mark.django_db
def test_notify_unreachable_is_retried(settings, queued_tasks):
    # No fake_notify: NOTIFY_BASE_URL is a closed port in the test settings.
    email = queue()

    assert send_email_now(email_id=email.id).outcome == Outcome.RETRY

    email.refresh_from_db()
    assert "503" in email.last_error  # how the client reports a connection it could not make


@pytest.mark.django_db
def test_development_delivery_sends_nothing_and_keeps_the_link_for_the_inbox(settings, queued_tasks):
    settings.EMAIL_DELIVERY = "development"
    email = queue("sign_in_link")

    assert send_email_now(email_id=email.id).outcome == Outcome.SENT

    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert email.provider_reference == f"development-{email.id}"
    assert email.personalisation == PERSONALISATION["sign_in_link"]


@pytest.mark.django_db
def test_an_email_that_no_longer_exists_is_skipped(queued_tasks):
    assert send_email.apply(args=["00000000-0000-4000-8000-000000000000"]).get() == "skipped"


# --- Two tasks for the same email at once ----------------------------------------------------


def run_in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_second_task_while_the_first_is_sending_does_not_send_again(fake_notify, queued_tasks):
    email = queue()
    fake_notify.hold()  # the first task's request waits inside Notify, with the row locked
    results = {}
    first = run_in_thread(lambda: send_email.apply(args=[str(email.id)]).get(), results, "first")
    fake_notify.wait_until_held(1)

    second = send_email.apply(args=[str(email.id)]).get()

    fake_notify.release()
    first.join(timeout=10)
    assert (results["first"], second) == ("sent", "skipped")
    assert len(fake_notify.requests) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_many_tasks_racing_for_one_email_send_it_once(fake_notify, queued_tasks):
    email = queue()
    start = threading.Barrier(6)
    results = {}

    def send():
        start.wait()
        return send_email.apply(args=[str(email.id)]).get()

    threads = [run_in_thread(send, results, n) for n in range(6)]
    for thread in threads:
        thread.join(timeout=15)

    assert sorted(results.values()) == ["sent"] + ["skipped"] * 5
    assert len(fake_notify.requests) == 1
    assert len(fake_notify.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_waits_for_nothing_when_the_row_is_locked(fake_notify, queued_tasks):
    """The lock is taken with SKIP LOCKED: a second task does not sit blocked behind a slow send."""
    email = queue()
    fake_notify.hold()
    results = {}
    first = run_in_thread(lambda: send_email_now(email_id=email.id).outcome, results, "first")
    fake_notify.wait_until_held(1)

    started = time.monotonic()
    assert send_email_now(email_id=email.id).outcome == Outcome.SKIPPED
    assert time.monotonic() - started < 1

    fake_notify.release()
    first.join(timeout=10)
    assert results["first"] == Outcome.SENT
