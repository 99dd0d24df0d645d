"""An appropriate body claims an ECT in a real browser, with an axe check on every page, the
teacher looked up with the real TRS client against the fake TRS: found first time (with mistakes
and a change from check answers); found by National Insurance number from the "Check and claim"
link of the reported list; each stop page; and another body's pages, which are not found."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from participants.models import InductionPeriod, TRSInductionUpdate
from participants.trs.client import find_teacher
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import choose, press_continue, shows, sign_in, summary_value
from tests.dates import THIS_YEAR
from tests.factories import (
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    SchoolFactory,
    TeacherFactory,
)
from tests.participants.trs_writes import queued_updates  # noqa: F401 - a fixture: no Redis needed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queued_updates")]

HOME = "Riverside Teaching School Hub"
FIND = "Find the teacher's record"
NI_NUMBER = "What is their National Insurance number?"
TEACHER_RECORD = "Check their teacher record"
START_DATE = "When did or will their induction with you start?"
PROGRAMME = "Which induction programme are they on?"
PROVIDER_LED = "Provider-led: training from a DfE-funded lead provider"
SCHOOL_LED = "School-led: the school delivers the training itself"


@pytest.fixture
def signed_in(page, live_server, body_user, fake_trs):
    sign_in(page, body_user, live_server)
    return page


def on_step(page: Page, body, step: str) -> None:
    expect(page).to_have_url(re.compile(rf"/appropriate-bodies/{body.pk}/claim/{step}(\?.*)?$"))


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    dates = page.get_by_role("group", name=legend)
    dates.get_by_label("Day").fill(day)
    dates.get_by_label("Month").fill(month)
    dates.get_by_label("Year").fill(year)


def start_from_home(page: Page, body) -> None:
    page.goto(f"/appropriate-bodies/{body.pk}")
    shows(page, HOME)
    page.get_by_role("button", name="Claim an ECT").click()
    on_step(page, body, "find-ect")
    shows(page, FIND)


def find(page: Page, trn: str, born: tuple[str, str, str]) -> None:
    page.get_by_label("Teacher reference number (TRN)").fill(trn)
    fill_date(page, "Date of birth", *born)
    press_continue(page)


def start_and_programme(page: Page, body, *, started: tuple[str, str, str], programme: str) -> None:
    on_step(page, body, "start-date")
    shows(page, START_DATE)
    fill_date(page, START_DATE, *started)
    press_continue(page)
    on_step(page, body, "induction-programme")
    shows(page, PROGRAMME)
    choose(page, programme)
    on_step(page, body, "check-answers")
    shows(page, "Check your answers")


def claim(page: Page, body, name: str) -> None:
    page.get_by_role("button", name="Confirm and claim").click()
    expect(page).to_have_url(re.compile(rf"/appropriate-bodies/{body.pk}/claimed$"))
    shows(page, f"{name} has been claimed")
    expect(page.get_by_text("We're telling the Teaching Record System (TRS)")).to_be_visible()
    page.get_by_role("button", name="Return to ECT induction records to review").click()
    shows(page, HOME)


def test_an_ect_found_first_time_is_claimed_after_a_mistake_and_a_change(signed_in, body, queued_updates):  # noqa: F811
    page = signed_in
    start_from_home(page, body)
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", f"/appropriate-bodies/{body.pk}"
    )
    press_continue(page)
    expect(page.locator(".govuk-error-summary__list a")).to_have_text(
        ["Enter the teacher reference number (TRN)", "Enter date of birth"]
    )
    shows(page, FIND)

    find(page, "9990001", ("21", "4", "1996"))
    on_step(page, body, "teacher-record")
    shows(page, TEACHER_RECORD)
    expect(summary_value(page, "Name")).to_have_text("Amara Okafor")
    # The fake TRS moves its fictional dates on a year each academic year, by its own clock.
    qts = f"{find_teacher(trn='9990001').qts_awarded_on:%-d %B %Y}"
    expect(summary_value(page, "QTS awarded")).to_have_text(qts)
    expect(summary_value(page, "Induction status")).to_have_text("In progress")
    expect(summary_value(page, "Alerts")).to_have_text("None")
    press_continue(page)

    # A start date before QTS: the rule's words by the field, with what was typed kept.
    on_step(page, body, "start-date")
    fill_date(page, START_DATE, "1", "9", "2023")
    press_continue(page)
    expect(page.locator(".govuk-error-message")).to_have_text(
        f"Error: The start date must be on or after the day they were awarded QTS, {qts}."
    )
    expect(page.get_by_role("group", name=START_DATE).get_by_label("Year")).to_have_value("2023")
    start_and_programme(page, body, started=("2", "9", str(THIS_YEAR)), programme=PROVIDER_LED)
    expect(summary_value(page, "TRN")).to_have_text("9990001")
    expect(summary_value(page, "Induction start date")).to_have_text(f"2 September {THIS_YEAR}")
    expect(summary_value(page, "Induction programme")).to_have_text(PROVIDER_LED)

    page.get_by_role("link", name="Change induction start date").click()
    on_step(page, body, "start-date")
    shows(page, START_DATE)
    fill_date(page, START_DATE, "4", "9", str(THIS_YEAR))
    press_continue(page)
    on_step(page, body, "check-answers")
    expect(summary_value(page, "Induction start date")).to_have_text(f"4 September {THIS_YEAR}")

    claim(page, body, "Amara Okafor")
    period = InductionPeriod.objects.get()
    assert (period.teacher.trn, period.appropriate_body, period.started_on, period.induction_programme) == (
        "9990001",
        body,
        datetime.date(THIS_YEAR, 9, 4),
        "provider_led",
    )
    assert queued_updates == [str(TRSInductionUpdate.objects.get(teacher=period.teacher).id)]


def test_an_ect_reported_by_a_school_is_found_by_national_insurance_number_and_claimed(signed_in, body):
    page = signed_in
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn="9990005", trs_first_name="Priya", trs_last_name="Raman"),
        school=SchoolFactory(name="Quillfeather Primary School"),
        school_reported_appropriate_body=body,
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    page.goto(f"/appropriate-bodies/{body.pk}/review/reported")
    shows(page, "Reported by schools, not yet claimed")
    page.get_by_role("link", name="Check and claim Priya Raman").click()
    on_step(page, body, "find-ect")
    expect(page.get_by_label("Teacher reference number (TRN)")).to_have_value("9990005")
    shows(page, FIND)
    fill_date(page, "Date of birth", "1", "1", "1990")
    press_continue(page)

    on_step(page, body, "national-insurance-number")
    shows(page, NI_NUMBER)
    page.get_by_label(NI_NUMBER).fill("QQ 99 99 99 A")
    press_continue(page)
    on_step(page, body, "cannot-claim")
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    shows(page, "We cannot find their teacher record")
    page.get_by_role("link", name="Back", exact=True).click()
    on_step(page, body, "national-insurance-number")
    page.get_by_label(NI_NUMBER).fill("qq 12 34 56 c")
    press_continue(page)

    on_step(page, body, "teacher-record")
    shows(page, TEACHER_RECORD)
    press_continue(page)
    start_and_programme(page, body, started=("1", "9", str(THIS_YEAR)), programme=SCHOOL_LED)
    claim(page, body, "Priya Raman")
    assert InductionPeriod.objects.get().teacher.trn == "9990005"
    page.get_by_role("link", name="Reported by schools, not yet claimed").click()
    expect(page.get_by_text("There are no teachers on this list.")).to_be_visible()


@pytest.mark.parametrize(
    ("trn", "born", "heading", "says"),
    [
        ("9990004", ("1", "1", "1990"), "We cannot find their teacher record", "do not match a record"),
        (
            "9990006",
            ("14", "6", "1990"),
            "You cannot claim Gareth Llewellyn",
            "has already passed their induction",
        ),
        ("9990007", ("9", "9", "1992"), "You cannot claim Hannah Brightwell", "has failed their induction"),
        ("9990009", ("1", "12", "1985"), "You cannot claim Fatima Haddad", "is exempt from induction"),
        (
            "9990010",
            ("5", "5", "2000"),
            "You cannot claim Oliver Pembury",
            "does not have qualified teacher status",
        ),
        ("9990011", ("8", "8", "1988"), "You cannot claim Declan Farrow", "is prohibited from teaching"),
        (
            "9990002",
            ("3", "11", "1998"),
            "You cannot claim Tomasz Nowak",
            "Hillside Teaching School Hub must release them before you can claim them.",
        ),
    ],
    ids=["not found", "passed", "failed", "exempt", "no QTS", "prohibited", "open with another body"],
)
def test_each_stop_page(signed_in, body, other_body, trn, born, heading, says):
    page = signed_in
    InductionPeriodFactory(teacher=TeacherFactory(trn="9990002"), appropriate_body=other_body)
    start_from_home(page, body)
    find(page, trn, born)
    on_step(page, body, "cannot-claim")
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(says)
    shows(page, heading)
    page.get_by_role("link", name="Return to ECT induction records to review").click()
    shows(page, HOME)
    assert InductionPeriod.objects.count() == 1


def test_another_bodys_claim_and_teacher_pages_are_not_found(signed_in, body, other_body):
    page = signed_in
    theirs = InductionPeriodFactory(appropriate_body=other_body).teacher
    for address in (
        f"/appropriate-bodies/{other_body.pk}/claim/start",
        f"/appropriate-bodies/{other_body.pk}/claim/find-ect",
        f"/appropriate-bodies/{other_body.pk}/claimed",
        f"/appropriate-bodies/{other_body.pk}/teachers/{theirs.pk}",
        f"/appropriate-bodies/{body.pk}/teachers/{theirs.pk}",
    ):
        response = page.goto(address)
        assert response.status == 404, address
        assert_accessible(page)
