"""Contracts: versions in force from a date (the one in force on a statement's deadline is used),
never edited, refused when they do not fit the period; and the database holding the same rules."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import Event
from finance import queries, services
from finance.calculator import Band
from finance.models import Contract, ContractType, PriceBand
from providers.models import LAST_YEAR_WITH_UPLIFTS
from tests.factories import ActiveLeadProviderFactory, ContractPeriodFactory, UserFactory
from tests.finance.helpers import SMALL_BANDS, add_contract, pay

pytestmark = pytest.mark.django_db


def refused_fields(**overrides) -> dict[str, str]:
    with pytest.raises(services.ContractRefused) as refused:
        add_contract(**overrides)
    return dict(refused.value.problems)


# --- Versions --------------------------------------------------------------------------------------


def test_the_version_in_force_on_a_statements_deadline_is_the_one_used(world):
    """Version 2, from 1 December, doubles the service fee: November's statement (deadline 30
    November) keeps version 1, December's (31 December) takes version 2."""
    first = Contract.objects.get(active_lead_provider=world.active)
    second = add_contract(
        world.active, in_force_from=datetime.date(world.year, 12, 1), monthly_service_fee=Decimal("200.00")
    )

    assert (first.version, first.in_force_from) == (1, datetime.date(world.year, 6, 1))
    assert second.version == 2
    assert queries.contract_in_force(world.active, on=datetime.date(world.year, 11, 30)) == first
    assert queries.contract_in_force(world.active, on=datetime.date(world.year, 12, 1)) == second
    assert queries.contract_in_force(world.active, on=datetime.date(world.year, 5, 31)) is None
    assert queries.calculate(world.statement(11)).totals.service_fee == Decimal("100.00")
    assert queries.calculate(world.statement(12)).totals.service_fee == Decimal("200.00")


def test_a_later_version_from_the_same_or_an_earlier_day_replaces_the_ones_before_from_then(world):
    """The version in force is the highest-numbered one in force from that day or before: a
    correction made from the same day replaces version 2 wholly."""
    add_contract(
        world.active, in_force_from=datetime.date(world.year, 12, 1), monthly_service_fee=Decimal("200.00")
    )
    add_contract(
        world.active, in_force_from=datetime.date(world.year, 12, 1), monthly_service_fee=Decimal("150.00")
    )

    assert queries.contract_in_force(world.active, on=datetime.date(world.year + 1, 3, 1)).version == 3
    assert queries.calculate(world.statement(12)).totals.service_fee == Decimal("150.00")
    assert list(queries.contract_versions(world.active).values_list("version", flat=True)) == [3, 2, 1]


def test_a_new_version_is_recorded_with_what_it_changes(world):
    staff = UserFactory(is_staff=True)
    contract = add_contract(
        world.active,
        in_force_from=datetime.date(world.year, 12, 1),
        recruitment_target=8,
        bands=(*SMALL_BANDS[:2], Band("C", 5, 8, Decimal("500.00"))),
        by=staff,
    )

    event = Event.objects.get(event_type="contract_version_made", subject_id=contract.pk)
    assert event.actor_user == staff
    assert event.heading == (f"Contract for {world.active}: version 2 in force from 1 December {world.year}")
    assert event.changes == {
        "in_force_from": [f"{world.year}-06-01", f"{world.year}-12-01"],
        "recruitment_target": ["6", "8"],
        "band C": ["5 to 6 at 500.00", "5 to 8 at 500.00"],
    }
    assert contract.created_by == staff


def test_no_version_is_in_force_for_a_statement_already_paid(world):
    pay(world.statement(11))
    assert refused_fields(active=world.active, in_force_from=datetime.date(world.year, 11, 30)) == {
        "in_force_from": f"The November {world.year} statement has been paid under the version in force on "
        f"its deadline: a new version must be in force from after 30 November {world.year}."
    }
    assert add_contract(world.active, in_force_from=datetime.date(world.year, 12, 1)).version == 2


def test_a_later_version_needs_its_date(world):
    assert refused_fields(active=world.active) == {
        "in_force_from": "Enter the date the new version is in force from."
    }


# --- Fitting the period's type --------------------------------------------------------------------


@pytest.fixture
def before_2025(db):
    return ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS))


@pytest.fixture
def from_2025(db):
    return ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS + 1))


def test_the_type_follows_the_period(before_2025, from_2025):
    assert add_contract(before_2025).contract_type == ContractType.BANDED_WITH_UPLIFTS
    assert add_contract(from_2025).contract_type == ContractType.ECTS_BANDED_MENTORS_FLAT


def test_from_2025_mentors_are_paid_a_flat_rate_and_nobody_an_uplift(from_2025):
    assert refused_fields(active=from_2025, mentor_flat_rate=None, uplift_amount=Decimal("100.00")) == {
        "mentor_flat_rate": "Enter the flat rate per mentor: 2025 contracts pay one.",
        "uplift_amount": "2025 contracts pay no uplifts: leave it empty.",
    }


def test_up_to_2024_there_is_no_mentor_flat_rate(before_2025):
    assert refused_fields(active=before_2025, mentor_flat_rate=Decimal("1000.00")) == {
        "mentor_flat_rate": "2024 contracts pay mentors by the bands: leave it empty."
    }


def test_money_is_pounds_and_pence_not_negative(world):
    problems = refused_fields(
        active=world.active,
        set_up_fee=Decimal("-1.00"),
        monthly_service_fee=Decimal("100.001"),
        mentor_flat_rate=1000.0,
        recruitment_target=-1,
        in_force_from=datetime.date(world.year, 12, 1),
    )
    assert set(problems) == {"set_up_fee", "monthly_service_fee", "mentor_flat_rate", "recruitment_target"}
    assert not Contract.objects.filter(version=2).exists()


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        ((), "Enter at least one price band."),
        (
            (SMALL_BANDS[0], Band("B", 4, 5, Decimal("800.00"))),
            "Band B must start at 3, after band A.",
        ),
        ((Band("A", 2, 3, Decimal("1.00")),), "Band A starts from the first participant: 0 or 1."),
        ((Band("B", 1, 3, Decimal("1.00")),), "Letter the bands A, B, C, D in order, not B."),
    ],
)
def test_bands_run_on_from_the_first_participant(world, bands, problem):
    assert refused_fields(
        active=world.active, bands=bands, in_force_from=datetime.date(world.year, 12, 1)
    ) == {"bands": problem}


# --- The database keeps the same rules -------------------------------------------------------------


@contextmanager
def _violates(constraint: str):
    """The block is refused by the database, naming the constraint (or trigger) it breaks."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        yield
    assert refused.value.__cause__.diag.constraint_name == constraint


def test_a_version_and_its_bands_are_never_changed_or_removed(world):
    contract = Contract.objects.get(active_lead_provider=world.active)
    with _violates("contract_version_is_kept"):
        Contract.objects.filter(pk=contract.pk).update(recruitment_target=7)
    with _violates("contract_version_is_kept"):
        PriceBand.objects.filter(contract=contract).update(price=Decimal("1.00"))
    with _violates("contract_version_is_kept"):
        PriceBand.objects.filter(contract=contract, letter="C").delete()


def _contract_row(active, **fields) -> Contract:
    defaults = {
        "active_lead_provider": active,
        "version": 9,
        "in_force_from": datetime.date(active.contract_period_id, 6, 1),
        "contract_type": ContractType.for_year(active.contract_period_id),
        "recruitment_target": 1,
        "mentor_flat_rate": Decimal("1.00") if active.contract_period_id > LAST_YEAR_WITH_UPLIFTS else None,
    }
    return Contract.objects.create(**{**defaults, **fields})


def test_the_database_refuses_a_type_that_does_not_fit_the_period(before_2025):
    with _violates("contract_type_fits_its_period"):
        _contract_row(
            before_2025, contract_type=ContractType.ECTS_BANDED_MENTORS_FLAT, mentor_flat_rate=Decimal("1.00")
        )


def test_the_database_refuses_a_flat_rate_or_uplift_the_type_does_not_have(before_2025, from_2025):
    with _violates("contract_mentor_rate_and_uplift_fit_its_type"):
        _contract_row(before_2025, mentor_flat_rate=Decimal("1.00"))
    with _violates("contract_mentor_rate_and_uplift_fit_its_type"):
        _contract_row(from_2025, mentor_flat_rate=None)
    with _violates("contract_mentor_rate_and_uplift_fit_its_type"):
        _contract_row(from_2025, uplift_amount=Decimal("1.00"))


def test_the_database_numbers_versions_once_each(world):
    with _violates("one_contract_version_each"):
        _contract_row(world.active, version=1)


def _bands_checked_now():
    """The bands are checked when the transaction commits; a test's transaction never does."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS contract_bands_run_on IMMEDIATE")


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [("A", 1, 2), ("B", 4, 5)],
        [("A", 1, 2), ("C", 3, 4)],
        [("A", 5, 9)],
    ],
)
def test_the_database_refuses_bands_that_do_not_run_on_from_the_first_participant(before_2025, bands):
    with _violates("contract_bands_run_on"):
        contract = _contract_row(before_2025)
        PriceBand.objects.bulk_create(
            PriceBand(contract=contract, letter=letter, min=low, max=high, price=Decimal("1.00"))
            for letter, low, high in bands
        )
        _bands_checked_now()


def test_the_database_accepts_bands_that_run_on(before_2025):
    with transaction.atomic():
        contract = _contract_row(before_2025)
        PriceBand.objects.bulk_create(
            PriceBand(contract=contract, letter=letter, min=low, max=high, price=Decimal("1.00"))
            for letter, low, high in [("A", 0, 2), ("B", 3, 3), ("C", 4, 10)]
        )
        _bands_checked_now()


def test_the_database_refuses_a_band_that_ends_before_it_starts_or_is_not_a_to_d(before_2025):
    contract = _contract_row(before_2025)
    PriceBand.objects.create(contract=contract, letter="A", min=1, max=2, price=Decimal("1.00"))
    with _violates("band_ends_after_it_starts"):
        PriceBand.objects.create(contract=contract, letter="B", min=5, max=4, price=Decimal("1.00"))
    with _violates("band_letter_a_to_d"):
        PriceBand.objects.create(contract=contract, letter="E", min=3, max=4, price=Decimal("1.00"))
    with _violates("one_band_of_each_letter"):
        PriceBand.objects.create(contract=contract, letter="A", min=3, max=4, price=Decimal("1.00"))
