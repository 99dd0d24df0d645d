"""An ECT's page, and giving them a mentor from it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from participants.models import MentorAtSchoolPeriod, MentorshipPeriod
from schools.models import SchoolAccess, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

STARTED = datetime.date(THIS_YEAR, 9, 1)


@pytest.fixture
def school(tutor):
    school = SchoolFactory(name="Quillfeather Primary School")
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    return school


def person(first, last):
    return TeacherFactory(trs_first_name=first, trs_last_name=last)


@pytest.fixture
def ect(school):
    period = ECTAtSchoolPeriodFactory(school=school, teacher=person("Amara", "Okafor"), started_on=STARTED)
    TrainingPeriodFactory(ect_at_school_period=period)
    return period


def page_url(school, period):
    return reverse("ect_page", kwargs={"urn": school.urn, "period_id": period.pk})


def mentor_url(school, period, step="mentor"):
    return reverse("assign_mentor", kwargs={"urn": school.urn, "period_id": period.pk, "step": step})


def test_the_page_shows_the_ect(client, tutor, school, ect):
    client.force_login(tutor)
    page = client.get(page_url(school, ect)).content.decode()
    for shown in (
        "Amara Okafor",
        ect.teacher.trn,
        ect.email,
        f"1 September {THIS_YEAR}",
        "Your school&#x27;s own programme",
    ):
        assert shown in page or shown.replace("&#x27;", "'") in page
    assert "Assign a mentor" in page


def test_giving_an_ect_a_mentor_then_changing_it(client, tutor, school, ect):
    first = MentorAtSchoolPeriodFactory(school=school, teacher=person("Mo", "Mentor"), started_on=STARTED)
    second = MentorAtSchoolPeriodFactory(
        school=school, teacher=person("Nia", "Newmentor"), started_on=STARTED
    )
    MentorAtSchoolPeriodFactory(teacher=person("Elsewhere", "Mentor"), started_on=STARTED)  # another school
    client.force_login(tutor)
    question = client.get(mentor_url(school, ect)).content.decode()
    assert "Who will mentor Amara Okafor?" in question
    assert "Mo Mentor" in question and "Nia Newmentor" in question and "Elsewhere Mentor" not in question
    client.post(mentor_url(school, ect), {"mentor": first.pk})
    done = client.post(mentor_url(school, ect, "check-answers"))
    assert done["Location"] == page_url(school, ect)
    assert "Mo Mentor" in client.get(page_url(school, ect)).content.decode()
    client.post(mentor_url(school, ect), {"mentor": second.pk})
    check = client.get(mentor_url(school, ect, "check-answers")).content.decode()
    today = clock.today()
    assert '<dd class="govuk-summary-list__value">Nia Newmentor</dd>' in check  # the name, not the record
    assert f"Nia Newmentor will mentor Amara Okafor from {today.day} {today:%B %Y}." in check
    client.post(mentor_url(school, ect, "check-answers"))
    # Changed the day it began, the first mentorship never really started, so it is removed.
    assert [m.mentor for m in MentorshipPeriod.objects.filter(mentee=ect)] == [second]


def mentor_page_url(school, period):
    return reverse("mentor_page", kwargs={"urn": school.urn, "period_id": period.pk})


def year_url(school, *, mentors=False):
    name = "school_year_mentors" if mentors else "school_year"
    return reverse(name, kwargs={"urn": school.urn, "year": THIS_YEAR})


def test_a_mentor_for_an_ect_yet_to_start_shows_everywhere_with_the_day_it_begins(client, tutor, school):
    starts = datetime.date(THIS_YEAR + 1, 1, 5)
    from_day = f"5 January {THIS_YEAR + 1}"
    ContractPeriodFactory(year=THIS_YEAR)
    grace = ECTAtSchoolPeriodFactory(school=school, teacher=person("Grace", "Adeyemi"), started_on=starts)
    TrainingPeriodFactory(ect_at_school_period=grace, started_on=starts)
    mentor = MentorAtSchoolPeriodFactory(
        school=school, teacher=person("Bernadette", "Quayle"), started_on=STARTED
    )
    client.force_login(tutor)
    client.post(mentor_url(school, grace), {"mentor": mentor.pk})
    client.post(mentor_url(school, grace, "check-answers"))

    ect_page = client.get(page_url(school, grace)).content.decode()
    assert f"Bernadette Quayle, from {from_day}" in ect_page
    assert "Needs a mentor" not in ect_page and "Assign a mentor" not in ect_page
    assert f">Starting on {from_day}</strong>" in ect_page
    dashboard = client.get(year_url(school)).content.decode()
    assert f"Bernadette Quayle, from {from_day}" in dashboard and "Needs a mentor" not in dashboard
    assert f"Grace Adeyemi (from {from_day})" in client.get(mentor_page_url(school, mentor)).content.decode()
    assert f"Grace Adeyemi (from {from_day})" in client.get(year_url(school, mentors=True)).content.decode()

    # Giving her the same mentor again is refused plainly, and changes nothing.
    again = client.post(mentor_url(school, grace), {"mentor": mentor.pk})
    assert again.status_code == 200
    assert (
        f"Bernadette Quayle is already due to mentor Grace Adeyemi from {from_day}. "
        "Select a different mentor to change it" in again.content.decode()
    )
    assert MentorshipPeriod.objects.filter(mentee=grace).count() == 1


def test_choosing_an_ects_mentor_again_is_refused(client, tutor, school, ect):
    mentor = MentorAtSchoolPeriodFactory(school=school, teacher=person("Mo", "Mentor"), started_on=STARTED)
    MentorshipPeriod.objects.create(mentee=ect, mentor=mentor, started_on=STARTED)
    client.force_login(tutor)
    response = client.post(mentor_url(school, ect), {"mentor": mentor.pk})
    page = response.content.decode()
    assert "Mo Mentor is already Amara Okafor&#x27;s mentor. Select a different mentor to change it" in page
    assert 'class="govuk-error-summary"' in page


def test_another_schools_mentor_cannot_be_chosen(client, tutor, school, ect):
    elsewhere = MentorAtSchoolPeriodFactory(teacher=person("Elsewhere", "Mentor"), started_on=STARTED)
    client.force_login(tutor)
    response = client.post(mentor_url(school, ect), {"mentor": elsewhere.pk})
    assert response.status_code == 200
    assert "Select one of your school&#x27;s mentors" in response.content.decode()


def test_another_schools_ect_is_not_found(client, tutor, school):
    other = ECTAtSchoolPeriodFactory(school=SchoolFactory(), started_on=STARTED)
    client.force_login(tutor)
    assert client.get(page_url(other.school, other)).status_code == 404
    assert (
        client.get(reverse("ect_page", kwargs={"urn": school.urn, "period_id": other.pk})).status_code == 404
    )
    assert client.get(mentor_url(school, other)).status_code == 404


def queries_to_show(client, address: str) -> int:
    client.get(address)  # warm caches (session, school)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(queries)


def test_the_ects_page_and_choosing_their_mentor_take_as_many_queries_however_many_mentors(
    client, tutor, school, ect
):
    def add_mentors(count: int):
        """Mentors at the school, each of whom mentored the ECT for a day in turn (the last one still)."""
        for _ in range(count):
            day = STARTED + datetime.timedelta(days=MentorshipPeriod.objects.filter(mentee=ect).count())
            MentorshipPeriod.objects.filter(mentee=ect, finished_on__isnull=True).update(finished_on=day)
            mentor = MentorAtSchoolPeriodFactory(school=school, started_on=STARTED)
            MentorshipPeriod.objects.create(
                mentee=ect, mentor=mentor, started_on=day + datetime.timedelta(days=1)
            )

    client.force_login(tutor)
    add_mentors(2)
    before = [
        queries_to_show(client, page_url(school, ect)),
        queries_to_show(client, mentor_url(school, ect)),
    ]
    add_mentors(40)
    after = [queries_to_show(client, page_url(school, ect)), queries_to_show(client, mentor_url(school, ect))]
    assert after == before
    assert MentorAtSchoolPeriod.objects.filter(school=school).count() == 42


def test_the_appropriate_body_the_school_reported_is_named_or_not_known(client, tutor, school, ect):
    client.force_login(tutor)
    assert "Not known" in client.get(page_url(school, ect)).content.decode()
    ect.school_reported_appropriate_body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    ect.save()
    assert "Riverside Teaching School Hub" in client.get(page_url(school, ect)).content.decode()


def test_an_ect_whose_induction_was_passed_can_no_longer_be_changed(client, tutor, school, ect):
    client.force_login(tutor)
    InductionPeriodFactory(teacher=ect.teacher, started_on=STARTED)
    assert "Assign a mentor" in client.get(page_url(school, ect)).content.decode()  # not finished yet
    ect.teacher.induction_periods.update(
        finished_on=datetime.date(THIS_YEAR + 1, 7, 20), number_of_terms=3, outcome="pass"
    )

    page = client.get(page_url(school, ect)).content.decode()

    assert "Assign a mentor" not in page
