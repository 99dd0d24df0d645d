"""A lead provider's contract period to declare in, for the finance tests.

`world` is this year's period (from 2025: ECTs banded, mentors at a flat rate), on the tests'
day, 20 November. `uplift_world` is 2024's, the last period paying uplifts (a fact of history,
not a date bomb), with the clock moved to 20 November 2024 so declarations can be made in it.
Each has monthly statements and a contract with small bands (tests/finance/helpers.py)."""

import datetime
from dataclasses import dataclass

import pytest

from finance import services
from finance.models import Declaration, Statement
from participants.models import Teacher
from providers.models import LAST_YEAR_WITH_UPLIFTS, ActiveLeadProvider, SchoolPartnership
from schools.models import SchoolFundingFlags
from tests.dates import THIS_YEAR, moment
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TrainingPeriodFactory,
)
from tests.finance.helpers import add_contract


@dataclass
class World:
    """One lead provider in one contract period, with its statements and its contract."""

    active: ActiveLeadProvider

    @property
    def year(self) -> int:
        return self.active.contract_period_id

    @property
    def lead_provider(self):
        return self.active.lead_provider

    def school(self, *, flagged: bool = False, funded: bool = True) -> SchoolPartnership:
        """A school in partnership with the provider this period; `flagged` for pupil premium."""
        school = SchoolFactory(eligible_for_funding=funded)
        if flagged:
            SchoolFundingFlags.objects.create(school=school, contract_period_id=self.year, pupil_premium=True)
        delivery = LeadProviderDeliveryPartnershipFactory(active_lead_provider=self.active)
        return SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=delivery)

    def ect(self, partnership: SchoolPartnership) -> Teacher:
        period = ECTAtSchoolPeriodFactory(
            school=partnership.school, started_on=datetime.date(self.year, 9, 1)
        )
        TrainingPeriodFactory(ect_at_school_period=period, school_partnership=partnership)
        return period.teacher

    def mentor(self, partnership: SchoolPartnership) -> Teacher:
        period = MentorAtSchoolPeriodFactory(
            school=partnership.school, started_on=datetime.date(self.year, 9, 1)
        )
        TrainingPeriodFactory(
            ect_at_school_period=None, mentor_at_school_period=period, school_partnership=partnership
        )
        return period.teacher

    def statement(self, month: int) -> Statement:
        """The statement for a month of the period (September to December in its year, January
        to May in the next)."""
        year = self.year if month >= 6 else self.year + 1
        return Statement.objects.get(active_lead_provider=self.active, year=year, month=month)

    def declare(
        self, teacher: Teacher, *, mentor: bool = False, declaration_type: str = "started"
    ) -> Declaration:
        """A started declaration (by default) dated 1 October, made now through the service."""
        return services.declare(
            lead_provider=self.lead_provider,
            teacher=teacher,
            course_identifier="ecf-mentor" if mentor else "ecf-induction",
            declaration_type=declaration_type,
            declaration_date=moment(datetime.date(self.year, 10, 1)),
            evidence_type="training-event-attended",
        )

    def void(self, declaration: Declaration) -> Declaration:
        return services.void(declaration=declaration, lead_provider=self.lead_provider)


def _world(year: int) -> World:
    active = ActiveLeadProviderFactory(
        lead_provider__name="Ambition Institute", contract_period=ContractPeriodFactory(year=year)
    )
    services.add_statements(active)
    add_contract(active)
    return World(active)


@pytest.fixture
def world(db) -> World:
    return _world(THIS_YEAR)


@pytest.fixture
def uplift_world(db, service_clock) -> World:
    service_clock.move_to(moment(datetime.date(LAST_YEAR_WITH_UPLIFTS, 11, 20)))
    return _world(LAST_YEAR_WITH_UPLIFTS)
