"""Totals never change once a statement is paid (issue 18's property), over random histories run
through the services against the database: ECTs and mentors declared, declarations voided before
and after payment (so clawed back), adjustments added, new contract versions in force from later
months, and the months going by, each month's statement made payable by the daily task and then
authorised. After every step, every statement paid so far still shows exactly what it showed when
it was paid: its calculation (rows and totals) and the amount each of its declarations adds."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance import queries, services
from finance.models import ClawbackStatus, Declaration, PaymentStatus, Statement
from finance.services import ContractRefused
from tests.dates import TEST_DAY, THIS_YEAR, moment
from tests.factories import UserFactory
from tests.finance.conftest import World, new_world
from tests.finance.helpers import add_contract

pytestmark = pytest.mark.django_db

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["ect", "mentor", "void", "adjust", "contract", "month", "month"]),
        st.integers(0, 10_000),
    ),
    min_size=3,
    max_size=14,
)


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _what_it_shows(statement: Statement) -> tuple:
    """The statement as finance staff see it: its calculation and each declaration's amount."""
    statement = Statement.objects.select_related("active_lead_provider").get(pk=statement.pk)
    calculation = queries.calculate(statement)
    pricing = queries.StatementPricing(statement, calculation)
    amounts = [(row.pk, row.on_statement, pricing.of(row)) for row in queries.declaration_rows(statement)]
    return calculation, amounts


class History:
    """One random history for one lead provider's period, starting on the tests' day."""

    def __init__(self, world: World, clock):
        self.world, self.clock = world, clock
        self.school = world.school()
        self.today = TEST_DAY
        self.staff = UserFactory(is_staff=True)
        self.paid: dict[int, tuple] = {}

    def ect(self, _n: int) -> None:
        self.world.declare(self.world.ect(self.school))

    def mentor(self, _n: int) -> None:
        self.world.declare(self.world.mentor(self.school), mentor=True)

    def void(self, n: int) -> None:
        live = list(
            Declaration.objects.filter(
                payment_statement__active_lead_provider=self.world.active,
                payment_status__in=[PaymentStatus.ELIGIBLE, PaymentStatus.PAID],
                clawback_status=ClawbackStatus.NO_CLAWBACK,
            ).order_by("pk")
        )
        if live:
            self.world.void(live[n % len(live)])

    def _unpaid_statements(self) -> list[Statement]:
        return list(
            Statement.objects.filter(
                active_lead_provider=self.world.active, paid_at__isnull=True, deadline_date__gte=self.today
            ).order_by("deadline_date")[:3]
        )

    def adjust(self, n: int) -> None:
        statements = self._unpaid_statements()
        services.add_adjustment(
            statement=statements[n % len(statements)],
            name="Correction",
            amount=Decimal(n % 2_000 - 1_000 or 1).scaleb(-2),
            reason="Data corrected after the deadline.",
            by=self.staff,
        )

    def contract(self, n: int) -> None:
        """A new version from the period's first day, this month's first or next month's: one in
        force before a paid statement's deadline is refused."""
        in_force_from = [
            self.world.active.contract_period.started_on,
            self.today.replace(day=1),
            _first_of_next_month(self.today),
        ][n % 3]
        try:
            add_contract(
                self.world.active,
                in_force_from=in_force_from,
                monthly_service_fee=Decimal(n).scaleb(-1),
                recruitment_target=n % 9,
            )
        except ContractRefused:
            assert Statement.objects.filter(
                active_lead_provider=self.world.active,
                paid_at__isnull=False,
                deadline_date__gte=in_force_from,
            ).exists()

    def month(self, _n: int) -> None:
        """A month goes by: the daily task makes past statements payable, finance authorises them."""
        self.today = _first_of_next_month(self.today)
        self.clock.move_to(moment(self.today))
        services.mark_payable(today=self.today)
        for statement in Statement.objects.filter(
            active_lead_provider=self.world.active, marked_payable_at__isnull=False, paid_at__isnull=True
        ):
            services.authorise_for_payment(statement=statement, by=self.staff)
            self.paid[statement.pk] = _what_it_shows(statement)

    def check_paid_statements_unchanged(self) -> None:
        for pk, shown_when_paid in self.paid.items():
            assert _what_it_shows(Statement(pk=pk)) == shown_when_paid


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_a_paid_statement_shows_what_it_paid_whatever_happens_afterwards(service_clock, steps):
    service_clock.move_to(moment(TEST_DAY))
    with transaction.atomic():
        history = History(new_world(THIS_YEAR), service_clock)
        for action, n in [*steps, ("month", 0)]:
            getattr(history, action)(n)
            history.check_paid_statements_unchanged()
        assert history.paid, "the history ends with at least one statement paid"
        transaction.set_rollback(True)
