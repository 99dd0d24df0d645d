from django.db import migrations

SQL = """
CREATE FUNCTION audit_refuse_change_to_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'events_are_append_only';
END $$;

CREATE TRIGGER events_are_append_only
  BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change_to_event();
"""

REVERSE_SQL = """
DROP TRIGGER events_are_append_only ON audit_event;
DROP FUNCTION audit_refuse_change_to_event();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
