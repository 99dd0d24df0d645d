"""The lead provider API's front door: bearer tokens (created in admin, shown once, revocable), the
rate limit, JSON errors, the log of calls; and its first resource, delivery partners."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from api import services
from api.http import RATE_LIMIT
from api.models import APIRequest, LeadProviderToken
from core import clock
from core.tokens import hash_token
from providers.models import ContractPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    DeliveryPartnerFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v3/delivery-partners"


@pytest.fixture
def ambition():
    return LeadProviderFactory(name="Ambition Institute")


@pytest.fixture
def token(ambition):
    token, _row = services.create_token(
        lead_provider=ambition, name="Production", created_by=UserFactory(is_staff=True)
    )
    return token


def call(client, path, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, params, **headers)


def years(*years):
    return {
        year: ContractPeriodFactory(
            year=year, started_on=datetime.date(year, 6, 1), finished_on=datetime.date(year + 1, 5, 31)
        )
        for year in years
    }


@pytest.fixture
def partners(ambition):
    """Ambition works with Kings (the last two years) and Leeds (last year); Teach First with Elsewhere."""
    periods = years(THIS_YEAR - 2, THIS_YEAR - 1)
    active = {
        year: ActiveLeadProviderFactory(lead_provider=ambition, contract_period=period)
        for year, period in periods.items()
    }
    kings, leeds, elsewhere = (DeliveryPartnerFactory(name=name) for name in ("Kings", "Leeds", "Elsewhere"))
    for active_year, partner in (
        (active[THIS_YEAR - 2], kings),
        (active[THIS_YEAR - 1], kings),
        (active[THIS_YEAR - 1], leeds),
    ):
        LeadProviderDeliveryPartnershipFactory(active_lead_provider=active_year, delivery_partner=partner)
    theirs = ActiveLeadProviderFactory(
        lead_provider__name="Teach First", contract_period=periods[THIS_YEAR - 1]
    )
    LeadProviderDeliveryPartnershipFactory(active_lead_provider=theirs, delivery_partner=elsewhere)
    return {"kings": kings, "leeds": leeds, "elsewhere": elsewhere}


class TestTokens:
    @pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
    def test_no_valid_token_is_a_401_in_json(self, client, token, header):
        response = client.get(LIST, **({"HTTP_AUTHORIZATION": header} if header else {}))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["title"] == "Unauthorized"
        assert response.json()["error"] == "HTTP Token: Access denied"

    def test_only_the_hash_is_kept_and_use_is_recorded(self, client, token):
        row = LeadProviderToken.objects.get()
        assert row.token_hash == hash_token(token) and token not in row.token_hash
        assert row.last_used_at is None
        assert call(client, LIST, token).status_code == 200
        row.refresh_from_db()
        assert row.last_used_at is not None

    def test_a_revoked_token_stops_working(self, client, token):
        services.revoke_token(token=LeadProviderToken.objects.get(), revoked_by=UserFactory(is_staff=True))
        assert call(client, LIST, token).status_code == 401

    def test_every_call_is_logged_with_its_status(self, client, token, ambition):
        call(client, LIST, token, **{"page[per_page]": "0"})
        call(client, LIST)
        logged = list(
            APIRequest.objects.order_by("pk").values_list("lead_provider", "path", "query", "status")
        )
        assert logged == [(ambition.pk, LIST, "page%5Bper_page%5D=0", 400), (None, LIST, "", 401)]

    def test_the_rate_limit_answers_429_with_when_to_try_again(self, client, token):
        row = LeadProviderToken.objects.get()
        now = clock.now()
        APIRequest.objects.bulk_create(
            APIRequest(
                token=row,
                lead_provider=row.lead_provider,
                method="GET",
                path=LIST,
                status=200,
                duration_ms=1,
                requested_at=now - datetime.timedelta(minutes=4),
            )
            for _ in range(RATE_LIMIT)
        )
        response = call(client, LIST, token)
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        APIRequest.objects.filter(status=200).update(requested_at=now - datetime.timedelta(minutes=6))
        assert call(client, LIST, token).status_code == 200  # the window has moved on


class TestDeliveryPartners:
    def test_only_yours_with_the_years_you_work_together(self, client, token, partners):
        data = call(client, LIST, token).json()["data"]
        assert [(d["attributes"]["name"], d["attributes"]["cohort"]) for d in data] == [
            ("Kings", [f"{THIS_YEAR - 2}", f"{THIS_YEAR - 1}"]),
            ("Leeds", [f"{THIS_YEAR - 1}"]),
        ]
        assert {d["type"] for d in data} == {"delivery-partner"}
        assert data[0]["id"] == str(partners["kings"].api_id)

    def test_filtered_by_cohort_and_paged(self, client, token, partners):
        only_two_years_ago = call(client, LIST, token, **{"filter[cohort]": f"{THIS_YEAR - 2}"}).json()[
            "data"
        ]
        assert [d["attributes"]["name"] for d in only_two_years_ago] == ["Kings"]
        second = call(client, LIST, token, **{"page[per_page]": "1", "page[page]": "2"}).json()["data"]
        assert [d["attributes"]["name"] for d in second] == ["Leeds"]
        assert call(client, LIST, token, **{"page[page]": "3", "page[per_page]": "1"}).json()["data"] == []

    def test_a_year_filter_matches_the_year_you_work_with_them(self, client, token, partners, ambition):
        # Leeds works with Ambition last year and with Teach First two years ago: a provider
        # asking for two years ago must not be offered Leeds, which it cannot partner with then.
        teach_first_two_years_ago = ActiveLeadProviderFactory(
            lead_provider__name="Teach First (again)",
            contract_period=ContractPeriod.objects.get(year=THIS_YEAR - 2),
        )
        LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=teach_first_two_years_ago, delivery_partner=partners["leeds"]
        )
        two_years_ago = call(client, LIST, token, **{"filter[cohort]": f"{THIS_YEAR - 2}"}).json()["data"]
        assert [d["attributes"]["name"] for d in two_years_ago] == ["Kings"]
        last_year = call(client, LIST, token, **{"filter[cohort]": f"{THIS_YEAR - 1}"}).json()["data"]
        assert [d["attributes"]["name"] for d in last_year] == ["Kings", "Leeds"]

    def test_a_bad_page_is_a_400(self, client, token, partners):
        response = call(client, LIST, token, **{"page[page]": "x", "page[per_page]": "0"})
        assert response.status_code == 400
        assert [error["title"] for error in response.json()["errors"]] == ["Bad request"]
        # More than 3,000 a page is taken as 3,000, as the DfE's services do.
        assert call(client, LIST, token, **{"page[per_page]": "5000"}).status_code == 200
        # A cohort that is not a year finds nothing, as there.
        assert call(client, LIST, token, **{"filter[cohort]": "twenty"}).json() == {"data": []}

    def test_another_method_is_a_405_in_json(self, client, token, partners):
        response = client.post(LIST, {}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["errors"][0]["title"] == "Method not allowed"

    def test_one_by_id_and_another_providers_is_not_found(self, client, token, partners):
        mine = call(client, f"{LIST}/{partners['kings'].api_id}", token)
        assert mine.json()["data"]["attributes"]["name"] == "Kings"
        theirs = call(client, f"{LIST}/{partners['elsewhere'].api_id}", token)
        assert theirs.status_code == 404 and theirs.json()["errors"]


def test_support_creates_a_token_shown_once_and_revokes_it(client, ambition):
    support = UserFactory(is_staff=True)
    support.groups.add(Group.objects.get(name="support"))
    client.force_login(support)
    shown = client.post(
        reverse("admin:api_leadprovidertoken_add"), {"lead_provider": ambition.pk, "name": "Staging client"}
    )
    assert shown.status_code == 200
    token = shown.context["token"]
    row = LeadProviderToken.objects.get()
    assert row.token_hash == hash_token(token) and row.created_by == support
    assert (
        token not in client.get(reverse("admin:api_leadprovidertoken_change", args=[row.pk])).content.decode()
    )
    assert call(client, LIST, token).status_code == 200

    client.post(
        reverse("admin:api_leadprovidertoken_changelist"),
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert call(client, LIST, token).status_code == 401
