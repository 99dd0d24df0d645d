"""Registering an early career teacher from the school's dashboard, in a real browser with an axe
check on every page, the teacher looked up with the real TRS client against the fake TRS: an ECT
found first time (with a mistake, the Back link and a change from check your answers); one found
only by National Insurance number; each stop page; someone already registered here; a transfer
from another school that both schools' dashboards show; and the journey without JavaScript."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from core import clock
from participants.models import ECTAtSchoolPeriod
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import (
    assert_accessible_without_javascript,
    javascript_ran,
    row_of,
    sign_in,
    summary_value,
)
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_set_up_with,
)
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db(transaction=True)

FIND = "Find the teacher's record"
NI_NUMBER = "What is their National Insurance number?"
CONFIRM_NAME = "Check the teacher's name"
EMAIL = "What is their email address?"
START_DATE = "When did or will they start as an ECT at your school?"
WORKING_PATTERN = "Do they work full time or part time?"
USE_PREVIOUS_CHOICES = "Do you want to use the same choices as last time?"
DASHBOARD = "Manage your training"
NOT_FOUND = "We cannot find their teacher record"


# --- Data -----------------------------------------------------------------------------------------


@pytest.fixture
def this_year():
    ContractPeriodFactory(year=THIS_YEAR - 1, enabled=False)
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def hub():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


@pytest.fixture
def ambition(this_year):
    return ActiveLeadProviderFactory(
        lead_provider=LeadProviderFactory(name="Ambition Institute"), contract_period=this_year
    ).lead_provider


@pytest.fixture
def tutor():
    return UserFactory(
        email="tutor@quillfeather.example.org",
        full_name="Jane Tutor",
        privacy_notice_accepted_at=clock.now(),
    )


def set_up_school(tutor, this_year, hub, lead_provider, **school_fields):
    """A school (with `tutor` as its induction tutor) that has set up this year with a training provider."""
    return school_set_up_with(
        lead_provider, tutor=tutor, contract_period=this_year, appropriate_body=hub, **school_fields
    )


@pytest.fixture
def school(tutor, this_year, hub, ambition):
    return set_up_school(tutor, this_year, hub, ambition)


# --- Pages and steps --------------------------------------------------------------------------------


def shows(page: Page, heading: str | re.Pattern) -> None:
    """The page has this main heading and passes axe (with JavaScript, or checked without it)."""
    expect(page.locator("h1")).to_have_text(heading)
    page.wait_for_load_state("load")
    if javascript_ran(page):
        assert_accessible(page)
    else:
        assert_accessible_without_javascript(page)


def on_step(page: Page, school, step: str) -> None:
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/ects/register/{step}(\?change=1)?$"))


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def choose(page: Page, option: str) -> None:
    page.get_by_label(option, exact=True).check()
    press_continue(page)


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    dates = page.get_by_role("group", name=legend)
    dates.get_by_label("Day").fill(day)
    dates.get_by_label("Month").fill(month)
    dates.get_by_label("Year").fill(year)


def open_dashboard(page: Page, school) -> None:
    page.goto(f"/schools/{school.urn}")
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/years/{THIS_YEAR}$"))
    shows(page, DASHBOARD)


def start_from_dashboard(page: Page, school) -> None:
    open_dashboard(page, school)
    page.get_by_role("button", name="Add an ECT or mentor").click()
    shows(page, "Who do you want to add?")
    choose(page, "An early career teacher (ECT)")
    on_step(page, school, "find-ect")
    shows(page, FIND)


def find(page: Page, school, trn: str, born: tuple[str, str, str]) -> None:
    page.get_by_label("Teacher reference number (TRN)").fill(trn)
    fill_date(page, "Date of birth", *born)
    press_continue(page)


def confirm_name_and_details(
    page: Page, school, *, name: str, email: str, started: tuple[str, str, str], school_choices: bool = True
):
    """Answer the name, email, start date and working pattern; then, unless told not to, take the
    school's previous choices and arrive at check answers."""
    on_step(page, school, "confirm-name")
    expect(page.locator(".govuk-summary-list__value")).to_have_text(name)
    shows(page, CONFIRM_NAME)
    choose(page, "Yes")
    on_step(page, school, "email")
    shows(page, EMAIL)
    page.get_by_label(EMAIL).fill(email)
    press_continue(page)
    on_step(page, school, "start-date")
    shows(page, START_DATE)
    fill_date(page, START_DATE, *started)
    press_continue(page)
    on_step(page, school, "working-pattern")
    shows(page, WORKING_PATTERN)
    choose(page, "Full time")
    if not school_choices:
        return
    on_step(page, school, "use-previous-choices")
    expect(page.locator(".govuk-hint")).to_contain_text("Training provider: Ambition Institute.")
    shows(page, USE_PREVIOUS_CHOICES)
    choose(page, "Yes")
    on_step(page, school, "check-answers")
    shows(page, "Check your answers")


def register(page: Page, school, name: str) -> None:
    """Confirm check your answers, see the confirmation page, and return to the dashboard."""
    page.get_by_role("button", name="Confirm and register").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}/ects/registered$"))
    shows(page, f"{name} has been registered as an ECT")
    page.get_by_role("button", name="Return to manage your training").click()
    expect(page).to_have_url(re.compile(rf"/schools/{school.urn}(/years/{THIS_YEAR})?$"))
    shows(page, DASHBOARD)


def expect_ect_row(page: Page, name: str, *, status: str, started: str) -> None:
    cells = row_of(page, name).locator("td")
    expect(cells).to_have_text([status, "None" if status.startswith("Left") else "Needs a mentor", started])


def first_time_journey(page: Page, school) -> None:
    start_from_dashboard(page, school)
    find(page, school, "9990001", ("21", "4", "1996"))
    confirm_name_and_details(
        page, school, name="Amara Okafor", email="amara@example.org", started=("1", "9", f"{THIS_YEAR}")
    )
    with emails_sent() as sent:
        register(page, school, "Amara Okafor")
    assert [email.template for email in sent] == ["ect_registered"]
    expect_ect_row(page, "Amara Okafor", status="Training", started=f"1 September {THIS_YEAR}")


# --- The tests --------------------------------------------------------------------------------------


def test_an_ect_found_first_time_with_a_mistake_a_step_back_and_a_changed_email(
    page, live_server, fake_trs, tutor, school
):
    sign_in(page, tutor, live_server)
    start_from_dashboard(page, school)
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", f"/schools/{school.urn}/add"
    )

    # Nothing typed: summarised at the top, and shown by the TRN and by the date.
    press_continue(page)
    on_step(page, school, "find-ect")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary__list a")).to_have_text(
        ["Enter the teacher reference number (TRN)", "Enter date of birth"]
    )
    expect(page.locator(".govuk-error-message")).to_have_text(
        ["Error: Enter the teacher reference number (TRN)", "Error: Enter date of birth"]
    )
    shows(page, FIND)

    find(page, school, "9990001", ("21", "4", "1996"))
    on_step(page, school, "confirm-name")
    shows(page, CONFIRM_NAME)
    # Back to the find step: the TRN is kept, the date of birth is forgotten.
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, school, "find-ect")
    expect(page.get_by_label("Teacher reference number (TRN)")).to_have_value("9990001")
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Year")).to_have_value("")
    shows(page, FIND)
    find(page, school, "9990001", ("21", "4", "1996"))

    confirm_name_and_details(
        page, school, name="Amara Okafor", email="amara@old.example.org", started=("1", "9", f"{THIS_YEAR}")
    )
    expect(summary_value(page, "TRN")).to_have_text("9990001")
    expect(summary_value(page, "Name")).to_have_text("Amara Okafor")
    expect(summary_value(page, "Email address")).to_have_text("amara@old.example.org")
    expect(summary_value(page, "Start date")).to_have_text(f"1 September {THIS_YEAR}")
    expect(summary_value(page, "Working pattern")).to_have_text("Full time")
    expect(summary_value(page, "Appropriate body")).to_have_text("Riverside Teaching School Hub")
    expect(summary_value(page, "Training provider")).to_have_text("Ambition Institute")

    page.get_by_role("link", name="Change email address").click()
    on_step(page, school, "email")
    expect(page.get_by_label(EMAIL)).to_have_value("amara@old.example.org")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", f"/schools/{school.urn}/ects/register/check-answers"
    )
    shows(page, EMAIL)
    page.get_by_label(EMAIL).fill("amara@example.org")
    press_continue(page)
    on_step(page, school, "check-answers")
    expect(summary_value(page, "Email address")).to_have_text("amara@example.org")
    shows(page, "Check your answers")

    with emails_sent() as sent:
        register(page, school, "Amara Okafor")
    assert [(email.template, email.recipient) for email in sent] == [("ect_registered", "amara@example.org")]
    expect(summary_value(page, "ECTs and mentors")).to_have_text("1 ECT, 0 mentors")
    expect_ect_row(page, "Amara Okafor", status="Training", started=f"1 September {THIS_YEAR}")

    period = ECTAtSchoolPeriod.objects.get(school=school)
    assert (period.teacher.trn, period.email, period.started_on) == (
        "9990001",
        "amara@example.org",
        datetime.date(THIS_YEAR, 9, 1),
    )


def test_an_ect_found_only_by_national_insurance_number(page, live_server, fake_trs, tutor, school):
    sign_in(page, tutor, live_server)
    open_dashboard(page, school)
    page.get_by_role("link", name="Add an ECT or mentor").click()
    shows(page, "Who do you want to add?")
    choose(page, "An early career teacher (ECT)")
    on_step(page, school, "find-ect")
    shows(page, FIND)
    find(page, school, "9990005", ("1", "1", "1990"))

    on_step(page, school, "national-insurance-number")
    expect(page.locator(".govuk-hint")).to_contain_text("We could not match the date of birth")
    shows(page, NI_NUMBER)
    press_continue(page)
    on_step(page, school, "national-insurance-number")
    expect(page.locator(".govuk-error-summary__list a")).to_have_text("Enter their National Insurance number")
    expect(page.locator(".govuk-error-message")).to_have_text("Error: Enter their National Insurance number")
    shows(page, NI_NUMBER)

    # A number that is not theirs: not found, and Back to try again.
    page.get_by_label(NI_NUMBER).fill("QQ 99 99 99 A")
    press_continue(page)
    on_step(page, school, "cannot-register")
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    shows(page, NOT_FOUND)
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, school, "national-insurance-number")
    shows(page, NI_NUMBER)
    page.get_by_label(NI_NUMBER).fill("qq 12 34 56 c")
    press_continue(page)

    confirm_name_and_details(
        page, school, name="Priya Raman", email="priya@example.org", started=("1", "9", f"{THIS_YEAR}")
    )
    register(page, school, "Priya Raman")
    expect_ect_row(page, "Priya Raman", status="Training", started=f"1 September {THIS_YEAR}")
    assert ECTAtSchoolPeriod.objects.get(school=school).teacher.trn == "9990005"


@pytest.mark.parametrize(
    ("trn", "born", "heading", "says"),
    [
        ("9990004", ("1", "1", "1990"), NOT_FOUND, "do not match a record in the Teaching Record System"),
        (
            "9990006",
            ("14", "6", "1990"),
            "You cannot register Gareth Llewellyn",
            "already passed their induction",
        ),
        ("9990007", ("9", "9", "1992"), "You cannot register Hannah Brightwell", "failed their induction"),
        ("9990009", ("1", "12", "1985"), "You cannot register Fatima Haddad", "exempt from induction"),
        (
            "9990011",
            ("8", "8", "1988"),
            "You cannot register Declan Farrow",
            "cannot be registered for training or mentoring",
        ),
    ],
    ids=["not-found", "passed", "failed", "exempt", "prohibited"],
)
def test_a_teacher_who_cannot_be_registered_is_stopped(
    page, live_server, fake_trs, tutor, school, trn, born, heading, says
):
    sign_in(page, tutor, live_server)
    page.goto(f"/schools/{school.urn}/ects/register/find-ect")
    shows(page, FIND)
    find(page, school, trn, born)
    on_step(page, school, "cannot-register")
    expect(page.locator("main")).to_contain_text(says)
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    expect(page.get_by_role("link", name="Return to manage your training")).to_have_attribute(
        "href", f"/schools/{school.urn}"
    )
    shows(page, heading)
    # No way past it: a later step sends them back to the stop page.
    page.goto(f"/schools/{school.urn}/ects/register/confirm-name")
    on_step(page, school, "cannot-register")
    shows(page, heading)
    assert not ECTAtSchoolPeriod.objects.exists()


def test_someone_already_registered_here_is_stopped(page, live_server, fake_trs, tutor, school):
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990001", trs_first_name="Amara", trs_last_name="Okafor"),
        school=school,
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    sign_in(page, tutor, live_server)
    start_from_dashboard(page, school)
    find(page, school, "9990001", ("21", "4", "1996"))
    on_step(page, school, "cannot-register")
    expect(page.locator("main")).to_contain_text(
        "Amara Okafor is already registered as an early career teacher at Quillfeather Primary School"
    )
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    shows(page, "You cannot register Amara Okafor")
    assert ECTAtSchoolPeriod.objects.count() == 1


@pytest.mark.parametrize("keeps_provider", [True, False], ids=["keeping their provider", "taking ours"])
def test_an_ect_moving_from_another_school_is_transferred_and_both_schools_see_it(
    page, browser, live_server, fake_trs, tutor, school, this_year, hub, ambition, keeps_provider
):
    other_tutor = UserFactory(email="tutor@inkwell.example.org", privacy_notice_accepted_at=clock.now())
    teach_first = ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Teach First")
    inkwell = set_up_school(other_tutor, this_year, hub, teach_first.lead_provider, name="Inkwell Academy")
    elsewhere = ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990001", trs_first_name="Amara", trs_last_name="Okafor"),
        school=inkwell,
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    TrainingPeriodFactory(ect_at_school_period=elsewhere, expression_of_interest=teach_first)
    sign_in(page, tutor, live_server)
    start_from_dashboard(page, school)
    find(page, school, "9990001", ("21", "4", "1996"))

    question = "Is Amara Okafor moving to your school from Inkwell Academy?"
    on_step(page, school, "moving-school")
    expect(page.locator(".govuk-hint")).to_contain_text("They're registered as an ECT at Inkwell Academy")
    shows(page, question)
    choose(page, "Yes")
    on_step(page, school, "continue-training")
    expect(page.locator(".govuk-hint")).to_contain_text("they train with Teach First")
    shows(page, "Will Amara Okafor continue with their current training programme?")
    choose(
        page,
        "Yes, they'll carry on with Teach First"
        if keeps_provider
        else "No, they'll train the way your school chooses",
    )
    confirm_name_and_details(
        page,
        school,
        name="Amara Okafor",
        email="amara@example.org",
        started=("1", "12", f"{THIS_YEAR}"),
        school_choices=not keeps_provider,
    )
    if keeps_provider:  # their provider stays; only the appropriate body is asked
        on_step(page, school, "appropriate-body")
        shows(page, re.compile("Which appropriate body"))
        page.locator("input[role=combobox]").fill("river")
        page.get_by_role("option", name="Riverside Teaching School Hub").click()
        press_continue(page)
        on_step(page, school, "check-answers")
        expect(page.locator(".govuk-summary-list")).to_contain_text("Teach First")
        shows(page, "Check your answers")
    register(page, school, "Amara Okafor")
    expect_ect_row(
        page, "Amara Okafor", status=f"Starting on 1 December {THIS_YEAR}", started=f"1 December {THIS_YEAR}"
    )

    elsewhere.refresh_from_db()
    assert elsewhere.finished_on == datetime.date(THIS_YEAR, 11, 30)
    here = ECTAtSchoolPeriod.objects.get(school=school)
    assert (here.teacher_id, here.started_on) == (elsewhere.teacher_id, datetime.date(THIS_YEAR, 12, 1))
    training = here.training_periods.get().expression_of_interest
    assert training.lead_provider.name == ("Teach First" if keeps_provider else "Ambition Institute")

    # The old school's list shows them as having left.
    context = browser.new_context(base_url=live_server.url)
    try:
        old = context.new_page()
        sign_in(old, other_tutor, live_server)
        open_dashboard(old, inkwell)
        expect(old.locator(".govuk-caption-l")).to_have_text("Inkwell Academy")
        expect_ect_row(old, "Amara Okafor", status="Leaving your school", started=f"1 September {THIS_YEAR}")
        old.get_by_role("link", name="Amara Okafor").click()
        expect(old.locator(".govuk-summary-list").first).to_contain_text(f"30 November {THIS_YEAR}")
        assert_accessible(old)
    finally:
        context.close()


def test_the_first_time_journey_works_without_javascript(browser, live_server, fake_trs, tutor, school):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, tutor, live_server)
        first_time_journey(page, school)
        assert not javascript_ran(page)
    finally:
        context.close()
    assert ECTAtSchoolPeriod.objects.get(school=school).teacher.trn == "9990001"


def test_the_first_time_journey_works_with_javascript(page, live_server, fake_trs, tutor, school):
    """The same walk as without JavaScript, so the two can be told apart when one fails."""
    sign_in(page, tutor, live_server)
    first_time_journey(page, school)
    assert javascript_ran(page)


def test_another_schools_registration_is_not_found(page, live_server, fake_trs, tutor, school):
    other = SchoolFactory()
    sign_in(page, tutor, live_server)
    response = page.goto(f"/schools/{other.urn}/ects/register/find-ect")
    assert response.status == 404
    shows(page, "Page not found")
