"""Which contract period schools register for on a given day, when two are open over the summer."""

import datetime

import pytest

from providers.models import ContractPeriod
from providers.queries import contract_period_for_registration
from tests.dates import NEXT_YEAR, THIS_YEAR, in_year, moment
from tests.factories import ContractPeriodFactory

pytestmark = pytest.mark.django_db


def open_period(year: int, *, enabled: bool = True) -> ContractPeriod:
    started_on, finished_on = ContractPeriod.dates_of(year)
    return ContractPeriodFactory(year=year, started_on=started_on, finished_on=finished_on, enabled=enabled)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (in_year(9, 1), THIS_YEAR),  # the first day of the academic year
        (in_year(5, 31), THIS_YEAR),  # the last day of this contract period
        (in_year(6, 1), THIS_YEAR),  # next period has started, this academic year has not ended
        (in_year(8, 31), THIS_YEAR),
        (in_year(9, 1, NEXT_YEAR), NEXT_YEAR),  # the rollover
    ],
)
def test_schools_register_for_the_academic_year_they_are_in(day, year):
    open_period(THIS_YEAR)
    open_period(NEXT_YEAR)
    assert contract_period_for_registration(day).year == year


def test_before_this_years_period_opens_the_newest_open_one_is_offered():
    open_period(THIS_YEAR)
    open_period(NEXT_YEAR, enabled=False)
    assert contract_period_for_registration(in_year(9, 1, NEXT_YEAR)).year == THIS_YEAR


def test_a_period_not_open_is_never_offered():
    open_period(THIS_YEAR, enabled=False)
    assert contract_period_for_registration(in_year(10, 1)) is None


def test_when_only_next_years_period_is_open_schools_register_for_it():
    # This academic year's period is closed, so schools register for the one that is open.
    open_period(THIS_YEAR, enabled=False)
    open_period(NEXT_YEAR)
    assert contract_period_for_registration(in_year(7, 1)).year == NEXT_YEAR
    assert contract_period_for_registration(datetime.date(THIS_YEAR, 12, 1)).year == NEXT_YEAR


def test_a_period_with_frozen_payments_takes_no_new_registrations():
    frozen = open_period(THIS_YEAR)
    frozen.payments_frozen_at = moment(in_year(7, 31), 17)
    frozen.save()
    assert contract_period_for_registration(in_year(10, 1)) is None
    open_period(NEXT_YEAR)
    assert contract_period_for_registration(in_year(10, 1)).year == NEXT_YEAR
