"""`manage.py check` (run by `migrate` and `runserver`) refuses settings that could not send email."""

from django.conf import settings
from django.core.checks import Error, register

from emails.delivery import NOTIFY_API_KEY_FORMAT, TEMPLATE_ID_FORMAT
from emails.templates import TEMPLATES


@register("emails")
def email_delivery_is_configured(app_configs, **kwargs):
    if settings.EMAIL_DELIVERY == "development":
        return []
    if settings.EMAIL_DELIVERY != "notify":
        return [Error("EMAIL_DELIVERY must be 'notify' or 'development'.", id="emails.E001")]
    errors = []
    if not NOTIFY_API_KEY_FORMAT.match(settings.NOTIFY_API_KEY or ""):
        errors.append(
            Error(
                "NOTIFY_API_KEY is missing or not a GOV.UK Notify API key.",
                hint="Create an API key in GOV.UK Notify (API integration) and set NOTIFY_API_KEY.",
                id="emails.E002",
            )
        )
    ids = settings.NOTIFY_TEMPLATE_IDS
    missing = sorted(name for name in TEMPLATES if not TEMPLATE_ID_FORMAT.match(str(ids.get(name, ""))))
    if missing:
        errors.append(
            Error(
                f"NOTIFY_TEMPLATE_IDS has no Notify template id for: {', '.join(missing)}.",
                hint='Set NOTIFY_TEMPLATE_IDS to JSON like {"sign_in_link": "<template id>", …}.',
                id="emails.E003",
            )
        )
    return errors
