"""Finance staff download the mentor grant for schools, with JavaScript and without, and the page
passes axe (as chosen, and with its errors)."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.admin.conftest import staff_in
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.factories import SchoolFactory
from tests.finance.test_mentor_grant import declare, mentor_trained, partnership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_groups")]


def a_funded_mentor():
    school = SchoolFactory(name="Brunswick Park Primary School", region="London", local_authority="Camden")
    trained = mentor_trained(partnership(school, 2023), datetime.date(2023, 9, 1))
    declare(trained, "started", datetime.date(2023, 9, 20))


def download(page) -> list[str]:
    page.get_by_label("2023 to 2024").check()
    page.get_by_label("Autumn term").check()
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download CSV").click()
    assert downloading.value.suggested_filename == "mentor-grant-2023-autumn.csv"
    return Path(downloading.value.path()).read_text(encoding="utf-8-sig").splitlines()


def test_finance_staff_choose_a_term_and_download_the_file(page, live_server):
    a_funded_mentor()
    sign_in(page, staff_in("finance"), live_server)
    page.goto("/finance/grants/mentors")
    expect(page.locator("h1")).to_have_text("Mentor grant for schools")
    assert_accessible(page)

    page.get_by_role("button", name="Download CSV").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the academic year")
    assert_accessible(page)

    lines = download(page)
    assert lines[1].endswith(",Autumn term 2023 to 2024,1,6,53.5900,321.54")


def test_the_download_works_without_javascript(browser, live_server):
    a_funded_mentor()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, accept_downloads=True)
    try:
        page = context.new_page()
        sign_in(page, staff_in("finance"), live_server)
        page.goto("/finance/grants/mentors")
        assert len(download(page)) == 2
    finally:
        context.close()
