"""The demo's declarations and statements: what lead providers would have declared by the seed
day, on the statements open when they declared it, and each statement in the state that day gives
it, paid ones with the calculation written down (demo/declarations.py)."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from core import clock
from finance import queries, snapshots
from finance.calculator import RowKind, calculate_statement
from finance.models import ClawbackStatus, Declaration, PaymentStatus, Statement
from participants.models import TrainingPeriod
from providers.models import ActiveLeadProvider
from tests.dates import TEST_DAY, in_year, moment
from tests.seed.declaration_checks import violations

pytestmark = pytest.mark.django_db

# 20 November: October's statements were authorised on the 18th. 5 December: November's are
# payable, waiting to be authorised on the 18th.
DAYS = [pytest.param(TEST_DAY, id="20 November"), pytest.param(in_year(12, 5), id="5 December")]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("day", DAYS)
def test_declarations_follow_training_and_statements_their_lifecycle(service_clock, day):
    service_clock.move_to(moment(day))
    out = seed()
    assert "copy finance_declaration" in out

    assert violations(clock.today()) == dict.fromkeys(violations(clock.today()), 0)
    # Every active lead provider has its 36 monthly statements, in every state the day allows.
    assert not ActiveLeadProvider.objects.annotate(n=Count("statements")).exclude(n=36).exists()
    states = Counter(statement.status for statement in Statement.objects.all())
    assert states["paid"] and states["open"]
    assert bool(states["payable"]) == (day.day < 18)


def test_the_declarations_are_as_varied_as_training():
    seed()
    declarations = Declaration.objects.all()
    # Most provider-led training through a partnership is declared; roughly as many
    # declarations as milestones reached.
    partnered = TrainingPeriod.objects.filter(school_partnership__isnull=False)
    declared = partnered.filter(declarations__isnull=False).distinct().count()
    assert 0.8 * partnered.count() <= declared <= partnered.count()
    assert 3 * partnered.count() <= declarations.count() <= 6 * partnered.count()
    types = set(declarations.values_list("course_identifier", "declaration_type"))
    assert {("ecf-induction", t) for t in ("started", "retained-4", "completed", "extended-1")} <= types
    assert {("ecf-mentor", t) for t in ("started", "retained-1", "completed")} <= types
    # Some are voided before they are paid, some clawed back after, and some of those declared again.
    assert declarations.filter(payment_status=PaymentStatus.VOIDED).count() > 10
    clawed_back = declarations.exclude(clawback_status=ClawbackStatus.NO_CLAWBACK)
    assert clawed_back.count() > 5
    again = declarations.filter(
        payment_status__in=[PaymentStatus.ELIGIBLE, PaymentStatus.PAID],
        clawback_status=ClawbackStatus.NO_CLAWBACK,
        teacher__declarations__payment_status=PaymentStatus.VOIDED,
    ).count()
    assert again > 0
    # Evidence where the rules ask for it; ECTs' declarations name their mentor that day, mostly.
    assert not declarations.exclude(declaration_type="started").filter(evidence_type="").exists()
    ects = declarations.filter(course_identifier="ecf-induction")
    assert ects.filter(mentor__isnull=False).count() > 0.8 * ects.count()
    assert not declarations.filter(course_identifier="ecf-mentor", mentor__isnull=False).exists()


def test_paid_statements_keep_the_calculation_their_declarations_make_and_totals_add_up():
    """Each paid statement's calculation is what finance.queries would calculate from its
    declarations now (nothing paid on it has changed since), and every total is the sum of its
    rows: for a sample of the paid statements, and for every open one of a provider."""
    seed()
    paid = list(
        Statement.objects.filter(paid_at__isnull=False)
        .annotate(n=Count("declarations") + Count("clawbacks"))
        .order_by("id")
    )
    sample = paid[:: max(1, len(paid) // 60)] + sorted(paid, key=lambda statement: -statement.n)[:5]
    assert any(statement.n for statement in sample)
    for statement in sample:
        contract = queries.contract_in_force(statement.active_lead_provider_id, on=statement.deadline_date)
        again = calculate_statement(queries.contract_terms(contract), queries.statement_input(statement))
        assert snapshots.to_json(again, contract_id=contract.pk, version=contract.version) == (
            statement.calculation
        ), statement
        assert_totals_are_their_rows(queries.calculate(statement))

    busiest = ActiveLeadProvider.objects.annotate(n=Count("statements__declarations")).order_by("-n").first()
    for statement in Statement.objects.filter(active_lead_provider=busiest, paid_at__isnull=True):
        assert_totals_are_their_rows(queries.calculate(statement))
    with_output = Statement.objects.filter(
        Q(declarations__isnull=False), paid_at__isnull=False, active_lead_provider=busiest
    ).first()
    assert queries.calculate(with_output).totals.output_fees > 0


def assert_totals_are_their_rows(calculation):
    totals = calculation.totals

    def sum_of(*kinds):
        return sum((row.amount for row in calculation.rows_of(*kinds)), Decimal(0))

    assert totals.output_fees == sum_of(RowKind.OUTPUT)
    assert totals.service_fee == sum_of(RowKind.SERVICE_FEE)
    assert totals.uplifts == sum_of(RowKind.UPLIFT)
    assert totals.clawbacks == sum_of(RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK)
    assert totals.adjustments == sum_of(RowKind.ADJUSTMENT)
    assert totals.total_before_vat == sum_of(*RowKind)
    assert totals.total == totals.total_before_vat + totals.vat


def test_a_second_run_adds_no_declarations_and_moves_no_statement():
    seed()
    before = (
        Declaration.objects.count(),
        list(Statement.objects.values_list("id", "marked_payable_at", "paid_at")),
    )
    seed()
    assert (
        Declaration.objects.count(),
        list(Statement.objects.values_list("id", "marked_payable_at", "paid_at")),
    ) == before
