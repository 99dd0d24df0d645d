"""The outbox: one row per email the service has decided to send.

A service writes the row in the same transaction as the change that causes the email, so an email
exists exactly when its change was committed. Celery sends it (emails/tasks.py); the row records
how that went. docs/decisions/0007-email-outbox.md explains why.
"""

import uuid

from django.db import models
from django.db.models import Q

from core import clock


class Email(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # A UUID, so the reference Notify keeps for each email (our id) is unique everywhere and a
    # task left in Redis from an older database can never name a newer row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.EmailField(max_length=254)
    template = models.CharField(max_length=64, help_text="A name from emails/templates.py.")
    personalisation = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts to hand it to the provider.")
    last_error = models.TextField(blank=True)
    # Python's clock, not the transaction's: emails queued in one transaction keep their order.
    created_at = models.DateTimeField(default=clock.now)
    # When the next attempt is due: creation, then after each failed attempt the end of its backoff.
    # The sweep picks up pending emails whose task was lost once this is well past.
    next_attempt_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The id GOV.UK Notify gave the email (or a local one in development).",
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("resend_email", "Can send a failed email again")]
        indexes = [
            # The sweep: pending emails by when they are due.
            models.Index(fields=["status", "next_attempt_at"], name="email_status_next_attempt"),
            # Admin and the development inbox: newest first.
            models.Index(fields=["created_at"], name="email_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed"]),
                name="email_status_known",
                violation_error_message="The status must be pending, sent or failed.",
            ),
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False) & ~Q(provider_reference=""))
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="email_sent_exactly_when_sent_at",
                violation_error_message="An email has a sent time and provider reference exactly when it was sent.",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(attempts__gte=1),
                name="email_sent_after_an_attempt",
                violation_error_message="A sent email was attempted at least once.",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.recipient} ({self.get_status_display().lower()})"
