"""Registering a mentor, on their own or for an ECT, through the Django test client and the fake TRS."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import MentorAtSchoolPeriod, MentorshipPeriod
from schools import services as school_services
from schools.models import SchoolAccess, SchoolRole
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db

MENTOR = {
    "trn": "9990002",
    "date_of_birth_day": "3",
    "date_of_birth_month": "11",
    "date_of_birth_year": "1998",
}


@pytest.fixture
def this_year():
    return ContractPeriodFactory(
        year=2026, started_on=datetime.date(2026, 6, 1), finished_on=datetime.date(2027, 5, 31), enabled=True
    )


@pytest.fixture
def tutor():
    return UserFactory(privacy_notice_accepted_at=timezone.now())


@pytest.fixture
def lead_provider(this_year):
    return ActiveLeadProviderFactory(contract_period=this_year).lead_provider


@pytest.fixture
def school(tutor, this_year, lead_provider):
    school = SchoolFactory(name="Quillfeather Primary School")
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    school_services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=lead_provider,
        appropriate_body=AppropriateBodyFactory(),
    )
    return school


@pytest.fixture
def ect(school):
    return ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trn="9990001", trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=datetime.date(2026, 9, 1),
    )


@pytest.fixture
def signed_in(client, tutor, fake_trs):
    client.force_login(tutor)
    return client


def for_ect(school, ect, step):
    return reverse("register_mentor_for_ect", kwargs={"urn": school.urn, "period_id": ect.pk, "step": step})


def on_its_own(school, step):
    return reverse("register_mentor", kwargs={"urn": school.urn, "step": step})


def post(client, address, data):
    response = client.post(address, data)
    assert response.status_code == 302, (address, response.content.decode()[:3000])
    return response["Location"]


def test_a_mentor_registered_for_an_ect_is_paired_with_them(signed_in, school, ect, lead_provider):
    post(signed_in, for_ect(school, ect, "find-mentor"), MENTOR)
    post(signed_in, for_ect(school, ect, "confirm-name"), {"name_is_right": "yes"})
    post(signed_in, for_ect(school, ect, "email"), {"email": "tomasz@example.org"})
    after_start = post(
        signed_in,
        for_ect(school, ect, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": "2026"},
    )
    assert after_start == for_ect(school, ect, "lead-provider")
    post(signed_in, after_start, {"lead_provider": lead_provider.pk})
    check = signed_in.get(for_ect(school, ect, "check-answers")).content.decode()
    for shown in ("Tomasz Nowak", "tomasz@example.org", lead_provider.name, "Amara Okafor"):
        assert shown in check
    with emails_sent() as sent:
        done = signed_in.post(for_ect(school, ect, "check-answers"))
    assert done["Location"] == reverse("ect_page", kwargs={"urn": school.urn, "period_id": ect.pk})
    mentor = MentorAtSchoolPeriod.objects.get(school=school)
    assert MentorshipPeriod.objects.get(mentee=ect).mentor == mentor
    assert mentor.training_periods.get().training_programme == "provider_led"
    assert [email.template for email in sent] == ["mentor_registered"]
    assert "Tomasz Nowak" in signed_in.get(done["Location"]).content.decode()


def test_an_ect_cannot_mentor_themself(signed_in, school, ect):
    amara = {
        "trn": "9990001",
        "date_of_birth_day": "21",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1996",
    }
    assert post(signed_in, for_ect(school, ect, "find-mentor"), amara) == for_ect(
        school, ect, "cannot-register"
    )
    assert (
        "A teacher cannot mentor themself"
        in signed_in.get(for_ect(school, ect, "cannot-register")).content.decode()
    )


def test_a_mentor_already_here_and_a_prohibited_teacher_are_stopped(signed_in, school):
    MentorAtSchoolPeriodFactory(
        school=school, teacher=TeacherFactory(trn="9990002"), started_on=datetime.date(2026, 9, 1)
    )
    assert post(signed_in, on_its_own(school, "find-mentor"), MENTOR) == on_its_own(school, "cannot-register")
    assert (
        "already registered as a mentor"
        in signed_in.get(on_its_own(school, "cannot-register")).content.decode()
    )
    prohibited = {
        "trn": "9990011",
        "date_of_birth_day": "8",
        "date_of_birth_month": "8",
        "date_of_birth_year": "1988",
    }
    post(signed_in, on_its_own(school, "find-mentor"), prohibited)
    assert (
        "cannot be registered for training or mentoring"
        in signed_in.get(on_its_own(school, "cannot-register")).content.decode()
    )


def test_a_mentor_on_their_own_lands_on_the_mentors_list(signed_in, school, lead_provider):
    post(signed_in, on_its_own(school, "find-mentor"), MENTOR)
    post(signed_in, on_its_own(school, "confirm-name"), {"name_is_right": "yes"})
    post(signed_in, on_its_own(school, "email"), {"email": "tomasz@example.org"})
    post(
        signed_in,
        on_its_own(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": "2026"},
    )
    post(signed_in, on_its_own(school, "lead-provider"), {"lead_provider": lead_provider.pk})
    done = signed_in.post(on_its_own(school, "check-answers"))
    assert done["Location"] == reverse("school_year_mentors", kwargs={"urn": school.urn, "year": 2026})
    assert "Tomasz Nowak" in signed_in.get(done["Location"]).content.decode()


def test_another_schools_ect_cannot_be_given_a_mentor(signed_in, school):
    other = ECTAtSchoolPeriodFactory(school=SchoolFactory(), started_on=datetime.date(2026, 9, 1))
    assert signed_in.get(for_ect(school, other, "find-mentor")).status_code == 404
