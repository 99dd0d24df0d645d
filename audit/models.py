"""The append-only event log: who did what, when, to which record, and why.

Rows are never updated or deleted (a trigger in migration 0003 refuses both), so the log
can feed every timeline and be trusted as history. Periods are referenced by kind and id
rather than by foreign key, because a period that had not started may be removed while
the events about it must stay.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from core import clock


class ActorType(models.TextChoices):
    SCHOOL_USER = "school_user", "School user"
    APPROPRIATE_BODY_USER = "appropriate_body_user", "Appropriate body user"
    LEAD_PROVIDER = "lead_provider", "Lead provider (API)"
    DFE_STAFF = "dfe_staff", "DfE staff"
    SYSTEM = "system", "System"


class Event(models.Model):
    # When the change took effect (now, unless an import records history), and when the row
    # was written: the database sets recorded_at, so no caller can backdate it.
    happened_at = models.DateTimeField(default=clock.now, db_default=Now(), db_index=True)
    recorded_at = models.DateTimeField(default=clock.now, db_default=Now(), editable=False)
    event_type = models.CharField(max_length=80, db_index=True)
    heading = models.CharField(max_length=300, help_text="One line a person reads on a timeline.")

    actor_type = models.CharField(max_length=30, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_lead_provider = models.ForeignKey(
        "providers.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True, help_text="As it was when the event happened.")

    teacher = models.ForeignKey(
        "participants.Teacher", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    lead_provider = models.ForeignKey(
        "providers.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    subject_type = models.CharField(max_length=60, blank=True, help_text="Model name of the record changed.")
    subject_id = models.BigIntegerField(null=True, blank=True)

    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [before, after], …}')
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["teacher", "happened_at"]),
            models.Index(fields=["school", "happened_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor_type__in=[ActorType.SYSTEM, ActorType.LEAD_PROVIDER])
                | Q(actor_user__isnull=False),
                name="event_person_actor_has_user",
            ),
            models.CheckConstraint(
                condition=~Q(actor_type=ActorType.LEAD_PROVIDER) | Q(actor_lead_provider__isnull=False),
                name="event_lead_provider_actor_has_lead_provider",
            ),
            models.CheckConstraint(
                condition=Q(subject_type="", subject_id__isnull=True)
                | (~Q(subject_type="") & Q(subject_id__isnull=False)),
                name="event_subject_type_and_id_together",
            ),
        ]

    def __str__(self):
        return f"{self.happened_at:%Y-%m-%d %H:%M} {self.heading}"
