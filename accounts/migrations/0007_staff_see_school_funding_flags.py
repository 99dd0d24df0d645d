"""Support and finance staff see each school's pupil premium and sparsity flags on its admin page
(imported, not edited there)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("support", "finance")


def _permission(apps, using):
    create_permissions(global_apps.get_app_config("schools"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).get(
        content_type__app_label="schools", codename="view_schoolfundingflags"
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.add(_permission(apps, using))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(_permission(apps, using))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_finance_opens_contract_periods"),
        ("schools", "0008_school_funding_flags"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
