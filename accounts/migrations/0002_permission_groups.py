"""The "support" and "finance" permission groups for DfE staff in admin.

Neither group may change users (so neither can grant staff or superuser status): only view.
Permissions are normally created after `migrate` finishes, so they are created here first.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

PROVIDER_MODELS = (
    "contractperiod",
    "leadprovider",
    "activeleadprovider",
    "deliverypartner",
    "leadproviderdeliverypartnership",
    "schoolpartnership",
    "appropriatebody",
)
PARTICIPANT_MODELS = (
    "teacher",
    "ectatschoolperiod",
    "mentoratschoolperiod",
    "mentorshipperiod",
    "trainingperiod",
    "inductionperiod",
)
VIEW = ("view",)
MAINTAIN = ("view", "add", "change")

# group -> app label -> model -> actions
GROUPS = {
    "support": {
        "schools": {"school": MAINTAIN},
        "providers": dict.fromkeys(PROVIDER_MODELS, MAINTAIN),
        "participants": dict.fromkeys(PARTICIPANT_MODELS, MAINTAIN),
        "audit": {"event": VIEW},
        "accounts": {"user": VIEW},
    },
    "finance": {
        "schools": {"school": VIEW},
        "providers": dict.fromkeys(PROVIDER_MODELS, VIEW),
        "audit": {"event": VIEW},
    },
}


def create_groups(apps, schema_editor):
    grant_group_permissions(apps, using=schema_editor.connection.alias)


def grant_group_permissions(apps, using="default"):
    """Create both groups with exactly their permissions. Safe to run again (tests do, after a flush)."""
    for app_label in {label for grants in GROUPS.values() for label in grants}:
        # The global app config (the historical one has no models module, so would be skipped);
        # create_permissions reads the models themselves from `apps`.
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        wanted = [
            (app_label, f"{action}_{model}")
            for app_label, models in grants.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = [
            Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=GROUPS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("schools", "0001_initial"),
        ("providers", "0002_initial"),
        ("participants", "0002_cross_table_invariants"),
        ("audit", "0003_events_are_append_only"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
