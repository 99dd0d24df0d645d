"""Postgres keeps each outbox row's status, sent time and provider reference consistent."""

import pytest
from django.db import IntegrityError

from core import clock
from emails.models import Email

pytestmark = pytest.mark.django_db


def write(**fields):
    defaults = {"recipient": "ada@example.com", "template": "sign_in_link", "personalisation": {}}
    return Email.objects.create(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": "sent", "attempts": 1, "provider_reference": "x"}, "email_sent_exactly_when_sent_at"),
        ({"status": "sent", "attempts": 1, "sent_at": clock.now()}, "email_sent_exactly_when_sent_at"),
        ({"status": "pending", "sent_at": clock.now()}, "email_sent_exactly_when_sent_at"),
        ({"status": "failed", "sent_at": clock.now()}, "email_sent_exactly_when_sent_at"),
        (
            {"status": "sent", "sent_at": clock.now(), "provider_reference": "x"},
            "email_sent_after_an_attempt",
        ),
        ({"status": "bounced"}, "email_status_known"),
    ],
)
def test_the_database_refuses_an_inconsistent_row(fields, constraint):
    with pytest.raises(IntegrityError) as error:
        write(**fields)
    assert error.value.__cause__.diag.constraint_name == constraint


def test_consistent_rows_are_accepted():
    write()
    write(status="failed", attempts=8, last_error="Attempt 8: 500")
    write(status="sent", attempts=1, sent_at=clock.now(), provider_reference="notify-id")
    assert Email.objects.count() == 3


def test_emails_queued_in_one_transaction_keep_their_order():
    first, second = write(), write()
    assert first.created_at < second.created_at
    assert list(Email.objects.all()) == [second, first]  # newest first
