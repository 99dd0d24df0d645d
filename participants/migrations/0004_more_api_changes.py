"""Changes to what lead providers read that migration 0003 did not stamp (found in review):
- an update now stamps the teachers of the rows as they were as well as as they are (a row moved
  from one teacher or ECT to another changes both);
- a school's URN or funding eligibility, which its teachers' enrolments show;
- a pairing's delivery partner, which everyone trained through its partnerships shows."""

import importlib

from django.db import migrations

earlier = importlib.import_module("participants.migrations.0003_api_changes")

TEACHERS_OF_SCHOOLS = (
    "SELECT teacher_id FROM participants_ectatschoolperiod WHERE school_id IN (SELECT id FROM changed)"
    " UNION SELECT teacher_id FROM participants_mentoratschoolperiod WHERE school_id IN (SELECT id FROM changed)"
)
TEACHERS_OF_PAIRINGS = earlier.TEACHERS_OF_ROWS["providers_schoolpartnership"].replace(
    "FROM rows",
    "FROM (SELECT p.* FROM providers_schoolpartnership p JOIN changed"
    " ON p.lead_provider_delivery_partnership_id = changed.id) AS rows",
)


def update_triggers() -> str:
    sql = []
    for table, teachers in earlier.TEACHERS_OF_ROWS.items():
        if "UPDATE" not in earlier.EVENTS[table]:
            continue
        name = f"{table}_update_api_changed"
        both = f"{teachers} UNION {teachers.replace('rows', 'old_rows')}"
        sql.append(f"""
DROP TRIGGER {name} ON {table};
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(SELECT DISTINCT teacher_id FROM ({both}) AS touched));
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    for table, columns, teachers in (
        ("schools_school", ("urn", "eligible_for_funding"), TEACHERS_OF_SCHOOLS),
        ("providers_leadproviderdeliverypartnership", ("delivery_partner_id",), TEACHERS_OF_PAIRINGS),
    ):
        name = f"{table}_update_api_changed"
        differs = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in columns)
        sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
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
        ("participants", "0003_api_changes"),
        ("schools", "0006_school_api_id"),
    ]

    operations = [migrations.RunSQL(update_triggers(), migrations.RunSQL.noop)]
