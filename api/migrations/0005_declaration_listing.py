"""Declarations listed with participants (api.listing): every provider's listings are built again."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0013_lead_provider_name_is_a_change"),
        ("api", "0004_participant_listing"),
        ("finance", "0004_contract_and_statement_invariants"),
        ("participants", "0012_bulk_loads_counted_and_provider_chain_changes"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeclarationListing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("cohort", models.IntegerField(null=True)),
                ("participant_api_id", models.UUIDField()),
                ("delivery_partner_api_id", models.UUIDField(null=True)),
                ("json", models.TextField()),
                (
                    "declaration",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="finance.declaration",
                    ),
                ),
                (
                    "lead_provider",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="providers.leadprovider",
                    ),
                ),
                (
                    "teacher",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="participants.teacher",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["lead_provider", "created_at", "declaration"],
                        include=("updated_at",),
                        name="declaration_listing_created",
                    ),
                    models.Index(fields=["lead_provider", "updated_at"], name="declaration_listing_updated"),
                    models.Index(fields=["lead_provider", "teacher"], name="declaration_listing_teacher"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("lead_provider", "declaration"), name="declaration_listing_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL("DELETE FROM api_participantlistingstate", migrations.RunSQL.noop),
    ]
