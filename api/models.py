"""Who may call the lead provider API, and what they called.

A token is shown once, when support staff create it, and only its hash is kept: a copy of the
database cannot call the API. A lead provider may have several (one per client, say), each
revoked on its own."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from core import clock


class LeadProviderToken(models.Model):
    lead_provider = models.ForeignKey(
        "providers.LeadProvider", on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=200, help_text='What it is for, for example "Production client".')
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=clock.now, db_default=Now(), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_created",
            )
        ]

    def __str__(self):
        return f"{self.lead_provider}: {self.name}"


class APIRequest(models.Model):
    """One call to the API and how it ended, for support staff answering "what did we send?"."""

    token = models.ForeignKey(
        LeadProviderToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_provider = models.ForeignKey(
        "providers.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    query = models.CharField(max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField()
    requested_at = models.DateTimeField(default=clock.now, db_default=Now(), editable=False)

    class Meta:
        verbose_name = "API request"
        indexes = [
            models.Index(fields=["lead_provider", "requested_at"]),
            models.Index(fields=["token", "requested_at"]),  # counting a token's recent calls
        ]

    def __str__(self):
        return f"{self.method} {self.path} → {self.status}"
