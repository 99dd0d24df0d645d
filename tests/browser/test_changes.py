"""Each change a tutor can make from an ECT's page, in a browser with axe on every page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from audit.models import Event
from core import clock
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


def change(page: Page, key: str) -> None:
    page.get_by_role("link", name=f"Change {key.lower()}").click()


def confirm(page: Page, banner: str) -> None:
    expect(page.locator("h1")).to_have_text("Check your answers")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm change").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(banner)
    assert_accessible(page)


def continue_(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_each_change_from_an_ects_page(page, live_server):
    year = ContractPeriodFactory(year=THIS_YEAR)
    ambition = ActiveLeadProviderFactory(contract_period=year, lead_provider__name="Ambition Institute")
    ActiveLeadProviderFactory(contract_period=year, lead_provider__name="Teach First")
    AppropriateBodyFactory(name="Riverside Teaching School Hub")
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    school = school_of(tutor)
    ect = ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=datetime.date(THIS_YEAR, 9, 1),
        email="amara@example.org",
    )
    TrainingPeriodFactory(ect_at_school_period=ect, expression_of_interest=ambition)
    sign_in(page, tutor, live_server)
    page.goto(f"/schools/{school.urn}/ects/{ect.pk}")
    assert_accessible(page)

    change(page, "Name")
    expect(page.locator("h1")).to_have_text("Change their name")
    page.get_by_label("What is their name now?").fill("Amara Smith")
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why you're changing their name")
    assert_accessible(page)
    page.get_by_label("They changed their name, for example when they married").check()
    continue_(page)
    confirm(page, "Amara Okafor's name is now Amara Smith")
    expect(page.locator("h1")).to_have_text("Amara Smith")

    change(page, "Email address")
    page.get_by_label("What is Amara Smith's email address?").fill("amara.smith@example.org")
    assert_accessible(page)
    continue_(page)
    confirm(page, "Amara Smith's email address is now amara.smith@example.org")

    change(page, "Working pattern")
    page.get_by_label("Part time").check()
    assert_accessible(page)
    continue_(page)
    confirm(page, "Amara Smith's working pattern has been changed")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Part time")

    change(page, "Appropriate body")
    page.locator("input[role=combobox]").fill("river")
    page.get_by_role("option", name="Riverside Teaching School Hub").click()
    assert_accessible(page)
    continue_(page)
    confirm(page, "Amara Smith's appropriate body is now Riverside Teaching School Hub")

    change(page, "Training")
    page.get_by_label("By a training provider, funded by the DfE").check()
    continue_(page)
    page.get_by_label("Teach First").check()
    assert_accessible(page)
    continue_(page)
    today = clock.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    assert_accessible(page)
    continue_(page)
    confirm(page, "Amara Smith will train with Teach First from")
    expect(page.locator("main")).to_contain_text("Teach First")

    assert set(Event.objects.filter(teacher=ect.teacher).values_list("event_type", flat=True)) == {
        "teacher_name_changed",
        "ect_email_address_changed",
        "ect_working_pattern_changed",
        "ect_appropriate_body_changed",
        "ect_training_changed",
    }
