"""Registering a mentor, on their own or for an ECT, through the Django test client and the fake TRS."""

import datetime

import pytest
from django.urls import reverse

from participants.models import MentorAtSchoolPeriod, MentorshipPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    school_set_up_with,
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
def lead_provider(this_year):
    return ActiveLeadProviderFactory(contract_period=this_year).lead_provider


@pytest.fixture
def school(tutor, this_year, lead_provider):
    return school_set_up_with(lead_provider, tutor=tutor, contract_period=this_year)


@pytest.fixture
def ect(school):
    return ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trn="9990001", trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=datetime.date(THIS_YEAR, 9, 1),
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
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"},
    )
    assert after_start == for_ect(school, ect, "lead-provider")
    post(signed_in, after_start, {"lead_provider": lead_provider.pk})
    check = signed_in.get(for_ect(school, ect, "check-answers")).content.decode()
    for shown in ("Tomasz Nowak", "tomasz@example.org", lead_provider.name, "Amara Okafor"):
        assert shown in check
    with emails_sent() as sent:
        done = signed_in.post(for_ect(school, ect, "check-answers"))
    assert done["Location"] == reverse("mentor_registered", kwargs={"urn": school.urn})
    mentor = MentorAtSchoolPeriod.objects.get(school=school)
    assert MentorshipPeriod.objects.get(mentee=ect).mentor == mentor
    assert mentor.training_periods.get().training_programme == "provider_led"
    assert [email.template for email in sent] == ["mentor_registered"]
    confirmation = signed_in.get(done["Location"]).content.decode()
    assert "Tomasz Nowak has been registered as a mentor" in confirmation
    assert "We've emailed tomasz@example.org to tell them." in confirmation
    assert (
        f"{lead_provider.name} will see their details and contact them about mentor training" in confirmation
    )
    assert "Tomasz Nowak will mentor Amara Okafor" in confirmation
    assert "What to do next" not in confirmation  # already paired


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
        school=school, teacher=TeacherFactory(trn="9990002"), started_on=datetime.date(THIS_YEAR, 9, 1)
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


def answer_up_to_the_start_date(signed_in, school):
    """Tomasz Nowak, registered on his own: found, named, emailed, starting on 1 September."""
    post(signed_in, on_its_own(school, "find-mentor"), MENTOR)
    post(signed_in, on_its_own(school, "confirm-name"), {"name_is_right": "yes"})
    post(signed_in, on_its_own(school, "email"), {"email": "tomasz@example.org"})
    post(
        signed_in,
        on_its_own(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"},
    )


def test_a_mentor_on_their_own_is_confirmed_with_the_ects_to_pair_them_with(
    signed_in, school, lead_provider, ect
):
    paired = ECTAtSchoolPeriodFactory(school=school, started_on=datetime.date(THIS_YEAR, 9, 1))
    MentorshipPeriodFactory(mentee=paired, started_on=paired.started_on)
    answer_up_to_the_start_date(signed_in, school)
    post(signed_in, on_its_own(school, "lead-provider"), {"lead_provider": lead_provider.pk})
    done = signed_in.post(on_its_own(school, "check-answers"))
    assert done["Location"] == reverse("mentor_registered", kwargs={"urn": school.urn})
    confirmation = signed_in.get(done["Location"]).content.decode()
    assert "Tomasz Nowak has been registered as a mentor" in confirmation
    assert "What to do next" in confirmation
    assign = reverse("assign_mentor", kwargs={"urn": school.urn, "period_id": ect.pk, "step": "mentor"})
    assert f'href="{assign}"' in confirmation
    assert "Assign a mentor to Amara Okafor" in confirmation
    assert paired.teacher.trs_last_name not in confirmation  # has a mentor already


def test_a_mentor_without_funded_training_is_told_why(signed_in, school, lead_provider):
    school.eligible_for_funding = False
    school.save()
    answer_up_to_the_start_date(signed_in, school)
    done = signed_in.post(on_its_own(school, "check-answers"))
    confirmation = signed_in.get(done["Location"]).content.decode()
    assert "Your school cannot have DfE-funded training because" in confirmation
    assert "contact them about mentor training" not in confirmation


def test_the_confirmation_shows_only_a_mentor_just_registered_at_the_school(signed_in, school):
    assert signed_in.get(reverse("mentor_registered", kwargs={"urn": school.urn})).status_code == 404
    elsewhere = MentorAtSchoolPeriodFactory(school=SchoolFactory())
    session = signed_in.session
    session["registered_mentor"] = {"period": elsewhere.pk, "why_no_training": "", "yourself": False}
    session.save()
    assert signed_in.get(reverse("mentor_registered", kwargs={"urn": school.urn})).status_code == 404


def test_another_schools_ect_cannot_be_given_a_mentor(signed_in, school):
    other = ECTAtSchoolPeriodFactory(school=SchoolFactory(), started_on=datetime.date(THIS_YEAR, 9, 1))
    assert signed_in.get(for_ect(school, other, "find-mentor")).status_code == 404


def mentor_at_elm_academy():
    return MentorAtSchoolPeriodFactory(
        school=SchoolFactory(name="Elm Academy"),
        teacher=TeacherFactory(trn="9990002"),
        started_on=datetime.date(THIS_YEAR - 1, 9, 1),
        email="tomasz@example.org",
    )


def answer_who_they_are(client, school):
    """Find Tomasz Nowak, confirm his name and give his email: the questions before the others."""
    post(client, on_its_own(school, "find-mentor"), MENTOR)
    post(client, on_its_own(school, "confirm-name"), {"name_is_right": "yes"})
    return post(client, on_its_own(school, "email"), {"email": "tomasz@example.org"})


@pytest.mark.parametrize(
    ("answer", "shown", "finished_there"),
    [
        ("moving", "Moving here, stopping mentoring at Elm Academy", datetime.date(THIS_YEAR, 8, 31)),
        ("both", "Also mentoring at Elm Academy", None),
    ],
)
def test_a_mentor_at_another_school_is_asked_whether_they_keep_mentoring_there(
    signed_in, school, lead_provider, answer, shown, finished_there
):
    elsewhere = mentor_at_elm_academy()
    after_email = answer_who_they_are(signed_in, school)
    assert after_email == on_its_own(school, "mentoring-elsewhere")
    question = signed_in.get(after_email).content.decode()
    assert "Will Tomasz Nowak keep mentoring at Elm Academy?" in question

    unanswered = signed_in.post(after_email, {})
    assert (
        "Select whether they&#x27;ll also keep mentoring at the other school" in unanswered.content.decode()
    )

    assert post(signed_in, after_email, {"mentoring_elsewhere": answer}) == on_its_own(school, "start-date")
    post(
        signed_in,
        on_its_own(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"},
    )
    post(signed_in, on_its_own(school, "lead-provider"), {"lead_provider": lead_provider.pk})
    assert shown in signed_in.get(on_its_own(school, "check-answers")).content.decode()
    signed_in.post(on_its_own(school, "check-answers"))

    elsewhere.refresh_from_db()
    assert elsewhere.finished_on == finished_there
    assert MentorAtSchoolPeriod.objects.get(school=school).teacher == elsewhere.teacher


@pytest.mark.parametrize(
    ("who", "first_step"),
    [
        ("ect", ("register_ect", "find-ect")),
        ("mentor", ("register_mentor", "find-mentor")),
        ("yourself", ("register_yourself_as_mentor", "find-mentor")),
    ],
)
def test_who_to_add_opens_the_chosen_registration_afresh(signed_in, school, who, first_step):
    url_name, step = first_step
    post(signed_in, reverse(url_name, kwargs={"urn": school.urn, "step": step}), MENTOR)  # an earlier try
    address = reverse("who_to_add", kwargs={"urn": school.urn})
    start = post(signed_in, address, {"who": who})
    assert start == reverse(url_name, kwargs={"urn": school.urn, "step": "start"})
    first = signed_in.get(start)
    assert first["Location"] == reverse(url_name, kwargs={"urn": school.urn, "step": step})
    assert "9990002" not in signed_in.get(first["Location"]).content.decode()  # the earlier try is gone


def test_another_teachers_record_forgets_the_answers_given_for_the_first(signed_in, school, lead_provider):
    answer_who_they_are(signed_in, school)
    amara = {
        "trn": "9990001",
        "date_of_birth_day": "21",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1996",
    }
    post(signed_in, on_its_own(school, "find-mentor"), amara)
    assert "tomasz@example.org" not in signed_in.get(on_its_own(school, "email")).content.decode()
    assert signed_in.get(on_its_own(school, "start-date")).status_code == 302  # not answered yet


def test_a_mentor_start_date_must_be_in_a_year_open_for_registration(signed_in, school):
    answer_who_they_are(signed_in, school)
    response = signed_in.post(
        on_its_own(school, "start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": "2040"},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_who_to_add_needs_an_answer_and_is_only_for_the_tutors_school(signed_in, school):
    unanswered = signed_in.post(reverse("who_to_add", kwargs={"urn": school.urn}), {})
    assert unanswered.status_code == 200
    assert "Select who you want to add" in unanswered.content.decode()
    assert signed_in.get(reverse("who_to_add", kwargs={"urn": SchoolFactory().urn})).status_code == 404


def test_the_tutor_registers_themself_as_a_mentor(signed_in, school, tutor, lead_provider):
    def yourself(step):
        return reverse("register_yourself_as_mentor", kwargs={"urn": school.urn, "step": step})

    post(signed_in, yourself("find-mentor"), MENTOR)
    post(signed_in, yourself("confirm-name"), {"name_is_right": "yes"})
    email_page = signed_in.get(yourself("email")).content.decode()
    assert "What is your email address?" in email_page
    assert f'value="{tutor.email}"' in email_page
    post(signed_in, yourself("email"), {"email": tutor.email})
    post(
        signed_in,
        yourself("start-date"),
        {"started_on_day": "1", "started_on_month": "9", "started_on_year": f"{THIS_YEAR}"},
    )
    post(signed_in, yourself("lead-provider"), {"lead_provider": lead_provider.pk})
    done = signed_in.post(yourself("check-answers"), follow=True)
    assert "You have been registered as a mentor" in done.content.decode()
    assert MentorAtSchoolPeriod.objects.get(school=school).email == tutor.email


def test_who_to_add_says_a_teacher_moving_school_is_added_the_same_way(signed_in, school):
    page = signed_in.get(reverse("who_to_add", kwargs={"urn": school.urn})).content.decode()
    assert "A teacher moving from another school is added in the same way" in page
    assert "transferring" not in page  # no separate choice: the TRN tells us of the move
