"""How an email leaves the service: one adapter per way of sending, chosen by settings.EMAIL_DELIVERY.

An adapter's `deliver(email)` hands one email to its provider and returns the provider's reference
for it, or raises DeliveryError (worth trying again later) or PermanentDeliveryError (the provider
refused this email and would refuse it again). It never touches the database: emails.services
records the outcome.
"""

import logging
import re
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

if TYPE_CHECKING:
    from emails.models import Email

logger = logging.getLogger(__name__)

# "{key name}-{service id}-{secret}", the last two UUIDs.
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOTIFY_API_KEY_FORMAT = re.compile(rf"^.+-{UUID}-{UUID}$")
TEMPLATE_ID_FORMAT = re.compile(rf"^{UUID}$")


class DeliveryError(Exception):
    """The provider did not take the email this time; another attempt may succeed."""


class PermanentDeliveryError(DeliveryError):
    """The provider refused this email (an invalid address, say); trying again would not help."""


class Delivery(Protocol):
    # False where the outbox itself is the recipient's inbox (development), so links must stay.
    removes_secrets_once_sent: bool

    def deliver(self, email: "Email") -> str: ...


class NotifyDelivery:
    """GOV.UK Notify, through its own Python client."""

    removes_secrets_once_sent = True

    def __init__(self, *, api_key: str, base_url: str, template_ids: dict[str, str], timeout: float):
        if not NOTIFY_API_KEY_FORMAT.match(api_key or ""):
            raise ImproperlyConfigured("NOTIFY_API_KEY is missing or not a GOV.UK Notify API key")
        self.api_key = api_key
        self.base_url = base_url
        self.template_ids = template_ids
        self.timeout = timeout

    def deliver(self, email: "Email") -> str:
        template_id = self.template_ids.get(email.template)
        if not template_id:
            # Configuration, not the email: once NOTIFY_TEMPLATE_IDS is put right a retry succeeds.
            raise DeliveryError(f"NOTIFY_TEMPLATE_IDS has no id for the {email.template!r} template")
        # The client keeps a requests session and is not thread-safe: one per email.
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
        try:
            response = client.send_email_notification(
                email_address=email.recipient,
                template_id=template_id,
                personalisation=email.personalisation,
                reference=str(email.id),
            )
        except APIError as error:
            # The client reports a connection failure or timeout as a 503 with no response.
            if error.status_code == 400:
                raise PermanentDeliveryError(f"GOV.UK Notify refused the email: {error}") from error
            raise DeliveryError(f"GOV.UK Notify did not take the email: {error}") from error
        finally:
            client.request_session.close()
        return response["id"]


class DevelopmentDelivery:
    """Sends nothing: the development inbox (/dev/emails) shows the outbox instead."""

    removes_secrets_once_sent = False

    def deliver(self, email: "Email") -> str:
        logger.info("Email %s (%s) to %s: read it at /dev/emails", email.id, email.template, email.recipient)
        return f"development-{email.id}"


def get_delivery() -> Delivery:
    """The adapter settings choose, built afresh so that a changed setting takes effect."""
    if settings.EMAIL_DELIVERY == "notify":
        return NotifyDelivery(
            api_key=settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            template_ids=settings.NOTIFY_TEMPLATE_IDS,
            timeout=settings.NOTIFY_TIMEOUT,
        )
    if settings.EMAIL_DELIVERY == "development":
        return DevelopmentDelivery()
    raise ImproperlyConfigured(
        f"EMAIL_DELIVERY must be 'notify' or 'development', not {settings.EMAIL_DELIVERY!r}"
    )
