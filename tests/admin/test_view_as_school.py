"""Support staff look at a school's dashboard as the school sees it: read-only, and recorded."""

import pytest
from django.urls import reverse

from audit.models import Event
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod
from tests.admin.conftest import staff_in
from tests.admin.helpers import admin_url, school_set_up_with_a_mentored_ect
from tests.dates import THIS_YEAR
from tests.factories import (
    ECTAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return school_set_up_with_a_mentored_ect(TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"))


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
        f'href="/schools/{school.urn}/ects/',  # the school's own person pages
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


# --- A teacher's page, as the school sees it ------------------------------------------------------


def ect_of(school):
    return ECTAtSchoolPeriod.objects.get(school=school)


def mentor_of(school):
    return MentorAtSchoolPeriod.objects.get(school=school)


def test_names_on_the_dashboard_lead_support_to_each_persons_page_as_the_school_sees_it(
    support_client, school
):
    ects = support_client.get(reverse("support_school_year", kwargs={"urn": school.urn, "year": THIS_YEAR}))
    mentors = support_client.get(
        reverse("support_school_year_mentors", kwargs={"urn": school.urn, "year": THIS_YEAR})
    )

    ect_page = reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": ect_of(school).pk})
    mentor_page = reverse(
        "support_mentor_page", kwargs={"urn": school.urn, "period_id": mentor_of(school).pk}
    )
    assert f'<a class="govuk-link" href="{ect_page}">Amara Okafor</a>' in ects.content.decode()
    assert f'<a class="govuk-link" href="{mentor_page}">Mo Mentor</a>' in mentors.content.decode()


def test_staff_who_may_see_schools_but_not_teachers_get_no_links_to_teachers(finance_client, school):
    page = finance_client.get(
        reverse("support_school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})
    ).content.decode()

    assert "Amara Okafor" in page
    assert reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": ect_of(school).pk}) not in page


def assert_nothing_to_change(page: str, school, period, role: str):
    """No Change, Assign, Register or leaving link, and no form."""
    for tutor_only in (
        f'href="/schools/{school.urn}',  # the school's own pages, from which things change
        reverse(
            f"{role}_leaving", kwargs={"urn": school.urn, "period_id": period.pk, "step": "leaving-date"}
        ),
        "Change<span",
        "Assign a mentor",
        "Register a new mentor",
        "is leaving your school",
    ):
        assert tutor_only not in page
    assert "<form" not in page


def test_support_sees_an_ects_page_read_only_and_the_look_is_on_the_teachers_timeline(support_client, school):
    ect = ect_of(school)

    response = support_client.get(
        reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": ect.pk})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are seeing Quillfeather Primary School's page for Amara Okafor as the school sees it" in page
    assert '<h1 class="govuk-heading-l">Amara Okafor</h1>' in page
    assert ect.teacher.trn in page
    assert "Mo Mentor" in page
    assert f'href="{reverse("support_school_home", kwargs={"urn": school.urn})}"' in page  # back
    assert_nothing_to_change(page, school, ect, "ect")
    look = Event.objects.get(event_type="teacher_viewed_by_support")
    assert (look.teacher, look.school, look.actor_type, look.subject_type, look.subject_id) == (
        ect.teacher,
        school,
        "dfe_staff",
        "ectatschoolperiod",
        ect.pk,
    )
    assert look.heading.startswith("Support staff viewed Amara Okafor's page as the school sees it")


def test_support_sees_a_mentors_page_read_only_and_the_look_is_recorded(support_client, school):
    mentor = mentor_of(school)

    response = support_client.get(
        reverse("support_mentor_page", kwargs={"urn": school.urn, "period_id": mentor.pk})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Mo Mentor</h1>' in page
    assert "Amara Okafor" in page  # whom they mentor
    assert_nothing_to_change(page, school, mentor, "mentor")
    assert Event.objects.filter(event_type="teacher_viewed_by_support", teacher=mentor.teacher).count() == 1


def test_the_schools_own_page_still_has_its_change_links(client, school):
    """The same templates: only support's view loses the links."""
    ect = ect_of(school)
    client.force_login(school.access.get().user)

    page = client.get(reverse("ect_page", kwargs={"urn": school.urn, "period_id": ect.pk})).content.decode()

    assert "Change<span" in page
    assert "Register a new mentor for Amara Okafor" in page
    assert "Tell us that Amara Okafor is leaving your school" in page
    assert "Support view" not in page


def test_only_staff_who_may_see_teachers_get_a_teachers_page_as_the_school_sees_it(client, school):
    address = reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": ect_of(school).pk})
    client.force_login(school.access.get().user)  # the school's own tutor: not staff
    assert client.get(address).status_code == 302  # to admin sign-in
    client.force_login(UserFactory(is_staff=True))  # staff in no group
    assert client.get(address).status_code == 403
    client.force_login(staff_in("finance"))  # sees schools, not teachers
    assert client.get(address).status_code == 403
    assert not Event.objects.filter(event_type="teacher_viewed_by_support").exists()


def test_a_person_of_another_school_is_not_found_and_nothing_is_recorded(support_client, school):
    elsewhere = ECTAtSchoolPeriodFactory()

    response = support_client.get(
        reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": elsewhere.pk})
    )

    assert response.status_code == 404
    assert not Event.objects.filter(event_type="teacher_viewed_by_support").exists()


def test_support_cannot_post_to_a_teachers_page(support_client, school):
    address = reverse("support_ect_page", kwargs={"urn": school.urn, "period_id": ect_of(school).pk})
    assert support_client.post(address).status_code == 405
