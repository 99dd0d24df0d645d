"""queue_email: validates what it is given and writes the outbox row in the caller's transaction."""

import pytest
from django.db import transaction

from emails.models import Email
from emails.services import queue_email
from tests.emails.conftest import PERSONALISATION

pytestmark = pytest.mark.django_db


def queue(template="sign_in_link", to="ada@example.com", **changes):
    personalisation = {**PERSONALISATION[template], **changes}
    return queue_email(to=to, template=template, personalisation=personalisation)


@pytest.mark.parametrize("template", sorted(PERSONALISATION))
def test_every_template_can_be_queued_with_its_personalisation(template, queued_tasks):
    email = queue(template)

    email.refresh_from_db()
    assert (email.recipient, email.template, email.status) == ("ada@example.com", template, "pending")
    assert email.personalisation == PERSONALISATION[template]
    assert (email.attempts, email.last_error, email.sent_at, email.provider_reference) == (0, "", None, "")
    assert email.created_at is not None


def test_an_unknown_template_is_refused():
    with pytest.raises(ValueError, match="no email template called 'sign_in'"):
        queue_email(to="ada@example.com", template="sign_in", personalisation={})
    assert not Email.objects.exists()


def test_missing_personalisation_is_refused():
    personalisation = dict(PERSONALISATION["sign_in_link"])
    del personalisation["sign_in_url"]
    with pytest.raises(ValueError, match="missing sign_in_url"):
        queue_email(to="ada@example.com", template="sign_in_link", personalisation=personalisation)
    assert not Email.objects.exists()


def test_unexpected_personalisation_is_refused():
    with pytest.raises(ValueError, match="unexpected school_name"):
        queue("sign_in_link", school_name="Somewhere")
    assert not Email.objects.exists()


def test_personalisation_must_be_text():
    with pytest.raises(ValueError, match="must be text: expires_in"):
        queue("sign_in_link", expires_in=60)


def test_the_recipient_must_be_an_email_address():
    with pytest.raises(ValueError, match="not an email address"):
        queue("sign_in_link", to="ada at example dot com")


def test_an_empty_full_name_is_allowed(queued_tasks):
    email = queue("sign_in_link", full_name="")
    assert email.personalisation["full_name"] == ""


def test_the_task_is_queued_once_the_callers_transaction_commits(
    django_capture_on_commit_callbacks, queued_tasks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = queue("sign_in_link")
        assert queued_tasks == []  # not before the commit
    assert len(callbacks) == 1
    assert queued_tasks == [str(email.id)]


def test_a_rolled_back_transaction_takes_its_email_with_it(django_capture_on_commit_callbacks, queued_tasks):
    class Abandoned(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandoned),
        transaction.atomic(),
    ):
        queue("sign_in_link")
        raise Abandoned
    assert not Email.objects.exists()
    assert callbacks == []
    assert queued_tasks == []
