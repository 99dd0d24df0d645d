"""The statement lifecycle: open (declarations attach to the provider's next open statement of
their period), payable (the daily task, after the deadline), paid (finance authorises it, and
what it paid is written down for good); adjustments; and the database keeping the same rules."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from audit.models import Event
from finance import queries, services, snapshots, tasks
from finance.models import ClawbackStatus, Declaration, PaymentStatus, Statement, StatementAdjustment
from providers.models import ContractPeriod
from tests.dates import TEST_DAY, moment
from tests.factories import UserFactory
from tests.finance.helpers import add_contract, pay

pytestmark = pytest.mark.django_db


@contextmanager
def _violates(constraint: str):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        yield
    assert refused.value.__cause__.diag.constraint_name == constraint


def _fresh(statement: Statement) -> Statement:
    return Statement.objects.get(pk=statement.pk)


# --- Where a declaration goes ------------------------------------------------------------------


def test_a_declaration_attaches_to_the_next_open_statement_by_the_day_it_is_made(world):
    """Dated 1 October, made on 20 November: November's statement, the first open one."""
    declaration = world.declare(world.ect(world.school()))
    assert (declaration.payment_status, declaration.payment_statement) == (
        PaymentStatus.ELIGIBLE,
        world.statement(TEST_DAY.month),
    )


def test_a_payable_statement_takes_no_more_declarations(world, service_clock):
    """November's deadline has passed and it is payable: a declaration made on 1 December goes
    on December's statement."""
    school = world.school()
    service_clock.move_to(moment(datetime.date(world.year, 12, 1)))
    services.mark_payable(today=datetime.date(world.year, 12, 1))

    declaration = world.declare(world.ect(school))

    assert declaration.payment_statement == world.statement(12)


def test_a_period_whose_payments_are_frozen_takes_no_declarations(world):
    ect = world.ect(world.school())
    ContractPeriod.objects.filter(year=world.year).update(payments_frozen_at=moment(TEST_DAY))

    with pytest.raises(services.DeclarationRefused, match="closed"):
        world.declare(ect)
    assert not Declaration.objects.exists()


def test_voiding_a_paid_declaration_claws_it_back_on_the_next_open_statement(world):
    declaration = world.declare(world.ect(world.school()))
    pay(declaration.payment_statement)

    clawed_back = world.void(declaration)

    assert (clawed_back.payment_status, clawed_back.clawback_status) == (
        PaymentStatus.PAID,
        ClawbackStatus.AWAITING_CLAWBACK,
    )
    assert clawed_back.payment_statement == world.statement(11)
    assert clawed_back.clawback_statement == world.statement(12)


def test_voiding_an_unpaid_declaration_on_a_payable_statement_voids_it(world):
    declaration = world.declare(world.ect(world.school()))
    services.mark_payable(today=datetime.date(world.year, 12, 1))

    voided = world.void(declaration)

    assert (voided.payment_status, voided.clawback_status) == (
        PaymentStatus.VOIDED,
        ClawbackStatus.NO_CLAWBACK,
    )


# --- Payable ----------------------------------------------------------------------------------------


def test_statements_past_their_deadline_become_payable_once(world):
    december_first = datetime.date(world.year, 12, 1)
    made_payable = services.mark_payable(today=december_first)

    payable = Statement.objects.filter(active_lead_provider=world.active, marked_payable_at__isnull=False)
    # June to November of the period.
    assert made_payable == 6
    assert sorted(payable.values_list("month", flat=True)) == [6, 7, 8, 9, 10, 11]
    assert world.statement(11).status == "payable"
    assert world.statement(12).status == "open"
    assert Event.objects.filter(event_type="statement_payable").count() == 6
    assert services.mark_payable(today=december_first) == 0


def test_the_daily_task_marks_by_todays_date(world, service_clock):
    service_clock.move_to(moment(datetime.date(world.year, 12, 1), hour=0, minute=15))
    tasks.mark_statements_payable()
    assert world.statement(11).status == "payable"
    assert world.statement(12).status == "open"


def test_celery_beat_runs_the_task_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE["mark-statements-payable"]
    assert schedule["task"] == "finance.tasks.mark_statements_payable"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({0}, {15})


# --- Paid -------------------------------------------------------------------------------------------


def test_only_a_payable_statement_is_authorised(world):
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.StatementRefused, match="not payable yet"):
        services.authorise_for_payment(statement=world.statement(11), by=staff)
    pay(world.statement(11))
    with pytest.raises(services.StatementRefused, match="already been authorised"):
        services.authorise_for_payment(statement=world.statement(11), by=staff)


def test_no_statement_is_paid_without_a_contract_in_force_on_its_deadline(world):
    """The contract is in force from 1 June: a statement before it (a made-up May one) has none."""
    stray = Statement.objects.create(
        active_lead_provider=world.active,
        year=world.year,
        month=5,
        deadline_date=datetime.date(world.year, 5, 31),
        payment_date=datetime.date(world.year, 6, 25),
    )
    services.mark_payable(today=datetime.date(world.year, 6, 1))
    with pytest.raises(services.StatementRefused, match="no contract in force"):
        services.authorise_for_payment(statement=stray, by=UserFactory(is_staff=True))
    with pytest.raises(queries.NoContractInForce):
        queries.calculate(stray)


def test_authorising_writes_down_what_is_paid_with_who_and_when(world):
    school = world.school()
    first = world.declare(world.ect(school))
    world.declare(world.ect(school))
    earlier = world.declare(world.ect(school))
    pay(earlier.payment_statement)
    world.void(first)  # clawed back on December's
    december = world.statement(12)
    services.mark_payable(today=datetime.date(world.year + 1, 1, 1))
    expected = queries.calculate(december)
    staff = UserFactory(is_staff=True)

    paid = services.authorise_for_payment(statement=december, by=staff)

    assert (paid.status, paid.paid_by, paid.paid_at is not None) == ("paid", staff, True)
    assert snapshots.from_json(_fresh(paid).calculation) == expected
    assert snapshots.contract_of(paid.calculation) == (queries.contract_for(december).pk, 1)
    assert Declaration.objects.get(pk=first.pk).clawback_status == ClawbackStatus.CLAWED_BACK
    event = Event.objects.get(event_type="statement_authorised_for_payment", subject_id=december.pk)
    assert (event.actor_user, event.changes["total"]) == (staff, ["", str(expected.totals.total)])


def test_a_paid_statement_never_changes_whatever_happens_afterwards(world):
    """Paid in November with three started (A, A, B: £336) and the £100 service fee. Afterwards
    one is voided, more are declared, a new contract version doubles the fee from December, and
    someone even alters a paid declaration's row: November still pays £436."""
    school = world.school()
    declarations = [world.declare(world.ect(school)) for _ in range(3)]
    november = pay(world.statement(11))
    paid = queries.calculate(_fresh(november))
    assert paid.totals.total == Decimal("436.00")

    world.void(declarations[0])
    world.declare(world.ect(school))
    add_contract(
        world.active, in_force_from=datetime.date(world.year, 12, 1), monthly_service_fee=Decimal("200")
    )
    Declaration.objects.filter(pk=declarations[1].pk).update(
        payment_status=PaymentStatus.VOIDED, voided_at=moment(TEST_DAY)
    )

    assert queries.calculate(_fresh(november)) == paid
    assert queries.contract_for(_fresh(november)).version == 1


# --- Adjustments ------------------------------------------------------------------------------------


def test_adjustments_on_an_open_or_payable_statement_count_in_its_total(world):
    staff = UserFactory(is_staff=True)
    november = world.statement(11)
    services.add_adjustment(
        statement=november, name="Late data", amount=Decimal("250.00"), reason="Agreed", by=staff
    )
    services.mark_payable(today=datetime.date(world.year, 12, 1))
    services.add_adjustment(
        statement=november, name="Overpayment in October", amount=Decimal("-75.25"), reason="Agreed", by=staff
    )

    calculation = queries.calculate(_fresh(november))

    assert [(row.description, row.amount) for row in calculation.rows if row.kind == "adjustment"] == [
        ("Late data", Decimal("250.00")),
        ("Overpayment in October", Decimal("-75.25")),
    ]
    assert calculation.totals.adjustments == Decimal("174.75")
    assert calculation.totals.total == Decimal("274.75")  # with the £100 service fee
    assert Event.objects.filter(event_type="statement_adjustment_added").count() == 2


def test_an_adjustment_is_named_with_a_reason_in_whole_pence_and_not_zero(world):
    with pytest.raises(services.StatementRefused) as refused:
        services.add_adjustment(
            statement=world.statement(11), name=" ", amount=Decimal("0.001"), reason="", by=UserFactory()
        )
    assert {field for field, _ in refused.value.problems} == {"name", "amount", "reason"}
    with pytest.raises(services.StatementRefused, match="other than 0"):
        services.add_adjustment(
            statement=world.statement(11), name="Nothing", amount=Decimal("0"), reason="x", by=UserFactory()
        )
    assert not StatementAdjustment.objects.exists()


def test_a_paid_statements_adjustments_never_change(world):
    staff = UserFactory(is_staff=True)
    november = world.statement(11)
    adjustment = services.add_adjustment(
        statement=november, name="Late data", amount=Decimal("10.00"), reason="Agreed", by=staff
    )
    pay(november)

    with pytest.raises(services.StatementRefused, match="has been paid"):
        services.add_adjustment(statement=november, name="More", amount=Decimal("1.00"), reason="x", by=staff)
    with pytest.raises(services.StatementRefused, match="has been paid"):
        services.remove_adjustment(adjustment=adjustment, by=staff)
    with _violates("adjustment_on_an_unpaid_statement"):
        StatementAdjustment.objects.create(
            statement=november, name="More", amount=Decimal("1.00"), reason="x", created_by=staff
        )
    with _violates("adjustment_on_an_unpaid_statement"):
        StatementAdjustment.objects.filter(pk=adjustment.pk).delete()


def test_an_adjustment_can_be_taken_off_before_it_is_paid(world):
    staff = UserFactory(is_staff=True)
    adjustment = services.add_adjustment(
        statement=world.statement(11), name="Late data", amount=Decimal("10.00"), reason="Agreed", by=staff
    )
    services.remove_adjustment(adjustment=adjustment, by=staff, reason="Typed on the wrong statement")
    assert queries.calculate(world.statement(11)).totals.adjustments == Decimal("0.00")


# --- The database keeps the lifecycle ---------------------------------------------------------------


def test_the_database_refuses_a_paid_statement_without_its_calculation_or_before_payable(world):
    with _violates("statement_paid_when_payable_with_its_calculation"):
        Statement.objects.filter(pk=world.statement(11).pk).update(paid_at=moment(TEST_DAY))
    with _violates("statement_paid_when_payable_with_its_calculation"):
        Statement.objects.filter(pk=world.statement(11).pk).update(
            paid_at=moment(TEST_DAY), calculation={"format": 1}
        )


def test_the_database_keeps_a_statement_moving_forward(world):
    november = pay(world.statement(11))
    with _violates("statement_moves_forward"):
        Statement.objects.filter(pk=november.pk).update(calculation={"format": 1, "rows": []})
    with _violates("statement_moves_forward"):
        Statement.objects.filter(pk=november.pk).update(paid_at=None, paid_by=None, calculation=None)
    with _violates("statement_moves_forward"):
        Statement.objects.filter(pk=november.pk).update(marked_payable_at=None)


def test_the_database_puts_declarations_only_on_open_statements(world):
    """However a declaration is written, it is not paid or clawed back on a statement that is
    payable or paid: none lands on one authorised meanwhile."""
    declaration = world.declare(world.ect(world.school()))
    november = pay(world.statement(11))
    fields = {
        field.attname: getattr(declaration, field.attname)
        for field in Declaration._meta.concrete_fields
        if field.attname not in ("id", "api_id")
    }
    with _violates("declaration_on_an_open_statement"):
        Declaration.objects.create(
            **{**fields, "declaration_type": "retained-1", "payment_status": PaymentStatus.ELIGIBLE}
        )
    services.mark_payable(today=datetime.date(world.year + 1, 1, 1))  # December too
    with _violates("declaration_on_an_open_statement"):
        Declaration.objects.filter(pk=declaration.pk).update(
            clawback_status=ClawbackStatus.AWAITING_CLAWBACK, clawback_statement=world.statement(12)
        )
    assert Declaration.objects.get(pk=declaration.pk).payment_statement == november
