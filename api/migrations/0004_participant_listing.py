"""The participant listing (api.listing, docs/decisions/0039): each lead provider's participants
as GET /api/v3/participants lists them, and how far each provider's copy has got; two functions
a list request calls, each one round trip."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

import core.clock

# The lock participants migration 0003's writers take shared; readers take it alone.
API_CHANGES_LOCK = 7_000_003
# One lead provider's listing is brought up to date by one process at a time (key, provider id).
LISTING_LOCK = 7_000_039

FUNCTIONS = f"""
-- Where a list request stands: the time before which every change stamped has committed (as
-- api.queries.settled_now), the last change recorded by then, and the provider's listing's state.
CREATE FUNCTION api_participant_listing_position(
  provider bigint,
  OUT settled_at timestamptz, OUT up_to bigint, OUT change_id bigint, OUT bulk_loads bigint,
  OUT built_after_bulk_loads bigint
) LANGUAGE plpgsql AS $$
BEGIN
  settled_at := clock_timestamp();
  PERFORM pg_advisory_lock({API_CHANGES_LOCK});
  SELECT COALESCE(max(id), 0) INTO up_to FROM participants_participantchange;
  PERFORM pg_advisory_unlock({API_CHANGES_LOCK});
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO bulk_loads FROM participants_bulk_loads;
  SELECT s.change_id, s.bulk_loads INTO change_id, built_after_bulk_loads
    FROM api_participantlistingstate s WHERE s.lead_provider_id = provider;
END $$;

-- Take the provider's listing lock until the transaction ends, waiting at most wait_ms; whether
-- it was taken.
CREATE FUNCTION api_participant_listing_lock(provider bigint, wait_ms integer) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  was text := current_setting('lock_timeout');
BEGIN
  PERFORM set_config('lock_timeout', wait_ms::text, true);
  PERFORM pg_advisory_xact_lock({LISTING_LOCK}, provider::integer);
  PERFORM set_config('lock_timeout', was, true);
  RETURN true;
EXCEPTION WHEN lock_not_available THEN
  RETURN false;  -- the block's setting is undone with it
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_stamps_from_the_service_clock"),
        ("participants", "0012_bulk_loads_counted_and_provider_chain_changes"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="ParticipantListingState",
            fields=[
                (
                    "lead_provider",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="providers.leadprovider",
                    ),
                ),
                ("change_id", models.BigIntegerField()),
                ("bulk_loads", models.BigIntegerField()),
                ("built_at", models.DateTimeField(default=core.clock.now)),
            ],
        ),
        migrations.CreateModel(
            name="ParticipantListing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                (
                    "cohorts",
                    django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), size=None),
                ),
                (
                    "training_statuses",
                    django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                (
                    "enrolments",
                    django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                ("valid_from", models.DateField(null=True)),
                ("valid_until", models.DateField(null=True)),
                ("json", models.TextField()),
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
                        fields=["lead_provider", "created_at", "teacher"],
                        include=("updated_at",),
                        name="participant_listing_created",
                    ),
                    models.Index(
                        fields=["lead_provider", "updated_at", "teacher"],
                        include=("created_at",),
                        name="participant_listing_updated",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("lead_provider", "teacher"), name="participant_listing_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, migrations.RunSQL.noop),
    ]
