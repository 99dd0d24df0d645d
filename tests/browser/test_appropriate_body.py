"""An appropriate body user signs in, lands on their body's home page, reads a list and a
teacher's page; someone with both hats chooses on one page. axe on every page."""

import datetime

import pytest
from playwright.sync_api import expect

from core import clock
from schools.models import SchoolAccess, SchoolRole
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyAccessFactory,
    AppropriateBodyFactory,
    ECTAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_body_user_sees_the_home_page_a_list_and_a_teacher(page, live_server):
    body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    user = UserFactory(privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    ECTAtSchoolPeriodFactory(
        school=SchoolFactory(name="Quillfeather Primary School"),
        school_reported_appropriate_body=body,
        started_on=datetime.date(THIS_YEAR, 9, 1),
        teacher=TeacherFactory(
            trs_first_name="Amara",
            trs_last_name="Okafor",
            trn="1234567",
            trs_qts_awarded_on=datetime.date(THIS_YEAR, 7, 20),
        ),
    )
    sign_in(page, user, live_server)

    page.goto(f"{live_server.url}/signed-in")
    expect(page.locator("h1")).to_have_text("Riverside Teaching School Hub")
    expect(page.get_by_text("ECT induction records to review")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Reported by schools, not yet claimed").click()
    expect(page.locator("h1")).to_have_text("Reported by schools, not yet claimed")
    assert_accessible(page)
    page.get_by_label("Search by name or TRN").fill("1234567")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Amara Okafor", exact=True).click()

    expect(page.locator("h1")).to_have_text("Amara Okafor")
    expect(page.get_by_text(f"20 July {THIS_YEAR}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("h1")).to_have_text("Reported by schools, not yet claimed")


def test_someone_with_both_hats_chooses_which_to_use(page, live_server):
    body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    user = UserFactory(privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    SchoolAccess.objects.create(
        user=user, school=SchoolFactory(name="Quillfeather Primary School"), role=SchoolRole.INDUCTION_TUTOR
    )
    sign_in(page, user, live_server)

    page.goto(f"{live_server.url}/signed-in")
    expect(page.locator("h1")).to_have_text("Which do you want to use?")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the school or appropriate body you want to use"
    )
    assert_accessible(page)
    page.get_by_label("Riverside Teaching School Hub (appropriate body)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Riverside Teaching School Hub")
