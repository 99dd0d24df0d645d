"""The demo's reference data gives every lead provider a contract in every contract period, of
the period's type, so its statements carry money."""

from decimal import Decimal

import pytest

from demo.reference import ensure_reference_data
from demo.timeline import seeding
from finance import queries
from finance.models import Contract, ContractType, Statement
from providers.models import ActiveLeadProvider

pytestmark = pytest.mark.django_db


def test_every_provider_has_a_contract_in_every_period_and_statements_carry_money():
    with seeding():
        ref = ensure_reference_data(delivery_partners=2, hub_appropriate_bodies=2)

    actives = ActiveLeadProvider.objects.all()
    assert ref.counts["contracts"] == actives.count() > 0
    for active in actives.prefetch_related("contracts__bands"):
        (contract,) = active.contracts.all()
        assert contract.contract_type == ContractType.for_year(active.contract_period_id)
        assert [band.letter for band in contract.bands.all()] == ["A", "B", "C", "D"]
        assert (contract.mentor_flat_rate is not None) == (
            contract.contract_type == ContractType.ECTS_BANDED_MENTORS_FLAT
        )
        statement = Statement.objects.filter(active_lead_provider=active).order_by("deadline_date").first()
        assert queries.calculate(statement).totals.service_fee > Decimal(0)

    with seeding():
        again = ensure_reference_data(delivery_partners=2, hub_appropriate_bodies=2)
    assert again.counts["contracts"] == 0
    assert Contract.objects.count() == actives.count()
