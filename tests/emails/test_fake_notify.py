"""The fake GOV.UK Notify checks what the real one checks, so passing against it means something."""

import uuid

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from core import clock
from tests.fakes.notify import FakeNotify, FakeTemplate

TEMPLATE_ID = str(uuid.uuid4())


@pytest.fixture
def notify():
    with FakeNotify(
        templates={TEMPLATE_ID: FakeTemplate(subject="Hi ((name))", body="Go to ((link))")}
    ) as fake:
        yield fake


def post(notify, body, token=None, headers=None):
    headers = headers if headers is not None else {"Authorization": f"Bearer {token}"}
    return requests.post(f"{notify.url}/v2/notifications/email", json=body, headers=headers, timeout=5)


def token(notify, *, iss=None, age=0, secret=None, algorithm="HS256"):
    claims = {"iss": iss or notify.service_id, "iat": int(clock.now().timestamp()) - age}
    key = None if algorithm == "none" else secret or notify.secret
    return jwt.encode(claims, key, algorithm=algorithm)


GOOD = {
    "email_address": "ada@example.com",
    "template_id": TEMPLATE_ID,
    "personalisation": {"name": "Ada", "link": "x"},
}


def test_the_real_client_sends_and_gets_notifys_answer(notify):
    client = NotificationsAPIClient(notify.api_key, base_url=notify.url)

    answer = client.send_email_notification(
        email_address="ada@example.com",
        template_id=TEMPLATE_ID,
        personalisation={"name": "Ada", "link": "https://example.com/x"},
        reference="ref-1",
    )

    assert set(answer) >= {"id", "reference", "content", "uri", "template"}
    assert answer["reference"] == "ref-1"
    assert answer["content"]["subject"] == "Hi Ada"
    assert answer["content"]["body"] == "Go to https://example.com/x"
    assert answer["content"]["from_email"].endswith("@notifications.service.gov.uk")
    assert answer["template"]["id"] == TEMPLATE_ID
    assert answer["template"]["version"] == 1
    assert answer["uri"].endswith(f"/v2/notifications/{answer['id']}")
    [sent] = notify.sent
    assert (sent.id, sent.email_address, sent.reference) == (answer["id"], "ada@example.com", "ref-1")


def test_no_token_is_401(notify):
    response = post(notify, GOOD, headers={})
    assert response.status_code == 401
    assert response.json()["errors"][0]["error"] == "AuthError"


@pytest.mark.parametrize(
    "bad",
    [
        {"secret": str(uuid.uuid4())},  # signed with another key
        {"iss": str(uuid.uuid4())},  # another service
        {"age": 60},  # too old
        {"age": -60},  # from the future
        {"algorithm": "none"},  # unsigned
    ],
    ids=["signature", "issuer", "old", "future", "algorithm"],
)
def test_a_bad_token_is_403(notify, bad):
    response = post(notify, GOOD, token(notify, **bad))
    assert response.status_code == 403
    assert response.json() == {"status_code": 403, "errors": [response.json()["errors"][0]]}
    assert notify.sent == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email_address": "not an address"}, "email_address Not a valid email address"),
        ({"template_id": "nope"}, "template_id is not a valid UUID"),
        ({"template_id": str(uuid.uuid4())}, "Template not found"),
        ({"personalisation": {"name": "Ada"}}, "Missing personalisation: link"),
    ],
)
def test_a_bad_request_is_400_with_notifys_error(notify, change, message):
    response = post(notify, {**GOOD, **change}, token(notify))
    assert response.status_code == 400
    assert response.json()["status_code"] == 400
    assert response.json()["errors"][0]["message"] == message
    assert notify.sent == []


def test_it_can_fail_the_next_requests_like_an_outage(notify):
    notify.fail_next(2)
    client = NotificationsAPIClient(notify.api_key, base_url=notify.url)
    for _ in range(2):
        with pytest.raises(HTTPError) as error:
            client.send_email_notification(
                email_address="ada@example.com",
                template_id=TEMPLATE_ID,
                personalisation=GOOD["personalisation"],
            )
        assert error.value.status_code == 500
    client.send_email_notification(
        email_address="ada@example.com", template_id=TEMPLATE_ID, personalisation=GOOD["personalisation"]
    )
    assert [request.status for request in notify.requests] == [500, 500, 201]
    assert len(notify.sent) == 1
