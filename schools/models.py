from django.contrib.postgres.functions import RandomUUID
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from core import clock
from schools.eligibility import OPEN_STATUSES


class TrainingProgramme(models.TextChoices):
    """How a school runs a year's training (ECF1: FIP, CIP/DIY; "no ECTs" is a school's answer)."""

    PROVIDER_LED = "provider_led", "Provider-led"
    SCHOOL_LED = "school_led", "School-led"


class School(models.Model):
    """An establishment from GIAS, with what we decided about its funding and its last choices."""

    urn = models.PositiveIntegerField("URN", unique=True)
    api_id = models.UUIDField("API ID", db_default=RandomUUID(), unique=True, editable=False)
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


class SchoolRole(models.TextChoices):
    INDUCTION_TUTOR = "induction_tutor", "Induction tutor"
    COLLEAGUE = "colleague", "Colleague"


class SchoolAccess(models.Model):
    """A person who may manage a school's training: its induction tutor, nominated by the
    headteacher, or a colleague the tutor added. Access ends by setting `ended_at`; the row stays
    as history. One person may have access to several schools."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="school_access")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="access")
    role = models.CharField(max_length=20, choices=SchoolRole.choices)
    started_at = models.DateTimeField(default=clock.now, db_default=Now())
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "school access"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(ended_at__isnull=True),
                name="school_access_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(ended_at__isnull=True, role=SchoolRole.INDUCTION_TUTOR),
                name="school_has_one_induction_tutor",
                violation_error_message="This school already has an induction tutor.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="school_access_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.school}"


class NominationLink(models.Model):
    """The link emailed to a school's GIAS address so the headteacher can nominate an induction
    tutor. Valid for 21 days and once; only a hash of its token is stored. Its rows also pace
    requests per school."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="nomination_links")
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now, db_default=Now())
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["school", "created_at"]),
            models.Index(fields=["requested_from", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="nomination_link_expires_after_creation"
            ),
        ]

    def __str__(self):
        return f"Nomination link for {self.school}, expires {self.expires_at:%Y-%m-%d}"


class ExpectsECTs(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "We do not know yet"


class YearProgramme(models.TextChoices):
    """A school's answer to "How do you want to run your training?" for one contract period."""

    PROVIDER_LED = "provider_led", "Training provider, funded by the DfE"
    SCHOOL_LED = "school_led", "Your own programme"
    NO_ECTS = "no_ects", "No early career teachers expected"


class SchoolContractPeriodChoice(models.Model):
    """What a school told us about one contract period: whether it expects ECTs and, once it has
    set the year up, how it will run training, with which lead provider and appropriate body.

    A headteacher's nomination records only `expects_ects`; `programme` stays blank until the
    induction tutor sets the year up. The lead provider is the school's expression of interest:
    the lead provider confirms it (with a delivery partner) as a school partnership.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="contract_period_choices")
    contract_period = models.ForeignKey(
        "providers.ContractPeriod", on_delete=models.PROTECT, related_name="+"
    )
    expects_ects = models.CharField("Expects ECTs", max_length=10, choices=ExpectsECTs.choices)
    programme = models.CharField(max_length=20, choices=YearProgramme.choices, blank=True)
    lead_provider = models.ForeignKey(
        "providers.ActiveLeadProvider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="school_choices",
        help_text="The lead provider the school chose (its expression of interest) in this contract period.",
    )
    appropriate_body = models.ForeignKey(
        "providers.AppropriateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "contract_period"], name="one_choice_per_school_and_contract_period"
            ),
            # "No ECTs expected" is one answer, whichever question gave it.
            models.CheckConstraint(
                condition=Q(expects_ects=ExpectsECTs.NO, programme=YearProgramme.NO_ECTS)
                | (~Q(expects_ects=ExpectsECTs.NO) & ~Q(programme=YearProgramme.NO_ECTS)),
                name="choice_no_ects_is_one_answer",
                violation_error_message="A school that expects no ECTs runs no programme, and the reverse.",
            ),
            models.CheckConstraint(
                condition=Q(programme=YearProgramme.PROVIDER_LED, lead_provider__isnull=False)
                | (~Q(programme=YearProgramme.PROVIDER_LED) & Q(lead_provider__isnull=True)),
                name="choice_provider_led_names_a_lead_provider",
                violation_error_message="Provider-led training needs a lead provider; other programmes have none.",
            ),
            models.CheckConstraint(
                condition=Q(
                    programme__in=[YearProgramme.PROVIDER_LED, YearProgramme.SCHOOL_LED],
                    appropriate_body__isnull=False,
                )
                | (
                    ~Q(programme__in=[YearProgramme.PROVIDER_LED, YearProgramme.SCHOOL_LED])
                    & Q(appropriate_body__isnull=True)
                ),
                name="choice_training_has_an_appropriate_body",
                violation_error_message="A school running training needs an appropriate body.",
            ),
        ]

    def __str__(self):
        return f"{self.school} in {self.contract_period}: {self.get_programme_display() or 'not set up'}"

    @property
    def is_set_up(self) -> bool:
        return bool(self.programme)

    def clean(self):
        """Say in words what the database trigger would refuse (for admin)."""
        if (
            self.lead_provider_id
            and self.contract_period_id
            and self.lead_provider.contract_period_id != self.contract_period_id
        ):
            raise ValidationError(
                {"lead_provider": "Choose a lead provider active in this choice's contract period."}
            )


class SchoolFundingFlags(models.Model):
    """Whether a school counted as a pupil premium or a sparsity school in a contract period: its
    participants' training then earns the contract's uplift (contracts up to 2024)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="funding_flags")
    contract_period = models.ForeignKey(
        "providers.ContractPeriod", on_delete=models.PROTECT, related_name="school_funding_flags"
    )
    pupil_premium = models.BooleanField("pupil premium uplift", default=False)
    sparsity = models.BooleanField("sparsity uplift", default=False)

    class Meta:
        verbose_name_plural = "school funding flags"
        ordering = ["school", "contract_period"]
        # Finance staff import the flags from a CSV file (schools.funding_flags); nobody edits them.
        permissions = [("import_schoolfundingflags", "Can import pupil premium and sparsity flags")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "contract_period"], name="one_set_of_funding_flags_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.school} in {self.contract_period_id}"


class FundingFlagsUpload(models.Model):
    """A CSV file of pupil premium and sparsity flags that someone uploaded in admin and the
    service found no problem in, kept while they look at what it would change and after they
    import it, as the record of what was imported (the import's event names it)."""

    uploaded_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a file imported with the import_funding_flags command.",
    )
    uploaded_at = models.DateTimeField(default=clock.now, db_default=Now())
    file_name = models.CharField(max_length=255)
    content = models.TextField(help_text="The file's text, read as UTF-8.")
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Of the file's bytes as uploaded.")
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class SchoolPageChange(models.Model):
    """A write to what a school's dashboard pages show: a row for each school a statement touched,
    written by the database's triggers in the writer's transaction (schools migration 0010; the
    reference data's are `ReferencePageChange`s). A school's page version is how many changes to
    it have committed (the sum of `changes`): it grows with each commit that touches the school,
    and only then, so a page kept under one version is never served once a later write commits.
    Rows are only ever added (writers never wait for each other here), and collapsed now and then
    into one per school with the same sum (`collapse_page_changes`). Not a foreign key: a trigger
    may name a school being deleted."""

    school_id = models.BigIntegerField()
    changes = models.IntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["school_id"], include=["changes"], name="school_page_changes_sum")]
        constraints = [
            models.CheckConstraint(condition=Q(changes__gt=0), name="school_page_changes_positive")
        ]

    def __str__(self):
        return f"School {self.school_id}: {self.changes} change(s)"


class ReferencePageChange(models.Model):
    """A write to the reference data every school's pages show (names of providers, partners and
    bodies, contract periods, the provider chain), or a bulk load: a row a statement, written by
    the database's triggers in the writer's transaction (schools migration 0011). Every page
    version includes their sum. A table of their own, however PostgreSQL's statistics stand, that
    sum reads only these few rows (decision 0050); only ever added, and collapsed with the
    schools' changes."""

    changes = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(changes__gt=0), name="reference_page_changes_positive")
        ]

    def __str__(self):
        return f"Reference data: {self.changes} change(s)"


class PageVersionEpoch(models.Model):
    """A random value per database, in every page version: a cache kept across a database built
    again (whose counts of changes start again) cannot match a page kept before. A database
    restored from a backup keeps its epoch with lower counts: clear the cache after a restore
    (decision 0046)."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    epoch = models.UUIDField(db_default=RandomUUID())

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="page_version_epoch_is_one_row")]

    def __str__(self):
        return f"Page versions of {self.epoch}"
