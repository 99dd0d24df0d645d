"""What lead providers read that earlier migrations did not stamp (issue 17):
- a school's pupil premium and sparsity flags, which its teachers' enrolments show as uplifts;
- a contract period's payments being frozen, which shows as cohort_changed_after_payments_frozen
  for teachers whose school period started in it and who train in a later period;
- a teacher's TRN being confirmed against TRS (teacher_reference_number_validated)."""

from django.db import migrations

SCHOOLS_TEACHERS = (
    "SELECT teacher_id FROM participants_ectatschoolperiod WHERE school_id IN (SELECT school_id FROM {rows})"
    " UNION SELECT teacher_id FROM participants_mentoratschoolperiod"
    " WHERE school_id IN (SELECT school_id FROM {rows})"
)


def funding_flags_triggers() -> str:
    sql = []
    for event, tables in (("INSERT", ("rows",)), ("DELETE", ("rows",)), ("UPDATE", ("rows", "old_rows"))):
        name = f"schools_schoolfundingflags_{event.lower()}_api_changed"
        teachers = " UNION ".join(SCHOOLS_TEACHERS.format(rows=table) for table in tables)
        referencing = {
            "INSERT": "NEW TABLE AS rows",
            "DELETE": "OLD TABLE AS rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS rows",
        }[event]
        sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(SELECT DISTINCT teacher_id FROM ({teachers}) AS touched));
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON schools_schoolfundingflags
  REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    return "".join(sql)


FROZEN = """
CREATE FUNCTION providers_contractperiod_update_api_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(
    WITH changed AS (
      SELECT n.started_on, n.finished_on FROM rows n JOIN old_rows o ON o.year = n.year
      WHERE (n.payments_frozen_at IS NULL) IS DISTINCT FROM (o.payments_frozen_at IS NULL)
    )
    SELECT DISTINCT teacher_id FROM (
      SELECT p.teacher_id FROM participants_ectatschoolperiod p JOIN changed
        ON p.started_on BETWEEN changed.started_on AND changed.finished_on
      UNION SELECT p.teacher_id FROM participants_mentoratschoolperiod p JOIN changed
        ON p.started_on BETWEEN changed.started_on AND changed.finished_on
    ) AS touched));
  RETURN NULL;
END $$;
CREATE TRIGGER providers_contractperiod_update_api_changed AFTER UPDATE ON providers_contractperiod
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS rows FOR EACH STATEMENT
  EXECUTE FUNCTION providers_contractperiod_update_api_changed();
"""

TEACHER = """
CREATE OR REPLACE FUNCTION participants_teacher_api_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.trn, NEW.trs_first_name, NEW.trs_last_name, NEW.corrected_name, NEW.trs_data_refreshed_at IS NULL)
     IS DISTINCT FROM (OLD.trn, OLD.trs_first_name, OLD.trs_last_name, OLD.corrected_name,
                       OLD.trs_data_refreshed_at IS NULL) THEN
    PERFORM participants_api_changed(ARRAY[NEW.id]);
  END IF;
  RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0010_induction_with_outcome_index"),
        ("schools", "0008_school_funding_flags"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
    ]

    operations = [migrations.RunSQL(funding_flags_triggers() + FROZEN + TEACHER, migrations.RunSQL.noop)]
