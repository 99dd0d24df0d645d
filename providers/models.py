"""The provider chain: lead provider × contract period → active lead provider;
× delivery partner → lead provider–delivery partner pairing; × school → school partnership."""

import datetime
import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from core.db import PERIOD


class ContractPeriod(models.Model):
    """A year of registration and funding (ECF1: cohort), named by the year it starts."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    started_on = models.DateField()
    finished_on = models.DateField()
    enabled = models.BooleanField(default=False, help_text="Open for schools to register ECTs.")
    payments_frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2020, year__lte=2100), name="contract_period_year_range"
            ),
            models.CheckConstraint(
                condition=Q(finished_on__gt=F("started_on")), name="contract_period_finishes_after_start"
            ),
            ExclusionConstraint(
                name="contract_periods_do_not_overlap",
                expressions=[(PERIOD, RangeOperators.OVERLAPS)],
                violation_error_message="Contract periods cannot overlap.",
            ),
        ]

    def __str__(self):
        return f"{self.year} to {self.year + 1}"

    @staticmethod
    def dates_of(year: int) -> tuple[datetime.date, datetime.date]:
        """A contract period's first and last day: 1 June of its year to 31 May the next."""
        return datetime.date(year, 6, 1), datetime.date(year + 1, 5, 31)


class LeadProvider(models.Model):
    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    email = models.EmailField(
        blank=True,
        help_text="Where we tell the lead provider about schools' changes (for example a school leaving it).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ActiveLeadProvider(models.Model):
    """A lead provider contracted to train in a contract period."""

    lead_provider = models.ForeignKey(LeadProvider, on_delete=models.PROTECT, related_name="active_periods")
    contract_period = models.ForeignKey(
        ContractPeriod, on_delete=models.PROTECT, related_name="active_lead_providers"
    )

    class Meta:
        ordering = ["contract_period", "lead_provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_provider", "contract_period"], name="active_lead_provider_unique"
            ),
        ]

    def __str__(self):
        return f"{self.lead_provider} in {self.contract_period}"


class DeliveryPartner(models.Model):
    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LeadProviderDeliveryPartnership(models.Model):
    """A delivery partner working with a lead provider in one contract period."""

    active_lead_provider = models.ForeignKey(
        ActiveLeadProvider, on_delete=models.PROTECT, related_name="delivery_partnerships"
    )
    delivery_partner = models.ForeignKey(
        DeliveryPartner, on_delete=models.PROTECT, related_name="lead_provider_partnerships"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active_lead_provider", "delivery_partner"],
                name="lead_provider_delivery_partnership_unique",
            ),
        ]

    def __str__(self):
        return f"{self.active_lead_provider.lead_provider} with {self.delivery_partner}"


class SchoolPartnership(models.Model):
    """A school trained by a lead provider and delivery partner in a contract period (confirmed by the LP)."""

    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="partnerships")
    lead_provider_delivery_partnership = models.ForeignKey(
        LeadProviderDeliveryPartnership, on_delete=models.PROTECT, related_name="school_partnerships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "lead_provider_delivery_partnership"], name="school_partnership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.school} with {self.lead_provider_delivery_partnership}"


class DeclarationType(models.TextChoices):
    """The milestones a lead provider declares, in the order a participant reaches them."""

    STARTED = "started", "Started"
    RETAINED_1 = "retained-1", "Retained 1"
    RETAINED_2 = "retained-2", "Retained 2"
    RETAINED_3 = "retained-3", "Retained 3"
    RETAINED_4 = "retained-4", "Retained 4"
    COMPLETED = "completed", "Completed"
    EXTENDED_1 = "extended-1", "Extended 1"
    EXTENDED_2 = "extended-2", "Extended 2"
    EXTENDED_3 = "extended-3", "Extended 3"


class Schedule(models.Model):
    """A pattern of training in a contract period ("ecf-standard-september"): when each milestone
    may be declared. Made for a contract period when it is first needed (providers.schedules)."""

    contract_period = models.ForeignKey(ContractPeriod, on_delete=models.PROTECT, related_name="schedules")
    identifier = models.CharField(max_length=40)

    class Meta:
        ordering = ["contract_period", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["contract_period", "identifier"], name="schedule_unique"),
            models.CheckConstraint(
                condition=Q(
                    identifier__regex=r"^ecf-(standard|extended|reduced|replacement)-(january|april|september)$"
                ),
                name="schedule_identifier_known",
            ),
        ]

    def __str__(self):
        return f"{self.identifier} ({self.contract_period_id})"


class Milestone(models.Model):
    """When a declaration of one type may be made on a schedule: from `start_date` to
    `milestone_date` (both included; no milestone date means no end)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="milestones")
    declaration_type = models.CharField(max_length=20, choices=DeclarationType.choices)
    start_date = models.DateField()
    milestone_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["schedule", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "declaration_type"], name="milestone_once_per_schedule"
            ),
            models.CheckConstraint(
                condition=Q(milestone_date__isnull=True) | Q(milestone_date__gte=F("start_date")),
                name="milestone_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.get_declaration_type_display()} from {self.start_date}"


class AppropriateBody(models.Model):
    class BodyType(models.TextChoices):
        TEACHING_SCHOOL_HUB = "teaching_school_hub", "Teaching school hub"
        # The two national bodies, each for the schools no hub serves.
        INDEPENDENT_SCHOOLS = "independent_schools", "National body for independent schools (ISTIP)"
        SCHOOLS_OVERSEAS = "schools_overseas", "National body for British schools overseas (ESP)"
        LOCAL_AUTHORITY = "local_authority", "Local authority (legacy)"

    name = models.CharField(max_length=200, unique=True)
    body_type = models.CharField(max_length=30, choices=BodyType.choices)
    dfe_sign_in_organisation_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "appropriate bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["body_type"],
                condition=Q(body_type__in=["independent_schools", "schools_overseas"]),
                name="one_national_body_of_each_kind",
                violation_error_message="There is already a national body of this kind.",
            ),
        ]

    def __str__(self):
        return self.name
