"""Support give a person access to an appropriate body in admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import can_sign_in
from appropriate_bodies.models import AppropriateBodyAccess
from audit.models import Event
from tests.factories import UserFactory
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db

ADD = reverse("admin:appropriate_bodies_appropriatebodyaccess_add")


@pytest.fixture
def support(client):
    user = UserFactory(is_staff=True, full_name="Sam Support")
    user.groups.add(Group.objects.get(name="support"))
    client.force_login(user)
    return user


def test_support_give_a_new_person_access_and_they_are_emailed_a_link(client, support, body):
    with emails_sent() as sent:
        response = client.post(
            ADD, {"full_name": "Ada Reviewer", "email": "Ada@Example.org", "appropriate_body": body.pk}
        )
    assert response.status_code == 302
    access = AppropriateBodyAccess.objects.get()
    assert (access.user.email, access.user.full_name) == ("ada@example.org", "Ada Reviewer")
    assert (access.appropriate_body, access.invited_by, access.ended_at) == (body, support, None)
    assert not access.user.has_usable_password()
    assert can_sign_in(access.user)
    [email] = sent
    assert (email.template, email.recipient) == ("appropriate_body_access_given", "ada@example.org")
    assert email.personalisation["appropriate_body_name"] == "Riverside Teaching School Hub"
    assert "/sign-in/link/" in email.personalisation["sign_in_url"]
    event = Event.objects.get(event_type="appropriate_body_access_given")
    assert (event.appropriate_body, event.actor_user) == (body, support)


def test_an_existing_user_keeps_their_account_and_is_not_given_access_twice(client, support, body):
    tutor = UserFactory(email="ada@example.org", full_name="Ada Tutor")
    for _ in range(2):
        client.post(
            ADD, {"full_name": "Someone Else", "email": "ada@example.org", "appropriate_body": body.pk}
        )
    access = AppropriateBodyAccess.objects.get()
    assert access.user == tutor
    tutor.refresh_from_db()
    assert tutor.full_name == "Ada Tutor"
    assert Event.objects.filter(event_type="appropriate_body_access_given").count() == 1


def test_the_add_page_asks_for_name_email_and_body(client, support, body):
    page = client.get(ADD).content.decode()
    for field in ["full_name", "email", "appropriate_body"]:
        assert f'name="{field}"' in page


def test_a_body_user_without_a_school_may_sign_in(body_user):
    assert can_sign_in(body_user)
