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
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_of,
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
    page.get_by_label("Riverside Teaching School Hub, appropriate body").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Riverside Teaching School Hub")


def review_count(page, title: str) -> str:
    """The count under one review list's heading on the body's home page."""
    return page.locator("li", has=page.get_by_role("link", name=title)).locator("span").inner_text()


def test_the_review_counts_change_as_a_school_reports_the_body_and_an_ect_leaves(browser, live_server):
    """The body's home page in one browser, the school's induction tutor in another: the school
    names the body for an ECT (reported, not yet claimed), then tells us an ECT the body has
    claimed has left (left their school, still open with the body)."""
    ContractPeriodFactory(year=THIS_YEAR)
    body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    body_user = UserFactory(privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=body_user, appropriate_body=body)
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    school = school_of(tutor)
    started = datetime.date(THIS_YEAR, 9, 1)
    newcomer = ECTAtSchoolPeriodFactory(
        school=school,
        started_on=started,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"),
    )
    claimed = ECTAtSchoolPeriodFactory(
        school=school,
        started_on=started,
        school_reported_appropriate_body=body,
        teacher=TeacherFactory(trs_first_name="Bea", trs_last_name="Quayle"),
    )
    InductionPeriodFactory(teacher=claimed.teacher, appropriate_body=body, started_on=started)

    reviewer = browser.new_context(base_url=live_server.url).new_page()
    school_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reviewer, body_user, live_server)
    sign_in(school_page, tutor, live_server)
    reviewer.goto(f"/appropriate-bodies/{body.pk}")
    assert review_count(reviewer, "Reported by schools, not yet claimed") == "0"
    assert review_count(reviewer, "Left their school, still open with you") == "0"
    assert_accessible(reviewer)

    school_page.goto(f"/schools/{school.urn}/ects/{newcomer.pk}")
    school_page.get_by_role("link", name="Change appropriate body").click()
    school_page.locator("input[role=combobox]").fill("river")
    school_page.get_by_role("option", name="Riverside Teaching School Hub").click()
    school_page.get_by_role("button", name="Continue").click()
    school_page.get_by_role("button", name="Confirm change").click()
    expect(school_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Amara Okafor's appropriate body is now Riverside Teaching School Hub"
    )

    reviewer.reload()
    assert review_count(reviewer, "Reported by schools, not yet claimed") == "1"
    reviewer.get_by_role("link", name="Reported by schools, not yet claimed").click()
    expect(reviewer.get_by_role("link", name="Amara Okafor", exact=True)).to_be_visible()

    yesterday = clock.today() - datetime.timedelta(days=1)
    school_page.goto(f"/schools/{school.urn}/ects/{claimed.pk}")
    school_page.get_by_role("link", name="Tell us that Bea Quayle is leaving your school").click()
    school_page.get_by_label("Day").fill(str(yesterday.day))
    school_page.get_by_label("Month").fill(str(yesterday.month))
    school_page.get_by_label("Year").fill(str(yesterday.year))
    school_page.get_by_role("button", name="Continue").click()
    school_page.get_by_label("I do not know").check()
    school_page.get_by_role("button", name="Continue").click()
    school_page.get_by_role("button", name="Confirm they're leaving").click()
    expect(school_page.locator(".govuk-notification-banner--success")).to_contain_text("Bea Quayle left")

    reviewer.goto(f"/appropriate-bodies/{body.pk}")
    assert review_count(reviewer, "Left their school, still open with you") == "1"
    assert review_count(reviewer, "Reported by schools, not yet claimed") == "1"
    reviewer.get_by_role("link", name="Left their school, still open with you").click()
    expect(reviewer.get_by_role("link", name="Bea Quayle", exact=True)).to_be_visible()
    assert_accessible(reviewer)
