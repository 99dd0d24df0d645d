"""Finance staff open each year's contract period in admin (and may close it for registration):
the contract period admin and the service it calls belong to finance."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change")


def _permissions(apps, using):
    create_permissions(global_apps.get_app_config("providers"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).filter(
        content_type__app_label="providers", codename__in=[f"{action}_contractperiod" for action in ACTIONS]
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    finance = apps.get_model("auth", "Group").objects.using(using).get(name="finance")
    finance.permissions.add(*_permissions(apps, using))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    finance = apps.get_model("auth", "Group").objects.using(using).get(name="finance")
    finance.permissions.remove(*_permissions(apps, using))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_stamps_from_the_service_clock")]

    operations = [migrations.RunPython(grant, revoke)]
