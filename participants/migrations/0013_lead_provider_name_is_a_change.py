"""A lead provider's name shows on each of its declarations (lead_provider_name), which providers
read as part of their participants' records: a new name is a change to every teacher it declared
for, recorded like the rest (migration 0003), so a poll of declarations and the API's listings
(api.listing) see it."""

from django.db import migrations

SQL = """
CREATE FUNCTION providers_leadprovider_update_api_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(
    SELECT DISTINCT d.teacher_id FROM finance_declaration d
    WHERE d.lead_provider_id IN (
      SELECT n.id FROM rows n JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name
    )));
  RETURN NULL;
END $$;
CREATE TRIGGER providers_leadprovider_update_api_changed AFTER UPDATE ON providers_leadprovider
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS rows FOR EACH STATEMENT
  EXECUTE FUNCTION providers_leadprovider_update_api_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0012_bulk_loads_counted_and_provider_chain_changes"),
        ("finance", "0004_contract_and_statement_invariants"),
    ]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
