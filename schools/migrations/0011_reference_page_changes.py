"""The reference data's changes recorded in a table of their own (issue 19, decision 0050).

They were rows of `schools_schoolpagechange` with no school, summed on every cached page. With the
table's statistics gathered when those rows were all it held (after a bulk load, before autovacuum
ran again), PostgreSQL read the whole table for that sum: 0.7 ms a page on the England seed, more
with every change recorded. In `schools_referencepagechange` the sum reads only their own few
rows. As before, rows are only added, so no writer waits for another."""

from django.db import migrations, models

FORWARDS = """
-- No change recorded meanwhile is missed: writers wait (a moment) until this commits.
SET LOCAL lock_timeout = '10s';
LOCK TABLE schools_schoolpagechange IN SHARE ROW EXCLUSIVE MODE;
WITH taken AS (DELETE FROM schools_schoolpagechange WHERE school_id IS NULL RETURNING changes)
INSERT INTO schools_referencepagechange (changes) SELECT sum(changes) FROM taken HAVING count(*) > 0;

CREATE OR REPLACE FUNCTION schools_reference_page_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO schools_referencepagechange (changes) VALUES (1);
END $$;
"""

BACKWARDS = """
SET LOCAL lock_timeout = '10s';
LOCK TABLE schools_referencepagechange IN SHARE ROW EXCLUSIVE MODE;
CREATE OR REPLACE FUNCTION schools_reference_page_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO schools_schoolpagechange (school_id, changes) VALUES (NULL, 1);
END $$;
INSERT INTO schools_schoolpagechange (school_id, changes)
  SELECT NULL, sum(changes) FROM schools_referencepagechange HAVING count(*) > 0;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0010_school_page_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferencePageChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changes", models.IntegerField(default=1)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("changes__gt", 0)), name="reference_page_changes_positive"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARDS, BACKWARDS),
        migrations.AlterField(
            model_name="schoolpagechange",
            name="school_id",
            field=models.BigIntegerField(),
        ),
    ]
