"""DfE Sign-in through django-allauth's OpenID Connect client, against a fake provider over real HTTP.

Only an existing, active, non-staff user whose email DfE Sign-in vouches for gets in; allauth's own
login, signup and password pages are never a way in.
"""

from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from appropriate_bodies.models import AppropriateBodyAccess
from audit.models import Event
from core import clock
from ecf.settings.auth import socialaccount_providers
from schools.models import SchoolAccess
from tests.factories import AppropriateBodyFactory, SchoolFactory, UserFactory

pytest_plugins = ["tests.fakes.oidc"]
pytestmark = pytest.mark.django_db

LOGIN_URL = "/auth/oidc/dfe-sign-in/login/"
CALLBACK_URL = "/auth/oidc/dfe-sign-in/login/callback/"
NO_ACCOUNT = "We could not find an account for this email address"


def a_tutor(email: str):
    """A school user: someone with a school to manage, as DfE Sign-in and emailed links both require."""
    user = UserFactory(email=email)
    SchoolAccess.objects.create(user=user, school=SchoolFactory(), role="induction_tutor")
    return user


def start(client, **data):
    """Press the "Sign in with DfE Sign-in" button: returns where our service sends the browser."""
    response = client.post(LOGIN_URL, {"process": "login", **data})
    assert response.status_code == 302, response.content
    return response["Location"]


def come_back(client, callback_url):
    """The browser arriving back from DfE Sign-in at our callback."""
    parts = urlsplit(callback_url)
    assert (parts.netloc, parts.path) == ("testserver", CALLBACK_URL)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_with_dfe(client, fake, email, **claims):
    fake.sign_in_as(email, **claims)
    return come_back(client, fake.authorize(start(client)))


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


class TestSigningIn:
    def test_an_existing_user_signs_in_and_goes_on_to_the_post_sign_in_page(self, client, fake_dfe_sign_in):
        user = a_tutor("tutor@school.example.org")

        # DfE Sign-in may send the address in another case; ours are stored lower-case.
        response = sign_in_with_dfe(client, fake_dfe_sign_in, "Tutor@School.example.org")

        assert response.status_code == 302
        assert response["Location"] == reverse("post_sign_in")
        assert signed_in_user_id(client) == str(user.pk)
        account = SocialAccount.objects.get(user=user)
        assert account.provider == "dfe-sign-in"
        assert account.uid == fake_dfe_sign_in.claims["sub"]
        # The client did the whole dance over HTTP, with PKCE (the fake refuses it otherwise).
        assert ("POST", "/token") in fake_dfe_sign_in.requests
        assert ("GET", "/me") in fake_dfe_sign_in.requests

    def test_signing_in_again_uses_the_same_connected_account(self, client, fake_dfe_sign_in):
        user = a_tutor("tutor@school.example.org")
        sign_in_with_dfe(client, fake_dfe_sign_in, user.email)
        client.logout()

        response = sign_in_with_dfe(client, fake_dfe_sign_in, user.email)

        assert response["Location"] == reverse("post_sign_in")
        assert signed_in_user_id(client) == str(user.pk)
        assert SocialAccount.objects.filter(user=user).count() == 1

    def test_a_safe_next_page_is_kept(self, client, fake_dfe_sign_in):
        a_tutor("tutor@school.example.org")
        fake_dfe_sign_in.sign_in_as("tutor@school.example.org")

        response = come_back(client, fake_dfe_sign_in.authorize(start(client, next="/privacy")))

        assert response["Location"] == "/privacy"

    def test_opening_the_login_address_asks_to_continue_rather_than_leaving_the_service(
        self, client, fake_dfe_sign_in
    ):
        response = client.get(LOGIN_URL)

        assert response.status_code == 200
        assert "Sign in with DfE Sign-in" in response.text
        assert fake_dfe_sign_in.requests == []


class TestRefusing:
    def test_an_unknown_email_is_refused_with_a_clear_page_and_no_user_is_created(
        self, client, fake_dfe_sign_in
    ):
        users_before = User.objects.count()

        response = sign_in_with_dfe(client, fake_dfe_sign_in, "stranger@example.org")

        assert response.status_code == 403
        assert NO_ACCOUNT in response.text
        assert "stranger@example.org" in response.text
        assert "induction tutor or headteacher" in response.text
        assert User.objects.count() == users_before
        assert not SocialAccount.objects.exists()
        assert signed_in_user_id(client) is None

    def test_a_staff_account_is_refused_and_pointed_at_admin(self, client, fake_dfe_sign_in):
        UserFactory(email="support@education.gov.uk", is_staff=True)

        response = sign_in_with_dfe(client, fake_dfe_sign_in, "support@education.gov.uk")

        assert response.status_code == 403
        assert "Sign in to DfE support instead" in response.text
        assert reverse("admin:login") in response.text
        assert not SocialAccount.objects.exists()
        assert signed_in_user_id(client) is None

    def test_a_superuser_is_refused(self, client, fake_dfe_sign_in):
        User.objects.create_superuser("root@education.gov.uk", "a-long-test-password")

        response = sign_in_with_dfe(client, fake_dfe_sign_in, "root@education.gov.uk")

        assert response.status_code == 403
        assert signed_in_user_id(client) is None

    def test_a_deactivated_user_is_refused(self, client, fake_dfe_sign_in):
        UserFactory(email="left@school.example.org", is_active=False)

        response = sign_in_with_dfe(client, fake_dfe_sign_in, "left@school.example.org")

        assert response.status_code == 403
        assert NO_ACCOUNT in response.text
        assert signed_in_user_id(client) is None

    def test_a_user_deactivated_after_connecting_is_refused(self, client, fake_dfe_sign_in):
        user = a_tutor("tutor@school.example.org")
        sign_in_with_dfe(client, fake_dfe_sign_in, user.email)
        client.logout()
        User.objects.filter(pk=user.pk).update(is_active=False)

        response = sign_in_with_dfe(client, fake_dfe_sign_in, user.email)

        assert response.status_code == 403
        assert signed_in_user_id(client) is None

    def test_a_connected_account_whose_user_now_has_another_email_is_refused(self, client, fake_dfe_sign_in):
        user = a_tutor("tutor@school.example.org")
        sign_in_with_dfe(client, fake_dfe_sign_in, user.email)
        client.logout()
        User.objects.filter(pk=user.pk).update(email="tutor@another.example.org")

        response = sign_in_with_dfe(
            client, fake_dfe_sign_in, "tutor@school.example.org", sub=fake_dfe_sign_in.claims["sub"]
        )

        assert response.status_code == 403
        assert signed_in_user_id(client) is None

    def test_an_email_dfe_sign_in_says_is_unverified_is_refused(self, client, fake_dfe_sign_in):
        a_tutor("tutor@school.example.org")

        response = sign_in_with_dfe(
            client, fake_dfe_sign_in, "tutor@school.example.org", email_verified=False
        )

        assert response.status_code == 403
        assert signed_in_user_id(client) is None
        assert not SocialAccount.objects.exists()

    def test_cancelling_at_dfe_sign_in_signs_nobody_in(self, client, fake_dfe_sign_in):
        a_tutor("tutor@school.example.org")
        fake_dfe_sign_in.sign_in_as("tutor@school.example.org")
        fake_dfe_sign_in.cancel = True

        response = come_back(client, fake_dfe_sign_in.authorize(start(client)))

        assert response.status_code == 302
        assert "You did not sign in" in client.get(response["Location"]).text
        assert signed_in_user_id(client) is None

    def test_a_callback_cannot_be_replayed(self, client, fake_dfe_sign_in):
        user = a_tutor("tutor@school.example.org")
        fake_dfe_sign_in.sign_in_as(user.email)
        callback = fake_dfe_sign_in.authorize(start(client))
        come_back(client, callback)
        client.logout()

        response = come_back(client, callback)

        assert response.status_code == 401
        assert "Sorry, you could not sign in with DfE Sign-in" in response.text
        assert signed_in_user_id(client) is None

    def test_connecting_dfe_sign_in_to_whoever_is_signed_in_is_refused(self, client, fake_dfe_sign_in):
        signed_in = a_tutor("tutor@school.example.org")
        client.force_login(signed_in)
        fake_dfe_sign_in.sign_in_as("someone-else@example.org")

        response = come_back(client, fake_dfe_sign_in.authorize(start(client, process="connect")))

        assert response.status_code == 403
        assert not SocialAccount.objects.exists()


class TestSwitchedOnByConfiguration:
    @pytest.fixture
    def not_configured(self, settings):
        settings.DFE_SIGN_IN_ISSUER = settings.DFE_SIGN_IN_CLIENT_ID = settings.DFE_SIGN_IN_CLIENT_SECRET = ""
        settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers("", "", "")
        settings.DFE_SIGN_IN_ENABLED = False

    def test_settings_build_one_app_only_when_all_three_are_set(self):
        assert socialaccount_providers("https://oidc.example", "id", "") == {"openid_connect": {"APPS": []}}
        (app,) = socialaccount_providers("https://oidc.example/", "id", "secret")["openid_connect"]["APPS"]
        assert app["provider_id"] == "dfe-sign-in"
        assert app["name"] == "DfE Sign-in"
        assert app["settings"]["server_url"] == "https://oidc.example"
        assert app["settings"]["scope"] == ["openid", "email", "profile", "organisation"]

    def render_button(self):
        request = RequestFactory().get("/sign-in")
        return Template("{% load dfe_sign_in %}{% dfe_sign_in_button %}").render(RequestContext(request))

    def test_the_button_posts_to_dfe_sign_in_when_configured(self, fake_dfe_sign_in):
        html = self.render_button()

        assert f'action="{LOGIN_URL}"' in html
        assert 'method="post"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert "govuk-button--secondary" in html
        assert "Sign in with DfE Sign-in" in html

    def test_the_button_renders_nothing_when_not_configured(self, not_configured):
        assert self.render_button() == ""

    def test_the_sign_in_page_shows_the_button_only_when_configured(self, client, settings, not_configured):
        assert "Sign in with DfE Sign-in" not in client.get(reverse("sign_in")).text

        from tests.fakes.oidc import FakeOIDCProvider, configure_dfe_sign_in

        with FakeOIDCProvider() as fake:
            configure_dfe_sign_in(settings, fake)
            assert "Sign in with DfE Sign-in" in client.get(reverse("sign_in")).text

    def test_the_login_and_callback_addresses_are_not_found_when_not_configured(self, client, not_configured):
        assert client.post(LOGIN_URL, {"process": "login"}).status_code == 404
        assert client.get(LOGIN_URL).status_code == 404
        assert client.get(CALLBACK_URL, {"code": "x", "state": "y"}).status_code == 404


class TestAllauthsOwnPagesAreNoWayIn:
    def test_its_login_page_sends_people_to_our_sign_in_page(self, client):
        response = client.get("/auth/login/")

        assert response.status_code == 302
        assert response["Location"] == reverse("sign_in")

    def test_its_login_page_keeps_a_safe_next_and_drops_another_site(self, client):
        assert (
            client.get("/auth/login/", {"next": "/privacy"})["Location"]
            == f"{reverse('sign_in')}?next=%2Fprivacy"
        )
        assert client.get("/auth/login/", {"next": "https://evil.example/"})["Location"] == reverse("sign_in")

    @pytest.mark.parametrize("is_staff", [False, True])
    def test_a_password_posted_to_its_login_page_signs_nobody_in(self, client, is_staff):
        User.objects.create_user("someone@example.org", "a-long-test-password", is_staff=is_staff)

        response = client.post(
            "/auth/login/", {"login": "someone@example.org", "password": "a-long-test-password"}
        )

        assert response.status_code == 403
        assert signed_in_user_id(client) is None

    @pytest.mark.parametrize(
        "path",
        [
            "/auth/signup/",
            "/auth/password/reset/",
            "/auth/password/set/",
            "/auth/email/",
            "/auth/login/code/",
        ],
    )
    def test_its_signup_password_and_email_pages_do_not_exist(self, client, path):
        assert client.get(path).status_code == 404
        assert (
            client.post(path, {"email": "new@example.org", "password1": "a-long-test-password"}).status_code
            == 404
        )
        assert not User.objects.filter(email="new@example.org").exists()

    def test_the_social_signup_page_offers_no_form(self, client):
        response = client.get("/auth/3rdparty/signup/")

        assert response.status_code == 302
        assert not User.objects.exists()

    def test_signup_is_closed(self, rf):
        from accounts.adapters import AccountAdapter, SocialAccountAdapter

        request = rf.get("/")
        assert AccountAdapter(request).is_open_for_signup(request) is False
        assert SocialAccountAdapter(request).is_open_for_signup(request, sociallogin=None) is False


def test_someone_whose_school_access_has_ended_is_refused(client, fake_dfe_sign_in):
    user = a_tutor("replaced@school.example.org")
    SchoolAccess.objects.filter(user=user).update(ended_at=clock.now())

    response = sign_in_with_dfe(client, fake_dfe_sign_in, "replaced@school.example.org")

    assert response.status_code == 403
    assert signed_in_user_id(client) is None


class TestAppropriateBodyOrganisations:
    """Someone who signs in with DfE Sign-in for an appropriate body's organisation acts for it."""

    ORGANISATION_ID = "5b0e9a1e-3f4c-4d2a-9c1e-7a4b2d6f8e01"

    def organisation(self, **extra):
        return {"id": self.ORGANISATION_ID, "name": "Riverside Teaching School Hub", **extra}

    def test_a_new_person_from_the_bodys_organisation_gets_an_account_and_access(
        self, client, fake_dfe_sign_in
    ):
        body = AppropriateBodyFactory(dfe_sign_in_organisation_id=self.ORGANISATION_ID)

        response = sign_in_with_dfe(
            client,
            fake_dfe_sign_in,
            "Reviewer@Riverside.example.org",
            given_name="Ruth",
            family_name="Okafor",
            organisation=self.organisation(),
        )

        assert response.status_code == 302
        user = User.objects.get(email="reviewer@riverside.example.org")
        assert user.full_name == "Ruth Okafor"
        assert signed_in_user_id(client) == str(user.pk)
        access = AppropriateBodyAccess.objects.get(user=user)
        assert (access.appropriate_body, access.ended_at, access.invited_by) == (body, None, None)
        event = Event.objects.get(event_type="appropriate_body_access_given")
        assert event.appropriate_body == body and "DfE Sign-in" in event.heading

    def test_signing_in_again_gives_no_second_access(self, client, fake_dfe_sign_in):
        AppropriateBodyFactory(dfe_sign_in_organisation_id=self.ORGANISATION_ID)
        sign_in_with_dfe(
            client, fake_dfe_sign_in, "reviewer@riverside.example.org", organisation=self.organisation()
        )
        client.logout()

        sign_in_with_dfe(
            client, fake_dfe_sign_in, "reviewer@riverside.example.org", organisation=self.organisation()
        )

        assert AppropriateBodyAccess.objects.count() == 1
        assert Event.objects.filter(event_type="appropriate_body_access_given").count() == 1

    def test_a_tutor_from_the_bodys_organisation_keeps_their_school_and_gains_the_body(
        self, client, fake_dfe_sign_in
    ):
        body = AppropriateBodyFactory(dfe_sign_in_organisation_id=self.ORGANISATION_ID)
        tutor = a_tutor("tutor@school.example.org")

        sign_in_with_dfe(client, fake_dfe_sign_in, tutor.email, organisation=self.organisation())

        assert signed_in_user_id(client) == str(tutor.pk)
        assert AppropriateBodyAccess.objects.get(user=tutor).appropriate_body == body
        assert tutor.school_access.filter(ended_at__isnull=True).count() == 1

    @pytest.mark.parametrize(
        "organisation",
        [
            {"id": "0f6c1a52-1111-4c2a-9c1e-7a4b2d6f8e01", "name": "A school we do not map"},
            {"id": "not-a-uuid", "name": "Garbled"},
            "not even an object",
            None,
        ],
    )
    def test_any_other_organisation_gives_nothing_and_a_stranger_is_still_refused(
        self, client, fake_dfe_sign_in, organisation
    ):
        AppropriateBodyFactory(dfe_sign_in_organisation_id=self.ORGANISATION_ID)

        response = sign_in_with_dfe(
            client, fake_dfe_sign_in, "stranger@example.org", organisation=organisation
        )

        assert response.status_code == 403
        assert NO_ACCOUNT in response.content.decode()
        assert not User.objects.filter(email="stranger@example.org").exists()
        assert not AppropriateBodyAccess.objects.exists()

    def test_staff_are_given_nothing_and_told_to_use_admin(self, client, fake_dfe_sign_in):
        AppropriateBodyFactory(dfe_sign_in_organisation_id=self.ORGANISATION_ID)
        UserFactory(email="staff@education.gov.uk", is_staff=True)

        response = sign_in_with_dfe(
            client, fake_dfe_sign_in, "staff@education.gov.uk", organisation=self.organisation()
        )

        assert response.status_code == 403
        assert not AppropriateBodyAccess.objects.exists()
        assert signed_in_user_id(client) is None


@pytest.mark.parametrize("what", ["access ended by support", "account deactivated"])
def test_signing_in_for_the_organisation_does_not_undo_what_support_did(client, fake_dfe_sign_in, what):
    organisation_id = TestAppropriateBodyOrganisations.ORGANISATION_ID
    body = AppropriateBodyFactory(dfe_sign_in_organisation_id=organisation_id)
    person = UserFactory(email="reviewer@riverside.example.org")
    if what == "account deactivated":
        person.is_active = False
        person.save()
    else:
        started = clock.now()
        AppropriateBodyAccess.objects.create(
            user=person, appropriate_body=body, created_at=started, ended_at=started
        )

    response = sign_in_with_dfe(
        client, fake_dfe_sign_in, person.email, organisation={"id": organisation_id, "name": "Riverside"}
    )

    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    assert not AppropriateBodyAccess.objects.filter(user=person, ended_at__isnull=True).exists()
