"""Writes to the outbox: queue an email, make one attempt to send it, sweep up lost ones, send again.

Every email is sent at least once and never twice by us:
- at least once, because the row is committed with the change that caused it and stays pending
  until a send succeeds; a task lost on the way (Redis down, a worker killed) is replaced by the
  sweep;
- never twice, because each attempt holds the row's lock from reading its status to recording the
  outcome, so two tasks for one email (the sweep and a retry, say) cannot both send it.
The one gap is a crash after Notify accepted an email but before the row was marked sent: that
email is sent again. docs/decisions/0007-email-outbox.md has the reasoning.
"""

import enum
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from audit.services import Actor, record_event
from core import clock
from emails.delivery import PermanentDeliveryError, get_delivery
from emails.models import Email
from emails.templates import get_template

logger = logging.getLogger(__name__)

REMOVED = "(removed once sent)"


def queue_email(*, to: str, template: str, personalisation: dict[str, str]) -> Email:
    """Write an outbox row in the caller's transaction; after commit a Celery task sends it.

    Raises ValueError for an unknown template, personalisation that is not exactly the template's
    keys (as text) or an address that is not an email address. If the caller's transaction rolls
    back, so does the email. If Redis cannot take the task, the caller never hears of it: the
    email stays pending and the sweep sends it.
    """
    get_template(template).check(personalisation)
    try:
        validate_email(to)
    except ValidationError:
        raise ValueError(f"{to!r} is not an email address") from None
    email = Email.objects.create(recipient=to, template=template, personalisation=dict(personalisation))
    transaction.on_commit(partial(enqueue_send, email.id))
    return email


# The worker's task that sends one email (emails/tasks.py), asked for by name: tasks call into this
# module, never the other way round.
SEND_EMAIL_TASK = "emails.tasks.send_email"


def enqueue_send(email_id: uuid.UUID) -> bool:
    """Ask Celery to send the email. Never raises: False (and a warning) when the broker is unreachable."""
    try:
        # No publish retries: a request must not wait for Redis; the sweep sends it later instead.
        current_app.send_task(SEND_EMAIL_TASK, args=[str(email_id)], retry=False)
    except Exception as error:  # whatever the broker raises, the email is safe in the outbox
        logger.warning("Could not queue email %s (the sweep will send it): %r", email_id, error)
        return False
    return True


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"  # this attempt failed; try again in `retry_in` seconds
    FAILED = "failed"  # given up: support can send it again from admin
    SKIPPED = "skipped"  # not pending (already sent or failed), gone, or another attempt holds it now


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: 2, 4, 8 … capped."""
    return min(2**attempts, settings.EMAIL_RETRY_MAX_DELAY)


def send_email_now(*, email_id: uuid.UUID | str) -> Attempt:
    """Make one attempt to hand a pending email to the provider, and record how it went.

    The row stays locked from reading its status until the outcome is committed, so an email
    that is sent (or being sent by another task right now) is skipped, never sent again.
    """
    with transaction.atomic():
        email = Email.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        if email is None or email.status != Email.Status.PENDING:
            return Attempt(Outcome.SKIPPED)
        email.attempts += 1
        try:
            delivery = get_delivery()
            reference = delivery.deliver(email)
        except PermanentDeliveryError as error:
            return _record_failure(email, error, give_up=True)
        except Exception as error:  # a provider outage, a timeout, missing configuration: try again
            return _record_failure(email, error, give_up=email.attempts >= settings.EMAIL_MAX_ATTEMPTS)

        email.status = Email.Status.SENT
        email.sent_at = clock.now()
        email.provider_reference = reference
        if delivery.removes_secrets_once_sent:
            # Sign-in and nomination links work as credentials; once sent they are not needed here.
            for key in get_template(email.template).secret:
                email.personalisation[key] = REMOVED
        email.save(update_fields=["status", "sent_at", "provider_reference", "attempts", "personalisation"])
        logger.info("Email %s (%s) sent: provider reference %s", email.id, email.template, reference)
        return Attempt(Outcome.SENT)


def _record_failure(email: Email, error: Exception, *, give_up: bool) -> Attempt:
    """Record a failed attempt; it is committed even though the task goes on to retry."""
    email.last_error = f"Attempt {email.attempts}: {error}"[:2000]
    delay = retry_delay(email.attempts)
    email.next_attempt_at = clock.now() + timedelta(seconds=delay)
    if give_up:
        email.status = Email.Status.FAILED
    email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
    if give_up:
        logger.error(
            "Email %s (%s) failed after %s attempts: %s", email.id, email.template, email.attempts, error
        )
        return Attempt(Outcome.FAILED)
    logger.warning("Email %s attempt %s failed, retrying in %ss: %s", email.id, email.attempts, delay, error)
    return Attempt(Outcome.RETRY, retry_in=delay)


def enqueue_due_emails(*, grace_seconds: int | None = None, batch_size: int | None = None) -> int:
    """The sweep: queue a task for each pending email well past its next attempt time.

    Such an email's task was lost (Redis was down when it was committed, or a worker died). The
    grace period keeps the sweep from racing the task queued on commit or a scheduled retry; if it
    does race one, the row lock makes the extra task a no-op. Each email queued is not queued by
    the sweep again for EMAIL_SWEEP_LEASE_SECONDS, so a long backlog is not queued over and over.
    Returns how many were queued; stops early when the broker is unreachable.
    """
    grace = settings.EMAIL_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    batch_size = batch_size or settings.EMAIL_SWEEP_BATCH_SIZE
    due = list(
        Email.objects.filter(
            status=Email.Status.PENDING, next_attempt_at__lte=clock.now() - timedelta(seconds=grace)
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:batch_size]
    )
    queued = []
    for email_id in due:
        if not enqueue_send(email_id):
            break
        queued.append(email_id)
    if queued:
        Email.objects.filter(pk__in=queued, status=Email.Status.PENDING).update(
            next_attempt_at=clock.now() + timedelta(seconds=settings.EMAIL_SWEEP_LEASE_SECONDS)
        )
        logger.info("Sweep queued %s pending emails", len(queued))
    return len(queued)


def send_failed_emails_again(*, email_ids: Iterable[uuid.UUID], actor: Actor) -> int:
    """Put failed emails back in the queue with fresh attempts (admin's "send again now").

    Only failed emails change: a sent or pending one is left alone, so this never sends twice.
    Returns how many were queued again.
    """
    with transaction.atomic():
        failed = list(
            Email.objects.select_for_update()
            .filter(pk__in=list(email_ids), status=Email.Status.FAILED)
            .order_by("pk")
        )
        for email in failed:
            Email.objects.filter(pk=email.pk).update(
                status=Email.Status.PENDING, attempts=0, next_attempt_at=clock.now()
            )
            record_event(
                actor=actor,
                event_type="email_sent_again",
                heading=f"The {email.template.replace('_', ' ')} email to {email.recipient} was queued to send again",
                changes={
                    "status": [Email.Status.FAILED, Email.Status.PENDING],
                    "attempts": [email.attempts, 0],
                },
                reason=f"Sent again from admin after it failed ({email.last_error})"[:1000],
            )
            transaction.on_commit(partial(enqueue_send, email.pk))
    return len(failed)
