"""Bulk upload rows keep a keyed digest of the TRN and date of birth, never the date itself. Rows
still waiting to be checked have their date turned into the digest before the column goes."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def digest_dates_still_held(apps, schema_editor):
    BulkUploadRow = apps.get_model("appropriate_bodies", "BulkUploadRow")
    waiting = BulkUploadRow.objects.filter(date_of_birth__isnull=False).exclude(trn="")
    for row in waiting.only("pk", "trn", "date_of_birth"):
        # As services.bulk.date_of_birth_digest does it, written out: a migration stays as it was.
        message = f"{row.trn}:{row.date_of_birth.isoformat()}".encode()
        row.date_of_birth_digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
        row.save(update_fields=["date_of_birth_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("appropriate_bodies", "0004_bulk_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="bulkuploadrow",
            name="date_of_birth_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(digest_dates_still_held, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="bulkuploadrow",
            name="bulk_upload_row_forgets_date_of_birth",
        ),
        migrations.RemoveField(
            model_name="bulkuploadrow",
            name="date_of_birth",
        ),
        migrations.AddConstraint(
            model_name="bulkuploadrow",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("checked_at__isnull", True), ("date_of_birth_digest", ""), _connector="OR"
                ),
                name="bulk_upload_row_forgets_date_of_birth_digest",
                violation_error_message="A checked row keeps nothing of the date of birth.",
            ),
        ),
    ]
