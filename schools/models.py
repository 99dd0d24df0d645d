from django.db import models
from django.db.models import Q

from schools.eligibility import OPEN_STATUSES


class TrainingProgramme(models.TextChoices):
    """How a school runs a year's training (ECF1: FIP, CIP/DIY; "no ECTs" is a school's answer)."""

    PROVIDER_LED = "provider_led", "Provider-led"
    SCHOOL_LED = "school_led", "School-led"


class School(models.Model):
    """An establishment from GIAS, with what we decided about its funding and its last choices."""

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=255)
    establishment_type = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=60, blank=True, help_text="GIAS EstablishmentStatus")
    # Derived from `status` by the database, so the two cannot disagree (nobody sets it).
    is_open = models.GeneratedField(
        expression=Q(status__in=sorted(OPEN_STATUSES)),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    phase = models.CharField(max_length=60, blank=True)
    local_authority = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    address_line = models.CharField(max_length=255, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    contact_email = models.EmailField(blank=True, help_text="GIAS MainEmail: where nomination links go.")
    section_41_approved = models.BooleanField(default=False)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    # Funding eligibility is decided, dated and then only changed deliberately (with an event),
    # never silently recalculated on read.
    eligible_for_funding = models.BooleanField(default=False)
    eligibility_decided_on = models.DateField(null=True, blank=True)

    # The school's last answers, offered as defaults next time.
    last_chosen_training_programme = models.CharField(
        max_length=20, choices=TrainingProgramme.choices, blank=True
    )
    last_chosen_lead_provider = models.ForeignKey(
        "providers.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_chosen_appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["postcode"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible_for_funding=False) | Q(eligibility_decided_on__isnull=False),
                name="school_eligibility_has_decision_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="school_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"
