"""The outbox in admin: support sees it read-only, without sign-in links, and sends failed emails again."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from core import clock
from emails.models import Email
from emails.services import queue_email
from tests.emails.conftest import PERSONALISATION
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:emails_email_changelist")


def change_url(email):
    return reverse("admin:emails_email_change", args=[email.pk])


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="emails", codename__in=codenames)
    )
    return user


@pytest.fixture
def support(client):
    client.force_login(staff_with("view_email", "resend_email"))
    return client


def email(template="sign_in_link", to="ada@example.com", status="pending", **fields):
    email = queue_email(to=to, template=template, personalisation=PERSONALISATION[template])
    if status == "sent":
        fields.update(sent_at=clock.now(), provider_reference="notify-id", attempts=1)
    Email.objects.filter(pk=email.pk).update(status=status, **fields)
    email.refresh_from_db()
    return email


def test_support_lists_the_outbox_filters_it_and_searches_by_recipient(support):
    sent = email(to="ada@example.com", status="sent")
    failed = email("nomination_link", to="charles@example.com", status="failed", attempts=8, last_error="500")

    everything = support.get(CHANGELIST)
    assert everything.status_code == 200
    assert set(everything.context["cl"].result_list) == {sent, failed}

    def listed(**params):
        return list(support.get(CHANGELIST, params).context["cl"].result_list)

    assert listed(status__exact="failed") == [failed]
    assert listed(template__exact="sign_in_link") == [sent]
    assert listed(q="charles") == [failed]


def test_the_email_page_is_read_only_and_never_shows_a_sign_in_link(support):
    pending = email("sign_in_link")

    page = support.get(change_url(pending))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Your link to sign in to Manage training for early career teachers" in html
    assert "Ada Lovelace" in html
    assert PERSONALISATION["sign_in_link"]["sign_in_url"] not in html
    assert "hidden: it works as a sign-in link" in html
    assert 'name="_save"' not in html
    assert support.post(change_url(pending), {"recipient": "mallory@example.com"}).status_code == 403
    pending.refresh_from_db()
    assert pending.recipient == "ada@example.com"


def test_nobody_adds_or_deletes_an_email_in_admin(admin_client):
    sent = email(status="sent")
    assert admin_client.get(reverse("admin:emails_email_add")).status_code == 403
    assert admin_client.get(reverse("admin:emails_email_delete", args=[sent.pk])).status_code == 403


def send_again(client, *emails):
    return client.post(
        CHANGELIST, {"action": "send_again_now", "_selected_action": [str(e.pk) for e in emails]}, follow=True
    )


def test_send_again_requeues_a_failed_email_and_records_who_did_it(
    support, django_capture_on_commit_callbacks, queued_tasks
):
    failed = email(status="failed", attempts=8, last_error="Attempt 8: 500 - Internal server error")
    sent = email(to="charles@example.com", status="sent")
    queued_tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = send_again(support, failed, sent)

    messages = [str(m) for m in response.context["messages"]]
    assert "1 failed email(s) queued to send again." in messages
    assert "1 email(s) left alone: only a failed email can be sent again." in messages
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert failed.last_error == "Attempt 8: 500 - Internal server error"
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert queued_tasks == [str(failed.pk)]  # never the sent one
    event = Event.objects.get(event_type="email_sent_again")
    assert event.actor_user == response.wsgi_request.user
    assert event.heading == "The sign in link email to ada@example.com was queued to send again"
    assert event.changes == {"status": ["failed", "pending"], "attempts": [8, 0]}


def test_staff_who_may_only_view_cannot_send_again(client, queued_tasks):
    client.force_login(staff_with("view_email"))
    failed = email(status="failed", attempts=8)

    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "send_again_now" not in page.content.decode()
    send_again(client, failed)
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_the_list_runs_the_same_queries_for_one_email_or_twenty(support):
    def queries_for_list():
        support.get(CHANGELIST)  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            assert support.get(CHANGELIST).status_code == 200
        return len(queries)

    email()
    one = queries_for_list()
    for n in range(19):
        email(to=f"person{n}@example.com", status="failed", attempts=8)
    assert queries_for_list() == one
