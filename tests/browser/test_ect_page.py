"""An ECT's page, reached from the dashboard, and giving them a mentor then changing it."""

import datetime

import pytest
from playwright.sync_api import expect

from core import clock
from participants.models import MentorshipPeriod
from schools.models import SchoolAccess, SchoolRole
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_set_up_with,
)

pytestmark = pytest.mark.django_db(transaction=True)

STARTED = datetime.date(THIS_YEAR, 9, 1)


def person(first, last):
    return TeacherFactory(trs_first_name=first, trs_last_name=last)


def find_tomasz_nowak(page):
    """Answer the record question with the fake TRS's Tomasz Nowak, and continue."""
    page.get_by_label("Teacher reference number (TRN)").fill("9990002")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("1998")
    page.get_by_role("button", name="Continue").click()


def start_on_1_september_this_year(page):
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill(f"{THIS_YEAR}")


def test_a_tutor_gives_an_ect_a_mentor_then_changes_it(page, live_server):
    ContractPeriodFactory(year=THIS_YEAR)
    school = SchoolFactory(name="Quillfeather Primary School")
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    ect = ECTAtSchoolPeriodFactory(school=school, teacher=person("Amara", "Okafor"), started_on=STARTED)
    MentorAtSchoolPeriodFactory(school=school, teacher=person("Mo", "Mentor"), started_on=STARTED)
    MentorAtSchoolPeriodFactory(school=school, teacher=person("Nia", "Newmentor"), started_on=STARTED)
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}")
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.locator("h1")).to_have_text("Amara Okafor")
    assert_accessible(page)

    page.get_by_role("link", name="Assign a mentor").click()
    expect(page.locator("h1")).to_have_text("Who will mentor Amara Okafor?")
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a mentor")
    assert_accessible(page)
    page.get_by_label("Mo Mentor").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm mentor").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Mo Mentor is now Amara Okafor's mentor"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Change mentor").click()
    page.get_by_label("Nia Newmentor").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Nia Newmentor")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm mentor").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Nia Newmentor")
    assert_accessible(page)
    assert (
        MentorshipPeriod.objects.get(mentee=ect, finished_on__isnull=True).mentor.teacher.trs_first_name
        == "Nia"
    )


def test_a_mentor_registered_from_an_ects_page_is_paired_with_them(page, live_server, fake_trs):
    year = ContractPeriodFactory(year=THIS_YEAR)
    lead_provider = ActiveLeadProviderFactory(contract_period=year, lead_provider__name="Ambition Institute")
    school = SchoolFactory(name="Quillfeather Primary School")
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    ect = ECTAtSchoolPeriodFactory(school=school, teacher=person("Amara", "Okafor"), started_on=STARTED)
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}/ects/{ect.pk}")
    page.get_by_role("link", name="Register a new mentor for Amara Okafor").click()
    expect(page.locator("h1")).to_have_text("Find the teacher's record")
    assert_accessible(page)
    find_tomasz_nowak(page)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Tomasz Nowak")
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is their email address?").fill("tomasz@example.org")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    start_on_1_september_this_year(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Which training provider do you want to work with?")
    assert_accessible(page)
    page.get_by_label("Ambition Institute").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Amara Okafor")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and register").click()
    expect(page.locator("h1")).to_have_text("Tomasz Nowak has been registered as a mentor")
    expect(page.locator("main")).to_contain_text("We've emailed tomasz@example.org to tell them.")
    expect(page.locator("main")).to_contain_text(
        "Ambition Institute will see their details and contact them about mentor training"
    )
    expect(page.locator("main")).to_contain_text("Tomasz Nowak will mentor Amara Okafor.")
    assert_accessible(page)
    page.get_by_role("button", name="Return to manage your training").click()
    page.goto(f"/schools/{school.urn}/ects/{ect.pk}")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Tomasz Nowak")
    mentor = MentorshipPeriod.objects.get(mentee=ect).mentor
    assert mentor.teacher.trn == "9990002"
    assert mentor.training_periods.get().expression_of_interest == lead_provider


def test_a_tutor_adds_themself_as_a_mentor_who_also_mentors_at_another_school(page, live_server, fake_trs):
    year = ContractPeriodFactory(year=THIS_YEAR)
    active = ActiveLeadProviderFactory(contract_period=year, lead_provider__name="Ambition Institute")
    tutor = UserFactory(privacy_notice_accepted_at=clock.now(), email="tomasz@example.org")
    school = school_set_up_with(active.lead_provider, tutor=tutor, contract_period=year)
    elsewhere = MentorAtSchoolPeriodFactory(
        school=SchoolFactory(name="Elm Academy"),
        teacher=TeacherFactory(trn="9990002"),
        started_on=datetime.date(THIS_YEAR - 1, 9, 1),
    )
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}")
    page.get_by_role("link", name="Add an ECT or mentor").click()
    expect(page.locator("h1")).to_have_text("Who do you want to add?")
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who you want to add")
    assert_accessible(page)
    page.get_by_label("Yourself, as a mentor").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Find the teacher's record")
    find_tomasz_nowak(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("What is your email address?")).to_have_value("tomasz@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Will Tomasz Nowak keep mentoring at Elm Academy?")
    assert_accessible(page)
    page.get_by_label("Yes, they'll mentor at both schools").check()
    page.get_by_role("button", name="Continue").click()
    start_on_1_september_this_year(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Ambition Institute").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Also mentoring at Elm Academy")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and register").click()
    expect(page.locator("h1")).to_have_text("You have been registered as a mentor")
    expect(page.locator("main")).to_contain_text("We've emailed tomasz@example.org to tell you.")
    expect(page.locator("main")).to_contain_text("What to do next")
    assert_accessible(page)
    elsewhere.refresh_from_db()
    assert elsewhere.finished_on is None


def test_a_mentor_for_an_ect_yet_to_start_shows_on_every_page_and_is_not_given_twice(page, live_server):
    """Registering in the autumn for a January start is the usual case: the coming mentorship shows
    on the ECT's page, the dashboard's lists and the mentor's page, each with its first day."""
    starts = datetime.date(THIS_YEAR + 1, 1, 5)
    from_day = f"5 January {THIS_YEAR + 1}"
    ContractPeriodFactory(year=THIS_YEAR)
    school = SchoolFactory(name="Quillfeather Primary School")
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    ECTAtSchoolPeriodFactory(school=school, teacher=person("Grace", "Adeyemi"), started_on=starts)
    mentor = MentorAtSchoolPeriodFactory(
        school=school, teacher=person("Bernadette", "Quayle"), started_on=STARTED
    )
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}")
    expect(page.locator("main")).to_contain_text(f"Starting on {from_day}")
    page.get_by_role("link", name="Grace Adeyemi").click()
    page.get_by_role("link", name="Assign a mentor").click()
    page.get_by_label("Bernadette Quayle").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm mentor").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Bernadette Quayle will mentor Grace Adeyemi from {from_day}"
    )
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"Bernadette Quayle, from {from_day}")
    expect(page.locator("main")).not_to_contain_text("Needs a mentor")
    assert_accessible(page)

    page.get_by_role("link", name="Change mentor").click()
    page.get_by_label("Bernadette Quayle").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"Bernadette Quayle is already due to mentor Grace Adeyemi from {from_day}"
    )
    assert_accessible(page)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}")
    expect(page.locator("main")).to_contain_text(f"Bernadette Quayle, from {from_day}")
    expect(page.locator("main")).not_to_contain_text("Needs a mentor")
    assert_accessible(page)
    page.goto(f"/schools/{school.urn}/mentors/{mentor.pk}")
    expect(page.locator("main")).to_contain_text(f"Grace Adeyemi (from {from_day})")
    assert_accessible(page)
