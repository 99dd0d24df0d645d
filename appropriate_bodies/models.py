from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from core import clock


class AppropriateBodyAccess(models.Model):
    """A person who may act for an appropriate body, invited by DfE support. Access ends by
    setting `ended_at`; the row stays as history. One person may act for several bodies, and may
    also manage a school."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="appropriate_body_access"
    )
    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", on_delete=models.PROTECT, related_name="access"
    )
    invited_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=clock.now, db_default=Now())
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "appropriate body access"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "appropriate_body"],
                condition=Q(ended_at__isnull=True),
                name="appropriate_body_access_once_per_person",
                violation_error_message="This person already has access to this appropriate body.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("created_at")),
                name="appropriate_body_access_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.appropriate_body}"
