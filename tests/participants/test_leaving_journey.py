"""Telling us an ECT or mentor is leaving, through the test client: pages, errors, the write, and
nobody else's people."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Event
from participants.models import ECTAtSchoolPeriod, MentorshipPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    school_of,
)

pytestmark = pytest.mark.django_db

STARTED = datetime.date(THIS_YEAR - 1, 9, 1)


@pytest.fixture
def school(tutor):
    return school_of(tutor)


@pytest.fixture
def ect(school):
    return ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=STARTED,
    )


@pytest.fixture
def mentor(school):
    return MentorAtSchoolPeriodFactory(
        school=school, teacher=TeacherFactory(trs_first_name="Mo", trs_last_name="Mentor"), started_on=STARTED
    )


def step_url(role, school, period, step):
    return reverse(f"{role}_leaving", kwargs={"urn": school.urn, "period_id": period.pk, "step": step})


def leaving_on(day, month, year):
    return {"leaving_on_day": day, "leaving_on_month": month, "leaving_on_year": year}


def test_an_ect_leaving_is_asked_when_and_where_then_checked_then_recorded(client, tutor, school, ect):
    client.force_login(tutor)
    page = client.get(reverse("ect_page", kwargs={"urn": school.urn, "period_id": ect.pk})).content.decode()
    assert step_url("ect", school, ect, "leaving-date") in page

    first = client.get(step_url("ect", school, ect, "leaving-date")).content.decode()
    assert "When did or will Amara Okafor leave your school?" in first
    mistake = client.post(
        step_url("ect", school, ect, "leaving-date"), leaving_on("31", "2", f"{THIS_YEAR + 1}")
    )
    assert "Their leaving date must be a real date" in mistake.content.decode()
    assert 'value="31"' in mistake.content.decode()  # what was typed is kept
    too_early = client.post(
        step_url("ect", school, ect, "leaving-date"), leaving_on("1", "8", f"{THIS_YEAR - 1}")
    )
    assert "Their leaving date must be on or after that" in too_early.content.decode()

    answered = client.post(
        step_url("ect", school, ect, "leaving-date"), leaving_on("19", "12", f"{THIS_YEAR}")
    )
    assert answered["Location"] == step_url("ect", school, ect, "moving-school")
    assert "Select whether they" in client.post(answered["Location"], {}).content.decode()
    checked = client.post(answered["Location"], {"moving_school": "yes"})
    assert checked["Location"] == step_url("ect", school, ect, "check-answers")
    check = client.get(checked["Location"]).content.decode()
    assert f"19 December {THIS_YEAR}" in check and "Moving to another school" in check

    done = client.post(checked["Location"], follow=True)
    assert (
        f"We&#x27;ve recorded that Amara Okafor leaves your school on 19 December {THIS_YEAR}"
        in done.content.decode()
    )
    ect.refresh_from_db()
    assert ect.finished_on == datetime.date(THIS_YEAR, 12, 19)
    assert Event.objects.get(event_type="ect_left_school").actor_user == tutor
    ContractPeriodFactory(
        year=THIS_YEAR - 1,
        started_on=datetime.date(THIS_YEAR - 1, 6, 1),
        finished_on=datetime.date(THIS_YEAR, 5, 31),
    )
    dashboard = client.get(
        reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR - 1})
    ).content.decode()
    assert "Leaving your school" in dashboard  # until their last day has passed


def test_a_mentor_leaving_leaves_their_ects_needing_a_mentor(client, tutor, school, ect, mentor):
    MentorshipPeriodFactory(mentee=ect, mentor=mentor)
    client.force_login(tutor)
    page = client.get(
        reverse("mentor_page", kwargs={"urn": school.urn, "period_id": mentor.pk})
    ).content.decode()
    assert "Amara Okafor" in page  # the ECT they mentor
    client.post(step_url("mentor", school, mentor, "leaving-date"), leaving_on("1", "11", f"{THIS_YEAR}"))
    client.post(step_url("mentor", school, mentor, "moving-school"), {"moving_school": "no"})
    check = client.get(step_url("mentor", school, mentor, "check-answers")).content.decode()
    assert "The ECTs they mentor will need a new mentor" in check
    client.post(step_url("mentor", school, mentor, "check-answers"))

    assert MentorshipPeriod.objects.get(mentee=ect).finished_on == datetime.date(THIS_YEAR, 11, 1)
    ect_page = client.get(
        reverse("ect_page", kwargs={"urn": school.urn, "period_id": ect.pk})
    ).content.decode()
    assert "Assign a mentor" in ect_page and "Needs a mentor" in ect_page
    ContractPeriodFactory(
        year=THIS_YEAR - 1,
        started_on=datetime.date(THIS_YEAR - 1, 6, 1),
        finished_on=datetime.date(THIS_YEAR, 5, 31),
    )
    dashboard = client.get(
        reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR - 1})
    ).content.decode()
    assert "Needs a mentor" in dashboard


def test_someone_who_never_starts_is_removed(client, tutor, school):
    future = ECTAtSchoolPeriodFactory(school=school, started_on=datetime.date(THIS_YEAR + 1, 1, 5))
    client.force_login(tutor)
    client.post(step_url("ect", school, future, "leaving-date"), leaving_on("4", "1", f"{THIS_YEAR + 1}"))
    client.post(step_url("ect", school, future, "moving-school"), {"moving_school": "not_sure"})
    done = client.post(step_url("ect", school, future, "check-answers"))
    assert done["Location"] == reverse("school_home", kwargs={"urn": school.urn})
    assert not ECTAtSchoolPeriod.objects.filter(pk=future.pk).exists()


def test_another_schools_people_and_those_who_left_are_not_found(client, tutor, school):
    other_school = SchoolFactory()
    theirs = [
        ("ect", ECTAtSchoolPeriodFactory(school=other_school)),
        ("mentor", MentorAtSchoolPeriodFactory(school=other_school)),
        ("ect", ECTAtSchoolPeriodFactory(school=school, finished_on=datetime.date(THIS_YEAR, 7, 31))),
    ]
    client.force_login(tutor)
    for role, period in theirs:
        assert client.get(step_url(role, school, period, "leaving-date")).status_code == 404
    mentor_page = reverse("mentor_page", kwargs={"urn": school.urn, "period_id": theirs[1][1].pk})
    assert client.get(mentor_page).status_code == 404
