"""The payment calculation's properties over random contracts and random declaration histories
(docs/decisions/0035): totals are the sums of their rows; voiding a paid declaration and declaring
it again on one statement changes no money; the bands never overfill, and a period's statements
join up; the same inputs always give the same result. No database."""

import itertools
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from finance.calculator import (
    BEYOND,
    Adjustment,
    Band,
    ContractTerms,
    ContractType,
    Course,
    DeclarationCounts,
    Row,
    RowKind,
    StatementInput,
    UpliftCounts,
    calculate_statement,
)
from finance.calculator.statement import banded_rate

TYPES = ("started", "retained-1", "completed", "extended-1")
FLAT_MENTOR_TYPES = ("started", "completed")


def pence(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda p: Decimal(p).scaleb(-2))


@st.composite
def contracts(draw) -> ContractTerms:
    capacities = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    bands, start = [], draw(st.sampled_from([0, 1]))
    top = 0
    for letter, capacity in zip("ABCD", capacities, strict=False):
        bands.append(Band(letter, start, top + capacity, draw(pence(1, 200_000))))
        top += capacity
        start = top + 1
    contract_type = draw(st.sampled_from(list(ContractType)))
    flat = contract_type == ContractType.ECTS_BANDED_MENTORS_FLAT
    return ContractTerms(
        type=contract_type,
        recruitment_target=draw(st.integers(0, 20)),
        set_up_fee=draw(pence(0, 100_000)),
        monthly_service_fee=draw(st.none() | pence(0, 500_000)),
        uplift_amount=draw(st.none() | pence(0, 20_000)),
        vat_applicable=draw(st.booleans()),
        mentor_flat_rate=draw(pence(1, 200_000)) if flat else None,
        bands=tuple(bands),
    )


@dataclass(frozen=True)
class History:
    """A contract and the inputs of its period's statements, in order."""

    terms: ContractTerms
    statements: tuple[StatementInput, ...]


@st.composite
def histories(draw) -> History:
    """Statements in order; on each, new declarations of each course and type, and clawbacks of
    some of those paid on earlier statements and not yet clawed back."""
    terms = draw(contracts())
    keys = [
        (course, declaration_type)
        for course in Course
        for declaration_type in TYPES
        if not (
            terms.pays_mentors_flat and course == Course.MENTOR and declaration_type not in FLAT_MENTOR_TYPES
        )
    ]
    earlier = {key: [0, 0] for key in keys}
    statements = []
    for _ in range(draw(st.integers(1, 5))):
        declarations, uplifts = [], []
        for course, declaration_type in keys:
            live = earlier[(course, declaration_type)][0] - earlier[(course, declaration_type)][1]
            billable = draw(st.integers(0, 4))
            refundable = draw(st.integers(0, live))
            declarations.append(
                DeclarationCounts(
                    course, declaration_type, billable, refundable, *earlier[(course, declaration_type)]
                )
            )
            if declaration_type == "started":
                uplifts.append(
                    UpliftCounts(course, draw(st.integers(0, billable)), draw(st.integers(0, refundable)))
                )
        adjustments = draw(st.lists(pence(-100_000, 100_000).filter(bool), max_size=2))
        statements.append(
            StatementInput(
                declarations=tuple(declarations),
                uplifts=tuple(uplifts),
                adjustments=tuple(
                    Adjustment(f"Adjustment {n}", amount) for n, amount in enumerate(adjustments)
                ),
            )
        )
        for counts in declarations:
            earlier[(counts.course, counts.declaration_type)][0] += counts.billable
            earlier[(counts.course, counts.declaration_type)][1] += counts.refundable
    return History(terms, tuple(statements))


def signed(row: Row) -> Decimal:
    """count × rate, taken off for a clawback."""
    return row.count * row.rate * (-1 if row.kind in (RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK) else 1)


@given(histories())
@settings(max_examples=200, deadline=None)
def test_totals_are_the_sums_of_their_rows(history):
    for statement in history.statements:
        calculation = calculate_statement(history.terms, statement)
        totals = calculation.totals

        def amounts(*kinds, calculation=calculation):
            return sum((row.amount for row in calculation.rows_of(*kinds)), Decimal(0))

        assert totals.output_fees == amounts(RowKind.OUTPUT)
        assert totals.uplifts == amounts(RowKind.UPLIFT)
        assert totals.clawbacks == amounts(RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK)
        assert totals.service_fee == amounts(RowKind.SERVICE_FEE)
        assert totals.adjustments == amounts(RowKind.ADJUSTMENT)
        assert totals.total_before_vat == sum((row.amount for row in calculation.rows), Decimal(0))
        assert totals.total_before_vat == (
            totals.output_fees + totals.uplifts + totals.clawbacks + totals.service_fee + totals.adjustments
        )
        assert totals.total == totals.total_before_vat + totals.vat
        for row in calculation.rows:
            assert row.amount == row.amount.quantize(Decimal("0.01")), "every amount is in whole pence"
            if row.count is not None:
                assert row.amount == signed(row), "a row is its count times its rate"


@given(histories(), st.data())
@settings(max_examples=200, deadline=None)
def test_voiding_a_paid_declaration_and_declaring_it_again_on_one_statement_changes_no_money(history, data):
    """The voided one was paid on an earlier statement: it is clawed back here, and its
    replacement is billable here. The replacement goes on top of the stack and the clawback takes
    the top one off, so the two rows cancel at the same rate."""
    index = data.draw(st.integers(0, len(history.statements) - 1))
    statement = history.statements[index]
    paid_before = [
        c for c in statement.declarations if c.earlier_billable - c.earlier_refundable - c.refundable > 0
    ]
    assume(paid_before)
    voided = data.draw(st.sampled_from(paid_before))
    with_uplift = voided.declaration_type == "started" and data.draw(st.booleans())
    again = replace(voided, billable=voided.billable + 1, refundable=voided.refundable + 1)
    uplifts = statement.uplifts
    if with_uplift:
        uplifts = tuple(
            replace(u, billable=u.billable + 1, refundable=u.refundable + 1)
            if u.course == voided.course
            else u
            for u in uplifts
        )
    declarations = tuple(again if c is voided else c for c in statement.declarations)
    redeclared = replace(statement, declarations=declarations, uplifts=uplifts)

    before = calculate_statement(history.terms, statement)
    after = calculate_statement(history.terms, redeclared)

    assert after.totals.output_fees + after.totals.clawbacks + after.totals.uplifts == (
        before.totals.output_fees + before.totals.clawbacks + before.totals.uplifts
    )
    assert after.totals.total == before.totals.total
    assert [f.closing for f in after.band_fill] == [f.closing for f in before.band_fill]


@given(histories())
@settings(max_examples=200, deadline=None)
def test_bands_never_overfill_and_hold_the_first_of_the_live_declarations(history):
    """Beyond the top band's max, declarations go in the unpaid overflow: the bands hold the
    first (up to their capacity) of the period's live declarations of each type."""
    terms = history.terms
    for statement in history.statements:
        calculation = calculate_statement(terms, statement)
        for declaration_type in TYPES:
            bands = calculation.fill_for(declaration_type)
            live = sum(
                c.earlier_billable - c.earlier_refundable + c.billable - c.refundable
                for c in statement.declarations
                if c.declaration_type == declaration_type and c.course in terms.banded_courses
            )
            for band in bands:
                assert band.opening >= 0 and band.closing >= 0
                if band.capacity is not None:
                    assert band.opening <= band.capacity and band.closing <= band.capacity
                    assert band.added <= band.capacity - band.opening
            in_bands = sum(band.closing for band in bands if band.band != BEYOND)
            assert in_bands == min(live, terms.top_of_bands)
            assert sum(band.closing for band in bands) == live
            beyond = bands[-1]
            assert beyond.band == BEYOND
            if beyond.closing:
                assert all(band.closing == band.capacity for band in bands[:-1])


@given(histories())
@settings(max_examples=200, deadline=None)
def test_a_periods_statements_join_up_and_pay_the_bands_value_of_the_live_declarations(history):
    """Each statement starts each band where the last one left it; and over the period, output
    fees less output clawbacks come to each band's rate times the live declarations it holds."""
    terms = history.terms
    calculations = [calculate_statement(terms, statement) for statement in history.statements]
    for before, after in itertools.pairwise(calculations):
        assert [f.opening for f in after.band_fill] == [f.closing for f in before.band_fill]

    last = calculations[-1]
    prices = {band.letter: band for band in terms.bands}
    banded = [row for c in calculations for row in c.rows_of(RowKind.OUTPUT, RowKind.CLAWBACK) if row.band]
    paid = sum((row.amount for row in banded), Decimal(0))
    value_of_live = sum(
        (
            fill.closing * banded_rate(prices[fill.band], fill.declaration_type)
            for fill in last.band_fill
            if fill.band != BEYOND
        ),
        Decimal(0),
    )
    assert paid == value_of_live


@given(histories(), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_the_same_inputs_always_give_the_same_result(history, shuffler: random.Random):
    for statement in history.statements:
        shuffled = list(statement.declarations)
        shuffler.shuffle(shuffled)
        first = calculate_statement(history.terms, statement)

        assert calculate_statement(history.terms, statement) == first
        assert calculate_statement(history.terms, replace(statement, declarations=tuple(shuffled))) == first
