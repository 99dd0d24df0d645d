"""Nominating an induction tutor: the services and the journey through the Django test client."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import LIMITS_PER_EMAIL
from audit.models import Event
from core import clock
from emails.models import Email
from schools import services
from schools.models import NominationLink, SchoolAccess, SchoolContractPeriodChoice
from tests.dates import THIS_YEAR
from tests.factories import ContractPeriodFactory, SchoolFactory, UserFactory
from tests.outbox import emails_sent, token_in

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def open_contract_period():
    return ContractPeriodFactory(year=THIS_YEAR, enabled=True)


def request_link(client, school) -> str:
    with emails_sent() as sent:
        response = client.post(reverse("nomination_confirm_school", kwargs={"urn": school.urn}))
    assert response.status_code == 302, response.content
    [email] = sent
    assert (email.template, email.recipient) == ("nomination_link", school.contact_email)
    token = token_in(email, "nomination_url")
    opened = client.get(reverse("nomination_start", kwargs={"token": token}))  # as the headteacher would
    assert opened["Location"] == reverse("nomination_intro")
    return token


def walk(client, answers: dict[str, dict]):
    """Answer each step in turn (the link must be open in this client), then confirm."""
    for step, data in answers.items():
        response = client.post(reverse("nomination_step", kwargs={"step": step}), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return client.post(reverse("nomination_step", kwargs={"step": "check-answers"}))


YES_JANE = {
    "expects-ects": {"expects_ects": "yes"},
    "tutor-name": {"full_name": "Jane Tutor"},
    "tutor-email": {"email": "Jane.Tutor@School.example.org"},
}


class TestAskingForALink:
    def test_the_link_goes_to_the_gias_address_which_the_page_never_shows(self, client):
        school = SchoolFactory(contact_email="head@fictional.example.org")
        response = client.post(reverse("nomination_confirm_school", kwargs={"urn": school.urn}), follow=True)
        assert "We've emailed your school" in response.content.decode()
        assert "head@fictional.example.org" not in response.content.decode()
        email = Email.objects.get(template="nomination_link")
        assert email.recipient == "head@fictional.example.org"
        assert email.personalisation["school_name"] == school.name
        link = NominationLink.objects.get(school=school)
        assert link.expires_at - link.created_at == datetime.timedelta(days=21)

    def test_a_second_request_within_five_minutes_is_refused_with_when_to_try_again(self, client):
        school = SchoolFactory()
        request_link(client, school)
        response = client.post(reverse("nomination_confirm_school", kwargs={"urn": school.urn}))
        assert response.status_code == 429
        assert "You can try again at" in response.content.decode()
        assert NominationLink.objects.filter(school=school).count() == 1

    def test_the_readme_tells_newcomers_truly_when_another_link_is_refused(self, client, service_clock):
        readme = re.sub(r"\s+", " ", README.read_text())
        # What the README says below, as the rules stand (change both together).
        five_minutes_apart, five_a_day = services.NOMINATION_LIMITS
        assert (five_minutes_apart.times, five_minutes_apart.per) == (1, datetime.timedelta(minutes=5))
        assert (five_a_day.times, five_a_day.per) == (5, datetime.timedelta(days=1))
        an_hour, a_day = services.NOMINATION_LIMITS_PER_IP_ADDRESS
        assert (an_hour.times, an_hour.per, a_day.times, a_day.per) == (30, HOUR, 100, DAY)
        sign_in_soon, sign_in_day = LIMITS_PER_EMAIL
        assert (sign_in_soon.times, sign_in_soon.per) == (3, datetime.timedelta(minutes=15))
        assert (sign_in_day.times, sign_in_day.per) == (10, DAY)
        for says in [
            "a second nomination link for the same school within 5 minutes of the last one is refused, "
            "and so is a sixth within 24 hours",
            'The page says "You cannot ask for another link yet" with the time you can try again, and no '
            "email is queued",
            "That link still works (for 21 days, until a tutor is nominated through any of the school's links)",
            "may ask for 30 nomination links an hour and 100 in 24 hours across all schools",
            "3 to one address in 15 minutes, 10 in 24 hours",
        ]:
            assert says in readme

        school = SchoolFactory()
        first_token = request_link(client, school)
        service_clock.shift(datetime.timedelta(minutes=4, seconds=50))
        confirm = reverse("nomination_confirm_school", kwargs={"urn": school.urn})
        with emails_sent() as sent:
            refused = client.post(confirm)
        assert refused.status_code == 429
        assert "You cannot ask for another link yet" in refused.content.decode()
        assert "You can try again at" in refused.content.decode()
        assert sent == [] and Email.objects.filter(template="nomination_link").count() == 1
        # The earlier link still opens; five minutes after it, another is sent.
        assert client.get(reverse("nomination_start", kwargs={"token": first_token})).status_code == 302
        service_clock.shift(datetime.timedelta(seconds=11))
        request_link(client, school)

    def test_at_most_five_a_day(self):
        school = SchoolFactory()
        for minutes_ago in (60, 50, 40, 30, 20):
            NominationLink.objects.create(
                school=school,
                token_hash=f"{minutes_ago:064d}",
                created_at=clock.now() - datetime.timedelta(minutes=minutes_ago),
                expires_at=clock.now() + datetime.timedelta(days=20),
            )
        wait_until = services.send_nomination_link(school=school)
        assert wait_until is not None and wait_until > clock.now() + datetime.timedelta(hours=20)

    @pytest.mark.parametrize(
        ("school_kwargs", "says"),
        [
            ({"status": "Closed"}, "records this school as closed"),
            ({"region": "Wales (pseudo)"}, "This service is for schools in England"),
            ({"contact_email": ""}, "We do not have a contact email address"),
        ],
    )
    def test_schools_that_cannot_use_the_service_are_told_why(self, client, school_kwargs, says):
        school = SchoolFactory(**school_kwargs)
        response = client.get(reverse("nomination_confirm_school", kwargs={"urn": school.urn}))
        assert says in response.content.decode()
        client.post(reverse("nomination_confirm_school", kwargs={"urn": school.urn}))
        assert not NominationLink.objects.filter(school=school).exists()

    def test_search_finds_by_name_urn_and_postcode_without_its_space(self, client):
        school = SchoolFactory(name="Quillfeather Primary", urn=912345, postcode="QQ1 2AB")
        for text in ("quillfeather", "912345", "qq12ab"):
            response = client.get(reverse("nominate"), {"q": text})
            assert list(response.context["results"]) == [school], text

    def test_a_blank_search_says_what_to_enter_and_keeps_the_page(self, client):
        response = client.get(reverse("nominate"), {"q": "  "})
        assert "Enter your school&#x27;s name, URN or postcode" in response.content.decode()
        assert response.context["results"] is None


class TestTheLink:
    def test_nominating_a_tutor_emails_them_a_sign_in_link_and_records_events(self, client):
        school = SchoolFactory()
        request_link(client, school)
        response = walk(client, YES_JANE)
        assert response.status_code == 302
        access = SchoolAccess.objects.get(school=school, ended_at__isnull=True)
        assert (access.user.email, access.user.full_name, access.role) == (
            "jane.tutor@school.example.org",
            "Jane Tutor",
            "induction_tutor",
        )
        email = Email.objects.get(template="induction_tutor_nominated")
        assert email.recipient == "jane.tutor@school.example.org"
        assert "/sign-in/link/" in email.personalisation["sign_in_url"]
        assert SchoolContractPeriodChoice.objects.get(school=school).expects_ects == "yes"
        assert Event.objects.filter(school=school, event_type="induction_tutor_nominated").count() == 1
        done = client.get(response["Location"])
        assert "Jane Tutor is the induction tutor for" in done.content.decode()

    def test_no_ects_is_recorded_for_the_open_contract_period_and_nominates_nobody(
        self, client, open_contract_period
    ):
        school = SchoolFactory()
        request_link(client, school)
        response = walk(client, {"expects-ects": {"expects_ects": "no"}})
        choice = SchoolContractPeriodChoice.objects.get(school=school)
        assert (choice.contract_period, choice.expects_ects) == (open_contract_period, "no")
        assert not SchoolAccess.objects.filter(school=school).exists()
        assert (
            "does not expect any early career teachers" in client.get(response["Location"]).content.decode()
        )

    def test_answering_no_skips_the_name_and_email_questions(self, client):
        request_link(client, SchoolFactory())
        client.post(
            reverse("nomination_step", kwargs={"step": "expects-ects"}),
            {"expects_ects": "no"},
        )
        response = client.get(reverse("nomination_step", kwargs={"step": "tutor-name"}))
        assert response.status_code == 302
        assert response["Location"].endswith("/check-answers")

    def test_a_step_cannot_be_reached_before_the_ones_before_it(self, client):
        request_link(client, SchoolFactory())
        response = client.get(reverse("nomination_step", kwargs={"step": "tutor-email"}))
        assert response["Location"].endswith("/expects-ects")

    def test_changing_an_answer_from_check_answers_returns_there(self, client):
        request_link(client, SchoolFactory())
        for step, data in YES_JANE.items():
            client.post(reverse("nomination_step", kwargs={"step": step}), data)
        check = client.get(reverse("nomination_step", kwargs={"step": "check-answers"}))
        assert "Jane Tutor" in check.content.decode()
        change_url = reverse("nomination_step", kwargs={"step": "tutor-name"}) + "?change=1"
        assert change_url in check.content.decode()
        response = client.post(change_url, {"full_name": "Janet Tutor"})
        assert response["Location"].endswith("/check-answers")
        assert "Janet Tutor" in client.get(response["Location"]).content.decode()

    @pytest.mark.parametrize(
        ("step", "data", "message"),
        [
            ("expects-ects", {}, "Select whether you expect any early career teachers"),
            ("tutor-name", {"full_name": ""}, "Enter the induction tutor&#x27;s full name"),
            ("tutor-name", {"full_name": "x" * 201}, "Full name must be 200 characters or less"),
            ("tutor-email", {"email": "not-an-email"}, "Enter an email address in the correct format"),
            ("tutor-email", {"email": ""}, "Enter the induction tutor&#x27;s email address"),
        ],
    )
    def test_bad_answers_are_explained_by_the_field_and_keep_what_was_typed(
        self, client, step, data, message
    ):
        request_link(client, SchoolFactory())
        for earlier, answer in YES_JANE.items():
            if earlier == step:
                break
            client.post(reverse("nomination_step", kwargs={"step": earlier}), answer)
        response = client.post(reverse("nomination_step", kwargs={"step": step}), data)
        page = response.content.decode()
        assert response.status_code == 200
        assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in page
        assert page.count(message) == 2  # in the summary and by the field
        assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
        for value in data.values():
            if value and len(value) < 100:
                assert f'value="{value}"' in page

    def test_a_used_link_says_so_and_offers_a_new_one(self, client):
        school = SchoolFactory()
        token = request_link(client, school)
        walk(client, YES_JANE)
        someone_else = Client()  # the browser that used it is shown what it did instead
        response = someone_else.get(reverse("nomination_start", kwargs={"token": token}))
        assert response.status_code == 410
        assert "This link has already been used" in response.content.decode()
        assert reverse("nomination_confirm_school", kwargs={"urn": school.urn}) in response.content.decode()

    def test_an_expired_link_says_so(self, client):
        school = SchoolFactory()
        request_link(client, school)
        long_ago = clock.now() - datetime.timedelta(days=22)
        NominationLink.objects.filter(school=school).update(
            created_at=long_ago, expires_at=long_ago + datetime.timedelta(days=21)
        )
        response = client.get(reverse("nomination_step", kwargs={"step": "expects-ects"}))
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()

    def test_an_unknown_link_is_not_found(self, client):
        assert client.get(reverse("nomination_start", kwargs={"token": "made-up"})).status_code == 404

    def test_replacing_the_tutor_ends_their_access_at_once_and_tells_them(self, client):
        school = SchoolFactory()
        request_link(client, school)
        walk(client, YES_JANE)
        NominationLink.objects.update(created_at=clock.now() - datetime.timedelta(minutes=6))
        token = request_link(client, school)
        start = client.get(reverse("nomination_start", kwargs={"token": token}), follow=True)
        assert "Your school's induction tutor is <strong>Jane Tutor</strong>" in start.content.decode()
        walk(
            client,
            {
                **YES_JANE,
                "tutor-name": {"full_name": "Raj Newtutor"},
                "tutor-email": {"email": "raj@school.example.org"},
            },
        )
        current = SchoolAccess.objects.get(school=school, ended_at__isnull=True)
        assert current.user.email == "raj@school.example.org"
        replaced = Email.objects.get(template="induction_tutor_replaced")
        assert replaced.recipient == "jane.tutor@school.example.org"
        jane = UserFactory(email="jane.tutor@school.example.org")
        client.force_login(jane)
        assert client.get(reverse("school_home", kwargs={"urn": school.urn})).status_code == 404

    def test_one_person_can_be_tutor_for_several_schools(self, client):
        first, second = SchoolFactory(), SchoolFactory()
        request_link(client, first)
        walk(client, YES_JANE)
        request_link(client, second)
        walk(client, YES_JANE)
        assert (
            SchoolAccess.objects.filter(
                user__email="jane.tutor@school.example.org", ended_at__isnull=True
            ).count()
            == 2
        )


def test_submitting_the_same_answers_twice_nominates_once(client):
    school = SchoolFactory()
    request_link(client, school)
    for step, data in YES_JANE.items():
        client.post(reverse("nomination_step", kwargs={"step": step}), data)
    check_answers = reverse("nomination_step", kwargs={"step": "check-answers"})
    first = client.post(check_answers)
    second = client.post(check_answers)  # a double click on Confirm
    assert first["Location"] == second["Location"] == reverse("nomination_done")
    assert SchoolAccess.objects.filter(school=school).count() == 1
    assert Email.objects.filter(template="induction_tutor_nominated").count() == 1


def test_nominating_spends_every_other_link_the_school_was_sent(client):
    school = SchoolFactory()
    older = request_link(client, school)
    NominationLink.objects.update(created_at=clock.now() - datetime.timedelta(minutes=6))
    request_link(client, school)
    walk(client, YES_JANE)
    response = Client().get(reverse("nomination_start", kwargs={"token": older}))
    assert response.status_code == 410
    assert not NominationLink.objects.filter(school=school, used_at__isnull=True).exists()


@pytest.mark.parametrize("text", ["²", "a\x00b", "9" * 30, "%"])
def test_odd_searches_are_answered_not_crashed(client, text):
    assert client.get(reverse("nominate"), {"q": text}).status_code == 200
    response = client.get(reverse("nominate_search_json"), {"q": text})
    assert response.status_code == 200
    assert isinstance(response.json()["schools"], list)


def test_with_registration_closed_a_no_is_not_claimed_as_recorded_and_the_link_still_works(
    client, open_contract_period
):
    open_contract_period.enabled = False
    open_contract_period.save()
    school = SchoolFactory()
    token = request_link(client, school)
    response = walk(client, {"expects-ects": {"expects_ects": "no"}})
    assert "Registration is closed at the moment" in response.content.decode()
    assert not SchoolContractPeriodChoice.objects.exists()
    assert client.get(reverse("nomination_start", kwargs={"token": token}), follow=True).status_code == 200


def test_the_token_stays_out_of_the_pages_after_the_emailed_link(client):
    token = request_link(client, SchoolFactory())
    response = walk(client, YES_JANE)
    assert token not in response["Location"]
    for step in YES_JANE:
        assert token not in reverse("nomination_step", kwargs={"step": step})


def test_the_questions_need_the_link_opened_in_this_browser(client):
    request_link(client, SchoolFactory())
    response = Client().get(reverse("nomination_step", kwargs={"step": "expects-ects"}))
    assert response.status_code == 403
    assert "Open the link from your email" in response.content.decode()


def test_one_ip_address_cannot_email_every_school(client):
    schools = [SchoolFactory() for _ in range(31)]
    for school in schools[:30]:
        response = client.post(
            reverse("nomination_confirm_school", kwargs={"urn": school.urn}), REMOTE_ADDR="198.51.100.4"
        )
        assert response.status_code == 302
    refused = client.post(
        reverse("nomination_confirm_school", kwargs={"urn": schools[30].urn}), REMOTE_ADDR="198.51.100.4"
    )
    assert refused.status_code == 429
    elsewhere = client.post(
        reverse("nomination_confirm_school", kwargs={"urn": schools[30].urn}), REMOTE_ADDR="198.51.100.5"
    )
    assert elsewhere.status_code == 302
    assert NominationLink.objects.filter(requested_from="198.51.100.4").count() == 30
