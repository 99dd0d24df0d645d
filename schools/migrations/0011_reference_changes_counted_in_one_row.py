"""The reference data's changes counted in the one row of `schools_pageversionepoch` (issue 19).

They were rows of `schools_schoolpagechange` with no school, summed on every cached page. With the
table's statistics gathered when those rows were all it held (after a bulk load, before autovacuum
ran again), PostgreSQL read the whole table for that sum: 0.7 ms a page on the England seed, more
with every change recorded. Reference data changes rarely (an admin renames a provider, finance
adds a contract period, a bulk load), so its writers may well take turns on one row; a page reads
the count by its key. Every school's changes are still only inserted, so no writer at a school
waits for another."""

from django.db import migrations, models

FORWARDS = """
UPDATE schools_pageversionepoch
   SET reference_changes = (SELECT coalesce(sum(changes), 0) FROM schools_schoolpagechange WHERE school_id IS NULL)
 WHERE id = 1;
DELETE FROM schools_schoolpagechange WHERE school_id IS NULL;

CREATE OR REPLACE FUNCTION schools_reference_page_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE schools_pageversionepoch SET reference_changes = reference_changes + 1 WHERE id = 1;
END $$;
"""

BACKWARDS = """
CREATE OR REPLACE FUNCTION schools_reference_page_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO schools_schoolpagechange (school_id, changes) VALUES (NULL, 1);
END $$;

INSERT INTO schools_schoolpagechange (school_id, changes)
  SELECT NULL, reference_changes FROM schools_pageversionepoch WHERE id = 1 AND reference_changes > 0;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0010_school_page_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="pageversionepoch",
            name="reference_changes",
            field=models.BigIntegerField(db_default=0),
        ),
        # Back: the column may hold NULL again before the count goes back into rows.
        migrations.AlterField(
            model_name="schoolpagechange",
            name="school_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunSQL(FORWARDS, BACKWARDS),
        migrations.AlterField(
            model_name="schoolpagechange",
            name="school_id",
            field=models.BigIntegerField(),
        ),
    ]
