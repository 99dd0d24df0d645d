"""Contracts and paying statements, for any test that needs a statement with money on it."""

import datetime
from decimal import Decimal

from finance import services
from finance.calculator import Band
from finance.models import Contract, ContractType, Statement
from providers.models import ActiveLeadProvider
from tests.factories import UserFactory

# Small bands, so a handful of declarations crosses them. Started pays 20% of the band's 60%
# output share: A £120, B £96, C £60; beyond C nothing.
SMALL_BANDS = (
    Band("A", 1, 2, Decimal("1000.00")),
    Band("B", 3, 4, Decimal("800.00")),
    Band("C", 5, 6, Decimal("500.00")),
)


def add_contract(active: ActiveLeadProvider, *, by=None, **overrides) -> Contract:
    """A contract version for the provider and period, of the period's type: the small bands,
    £100 a month service fee, no VAT; up to 2024 a £50 uplift, from 2025 a £1,000 mentor flat
    rate (£500 on started, £500 on completed)."""
    flat = ContractType.for_year(active.contract_period_id) == ContractType.ECTS_BANDED_MENTORS_FLAT
    fields = {
        "recruitment_target": 6,
        "set_up_fee": Decimal("0.00"),
        "monthly_service_fee": Decimal("100.00"),
        "uplift_amount": None if flat else Decimal("50.00"),
        "vat_applicable": False,
        "mentor_flat_rate": Decimal("1000.00") if flat else None,
        "bands": SMALL_BANDS,
        **overrides,
    }
    return services.new_contract_version(active_lead_provider=active, by=by, **fields)


def pay(statement: Statement, *, by=None) -> Statement:
    """Make the statement payable as the daily task would the day after its deadline, then
    authorise it for payment (its provider needs a contract)."""
    services.mark_payable(today=statement.deadline_date + datetime.timedelta(days=1))
    return services.authorise_for_payment(statement=statement, by=by or UserFactory(is_staff=True))
