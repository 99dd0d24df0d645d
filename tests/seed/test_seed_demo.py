"""`manage.py seed_demo`: the small demo the dev server seeds at every start."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef

from audit.models import ActorType, Event
from demo.named_schools import NAMED_SCHOOLS, NAMED_URNS
from demo.timeline import contract_period_dates, contract_year_of
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    SchoolPartnership,
)
from schools.eligibility import decide_funding_eligibility
from schools.models import School, SchoolContractPeriodChoice
from tests.dates import LONDON, NEXT_YEAR, TEST_DAY, THIS_YEAR, in_year, moment

pytestmark = pytest.mark.django_db

LEAD_PROVIDERS = {
    "Ambition Institute",
    "Best Practice Network",
    "Capita",
    "Education Development Trust",
    "National Institute of Teaching",
    "Teach First",
    "UCL Institute of Education",
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def every_model_count() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_contract_periods_from_2021_to_this_year_open_this_year_and_freeze_those_three_years_old():
    seed()
    periods = {p.year: p for p in ContractPeriod.objects.all()}
    assert sorted(periods) == list(range(2021, THIS_YEAR + 1))
    for year, period in periods.items():
        assert (period.started_on, period.finished_on) == (
            datetime.date(year, 6, 1),
            datetime.date(year + 1, 5, 31),
        )
    # In the autumn term only this academic year's period is open; next year's opens on 1 June.
    assert {y for y, p in periods.items() if p.enabled} == {THIS_YEAR}
    frozen_years = set(range(2021, THIS_YEAR - 2))
    assert {y for y, p in periods.items() if p.payments_frozen_at} == frozen_years
    assert all(
        periods[y].payments_frozen_at == datetime.datetime(y + 3, 7, 31, 17, tzinfo=LONDON)
        for y in frozen_years
    )


@pytest.mark.parametrize(
    ("today", "open_years", "newest"),
    [
        (in_year(5, 31), {THIS_YEAR}, THIS_YEAR),
        (in_year(6, 1), {THIS_YEAR, NEXT_YEAR}, NEXT_YEAR),
        (in_year(8, 31), {THIS_YEAR, NEXT_YEAR}, NEXT_YEAR),
        (in_year(9, 1, NEXT_YEAR), {NEXT_YEAR}, NEXT_YEAR),
    ],
)
def test_the_periods_open_follow_the_day_the_seed_runs(service_clock, today, open_years, newest):
    service_clock.move_to(moment(today))
    seed()
    periods = {p.year: p for p in ContractPeriod.objects.all()}
    assert max(periods) == newest
    assert {y for y, p in periods.items() if p.enabled} == open_years


def test_contract_periods_run_from_1_june_to_31_may():
    assert contract_period_dates(THIS_YEAR - 1) == (
        datetime.date(THIS_YEAR - 1, 6, 1),
        datetime.date(THIS_YEAR, 5, 31),
    )
    assert contract_year_of(datetime.date(THIS_YEAR, 5, 31)) == THIS_YEAR - 1
    assert contract_year_of(datetime.date(THIS_YEAR, 6, 1)) == THIS_YEAR


def test_a_second_run_leaves_reference_rows_as_a_developer_changed_them():
    seed()
    ContractPeriod.objects.filter(year=THIS_YEAR - 2).update(enabled=True)
    ContractPeriod.objects.filter(year=THIS_YEAR - 1).update(
        payments_frozen_at=datetime.datetime(THIS_YEAR, 7, 31, 16, tzinfo=datetime.UTC)
    )
    istip = AppropriateBody.objects.get(name__startswith="Independent Schools Teacher Induction Panel")
    AppropriateBody.objects.filter(pk=istip.pk).update(body_type="teaching_school_hub")

    assert "created: nothing new" in seed()

    assert ContractPeriod.objects.get(year=THIS_YEAR - 2).enabled is True
    assert ContractPeriod.objects.get(year=THIS_YEAR - 1).payments_frozen_at is not None
    assert AppropriateBody.objects.get(pk=istip.pk).body_type == "teaching_school_hub"


def test_lead_providers_are_active_in_the_years_they_were_contracted_and_paired_with_partners():
    seed()
    assert set(LeadProvider.objects.values_list("name", flat=True)) == LEAD_PROVIDERS

    def years(name):
        return set(
            ActiveLeadProvider.objects.filter(lead_provider__name=name).values_list(
                "contract_period_id", flat=True
            )
        )

    # Capita's contract ended in 2024; the National Institute of Teaching's began then.
    assert years("Capita") == {2021, 2022, 2023, 2024}
    assert years("National Institute of Teaching") == set(range(2024, THIS_YEAR + 1))
    assert years("Ambition Institute") == set(range(2021, THIS_YEAR + 1))
    # Every active lead provider has delivery partners every year, and none outside its years.
    assert not ActiveLeadProvider.objects.annotate(n=Count("delivery_partnerships")).filter(n=0).exists()
    assert DeliveryPartner.objects.count() == 20
    assert all(
        name.endswith(("Teaching School Hub", "Partnership"))
        for name in DeliveryPartner.objects.values_list("name", flat=True)
    )
    # Pairings are mostly stable: most of last year's pairs were already pairs the year before.
    pairs = {
        year: set(
            LeadProviderDeliveryPartnership.objects.filter(
                active_lead_provider__contract_period_id=year
            ).values_list("active_lead_provider__lead_provider_id", "delivery_partner_id")
        )
        for year in (THIS_YEAR - 2, THIS_YEAR - 1)
    }
    assert len(pairs[THIS_YEAR - 1] & pairs[THIS_YEAR - 2]) >= 0.7 * len(pairs[THIS_YEAR - 1])


def test_appropriate_bodies_are_hubs_plus_the_two_national_bodies():
    seed()
    national = dict(
        AppropriateBody.objects.exclude(body_type="teaching_school_hub").values_list("body_type", "name")
    )
    assert national == {
        "independent_schools": "Independent Schools Teacher Induction Panel (ISTIP)",
        "schools_overseas": "Educational Success Partners (ESP)",
    }
    assert AppropriateBody.objects.filter(body_type="teaching_school_hub").count() == 20


def test_lead_providers_have_a_made_up_email_given_once_even_to_those_made_before_emails():
    seed()
    emails = dict(LeadProvider.objects.values_list("name", "email"))
    assert emails["Ambition Institute"] == "contracts@ambition-institute.example.com"
    assert all(email.startswith("contracts@") and email.endswith(".example.com") for email in emails.values())
    assert len(set(emails.values())) == len(emails)

    LeadProvider.objects.filter(name="Capita").update(email="")
    assert "created: 1 lead provider emails" in seed()
    assert LeadProvider.objects.get(name="Capita").email == "contracts@capita.example.com"
    LeadProvider.objects.filter(name="Teach First").update(email="partnerships@teachfirst.example.org")
    assert "created: nothing new" in seed()
    assert LeadProvider.objects.get(name="Teach First").email == "partnerships@teachfirst.example.org"


def _school_years(sql: str) -> set[tuple[int, int]]:
    """(school id, contract year) pairs a query names."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return set(cursor.fetchall())


# Where an ECT or mentor was at a school during a contract year, or one started there that year.
PRESENT = """
    SELECT p.school_id, c.year FROM {table} p JOIN providers_contractperiod c
    ON p.started_on <= c.finished_on AND (p.finished_on IS NULL OR p.finished_on >= c.started_on)"""
ARRIVED = """
    SELECT p.school_id, c.year FROM {table} p JOIN providers_contractperiod c
    ON p.started_on BETWEEN c.started_on AND c.finished_on"""
PARTNERED = """
    SELECT p.school_id, a.contract_period_id FROM providers_schoolpartnership p
    JOIN providers_leadproviderdeliverypartnership l ON l.id = p.lead_provider_delivery_partnership_id
    JOIN providers_activeleadprovider a ON a.id = l.active_lead_provider_id"""


def _people(query: str) -> set[tuple[int, int]]:
    return _school_years(query.format(table="participants_ectatschoolperiod")) | _school_years(
        query.format(table="participants_mentoratschoolperiod")
    )


def test_schools_answered_for_every_year_they_were_open_by_the_rules_of_a_choice():
    seed()
    choices = SchoolContractPeriodChoice.objects
    answered = set(choices.values_list("school_id", "contract_period_id"))
    # Every school open on 1 September of a past year told us about it.
    for school in School.objects.all():
        for year in range(2021, THIS_YEAR):
            september = datetime.date(year, 9, 1)
            if school.opened_on <= september and (school.closed_on is None or school.closed_on >= september):
                assert (school.pk, year) in answered, (school, year)
            else:
                assert (school.pk, year) not in answered, (school, year)

    # Provider-led names a lead provider active that year; every set-up year an appropriate body.
    provider_led = choices.filter(programme="provider_led")
    assert provider_led.count() > 800
    assert not provider_led.exclude(lead_provider__contract_period=F("contract_period")).exists()
    assert not choices.exclude(programme="provider_led").filter(lead_provider__isnull=False).exists()
    set_up = choices.filter(programme__in=["provider_led", "school_led"])
    assert not set_up.filter(appropriate_body__isnull=True).exists()
    # ... the school's own (ISTIP for independent schools, ESP overseas), and only funded schools
    # have provider-led training.
    assert not provider_led.filter(school__eligible_for_funding=False, school__is_open=True).exists()
    independent = set_up.filter(school__establishment_type__startswith="Other independent")
    assert independent.filter(appropriate_body__body_type="independent_schools").exists()
    assert (
        not independent.filter(school__eligible_for_funding=False, school__is_open=True)
        .exclude(appropriate_body__body_type="independent_schools")
        .exists()
    )
    overseas = set_up.filter(school__establishment_type="British schools overseas")
    assert not overseas.exclude(appropriate_body__body_type="schools_overseas").exists()
    assert set_up.filter(expects_ects="yes").exists() and set_up.filter(expects_ects="not_sure").exists()

    # Some answered "no ECTs" (one answer to either question), in years with nobody there.
    no_ects = choices.filter(programme="no_ects")
    assert no_ects.count() >= 20
    assert no_ects.count() == choices.filter(expects_ects="no").count()
    assert not no_ects.filter(appropriate_body__isnull=False).exists()
    quiet = answered - _people(PRESENT) - _school_years(PARTNERED)
    assert set(no_ects.values_list("school_id", "contract_period_id")) <= quiet

    # The school's defaults are its latest set-up answers.
    for school in School.objects.exclude(last_chosen_training_programme=""):
        latest = set_up.filter(school=school).order_by("-contract_period_id").first()
        assert school.last_chosen_training_programme == latest.programme
        assert school.last_chosen_appropriate_body_id == latest.appropriate_body_id
        assert school.last_chosen_lead_provider_id == (
            latest.lead_provider.lead_provider_id if latest.lead_provider_id else None
        )


def test_some_provider_led_choices_wait_for_the_lead_provider_to_confirm():
    seed()
    confirmed = SchoolPartnership.objects.filter(
        school=OuterRef("school"),
        lead_provider_delivery_partnership__active_lead_provider=OuterRef("lead_provider"),
    )
    provider_led = SchoolContractPeriodChoice.objects.filter(programme="provider_led").annotate(
        confirmed=Exists(confirmed)
    )
    this_year = provider_led.filter(contract_period_id=THIS_YEAR)
    waiting = this_year.filter(confirmed=False).count()
    assert 0.15 * this_year.count() <= waiting <= 0.4 * this_year.count()
    earlier = provider_led.filter(contract_period_id__lt=THIS_YEAR)
    assert 0 < earlier.filter(confirmed=False).count() <= 0.1 * earlier.count()
    # Every partnership is with a lead provider the school chose that year.
    chosen = SchoolContractPeriodChoice.objects.filter(
        school=OuterRef("school"),
        lead_provider=OuterRef("lead_provider_delivery_partnership__active_lead_provider"),
    )
    assert not SchoolPartnership.objects.exclude(Exists(chosen)).exists()


def test_some_open_schools_have_not_set_up_the_year_being_registered_for():
    seed()
    # Of the schools drawn at random; the named ones are in the states the README gives them.
    open_schools = School.objects.filter(is_open=True).exclude(urn__range=(NAMED_URNS[0], NAMED_URNS[-1]))
    this_year = SchoolContractPeriodChoice.objects.filter(contract_period_id=THIS_YEAR)
    unanswered = open_schools.exclude(Exists(this_year.filter(school=OuterRef("pk"))))
    assert 0.08 * open_schools.count() <= unanswered.count() <= 0.12 * open_schools.count()
    # They registered nobody for it, and no lead provider confirmed them for it.
    busy = _people(ARRIVED) | _school_years(PARTNERED)
    assert not {(pk, THIS_YEAR) for pk in unanswered.values_list("pk", flat=True)} & busy
    # A few more only have the headteacher's answer from nominating: not set up yet.
    not_set_up = this_year.filter(programme="")
    assert not_set_up.count() >= 3
    assert set(not_set_up.values_list("expects_ects", flat=True)) <= {"yes", "not_sure"}
    # Closed schools answered nothing for a year after they closed.
    assert not this_year.filter(school__is_open=False).exists()


def test_schools_are_fictional_and_shaped_like_gias():
    seed()
    schools = School.objects.all()
    assert schools.count() == 300 + len(NAMED_SCHOOLS)
    assert not schools.exclude(urn__range=(700000, 799999)).exists()
    assert schools.filter(eligible_for_funding=False, establishment_type__contains="independent").exists()
    assert schools.filter(is_open=True, eligible_for_funding=True).count() > 0.8 * 300
    assert schools.filter(is_open=False, closed_on__isnull=False, status="Closed").exists()
    assert schools.exclude(last_chosen_training_programme="").count() > 0.9 * 300
    assert SchoolPartnership.objects.values("school").distinct().count() > 150


def test_demo_schools_are_eligible_exactly_when_the_gias_import_would_decide_so():
    seed()
    for school in School.objects.all():
        decision = decide_funding_eligibility(
            status=school.status,
            establishment_type=school.establishment_type,
            region=school.region,
            section_41_approved=school.section_41_approved,
        )
        assert school.eligible_for_funding is decision.eligible, (school, decision.reason)


def test_teachers_cover_every_state_a_journey_can_be_in():
    seed()
    ects = ECTAtSchoolPeriod.objects
    assert not Teacher.objects.exclude(trn__regex=r"^[0-9]{7}$").exists()

    # Ongoing: at school now, with a mentor and training now.
    ongoing = ects.filter(finished_on__isnull=True, started_on__lte=TEST_DAY)
    assert (
        ongoing.filter(
            Exists(MentorshipPeriod.objects.filter(mentee=OuterRef("pk"), finished_on__isnull=True)),
            Exists(
                TrainingPeriod.objects.filter(ect_at_school_period=OuterRef("pk"), finished_on__isnull=True)
            ),
        ).count()
        > 400
    )
    # Registered to start after today (a period that has not started yet).
    assert ects.filter(started_on__gt=TEST_DAY).exists()
    # Waiting for a mentor.
    assert ongoing.exclude(Exists(MentorshipPeriod.objects.filter(mentee=OuterRef("pk")))).exists()

    # Transferred: finished at one school the day before starting at another.
    moved_on = ects.filter(
        teacher=OuterRef("teacher"), started_on=OuterRef("finished_on") + datetime.timedelta(days=1)
    )
    transfers = ects.filter(Exists(moved_on.exclude(school=OuterRef("school"))))
    assert transfers.count() >= 10

    # Left: a finished period with no later one, induction neither passed nor failed.
    later = ects.filter(teacher=OuterRef("teacher"), started_on__gt=OuterRef("started_on"))
    left = (
        ects.filter(finished_on__isnull=False)
        .exclude(Exists(later))
        .filter(teacher__trs_induction_status="in_progress")
    )
    assert left.count() >= 10
    # ... and some came back after a break, at another school.
    gap = ects.filter(
        teacher=OuterRef("teacher"), started_on__gt=OuterRef("finished_on") + datetime.timedelta(days=1)
    )
    assert ects.filter(Exists(gap)).exists()

    # Induction passed and failed, recorded by appropriate bodies (hubs and ISTIP).
    passed = InductionPeriod.objects.filter(outcome="pass", teacher__trs_induction_status="passed")
    assert passed.count() > 300
    assert InductionPeriod.objects.filter(outcome="fail", teacher__trs_induction_status="failed").exists()
    assert InductionPeriod.objects.filter(appropriate_body__body_type="independent_schools").exists()
    assert InductionPeriod.objects.filter(
        finished_on__isnull=False, outcome="", number_of_terms__lt=6
    ).exists()


def test_training_comes_in_every_kind_and_state():
    seed()
    training = TrainingPeriod.objects
    assert training.filter(training_programme="provider_led", school_partnership__isnull=False).count() > 500
    assert training.filter(training_programme="provider_led", expression_of_interest__isnull=False).exists()
    assert training.filter(training_programme="school_led").count() > 100
    assert training.filter(mentor_at_school_period__isnull=False).count() > 200

    withdrawn = training.filter(withdrawn_at__isnull=False).exclude(withdrawal_reason="")
    assert withdrawn.filter(ect_at_school_period__isnull=False).exists()
    assert withdrawn.filter(mentor_at_school_period__isnull=False).exists()
    deferred = training.filter(deferred_at__isnull=False).exclude(deferral_reason="")
    assert deferred.exists()
    resumed = training.filter(
        ect_at_school_period=OuterRef("ect_at_school_period"), started_on__gt=OuterRef("finished_on")
    )
    assert deferred.filter(Exists(resumed)).exists()


def test_mentors_mentor_several_ects_work_at_two_schools_and_hand_over():
    seed()
    at_once = (
        MentorshipPeriod.objects.filter(finished_on__isnull=True)
        .values("mentor")
        .annotate(mentees=Count("mentee", distinct=True))
        .filter(mentees__gte=2)
    )
    assert at_once.count() >= 10
    two_schools = (
        MentorAtSchoolPeriod.objects.filter(finished_on__isnull=True)
        .values("teacher")
        .annotate(schools=Count("school", distinct=True))
        .filter(schools__gte=2)
    )
    assert two_schools.exists()
    # A mentor left, and the ECT had a new mentor from the next day.
    next_mentor = MentorshipPeriod.objects.filter(
        mentee=OuterRef("mentee"), started_on=OuterRef("finished_on") + datetime.timedelta(days=1)
    ).exclude(mentor=OuterRef("mentor"))
    assert MentorshipPeriod.objects.filter(Exists(next_mentor)).exists()
    # Former ECTs who passed go on to mentor.
    assert MentorAtSchoolPeriod.objects.filter(teacher__ect_at_school_periods__isnull=False).exists()
    # Nobody mentors themself, and both are at the same school (the database insists too).
    assert not MentorshipPeriod.objects.filter(mentor__teacher=F("mentee__teacher")).exists()
    assert not MentorshipPeriod.objects.exclude(mentor__school=F("mentee__school")).exists()


def test_registrations_are_in_the_audit_log_as_the_demo_system():
    seed()
    # Besides one leaving report, made through the school's service so that an appropriate body's
    # "left their school" list has someone on it (demo/named_bodies.py).
    # And the lead providers' contracts, one event each (demo/reference.py).
    events = Event.objects.exclude(
        event_type="ect_left_school", actor_name="A demo school's induction tutor"
    ).exclude(event_type="contract_version_made")
    assert 5 <= events.count() <= 30
    assert set(events.values_list("actor_type", "actor_name").distinct()) == {(ActorType.SYSTEM, "Demo data")}
    assert (
        events.filter(event_type="ect_registered", teacher__isnull=False, school__isnull=False).count() >= 5
    )
    assert events.filter(event_type="ect_transferred").exists()


def test_a_second_run_changes_nothing_and_is_quick_to_say_so():
    first = seed()
    counts = every_model_count()
    second = seed()
    assert every_model_count() == counts
    assert "already present" in second
    assert "created: nothing new" in second
    assert "copy participants_teacher" in first and "copy participants_teacher" not in second


def _fingerprint() -> str:
    """A digest of the demo's content by natural keys (ids differ between databases)."""
    rows = [
        *School.objects.order_by("urn").values_list("urn", "name", "postcode", "closed_on"),
        *Teacher.objects.order_by("trn").values_list(
            "trn", "trs_first_name", "trs_last_name", "trs_induction_status"
        ),
        *ECTAtSchoolPeriod.objects.order_by("teacher__trn", "started_on").values_list(
            "teacher__trn", "school__urn", "started_on", "finished_on"
        ),
        *MentorshipPeriod.objects.order_by("mentee__teacher__trn", "started_on").values_list(
            "mentee__teacher__trn", "mentor__teacher__trn", "started_on", "finished_on"
        ),
        *TrainingPeriod.objects.order_by("id").values_list(
            "started_on", "finished_on", "training_programme", "withdrawal_reason", "deferral_reason"
        ),
        *InductionPeriod.objects.order_by("teacher__trn", "started_on").values_list(
            "teacher__trn", "appropriate_body__name", "finished_on", "number_of_terms", "outcome"
        ),
        *SchoolContractPeriodChoice.objects.order_by("school__urn", "contract_period_id").values_list(
            "school__urn",
            "contract_period_id",
            "expects_ects",
            "programme",
            "lead_provider__lead_provider__name",
            "appropriate_body__name",
            "created_at",
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_data_set_every_time():
    seed()
    before = _fingerprint()
    out = seed("--reset")
    assert "truncate" in out
    assert _fingerprint() == before


def test_fraction_is_only_for_england():
    with pytest.raises(CommandError, match="--fraction"):
        seed("--fraction", "0.5")
    with pytest.raises(CommandError, match="--fraction"):
        seed("--scale", "england", "--fraction", "0")
    assert not School.objects.exists()


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (("--reset",), "--reset"),
        (("--scale", "england", "--reset"), "--reset"),
        (("--scale", "england", "--fraction", "0.004"), "--scale england"),
    ],
)
@pytest.mark.parametrize("allowed", [False, "unset"])
def test_reset_and_england_scale_are_refused_where_demo_data_is_not_allowed(settings, args, refused, allowed):
    seed()
    counts = every_model_count()
    if allowed == "unset":
        del settings.DEMO_DATA_ALLOWED
    else:
        settings.DEMO_DATA_ALLOWED = allowed

    with pytest.raises(CommandError, match=f"^Refusing {refused}: .*DEMO_DATA_ALLOWED is not True"):
        seed(*args)
    assert every_model_count() == counts
    assert "already present" in seed()  # the plain, idempotent seed still runs
