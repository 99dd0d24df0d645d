# Built concurrently: on England's data a plain CREATE INDEX would hold writes to both tables
# of periods while it builds.

import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("participants", "0013_lead_provider_name_is_a_change"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ectatschoolperiod",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="ect_period_email_any_case"
            ),
        ),
        AddIndexConcurrently(
            model_name="mentoratschoolperiod",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="mentor_period_email_any_case"
            ),
        ),
    ]
