"""Signing in by emailed link, and who sees which school's pages."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import SignInLink, SignInRequest
from core import clock
from emails.models import Email
from emails.templates import get_template
from schools.models import SchoolAccess
from tests.factories import SchoolFactory, UserFactory
from tests.outbox import emails_sent, token_in

pytestmark = pytest.mark.django_db


def tutor_of(school, **user_kwargs):
    user = UserFactory(**user_kwargs)
    SchoolAccess.objects.create(user=user, school=school, role="induction_tutor")
    return user


def ask_for_link(client, email, **extra):
    return client.post(reverse("sign_in"), {"email": email}, **extra)


def link_token(client, user) -> str:
    """Ask for a sign-in link for `user` and return the token from the email."""
    with emails_sent() as sent:
        ask_for_link(client, user.email)
    [email] = sent
    assert (email.template, email.recipient) == ("sign_in_link", user.email)
    return token_in(email, "sign_in_url")


def sign_in(client, user):
    return client.post(reverse("sign_in_link", kwargs={"token": link_token(client, user)}))


def test_known_and_unknown_addresses_get_the_same_answer(client):
    tutor = tutor_of(SchoolFactory())
    known = ask_for_link(client, tutor.email)
    unknown = ask_for_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("sign_in_check_email")
    page = client.get(known["Location"]).content.decode()
    assert "expires after 60 minutes" in page
    assert Email.objects.filter(template="sign_in_link").count() == 1
    assert SignInRequest.objects.count() == 2


def test_the_emailed_link_signs_in_once(client):
    tutor = tutor_of(SchoolFactory())
    with emails_sent() as sent:
        ask_for_link(client, tutor.email.upper())  # addresses are not case-sensitive
    token = token_in(sent[0], "sign_in_url")
    assert (
        client.get(reverse("sign_in_link", kwargs={"token": token})).status_code == 200
    )  # a button, not a sign-in
    first = client.post(reverse("sign_in_link", kwargs={"token": token}))
    assert first["Location"] == reverse("post_sign_in")
    client.logout()
    second = client.post(reverse("sign_in_link", kwargs={"token": token}))
    assert second.status_code == 410
    assert "This link has already been used" in second.content.decode()
    opened_again = client.get(reverse("sign_in_link", kwargs={"token": token}))
    assert opened_again.status_code == 410  # said at once, without a button to press


def test_a_link_for_an_invitation_lasts_a_week_and_the_email_says_so(client):
    school = SchoolFactory()
    client.force_login(tutor_of(school, privacy_notice_accepted_at=clock.now()))
    with emails_sent() as sent:
        client.post(
            reverse("add_colleague", kwargs={"urn": school.urn, "step": "details"}),
            {"colleague_name": "Sam Colleague", "colleague_email": "sam@school.example.org"},
        )
        client.post(reverse("add_colleague", kwargs={"urn": school.urn, "step": "check-answers"}))
    link = SignInLink.objects.get(user__email="sam@school.example.org")
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    assert "for 7 days" in get_template(sent[0].template).body


def test_giving_access_to_someone_who_has_it_already_is_explained(client):
    school = SchoolFactory(name="Badger Primary")
    tutor = tutor_of(school, privacy_notice_accepted_at=clock.now())
    client.force_login(tutor)
    response = client.post(
        reverse("add_colleague", kwargs={"urn": school.urn, "step": "details"}),
        {"colleague_name": "Me Again", "colleague_email": tutor.email.upper()},
    )
    assert response.content.decode().count("This person can already manage training at Badger Primary") == 2


def test_an_expired_link_says_so(client):
    tutor = tutor_of(SchoolFactory())
    token = link_token(client, tutor)
    an_hour_ago = clock.now() - datetime.timedelta(hours=1)
    SignInLink.objects.update(created_at=an_hour_ago - datetime.timedelta(hours=1), expires_at=an_hour_ago)
    response = client.post(reverse("sign_in_link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_first_sign_in_asks_for_the_privacy_notice_then_goes_to_the_school(client):
    school = SchoolFactory()
    tutor = tutor_of(school)
    sign_in(client, tutor)
    assert client.get(reverse("post_sign_in"))["Location"] == reverse("accept_privacy_notice")
    client.post(reverse("accept_privacy_notice"))
    tutor.refresh_from_db()
    assert tutor.privacy_notice_accepted_at is not None
    assert client.get(reverse("post_sign_in"))["Location"] == reverse("choose_school")
    assert client.get(reverse("choose_school"))["Location"] == reverse(
        "school_home", kwargs={"urn": school.urn}
    )


def test_a_tutor_of_several_schools_chooses_one(client):
    first, second = SchoolFactory(name="Aardvark Academy"), SchoolFactory(name="Badger Primary")
    tutor = tutor_of(first, privacy_notice_accepted_at=clock.now())
    SchoolAccess.objects.create(user=tutor, school=second, role="colleague")
    client.force_login(tutor)
    page = client.get(reverse("choose_school")).content.decode()
    assert page.index("Aardvark Academy") < page.index("Badger Primary")


def test_another_schools_pages_are_not_found(client):
    mine, theirs = SchoolFactory(), SchoolFactory()
    client.force_login(tutor_of(mine, privacy_notice_accepted_at=clock.now()))
    assert client.get(reverse("school_home", kwargs={"urn": mine.urn})).status_code == 200
    assert client.get(reverse("school_home", kwargs={"urn": theirs.urn})).status_code == 404
    add = reverse("add_colleague", kwargs={"urn": theirs.urn, "step": "details"})
    assert client.get(add).status_code == 404
    assert client.post(add, {"colleague_name": "X", "colleague_email": "x@example.org"}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    school = SchoolFactory()
    response = client.get(reverse("school_home", kwargs={"urn": school.urn}))
    assert response["Location"].startswith(reverse("sign_in"))


def test_too_many_requests_for_one_address_get_a_page_saying_when_to_try_again(client):
    for _ in range(3):
        ask_for_link(client, "someone@example.org")
    response = ask_for_link(client, "someone@example.org")
    assert response.status_code == 429
    assert "You can try again at" in response.content.decode()


def test_too_many_requests_from_one_ip_address_are_refused(client):
    for n in range(20):
        ask_for_link(client, f"person{n}@example.org", REMOTE_ADDR="203.0.113.9")
    assert ask_for_link(client, "another@example.org", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert ask_for_link(client, "another@example.org", REMOTE_ADDR="203.0.113.10").status_code == 302


def test_a_bad_address_is_explained_and_kept(client):
    response = ask_for_link(client, "not an email")
    page = response.content.decode()
    assert page.count("Enter an email address in the correct format") == 2
    assert 'value="not an email"' in page


def test_staff_get_no_sign_in_link_and_school_users_cannot_reach_admin(client):
    staff = UserFactory(is_staff=True)
    ask_for_link(client, staff.email)
    assert not Email.objects.filter(template="sign_in_link").exists()
    tutor = tutor_of(SchoolFactory())
    sign_in(client, tutor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_signing_out_ends_the_session(client):
    school = SchoolFactory()
    sign_in(client, tutor_of(school, privacy_notice_accepted_at=clock.now()))
    client.post(reverse("sign_out"))
    assert client.get(reverse("school_home", kwargs={"urn": school.urn})).status_code == 302


def test_a_tutor_gives_a_colleague_access_who_is_emailed(client):
    school = SchoolFactory()
    tutor = tutor_of(school, full_name="Jane Tutor", privacy_notice_accepted_at=clock.now())
    client.force_login(tutor)
    url = reverse("add_colleague", kwargs={"urn": school.urn, "step": "details"})
    client.post(url, {"colleague_name": "Sam Colleague", "colleague_email": "sam@school.example.org"})
    check = reverse("add_colleague", kwargs={"urn": school.urn, "step": "check-answers"})
    assert "sam@school.example.org" in client.get(check).content.decode()
    client.post(check)
    access = SchoolAccess.objects.get(school=school, user__email="sam@school.example.org")
    assert access.role == "colleague"
    email = Email.objects.get(template="colleague_added")
    assert email.personalisation["added_by"] == "Jane Tutor"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"colleague_name": "", "colleague_email": "sam@example.org"},
            "Enter your colleague&#x27;s full name",
        ),
        (
            {"colleague_name": "S" * 201, "colleague_email": "sam@example.org"},
            "Full name must be 200 characters or less",
        ),
        (
            {"colleague_name": "Sam", "colleague_email": "sam@"},
            "Enter an email address in the correct format",
        ),
        ({"colleague_name": "Sam", "colleague_email": ""}, "Enter your colleague&#x27;s email address"),
    ],
)
def test_giving_access_explains_bad_input_and_keeps_it(client, data, message):
    school = SchoolFactory()
    client.force_login(tutor_of(school, privacy_notice_accepted_at=clock.now()))
    response = client.post(reverse("add_colleague", kwargs={"urn": school.urn, "step": "details"}), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 2
    assert f'value="{data["colleague_email"]}"' in page or not data["colleague_email"]
    assert not SchoolAccess.objects.filter(role="colleague").exists()


def test_a_forged_forwarded_for_header_does_not_dodge_the_per_ip_limit(client):
    for n in range(20):
        ask_for_link(
            client, f"person{n}@example.org", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    response = ask_for_link(
        client, "another@example.org", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429


def test_a_malformed_forwarded_for_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    response = ask_for_link(client, "someone@example.org", HTTP_X_FORWARDED_FOR="nonsense")
    assert response.status_code == 302
    assert SignInRequest.objects.get().ip_address is None


def test_behind_our_proxy_the_address_it_appended_is_the_clients(client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    ask_for_link(client, "someone@example.org", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7")
    assert SignInRequest.objects.get().ip_address == "198.51.100.7"
