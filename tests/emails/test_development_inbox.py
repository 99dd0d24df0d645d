"""/dev/emails: in development, the outbox read as its recipients would read it."""

import pytest
from django.urls import reverse

from emails.services import queue_email, send_email_now
from tests.emails.conftest import PERSONALISATION

pytestmark = pytest.mark.django_db

INBOX = reverse("development_inbox")


@pytest.fixture
def development(settings):
    settings.EMAIL_DELIVERY = "development"


def test_it_shows_each_email_newest_first_with_its_link_clickable(client, development, queued_tasks):
    older = queue_email(
        to="head@school.example",
        template="nomination_link",
        personalisation=PERSONALISATION["nomination_link"],
    )
    newer = queue_email(
        to="ada@example.com", template="sign_in_link", personalisation=PERSONALISATION["sign_in_link"]
    )
    send_email_now(email_id=newer.id)

    page = client.get(INBOX)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Your link to sign in to Manage training") < html.index(
        "Nominate an induction tutor for Analytical Engine Primary School"
    )
    link = PERSONALISATION["sign_in_link"]["sign_in_url"]
    assert f'<a class="govuk-link" href="{link}">{link}</a>' in html
    assert "ada@example.com" in html and "head@school.example" in html
    assert "Hello Ada Lovelace" in html
    assert f'id="email-{older.id}"' in html
    assert ">Sent</strong>" in html and ">Waiting to send</strong>" in html


def test_personalisation_is_escaped(client, development, queued_tasks):
    queue_email(
        to="ada@example.com",
        template="induction_tutor_replaced",
        personalisation={"full_name": "<script>alert(1)</script>", "school_name": "A & B School"},
    )
    html = client.get(INBOX).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B School" in html


def test_bullet_lists_are_lists(client, development, queued_tasks):
    queue_email(
        to="ada@example.com",
        template="induction_tutor_nominated",
        personalisation=PERSONALISATION["induction_tutor_nominated"],
    )
    html = client.get(INBOX).content.decode()
    assert '<ul class="govuk-list govuk-list--bullet"><li>register your school' in html


def test_it_is_empty_at_first(client, development):
    assert "No emails yet." in client.get(INBOX).content.decode()


def test_it_does_not_exist_unless_email_is_delivered_locally(client, settings, queued_tasks):
    settings.EMAIL_DELIVERY = "notify"
    queue_email(
        to="ada@example.com", template="sign_in_link", personalisation=PERSONALISATION["sign_in_link"]
    )
    assert client.get(INBOX).status_code == 404
