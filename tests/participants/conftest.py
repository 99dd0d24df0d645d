"""Fixtures most participants tests share. A file needing a school set up differently (an
induction tutor's, a year set up) overrides `school` itself."""

import datetime

import pytest

from core import clock
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)
from tests.participants.trs_writes import broker_unreachable, queued_updates  # noqa: F401 - fixtures


@pytest.fixture
def this_year():
    """This year's contract period, open for registration."""
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def tutor():
    return UserFactory(full_name="Ada Lovelace", privacy_notice_accepted_at=clock.now())


@pytest.fixture
def school():
    return SchoolFactory(name="Quillfeather Primary School")


@pytest.fixture
def ambition(this_year):
    return ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Ambition Institute")


@pytest.fixture
def ect(school, ambition):
    """Amara Okafor, an ECT at `school` since 1 September this year, training with Ambition Institute."""
    period = ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor"),
        started_on=datetime.date(THIS_YEAR, 9, 1),
        email="amara@example.org",
    )
    TrainingPeriodFactory(ect_at_school_period=period, expression_of_interest=ambition)
    return period
