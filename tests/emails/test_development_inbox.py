"""/dev/emails: in development, the outbox read as its recipients would read it."""

import pytest
from django.urls import reverse

from emails.models import Email
from emails.services import queue_email, send_email_now
from schools.services import send_nomination_link
from tests.emails.conftest import PERSONALISATION
from tests.factories import SchoolFactory

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
    assert ">Sent</strong>" in html and ">Queued</strong> not sent yet" in html


def cards(html: str) -> list[str]:
    """The emails on the page, in order, each as the HTML of its card."""
    return html.split('<div class="govuk-summary-card"')[1:]


def test_a_queued_email_is_shown_first_with_its_link_before_the_worker_sends_it(
    client, development, queued_tasks, service_clock, settings
):
    settings.SERVICE_URL = "http://127.0.0.1:8011"
    school = SchoolFactory(name="Analytical Engine Primary School", contact_email="office@school.example")
    first = queue_email(
        to="ada@example.com", template="sign_in_link", personalisation=PERSONALISATION["sign_in_link"]
    )
    send_email_now(email_id=first.id)
    service_clock.shift(60)

    # As the "Send the link" page does; the worker has not picked the email up yet.
    assert send_nomination_link(school=school) is None
    queued = Email.objects.get(template="nomination_link")
    assert queued.status == Email.Status.PENDING

    html = client.get(INBOX).content.decode()
    newest, older = cards(html)
    assert f'id="email-{queued.id}"' in newest
    assert "Nominate an induction tutor for Analytical Engine Primary School" in newest
    assert ">Queued</strong> not sent yet" in newest and "Sent at" not in newest
    link = queued.personalisation["nomination_url"]
    assert link.startswith("http://127.0.0.1:8011/nominate/")
    assert f'<a class="govuk-link" href="{link}">{link}</a>' in newest
    assert f'id="email-{first.id}"' in older and ">Sent</strong>" in older

    send_email_now(email_id=queued.id)  # what the worker does a moment later

    newest, older = cards(client.get(INBOX).content.decode())
    assert f'id="email-{queued.id}"' in newest
    assert ">Sent</strong>" in newest and "Sent at" in newest
    assert f'<a class="govuk-link" href="{link}">{link}</a>' in newest


def test_queued_sent_and_failed_emails_are_in_the_order_they_were_queued(
    client, development, queued_tasks, service_clock
):
    queued_in_order = []
    for _ in range(3):
        email = queue_email(
            to="ada@example.com", template="sign_in_link", personalisation=PERSONALISATION["sign_in_link"]
        )
        queued_in_order.append(email)
        service_clock.shift(1)
    oldest, middle, newest = queued_in_order
    send_email_now(email_id=middle.id)  # sent, though queued after one still waiting
    Email.objects.filter(pk=oldest.pk).update(status=Email.Status.FAILED, attempts=5)

    shown = cards(client.get(INBOX).content.decode())

    assert [next(e.id for e in queued_in_order if f'id="email-{e.id}"' in card) for card in shown] == [
        newest.id,
        middle.id,
        oldest.id,
    ]
    assert ">Queued</strong>" in shown[0]
    assert ">Sent</strong>" in shown[1]
    assert ">Failed</strong>" in shown[2]


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
