"""The "Manage your training" dashboard: one page per academic year, its summary and its lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from participants.models import InductionStatus
from schools import services
from schools.models import SchoolAccess, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


@pytest.fixture
def this_year():
    ContractPeriodFactory(year=THIS_YEAR - 1, enabled=False)
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def tutor():
    return UserFactory(privacy_notice_accepted_at=clock.now())


@pytest.fixture
def school(tutor, this_year):
    school = SchoolFactory(name="Quillfeather Primary School")
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="school_led",
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
    )
    return school


def year_url(school, year=THIS_YEAR, *, mentors=False):
    return reverse(
        "school_year_mentors" if mentors else "school_year", kwargs={"urn": school.urn, "year": year}
    )


def ect(school, first, last, *, started_on=THIS_SEPTEMBER, **kwargs):
    teacher = TeacherFactory(trs_first_name=first, trs_last_name=last)
    return ECTAtSchoolPeriodFactory(teacher=teacher, school=school, started_on=started_on, **kwargs)


def names_in(page: str, names: list[str]) -> list[str]:
    return [name for name in names if name in page]


def test_home_shows_the_year_being_registered_for(client, school, tutor):
    client.force_login(tutor)
    assert client.get(reverse("school_home", kwargs={"urn": school.urn}))["Location"] == year_url(school)


def test_the_summary_shows_the_years_answers(client, school, tutor, this_year):
    client.force_login(tutor)
    page = client.get(year_url(school)).content.decode()
    for shown in ("Length of induction", "2 years", "Your own programme", "Riverside Teaching School Hub"):
        assert shown in page
    assert tutor.full_name in page
    assert "Training provider" not in page  # school-led


def test_provider_led_waits_for_the_lead_provider_until_a_partnership_exists(
    client, school, tutor, this_year
):
    active = ActiveLeadProviderFactory(contract_period=this_year)
    services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=active.lead_provider,
        appropriate_body=AppropriateBodyFactory(),
    )
    client.force_login(tutor)
    assert (
        f"Waiting for {active.lead_provider.name} to confirm" in client.get(year_url(school)).content.decode()
    )
    # Confirmed (by the lead provider's API, or by support staff in admin).
    pairing = LeadProviderDeliveryPartnershipFactory(active_lead_provider=active)
    SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
    page = client.get(year_url(school)).content.decode()
    assert "Waiting for" not in page
    assert pairing.delivery_partner.name in page


def test_one_tab_per_year_with_data_newest_first(client, school, tutor, this_year):
    ContractPeriodFactory(year=THIS_YEAR - 2, enabled=False)  # nothing at the school that year
    ect(
        school,
        "Ada",
        "Lovelace",
        started_on=datetime.date(THIS_YEAR - 1, 9, 1),
        finished_on=datetime.date(THIS_YEAR, 3, 31),
    )
    client.force_login(tutor)
    page = client.get(year_url(school)).content.decode()
    assert page.index(f">{THIS_YEAR} to {THIS_YEAR + 1}<") < page.index(f">{THIS_YEAR - 1} to {THIS_YEAR}<")
    assert f"{THIS_YEAR - 2} to {THIS_YEAR - 1}" not in page
    assert "Ada Lovelace" not in page  # left before this year began
    assert "Ada Lovelace" in client.get(year_url(school, THIS_YEAR - 1)).content.decode()
    assert client.get(year_url(school, THIS_YEAR - 2)).status_code == 404


def test_statuses_and_filters(client, school, tutor, this_year):
    hub = AppropriateBodyFactory()
    training = ect(school, "Tara", "Training")
    ect(school, "Lee", "Left", finished_on=datetime.date(THIS_YEAR, 10, 31))
    passed = ect(school, "Pat", "Passed")
    passed.teacher.trs_induction_status = InductionStatus.PASSED
    passed.teacher.save()
    failed = ect(school, "Fay", "Failed")
    InductionPeriodFactory(
        teacher=failed.teacher,
        appropriate_body=hub,
        started_on=THIS_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 11, 1),
        number_of_terms=1,
        outcome="fail",
    )
    withdrawn = ect(school, "Wes", "Withdrawn")
    TrainingPeriodFactory(ect_at_school_period=withdrawn, withdrawn_at=clock.now(), withdrawal_reason="moved")
    mentor = MentorAtSchoolPeriodFactory(
        school=school,
        started_on=THIS_SEPTEMBER,
        teacher=TeacherFactory(trs_first_name="Mo", trs_last_name="Mentor"),
    )
    MentorshipPeriodFactory(mentee=training, mentor=mentor)
    client.force_login(tutor)
    names = ["Tara Training", "Lee Left", "Pat Passed", "Fay Failed", "Wes Withdrawn"]

    page = client.get(year_url(school)).content.decode()
    assert names_in(page, names) == names
    for tag in ("Training", "Left your school", "Completed induction", "Failed induction", "Withdrawn"):
        assert f">{tag}</strong>" in page
    assert "Mo Mentor" in page

    def shown(**params):
        return names_in(client.get(year_url(school), params).content.decode(), names)

    assert shown(status="training") == ["Tara Training"]
    assert shown(status="completed_induction") == ["Pat Passed"]
    assert shown(status="no_longer_training") == ["Lee Left", "Fay Failed", "Wes Withdrawn"]
    assert shown(status="nonsense") == names  # a bad filter is ignored, not an error
    assert shown(q="lee") == ["Lee Left"]
    assert shown(q=withdrawn.teacher.trn) == ["Wes Withdrawn"]

    mentors_page = client.get(year_url(school, mentors=True)).content.decode()
    assert "Mo Mentor" in mentors_page and "Tara Training" in mentors_page  # the mentee


def test_long_lists_are_paged_and_searchable(client, school, tutor):
    for number in range(60):
        ect(school, f"Person{number:02d}", "Example")
    client.force_login(tutor)
    first = client.get(year_url(school)).content.decode()
    assert "Person00 Example" in first and "Person59 Example" not in first
    assert "Search by name or TRN" in first
    second = client.get(year_url(school), {"page": 2}).content.decode()
    assert "Person59 Example" in second and "Person00 Example" not in second
    assert 'aria-current="page">2</a>' in second
    assert client.get(year_url(school), {"page": "999"}).status_code == 200  # the last page, not an error


@pytest.mark.parametrize("mentors", [False, True])
def test_queries_do_not_grow_with_the_number_of_participants(client, school, tutor, this_year, mentors):
    def queries_for_page() -> int:
        client.get(year_url(school, mentors=mentors))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(year_url(school, mentors=mentors))
        assert response.status_code == 200
        return len(queries)

    def add_pairs(count: int):
        for _ in range(count):
            mentee = ECTAtSchoolPeriodFactory(school=school, started_on=THIS_SEPTEMBER)
            TrainingPeriodFactory(ect_at_school_period=mentee)
            mentor = MentorAtSchoolPeriodFactory(school=school, started_on=THIS_SEPTEMBER)
            MentorshipPeriodFactory(mentee=mentee, mentor=mentor)

    client.force_login(tutor)
    add_pairs(1)
    with_two = queries_for_page()
    add_pairs(99)  # 200 participants
    assert queries_for_page() == with_two


def test_a_tutor_never_sees_another_schools_year(client, school, tutor, this_year):
    other = SchoolFactory()
    ect(other, "Secret", "Person")
    client.force_login(tutor)
    for url in (
        year_url(other),
        year_url(other, mentors=True),
        reverse("school_home", kwargs={"urn": other.urn}),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Secret Person" not in response.content.decode()
    # Nor another school's people inside their own year.
    assert "Secret Person" not in client.get(year_url(school)).content.decode()


def test_a_year_counts_and_lists_only_those_training_in_it(client, school, tutor, this_year):
    """An ECT whose induction an appropriate body recorded as over before the year began was not
    training in it, even while still at the school; one who completes during the year was."""
    hub = AppropriateBodyFactory()

    def passed_induction(first, last, *, started_on, finished_on):
        period = ect(school, first, last, started_on=started_on)
        InductionPeriodFactory(
            teacher=period.teacher,
            appropriate_body=hub,
            started_on=started_on,
            finished_on=finished_on,
            number_of_terms=6,
            outcome="pass",
        )

    passed_induction(
        "Dana",
        "Donebefore",
        started_on=datetime.date(THIS_YEAR - 2, 9, 1),
        finished_on=datetime.date(THIS_YEAR, 7, 20),
    )
    passed_induction(
        "Dev",
        "Doneduring",
        started_on=datetime.date(THIS_YEAR - 1, 1, 4),
        finished_on=datetime.date(THIS_YEAR, 10, 20),
    )
    ect(school, "Tara", "Training")
    client.force_login(tutor)

    page = client.get(year_url(school)).content.decode()

    assert "2 ECTs, 0 mentors" in page
    assert "Early career teachers (2)" in page
    assert names_in(page, ["Dana Donebefore", "Dev Doneduring", "Tara Training"]) == [
        "Dev Doneduring",
        "Tara Training",
    ]
    last_year = client.get(year_url(school, THIS_YEAR - 1)).content.decode()
    assert "Dana Donebefore" in last_year and "2 ECTs" in last_year


def test_someone_yet_to_start_is_shown_starting_on_their_start_date(client, school, tutor, this_year):
    ect(school, "Sam", "Soon", started_on=datetime.date(THIS_YEAR + 1, 4, 6))
    MentorAtSchoolPeriodFactory(
        school=school,
        started_on=datetime.date(THIS_YEAR + 1, 1, 5),
        teacher=TeacherFactory(trs_first_name="Mo", trs_last_name="Mentor"),
    )
    client.force_login(tutor)

    page = client.get(year_url(school)).content.decode()
    mentors_page = client.get(year_url(school, mentors=True)).content.decode()

    assert f">Starting on 6 April {THIS_YEAR + 1}</strong>" in page
    assert "Sam Soon" in client.get(year_url(school), {"status": "training"}).content.decode()
    assert f">Starting on 5 January {THIS_YEAR + 1}</strong>" in mentors_page
