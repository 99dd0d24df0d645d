"""Finance staff import schools' pupil premium and sparsity flags from a CSV file in admin
(schools.admin.SchoolFundingFlagsAdmin); support only see them."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def _permission(apps, using):
    create_permissions(global_apps.get_app_config("schools"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).get(
        content_type__app_label="schools", codename="import_schoolfundingflags"
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    for finance in apps.get_model("auth", "Group").objects.using(using).filter(name="finance"):
        finance.permissions.add(_permission(apps, using))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    for finance in apps.get_model("auth", "Group").objects.using(using).filter(name="finance"):
        finance.permissions.remove(_permission(apps, using))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_staff_see_school_funding_flags"),
        ("schools", "0009_funding_flags_uploads"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
