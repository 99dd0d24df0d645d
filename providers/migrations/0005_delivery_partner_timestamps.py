"""Delivery partners get created_at and updated_at, which the lead provider API sorts them by (as
the DfE's does: docs/decisions/0032). Partners that exist already take the time of this migration."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0004_schedules"),
    ]

    operations = [
        migrations.AddField(
            model_name="deliverypartner",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deliverypartner",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
