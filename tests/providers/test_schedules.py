"""Schedules: twelve per contract period, their milestone windows by school term, and which one new
training follows."""

import datetime

import pytest

from participants.models import TrainingPeriod
from providers.models import Milestone, Schedule
from providers.schedules import IDENTIFIERS, add_schedules, identifier_for_start, milestone_windows
from tests.dates import THIS_YEAR
from tests.factories import ActiveLeadProviderFactory, ContractPeriodFactory, ECTAtSchoolPeriodFactory

D = datetime.date


def test_a_september_start_declares_term_by_term_over_two_years():
    assert milestone_windows(THIS_YEAR, "ecf-standard-september") == [
        ("started", D(THIS_YEAR, 6, 1), D(THIS_YEAR, 12, 31)),
        ("retained-1", D(THIS_YEAR + 1, 1, 1), D(THIS_YEAR + 1, 3, 31)),
        ("retained-2", D(THIS_YEAR + 1, 4, 1), D(THIS_YEAR + 1, 8, 31)),
        ("retained-3", D(THIS_YEAR + 1, 9, 1), D(THIS_YEAR + 1, 12, 31)),
        ("retained-4", D(THIS_YEAR + 2, 1, 1), D(THIS_YEAR + 2, 3, 31)),
        ("completed", D(THIS_YEAR + 2, 4, 1), None),
    ]


def test_a_january_start_is_a_term_later_and_extended_adds_three_terms():
    windows = dict(
        (kind, (first, last)) for kind, first, last in milestone_windows(THIS_YEAR, "ecf-extended-january")
    )
    assert windows["started"] == (D(THIS_YEAR + 1, 1, 1), D(THIS_YEAR + 1, 3, 31))
    assert windows["completed"] == (D(THIS_YEAR + 2, 9, 1), None)
    assert windows["extended-1"] == (D(THIS_YEAR + 3, 1, 1), D(THIS_YEAR + 3, 3, 31))
    assert windows["extended-3"] == (D(THIS_YEAR + 3, 9, 1), D(THIS_YEAR + 3, 12, 31))


@pytest.mark.parametrize(
    ("started_on", "identifier"),
    [
        (D(THIS_YEAR, 9, 1), "ecf-standard-september"),
        (D(THIS_YEAR, 12, 31), "ecf-standard-september"),
        (D(THIS_YEAR + 1, 1, 4), "ecf-standard-january"),
        (D(THIS_YEAR + 1, 4, 1), "ecf-standard-april"),
        (D(THIS_YEAR + 1, 8, 31), "ecf-standard-april"),
    ],
)
def test_training_follows_the_schedule_of_the_term_it_starts_in(started_on, identifier):
    assert identifier_for_start(started_on) == identifier


@pytest.mark.django_db
def test_schedules_are_made_once_and_an_adjusted_window_is_kept():
    year = ContractPeriodFactory(year=THIS_YEAR)
    add_schedules(year)
    Milestone.objects.filter(schedule__identifier="ecf-standard-april", declaration_type="started").update(
        milestone_date=D(THIS_YEAR + 1, 9, 30)
    )
    add_schedules(year)
    assert sorted(
        Schedule.objects.filter(contract_period=year).values_list("identifier", flat=True)
    ) == sorted(IDENTIFIERS)
    assert Milestone.objects.filter(schedule__contract_period=year).count() == 12 * 6 + 3 * 3
    assert Milestone.objects.get(
        schedule__identifier="ecf-standard-april", declaration_type="started"
    ).milestone_date == D(THIS_YEAR + 1, 9, 30)


@pytest.mark.django_db
def test_registering_provider_led_training_gives_it_its_schedule():
    from participants.services.common import _start_training

    active = ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=THIS_YEAR))
    ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR + 1, 1, 6))
    training = _start_training(
        ect, started_on=ect.started_on, training_programme="provider_led", active_lead_provider=active
    )
    training = TrainingPeriod.objects.select_related("schedule").get(pk=training.pk)
    assert (training.schedule.identifier, training.schedule.contract_period_id) == (
        "ecf-standard-january",
        THIS_YEAR,
    )
