"""finance.queries: a statement's counts for the calculation, made through the declaration
services on two statements and compared with what was written by hand; the same number of
queries however many declarations; uplifts by one rule; how far a provider has filled its bands."""

import datetime
from decimal import Decimal

import pytest

from api import queries as api_queries
from finance import queries
from finance.calculator import BEYOND, Adjustment, Course, DeclarationCounts, StatementInput, UpliftCounts
from finance.models import Declaration
from providers.models import LAST_YEAR_WITH_UPLIFTS
from schools.models import SchoolFundingFlags
from tests.factories import ActiveLeadProviderFactory, ContractPeriodFactory
from tests.finance.helpers import pay

pytestmark = pytest.mark.django_db

ECT, MENTOR = Course.ECT, Course.MENTOR


def test_counts_on_the_statement_and_the_earlier_ones(two_statements):
    december = two_statements.statement(12)

    assert queries.statement_input(december) == StatementInput(
        declarations=(
            DeclarationCounts(
                ECT, "started", billable=3, refundable=1, earlier_billable=3, earlier_refundable=0
            ),
            DeclarationCounts(MENTOR, "started", billable=0, refundable=0, earlier_billable=1),
        ),
        uplifts=(),
        adjustments=(Adjustment("Late data", Decimal("25.50")),),
    )
    # November keeps its three ECTs billable (one is clawed back on December, not here).
    assert queries.statement_input(two_statements.statement(11)) == StatementInput(
        declarations=(
            DeclarationCounts(ECT, "started", billable=3),
            DeclarationCounts(MENTOR, "started", billable=1),
        )
    )


def test_the_calculation_of_both_statements(two_statements):
    """By hand, small bands A 1–2 £1,000, B 3–4 £800, C 5–6 £500: started pays 12% of the price
    (A £120, B £96, C £60); a mentor's started half of the £1,000 flat rate; £100 a month.
    November: places 1–3 (A, A, B) = £336, a mentor £500, service £100 = £936.
    December: places 4–6 (B, C, C) = £216; the clawback comes off the top (place 6, C) = −£60;
    service £100; adjustment £25.50: £281.50."""
    november = queries.calculate(two_statements.statement(11))
    december = queries.calculate(two_statements.statement(12))

    assert (november.totals.output_fees, november.totals.total) == (Decimal("836.00"), Decimal("936.00"))
    assert december.totals.output_fees == Decimal("216.00")
    assert december.totals.clawbacks == Decimal("-60.00")
    assert december.totals.adjustments == Decimal("25.50")
    assert december.totals.total == Decimal("281.50")
    assert [(row.band, row.count, row.rate) for row in december.rows if row.kind == "clawback"] == [
        ("C", 1, Decimal("60.00"))
    ]


def test_the_contract_used_is_the_one_in_force_on_the_deadline(two_statements):
    assert queries.contract_for(two_statements.statement(12)).version == 1
    assert queries.contract_for(two_statements.statement(11)).version == 1  # as paid


@pytest.mark.parametrize("ects", [2, 9])
def test_a_statement_costs_the_same_queries_however_many_declarations(world, ects, django_assert_num_queries):
    school = world.school(flagged=True)
    for _ in range(ects):
        world.declare(world.ect(school))
    world.declare(world.mentor(school), mentor=True)
    november = pay(world.statement(11))
    for _ in range(ects):
        world.declare(world.ect(school))
    for declaration in Declaration.objects.filter(payment_statement=november)[:2]:
        world.void(declaration)
    december = world.statement(12)

    with django_assert_num_queries(4):  # billable, refundable, uplifts, adjustments
        counted = queries.statement_input(december)
    with django_assert_num_queries(6):  # the contract and its bands, then the same four
        queries.calculate(december)
    with django_assert_num_queries(0):  # read from what was written down when it was paid
        queries.calculate(november)

    assert counted.counts(ECT, "started").billable == ects
    assert counted.counts(ECT, "started").earlier_billable == ects


def test_uplifts_for_started_declarations_at_flagged_schools_in_a_period_that_pays_them(uplift_world):
    """2024: ECTs and mentors fill one set of bands, and a started declaration at a school with a
    pupil premium or sparsity flag in 2024 earns the £50 uplift. November: two ECTs and a mentor
    at a flagged school, an ECT at a school flagged only for 2025. Four started fill places 1–4
    (A £120 ×2, B £96 ×2) = £432, three uplifts £150, service £100: £682. November is paid, then
    one flagged ECT is voided: December claws back the top place (B, −£96) and its uplift (−£50),
    with the service fee £100: −£46."""
    world = uplift_world
    flagged = world.school(flagged=True)
    flagged_next_year = world.school()
    SchoolFundingFlags.objects.create(
        school=flagged_next_year.school,
        contract_period=ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS + 1),
        sparsity=True,
    )
    first, second = world.declare(world.ect(flagged)), world.declare(world.ect(flagged))
    mentor = world.declare(world.mentor(flagged), mentor=True)
    elsewhere = world.declare(world.ect(flagged_next_year))
    november = world.statement(11)

    assert queries.statement_input(november) == StatementInput(
        declarations=(
            DeclarationCounts(ECT, "started", billable=3),
            DeclarationCounts(MENTOR, "started", billable=1),
        ),
        uplifts=(UpliftCounts(ECT, billable=2), UpliftCounts(MENTOR, billable=1)),
    )
    assert queries.calculate(november).totals.total == Decimal("682.00")

    pay(november)
    world.void(first)
    december = world.statement(12)
    assert queries.statement_input(december) == StatementInput(
        declarations=(
            DeclarationCounts(ECT, "started", refundable=1, earlier_billable=3),
            DeclarationCounts(MENTOR, "started", earlier_billable=1),
        ),
        uplifts=(UpliftCounts(ECT, refundable=1),),
    )
    calculation = queries.calculate(december)
    assert (calculation.totals.clawbacks, calculation.totals.total) == (Decimal("-146.00"), Decimal("-46.00"))

    # The API's uplift_paid is the same rule: paid (a clawed-back one stays paid), started, flagged.
    shown = dict(api_queries.declarations(world.lead_provider).values_list("api_id", "uplift_paid"))
    assert shown == {
        first.api_id: True,
        second.api_id: True,
        mentor.api_id: True,
        elsewhere.api_id: False,
    }


def test_no_uplift_in_a_period_from_2025(world):
    school = world.school(flagged=True)
    world.declare(world.ect(school))
    assert queries.statement_input(world.statement(11)).uplifts == ()


def test_band_fill_counts_the_live_declarations_against_the_recruitment_target(
    two_statements, django_assert_num_queries
):
    with django_assert_num_queries(4):
        fill = queries.band_fill(two_statements.active)

    assert fill.recruitment_target == 6
    # Six ECTs started, one clawed back: five live fill A (2), B (2) and C (1 of 2).
    assert [(places.band, places.filled, places.capacity) for places in fill.bands["started"]] == [
        ("A", 2, 2),
        ("B", 2, 2),
        ("C", 1, 2),
        (BEYOND, 0, None),
    ]
    assert fill.participants_started == 5
    assert fill.flat_rate_mentors == {"started": 1}


def test_band_fill_without_a_contract(db):
    active = ActiveLeadProviderFactory()
    fill = queries.band_fill(active, on=datetime.date(active.contract_period_id, 9, 1))
    assert (fill.contract, fill.bands, fill.recruitment_target) == (None, {}, None)
