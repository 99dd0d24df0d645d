"""Reading what the service emailed, in tests."""

import contextlib

from emails.models import Email


@contextlib.contextmanager
def emails_sent():
    """Collects the outbox rows written inside the block: `with emails_sent() as sent: ...; sent[0]`."""
    before = set(Email.objects.values_list("id", flat=True))
    sent: list[Email] = []
    yield sent
    sent.extend(Email.objects.exclude(id__in=before).order_by("created_at"))


def token_in(email: Email, key: str) -> str:
    """The token at the end of a link in an email's personalisation."""
    return email.personalisation[key].rstrip("/").rsplit("/", 1)[-1]
