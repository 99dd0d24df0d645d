"""A lead provider's contract period to declare in, for the finance tests.

`world` is this year's period (from 2025: ECTs banded, mentors at a flat rate), on the tests'
day, 20 November. `two_statements` is `world` with two statements of declarations, clawbacks
and an adjustment (tests/finance/test_statement_counts.py works its figures out by hand).
`uplift_world` is 2024's, the last period paying uplifts (a fact of history, not a date bomb),
with the clock moved to 20 November 2024 so declarations can be made in it. Each has monthly
statements and a contract with small bands (tests/finance/helpers.py)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

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
    UserFactory,
)
from tests.finance.helpers import add_contract, pay


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


def new_world(year: int) -> World:
    active = ActiveLeadProviderFactory(
        lead_provider__name="Ambition Institute", contract_period=ContractPeriodFactory(year=year)
    )
    services.add_statements(active)
    add_contract(active)
    return World(active)


@pytest.fixture
def world(db) -> World:
    return new_world(THIS_YEAR)


@pytest.fixture
def uplift_world(db, service_clock) -> World:
    service_clock.move_to(moment(datetime.date(LAST_YEAR_WITH_UPLIFTS, 11, 20)))
    return new_world(LAST_YEAR_WITH_UPLIFTS)


@pytest.fixture
def two_statements(world):
    """This year (ECTs banded, mentors at a flat rate). November: three ECTs and a mentor start,
    and November is paid. Then three more ECTs start (on December's statement, the next open
    one), another is declared and voided before it is paid, one of November's is voided (so
    clawed back on December's), and finance adjusts December by £25.50. Besides: an ECT at a
    school not funded (no payment), and another provider's ECT on its own statement."""
    school = world.school()
    november_ects = [world.ect(school) for _ in range(3)]
    for ect in november_ects:
        world.declare(ect)
    world.declare(world.mentor(school), mentor=True)
    world.declare(world.ect(world.school(funded=False)))
    other = World(ActiveLeadProviderFactory(contract_period_id=world.year))
    services.add_statements(other.active)
    add_contract(other.active)
    other.declare(other.ect(other.school()))
    pay(world.statement(11))

    for _ in range(3):
        world.declare(world.ect(school))
    world.void(world.declare(world.ect(school)))
    world.void(Declaration.objects.get(teacher=november_ects[0]))
    services.add_adjustment(
        statement=world.statement(12),
        name="Late data",
        amount=Decimal("25.50"),
        reason="Two participants' data arrived after the deadline.",
        by=UserFactory(is_staff=True),
    )
    return world
