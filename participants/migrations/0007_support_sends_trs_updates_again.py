"""The support group may see the induction updates sent to TRS and send a refused or failed one again."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_trsinductionupdate", "send_trsinductionupdate_again")


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("participants"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="participants", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.remove(
        *support.permissions.filter(content_type__app_label="participants", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_permission_groups"),
        ("participants", "0006_trs_induction_updates"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
