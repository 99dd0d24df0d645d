"""Who may call the lead provider API, and what they called.

A token is shown once, when support staff create it, and only its hash is kept: a copy of the
database cannot call the API. A lead provider may have several (one per client, say), each
revoked on its own."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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


class ParticipantListing(models.Model):
    """A participant as GET /api/v3/participants lists them to one lead provider: their JSON, as
    api.resources.participant_json writes it, encoded once, with what the list sorts and filters
    by. A copy, kept by api.listing from the record of participant changes (docs/decisions/0039);
    never written anywhere else."""

    lead_provider = models.ForeignKey(
        "providers.LeadProvider", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    teacher = models.ForeignKey(
        "participants.Teacher", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The teacher's created_at and api_updated_at: what the list sorts by, and polls with.
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Each enrolment's cohort and training status, and the two together ("2025/active"): what
    # filter[cohort] and filter[training_status] match.
    cohorts = ArrayField(models.IntegerField())
    training_statuses = ArrayField(models.TextField())
    enrolments = ArrayField(models.TextField())
    # The JSON holds on the days from valid_from to the day before valid_until (None: no limit);
    # a participant's status moves on with the calendar.
    valid_from = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    json = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead_provider", "teacher"], name="participant_listing_unique"),
        ]
        indexes = [
            # A page is found in one of these (OFFSET over an index-only scan), then its rows by
            # the unique index.
            models.Index(
                fields=["lead_provider", "created_at", "teacher"],
                name="participant_listing_created",
                include=["updated_at"],
            ),
            models.Index(
                fields=["lead_provider", "updated_at", "teacher"],
                name="participant_listing_updated",
                include=["created_at"],
            ),
        ]

    def __str__(self):
        return f"{self.lead_provider_id}: {self.teacher_id}"


class ParticipantListingState(models.Model):
    """How far a lead provider's ParticipantListing has got: it holds every participant change
    up to `change_id` (participants.ParticipantChange), and was built after `bulk_loads` bulk
    loads (participants migration 0012); one of either since, and it is behind."""

    lead_provider = models.OneToOneField(
        "providers.LeadProvider", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    change_id = models.BigIntegerField()
    bulk_loads = models.BigIntegerField()
    built_at = models.DateTimeField(default=clock.now)

    def __str__(self):
        return f"{self.lead_provider_id}: up to change {self.change_id}"


class DeclarationListing(models.Model):
    """A declaration as GET /api/v3/participant-declarations lists it to one lead provider (its
    own, and those of other providers it now sees for its participants): its JSON, as
    api.resources.declaration_json writes it, encoded once, with what the list sorts and filters
    by. Kept with ParticipantListing, teacher by teacher, by api.listing (docs/decisions/0039)."""

    lead_provider = models.ForeignKey(
        "providers.LeadProvider", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    declaration = models.ForeignKey(
        "finance.Declaration", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    teacher = models.ForeignKey(
        "participants.Teacher", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # What filter[cohort], filter[participant_id] and filter[delivery_partner_id] match.
    cohort = models.IntegerField(null=True)
    participant_api_id = models.UUIDField()
    delivery_partner_api_id = models.UUIDField(null=True)
    json = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lead_provider", "declaration"], name="declaration_listing_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["lead_provider", "created_at", "declaration"],
                name="declaration_listing_created",
                include=["updated_at"],
            ),
            models.Index(fields=["lead_provider", "updated_at"], name="declaration_listing_updated"),
            models.Index(fields=["lead_provider", "teacher"], name="declaration_listing_teacher"),
        ]

    def __str__(self):
        return f"{self.lead_provider_id}: {self.declaration_id}"
