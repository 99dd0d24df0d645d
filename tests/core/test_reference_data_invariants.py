"""Invariants of schools, providers and accounts, enforced by Postgres."""

import datetime

import pytest

from accounts.models import User
from providers.models import (
    ActiveLeadProvider,
    ContractPeriod,
    LeadProviderDeliveryPartnership,
    SchoolPartnership,
)
from schools.models import School
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    UserFactory,
)
from tests.invariants import rejected_by_database

pytestmark = pytest.mark.django_db

D = datetime.date


def test_school_urn_is_unique():
    SchoolFactory(urn=100001)
    with rejected_by_database("schools_school_urn_key"):
        SchoolFactory(urn=100001)


def test_eligibility_is_recorded_with_the_date_it_was_decided():
    with rejected_by_database("school_eligibility_has_decision_date"):
        SchoolFactory(eligible_for_funding=True, eligibility_decided_on=None)


def test_school_cannot_close_before_it_opens():
    with rejected_by_database("school_closes_after_opening"):
        School.objects.create(
            urn=1,
            name="Backwards School",
            opened_on=D(THIS_YEAR - 6, 9, 1),
            closed_on=D(THIS_YEAR - 7, 7, 31),
        )


def test_contract_periods_do_not_overlap():
    ContractPeriodFactory(year=THIS_YEAR - 1)
    with rejected_by_database("contract_periods_do_not_overlap"):
        ContractPeriod.objects.create(
            year=THIS_YEAR, started_on=D(THIS_YEAR, 5, 31), finished_on=D(THIS_YEAR + 1, 5, 31)
        )


def test_contract_period_finishes_after_it_starts():
    with rejected_by_database("contract_period_finishes_after_start"):
        ContractPeriod.objects.create(
            year=THIS_YEAR + 4, started_on=D(THIS_YEAR + 4, 6, 1), finished_on=D(THIS_YEAR + 4, 6, 1)
        )


def test_contract_period_year_is_plausible():
    with rejected_by_database("contract_period_year_range"):
        ContractPeriod.objects.create(year=1999, started_on=D(1999, 6, 1), finished_on=D(2000, 5, 31))


def test_a_lead_provider_is_active_once_per_contract_period():
    active = ActiveLeadProviderFactory()
    with rejected_by_database("active_lead_provider_unique"):
        ActiveLeadProvider.objects.create(
            lead_provider=active.lead_provider, contract_period=active.contract_period
        )


def test_a_delivery_partner_pairs_with_a_lead_provider_once_per_contract_period():
    pairing = LeadProviderDeliveryPartnershipFactory()
    with rejected_by_database("lead_provider_delivery_partnership_unique"):
        LeadProviderDeliveryPartnership.objects.create(
            active_lead_provider=pairing.active_lead_provider, delivery_partner=pairing.delivery_partner
        )


def test_a_school_partnership_is_recorded_once():
    partnership = SchoolPartnershipFactory()
    with rejected_by_database("school_partnership_unique"):
        SchoolPartnership.objects.create(
            school=partnership.school,
            lead_provider_delivery_partnership=partnership.lead_provider_delivery_partnership,
        )


def test_user_email_is_stored_lower_case():
    with rejected_by_database("user_email_is_lower_case"):
        User.objects.create(email="Head@School.example.org")


def test_user_email_is_unique_whatever_the_case_typed():
    UserFactory(email="tutor@school.example.org")
    with rejected_by_database("accounts_user_email_key"):
        User.objects.create_user(email="Tutor@School.example.org")
