"""The support group gives lead providers API tokens and revokes them, and reads the log of calls."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = {"leadprovidertoken": ("view", "add", "change"), "apirequest": ("view",)}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("api"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.add(
        *(
            Permission.objects.using(using).get(content_type__app_label="api", codename=f"{action}_{model}")
            for model, actions in GRANTED.items()
            for action in actions
        )
    )


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.remove(*support.permissions.filter(content_type__app_label="api"))


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_lead_provider_tokens"),
        ("accounts", "0004_permissions_for_access_and_email"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
