"""Registering an ECT from the dashboard, through the Django test client, with the real TRS client
talking to the fake TRS over HTTP."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import ECTAtSchoolPeriod, Teacher
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderFactory,
    SchoolFactory,
    TeacherFactory,
    school_set_up_with,
)
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db

FOUND = {"trn": "9990001", "born": ("21", "4", "1996"), "name": "Amara Okafor"}
FOUND_BY_NUMBER = {
    "trn": "9990005",
    "born": ("1", "1", "1990"),
    "number": "qq 12 34 56 c",
    "name": "Priya Raman",
}


@pytest.fixture
def hub():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


@pytest.fixture
def school(tutor, this_year, hub):
    active = ActiveLeadProviderFactory(contract_period=this_year)
    return school_set_up_with(
        active.lead_provider, tutor=tutor, contract_period=this_year, appropriate_body=hub
    )


@pytest.fixture
def signed_in(client, tutor, fake_trs):
    client.force_login(tutor)
    return client


def url(school, step):
    return reverse("register_ect", kwargs={"urn": school.urn, "step": step})


def post(client, school, step, data):
    response = client.post(url(school, step), data)
    assert response.status_code == 302, (step, response.content.decode()[:3000])
    return response["Location"]


def find(client, school, teacher):
    day, month, year = teacher["born"]
    data = {
        "trn": teacher["trn"],
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
    }
    return post(client, school, "find-ect", data)


def details(client, school, *, email="amara@example.org"):
    post(client, school, "confirm-name", {"name_is_right": "yes"})
    post(client, school, "email", {"email": email})
    post(
        client,
        school,
        "start-date",
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"},
    )
    return post(client, school, "working-pattern", {"working_pattern": "full_time"})


def test_an_ect_found_first_time_is_registered_with_the_schools_choices(signed_in, school, fake_trs):
    assert find(signed_in, school, FOUND) == url(school, "confirm-name")
    assert "Amara Okafor" in signed_in.get(url(school, "confirm-name")).content.decode()
    assert details(signed_in, school) == url(school, "use-previous-choices")
    assert post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"}) == url(
        school, "check-answers"
    )
    check = signed_in.get(url(school, "check-answers")).content.decode()
    for shown in (
        "9990001",
        "Amara Okafor",
        "amara@example.org",
        f"1 September {THIS_YEAR}",
        "Full time",
        "Riverside",
    ):
        assert shown in check
    with emails_sent() as sent:
        done = signed_in.post(url(school, "check-answers"))
    assert done["Location"] == reverse("ect_registered", kwargs={"urn": school.urn})
    assert "Amara Okafor has been registered" in signed_in.get(done["Location"]).content.decode()
    period = ECTAtSchoolPeriod.objects.get(school=school)
    assert (period.teacher.trn, period.email, period.started_on) == (
        "9990001",
        "amara@example.org",
        datetime.date(THIS_YEAR, 9, 1),
    )
    assert period.training_periods.get().expression_of_interest is not None
    assert [email.template for email in sent] == ["ect_registered"]


def test_the_date_of_birth_is_forgotten_once_checked(signed_in, school):
    find(signed_in, school, FOUND)
    session = signed_in.session
    stored = {key: value for key, value in session.items() if key.startswith("wizard:RegisterECTWizard")}
    assert stored and "1996" not in str(stored)
    # Going back shows the TRN they typed, and the date boxes empty.
    page = signed_in.get(url(school, "find-ect")).content.decode()
    assert 'value="9990001"' in page and 'value="1996"' not in page


def test_a_wrong_date_of_birth_asks_for_the_national_insurance_number(signed_in, school):
    assert find(signed_in, school, FOUND_BY_NUMBER) == url(school, "national-insurance-number")
    wrong = signed_in.post(
        url(school, "national-insurance-number"), {"national_insurance_number": "QQ 99 99 99 A"}
    )
    assert wrong["Location"] == url(school, "cannot-register")
    assert "We cannot find their teacher record" in signed_in.get(wrong["Location"]).content.decode()
    right = post(
        signed_in,
        school,
        "national-insurance-number",
        {"national_insurance_number": FOUND_BY_NUMBER["number"]},
    )
    assert right == url(school, "confirm-name")
    assert "QQ123456C" not in str(dict(signed_in.session.items()))


@pytest.mark.parametrize(
    ("trn", "born", "says"),
    [
        ("9990004", ("1", "1", "1990"), "We cannot find their teacher record"),
        ("9990006", ("14", "6", "1990"), "already passed their induction"),
        ("9990007", ("9", "9", "1992"), "failed their induction"),
        ("9990008", ("27", "2", "1991"), "failed their induction"),
        ("9990009", ("1", "12", "1985"), "exempt from induction"),
        ("9990011", ("8", "8", "1988"), "cannot be registered for training or mentoring"),
    ],
)
def test_stop_pages(signed_in, school, trn, born, says):
    assert find(signed_in, school, {"trn": trn, "born": born}) == url(school, "cannot-register")
    page = signed_in.get(url(school, "cannot-register"))
    assert page.status_code == 200
    assert says in page.content.decode()
    # There is no way past a stop page.
    assert signed_in.get(url(school, "confirm-name"))["Location"] == url(school, "cannot-register")


def test_someone_already_registered_here_stops(signed_in, school):
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990001"), school=school, started_on=datetime.date(THIS_YEAR, 9, 1)
    )
    find(signed_in, school, FOUND)
    assert (
        "already registered as an early career teacher"
        in signed_in.get(url(school, "cannot-register")).content.decode()
    )


def test_going_back_to_find_someone_already_registered_here_stops_at_once(signed_in, school):
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990002"), school=school, started_on=datetime.date(THIS_YEAR, 9, 1)
    )
    assert find(signed_in, school, FOUND) == url(school, "confirm-name")
    # Back to the first step, for a teacher the school registered already: the answer that finds
    # them must lead to the stop page, not on as the first teacher's would.
    again = {"trn": "9990002", "born": ("3", "11", "1998")}
    assert find(signed_in, school, again) == url(school, "cannot-register")


def test_an_ect_at_another_school_is_moved_when_the_school_says_so(signed_in, school):
    elsewhere = ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990001"),
        school=SchoolFactory(name="Inkwell Academy"),
        started_on=datetime.date(THIS_YEAR - 1, 9, 1),
    )
    assert find(signed_in, school, FOUND) == url(school, "moving-school")
    assert "from Inkwell Academy" in signed_in.get(url(school, "moving-school")).content.decode()
    # "No" stops, and the stop page leads back to the question.
    assert post(signed_in, school, "moving-school", {"moving_school": "no"}) == url(school, "cannot-register")
    stop = signed_in.get(url(school, "cannot-register")).content.decode()
    assert f'href="{url(school, "moving-school")}">change your answer to yes' in stop
    assert f'href="{url(school, "moving-school")}" class="govuk-back-link"' in stop
    post(signed_in, school, "moving-school", {"moving_school": "yes"})
    details(signed_in, school)
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"})
    assert "Inkwell Academy" in signed_in.get(url(school, "check-answers")).content.decode()  # moving from
    signed_in.post(url(school, "check-answers"))
    elsewhere.refresh_from_db()
    assert elsewhere.finished_on == datetime.date(THIS_YEAR, 8, 31)
    assert ECTAtSchoolPeriod.objects.filter(school=school, teacher__trn="9990001").exists()


def test_a_moving_ects_start_date_before_their_time_at_the_other_school_is_refused_on_its_step(
    signed_in, school
):
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990001"),
        school=SchoolFactory(name="Inkwell Academy"),
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    find(signed_in, school, FOUND)
    post(signed_in, school, "moving-school", {"moving_school": "yes"})
    post(signed_in, school, "confirm-name", {"name_is_right": "yes"})
    post(signed_in, school, "email", {"email": "amara@example.org"})
    typed = {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"}

    response = signed_in.post(url(school, "start-date"), typed)

    assert response.status_code == 200
    page = response.content.decode()
    message = (
        f"They started as an ECT at Inkwell Academy on 1 September {THIS_YEAR}. "
        "Their start date at your school must be after that."
    )
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in page  # by the field
    assert 'class="govuk-error-summary' in page
    assert f'value="{THIS_YEAR}"' in page  # what was typed is kept
    later = {"started_on_day": "2", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"}
    assert post(signed_in, school, "start-date", later) == url(school, "working-pattern")


def test_a_start_date_in_a_year_not_open_says_when_it_opens(signed_in, school):
    ContractPeriodFactory(
        year=THIS_YEAR + 1,
        started_on=datetime.date(THIS_YEAR + 1, 6, 1),
        finished_on=datetime.date(THIS_YEAR + 2, 5, 31),
        enabled=False,
    )
    find(signed_in, school, FOUND)
    post(signed_in, school, "confirm-name", {"name_is_right": "yes"})
    post(signed_in, school, "email", {"email": "amara@example.org"})
    response = signed_in.post(
        url(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR + 1}"},
    )
    assert response.status_code == 200
    assert f"opens on 1 June {THIS_YEAR + 1}" in response.content.decode()


def test_trs_being_down_keeps_what_was_typed(signed_in, school, fake_trs):
    fake_trs.fail_next(1, status=503)
    response = signed_in.post(
        url(school, "find-ect"),
        {
            "trn": "9990001",
            "date_of_birth_day": "21",
            "date_of_birth_month": "4",
            "date_of_birth_year": "1996",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "We could not check the Teaching Record System just now" in page
    assert 'value="9990001"' in page and 'value="1996"' in page
    assert not Teacher.objects.exists()


def test_another_schools_registration_is_not_found(signed_in, school):
    other = SchoolFactory()
    assert signed_in.get(url(other, "find-ect")).status_code == 404
    assert signed_in.get(reverse("ect_registered", kwargs={"urn": other.urn})).status_code == 404


def test_a_national_insurance_number_must_look_like_one(signed_in, school, fake_trs):
    find(signed_in, school, FOUND_BY_NUMBER)
    asked = len(fake_trs.requests)
    response = signed_in.post(
        url(school, "national-insurance-number"), {"national_insurance_number": "not a number"}
    )
    assert response.status_code == 200
    assert "Enter a National Insurance number, like QQ 12 34 56 C" in response.content.decode()
    assert len(fake_trs.requests) == asked  # TRS was not asked


def test_not_found_offers_to_change_the_details_that_found_nobody(signed_in, school):
    find(signed_in, school, {"trn": "9990004", "born": ("1", "1", "1990")})
    page = signed_in.get(url(school, "cannot-register")).content.decode()
    assert f'href="{url(school, "find-ect")}">go back and change the details' in page


def test_check_answers_links_each_answer_to_where_it_was_given(signed_in, school):
    find(signed_in, school, FOUND)
    details(signed_in, school)
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"})
    page = signed_in.get(url(school, "check-answers")).content.decode()
    assert (
        page.count(f'href="{url(school, "use-previous-choices")}?change=1"') == 3
    )  # body, training, provider
    assert f'href="{url(school, "working-pattern")}?change=1"' in page
    assert 'href="' + url(school, "find-ect") not in page  # the TRN cannot be changed here


def test_the_next_ect_is_offered_the_choices_made_for_the_last_one(signed_in, school, this_year):
    school_led_body = AppropriateBodyFactory(name="Hillside Teaching School Hub")
    find(signed_in, school, FOUND)
    details(signed_in, school)
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "no"})
    post(signed_in, school, "appropriate-body", {"appropriate_body": school_led_body.pk})
    post(signed_in, school, "training-programme", {"training_programme": "school_led"})
    signed_in.post(url(school, "check-answers"))

    find(signed_in, school, {"trn": "9990002", "born": ("3", "11", "1998")})
    details(signed_in, school, email="tomasz@example.org")
    offer = signed_in.get(url(school, "use-previous-choices")).content.decode()
    assert "Appropriate body: Hillside Teaching School Hub. Your school&#x27;s own programme." in offer
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"})
    signed_in.post(url(school, "check-answers"))
    second = ECTAtSchoolPeriod.objects.get(teacher__trn="9990002")
    assert second.school_reported_appropriate_body == school_led_body
    assert second.training_periods.get().training_programme == "school_led"


def test_previous_choices_are_not_offered_with_a_lead_provider_not_working_that_year(signed_in, school):
    school.last_chosen_lead_provider = LeadProviderFactory(name="Gone Before Ltd")
    school.save()
    find(signed_in, school, FOUND)
    assert details(signed_in, school) == url(school, "appropriate-body")


# --- What the journey looks up about the teacher: once a journey, afresh at check answers ------


def test_the_teachers_facts_are_looked_up_once_not_on_every_page(signed_in, school):
    find(signed_in, school, FOUND)
    post(signed_in, school, "confirm-name", {"name_is_right": "yes"})
    post(signed_in, school, "email", {"email": "amara@example.org"})
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(url(school, "start-date")).status_code == 200
    periods = [q["sql"] for q in queries if "atschoolperiod" in q["sql"]]
    # Registered here? At another school? Is the email address another teacher's? All known already.
    assert periods == []


def test_someone_registered_here_meanwhile_stops_the_journey_at_check_answers(signed_in, school):
    find(signed_in, school, FOUND)
    ECTAtSchoolPeriodFactory(  # another tutor registers them while this one types
        teacher=TeacherFactory(trn=FOUND["trn"]), school=school, started_on=datetime.date(THIS_YEAR, 9, 1)
    )
    assert details(signed_in, school) == url(school, "use-previous-choices")  # the pages go on
    assert post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"}) == url(
        school, "check-answers"
    )

    check = signed_in.get(url(school, "check-answers"))

    assert check["Location"] == url(school, "cannot-register")
    assert "already registered" in signed_in.get(check["Location"]).content.decode()
    signed_in.post(url(school, "check-answers"))
    assert ECTAtSchoolPeriod.objects.filter(teacher__trn=FOUND["trn"]).count() == 1


def test_an_email_address_taken_meanwhile_is_asked_again_at_check_answers(signed_in, school):
    find(signed_in, school, FOUND)
    details(signed_in, school, email="amara@example.org")
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"})
    ECTAtSchoolPeriodFactory(
        school=school, email="Amara@example.org", started_on=datetime.date(THIS_YEAR, 9, 1)
    )

    check = signed_in.get(url(school, "check-answers"))

    assert check["Location"] == url(school, "email")
    page = signed_in.get(check["Location"]).content.decode()
    assert "Another teacher uses this email address" in page
    assert 'value="amara@example.org"' in page  # what was typed is kept


def test_someone_registered_here_meanwhile_is_not_registered_again_by_the_submit(signed_in, school):
    find(signed_in, school, FOUND)
    details(signed_in, school)
    post(signed_in, school, "use-previous-choices", {"use_previous_choices": "yes"})
    signed_in.get(url(school, "check-answers"))
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn=FOUND["trn"]), school=school, started_on=datetime.date(THIS_YEAR, 9, 1)
    )

    submitted = signed_in.post(url(school, "check-answers"), follow=True)

    # Back to check answers, which finds them registered and sends the tutor to say so.
    assert submitted.redirect_chain == [
        (url(school, "check-answers"), 302),
        (url(school, "cannot-register"), 302),
    ]
    assert submitted.status_code == 200
    assert "is already registered as an early career teacher" in submitted.content.decode()
    assert ECTAtSchoolPeriod.objects.filter(teacher__trn=FOUND["trn"]).count() == 1


def test_an_email_address_in_use_is_asked_about_again_each_time(signed_in, school):
    other = ECTAtSchoolPeriodFactory(
        school=school, email="amara@example.org", started_on=datetime.date(THIS_YEAR, 9, 1)
    )
    find(signed_in, school, FOUND)
    post(signed_in, school, "confirm-name", {"name_is_right": "yes"})
    refused = signed_in.post(url(school, "email"), {"email": "amara@example.org"})
    assert "Another teacher uses this email address" in refused.content.decode()
    other.email = "a.okafor@example.org"  # corrected meanwhile
    other.save()

    assert post(signed_in, school, "email", {"email": "amara@example.org"}) == url(school, "start-date")
