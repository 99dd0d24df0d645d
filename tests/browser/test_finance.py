"""Finance staff in a real browser, with axe on every page: from the home page to a lead
provider, its contract period and a payable statement, adding an adjustment (with a mistake
first) and authorising the statement for payment; and finding a participant's declaration and
voiding it, without JavaScript; removing an adjustment, and what a paid statement refuses."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from finance import services
from finance.models import Declaration, PaymentStatus, StatementAdjustment
from tests.admin.conftest import staff_in
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import press_continue, shows, sign_in
from tests.dates import THIS_YEAR
from tests.finance.helpers import pay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_groups")]

NOVEMBER = f"November {THIS_YEAR}"


@pytest.fixture
def declared(world):
    """Two ECTs started on November's statement (A £120 each) and a mentor (£500 flat), and
    November past its deadline: payable, with the £100 service fee: £840."""
    school = world.school()
    for _ in range(2):
        world.declare(world.ect(school))
    world.declare(world.mentor(school), mentor=True)
    november = world.statement(11)
    services.mark_payable(today=november.deadline_date + datetime.timedelta(days=1))
    return world


def open_link(page: Page, name: str | re.Pattern) -> None:
    page.get_by_role("link", name=name).first.click()


def test_home_to_a_statement_then_an_adjustment_and_authorising_it(page, live_server, declared):
    staff = staff_in("finance")
    sign_in(page, staff, live_server)

    page.goto("/finance")
    shows(page, "Lead provider payments")
    open_link(page, "Ambition Institute")
    shows(page, "Ambition Institute")
    open_link(page, f"{THIS_YEAR} to {THIS_YEAR + 1}")
    shows(page, f"Statements, contract period {THIS_YEAR} to {THIS_YEAR + 1}")
    expect(page.get_by_role("row", name=re.compile(rf"^{NOVEMBER} 30 November"))).to_contain_text("Payable")
    expect(page.get_by_role("row", name=re.compile(rf"^{NOVEMBER} 30 November"))).to_contain_text("£840.00")

    open_link(page, NOVEMBER)
    shows(page, f"{NOVEMBER} statement")
    expect(page.locator("main")).to_contain_text("Started, band A")

    # The declarations behind a line.
    open_link(page, re.compile(r"2 declarations: Started, band A"))
    shows(page, "Declarations")
    expect(page.locator("caption")).to_contain_text("2 declarations matching these filters")
    page.get_by_role("link", name="Back", exact=True).click()

    # An adjustment, with a mistake first.
    page.get_by_role("button", name="Add an adjustment").click()
    shows(page, "Add an adjustment")
    page.get_by_label("Name").fill("Overpayment in October")
    page.get_by_label("Amount").fill("minus 250")
    page.get_by_label("Reason").fill("Paid twice for one participant.")
    press_continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the amount in pounds and pence, like 250.00 or -250.00"
    )
    expect(page.get_by_label("Name")).to_have_value("Overpayment in October")
    assert_accessible(page)
    page.get_by_label("Amount").fill("-250.00")
    press_continue(page)
    shows(page, "Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("−£250.00")
    page.get_by_role("button", name="Add adjustment").click()
    shows(page, f"{NOVEMBER} statement")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adjustment added")
    assert StatementAdjustment.objects.get().created_by == staff

    # Authorising it for payment: £840 less £250.
    page.get_by_role("button", name="Authorise for payment").click()
    shows(page, "Check the statement before authorising it for payment")
    expect(page.locator(".govuk-summary-list")).to_contain_text("£590.00")
    page.get_by_role("button", name="Authorise for payment").click()
    shows(page, f"{NOVEMBER} statement")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("authorised for payment: £590.00")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Paid")
    assert declared.statement(11).status == "paid"

    # The contract period's bands, from the statements list.
    page.goto(f"/finance/contract-periods/{THIS_YEAR}")
    shows(page, f"Contract period {THIS_YEAR} to {THIS_YEAR + 1}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("2 of 6")


def test_finding_a_declaration_and_voiding_it_without_javascript(browser, live_server, declared):
    declaration = Declaration.objects.filter(course_identifier="ecf-induction").first()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, staff_in("finance"), live_server)
        page.goto("/finance")
        shows(page, "Lead provider payments")
        page.get_by_role("button", name="Search").click()
        shows(page, "Find a declaration")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a declaration ID, participant ID or TRN"
        )

        page.get_by_label("Declaration ID, participant ID or TRN").fill(declaration.teacher.trn)
        page.get_by_role("button", name="Search").click()
        shows(page, "Find a declaration")
        expect(page.locator("caption")).to_contain_text("1 declaration for")
        open_link(page, "Started, ECT")
        shows(page, "Started declaration")

        page.get_by_role("button", name="Void this declaration").click()
        shows(page, "Why are you voiding this declaration?")
        press_continue(page)
        shows(page, "Why are you voiding this declaration?")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter why you are voiding the declaration"
        )
        page.get_by_label("Why are you voiding this declaration?").fill("Declared for the wrong teacher.")
        press_continue(page)
        shows(page, "Check your answers")
        expect(page.locator(".govuk-summary-list")).to_contain_text("It is voided: it has not been paid")
        page.get_by_role("button", name="Void declaration").click()
        shows(page, "Started declaration")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Declaration voided")
        expect(page.locator("main")).to_contain_text("Reason: Declared for the wrong teacher.")
        declaration.refresh_from_db()
        assert declaration.payment_status == PaymentStatus.VOIDED

        # Back to the declarations of the statement it was on.
        page.get_by_role("link", name="Back", exact=True).click()
        shows(page, "Declarations")
    finally:
        context.close()


def test_removing_an_adjustment_and_what_a_paid_statement_refuses(page, live_server, declared):
    staff = staff_in("finance")
    december = declared.statement(12)
    services.add_adjustment(
        statement=december, name="Late data", amount=Decimal("25.50"), reason="Data late.", by=staff
    )
    paid = pay(declared.statement(11))
    sign_in(page, staff, live_server)

    page.goto(f"/finance/statements/{december.pk}")
    shows(page, f"December {THIS_YEAR} statement")
    page.get_by_role("link", name="Remove Late data").click()
    shows(page, "Why are you removing this adjustment?")
    page.get_by_label("Why are you removing this adjustment?").fill("The data arrived in time after all.")
    press_continue(page)
    shows(page, "Check your answers")
    page.get_by_role("button", name="Remove adjustment").click()
    shows(page, f"December {THIS_YEAR} statement")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adjustment removed: Late data")
    assert not StatementAdjustment.objects.exists()

    page.goto(f"/finance/statements/{paid.pk}/adjustments/new/adjustment")
    shows(page, "This statement has been paid")
    page.goto("/finance/contract-periods")
    shows(page, "Contract periods")
    page.goto("/finance/grants/mentors")
    shows(page, "Mentor grant for schools")
    page.get_by_role("link", name="Back", exact=True).click()
    shows(page, "Lead provider payments")
