"""School.is_open becomes a column the database computes from `status`, so the two cannot disagree.

PostgreSQL cannot turn an ordinary column into a generated one, so the column is dropped and added
again; its values were derived from `status` anyway, and the database fills the new one from it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="school",
            name="is_open",
        ),
        migrations.AddField(
            model_name="school",
            name="is_open",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Q(("status__in", ["Open", "Open, but proposed to close"])),
                output_field=models.BooleanField(),
            ),
        ),
    ]
