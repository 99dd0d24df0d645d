"""Support staff look at a school's dashboard as the school sees it: read-only, and recorded."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Event
from core import clock
from schools import services as school_services
from tests.admin.helpers import admin_url
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    year = ContractPeriodFactory(year=THIS_YEAR)
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    school = school_of(tutor, name="Quillfeather Primary School")
    school_services.set_up_training(
        school=school,
        contract_period=year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=ActiveLeadProviderFactory(contract_period=year).lead_provider,
        appropriate_body=AppropriateBodyFactory(),
    )
    ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=datetime.date(THIS_YEAR, 9, 1),
    )
    return school


def test_support_sees_the_dashboard_without_any_way_to_change_it_and_the_look_is_recorded(
    support_client, school
):
    school_page = support_client.get(admin_url(type(school), "change", school.pk)).content.decode()
    entry = reverse("support_school_home", kwargs={"urn": school.urn})
    assert f'href="{entry}"' in school_page

    year = support_client.get(entry, follow=True)
    page = year.content.decode()
    assert year.status_code == 200
    assert "You are seeing Quillfeather Primary School's dashboard as the school sees it" in page
    assert "Amara Okafor" in page
    for tutor_only in (
        reverse("who_to_add", kwargs={"urn": school.urn}),
        reverse("change_induction_tutor", kwargs={"urn": school.urn, "step": "details"}),
        reverse("change_training", kwargs={"urn": school.urn, "year": THIS_YEAR}),
        "/ects/",  # no person pages
        "colleagues",
    ):
        assert tutor_only not in page
    mentors = support_client.get(
        reverse("support_school_year_mentors", kwargs={"urn": school.urn, "year": THIS_YEAR})
    )
    assert mentors.status_code == 200

    looks = Event.objects.filter(event_type="school_viewed_by_support", school=school)
    assert looks.count() == 2
    assert looks.first().actor_type == "dfe_staff"


def test_only_staff_who_may_view_schools_get_the_support_view(client, school):
    address = reverse("support_school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})
    tutor = school.access.get().user
    client.force_login(tutor)  # the school's own tutor: not staff
    assert client.get(address).status_code == 302  # to admin sign-in
    client.force_login(UserFactory(is_staff=True))  # staff in no group
    assert client.get(address).status_code == 403
    assert not Event.objects.filter(event_type="school_viewed_by_support").exists()


def test_a_school_with_nothing_to_show(support_client):
    assert (
        support_client.get(reverse("support_school_home", kwargs={"urn": SchoolFactory().urn})).status_code
        == 404
    )
