"""Contracts and statements in admin: the finance group only. Saving a contract never edits it:
it makes the next version from the date given."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance import services
from finance.models import Contract, Statement
from providers.models import LAST_YEAR_WITH_UPLIFTS
from tests.admin.conftest import staff_in
from tests.admin.helpers import admin_url
from tests.factories import ActiveLeadProviderFactory, ContractPeriodFactory, UserFactory
from tests.finance.helpers import add_contract

pytestmark = pytest.mark.django_db

BANDS = [("A", 0, 2000, "1450.00"), ("B", 2001, 4000, "1350.00"), ("C", 4001, 6000, "1250.00")]


def contract_post(bands=BANDS, *, initial: list[int] = (), **fields) -> dict:
    """What the contract form posts: its fields and the price band inline's forms (the first
    `initial` of them editing the bands shown, by id)."""
    data = {
        "recruitment_target": "5000",
        "set_up_fee": "0.00",
        "monthly_service_fee": "",
        "uplift_amount": "",
        "mentor_flat_rate": "1000.00",
        "in_force_from": "",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": str(len(initial)),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "4",
        **fields,
    }
    for index, (letter, low, high, price) in enumerate(bands):
        data.update(
            {
                f"bands-{index}-letter": letter,
                f"bands-{index}-min": str(low),
                f"bands-{index}-max": str(high),
                f"bands-{index}-price": price,
            }
        )
        if index < len(initial):
            data[f"bands-{index}-id"] = str(initial[index])
    return data


@pytest.fixture
def finance_client(client):
    client.force_login(staff_in("finance"))
    return client


FROM_2025 = LAST_YEAR_WITH_UPLIFTS + 1


@pytest.fixture
def active(db):
    return ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=FROM_2025))


def world_statement(active) -> Statement:
    services.add_statements(active, months=1)
    return Statement.objects.get(active_lead_provider=active)


def test_finance_adds_a_providers_contract_in_force_from_the_periods_first_day(finance_client, active):
    assert finance_client.get(admin_url(Contract, "add")).status_code == 200

    response = finance_client.post(
        admin_url(Contract, "add"), contract_post(active_lead_provider=str(active.pk))
    )

    contract = Contract.objects.get(active_lead_provider=active)
    assert response.status_code == 302
    assert response.url == admin_url(Contract, "change", contract.pk)
    assert (contract.version, contract.in_force_from, contract.recruitment_target) == (
        1,
        datetime.date(FROM_2025, 6, 1),
        5000,
    )
    assert list(contract.bands.values_list("letter", "min", "max", "price")) == [
        ("A", 0, 2000, Decimal("1450.00")),
        ("B", 2001, 4000, Decimal("1350.00")),
        ("C", 4001, 6000, Decimal("1250.00")),
    ]


def test_saving_a_change_makes_a_new_version_from_the_date_given_and_keeps_the_old(finance_client, active):
    first = add_contract(active)
    page = finance_client.get(admin_url(Contract, "change", first.pk))
    assert page.context["adminform"].form["in_force_from"].value() is None  # chosen, never carried over
    assert "Saving makes version 2" in page.content.decode()
    band_ids = list(first.bands.order_by("letter").values_list("pk", flat=True))
    changed = [("A", 1, 2, "1000.00"), ("B", 3, 4, "900.00"), ("C", 5, 6, "500.00"), ("D", 7, 8, "400.00")]

    response = finance_client.post(
        admin_url(Contract, "change", first.pk),
        contract_post(
            changed, initial=band_ids, in_force_from=f"{FROM_2025 + 1}-01-01", recruitment_target="6"
        ),
    )

    second = Contract.objects.get(active_lead_provider=active, version=2)
    assert response.url == admin_url(Contract, "change", second.pk)
    assert (second.in_force_from, second.recruitment_target) == (datetime.date(FROM_2025 + 1, 1, 1), 6)
    assert list(second.bands.values_list("letter", "price")) == [
        ("A", Decimal("1000.00")),
        ("B", Decimal("900.00")),
        ("C", Decimal("500.00")),
        ("D", Decimal("400.00")),
    ]
    first.refresh_from_db()
    assert (first.in_force_from, first.recruitment_target) == (datetime.date(FROM_2025, 6, 1), 6)
    assert list(first.bands.values_list("price", flat=True)) == [
        Decimal("1000.00"),
        Decimal("800.00"),
        Decimal("500.00"),
    ]


def test_a_change_needs_its_date_and_bands_that_run_on(finance_client, active):
    first = add_contract(active)
    band_ids = list(first.bands.order_by("letter").values_list("pk", flat=True))
    gapped = [("A", 1, 2, "1000.00"), ("B", 4, 5, "800.00"), ("C", 6, 7, "500.00")]

    response = finance_client.post(
        admin_url(Contract, "change", first.pk), contract_post(gapped, initial=band_ids)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["in_force_from"] == [
        "Enter the date the new version is in force from."
    ]
    page = response.content.decode()
    assert "Band B must start at 3, after band A." in page
    assert Contract.objects.filter(active_lead_provider=active).count() == 1


def test_a_contract_up_to_2024_has_no_mentor_flat_rate(finance_client):
    active = ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS))
    response = finance_client.post(
        admin_url(Contract, "add"), contract_post(active_lead_provider=str(active.pk))
    )
    assert response.context["adminform"].form.errors["mentor_flat_rate"] == [
        f"{LAST_YEAR_WITH_UPLIFTS} contracts pay mentors by the bands: leave it empty."
    ]
    assert not Contract.objects.exists()


def test_nobody_deletes_a_contract_version(finance_client, admin_client, active):
    contract = add_contract(active)
    assert finance_client.get(admin_url(Contract, "delete", contract.pk)).status_code == 403
    assert admin_client.get(admin_url(Contract, "delete", contract.pk)).status_code == 403


@pytest.mark.parametrize("group", ["support", None])
def test_other_staff_do_not_see_contracts_or_statements(client, active, group):
    contract = add_contract(active)
    client.force_login(staff_in(group) if group else UserFactory(is_staff=True))
    for url in (
        admin_url(Contract, "changelist"),
        admin_url(Contract, "add"),
        admin_url(Contract, "change", contract.pk),
        admin_url(Statement, "changelist"),
        admin_url(Statement, "change", world_statement(active).pk),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            admin_url(Contract, "add"), contract_post(active_lead_provider=str(active.pk))
        ).status_code
        == 403
    )
    assert Contract.objects.count() == 1


def test_admin_pays_no_statement_in_one_click(finance_client, world):
    """Authorising is the finance pages' journey, with its check: admin has no action for it."""
    services.mark_payable(today=datetime.date(world.year, 12, 1))
    november = world.statement(11)
    page = finance_client.get(admin_url(Statement, "changelist")).content.decode()
    assert "authorise_for_payment" not in page
    finance_client.post(
        admin_url(Statement, "changelist"),
        {"action": "authorise_for_payment", "_selected_action": [november.pk]},
    )
    assert Statement.objects.get(pk=november.pk).status == "payable"


def test_admin_links_finance_staff_to_the_finance_pages_and_not_others(finance_client, client):
    page = finance_client.get(admin_url(Statement, "changelist")).content.decode()
    assert 'href="/finance">Finance pages</a>' in page

    client.force_login(staff_in("support"))
    assert "Finance pages" not in client.get("/admin/").content.decode()


def test_a_statements_admin_page_links_to_its_declarations_in_the_same_queries_however_many(
    finance_client, world, django_assert_max_num_queries
):
    """Its declarations are on the finance pages, paged: the admin page lists none of them."""
    statement = world.statement(11)
    url = admin_url(Statement, "change", statement.pk)
    school = world.school()
    world.declare(world.ect(school))
    with CaptureQueriesContext(connection) as one:
        assert finance_client.get(url).status_code == 200
    for _ in range(5):
        world.declare(world.ect(school))
    with django_assert_max_num_queries(len(one)):
        page = finance_client.get(url).content.decode()
    assert f'href="/finance/statements/{statement.pk}/declarations"' in page
