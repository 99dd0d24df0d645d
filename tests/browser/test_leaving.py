"""Telling us an ECT or a mentor is leaving, in a browser with axe on every page, and what the
dashboard shows afterwards."""

import datetime

import pytest
from playwright.sync_api import expect

from core import clock
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import THIS_YEAR
from tests.factories import (
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    TeacherFactory,
    UserFactory,
    school_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

STARTED = datetime.date(THIS_YEAR, 9, 1)


def person(first, last):
    return TeacherFactory(trs_first_name=first, trs_last_name=last)


def test_a_mentor_leaves_and_their_ect_is_left_needing_one_then_the_ect_leaves(page, live_server):
    ContractPeriodFactory(year=THIS_YEAR)
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    school = school_of(tutor)
    ect = ECTAtSchoolPeriodFactory(school=school, teacher=person("Amara", "Okafor"), started_on=STARTED)
    mentor = MentorAtSchoolPeriodFactory(school=school, teacher=person("Mo", "Mentor"), started_on=STARTED)
    MentorshipPeriodFactory(mentee=ect, mentor=mentor)
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}/mentors")
    page.get_by_role("link", name="Mo Mentor").click()
    expect(page.locator("h1")).to_have_text("Mo Mentor")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Amara Okafor")
    assert_accessible(page)
    page.get_by_role("link", name="Tell us that Mo Mentor is leaving your school").click()
    expect(page.locator("h1")).to_have_text("When did or will Mo Mentor leave your school?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their leaving date")
    assert_accessible(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill(f"{THIS_YEAR}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Is Mo Mentor moving to another school?")
    assert_accessible(page)
    page.get_by_label("I do not know").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("The ECTs they mentor will need a new mentor")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm they're leaving").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"We've recorded that Mo Mentor left your school on 1 November {THIS_YEAR}"
    )
    expect(page.locator("main")).to_contain_text("Left your school")
    assert_accessible(page)

    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}")
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_role("link", name="Assign a mentor")).to_be_visible()
    page.get_by_role("link", name="Tell us that Amara Okafor is leaving your school").click()
    page.get_by_label("Day").fill("19")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill(f"{THIS_YEAR}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm they're leaving").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"19 December {THIS_YEAR}")
    assert_accessible(page)
