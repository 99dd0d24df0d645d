"""The support group may also see who manages which school (and end someone's access), schools'
yearly answers, nomination links, and the email outbox (sending a failed email again)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ADDED = {
    "schools": {
        "schoolaccess": ("view", "add", "change"),
        "schoolcontractperiodchoice": ("view", "change"),
        "nominationlink": ("view",),
    },
    "emails": {"email": ("view", "resend")},
}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in ADDED:
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.add(
        *(
            Permission.objects.using(using).get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            for app_label, models in ADDED.items()
            for model, actions in models.items()
            for action in actions
        )
    )


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    support = apps.get_model("auth", "Group").objects.using(using).get(name="support")
    support.permissions.remove(
        *support.permissions.filter(content_type__app_label__in=ADDED).exclude(content_type__model="school")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sign_in_links"),
        ("schools", "0003_school_access_and_nomination"),
        ("emails", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
