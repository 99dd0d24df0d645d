"""The support group may see who acts for which appropriate body, give a person access (which
emails them a sign-in link) and end it."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("view", "add", "change")


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("appropriate_bodies"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.add(
        *(
            Permission.objects.using(using).get(
                content_type__app_label="appropriate_bodies", codename=f"{action}_appropriatebodyaccess"
            )
            for action in ACTIONS
        )
    )


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.remove(*support.permissions.filter(content_type__app_label="appropriate_bodies"))


class Migration(migrations.Migration):
    dependencies = [
        ("appropriate_bodies", "0001_initial"),
        ("accounts", "0002_permission_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
