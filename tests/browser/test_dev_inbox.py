"""The development inbox in a browser: accessible, and its sign-in link can be followed."""

import pytest

from emails.services import queue_email, send_email_now
from tests.browser.conftest import assert_accessible
from tests.dates import THIS_YEAR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def development(settings, monkeypatch):
    settings.EMAIL_DELIVERY = "development"
    # No Celery here: queue_email's task would go to Redis, where no worker listens in this test.
    monkeypatch.setattr("emails.services.enqueue_send", lambda email_id: True)


def test_the_inbox_is_accessible_and_its_links_can_be_followed(page, live_server, development):
    start_url = f"{live_server.url}/"
    for template, personalisation in [
        (
            "nomination_link",
            {
                "school_name": "Fictional Primary School",
                "nomination_url": "https://example.com/nominate",
                "expires_on": f"14 December {THIS_YEAR}",
            },
        ),
        ("sign_in_link", {"full_name": "", "sign_in_url": start_url, "expires_in": "60 minutes"}),
    ]:
        email = queue_email(to="ada@example.com", template=template, personalisation=personalisation)
    send_email_now(email_id=email.id)

    page.goto("/dev/emails")

    assert page.locator("h1").inner_text() == "Emails from this computer"
    assert page.locator(".govuk-summary-card__title").all_inner_texts() == [
        "Your link to sign in to Manage training for early career teachers",
        "Nominate an induction tutor for Fictional Primary School",
    ]
    assert_accessible(page)

    page.get_by_role("link", name=start_url).click()
    assert page.url == start_url


def test_the_empty_inbox_is_accessible(page, development):
    page.goto("/dev/emails")
    assert page.get_by_text("No emails yet.").is_visible()
    assert_accessible(page)


def test_a_queued_email_is_first_and_its_link_can_be_followed_before_the_worker_sends_it(
    page, live_server, development, service_clock
):
    older = queue_email(
        to="ada@example.com",
        template="sign_in_link",
        personalisation={
            "full_name": "",
            "sign_in_url": "https://example.com/old",
            "expires_in": "60 minutes",
        },
    )
    send_email_now(email_id=older.id)
    service_clock.shift(60)
    start_url = f"{live_server.url}/"
    queue_email(
        to="ada@example.com",
        template="sign_in_link",
        personalisation={"full_name": "", "sign_in_url": start_url, "expires_in": "60 minutes"},
    )  # no worker here: it stays queued

    page.goto("/dev/emails")

    first, second = page.locator(".govuk-summary-card").all()
    assert first.locator(".govuk-tag").inner_text() == "Queued"
    assert second.locator(".govuk-tag").inner_text() == "Sent"
    assert_accessible(page)

    first.get_by_role("link", name=start_url).click()
    assert page.url == start_url
