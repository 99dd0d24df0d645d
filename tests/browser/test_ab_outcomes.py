"""An appropriate body user records a pass, a fail and a release, and adds, changes and removes an
extension, from the teacher's page; axe on every page, errors included."""

import datetime

import pytest
from playwright.sync_api import expect

from core import clock
from participants.models import InductionPeriod
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import (
    AppropriateBodyAccessFactory,
    AppropriateBodyFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)
from tests.participants.trs_writes import queued_updates  # noqa: F401 - a fixture: no Redis needed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queued_updates")]


@pytest.fixture
def body():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


@pytest.fixture
def teacher(body):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor", trn="1234567")
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=datetime.date(LAST_YEAR, 9, 1))
    ECTAtSchoolPeriodFactory(teacher=teacher, school=SchoolFactory(name="Quillfeather Primary School"))
    return teacher


@pytest.fixture
def on_teacher_page(page, live_server, body, teacher):
    user = UserFactory(privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    sign_in(page, user, live_server)
    page.goto(f"{live_server.url}/appropriate-bodies/{body.pk}/teachers/{teacher.pk}")
    expect(page.locator("h1")).to_have_text("Amara Okafor")
    assert_accessible(page)
    return page


def heading(page, text):
    expect(page.locator("h1")).to_have_text(text)
    assert_accessible(page)


def end_date_and_terms(page, terms="6"):
    heading(page, "When did Amara Okafor's induction period with you end?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter end date")
    assert_accessible(page)
    page.get_by_label("Day").fill("18")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill(str(THIS_YEAR))
    page.get_by_role("button", name="Continue").click()
    heading(page, "How many terms of induction did Amara Okafor complete with you?")
    page.get_by_label("How many terms").fill("5.25")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at most one decimal place")
    assert_accessible(page)
    page.get_by_label("How many terms").fill(terms)
    page.get_by_role("button", name="Continue").click()


def test_recording_a_pass(on_teacher_page):
    page = on_teacher_page
    page.get_by_role("link", name="Record a pass").click()
    end_date_and_terms(page)
    heading(page, "Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"18 July {THIS_YEAR}")
    page.get_by_role("button", name="Record pass").click()
    heading(page, "Induction passed")
    page.get_by_role("link", name="Return to Amara Okafor’s record").click()
    heading(page, "Amara Okafor")
    expect(page.get_by_role("link", name="Record a pass")).to_have_count(0)
    assert InductionPeriod.objects.get().outcome == "pass"


def test_recording_a_fail(on_teacher_page):
    page = on_teacher_page
    page.get_by_role("link", name="Record a fail").click()
    end_date_and_terms(page)
    heading(page, "Their right to appeal")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that they have been told")
    assert_accessible(page)
    page.get_by_label("I confirm that Amara Okafor has been told").check()
    page.get_by_role("button", name="Continue").click()
    heading(page, "Check your answers")
    page.get_by_role("button", name="Record fail").click()
    heading(page, "Induction failed")
    assert InductionPeriod.objects.get().outcome == "fail"


def test_releasing(on_teacher_page):
    page = on_teacher_page
    page.get_by_role("link", name="Release", exact=True).click()
    end_date_and_terms(page, terms="3")
    heading(page, "Check your answers")
    page.get_by_role("button", name="Release ECT").click()
    heading(page, "ECT released")
    period = InductionPeriod.objects.get()
    assert (period.outcome, str(period.number_of_terms)) == ("", "3.0")


def test_adding_changing_and_removing_an_extension(on_teacher_page):
    page = on_teacher_page
    page.get_by_role("link", name="Add an extension").click()
    heading(page, "How many terms are you extending Amara Okafor's induction by?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the number of terms")
    assert_accessible(page)
    page.get_by_label("How many terms").fill("1.5")
    page.get_by_role("button", name="Continue").click()
    heading(page, "Why are you extending their induction?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the extension")
    assert_accessible(page)
    page.get_by_label("Why are you extending their induction?").fill(
        "Not yet meeting the Teachers' Standards"
    )
    page.get_by_role("button", name="Continue").click()
    heading(page, "Check your answers")
    page.get_by_role("button", name="Add extension").click()
    heading(page, "Amara Okafor")
    expect(page.get_by_text("Extension added for Amara Okafor")).to_be_visible()
    expect(page.get_by_text("1.5 terms", exact=True)).to_be_visible()

    page.get_by_role("link", name="Change extension of 1.5 terms").click()
    heading(page, "How many terms are you extending Amara Okafor's induction by?")
    page.get_by_label("How many terms").fill("2")
    page.get_by_role("button", name="Continue").click()
    heading(page, "Why are you extending their induction?")
    page.get_by_role("button", name="Continue").click()
    heading(page, "Check your answers")
    page.get_by_role("button", name="Save extension").click()
    heading(page, "Amara Okafor")
    expect(page.get_by_text("2 terms", exact=True)).to_be_visible()

    page.get_by_role("link", name="Remove extension of 2 terms").click()
    heading(page, "Are you sure you want to remove this extension?")
    page.get_by_role("button", name="Remove extension").click()
    heading(page, "Amara Okafor")
    expect(page.get_by_text("Extension removed for Amara Okafor")).to_be_visible()
