"""Contracts (versions and their price bands), statement adjustments, and the statement
lifecycle: open, payable, paid with its calculation written down (docs/decisions/0038).

Statements marked paid before statements carried money are given what they were paid: nothing
(no rows, every total £0.00, no contract), and count as payable from the moment they were paid."""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

import core.clock

ZERO = "0.00"
PAID_WITHOUT_MONEY = {
    "format": 1,
    "contract": None,
    "rows": [],
    "totals": dict.fromkeys(
        [
            "output_fees",
            "service_fee",
            "uplifts",
            "clawbacks",
            "adjustments",
            "total_before_vat",
            "vat",
            "total",
        ],
        ZERO,
    ),
    "band_fill": [],
}


def paid_before_money(apps, schema_editor):
    Statement = apps.get_model("finance", "Statement")
    Statement.objects.using(schema_editor.connection.alias).filter(paid_at__isnull=False).update(
        marked_payable_at=models.F("paid_at"), calculation=PAID_WITHOUT_MONEY
    )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0002_declarations_change_participants"),
        ("participants", "0011_api_changes_for_funding_facts"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Contract",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(editable=False)),
                (
                    "in_force_from",
                    models.DateField(
                        help_text="Statements whose deadline is on or after this day are calculated with this version."
                    ),
                ),
                (
                    "contract_type",
                    models.CharField(
                        choices=[
                            ("banded_with_uplifts", "ECTs and mentors banded, with uplifts (up to 2024)"),
                            ("ects_banded_mentors_flat", "ECTs banded, mentors at a flat rate (from 2025)"),
                        ],
                        editable=False,
                        max_length=30,
                    ),
                ),
                (
                    "recruitment_target",
                    models.PositiveIntegerField(help_text="Participants the provider expects to train."),
                ),
                (
                    "set_up_fee",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        help_text="Paid up front; the service fee worked out from the bands nets it off.",
                        max_digits=12,
                    ),
                ),
                (
                    "monthly_service_fee",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Leave empty to work it out from the bands and the recruitment target.",
                        max_digits=12,
                        null=True,
                    ),
                ),
                (
                    "uplift_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Per started participant at a pupil premium or sparsity school (contracts up to 2024).",
                        max_digits=8,
                        null=True,
                    ),
                ),
                ("vat_applicable", models.BooleanField(default=False, verbose_name="VAT applies")),
                (
                    "mentor_flat_rate",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Per mentor, half on started and half on completed (contracts from 2025 only).",
                        max_digits=8,
                        null=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=core.clock.now,
                        editable=False,
                    ),
                ),
            ],
            options={
                "ordering": ["active_lead_provider", "-version"],
            },
        ),
        migrations.CreateModel(
            name="PriceBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "letter",
                    models.CharField(choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")], max_length=1),
                ),
                ("min", models.PositiveIntegerField(verbose_name="from participant")),
                ("max", models.PositiveIntegerField(verbose_name="to participant")),
                (
                    "price",
                    models.DecimalField(decimal_places=2, max_digits=8, verbose_name="price per participant"),
                ),
            ],
            options={
                "ordering": ["contract", "letter"],
            },
        ),
        migrations.CreateModel(
            name="StatementAdjustment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                ("reason", models.TextField()),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(), default=core.clock.now
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="statement",
            name="calculation",
            field=models.JSONField(
                blank=True,
                help_text="The rows and totals as authorised for payment (amounts as strings): a paid statement is read from here, never calculated again.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="marked_payable_at",
            field=models.DateTimeField(
                blank=True, help_text="When its deadline had passed and it became payable.", null=True
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="paid_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who authorised it for payment.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="paid_at",
            field=models.DateTimeField(
                blank=True, help_text="When finance authorised it for payment.", null=True
            ),
        ),
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(
                fields=["payment_statement", "payment_status", "course_identifier", "declaration_type"],
                name="declaration_payment_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(
                fields=["clawback_statement", "clawback_status", "course_identifier", "declaration_type"],
                name="declaration_clawback_counts",
            ),
        ),
        migrations.RunPython(paid_before_money, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("calculation__isnull", True), ("paid_at__isnull", True), ("paid_by__isnull", True)
                    ),
                    models.Q(
                        ("calculation__isnull", False),
                        ("marked_payable_at__isnull", False),
                        ("paid_at__gte", models.F("marked_payable_at")),
                        ("paid_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="statement_paid_when_payable_with_its_calculation",
            ),
        ),
        migrations.AddField(
            model_name="contract",
            name="active_lead_provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contracts",
                to="providers.activeleadprovider",
            ),
        ),
        migrations.AddField(
            model_name="contract",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Empty when the service made it (demo data).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="priceband",
            name="contract",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="bands", to="finance.contract"
            ),
        ),
        migrations.AddField(
            model_name="statementadjustment",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="statementadjustment",
            name="statement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="adjustments",
                to="finance.statement",
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.UniqueConstraint(
                fields=("active_lead_provider", "version"), name="one_contract_version_each"
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="contract_version_from_one"
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("set_up_fee__gte", 0),
                    models.Q(
                        ("monthly_service_fee__isnull", True),
                        ("monthly_service_fee__gte", 0),
                        _connector="OR",
                    ),
                    models.Q(("uplift_amount__isnull", True), ("uplift_amount__gte", 0), _connector="OR"),
                    models.Q(
                        ("mentor_flat_rate__isnull", True), ("mentor_flat_rate__gte", 0), _connector="OR"
                    ),
                ),
                name="contract_money_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("contract_type", "banded_with_uplifts"), ("mentor_flat_rate__isnull", True)),
                    models.Q(
                        ("contract_type", "ects_banded_mentors_flat"),
                        ("mentor_flat_rate__isnull", False),
                        ("uplift_amount__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="contract_mentor_rate_and_uplift_fit_its_type",
            ),
        ),
        migrations.AddConstraint(
            model_name="priceband",
            constraint=models.UniqueConstraint(fields=("contract", "letter"), name="one_band_of_each_letter"),
        ),
        migrations.AddConstraint(
            model_name="priceband",
            constraint=models.CheckConstraint(
                condition=models.Q(("letter__in", ["A", "B", "C", "D"])), name="band_letter_a_to_d"
            ),
        ),
        migrations.AddConstraint(
            model_name="priceband",
            constraint=models.CheckConstraint(
                condition=models.Q(("max__gte", models.F("min")), ("max__gte", 1), ("price__gte", 0)),
                name="band_ends_after_it_starts",
            ),
        ),
        migrations.AddConstraint(
            model_name="statementadjustment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount", 0), _negated=True), name="adjustment_not_zero"
            ),
        ),
        migrations.AddConstraint(
            model_name="statementadjustment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("name", ""), _negated=True), models.Q(("reason", ""), _negated=True)
                ),
                name="adjustment_named_with_a_reason",
            ),
        ),
    ]
