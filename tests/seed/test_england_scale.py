"""`seed_demo --scale england`, run at 1% of England so it takes seconds."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import Event
from demo.build import AlreadySeeded, seed_england
from demo.timeline import FIRST_YEAR
from finance.models import Declaration, Statement
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, Teacher, TrainingPeriod
from providers.models import AppropriateBody, DeliveryPartner, SchoolPartnership
from schools.models import School, SchoolContractPeriodChoice
from tests.dates import TEST_DAY, THIS_YEAR
from tests.seed.declaration_checks import violations as declaration_violations

pytestmark = pytest.mark.django_db

# England, from docs: ~25,000 schools, ~250,000 teachers over the years, ~60,000 ECTs in
# training at once, ~50,000 mentors; ~100 delivery partners, ~90 hub appropriate bodies.
ENGLAND = {"teachers": 250_000, "ects_now": 60_000, "mentors_now": 50_000, "ects_a_year": 30_000}


def about(actual: int, expected: float, tolerance: float = 0.3) -> bool:
    return (1 - tolerance) * expected <= actual <= (1 + tolerance) * expected


def violations(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_one_percent_of_england_is_in_proportion_and_keeps_every_invariant():
    out = StringIO()
    call_command("seed_demo", "--scale", "england", "--fraction", "0.01", stdout=out)
    assert "250 schools" in out.getvalue()
    assert "copy participants_trainingperiod" in out.getvalue()

    assert School.objects.count() == 250
    assert 0.05 <= School.objects.filter(eligible_for_funding=False, is_open=True).count() / 250 <= 0.2
    assert DeliveryPartner.objects.count() == 100
    assert AppropriateBody.objects.count() == 92
    assert about(Teacher.objects.count(), ENGLAND["teachers"] / 100)
    now = {"started_on__lte": TEST_DAY, "finished_on__isnull": True}
    assert about(ECTAtSchoolPeriod.objects.filter(**now).count(), ENGLAND["ects_now"] / 100)
    assert about(
        MentorAtSchoolPeriod.objects.filter(finished_on__isnull=True).count(), ENGLAND["mentors_now"] / 100
    )
    last_september = ECTAtSchoolPeriod.objects.filter(
        started_on__range=(f"{THIS_YEAR - 1}-06-01", f"{THIS_YEAR}-05-31")
    ).count()
    assert about(last_september, ENGLAND["ects_a_year"] / 100)
    assert SchoolPartnership.objects.count() > 250
    # What schools said about each year: one answer a year they were open, bar some this year.
    choices = SchoolContractPeriodChoice.objects
    years_so_far = THIS_YEAR - FIRST_YEAR + 1
    assert (years_so_far - 0.5) * 250 <= choices.count() <= years_so_far * 250
    open_schools = School.objects.filter(is_open=True).count()
    this_year = choices.filter(contract_period_id=THIS_YEAR, school__is_open=True).count()
    assert 0.85 * open_schools <= this_year <= 0.95 * open_schools
    assert choices.filter(programme="no_ects").exists()
    assert choices.filter(contract_period_id=THIS_YEAR, programme="").exists()
    assert TrainingPeriod.objects.filter(withdrawn_at__isnull=False).exists()
    assert Event.objects.filter(event_type="ect_registered").count() > 100

    # The database refused anything that broke these as it loaded; check a few once more.
    assert not violations(
        """SELECT count(*) FROM participants_mentorshipperiod m
           JOIN participants_ectatschoolperiod e ON e.id = m.mentee_id
           JOIN participants_mentoratschoolperiod r ON r.id = m.mentor_id
           WHERE e.school_id <> r.school_id OR e.teacher_id = r.teacher_id
              OR NOT daterange(m.started_on, m.finished_on, '[]') <@ daterange(e.started_on, e.finished_on, '[]')
              OR NOT daterange(m.started_on, m.finished_on, '[]') <@ daterange(r.started_on, r.finished_on, '[]')"""
    )
    assert not violations(
        """SELECT count(*) FROM participants_ectatschoolperiod a JOIN participants_ectatschoolperiod b
           ON a.teacher_id = b.teacher_id AND a.id < b.id
           AND daterange(a.started_on, a.finished_on, '[]') && daterange(b.started_on, b.finished_on, '[]')"""
    )
    assert not violations(
        """SELECT count(*) FROM schools_schoolcontractperiodchoice c
           LEFT JOIN providers_activeleadprovider a ON a.id = c.lead_provider_id
           WHERE (c.programme = 'provider_led') <> (a.contract_period_id IS NOT DISTINCT FROM c.contract_period_id)
              OR (c.programme IN ('provider_led', 'school_led')) <> (c.appropriate_body_id IS NOT NULL)"""
    )
    # Declarations for the milestones the provider-led training reached, on statements that are
    # paid, payable or open as the seed day has them, keeping every rule (tests/seed/declaration_checks).
    assert "copy finance_declaration" in out.getvalue()
    partnered = TrainingPeriod.objects.filter(school_partnership__isnull=False).count()
    assert 3 * partnered <= Declaration.objects.count() <= 6 * partnered
    assert Statement.objects.filter(paid_at__isnull=False).exists()
    assert set(declaration_violations().values()) == {0}

    # Ids handed out in Python: the sequences moved past them, so ordinary inserts still work.
    teacher = Teacher.objects.create(trn="0000001", trs_first_name="New", trs_last_name="Teacher")
    assert teacher.pk > Teacher.objects.exclude(pk=teacher.pk).order_by("-pk").first().pk


def test_england_scale_refuses_a_database_that_has_data_unless_reset():
    call_command("seed_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--scale", "england", "--fraction", "0.004", stdout=StringIO())
    with pytest.raises(AlreadySeeded):
        seed_england(fraction=0.004, log=lambda line: None)

    counts = seed_england(fraction=0.004, reset=True, log=lambda line: None)
    assert counts["schools_school"] == 100
    assert School.objects.count() == 100
