"""A mentor's completed declaration ends their funded training, which their participant JSON shows
(mentor_funding_end_date, mentor_ineligible_for_funding_reason): so a declaration written, voided or
clawed back is a change to the participant, recorded like every other (participants migration 0003)."""

from django.db import migrations

SQL = "".join(
    f"""
CREATE FUNCTION finance_declaration_{event.lower()}_api_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(SELECT DISTINCT teacher_id FROM rows));
  RETURN NULL;
END $$;
CREATE TRIGGER finance_declaration_{event.lower()}_api_changed AFTER {event} ON finance_declaration
  REFERENCING NEW TABLE AS rows FOR EACH STATEMENT
  EXECUTE FUNCTION finance_declaration_{event.lower()}_api_changed();
"""
    for event in ("INSERT", "UPDATE")
)


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_declarations_and_statements"),
        ("participants", "0003_api_changes"),
    ]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
