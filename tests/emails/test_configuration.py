"""`manage.py check` refuses settings that could not send email."""

from django.core.checks import run_checks


def email_errors():
    return sorted(error.id for error in run_checks(tags=["emails"]))


def test_the_test_settings_pass():
    assert email_errors() == []


def test_notify_needs_an_api_key_and_every_template_id(settings):
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_IDS = {"sign_in_link": "ab88b4bc-2567-4c46-a0c8-b0ea1076525a"}
    assert email_errors() == ["emails.E002", "emails.E003"]


def test_development_needs_neither(settings):
    settings.EMAIL_DELIVERY = "development"
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_IDS = {}
    assert email_errors() == []


def test_an_unknown_delivery_is_refused(settings):
    settings.EMAIL_DELIVERY = "smtp"
    assert email_errors() == ["emails.E001"]
