"""Finance staff keep lead providers' contracts (a change is a new version), see statements and
declarations, add adjustments to statements and authorise statements for payment
(docs/decisions/0038). Nobody else reaches them."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "contract": ("view", "add", "change"),
    "priceband": ("view", "add", "change"),
    "statement": ("view", "change"),
    "statementadjustment": ("view", "add"),
    "declaration": ("view",),
}


def _permissions(apps, using):
    create_permissions(global_apps.get_app_config("finance"), verbosity=0, using=using, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    return Permission.objects.using(using).filter(content_type__app_label="finance", codename__in=codenames)


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    finance = apps.get_model("auth", "Group").objects.using(using).get(name="finance")
    finance.permissions.add(*_permissions(apps, using))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    finance = apps.get_model("auth", "Group").objects.using(using).get(name="finance")
    finance.permissions.remove(*_permissions(apps, using))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_finance_imports_school_funding_flags"),
        ("finance", "0004_contract_and_statement_invariants"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
