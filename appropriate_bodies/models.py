from decimal import Decimal

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


class InductionExtension(models.Model):
    """An extension to a teacher's induction, in full-time-equivalent terms, recorded by the
    appropriate body that decided it (for an ECT not yet meeting the Teachers' Standards). It
    belongs to the teacher, not to an induction period: periods are not stretched."""

    teacher = models.ForeignKey(
        "participants.Teacher", on_delete=models.PROTECT, related_name="induction_extensions"
    )
    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", on_delete=models.PROTECT, related_name="induction_extensions"
    )
    # numeric(3, 1): one decimal place at most (1.5 terms, never 1.25).
    number_of_terms = models.DecimalField(max_digits=3, decimal_places=1)
    reason = models.TextField()
    created_at = models.DateTimeField(default=clock.now, db_default=Now())
    updated_at = models.DateTimeField(default=clock.now, db_default=Now())

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number_of_terms__gte=Decimal("0.1"), number_of_terms__lte=16),
                name="induction_extension_terms_from_0_1_to_16",
                violation_error_message="An extension is from 0.1 to 16 terms.",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="induction_extension_has_a_reason"),
        ]

    def __str__(self):
        return f"Extension of {self.number_of_terms} terms for {self.teacher}"
