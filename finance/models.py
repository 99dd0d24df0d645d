"""What lead providers are paid for: their declarations that a participant reached a milestone,
the monthly statements those declarations are paid (or clawed back) on, and the contracts that
price them (docs/decisions/0017, 0035, 0038)."""

import calendar
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from core import clock
from finance import calculator
from providers.models import LAST_YEAR_WITH_UPLIFTS, DeclarationType

# Money is pounds and pence: up to £9,999,999,999.99 for a figure, £999,999.99 for a price.
MONEY = {"max_digits": 12, "decimal_places": 2}
PRICE = {"max_digits": 8, "decimal_places": 2}


class ContractType(models.TextChoices):
    """The calculator's two kinds of contract (finance.calculator.ContractType), one per era."""

    BANDED_WITH_UPLIFTS = (
        calculator.ContractType.BANDED_WITH_UPLIFTS.value,
        "ECTs and mentors banded, with uplifts (up to 2024)",
    )
    ECTS_BANDED_MENTORS_FLAT = (
        calculator.ContractType.ECTS_BANDED_MENTORS_FLAT.value,
        "ECTs banded, mentors at a flat rate (from 2025)",
    )

    @classmethod
    def for_year(cls, year: int) -> "ContractType":
        """The kind of contract a contract period has."""
        return cls.BANDED_WITH_UPLIFTS if year <= LAST_YEAR_WITH_UPLIFTS else cls.ECTS_BANDED_MENTORS_FLAT


class Contract(models.Model):
    """One version of a lead provider's contract for a contract period. A change is a new
    version in force from a date; a version is never edited (the database refuses), so a
    statement calculated with one can always be explained by it. The version in force on a day
    is the highest-numbered one in force from that day or before."""

    active_lead_provider = models.ForeignKey(
        "providers.ActiveLeadProvider", on_delete=models.PROTECT, related_name="contracts"
    )
    version = models.PositiveSmallIntegerField(editable=False)
    in_force_from = models.DateField(
        help_text="Statements whose deadline is on or after this day are calculated with this version."
    )
    contract_type = models.CharField(max_length=30, choices=ContractType.choices, editable=False)
    recruitment_target = models.PositiveIntegerField(help_text="Participants the provider expects to train.")
    set_up_fee = models.DecimalField(
        **MONEY, default=0, help_text="Paid up front; the service fee worked out from the bands nets it off."
    )
    monthly_service_fee = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        help_text="Leave empty to work it out from the bands and the recruitment target.",
    )
    uplift_amount = models.DecimalField(
        **PRICE,
        null=True,
        blank=True,
        help_text="Per started participant at a pupil premium or sparsity school (contracts up to 2024).",
    )
    vat_applicable = models.BooleanField("VAT applies", default=False)
    mentor_flat_rate = models.DecimalField(
        **PRICE,
        null=True,
        blank=True,
        help_text="Per mentor, half on started and half on completed (contracts from 2025 only).",
    )
    created_at = models.DateTimeField(default=clock.now, db_default=Now(), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="Empty when the service made it (demo data).",
    )

    class Meta:
        ordering = ["active_lead_provider", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active_lead_provider", "version"], name="one_contract_version_each"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="contract_version_from_one"),
            models.CheckConstraint(
                condition=Q(set_up_fee__gte=0)
                & (Q(monthly_service_fee__isnull=True) | Q(monthly_service_fee__gte=0))
                & (Q(uplift_amount__isnull=True) | Q(uplift_amount__gte=0))
                & (Q(mentor_flat_rate__isnull=True) | Q(mentor_flat_rate__gte=0)),
                name="contract_money_not_negative",
            ),
            # From 2025 mentors are paid a flat rate and nobody an uplift; before, no flat rate.
            models.CheckConstraint(
                condition=Q(contract_type=ContractType.BANDED_WITH_UPLIFTS, mentor_flat_rate__isnull=True)
                | Q(
                    contract_type=ContractType.ECTS_BANDED_MENTORS_FLAT,
                    mentor_flat_rate__isnull=False,
                    uplift_amount__isnull=True,
                ),
                name="contract_mentor_rate_and_uplift_fit_its_type",
            ),
            # The type fits the contract period (up to 2024 or from 2025): a trigger, as the
            # period is on another table (migration 0003).
        ]

    def __str__(self):
        return f"{self.active_lead_provider}: version {self.version}"


class PriceBand(models.Model):
    """A band of a contract version: its `min`th to `max`th participant (per declaration type,
    across the contract period) are paid `price` each. A contract's bands run on from one another
    from the first participant (a deferred trigger checks them when the version is saved)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="bands")
    letter = models.CharField(max_length=1, choices=[(letter, letter) for letter in "ABCD"])
    min = models.PositiveIntegerField("from participant")
    max = models.PositiveIntegerField("to participant")
    price = models.DecimalField("price per participant", **PRICE)

    class Meta:
        ordering = ["contract", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "letter"], name="one_band_of_each_letter"),
            models.CheckConstraint(condition=Q(letter__in=list("ABCD")), name="band_letter_a_to_d"),
            models.CheckConstraint(
                condition=Q(max__gte=F("min")) & Q(max__gte=1, price__gte=0), name="band_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        return f"Band {self.letter}: {self.min} to {self.max} at £{self.price}"


class Statement(models.Model):
    """A lead provider's monthly output statement in one contract period: the declarations made by
    its cut-off date are paid on its payment date."""

    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    active_lead_provider = models.ForeignKey(
        "providers.ActiveLeadProvider", on_delete=models.PROTECT, related_name="statements"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    deadline_date = models.DateField(help_text="The cut-off: declarations made by the end of this day.")
    payment_date = models.DateField()
    # Open, then payable (the day after its deadline), then paid (finance authorised it).
    marked_payable_at = models.DateTimeField(
        null=True, blank=True, help_text="When its deadline had passed and it became payable."
    )
    paid_at = models.DateTimeField(null=True, blank=True, help_text="When finance authorised it for payment.")
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who authorised it for payment.",
    )
    calculation = models.JSONField(
        null=True,
        blank=True,
        help_text="The rows and totals as authorised for payment (amounts as strings): a paid "
        "statement is read from here, never calculated again.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["active_lead_provider", "deadline_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["active_lead_provider", "year", "month"], name="one_statement_a_month"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="statement_month_range"),
            models.CheckConstraint(
                condition=Q(payment_date__gte=F("deadline_date")), name="statement_paid_after_cut_off"
            ),
            # Paid only once payable, and then with what was paid written down.
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True, paid_by__isnull=True, calculation__isnull=True)
                | Q(
                    paid_at__isnull=False,
                    marked_payable_at__isnull=False,
                    paid_at__gte=F("marked_payable_at"),
                    calculation__isnull=False,
                ),
                name="statement_paid_when_payable_with_its_calculation",
            ),
        ]

    def __str__(self):
        return f"{self.active_lead_provider}: {self.year}-{self.month:02d}"

    @property
    def month_year(self) -> str:
        """ "January 2027": the month it is for."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def full_name(self) -> str:
        """ "January 2027 statement (2026 to 2027 contract period)": a provider has a statement for
        the same month in up to three contract periods."""
        period = self.active_lead_provider.contract_period_id
        return f"{self.month_year} statement ({period} to {period + 1} contract period)"

    @property
    def status(self) -> str:
        """open, payable or paid."""
        if self.paid_at is not None:
            return StatementStatus.PAID
        return StatementStatus.OPEN if self.marked_payable_at is None else StatementStatus.PAYABLE


class StatementStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAYABLE = "payable", "Payable"
    PAID = "paid", "Paid"


class StatementAdjustment(models.Model):
    """An amount finance staff add to a statement (negative to take money off), named, with the
    reason: only while the statement is open or payable (the database refuses once it is paid)."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="adjustments")
    name = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now, db_default=Now())

    class Meta:
        ordering = ["statement", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_not_zero"),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(reason=""), name="adjustment_named_with_a_reason"
            ),
        ]

    def __str__(self):
        return f"{self.name}: £{self.amount}"


class PaymentStatus(models.TextChoices):
    NO_PAYMENT = "no_payment", "No payment (not funded)"
    ELIGIBLE = "eligible", "Eligible"
    PAID = "paid", "Paid"
    VOIDED = "voided", "Voided"


class ClawbackStatus(models.TextChoices):
    NO_CLAWBACK = "no_clawback", "None"
    AWAITING_CLAWBACK = "awaiting_clawback", "Awaiting clawback"
    CLAWED_BACK = "clawed_back", "Clawed back"


class EvidenceType(models.TextChoices):
    TRAINING_EVENT_ATTENDED = "training-event-attended"
    SELF_STUDY_MATERIAL_COMPLETED = "self-study-material-completed"
    MATERIALS_ENGAGED_WITH_OFFLINE = "materials-engaged-with-offline"
    SEVENTY_FIVE_PERCENT = "75-percent-engagement-met"
    SEVENTY_FIVE_PERCENT_REDUCED = "75-percent-engagement-met-reduced-induction"
    ONE_TERM_INDUCTION = "one-term-induction"
    OTHER = "other"


class Declaration(models.Model):
    """A lead provider's claim that a participant reached a milestone of their training."""

    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    training_period = models.ForeignKey(
        "participants.TrainingPeriod", on_delete=models.PROTECT, related_name="declarations"
    )
    # Copied from the training when declared, so a declaration keeps saying whom it was for and
    # who delivered it whatever happens to the training later, and so duplicates can be refused
    # by a unique index.
    teacher = models.ForeignKey("participants.Teacher", on_delete=models.PROTECT, related_name="declarations")
    course_identifier = models.CharField(
        max_length=20, choices=[("ecf-induction", "ECT"), ("ecf-mentor", "Mentor")]
    )
    lead_provider = models.ForeignKey(
        "providers.LeadProvider", on_delete=models.PROTECT, related_name="declarations"
    )
    delivery_partner = models.ForeignKey(
        "providers.DeliveryPartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    mentor = models.ForeignKey(
        "participants.Teacher",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="An ECT's mentor on the declaration date.",
    )
    declaration_type = models.CharField(max_length=20, choices=DeclarationType.choices)
    declaration_date = models.DateTimeField()
    evidence_type = models.CharField(max_length=60, choices=EvidenceType.choices, blank=True)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    payment_statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    clawback_status = models.CharField(
        max_length=20, choices=ClawbackStatus.choices, default=ClawbackStatus.NO_CLAWBACK
    )
    clawback_statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="clawbacks"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["lead_provider", "created_at"]),
            models.Index(fields=["lead_provider", "updated_at"]),
            # A statement's counts per course and type (finance.queries.statement_input).
            models.Index(
                fields=["payment_statement", "payment_status", "course_identifier", "declaration_type"],
                name="declaration_payment_counts",
            ),
            models.Index(
                fields=["clawback_statement", "clawback_status", "course_identifier", "declaration_type"],
                name="declaration_clawback_counts",
            ),
        ]
        constraints = [
            # "No duplicate of the same type": one live declaration of each type per participant
            # and course (a voided or clawed-back one no longer counts).
            models.UniqueConstraint(
                fields=["teacher", "course_identifier", "declaration_type"],
                condition=~Q(payment_status=PaymentStatus.VOIDED)
                & Q(clawback_status=ClawbackStatus.NO_CLAWBACK),
                name="one_live_declaration_of_each_type",
            ),
            models.CheckConstraint(
                condition=Q(payment_status=PaymentStatus.NO_PAYMENT, payment_statement__isnull=True)
                | Q(
                    payment_status__in=[PaymentStatus.ELIGIBLE, PaymentStatus.PAID],
                    payment_statement__isnull=False,
                )
                | Q(payment_status=PaymentStatus.VOIDED),
                name="declaration_paid_on_a_statement_unless_unfunded",
            ),
            models.CheckConstraint(
                condition=Q(payment_status=PaymentStatus.VOIDED, voided_at__isnull=False)
                | (~Q(payment_status=PaymentStatus.VOIDED) & Q(voided_at__isnull=True)),
                name="declaration_voided_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(clawback_status=ClawbackStatus.NO_CLAWBACK, clawback_statement__isnull=True)
                | (
                    ~Q(clawback_status=ClawbackStatus.NO_CLAWBACK)
                    & Q(payment_status=PaymentStatus.PAID, clawback_statement__isnull=False)
                ),
                name="declaration_clawback_of_a_paid_one_on_a_statement",
            ),
        ]

    def __str__(self):
        return f"{self.get_declaration_type_display()} for {self.teacher_id} by {self.lead_provider_id}"
