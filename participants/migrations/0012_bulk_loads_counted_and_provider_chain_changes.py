"""Two things a copy of what lead providers read (the API's participant listing, api migration
0004) needs from the change record of migration 0003:

- A bulk load (participants.bulk_load, the seeds) records no changes, so it is counted instead:
  `participants_bulk_loads` moves on (outside any transaction, so even a load rolled back counts)
  each time a statement of one skips the record. A copy built before the count last moved may
  miss rows the load wrote, and is built again.
- An admin edit of the provider chain above a partnership changes who trains the teachers
  trained through it, and which cohort their enrolment shows, without any row of theirs being
  written: a pairing moved to another lead provider's year, or a lead provider's year moved to
  another provider or year. Each is now a change to those teachers, like a pairing's new delivery
  partner (migration 0004)."""

import importlib

from django.db import migrations

first = importlib.import_module("participants.migrations.0003_api_changes")

FUNCTION = f"""
CREATE SEQUENCE participants_bulk_loads;

CREATE OR REPLACE FUNCTION participants_api_changed(teacher_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('participants.bulk_load', true) = 'on' THEN
    PERFORM nextval('participants_bulk_loads');
    RETURN;
  END IF;
  IF cardinality(teacher_ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared({first.API_CHANGES_LOCK});
  -- Lock the teachers in id order so two writers cannot deadlock on them.
  PERFORM 1 FROM participants_teacher WHERE id = ANY(teacher_ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE participants_teacher SET api_updated_at = clock_timestamp() WHERE id = ANY(teacher_ids);
  INSERT INTO participants_participantchange (teacher_id, changed_at)
    SELECT id, clock_timestamp() FROM (SELECT DISTINCT unnest(teacher_ids) AS id) AS touched
    WHERE id IS NOT NULL ORDER BY id;
END $$;
"""

# Teachers trained through the partnerships of the pairings in `pairings` (a query of their ids).
TEACHERS_OF_PAIRINGS = (
    "SELECT e.teacher_id FROM providers_schoolpartnership p"
    " JOIN participants_trainingperiod t ON t.school_partnership_id = p.id"
    " JOIN participants_ectatschoolperiod e ON e.id = t.ect_at_school_period_id"
    " WHERE p.lead_provider_delivery_partnership_id IN ({pairings})"
    " UNION SELECT m.teacher_id FROM providers_schoolpartnership p"
    " JOIN participants_trainingperiod t ON t.school_partnership_id = p.id"
    " JOIN participants_mentoratschoolperiod m ON m.id = t.mentor_at_school_period_id"
    " WHERE p.lead_provider_delivery_partnership_id IN ({pairings})"
)

CHAIN = {
    # table: (columns whose change matters, the pairings a changed row stands above)
    "providers_leadproviderdeliverypartnership": (
        ("delivery_partner_id", "active_lead_provider_id"),
        "SELECT id FROM changed",
    ),
    "providers_activeleadprovider": (
        ("lead_provider_id", "contract_period_id"),
        "SELECT d.id FROM providers_leadproviderdeliverypartnership d"
        " WHERE d.active_lead_provider_id IN (SELECT id FROM changed)",
    ),
}


def chain_triggers() -> str:
    sql = []
    for table, (columns, pairings) in CHAIN.items():
        name = f"{table}_update_api_changed"
        differs = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in columns)
        teachers = TEACHERS_OF_PAIRINGS.format(pairings=pairings)
        sql.append(f"""
DROP TRIGGER IF EXISTS {name} ON {table};
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(
    WITH changed AS (SELECT n.id FROM rows n JOIN old_rows o ON o.id = n.id WHERE {differs})
    SELECT DISTINCT teacher_id FROM ({teachers}) AS touched));
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    return "".join(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0011_api_changes_for_funding_facts"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
    ]

    operations = [migrations.RunSQL(FUNCTION + chain_triggers(), migrations.RunSQL.noop)]
