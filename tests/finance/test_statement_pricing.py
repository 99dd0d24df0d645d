"""What each declaration on a statement is worth (finance.queries.StatementPricing, decision
0035: a declaration is worth a figure in pence, so the declarations CSV adds up to the
statement), a provider's statements calculated together (period_calculations), the state
finance pages show, and finance staff voiding a declaration.

The worked example (2024, ECTs and mentors filling one set of small bands, £50 uplift): bands
A 1–2, B 3–4, C 5–6 pay started £120, £96, £60; beyond C nothing.
- November (paid): five started, in order: ECT (flagged school), ECT, mentor (flagged), ECT,
  ECT: places 1–5, A A B B C = £120 + £120 + £96 + £96 + £60 = £492; two uplifts £100.
- December: three more started (places 6, 7, 8: C, beyond, beyond = £60), and four of
  November's voided (the first four), clawed back off the top: places 8, 7, 6, 5 = beyond,
  beyond, C, C = −£120; the two uplifts among them back: −£100."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from api.resources import declaration_state as api_state
from audit.models import Event
from finance import queries, services
from finance.calculator import BEYOND, RowKind
from finance.models import ClawbackStatus, Declaration, PaymentStatus
from tests.admin.conftest import staff_in
from tests.dates import moment
from tests.factories import ActiveLeadProviderFactory, UserFactory
from tests.finance.conftest import World
from tests.finance.helpers import add_contract, pay

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def crossing(uplift_world: World) -> World:
    """The worked example above."""
    world = uplift_world
    flagged, plain = world.school(flagged=True), world.school()
    november = [
        world.declare(world.ect(flagged)),
        world.declare(world.ect(plain)),
        world.declare(world.mentor(flagged), mentor=True),
        world.declare(world.ect(plain)),
        world.declare(world.ect(plain)),
    ]
    pay(world.statement(11))
    for _ in range(3):
        world.declare(world.ect(plain))
    for declaration in november[:4]:
        world.void(declaration)
    return world


def amounts(
    statement,
) -> tuple[queries.StatementPricing, list[tuple[Declaration, queries.DeclarationAmount]]]:
    pricing = queries.StatementPricing(statement, queries.calculate(statement))
    return pricing, [
        (declaration, pricing.of(declaration)) for declaration in queries.on_statement(statement)
    ]


def test_each_declaration_takes_its_place_in_the_bands_in_the_order_made(crossing):
    _pricing, november = amounts(crossing.statement(11))
    assert [(amount.band, amount.output, amount.uplift) for _d, amount in november] == [
        ("A", D("120.00"), D("50.00")),
        ("A", D("120.00"), D("0.00")),
        ("B", D("96.00"), D("50.00")),
        ("B", D("96.00"), D("0.00")),
        ("C", D("60.00"), D("0.00")),
    ]


def test_clawbacks_come_off_the_top_and_take_their_uplifts_back(crossing):
    _pricing, december = amounts(crossing.statement(12))
    clawbacks = [amount for declaration, amount in december if amount.on_statement == "clawback"]
    # The first of November's comes off the top: place 8 (beyond), then 7 (beyond), 6 and 5 (C).
    assert [(amount.band, amount.output, amount.uplift) for amount in clawbacks] == [
        (BEYOND, D("0.00"), D("-50.00")),
        (BEYOND, D("0.00"), D("0.00")),
        ("C", D("-60.00"), D("-50.00")),
        ("C", D("-60.00"), D("0.00")),
    ]
    paid = [amount for declaration, amount in december if amount.on_statement == "output"]
    assert [(amount.band, amount.amount) for amount in paid] == [
        ("C", D("60.00")),
        (BEYOND, D("0.00")),
        (BEYOND, D("0.00")),
    ]


@pytest.mark.parametrize("month", [11, 12])
def test_the_declarations_add_up_to_the_statement(crossing, month):
    statement = crossing.statement(month)
    totals = queries.calculate(statement).totals
    _pricing, priced = amounts(statement)
    assert sum((amount.amount for _d, amount in priced), D(0)) == (
        totals.output_fees + totals.uplifts + totals.clawbacks
    )
    assert (totals.output_fees, totals.uplifts, totals.clawbacks) == (
        (D("492.00"), D("100.00"), D("0.00")) if month == 11 else (D("60.00"), D("0.00"), D("-220.00"))
    )


@pytest.mark.parametrize("fixture", ["crossing", "two_statements"])
@pytest.mark.parametrize("month", [11, 12])
def test_each_line_is_its_declarations(request, fixture, month):
    """Every line of the calculation with a count is the declarations `behind` it: as many, and
    worth its amount between them (the output part for output and clawback lines, the uplift
    part for uplift lines)."""
    statement = request.getfixturevalue(fixture).statement(month)
    calculation = queries.calculate(statement)
    pricing = queries.StatementPricing(statement, calculation)
    for row in calculation.rows:
        if not row.count:
            continue
        behind = list(queries.on_statement(statement).filter(pricing.behind(queries.row_key(row))))
        assert len(behind) == row.count, row
        part = "uplift" if row.kind in (RowKind.UPLIFT, RowKind.UPLIFT_CLAWBACK) else "output"
        assert sum((getattr(pricing.of(declaration), part) for declaration in behind), D(0)) == row.amount, (
            row
        )


def test_a_line_it_does_not_have_is_nobody(crossing):
    statement = crossing.statement(12)
    pricing = queries.StatementPricing(statement, queries.calculate(statement))
    for key in ("output:started:A", "output:started:flat", "nonsense", "output:nonsense:A", "uplift"):
        assert not queries.on_statement(statement).filter(pricing.behind(key)).exists(), key


def test_a_paid_statement_prices_its_declarations_as_paid(crossing):
    """November is paid: its declarations keep their bands though four were clawed back since."""
    november = crossing.statement(11)
    _pricing, priced = amounts(november)
    assert sum((amount.amount for _d, amount in priced), D(0)) == D("592.00")


def test_a_statement_without_a_calculation_prices_nothing(world):
    statement = world.statement(11)
    world.declare(world.ect(world.school()))
    pricing = queries.StatementPricing(statement, None)
    declaration = queries.on_statement(statement).get()
    assert pricing.of(declaration).amount == D("0.00")


# --- A provider's statements calculated together ----------------------------------------------------


@pytest.mark.parametrize("fixture", ["crossing", "two_statements"])
def test_a_periods_statements_calculated_together_are_as_calculated_one_by_one(
    request, fixture, django_assert_num_queries
):
    world = request.getfixturevalue(fixture)
    with django_assert_num_queries(8):
        together = queries.period_calculations(world.active)
    assert len(together) == 36
    for statement, calculation in together:
        assert calculation == queries.calculate(statement), statement


def test_a_statement_before_the_first_contract_version_has_no_calculation(world):
    """A provider whose first contract version is in force from 1 December: November has none."""
    active = ActiveLeadProviderFactory(contract_period_id=world.year)
    services.add_statements(active)
    add_contract(active, in_force_from=datetime.date(world.year, 12, 1))
    together = {
        statement.month: calculation for statement, calculation in queries.period_calculations(active)[:7]
    }
    assert together[11] is None
    assert together[12].totals.service_fee == D("100.00")


# --- States --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_after_test_day", "payable"), [(0, False), (11, False), (45, True)])
def test_the_state_in_sql_is_the_apis(two_statements, service_clock, days_after_test_day, payable):
    """On 4 January the daily task has made December's statement payable (its deadline was 31
    December), so its eligible declarations are payable; before then they are eligible."""
    from tests.dates import TEST_DAY

    world = two_statements
    world.declare(world.ect(world.school(funded=False)), declaration_type="started")  # submitted
    day = TEST_DAY + datetime.timedelta(days=days_after_test_day)
    service_clock.move_to(moment(day))
    services.mark_payable(today=day)
    declarations = Declaration.objects.annotate(sql_state=queries.declaration_state()).select_related(
        "payment_statement"
    )
    states = {(declaration.sql_state, api_state(declaration)) for declaration in declarations}
    assert all(ours == theirs for ours, theirs in states), states
    assert {ours for ours, _ in states} >= {"submitted", "paid", "voided", "awaiting-clawback"}
    december = {
        declaration.sql_state
        for declaration in declarations.filter(
            payment_statement=world.statement(12), payment_status="eligible"
        )
    }
    assert december == ({"payable"} if payable else {"eligible"})


# --- Finance staff voiding a declaration --------------------------------------------------------------


def test_staff_void_an_unpaid_declaration_with_their_reason(world):
    declaration = world.declare(world.ect(world.school()))
    staff = UserFactory(is_staff=True)

    voided = services.void_by_staff(declaration=declaration, by=staff, reason="  Declared in error.  ")

    assert (voided.payment_status, voided.clawback_status) == (
        PaymentStatus.VOIDED,
        ClawbackStatus.NO_CLAWBACK,
    )
    event = Event.objects.get(event_type="declaration_voided", subject_id=declaration.pk)
    assert (event.actor_user, event.reason, event.lead_provider) == (
        staff,
        "Declared in error.",
        world.lead_provider,
    )
    assert event.heading == "DfE finance voided a started declaration"


def test_staff_void_of_a_paid_declaration_claws_it_back_on_the_next_open_statement(world):
    declaration = world.declare(world.ect(world.school()))
    pay(world.statement(11))

    clawed = services.void_by_staff(
        declaration=declaration, by=UserFactory(is_staff=True), reason="Duplicate"
    )

    assert (clawed.payment_status, clawed.clawback_status, clawed.clawback_statement) == (
        PaymentStatus.PAID,
        ClawbackStatus.AWAITING_CLAWBACK,
        world.statement(12),
    )
    assert (
        Event.objects.get(event_type="declaration_clawback", subject_id=declaration.pk).reason == "Duplicate"
    )
    # Priced on December as the provider's own void would be: off the top, at A's rate.
    assert queries.calculate(world.statement(12)).totals.clawbacks == D("-120.00")


def test_staff_void_needs_a_reason_and_a_declaration_still_live(world, service_clock):
    declaration = world.declare(world.ect(world.school()))
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.VoidRefused) as refused:
        services.void_by_staff(declaration=declaration, by=staff, reason=" ")
    assert refused.value.problems == [("reason", "Enter why you are voiding the declaration.")]

    services.void_by_staff(declaration=declaration, by=staff, reason="Wrong participant")
    with pytest.raises(services.VoidRefused) as refused:
        services.void_by_staff(declaration=declaration, by=staff, reason="Again")
    assert refused.value.problems == [("declaration", "This declaration has already been voided.")]

    paid = world.declare(world.ect(world.school()))
    pay(world.statement(11))
    # After the period's last statement, there is nowhere to claw it back.
    service_clock.move_to(moment(datetime.date(world.year + 3, 7, 1)))
    with pytest.raises(services.VoidRefused) as refused:
        services.void_by_staff(declaration=paid, by=staff, reason="Late")
    assert refused.value.problems == [
        ("declaration", "There is no open statement to claw this declaration back on.")
    ]


@pytest.mark.parametrize("month", [11, 12])
def test_the_declarations_csv_adds_up_to_the_statement(client, crossing, month):
    """Through the page: the CSV's amounts are the statement's total less its service fee,
    adjustments and VAT (£592.00 in November; −£160.00 in December)."""
    statement = crossing.statement(month)
    if month == 12:
        services.add_adjustment(
            statement=statement, name="Late", amount=D("10.00"), reason="Late", by=UserFactory()
        )
    client.force_login(staff_in("finance"))
    response = client.get(reverse("finance_statement_declarations_csv", args=[statement.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    totals = queries.calculate(statement).totals
    paid = sum((D(row["Amount (£)"]) for row in rows), D(0))
    assert paid == totals.total_before_vat - totals.service_fee - totals.adjustments
    assert paid == (D("592.00") if month == 11 else D("-160.00"))
    assert sum((D(row["Uplift (£)"]) for row in rows), D(0)) == totals.uplifts + (
        D("0.00") if month == 11 else D("-100.00")
    )
