"""Checking training data in a browser: an appropriate body's list of ECTs (search, filters, the
CSV link), a teacher's page with declarations and timeline; and DfE support correcting and
deleting a mistaken induction period in admin with a reason. axe on every page."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from audit.services import Actor, record_event
from core import clock
from finance.models import Declaration
from participants.models import InductionPeriod, TRSInductionUpdate
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyAccessFactory,
    AppropriateBodyFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_groups")]

LAST_SEPTEMBER = datetime.date(LAST_YEAR, 9, 1)


def shows(page, heading: str) -> None:
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(page)


def riverside_with_ects():
    """Riverside Teaching School Hub, with Amara Okafor claimed (provider-led at Quillfeather, one
    declaration and a registration event) and Ben Hughes reported by Aardvark Academy."""
    body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    partnership = SchoolPartnershipFactory(
        school=SchoolFactory(name="Quillfeather Primary School"),
        lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(
                lead_provider=LeadProviderFactory(name="Ambition Institute")
            ),
            delivery_partner=DeliveryPartnerFactory(name="Hilltop Teaching School Hub"),
        ),
    )
    at_school = ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor", trn="1234567"),
        school=partnership.school,
        school_reported_appropriate_body=body,
        started_on=LAST_SEPTEMBER,
    )
    training = TrainingPeriodFactory(ect_at_school_period=at_school, school_partnership=partnership)
    amara = at_school.teacher
    InductionPeriodFactory(teacher=amara, appropriate_body=body, started_on=LAST_SEPTEMBER)
    Declaration.objects.create(
        training_period=training,
        teacher=amara,
        course_identifier="ecf-induction",
        lead_provider=partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider,
        delivery_partner=partnership.lead_provider_delivery_partnership.delivery_partner,
        declaration_type="started",
        declaration_date=datetime.datetime(LAST_YEAR, 10, 1, 12, tzinfo=datetime.UTC),
        payment_status="no_payment",
    )
    record_event(
        actor=Actor.school_user(UserFactory()),
        event_type="ect_registered",
        heading=f"Amara Okafor registered as an ECT from 1 September {LAST_YEAR}",
        teacher=amara,
        school=at_school.school,
    )
    ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trs_first_name="Ben", trs_last_name="Hughes", trn="7654321"),
        school=SchoolFactory(name="Aardvark Academy"),
        school_reported_appropriate_body=body,
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    user = UserFactory(privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    return body, user


def test_a_body_finds_filters_and_downloads_its_ects_and_reads_a_teachers_training(page, live_server):
    body, user = riverside_with_ects()
    sign_in(page, user, live_server)

    page.goto(f"/appropriate-bodies/{body.pk}")
    page.get_by_role("link", name="Find, filter and download your ECTs").click()
    shows(page, "Your ECTs")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)

    page.get_by_label("Status").select_option(label="Reported by a school, not yet claimed")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ben Hughes")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    listed = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in listed] == ["TRN", "7654321"]

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("School name or URN").fill("Quillfeather")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Search by name or TRN").fill("1234567")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Amara Okafor").click()
    shows(page, "Amara Okafor")
    expect(page.get_by_text("Lead provider: Ambition Institute")).to_be_visible()
    expect(page.get_by_text("Delivery partner: Hilltop Teaching School Hub")).to_be_visible()
    started = page.locator("#training-progress ~ table tbody tr").first
    expect(started).to_contain_text(f"1 October {LAST_YEAR}")
    expect(
        page.get_by_text(f"Amara Okafor registered as an ECT from 1 September {LAST_YEAR}")
    ).to_be_visible()
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("h1")).to_have_text("Your ECTs")


def test_the_list_and_its_filters_work_without_javascript(browser, live_server):
    body, user = riverside_with_ects()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, user, live_server)
    page.goto(f"/appropriate-bodies/{body.pk}/teachers")
    page.get_by_label("Search by name or TRN").fill("hughes")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("Ben Hughes")
    context.close()


def test_another_bodys_teacher_is_not_found(page, live_server):
    body, user = riverside_with_ects()
    theirs = InductionPeriodFactory(appropriate_body=AppropriateBodyFactory()).teacher
    sign_in(page, user, live_server)
    response = page.goto(f"/appropriate-bodies/{body.pk}/teachers/{theirs.pk}")
    assert response.status == 404


def test_support_correct_and_delete_a_mistaken_induction_period(page, live_server):
    period = InductionPeriodFactory(
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor", trn="1234567"),
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
        started_on=LAST_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 7, 20),
        number_of_terms=Decimal("3.0"),
        outcome="pass",
    )
    support = UserFactory(is_staff=True, full_name="Sam Support")
    support.groups.add(Group.objects.get(name="support"))
    sign_in(page, support, live_server)

    page.goto(f"/admin/participants/inductionperiod/{period.pk}/change/")
    shows(page, "Change induction period")
    page.get_by_label("Number of terms").fill("17")
    page.get_by_label("Why are you making this change?").fill("The body counted the terms wrongly")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The number of terms must be between 0 and 16.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Number of terms").fill("2.5")
    page.get_by_label("Outcome").select_option(label="Failed")
    page.get_by_label("Why are you making this change?").fill("The body recorded the wrong outcome")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    period.refresh_from_db()
    assert (period.number_of_terms, period.outcome) == (Decimal("2.5"), "fail")

    page.goto(f"/admin/participants/inductionperiod/{period.pk}/change/")
    page.get_by_role("link", name="Delete with a reason").click()
    shows(page, "Delete an induction period recorded by mistake")
    page.get_by_role("button", name="Delete this induction period").click()
    expect(page.get_by_text("Enter why you are deleting this induction period")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you deleting this induction period?").fill("Claimed the wrong teacher")
    page.get_by_role("button", name="Delete this induction period").click()
    shows(page, "Change teacher")
    expect(page.locator("#timeline")).to_contain_text("DfE support deleted the induction period")
    expect(page.locator("#timeline")).to_contain_text("Claimed the wrong teacher")
    assert not InductionPeriod.objects.exists()
    statuses = [update.request["status"] for update in TRSInductionUpdate.objects.order_by("created_at")]
    assert statuses == ["Failed", "RequiredToComplete"]
