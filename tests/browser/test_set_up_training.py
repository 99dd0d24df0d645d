"""Setting up a school's training for a year, and the "Manage your training" dashboard, in a real
browser with an axe check on every page: a first-time school's whole journey (with a mistake, the
Back link and a change from check your answers); the searchable appropriate body list; an answer
made impossible before it is confirmed; a returning school keeping last year's provider, or
choosing again when that pairing has ended; a change from the dashboard that tells the lead
provider the school left; schools that cannot have funded training; the dashboard's years, lists
and filters; and the journey without JavaScript."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from playwright.sync_api import Page, expect

from core import clock
from providers.models import AppropriateBody, SchoolPartnership
from schools import services
from schools.models import School, SchoolContractPeriodChoice
from tests.browser.conftest import assert_accessible
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    UserFactory,
    school_of,
)
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db(transaction=True)

EXPECTS_ECTS = "Do you expect any early career teachers to join your school this academic year?"
CHANGE_PROVIDER = "Are you planning to change your current training provider?"
PROGRAMME = f"How do you want to run your training in {THIS_YEAR} to {THIS_YEAR + 1}?"
LEAD_PROVIDER = "Which training provider do you want to work with?"
APPROPRIATE_BODY = "Which appropriate body will check your early career teachers' induction?"
PROVIDER_LED = "Use a training provider, funded by the DfE"
SCHOOL_LED = "Deliver your own programme based on the Early Career Framework"
SUBMITTED = "You've submitted your training information"
DASHBOARD = "Manage your training"

LAST_SEPTEMBER = datetime.date(THIS_YEAR - 1, 9, 1)
THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


# --- Data -----------------------------------------------------------------------------------------


@pytest.fixture
def last_year():
    return ContractPeriodFactory(year=THIS_YEAR - 1, enabled=False)


@pytest.fixture
def this_year(last_year):
    """The contract period open for registration: the one today falls in."""
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def tutor():
    return UserFactory(
        email="tutor@quillfeather.example.org",
        full_name="Jane Tutor",
        privacy_notice_accepted_at=clock.now(),
    )


@pytest.fixture
def school(tutor):
    return school_of(tutor)


@pytest.fixture
def riverside_hub():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


def partnership_last_year(school, last_year, this_year, *, still_paired_this_year: bool):
    """The school worked with Ambition Institute and Northern Lights Teaching Hub last year; Ambition
    Institute is contracted again this year, and (when still paired) with the same delivery partner."""
    ambition = LeadProviderFactory(name="Ambition Institute", email="partnerships@ambition.example.com")
    northern_lights = DeliveryPartnerFactory(name="Northern Lights Teaching Hub")
    pairing_last_year = LeadProviderDeliveryPartnershipFactory(
        active_lead_provider=ActiveLeadProviderFactory(lead_provider=ambition, contract_period=last_year),
        delivery_partner=northern_lights,
    )
    SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing_last_year)
    ambition_this_year = ActiveLeadProviderFactory(lead_provider=ambition, contract_period=this_year)
    if still_paired_this_year:
        return LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ambition_this_year, delivery_partner=northern_lights
        )
    # Ambition Institute works with someone else this year.
    LeadProviderDeliveryPartnershipFactory(active_lead_provider=ambition_this_year)
    return None


# --- Signing in and walking the steps ---------------------------------------------------------------


def sign_in(page: Page, user, live_server) -> None:
    """Sign `user` in without the emailed link: a Django session, its cookie given to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def shows(page: Page, heading: str | re.Pattern) -> None:
    """The page has this main heading and passes the axe check (as shown with JavaScript, or
    without it in a context with JavaScript off)."""
    expect(page.locator("h1")).to_have_text(heading)
    page.wait_for_load_state("load")
    if javascript_ran(page):
        assert_accessible(page)
    else:
        assert_accessible_without_javascript(page)


def assert_accessible_without_javascript(page: Page) -> None:
    """The axe check for a page in a context with JavaScript off, where axe cannot run (its checks
    wait on timers, and timers never fire there): the page's HTML, as that browser shows it, is
    served again at the same address to a page that allows only axe's own script (the page's
    scripts are blocked by a Content-Security-Policy), and checked there."""
    html, url = page.content(), page.url
    checker = page.context.browser.new_context()
    try:
        checking = checker.new_page()
        checking.route(
            lambda address: address == url,
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": "script-src 'none'"},
                body=html,
            ),
        )
        checking.goto(url)
        assert checking.evaluate("document.body.className") == "govuk-template__body"  # no JS ran
        assert_accessible(checking)
    finally:
        checker.close()


def on_step(page: Page, school, step: str) -> None:
    expect(page).to_have_url(
        re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}/set-up/{step}(\?change=1)?$")
    )


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def choose(page: Page, option: str) -> None:
    """Choose a radio by its label, and continue."""
    page.get_by_label(option, exact=True).check()
    press_continue(page)


def javascript_ran(page: Page) -> bool:
    """Whether the page's scripts ran (base.html's inline script marks the body when they do)."""
    return page.evaluate("document.body.classList.contains('js-enabled')")


def on_appropriate_body_page(page: Page) -> None:
    """Wait until the appropriate body question is the page shown, with its scripts run (the search
    box is made before DOMContentLoaded)."""
    expect(page.locator("h1")).to_have_text(APPROPRIATE_BODY)
    page.wait_for_load_state("domcontentloaded")


def appropriate_body_search_box(page: Page):
    """With JavaScript, the text box that replaces the appropriate body select (the select, hidden,
    is a combobox too, so the box is found as an input), labelled by the question."""
    box = page.locator("input[role=combobox]")
    expect(box).to_have_accessible_name(APPROPRIATE_BODY)
    return box


def appropriate_bodies_offered(page: Page):
    """The appropriate bodies the question offers: with JavaScript the options the search box shows
    when opened, without it the plain select's options (after its blank first option)."""
    on_appropriate_body_page(page)
    if javascript_ran(page):
        appropriate_body_search_box(page).click()
        return page.get_by_role("listbox").get_by_role("option")
    return page.get_by_label(APPROPRIATE_BODY).locator("option:not([value=''])")


def choose_appropriate_body(page: Page, name: str, *, typing: str | None = None) -> None:
    """Choose from the plain select, or (with JavaScript) type in the search box and pick the match."""
    on_appropriate_body_page(page)
    if javascript_ran(page):
        appropriate_body_search_box(page).fill(typing or name)
        page.get_by_role("option", name=name, exact=True).click()
    else:
        page.get_by_label(APPROPRIATE_BODY).select_option(label=name)
    press_continue(page)


def start_set_up(page: Page, school, *, heading: str) -> None:
    """From the school's home page, which sends a school that has not set up this year to the intro page."""
    page.goto(f"/schools/{school.urn}")
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}/set-up$"))
    expect(page.locator(".govuk-caption-l")).to_have_text(school.name)
    shows(page, heading)
    page.get_by_role("button", name="Start now").click()
    on_step(page, school, "expects-ects")
    shows(page, EXPECTS_ECTS)


def summary_value(page: Page, key: str):
    """The value of the first summary-list row whose key is exactly `key`."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.first.locator(".govuk-summary-list__value")


def confirm_and_continue_to_dashboard(page: Page, school, *, what_happens_next: str = "") -> None:
    page.get_by_role("button", name="Confirm and submit").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}/set-up/submitted$"))
    expect(page.locator(".govuk-panel__body")).to_contain_text(f"{THIS_YEAR} to {THIS_YEAR + 1}")
    expect(page.locator("main")).to_contain_text(what_happens_next)
    shows(page, SUBMITTED)
    page.get_by_role("button", name="Continue to manage your training").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    shows(page, DASHBOARD)


def table_rows(page: Page):
    return page.locator(".govuk-table tbody tr")


def row_of(page: Page, name: str):
    return table_rows(page).filter(has=page.locator("th", has_text=name))


def expect_row(page: Page, name: str, *, status: str, other: str, started: str) -> None:
    """A row of the ECT or mentor list: name, status tag, mentor (or mentees), start date."""
    cells = row_of(page, name).locator("td")
    expect(cells).to_have_text([status, other, started])
    expect(cells.nth(0).locator(".govuk-tag")).to_have_text(status)


def walk_first_time_provider_led_journey(page: Page, school, *, provider: str, appropriate_body: str):
    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    on_step(page, school, "programme")
    shows(page, PROGRAMME)
    choose(page, PROVIDER_LED)
    on_step(page, school, "lead-provider")
    shows(page, LEAD_PROVIDER)
    choose(page, provider)
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)
    choose_appropriate_body(page, appropriate_body)
    on_step(page, school, "check-answers")
    shows(page, "Check your answers")
    expect(summary_value(page, LEAD_PROVIDER)).to_have_text(provider)
    confirm_and_continue_to_dashboard(page, school)


# --- The tests ----------------------------------------------------------------------------------------


def test_a_first_time_school_sets_up_its_year_with_a_mistake_a_step_back_and_a_change(
    page, live_server, this_year, last_year, tutor, school, riverside_hub
):
    ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Ambition Institute"), contract_period=this_year
    )
    teach_first = LeadProviderFactory(name="Teach First")
    ActiveLeadProviderFactory(lead_provider=teach_first, contract_period=this_year)
    ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Gone Before Ltd"), contract_period=last_year
    )
    AppropriateBodyFactory(name="Hillside Teaching School Hub")
    sign_in(page, tutor, live_server)

    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")

    # Nothing chosen: the error is summarised at the top, shown by the question, and in the title.
    press_continue(page)
    message = "Select whether you expect any early career teachers to join your school"
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary__list a")).to_have_text(message)
    expect(page.locator(".govuk-error-message")).to_have_text(f"Error: {message}")
    shows(page, EXPECTS_ECTS)
    page.locator(".govuk-error-summary__list a").click()
    expect(page.get_by_label("Yes", exact=True)).to_be_focused()

    choose(page, "Yes")
    on_step(page, school, "programme")
    expect(page.locator(".govuk-radios__label")).to_have_text(
        [PROVIDER_LED, SCHOOL_LED, re.compile("We do not")]
    )
    shows(page, PROGRAMME)
    choose(page, SCHOOL_LED)
    # School-led: no lead provider question.
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)

    # Back, twice: each earlier answer is still chosen.
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, school, "programme")
    expect(page.get_by_label(SCHOOL_LED, exact=True)).to_be_checked()
    shows(page, PROGRAMME)
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, school, "expects-ects")
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    shows(page, EXPECTS_ECTS)
    press_continue(page)
    on_step(page, school, "programme")
    press_continue(page)
    on_step(page, school, "appropriate-body")
    # Only teaching school hubs, for a school that is not independent.
    expect(appropriate_bodies_offered(page)).to_have_text(
        ["Hillside Teaching School Hub", "Riverside Teaching School Hub"]
    )
    choose_appropriate_body(page, "Riverside Teaching School Hub", typing="river")

    on_step(page, school, "check-answers")
    expect(summary_value(page, EXPECTS_ECTS)).to_have_text("Yes")
    expect(summary_value(page, PROGRAMME)).to_have_text(SCHOOL_LED)
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Riverside Teaching School Hub")
    expect(page.locator(".govuk-summary-list__key", has_text=LEAD_PROVIDER)).to_have_count(0)
    shows(page, "Check your answers")

    # Change to provider-led: the lead provider question comes next, then check your answers again.
    page.get_by_role("link", name=f"Change {PROGRAMME.lower()}").click()
    on_step(page, school, "programme")
    expect(page).to_have_url(re.compile(r"\?change=1$"))
    expect(page.get_by_label(SCHOOL_LED, exact=True)).to_be_checked()
    shows(page, PROGRAMME)
    choose(page, PROVIDER_LED)
    on_step(page, school, "lead-provider")
    expect(page.locator(".govuk-radios__label")).to_have_text(["Ambition Institute", "Teach First"])
    shows(page, LEAD_PROVIDER)
    choose(page, "Teach First")
    on_step(page, school, "check-answers")
    expect(summary_value(page, PROGRAMME)).to_have_text(PROVIDER_LED)
    expect(summary_value(page, LEAD_PROVIDER)).to_have_text("Teach First")
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Riverside Teaching School Hub")
    shows(page, "Check your answers")

    page.get_by_role("button", name="Confirm and submit").click()
    expect(page.locator("main")).to_contain_text("Teach First will confirm your partnership with them")
    shows(page, SUBMITTED)
    page.get_by_role("button", name="Continue to manage your training").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    expect(summary_value(page, "Programme")).to_have_text("Training provider, funded by the DfE")
    expect(summary_value(page, "Training provider")).to_have_text("Teach First")
    expect(summary_value(page, "Delivery partner")).to_have_text("Waiting for Teach First to confirm")
    expect(summary_value(page, "Appropriate body")).to_have_text("Riverside Teaching School Hub")
    shows(page, DASHBOARD)

    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert choice.expects_ects == "yes"
    assert choice.programme == "provider_led"
    assert choice.lead_provider.lead_provider == teach_first
    assert choice.lead_provider.contract_period == this_year
    assert choice.appropriate_body == riverside_hub
    assert not SchoolPartnership.objects.filter(school=school).exists()

    # Set up: the school's home is now its dashboard, and the intro page sends there too.
    page.goto(f"/schools/{school.urn}/years/{THIS_YEAR}/set-up")
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))


def test_with_javascript_the_appropriate_body_list_is_searchable_and_accessible_while_open(
    page, live_server, this_year, tutor, school, riverside_hub
):
    AppropriateBodyFactory(name="Hillside Teaching School Hub")
    sign_in(page, tutor, live_server)
    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    choose(page, SCHOOL_LED)
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)  # as it loads, the list closed
    box = appropriate_body_search_box(page)

    # Opened: every hub. Then typing narrows the list, or says nothing matches.
    box.click()
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["Hillside Teaching School Hub", "Riverside Teaching School Hub"])
    assert_accessible(page)
    box.fill("river")
    expect(options).to_have_text(["Riverside Teaching School Hub"])
    assert_accessible(page)
    box.fill("nowhere")
    expect(page.get_by_role("listbox")).to_contain_text("No matches")
    assert_accessible(page)

    choose_appropriate_body(page, "Riverside Teaching School Hub", typing="river")
    on_step(page, school, "check-answers")
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Riverside Teaching School Hub")
    shows(page, "Check your answers")

    # Changing it: the box starts from the answer given.
    page.get_by_role("link", name=f"Change {APPROPRIATE_BODY.lower()}").click()
    on_step(page, school, "appropriate-body")
    expect(appropriate_body_search_box(page)).to_have_value("Riverside Teaching School Hub")
    shows(page, APPROPRIATE_BODY)
    choose_appropriate_body(page, "Hillside Teaching School Hub", typing="hill")
    on_step(page, school, "check-answers")
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Hillside Teaching School Hub")

    # Text naming no appropriate body is not taken for the last one chosen, and with the list
    # still open, one click on Continue submits.
    page.get_by_role("link", name=f"Change {APPROPRIATE_BODY.lower()}").click()
    appropriate_body_search_box(page).fill("zzzz nonsense")
    expect(page.get_by_role("listbox")).to_contain_text("No matches")
    press_continue(page)
    on_step(page, school, "appropriate-body")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an appropriate body")
    shows(page, APPROPRIATE_BODY)


def test_an_answer_made_impossible_before_confirming_is_asked_again(
    page, live_server, this_year, tutor, school, riverside_hub
):
    ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Teach First"), contract_period=this_year
    )
    sign_in(page, tutor, live_server)
    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    choose(page, PROVIDER_LED)
    choose(page, "Teach First")
    choose_appropriate_body(page, "Riverside Teaching School Hub")
    on_step(page, school, "check-answers")
    shows(page, "Check your answers")

    # Meanwhile the school closes (a GIAS import): it can no longer have funded training.
    School.objects.filter(pk=school.pk).update(status="Closed", eligible_for_funding=False)
    page.get_by_role("button", name="Confirm and submit").click()
    on_step(page, school, "programme")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary__list a")).to_have_text(
        "Select one of the ways of running training listed"
    )
    expect(page.locator(".govuk-hint")).to_have_text(
        "Your school cannot use a DfE-funded training provider because it is closed."
    )
    shows(page, PROGRAMME)
    assert not SchoolContractPeriodChoice.objects.filter(school=school).exists()

    choose(page, SCHOOL_LED)
    on_step(page, school, "appropriate-body")
    expect(appropriate_body_search_box(page)).to_have_value("Riverside Teaching School Hub")
    shows(page, APPROPRIATE_BODY)
    press_continue(page)
    on_step(page, school, "check-answers")
    expect(summary_value(page, PROGRAMME)).to_have_text(SCHOOL_LED)
    expect(page.locator(".govuk-summary-list__key", has_text=LEAD_PROVIDER)).to_have_count(0)
    shows(page, "Check your answers")
    page.get_by_role("button", name="Confirm and submit").click()
    expect(page.locator("main")).to_contain_text("You'll design and deliver your own training programme")
    shows(page, SUBMITTED)
    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.programme, choice.lead_provider, choice.appropriate_body) == (
        "school_led",
        None,
        riverside_hub,
    )


def test_a_returning_school_keeps_last_years_provider_and_delivery_partner(
    page, live_server, last_year, this_year, tutor, school, riverside_hub
):
    pairing_this_year = partnership_last_year(school, last_year, this_year, still_paired_this_year=True)
    sign_in(page, tutor, live_server)

    start_set_up(page, school, heading=f"How to set up training for {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    on_step(page, school, "change-provider")
    expect(page.locator(".govuk-hint")).to_have_text(
        "Your DfE-funded lead provider is Ambition Institute. "
        "Your delivery partner is Northern Lights Teaching Hub."
    )
    shows(page, CHANGE_PROVIDER)
    choose(page, "No")

    # Keeping the provider: no programme or lead provider question.
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, school, "change-provider")
    expect(page.get_by_label("No", exact=True)).to_be_checked()
    shows(page, CHANGE_PROVIDER)
    press_continue(page)
    choose_appropriate_body(page, "Riverside Teaching School Hub")

    on_step(page, school, "check-answers")
    expect(summary_value(page, CHANGE_PROVIDER)).to_have_text("No")
    expect(summary_value(page, "Training provider")).to_have_text("Ambition Institute")
    expect(summary_value(page, "Delivery partner")).to_have_text("Northern Lights Teaching Hub")
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Riverside Teaching School Hub")
    shows(page, "Check your answers")

    confirm_and_continue_to_dashboard(
        page,
        school,
        what_happens_next="Ambition Institute will train your early career teachers (ECTs) with their "
        "delivery partner, Northern Lights Teaching Hub. Your dashboard shows both.",
    )
    expect(page.locator("main")).not_to_contain_text("waiting")
    expect(summary_value(page, "Programme")).to_have_text("Training provider, funded by the DfE")
    expect(summary_value(page, "Training provider")).to_have_text("Ambition Institute")
    expect(summary_value(page, "Delivery partner")).to_have_text("Northern Lights Teaching Hub")
    expect(page.locator("main")).not_to_contain_text("Waiting for")
    # Both years now have a tab, newest first.
    expect(page.get_by_role("navigation", name="Academic years").get_by_role("link")).to_have_text(
        [f"{THIS_YEAR} to {THIS_YEAR + 1}", f"{THIS_YEAR - 1} to {THIS_YEAR}"]
    )

    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.programme, choice.lead_provider.lead_provider.name) == (
        "provider_led",
        "Ambition Institute",
    )
    assert SchoolPartnership.objects.filter(
        school=school, lead_provider_delivery_partnership=pairing_this_year
    ).exists()


def test_the_headteachers_answer_is_not_asked_again_and_last_years_own_programme_is_recalled(
    page, live_server, last_year, this_year, tutor, school, riverside_hub
):
    """The headteacher said the school expects ECTs; last year the school ran its own programme,
    and years ago it had a partnership with a provider still contracted."""
    capita = LeadProviderFactory(name="Capita")
    ActiveLeadProviderFactory(lead_provider=capita, contract_period=this_year)
    SchoolPartnershipFactory(
        school=school,
        lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(
                lead_provider=capita, contract_period=ContractPeriodFactory(year=THIS_YEAR - 3, enabled=False)
            )
        ),
    )
    SchoolContractPeriodChoice.objects.create(
        school=school,
        contract_period=last_year,
        expects_ects="yes",
        programme="school_led",
        appropriate_body=riverside_hub,
    )
    with transaction.atomic():
        services.record_expected_ects(school=school, expects_ects="yes", actor=services.HEADTEACHER)
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}")
    heading = f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}"
    shows(page, heading)
    expect(page.locator("main")).to_contain_text(
        "When your headteacher nominated you, they told us your school expects early career teachers "
        "(ECTs) to join this academic year."
    )
    expect(page.locator("main")).not_to_contain_text("whether your school expects any ECTs")
    page.get_by_role("button", name="Start now").click()
    on_step(page, school, "programme")
    expect(page.locator(".govuk-hint")).to_have_text(
        f"In {THIS_YEAR - 1} to {THIS_YEAR} your school delivered its own programme."
    )
    expect(page.locator("main")).not_to_contain_text("Capita")
    shows(page, PROGRAMME)
    page.get_by_role("link", name="Back", exact=True).click()
    shows(page, heading)
    page.get_by_role("button", name="Start now").click()
    choose(page, SCHOOL_LED)
    choose_appropriate_body(page, "Riverside Teaching School Hub")
    on_step(page, school, "check-answers")
    expect(summary_value(page, EXPECTS_ECTS)).to_have_text("Yes")
    shows(page, "Check your answers")
    confirm_and_continue_to_dashboard(
        page, school, what_happens_next="You'll design and deliver your own training programme"
    )
    expect(summary_value(page, "Programme")).to_have_text("Your own programme")


def test_a_returning_school_whose_pairing_ended_is_told_why_and_chooses_again(
    page, live_server, last_year, this_year, tutor, school, riverside_hub
):
    partnership_last_year(school, last_year, this_year, still_paired_this_year=False)
    sign_in(page, tutor, live_server)

    start_set_up(page, school, heading=f"How to set up training for {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    on_step(page, school, "change-provider")
    shows(page, CHANGE_PROVIDER)
    choose(page, "No")

    on_step(page, school, "programme")
    expect(page.locator(".govuk-hint")).to_have_text(
        f"Ambition Institute and Northern Lights Teaching Hub are not working together in {THIS_YEAR} to {THIS_YEAR + 1}, "
        "so you need to choose again."
    )
    shows(page, PROGRAMME)
    choose(page, PROVIDER_LED)
    on_step(page, school, "lead-provider")
    shows(page, LEAD_PROVIDER)
    choose(page, "Ambition Institute")
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)
    choose_appropriate_body(page, "Riverside Teaching School Hub")

    on_step(page, school, "check-answers")
    expect(summary_value(page, LEAD_PROVIDER)).to_have_text("Ambition Institute")
    expect(page.locator(".govuk-summary-list__key", has_text="Delivery partner")).to_have_count(0)
    shows(page, "Check your answers")

    confirm_and_continue_to_dashboard(page, school)
    expect(summary_value(page, "Training provider")).to_have_text("Ambition Institute")
    expect(summary_value(page, "Delivery partner")).to_have_text("Waiting for Ambition Institute to confirm")
    assert not SchoolPartnership.objects.filter(
        school=school, lead_provider_delivery_partnership__active_lead_provider__contract_period=this_year
    ).exists()


def test_changing_from_provider_led_to_school_led_from_the_dashboard_tells_the_lead_provider(
    page, live_server, this_year, tutor, school, riverside_hub
):
    ambition = LeadProviderFactory(name="Ambition Institute", email="partnerships@ambition.example.com")
    ActiveLeadProviderFactory(lead_provider=ambition, contract_period=this_year)
    services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=ambition,
        appropriate_body=riverside_hub,
    )
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}")
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    expect(summary_value(page, "Training provider")).to_have_text("Ambition Institute")
    shows(page, DASHBOARD)

    page.get_by_role("link", name="Change programme").click()
    on_step(page, school, "programme")
    expect(page.get_by_label(PROVIDER_LED, exact=True)).to_be_checked()
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", f"/schools/{school.urn}/years/{THIS_YEAR}/set-up/check-answers"
    )
    shows(page, PROGRAMME)
    choose(page, SCHOOL_LED)

    on_step(page, school, "check-answers")
    expect(summary_value(page, PROGRAMME)).to_have_text(SCHOOL_LED)
    expect(summary_value(page, APPROPRIATE_BODY)).to_have_text("Riverside Teaching School Hub")
    expect(page.locator(".govuk-summary-list__key", has_text=LEAD_PROVIDER)).to_have_count(0)
    shows(page, "Check your answers")

    with emails_sent() as sent:
        page.get_by_role("button", name="Confirm and submit").click()
        expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"Your training for {THIS_YEAR} to {THIS_YEAR + 1} has been updated"
        )
    expect(summary_value(page, "Programme")).to_have_text("Your own programme")
    expect(summary_value(page, "Appropriate body")).to_have_text("Riverside Teaching School Hub")
    expect(page.locator(".govuk-summary-list__key", has_text="Training provider")).to_have_count(0)
    shows(page, DASHBOARD)

    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.programme, choice.lead_provider) == ("school_led", None)
    assert [(email.template, email.recipient) for email in sent] == [
        ("school_left_lead_provider", "partnerships@ambition.example.com")
    ]
    assert sent[0].personalisation == {
        "lead_provider_name": "Ambition Institute",
        "school_name": "Quillfeather Primary School",
        "urn": str(school.urn),
        "academic_year": f"{THIS_YEAR} to {THIS_YEAR + 1}",
        "now_runs": "deliver its own programme",
    }


def test_an_independent_school_cannot_have_funded_training_and_may_choose_istip(
    page, live_server, this_year, tutor, riverside_hub
):
    school = school_of(
        tutor,
        name="Inkwell College",
        establishment_type="Other independent school",
        eligible_for_funding=False,
    )
    ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Ambition Institute"), contract_period=this_year
    )
    istip = AppropriateBodyFactory(
        name="Independent Schools Teacher Induction Panel (ISTIP)",
        body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS,
    )
    sign_in(page, tutor, live_server)

    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    on_step(page, school, "programme")
    expect(page.get_by_label(PROVIDER_LED)).to_have_count(0)
    expect(page.locator(".govuk-radios__label")).to_have_text([SCHOOL_LED, re.compile("We do not")])
    expect(page.locator(".govuk-hint")).to_have_text(
        "Your school cannot use a DfE-funded training provider because it is not state-funded."
    )
    shows(page, PROGRAMME)
    choose(page, SCHOOL_LED)

    on_step(page, school, "appropriate-body")
    expect(page.locator(".govuk-hint")).to_contain_text("Independent schools can use the Independent Schools")
    shows(page, APPROPRIATE_BODY)
    expect(appropriate_bodies_offered(page)).to_have_text(
        ["Independent Schools Teacher Induction Panel (ISTIP)", "Riverside Teaching School Hub"]
    )
    choose_appropriate_body(page, "Independent Schools Teacher Induction Panel (ISTIP)")

    on_step(page, school, "check-answers")
    shows(page, "Check your answers")
    confirm_and_continue_to_dashboard(page, school)
    expect(summary_value(page, "Programme")).to_have_text("Your own programme")
    expect(summary_value(page, "Appropriate body")).to_have_text(
        "Independent Schools Teacher Induction Panel (ISTIP)"
    )
    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.programme, choice.appropriate_body) == ("school_led", istip)


def test_a_closed_school_is_told_why_it_cannot_have_funded_training_and_is_not_offered_istip(
    page, live_server, this_year, tutor, riverside_hub
):
    school = school_of(tutor, status="Closed", eligible_for_funding=False)
    ActiveLeadProviderFactory(contract_period=this_year)
    AppropriateBodyFactory(
        name="Independent Schools Teacher Induction Panel (ISTIP)",
        body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS,
    )
    sign_in(page, tutor, live_server)

    start_set_up(page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}")
    choose(page, "Yes")
    on_step(page, school, "programme")
    expect(page.get_by_label(PROVIDER_LED)).to_have_count(0)
    expect(page.locator(".govuk-hint")).to_have_text(
        "Your school cannot use a DfE-funded training provider because it is closed."
    )
    shows(page, PROGRAMME)
    choose(page, SCHOOL_LED)
    on_step(page, school, "appropriate-body")
    shows(page, APPROPRIATE_BODY)
    expect(appropriate_bodies_offered(page)).to_have_text(["Riverside Teaching School Hub"])


def test_the_dashboard_lists_each_years_teachers_and_mentors_and_hides_other_schools(
    page, live_server, last_year, this_year, tutor, school, riverside_hub
):
    ContractPeriodFactory(year=THIS_YEAR - 2, enabled=False)  # nothing at the school that year
    services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="school_led",
        appropriate_body=riverside_hub,
    )

    def teacher(first, last):
        return TeacherFactory(trs_first_name=first, trs_last_name=last)

    ECTAtSchoolPeriodFactory(
        school=school,
        teacher=teacher("Ada", "Lovelace"),
        started_on=LAST_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 3, 31),
    )
    tara = ECTAtSchoolPeriodFactory(
        school=school, teacher=teacher("Tara", "Training"), started_on=THIS_SEPTEMBER
    )
    ECTAtSchoolPeriodFactory(
        school=school,
        teacher=teacher("Lee", "Left"),
        started_on=THIS_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 10, 31),
    )
    mentor = MentorAtSchoolPeriodFactory(
        school=school, teacher=teacher("Mo", "Mentor"), started_on=THIS_SEPTEMBER
    )
    MentorshipPeriodFactory(mentee=tara, mentor=mentor)
    other_school = school_of(UserFactory(privacy_notice_accepted_at=clock.now()), name="Elsewhere Academy")
    sign_in(page, tutor, live_server)

    page.goto(f"/schools/{school.urn}")
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    years = page.get_by_role("navigation", name="Academic years")
    expect(years.get_by_role("link")).to_have_text(
        [f"{THIS_YEAR} to {THIS_YEAR + 1}", f"{THIS_YEAR - 1} to {THIS_YEAR}"]
    )
    expect(years.locator("[aria-current=page]")).to_have_text(f"{THIS_YEAR} to {THIS_YEAR + 1}")
    expect(summary_value(page, "ECTs and mentors")).to_have_text("2 ECTs, 1 mentor")
    expect(table_rows(page)).to_have_count(2)
    expect_row(page, "Lee Left", status="Left your school", other="None", started=f"1 September {THIS_YEAR}")
    expect_row(
        page, "Tara Training", status="Training", other="Mo Mentor", started=f"1 September {THIS_YEAR}"
    )
    expect(page.locator("main")).not_to_contain_text("Ada Lovelace")
    shows(page, DASHBOARD)

    # Last year: its own people, and nothing to change (it is closed for registration).
    years.get_by_role("link", name=f"{THIS_YEAR - 1} to {THIS_YEAR}").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR - 1}$"))
    expect(years.locator("[aria-current=page]")).to_have_text(f"{THIS_YEAR - 1} to {THIS_YEAR}")
    expect(table_rows(page)).to_have_count(1)
    expect_row(
        page, "Ada Lovelace", status="Left your school", other="None", started=f"1 September {THIS_YEAR - 1}"
    )
    expect(page.get_by_role("link", name="Change programme")).to_have_count(0)
    shows(page, DASHBOARD)

    years.get_by_role("link", name=f"{THIS_YEAR} to {THIS_YEAR + 1}").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    page.get_by_role("link", name="Mentors (1)").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}/mentors$"))
    expect(table_rows(page)).to_have_count(1)
    expect_row(
        page, "Mo Mentor", status="Mentoring", other="Tara Training", started=f"1 September {THIS_YEAR}"
    )
    shows(page, DASHBOARD)

    page.get_by_role("link", name="Early career teachers (2)").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    page.get_by_label("Status").select_option(label="No longer training")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=no_longer_training"))
    expect(table_rows(page)).to_have_count(1)
    expect(row_of(page, "Lee Left")).to_have_count(1)
    expect(page.get_by_label("Status")).to_have_value("no_longer_training")
    shows(page, DASHBOARD)
    page.get_by_label("Status").select_option(label="Completed induction")
    page.get_by_role("button", name="Apply filters").click()
    expect(table_rows(page)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("No early career teachers match these filters.")
    shows(page, DASHBOARD)

    # Another school's dashboard, and a year with nothing at this school, are not found.
    for path in (
        f"/schools/{other_school.urn}",
        f"/schools/{other_school.urn}/years/{THIS_YEAR}",
        f"/schools/{school.urn}/years/{THIS_YEAR - 2}",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        shows(page, "Page not found")


def test_the_first_time_journey_works_without_javascript(
    browser, live_server, this_year, tutor, school, riverside_hub
):
    ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Teach First"), contract_period=this_year
    )
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, tutor, live_server)
        walk_first_time_provider_led_journey(
            page, school, provider="Teach First", appropriate_body="Riverside Teaching School Hub"
        )
        expect(summary_value(page, "Training provider")).to_have_text("Teach First")
        expect(summary_value(page, "Delivery partner")).to_have_text("Waiting for Teach First to confirm")
        expect(summary_value(page, "Appropriate body")).to_have_text("Riverside Teaching School Hub")
    finally:
        context.close()
    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.programme, choice.lead_provider.lead_provider.name, choice.appropriate_body) == (
        "provider_led",
        "Teach First",
        riverside_hub,
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_the_appropriate_body_hint_says_start_typing_only_where_there_is_a_box_to_type_in(
    browser, live_server, this_year, tutor, school, riverside_hub, javascript
):
    context = browser.new_context(java_script_enabled=javascript, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, tutor, live_server)
        start_set_up(
            page, school, heading=f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}"
        )
        choose(page, "Yes")
        choose(page, SCHOOL_LED)
        on_step(page, school, "appropriate-body")
        hint = page.locator(".govuk-hint").filter(has_text="Choose a teaching school hub")
        said = (
            "Choose a teaching school hub. Start typing to search."
            if javascript
            else "Choose a teaching school hub."
        )
        expect(hint).to_have_text(said)
        # Whatever takes the answer (the search box, or the plain select) is described by the hint.
        answer_box = appropriate_body_search_box(page) if javascript else page.get_by_label(APPROPRIATE_BODY)
        expect(answer_box).to_have_accessible_description(re.compile(re.escape(said)))
        shows(page, APPROPRIATE_BODY)
    finally:
        context.close()
