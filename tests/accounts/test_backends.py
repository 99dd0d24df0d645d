"""The signed-in user is read on every request with SQL built once (accounts/backends.py)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from accounts.backends import ModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_read_by_their_id():
    user = UserFactory(full_name="Katherine Johnson")
    found = ModelBackend().get_user(str(user.pk))
    assert (found.pk, found.full_name, found.email) == (user.pk, "Katherine Johnson", user.email)


@pytest.mark.parametrize("user_id", ["not a number", "", None, "999999999"])
def test_an_id_that_names_no_user_is_no_one(user_id):
    UserFactory()
    assert ModelBackend().get_user(user_id) is None


def test_a_user_made_inactive_is_signed_out():
    user = UserFactory(is_active=False)
    assert ModelBackend().get_user(str(user.pk)) is None


def test_a_page_is_shown_to_the_user_signed_in(client):
    user = UserFactory(full_name="Dorothy Vaughan")
    client.force_login(user)
    response = client.get(reverse("start"))
    assert response.wsgi_request.user.pk == user.pk
    client.logout()
    assert not client.get(reverse("start")).wsgi_request.user.is_authenticated


def test_a_session_signed_in_before_the_backend_was_renamed_stays_signed_in(client):
    user = UserFactory()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get(reverse("start")).wsgi_request.user.pk == user.pk
