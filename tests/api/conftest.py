"""A lead provider calling the API, and the people it trains.

Ambition Institute trains, with its delivery partner Kings, at Quillfeather Primary School this
year: Amara Okafor (an ECT since 1 September) and her mentor Ben Adeyemi. Teach First trains
Tomas Novak at another school, whom Ambition must never see."""

import datetime
import json
from dataclasses import dataclass

import pytest

from api import services
from participants.models import ECTAtSchoolPeriod
from providers.models import LeadProviderDeliveryPartnership, SchoolPartnership
from tests.api import contract, dfe_contract
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


@dataclass
class API:
    """The test client, calling as one lead provider; every response is checked against the API
    document (tests.api.contract), then against the DfE's v3 shapes (tests.api.dfe_contract)."""

    client: object
    token: str

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **headers}

    def _checked(self, method, path, response):
        contract.check(method, path.split("?")[0], response)
        dfe_contract.check(method, path.split("?")[0], response)
        return response

    def get(self, path, params=None, **headers):
        return self._checked("GET", path, self.client.get(path, params or {}, **self._headers(headers)))

    def put(self, path, attributes=None, *, body=None, **headers):
        content = body if body is not None else json.dumps({"data": {"type": "x", "attributes": attributes}})
        response = self.client.put(path, content, content_type="application/json", **self._headers(headers))
        return self._checked("PUT", path, response)

    def post(self, path, attributes=None, *, body=None, **headers):
        content = body if body is not None else json.dumps({"data": {"type": "x", "attributes": attributes}})
        response = self.client.post(path, content, content_type="application/json", **self._headers(headers))
        return self._checked("POST", path, response)


def api_for(client, lead_provider) -> API:
    token, _ = services.create_token(
        lead_provider=lead_provider, name="Tests", created_by=UserFactory(is_staff=True)
    )
    return API(client=client, token=token)


@pytest.fixture
def current_period():
    return ContractPeriodFactory(
        year=THIS_YEAR,
        started_on=datetime.date(THIS_YEAR, 6, 1),
        finished_on=datetime.date(THIS_YEAR + 1, 5, 31),
    )


@pytest.fixture
def ambition_lp():
    return LeadProviderFactory(name="Ambition Institute")


@pytest.fixture
def ambition_this_year(ambition_lp, current_period):
    return ActiveLeadProviderFactory(lead_provider=ambition_lp, contract_period=current_period)


@pytest.fixture
def kings(ambition_this_year):
    return LeadProviderDeliveryPartnershipFactory(
        active_lead_provider=ambition_this_year, delivery_partner=DeliveryPartnerFactory(name="Kings")
    )


@pytest.fixture
def quillfeather():
    return SchoolFactory(
        name="Quillfeather Primary School",
        urn=100001,
        eligible_for_funding=True,
        eligibility_decided_on=datetime.date(THIS_YEAR, 6, 1),
    )


@pytest.fixture
def partnership(quillfeather, kings):
    return SchoolPartnershipFactory(school=quillfeather, lead_provider_delivery_partnership=kings)


@pytest.fixture
def amara(quillfeather, partnership):
    """The ECT's period at school; her training is with Ambition through the partnership."""
    period = ECTAtSchoolPeriodFactory(
        school=quillfeather,
        teacher=TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor", trn="1234567"),
        started_on=THIS_SEPTEMBER,
        email="amara@example.org",
    )
    TrainingPeriodFactory(ect_at_school_period=period, school_partnership=partnership)
    return period


@pytest.fixture
def ben(quillfeather, partnership, amara):
    """Amara's mentor, also training with Ambition."""
    period = MentorAtSchoolPeriodFactory(
        school=quillfeather,
        teacher=TeacherFactory(trs_first_name="Ben", trs_last_name="Adeyemi"),
        started_on=THIS_SEPTEMBER,
        email="ben@example.org",
    )
    TrainingPeriodFactory(
        ect_at_school_period=None, mentor_at_school_period=period, school_partnership=partnership
    )
    MentorshipPeriodFactory(mentee=amara, mentor=period, started_on=THIS_SEPTEMBER)
    return period


@pytest.fixture
def tomas(current_period):
    """Teach First's ECT, at another school."""
    teach_first = ActiveLeadProviderFactory(lead_provider__name="Teach First", contract_period=current_period)
    period = ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trs_first_name="Tomas", trs_last_name="Novak"), started_on=THIS_SEPTEMBER
    )
    trained_through_partnership(period, teach_first)
    return period


@pytest.fixture
def api(client, ambition_lp):
    return api_for(client, ambition_lp)


def trained_through_partnership(at_school, active_lead_provider, **training):
    """Training for an ECT or mentor period through a partnership of the provider with the
    period's school in the provider's contract period (made if need be): what the API shows."""
    pairing = LeadProviderDeliveryPartnership.objects.filter(
        active_lead_provider=active_lead_provider
    ).first()
    if pairing is None:
        pairing = LeadProviderDeliveryPartnershipFactory(active_lead_provider=active_lead_provider)
    partnership, _ = SchoolPartnership.objects.get_or_create(
        school=at_school.school, lead_provider_delivery_partnership=pairing
    )
    if isinstance(at_school, ECTAtSchoolPeriod):
        role = {"ect_at_school_period": at_school}
    else:
        role = {"ect_at_school_period": None, "mentor_at_school_period": at_school}
    return TrainingPeriodFactory(**role, school_partnership=partnership, **training)
