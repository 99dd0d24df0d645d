"""Adding and listing accounts: email is the identity, kept lower-case; there is no username."""

from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse

from accounts.models import User
from tests.admin.conftest import staff_in
from tests.admin.helpers import admin_url
from tests.factories import UserFactory

ADD_URL = reverse("admin:accounts_user_add")
CHANGELIST_URL = reverse("admin:accounts_user_changelist")
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


# --- What support see of accounts ----------------------------------------------------------------


def accounts():
    """A school user, a member of staff in the support group and a superuser."""
    school_user = UserFactory(email="tutor@school.example.org", full_name="Tess Tutor")
    colleague = staff_in("support")
    colleague.email, colleague.full_name = "colleague@education.gov.uk", "Sam Support"
    colleague.save()
    boss = UserFactory(email="boss@education.gov.uk", is_staff=True, is_superuser=True)
    return school_user, colleague, boss


def test_support_see_school_users_only_not_staff(support_client):
    school_user, colleague, boss = accounts()

    listed = support_client.get(CHANGELIST_URL)

    assert list(listed.context["cl"].result_list) == [school_user]
    assert "colleague@education.gov.uk" not in listed.content.decode()
    for staff in (colleague, boss):
        page = support_client.get(admin_url(User, "change", staff.pk), follow=True)
        assert "doesn’t exist" in page.content.decode()  # as for a record that is not there
        assert staff.email not in page.content.decode()
        assert support_client.get(admin_url(User, "history", staff.pk)).status_code != 200


def test_support_see_who_a_school_user_is_not_their_password_or_permissions(support_client):
    school_user, _colleague, _boss = accounts()

    page = support_client.get(admin_url(User, "change", school_user.pk))

    shown = set(flatten_fieldsets(page.context["adminform"].fieldsets))
    assert shown == {"email", "full_name", "is_active", "last_login", "created_at"}
    assert "Tess Tutor" in page.content.decode()
    listed = support_client.get(CHANGELIST_URL)
    assert list(listed.context["cl"].list_display) == ["email", "full_name", "is_active", "last_login"]
    assert [spec.field_path for spec in listed.context["cl"].filter_specs] == ["is_active"]


def test_support_change_no_account_at_all(support_client):
    school_user, colleague, _boss = accounts()

    for user in (school_user, colleague):
        response = support_client.post(
            admin_url(User, "change", user.pk),
            {"email": user.email, "full_name": "Renamed", "is_superuser": "on"},
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.full_name != "Renamed"
        assert user.is_active
        assert not user.is_superuser


def test_a_superuser_sees_and_manages_every_account(admin_client):
    school_user, colleague, boss = accounts()

    listed = admin_client.get(CHANGELIST_URL)

    assert {school_user, colleague, boss} <= set(listed.context["cl"].result_list)
    page = admin_client.get(admin_url(User, "change", colleague.pk))
    assert {"is_staff", "is_superuser", "groups", "password"} <= set(page.context["adminform"].form.fields)
