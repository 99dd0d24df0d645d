"""Teachers and the periods that say where they are and how they train.

A period is a row with `started_on` and `finished_on` (NULL while ongoing); both days are
included. What is true on a date is the set of periods whose range contains it. Postgres
enforces the invariants: check and exclusion constraints here, and the triggers in
migration 0002 for rules that span two tables (a child period lies inside its parent; a
mentor and mentee share a school; nobody mentors themself).
"""

import datetime
import uuid

from django.contrib.postgres.functions import RandomUUID
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now, Upper

from core import clock
from core.db import finishes_on_or_after_start, no_overlapping_periods
from schools.models import TrainingProgramme


def lies_within(inner, outer) -> bool:
    """Whether period `inner` lies inside period `outer` (both days included; no finish = ongoing)."""
    never = datetime.date.max
    return outer.started_on <= inner.started_on and (inner.finished_on or never) <= (
        outer.finished_on or never
    )


def check_children_stay_inside(period, *, mentorships) -> None:
    """Refuse, in words, dates for an ECT or mentor period that its mentorships or training would outlast."""
    if not period.pk or not period.started_on:
        return
    if any(not lies_within(mentorship, period) for mentorship in mentorships):
        raise ValidationError("A mentorship in this period would fall outside these dates: change it first.")
    if any(not lies_within(training, period) for training in period.training_periods.all()):
        raise ValidationError(
            "A training period in this period would fall outside these dates: change it first."
        )


class InductionStatus(models.TextChoices):
    """A teacher's induction status as the Teaching Record System reports it."""

    NONE = "none", "None"
    REQUIRED_TO_COMPLETE = "required_to_complete", "Required to complete"
    IN_PROGRESS = "in_progress", "In progress"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    EXEMPT = "exempt", "Exempt"


class Teacher(models.Model):
    """One person. We keep no date of birth or National Insurance number once TRS has checked them."""

    api_id = models.UUIDField("API ID", default=uuid.uuid4, unique=True, editable=False)
    trn = models.CharField("TRN", max_length=7, unique=True)
    trs_first_name = models.CharField("TRS first name", max_length=100)
    trs_last_name = models.CharField("TRS last name", max_length=100)
    corrected_name = models.CharField(
        max_length=200, blank=True, help_text="The name the school knows them by, when it differs from TRS."
    )
    trs_qts_awarded_on = models.DateField("QTS awarded on", null=True, blank=True)
    trs_induction_status = models.CharField(
        "TRS induction status", max_length=30, choices=InductionStatus.choices, blank=True
    )
    # When TRS says their induction began, as it held it before any induction period of theirs with
    # us (a body elsewhere may have started it): what we tell TRS never moves that start later.
    trs_induction_started_on = models.DateField("TRS induction started on", null=True, blank=True)
    trs_data_refreshed_at = models.DateTimeField("TRS data refreshed at", null=True, blank=True)
    # What lead providers call the teacher's ECT and mentor training records (ECF2's names).
    api_ect_training_record_id = models.UUIDField(
        "API ECT training record ID", db_default=RandomUUID(), unique=True, editable=False
    )
    api_mentor_training_record_id = models.UUIDField(
        "API mentor training record ID", db_default=RandomUUID(), unique=True, editable=False
    )
    # When anything a lead provider reads about the teacher last changed. Only the triggers in
    # migration 0003 set it, whatever wrote the change (docs/decisions/0016).
    api_updated_at = models.DateTimeField("API updated at", db_default=Now(), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trs_last_name", "trs_first_name"]
        indexes = [
            models.Index(fields=["trs_last_name", "trs_first_name"]),
            models.Index(fields=["api_updated_at", "id"]),
            # Appropriate bodies' "No QTS yet" list starts from these few.
            models.Index(
                fields=["id"], condition=Q(trs_qts_awarded_on__isnull=True), name="teacher_without_qts"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(trn__regex=r"^[0-9]{7}$"), name="teacher_trn_is_seven_digits"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.trn})"

    @property
    def full_name(self) -> str:
        return self.corrected_name or f"{self.trs_first_name} {self.trs_last_name}"


class WorkingPattern(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"


class ECTAtSchoolPeriod(models.Model):
    """An ECT at a school. An ECT is at one school at a time."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="ect_at_school_periods")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="ect_at_school_periods"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)
    email = models.EmailField()
    working_pattern = models.CharField(max_length=20, choices=WorkingPattern.choices, blank=True)
    school_reported_appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ECT at school period"
        ordering = ["-started_on"]
        # Appropriate bodies' review lists read these indexes rather than the tables.
        indexes = [
            models.Index(
                fields=["school_reported_appropriate_body", "finished_on", "teacher"],
                name="ect_period_reported_body",
            ),
            # Whether a teacher is at a school now, or was: "left their school, still open with you".
            models.Index(fields=["teacher", "finished_on"], name="ect_period_teacher_finished"),
            # Whether another teacher uses an email address, in any case (`queries.email_in_use`,
            # asked as each ECT or mentor is registered): without it, every table's rows are read.
            models.Index(Upper("email"), name="ect_period_email_any_case"),
        ]
        constraints = [
            finishes_on_or_after_start("ect_at_school_period_finishes_after_start"),
            # Also means at most one ongoing ECT period, at any school.
            no_overlapping_periods(
                "ect_at_one_school_at_a_time",
                "teacher",
                message="This ECT is already at a school on these dates.",
            ),
        ]

    def __str__(self):
        return f"ECT {self.teacher} at {self.school} from {self.started_on}"

    def clean(self):
        check_children_stay_inside(self, mentorships=self.mentorship_periods.all() if self.pk else [])


class MentorAtSchoolPeriod(models.Model):
    """A mentor at a school. A mentor may be at several schools at once, but once per school."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="mentor_at_school_periods")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="mentor_at_school_periods"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(Upper("email"), name="mentor_period_email_any_case")]  # as the ECTs'
        constraints = [
            finishes_on_or_after_start("mentor_at_school_period_finishes_after_start"),
            # Also means at most one ongoing mentor period per school.
            no_overlapping_periods(
                "mentor_once_per_school_at_a_time",
                "teacher",
                "school",
                message="This mentor is already at this school on these dates.",
            ),
        ]

    def __str__(self):
        return f"Mentor {self.teacher} at {self.school} from {self.started_on}"

    def clean(self):
        check_children_stay_inside(self, mentorships=self.mentorship_periods.all() if self.pk else [])


class MentorshipPeriod(models.Model):
    """A mentor mentoring an ECT. An ECT has one mentor at a time; a mentor may have several ECTs."""

    mentee = models.ForeignKey(ECTAtSchoolPeriod, on_delete=models.CASCADE, related_name="mentorship_periods")
    mentor = models.ForeignKey(
        MentorAtSchoolPeriod, on_delete=models.CASCADE, related_name="mentorship_periods"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            finishes_on_or_after_start("mentorship_period_finishes_after_start"),
            no_overlapping_periods(
                "ect_has_one_mentor_at_a_time",
                "mentee",
                message="This ECT already has a mentor on these dates.",
            ),
        ]

    def __str__(self):
        return f"{self.mentor.teacher} mentoring {self.mentee.teacher} from {self.started_on}"

    def clean(self):
        """Say in words what the database triggers would refuse (for admin and model forms)."""
        if not (self.mentee_id and self.mentor_id and self.started_on):
            return
        if self.mentee.teacher_id == self.mentor.teacher_id:
            raise ValidationError({"mentor": "A teacher cannot mentor themself."})
        if self.mentee.school_id != self.mentor.school_id:
            raise ValidationError({"mentor": "The mentor must be at the same school as the ECT."})
        if not lies_within(self, self.mentee):
            raise ValidationError("The mentorship must fall within the ECT's time at the school.")
        if not lies_within(self, self.mentor):
            raise ValidationError("The mentorship must fall within the mentor's time at the school.")


class TrainingPeriod(models.Model):
    """How an ECT or mentor is trained over a span of their time at a school."""

    ect_at_school_period = models.ForeignKey(
        ECTAtSchoolPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="training_periods"
    )
    mentor_at_school_period = models.ForeignKey(
        MentorAtSchoolPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="training_periods"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)
    training_programme = models.CharField(max_length=20, choices=TrainingProgramme.choices)
    # Provider-led training is confirmed through a school partnership, or, until the lead
    # provider confirms one, rests on the school's expression of interest in a lead provider.
    school_partnership = models.ForeignKey(
        "providers.SchoolPartnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_periods",
    )
    expression_of_interest = models.ForeignKey(
        "providers.ActiveLeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When a lead provider may declare each milestone; provider-led training only.
    schedule = models.ForeignKey(
        "providers.Schedule", null=True, blank=True, on_delete=models.PROTECT, related_name="training_periods"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=100, blank=True)
    deferred_at = models.DateTimeField(null=True, blank=True)
    deferral_reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            finishes_on_or_after_start("training_period_finishes_after_start"),
            models.CheckConstraint(
                condition=(Q(ect_at_school_period__isnull=False) & Q(mentor_at_school_period__isnull=True))
                | (Q(ect_at_school_period__isnull=True) & Q(mentor_at_school_period__isnull=False)),
                name="training_period_belongs_to_one_ect_or_mentor_period",
            ),
            models.CheckConstraint(
                condition=(
                    Q(training_programme=TrainingProgramme.PROVIDER_LED)
                    & (Q(school_partnership__isnull=False) | Q(expression_of_interest__isnull=False))
                )
                | (
                    Q(training_programme=TrainingProgramme.SCHOOL_LED)
                    & Q(school_partnership__isnull=True)
                    & Q(expression_of_interest__isnull=True)
                ),
                name="training_period_provider_led_has_provider_school_led_has_none",
            ),
            models.CheckConstraint(
                condition=Q(mentor_at_school_period__isnull=True)
                | Q(training_programme=TrainingProgramme.PROVIDER_LED),
                name="mentor_training_is_provider_led",
            ),
            models.CheckConstraint(
                condition=Q(training_programme=TrainingProgramme.PROVIDER_LED, schedule__isnull=False)
                | Q(training_programme=TrainingProgramme.SCHOOL_LED, schedule__isnull=True),
                name="training_period_provider_led_has_a_schedule",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="training_period_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(deferred_at__isnull=True, deferral_reason="")
                | (Q(deferred_at__isnull=False) & ~Q(deferral_reason="")),
                name="training_period_deferral_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(deferred_at__isnull=True),
                name="training_period_not_both_withdrawn_and_deferred",
            ),
            no_overlapping_periods(
                "ect_training_periods_do_not_overlap",
                "ect_at_school_period",
                message="This ECT already has training on these dates.",
                condition=Q(ect_at_school_period__isnull=False),
            ),
            no_overlapping_periods(
                "mentor_training_periods_do_not_overlap",
                "mentor_at_school_period",
                message="This mentor already has training on these dates.",
                condition=Q(mentor_at_school_period__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_training_programme_display()} training from {self.started_on}"

    def clean(self):
        """Say in words what the database trigger would refuse (for admin and model forms)."""
        parent = self.ect_at_school_period if self.ect_at_school_period_id else self.mentor_at_school_period
        if parent is None or not self.started_on:
            return
        if not lies_within(self, parent):
            raise ValidationError("The training period must fall within the teacher's time at the school.")
        if self.school_partnership_id is None:
            return
        if self.school_partnership.school_id != parent.school_id:
            raise ValidationError({"school_partnership": "This partnership is with another school."})
        partnership_lead_provider = (
            self.school_partnership.lead_provider_delivery_partnership.active_lead_provider
        )
        if (
            self.expression_of_interest_id
            and self.expression_of_interest.lead_provider_id != partnership_lead_provider.lead_provider_id
        ):
            raise ValidationError(
                {
                    "expression_of_interest": "The partnership and the expression of interest name different lead providers."
                }
            )


class InductionOutcome(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Failed"


class InductionPeriod(models.Model):
    """A span of statutory induction overseen by an appropriate body, as that body records it."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="induction_periods")
    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", on_delete=models.PROTECT, related_name="induction_periods"
    )
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)
    induction_programme = models.CharField(max_length=20, choices=TrainingProgramme.choices)
    number_of_terms = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=InductionOutcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        # Open inductions, by teacher (is anyone's open?) and by body (whose are open with it?).
        indexes = [
            models.Index(
                fields=["teacher", "appropriate_body"],
                condition=Q(finished_on__isnull=True),
                name="induction_period_open_teacher",
            ),
            models.Index(
                fields=["appropriate_body", "teacher"],
                condition=Q(finished_on__isnull=True),
                name="induction_period_open_body",
            ),
            # Whose induction has an outcome (the "reported, not yet claimed" list leaves them out).
            models.Index(fields=["teacher"], condition=~Q(outcome=""), name="induction_period_with_outcome"),
        ]
        constraints = [
            finishes_on_or_after_start("induction_period_finishes_after_start"),
            no_overlapping_periods(
                "induction_periods_do_not_overlap",
                "teacher",
                message="This teacher already has an induction period on these dates.",
            ),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True, number_of_terms__isnull=True)
                | Q(finished_on__isnull=False, number_of_terms__isnull=False),
                name="induction_period_finished_has_number_of_terms",
            ),
            models.CheckConstraint(
                condition=Q(number_of_terms__isnull=True)
                | Q(number_of_terms__gte=0, number_of_terms__lte=16),
                name="induction_period_number_of_terms_range",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(finished_on__isnull=False),
                name="induction_period_outcome_only_when_finished",
            ),
        ]

    def __str__(self):
        return f"Induction of {self.teacher} with {self.appropriate_body} from {self.started_on}"


class ParticipantChange(models.Model):
    """A change to what lead providers read about a teacher, in the order the changes can be
    read: the change feed of the API. Written only by the triggers in migration 0003."""

    id = models.BigAutoField(primary_key=True)
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["teacher", "id"])]

    def __str__(self):
        return f"Change {self.id} to {self.teacher_id} at {self.changed_at}"


class TeacherIdChange(models.Model):
    """A teacher's API id that was retired when support merged a duplicate record into this one."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="api_id_changes")
    from_api_id = models.UUIDField("from API ID", unique=True)
    changed_at = models.DateTimeField(default=clock.now, db_default=Now())

    class Meta:
        ordering = ["changed_at"]

    def __str__(self):
        return f"{self.from_api_id} became {self.teacher.api_id}"


class StatusSweep(models.Model):
    """A day whose date-driven changes (a teacher joining or leaving on it) have been recorded
    as participant changes (participants.tasks)."""

    day = models.DateField(primary_key=True)
    swept_at = models.DateTimeField(default=clock.now, db_default=Now())

    def __str__(self):
        return str(self.day)


class TRSInductionUpdate(models.Model):
    """The outbox of induction writes to TRS: one row per claim, outcome or release to tell it.

    A service writes the row in the transaction that makes the change (`services.
    queue_trs_induction_update`); Celery sends it after commit (`participants.tasks`), one at a
    time per teacher and oldest first. The row keeps what was sent and TRS's answer, so support
    can see both, and a refusal stays here as a problem to resolve (docs/decisions/0023).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by TRS"
        FAILED = "failed", "Failed (TRS unavailable)"

    PROBLEMS = (Status.REFUSED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="trs_induction_updates")
    trn = models.CharField("TRN", max_length=7, help_text="The TRN written to, as it was when queued.")
    request = models.JSONField(help_text="The body of PUT /v3/persons/{trn}/cpd-induction.")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    response = models.JSONField(
        "TRS's answer",
        null=True,
        blank=True,
        help_text="TRS's status code and, when it refused, its problem.",
    )
    # Python's clock: updates queued in one transaction keep their order, which is the order sent.
    created_at = models.DateTimeField(default=clock.now)
    next_attempt_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "TRS induction update"
        ordering = ["-created_at"]
        permissions = [("send_trsinductionupdate_again", "Can send a TRS induction update again")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="trs_update_status_next_attempt"),
            models.Index(fields=["teacher", "created_at"], name="trs_update_teacher_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "refused", "failed"]),
                name="trs_update_status_known",
                violation_error_message="The status must be pending, sent, refused or failed.",
            ),
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False))
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="trs_update_sent_exactly_when_sent_at",
                violation_error_message="An update has a sent time exactly when it was sent.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending"]) | (Q(attempts__gte=1) & Q(response__isnull=False)),
                name="trs_update_answered_after_an_attempt",
                violation_error_message="A sent, refused or failed update was attempted and has TRS's answer.",
            ),
            models.CheckConstraint(
                condition=Q(trn__regex=r"^[0-9]{7}$"),
                name="trs_update_trn_is_7_digits",
                violation_error_message="A TRN is 7 digits.",
            ),
        ]

    def __str__(self):
        status = (self.request or {}).get("status", "?")
        return f"Induction {status} for TRN {self.trn} ({self.get_status_display().lower()})"
