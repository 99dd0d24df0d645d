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


class BulkUpload(models.Model):
    """A CSV file of claims or outcomes an appropriate body uploaded: its rows are checked (in
    Celery), shown for the body to confirm, then applied (in Celery), one row at a time."""

    class Kind(models.TextChoices):
        CLAIMS = "claims", "Claims"
        OUTCOMES = "outcomes", "Outcomes"

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        APPLYING = "applying", "Applying"
        DONE = "done", "Done"
        # Given up on while applying (the sweep, decision 0028): its rows not applied say so.
        STOPPED = "stopped", "Stopped before it finished"
        FAILED = "failed", "Could not be checked"

    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", on_delete=models.PROTECT, related_name="bulk_uploads"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    row_count = models.PositiveIntegerField()
    # Set when the checking finishes: rows that can be applied, and rows with problems.
    ready_count = models.PositiveIntegerField(null=True, blank=True)
    problem_count = models.PositiveIntegerField(null=True, blank=True)
    # Whoever confirmed it; for outcomes, that every ECT with a fail row was told of their right to appeal.
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    told_of_appeal = models.BooleanField(default=False)
    # Why checking stopped (status failed), in words for the body.
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a task last moved it on: the sweep queues again an upload stuck without progress.
    progressed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(row_count__gte=1, row_count__lte=1000), name="bulk_upload_1_to_1000_rows"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["checking", "failed"])
                | Q(checked_at__isnull=False, ready_count__isnull=False, problem_count__isnull=False),
                name="bulk_upload_checked_has_counts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["checking", "checked", "failed"])
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="bulk_upload_applied_once_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["done", "stopped"], finished_at__isnull=False)
                | (~Q(status__in=["done", "stopped"]) & Q(finished_at__isnull=True)),
                name="bulk_upload_finished_when_done_or_stopped",
            ),
            models.CheckConstraint(
                condition=Q(told_of_appeal=False) | Q(kind="outcomes"),
                name="bulk_upload_appeal_only_for_outcomes",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} file {self.file_name} of {self.appropriate_body}"


class BulkUploadRow(models.Model):
    """One teacher's row of an upload: what was typed (never the date of birth: only a keyed digest
    of it, until TRS has been asked), the values read from it, its problems, and what happened to it."""

    class Result(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        ALREADY_CLAIMED = "already_claimed", "Already claimed by you"
        RECORDED = "recorded", "Outcome recorded"
        ALREADY_RECORDED = "already_recorded", "Outcome already recorded"
        REFUSED = "refused", "Not done"
        NOT_APPLIED = "not_applied", "Not done: this file stopped before this row"

    upload = models.ForeignKey(BulkUpload, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()  # as a spreadsheet numbers it: the headings are row 1
    typed = models.JSONField(default=dict)  # the cells as typed, by column, without the date of birth
    trn = models.CharField(max_length=7, blank=True)
    # HMAC-SHA256 (keyed with SECRET_KEY) of the TRN and date of birth typed, never the date itself
    # (services.bulk.date_of_birth_digest); only until the row is checked, then forgotten (a constraint).
    date_of_birth_digest = models.CharField(max_length=64, blank=True)
    started_on = models.DateField(null=True, blank=True)
    induction_programme = models.CharField(max_length=20, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    number_of_terms = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=10, blank=True)
    # What TRS told us when checked (participants.forms.record_to_keep: no date of birth).
    record = models.JSONField(null=True, blank=True)
    teacher_name = models.CharField(max_length=300, blank=True)
    # Each {"column": heading or "", "message": …}; a row with problems is never applied.
    problems = models.JSONField(default=list)
    # Nothing to do, said at check time (e.g. "already claimed by you").
    note = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    result_message = models.TextField(blank=True)
    induction_period = models.ForeignKey(
        "participants.InductionPeriod", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "row_number"], name="bulk_upload_row_once"),
            models.CheckConstraint(
                condition=Q(checked_at__isnull=True) | Q(date_of_birth_digest=""),
                name="bulk_upload_row_forgets_date_of_birth_digest",
                violation_error_message="A checked row keeps nothing of the date of birth.",
            ),
            models.CheckConstraint(
                condition=Q(result="", applied_at__isnull=True)
                | (~Q(result="") & Q(applied_at__isnull=False)),
                name="bulk_upload_row_applied_has_result",
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(checked_at__isnull=False, problems=[]),
                name="bulk_upload_row_applied_only_without_problems",
            ),
        ]

    def __str__(self):
        return f"Row {self.row_number} of {self.upload}"
