"""Django admin, as DfE support use it, and the school's pages they see from it, pass axe.

Admin is Django's own, with a few changes of ours for accessibility (templates/admin/,
core/static/core/): these tests look at it as a browser draws it, scripts and all.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import User
from audit.models import Event
from participants.models import ECTAtSchoolPeriod, Teacher, TrainingPeriod
from providers.models import LAST_YEAR_WITH_UPLIFTS
from schools.models import School, SchoolFundingFlags
from tests.admin.helpers import admin_url, build_graph, school_set_up_with_a_mentored_ect
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.factories import (
    ContractPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

# The permission groups are made by a migration: put back for these tests (other browser tests
# empty the database when they finish).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_groups")]


def support_user() -> User:
    user = UserFactory(is_staff=True, full_name="Sam Support")
    user.groups.add(Group.objects.get(name="support"))
    return user


def quillfeather() -> School:
    """A school set up for this year, with Amara Okafor (the fake TRS's 9990001, as we held her
    before TRS's record changed) as an ECT, mentored by Mo Mentor."""
    return school_set_up_with_a_mentored_ect(
        TeacherFactory(trn="9990001", trs_first_name="Amarah", trs_last_name="Okafor")
    )


def shows(page, heading: str) -> None:
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(page)


def test_support_work_in_admin_and_see_a_school_as_it_does(page, live_server, fake_trs):
    school = quillfeather()
    graph = build_graph()
    sign_in(page, support_user(), live_server)

    page.goto("/admin/")
    assert_accessible(page)

    # A teacher: their page, their timeline, and asking TRS again.
    page.get_by_role("link", name="Teachers", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="9990001").click()
    shows(page, "Change teacher")
    page.get_by_role("link", name="Timeline").click()
    expect(page.locator("#timeline")).to_be_in_viewport()
    page.get_by_role("button", name="Refresh from TRS").click()
    expect(page.locator(".messagelist")).to_contain_text("Refreshed from TRS: TRS first name,")
    assert_accessible(page)

    # A school, and what the school sees: its dashboard, then an ECT's and a mentor's pages.
    page.goto(admin_url(School, "changelist"))
    assert_accessible(page)
    page.get_by_role("link", name="Quillfeather Primary School").click()
    assert_accessible(page)
    page.get_by_role("link", name="View as the school (read-only)").click()
    shows(page, "Manage your training")
    page.get_by_role("link", name="Amara Okafor").click()
    shows(page, "Amara Okafor")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You are seeing Quillfeather Primary School's page for Amara Okafor as the school sees it"
    )
    page.get_by_role("link", name="Back to manage your training").click()
    page.get_by_role("link", name="Mentors (1)").click()
    assert_accessible(page)
    page.get_by_role("link", name="Mo Mentor").click()
    shows(page, "Mo Mentor")
    assert Event.objects.filter(event_type="teacher_viewed_by_support", school=school).count() == 2

    # People's accounts: school users only.
    page.goto(admin_url(User, "changelist"))
    assert_accessible(page)
    page.get_by_role("link", name=school.access.get().user.email).click()
    shows(page, "View user")

    # Pages with dates and times, choices found by typing, and rows of related records.
    for address in (
        admin_url(TrainingPeriod, "change", graph[TrainingPeriod].pk),
        admin_url(ECTAtSchoolPeriod, "change", graph[ECTAtSchoolPeriod].pk),
        admin_url(ECTAtSchoolPeriod, "add"),
        admin_url(Teacher, "change", graph[Teacher].pk),
        admin_url(Event, "changelist"),
    ):
        page.goto(address)
        assert_accessible(page)


def test_every_admin_page_passes_axe(page, live_server):
    """Every list, and every change and add page, as a superuser sees them (every widget editable)."""
    graph = build_graph()
    sign_in(page, UserFactory(is_staff=True, is_superuser=True), live_server)

    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        for address in (
            admin_url(model, "changelist"),
            admin_url(model, "change", graph[model].pk),
            admin_url(model, "add"),
        ):
            response = page.goto(address)
            if response.status == 403:  # no add page: records only the service writes
                continue
            assert response.status == 200, address
            assert_accessible(page)


def test_finance_import_pupil_premium_and_sparsity_flags(page, live_server, tmp_path):
    """Upload, the file's problems, a corrected file, what it changes, import: each page passes axe."""
    ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS)
    SchoolFactory(urn=100001, name="Ashby Primary School")
    finance = UserFactory(is_staff=True, full_name="Fin Ance")
    finance.groups.add(Group.objects.get(name="finance"))
    sign_in(page, finance, live_server)
    wrong, right = tmp_path / "wrong.csv", tmp_path / "right.csv"
    headings = "URN,Contract period,Pupil premium uplift,Sparsity uplift"
    wrong.write_text(
        f"{headings}\n100001,{LAST_YEAR_WITH_UPLIFTS},perhaps,no\n999999,{LAST_YEAR_WITH_UPLIFTS},no,no\n"
    )
    right.write_text(f"{headings}\n100001,{LAST_YEAR_WITH_UPLIFTS},yes,no\n")

    page.goto(admin_url(SchoolFundingFlags, "changelist"))
    assert_accessible(page)
    page.get_by_role("link", name="Import pupil premium and sparsity flags").click()
    shows(page, "Import pupil premium and sparsity flags")
    page.get_by_label("CSV file").set_input_files(wrong)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#problems")).to_contain_text("We have no school with URN 999999")
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(right)
    page.get_by_role("button", name="Check the file").click()
    shows(page, "Check the pupil premium and sparsity flags before you import them")
    page.get_by_role("button", name="Import these flags").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported right.csv: 1 added, 0 changed, 0 already so."
    )
    assert_accessible(page)
    assert SchoolFundingFlags.objects.get().pupil_premium is True
