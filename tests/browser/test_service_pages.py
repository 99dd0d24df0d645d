import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = "Manage training for early career teachers"


def test_start_page_shows_the_service_with_gov_uk_styles(page):
    page.goto("/")
    assert page.title() == f"{SERVICE} - GOV.UK"
    expect(page.locator("h1")).to_have_text(SERVICE)
    assert page.locator(".govuk-service-navigation__service-name").inner_text().strip() == SERVICE
    assert page.locator(".govuk-phase-banner__content__tag").inner_text().strip() == "Beta"
    # The stylesheet and its GOV.UK font loaded from our own static files (no CDN).
    assert page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily").startswith('"GDS Transport"')
    assert page.evaluate("document.fonts.check('19px \"GDS Transport\"')")
    # GOV.UK Frontend's JavaScript loaded and initialised its components.
    page.wait_for_selector(".govuk-skip-link[data-govuk-skip-link-init]", state="attached")
    assert_accessible(page)


def test_skip_link_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".govuk-skip-link")
    assert skip_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


@pytest.mark.parametrize(
    ("link_text", "heading"),
    [
        ("Accessibility", f"Accessibility statement for {SERVICE}"),
        ("Cookies", "Cookies"),
        ("Privacy", "Privacy notice"),
    ],
)
def test_footer_pages_are_reachable_and_accessible(page, link_text, heading):
    page.goto("/")
    page.locator("footer").get_by_role("link", name=link_text, exact=True).click()
    expect(page.locator("h1")).to_have_text(heading)
    assert page.title() == f"{heading.removesuffix(' for ' + SERVICE)} - {SERVICE} - GOV.UK"
    assert_accessible(page)


def test_admin_login_page_is_accessible(page):
    page.goto("/admin/login/")
    assert page.get_by_label("Email").is_visible()
    assert_accessible(page)


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    expect(page.locator("h1")).to_have_text(SERVICE)
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    page.locator("footer").get_by_role("link", name="Cookies", exact=True).click()
    assert page.locator("h1").inner_text() == "Cookies"
    context.close()


def test_the_api_documentation_page_for_lead_providers_developers(page):
    page.goto("/api/docs/v3")
    expect(page.locator("h1")).to_have_text("Lead provider API, version 3")
    expect(page.locator("#getParticipants")).to_contain_text("GET /api/v3/participants")
    assert_accessible(page)
    # What's new, before the guidance, leads a returning provider to the release notes.
    expect(page.locator("#whats-new")).to_be_in_viewport()
    page.locator("#whats-new").get_by_role("link", name="Read the release notes").click()
    expect(page).to_have_url(re.compile(r"#release-notes$"))
    expect(page.get_by_role("heading", name="Release notes", level=2)).to_be_in_viewport()
    document = page.request.get(page.get_by_role("link", name="openapi.yaml").get_attribute("href"))
    assert document.headers["content-type"].startswith("application/yaml")
    assert document.text().startswith("openapi: 3.0.3")
