"""Finance staff opening next year's contract period in admin: the period, its schedules and
milestones from the rules, and last year's lead providers carried over with their partners."""

import datetime

import pytest

from audit.models import Event
from audit.services import Actor
from core.refusals import AttributeProblems
from finance import services
from finance.models import Statement
from providers.models import (
    ActiveLeadProvider,
    ContractPeriod,
    LeadProviderDeliveryPartnership,
    Milestone,
    Schedule,
)
from providers.schedules import IDENTIFIERS, milestone_windows
from tests.admin.helpers import admin_url
from tests.dates import NEXT_YEAR, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_year():
    return ContractPeriodFactory(year=THIS_YEAR)


@pytest.fixture
def partnered(this_year):
    """Ambition Institute working with two delivery partners this year."""
    active = ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Ambition Institute")
    for _ in range(2):
        LeadProviderDeliveryPartnershipFactory(active_lead_provider=active)
    return active


def test_opening_a_period_makes_its_schedules_and_carries_last_years_providers_over(partnered):
    period = services.open_contract_period(year=NEXT_YEAR, carry_over=True, actor=Actor.system())

    assert (period.started_on, period.finished_on, period.enabled) == (
        datetime.date(NEXT_YEAR, 6, 1),
        datetime.date(NEXT_YEAR + 1, 5, 31),
        True,
    )
    assert set(Schedule.objects.filter(contract_period=period).values_list("identifier", flat=True)) == set(
        IDENTIFIERS
    )
    standard = Milestone.objects.filter(
        schedule__contract_period=period, schedule__identifier="ecf-standard-september"
    ).order_by("start_date")
    assert [(m.declaration_type, m.start_date, m.milestone_date) for m in standard] == sorted(
        milestone_windows(NEXT_YEAR, "ecf-standard-september"), key=lambda window: window[1]
    )
    carried = ActiveLeadProvider.objects.get(contract_period=period)
    assert carried.lead_provider == partnered.lead_provider
    assert set(
        LeadProviderDeliveryPartnership.objects.filter(active_lead_provider=carried).values_list(
            "delivery_partner", flat=True
        )
    ) == set(partnered.delivery_partnerships.values_list("delivery_partner", flat=True))
    assert Statement.objects.filter(active_lead_provider=carried).count() == 36
    assert Event.objects.get(event_type="contract_period_opened").heading == (
        f"Contract period {NEXT_YEAR} to {NEXT_YEAR + 1} opened with 1 lead providers from {THIS_YEAR}"
    )


def test_without_carrying_over_the_period_starts_with_no_lead_providers(partnered):
    period = services.open_contract_period(year=NEXT_YEAR, carry_over=False, actor=Actor.system())
    assert not ActiveLeadProvider.objects.filter(contract_period=period).exists()
    assert Schedule.objects.filter(contract_period=period).count() == len(IDENTIFIERS)


def test_a_period_cannot_be_opened_twice(this_year):
    with pytest.raises(AttributeProblems) as refused:
        services.open_contract_period(year=THIS_YEAR, carry_over=True, actor=Actor.system())
    assert refused.value.problems == [("year", f"Contract period {THIS_YEAR} already exists.")]
    assert ContractPeriod.objects.count() == 1


def test_finance_staff_open_next_year_from_the_admin_add_page(finance_client, partnered):
    add_page = finance_client.get(admin_url(ContractPeriod, "add"))
    assert add_page.status_code == 200
    assert f'value="{NEXT_YEAR}"' in add_page.content.decode()  # the year after the latest, offered

    response = finance_client.post(admin_url(ContractPeriod, "add"), {"year": NEXT_YEAR, "carry_over": "on"})

    assert response.status_code == 302
    period = ContractPeriod.objects.get(year=NEXT_YEAR)
    assert period.enabled
    assert ActiveLeadProvider.objects.filter(contract_period=period).count() == 1
    assert Schedule.objects.filter(contract_period=period).count() == len(IDENTIFIERS)
    assert Event.objects.filter(event_type="contract_period_opened").count() == 1


@pytest.mark.parametrize(
    ("year", "says"),
    [
        (THIS_YEAR, f"Contract period {THIS_YEAR} already exists."),
        (1999, "Enter a year from 2020 to 2100."),
        ("next", "Enter a whole number."),
    ],
)
def test_a_year_that_cannot_be_opened_is_an_error_by_the_field(finance_client, this_year, year, says):
    response = finance_client.post(admin_url(ContractPeriod, "add"), {"year": year, "carry_over": "on"})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert list(ContractPeriod.objects.values_list("year", flat=True)) == [THIS_YEAR]
