"""Fixtures the schools tests share: this year's contract period, open for registration, and an
appropriate body to choose."""

import pytest

from tests.dates import THIS_YEAR
from tests.factories import AppropriateBodyFactory, ContractPeriodFactory


@pytest.fixture
def this_year():
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def hub():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")
