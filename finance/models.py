"""What lead providers are paid for: their declarations that a participant reached a milestone,
and the monthly statements those declarations are paid (or clawed back) on."""

import uuid

from django.db import models
from django.db.models import F, Q

from providers.models import DeclarationType


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
    paid_at = models.DateTimeField(null=True, blank=True, help_text="When finance marked it paid.")
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
        ]

    def __str__(self):
        return f"{self.active_lead_provider}: {self.year}-{self.month:02d}"


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
