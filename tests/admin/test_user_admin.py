"""Adding and listing accounts: email is the identity, kept lower-case; there is no username."""

from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

ADD_URL = reverse("admin:accounts_user_add")
PASSWORD = "a long enough password 123"


def add_user(client, **fields):
    data = {
        "email": "",
        "full_name": "",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(ADD_URL, {**data, **fields})


def test_add_form_asks_for_email_full_name_and_password(admin_client):
    form = admin_client.get(ADD_URL).context["adminform"].form
    assert {"email", "full_name", "password1", "password2"} <= set(form.fields)
    assert "username" not in form.fields


def test_a_superuser_adds_a_user_with_a_password_and_the_email_is_stored_lower_case(admin_client):
    response = add_user(admin_client, email="New.Person@Education.gov.uk", full_name="New Person")

    assert response.status_code == 302
    user = User.objects.get(email="new.person@education.gov.uk")
    assert user.full_name == "New Person"
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert not user.is_superuser


def test_an_email_already_used_in_another_case_is_refused(admin_client, db):
    UserFactory(email="taken@example.org")

    response = add_user(admin_client, email="Taken@Example.org", full_name="Someone Else")

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_the_user_list_shows_email_name_and_flags(admin_client, db):
    UserFactory(email="listed@example.org", full_name="Listed Person", is_staff=True)

    response = admin_client.get(reverse("admin:accounts_user_changelist"))

    assert {"email", "full_name", "is_staff", "is_active"} <= set(response.context["cl"].list_display)
    assert "Listed Person" in response.content.decode()
