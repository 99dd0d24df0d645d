"""Issue 3's journey in a real browser, with an axe check on every page: a headteacher nominates an
induction tutor from the start page; the tutor signs in with the emailed link, accepts the privacy
notice and lands on their school's page; the link does not work twice; another school is not found."""

import re

import pytest
from playwright.sync_api import expect

from emails.models import Email
from schools.models import SchoolAccess
from tests.browser.conftest import assert_accessible
from tests.dates import THIS_YEAR
from tests.factories import ContractPeriodFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def emailed(template: str, recipient: str) -> Email:
    return Email.objects.filter(template=template, recipient=recipient).order_by("-created_at").first()


def test_nominate_sign_in_and_stay_within_your_school(page, live_server, settings):
    settings.SERVICE_URL = live_server.url
    ContractPeriodFactory(year=THIS_YEAR, enabled=True)
    school = SchoolFactory(
        name="Quillfeather Primary School", contact_email="office@quillfeather.example.org"
    )
    other_school = SchoolFactory(name="Elsewhere Academy")

    # The headteacher starts on the start page and finds their school.
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="nominate one").click()
    assert_accessible(page)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Find your school").press_sequentially("quillfeather")
    page.get_by_role("option", name=re.compile("Quillfeather Primary School")).click()
    expect(page.locator("h1")).to_have_text("Is this your school?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, email the link").click()
    expect(page.locator("h1")).to_have_text("We've emailed your school")
    assert "office@quillfeather.example.org" not in page.content()
    assert_accessible(page)

    # The headteacher opens the emailed link and nominates the tutor.
    page.goto(path_of(emailed("nomination_link", school.contact_email).personalisation["nomination_url"]))
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_label("What is the full name of your induction tutor?").fill("Jane Tutor")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is your induction tutor's email address?").fill("jane@quillfeather")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("like name@example.com")
    assert (
        page.get_by_label("What is your induction tutor's email address?").input_value()
        == "jane@quillfeather"
    )
    assert_accessible(page)
    page.get_by_label("What is your induction tutor's email address?").fill("jane@quillfeather.example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    assert_accessible(page)
    page.get_by_role("link", name="Change what is the full name of your induction tutor?").click()
    page.get_by_label("What is the full name of your induction tutor?").fill("Jane Q Tutor")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Jane Q Tutor")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-panel")).to_contain_text(
        "Jane Q Tutor is the induction tutor for Quillfeather Primary School"
    )
    assert_accessible(page)

    # The tutor follows the sign-in link they were emailed.
    sign_in_link = path_of(
        emailed("induction_tutor_nominated", "jane@quillfeather.example.org").personalisation["sign_in_url"]
    )
    page.goto(sign_in_link)
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Before you continue: how we use your information")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and continue").click()
    # A school new to the service sets up this year's training before anything else.
    expect(page.locator(".govuk-caption-l")).to_have_text("Quillfeather Primary School")
    expect(page.locator("h1")).to_have_text(re.compile(r"Tell us how you'll run training in \d{4} to \d{4}"))
    assert_accessible(page)

    # Another school's page is not found for this tutor.
    response = page.goto(f"/schools/{other_school.urn}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page)

    # Signing out, then the same link a second time: it no longer works.
    page.goto(f"/schools/{school.urn}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("You have signed out")
    assert_accessible(page)
    response = page.goto(sign_in_link)
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This link has already been used")
    assert_accessible(page)
    assert SchoolAccess.objects.get(school=school).user.email == "jane@quillfeather.example.org"


def test_sign_in_says_the_same_for_any_address_and_explains_mistakes(page):
    page.goto("/sign-in")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary a")).to_have_text("Enter your email address")
    assert_accessible(page)
    page.get_by_label("Sign in to Manage training for early career teachers").fill("nobody@example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert "expires after 60 minutes" in page.content()
    assert_accessible(page)


def test_with_javascript_the_school_search_offers_matches_as_you_type(page):
    school = SchoolFactory(name="Quillfeather Primary School", town="Inkwell")
    page.goto("/nominate")
    page.get_by_label("Find your school").press_sequentially("quillf")
    option = page.get_by_role("option", name=re.compile("Quillfeather Primary School"))
    option.wait_for()
    assert f"URN {school.urn}" in option.inner_text()
    assert_accessible(page)
    option.click()
    page.wait_for_url(f"**/nominate/school/{school.urn}")
    expect(page.locator("h1")).to_have_text("Is this your school?")


def test_without_javascript_the_school_search_is_a_plain_search(browser, live_server):
    school = SchoolFactory(name="Quillfeather Primary School")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/nominate")
    page.get_by_label("Find your school").fill(str(school.urn))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Quillfeather Primary School").click()
    expect(page.locator("h1")).to_have_text("Is this your school?")
    context.close()


def test_with_javascript_search_works_while_suggestions_show(page):
    SchoolFactory(name="Quillfeather Primary School")
    SchoolFactory(name="Quillfeather Academy")
    page.goto("/nominate")
    box = page.get_by_label("Find your school")
    box.press_sequentially("quillf")
    page.get_by_role("option", name=re.compile("Quillfeather Academy")).wait_for()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile("Schools that match"))).to_be_visible()
    expect(page.get_by_role("link", name="Quillfeather Academy")).to_be_visible()
    # The page shows before its script has made the box a search-as-you-type one (which replaces
    # the box): typing into the plain box meanwhile would be lost. Wait for the new box.
    page.wait_for_load_state("load")
    again = page.get_by_role("combobox", name="Find your school")
    again.fill("")  # the results page keeps the search in the box; type a new one
    again.press_sequentially("quillfeather a")
    page.get_by_role("option", name=re.compile("Quillfeather Academy")).wait_for()
    page.get_by_label("Find your school").press("Enter")
    expect(page).to_have_url(re.compile(r"q=quillfeather"))
