"""/api/v3/partnerships (list, show, create, change delivery partner) and /api/v3/schools (by cohort):
a lead provider confirming the schools it trains, and only ever seeing its own partnerships."""

import datetime

import pytest

from audit.models import Event
from core import clock
from emails.models import Email
from providers.models import SchoolPartnership
from schools.models import SchoolAccess, SchoolRole
from tests.api.conftest import THIS_SEPTEMBER, api_for
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_set_up_with,
)

pytestmark = pytest.mark.django_db

PARTNERSHIPS = "/api/v3/partnerships"
SCHOOLS = "/api/v3/schools"
ELIGIBLE = {"eligible_for_funding": True, "eligibility_decided_on": datetime.date(THIS_YEAR, 6, 1)}


@pytest.fixture
def tutor():
    return UserFactory(
        full_name="Ada Lovelace", email="ada@elmstead.example", privacy_notice_accepted_at=clock.now()
    )


@pytest.fixture
def elmstead(ambition_lp, ambition_this_year, current_period, tutor):
    """A school that chose Ambition for this year and registered an ECT, waiting for Ambition to confirm."""
    school = school_set_up_with(
        ambition_lp,
        tutor=tutor,
        contract_period=current_period,
        name="Elmstead Primary",
        urn=100002,
        **ELIGIBLE,
    )
    return school


@pytest.fixture
def waiting_ect(elmstead, ambition_this_year):
    period = ECTAtSchoolPeriodFactory(school=elmstead, started_on=THIS_SEPTEMBER)
    TrainingPeriodFactory(ect_at_school_period=period, expression_of_interest=ambition_this_year)
    return period


def confirm(api, school, partner, cohort=f"{THIS_YEAR}"):
    return api.post(
        PARTNERSHIPS,
        {"cohort": cohort, "school_id": str(school.api_id), "delivery_partner_id": str(partner.api_id)},
    )


def problems(response):
    assert response.status_code == 422, response.content
    return {problem["title"]: problem["detail"] for problem in response.json()["errors"]}


class TestConfirming:
    def test_confirms_the_schools_choice_and_tells_the_school(
        self, api, client, elmstead, waiting_ect, kings, tutor
    ):
        response = confirm(api, elmstead, kings.delivery_partner)

        assert response.status_code == 200, response.content
        attributes = response.json()["data"]["attributes"]
        assert attributes == {
            **attributes,
            "cohort": f"{THIS_YEAR}",
            "urn": "100002",
            "school_id": str(elmstead.api_id),
            "delivery_partner_id": str(kings.delivery_partner.api_id),
            "delivery_partner_name": "Kings",
            "induction_tutor_name": "Ada Lovelace",
            "induction_tutor_email": "ada@elmstead.example",
            "participants_currently_training": 1,
        }
        # The ECT waiting on the school's expression of interest now trains through the partnership.
        participant = api.get(f"/api/v3/participants/{waiting_ect.teacher.api_id}").json()["data"]
        assert participant["attributes"]["ecf_enrolments"][0]["delivery_partner_id"] == str(
            kings.delivery_partner.api_id
        )
        email = Email.objects.get(template="partnership_confirmed")
        assert email.recipient == "ada@elmstead.example"
        assert email.personalisation["delivery_partner_name"] == "Kings"
        assert Event.objects.filter(event_type="partnership_confirmed", school=elmstead).count() == 1
        # The school's page shows its provider and delivery partner.
        client.force_login(tutor)
        page = client.get(f"/schools/{elmstead.urn}/years/{THIS_YEAR}").content.decode()
        assert "Ambition Institute" in page and "Kings" in page

    def test_every_unknown_id_is_named_at_once(self, api, kings):
        response = api.post(
            PARTNERSHIPS,
            {
                "cohort": "1999",
                "school_id": "7d3b4c1e-1111-4111-8111-111111111111",
                "delivery_partner_id": "not-an-id",
            },
        )
        assert set(problems(response)) == {"cohort", "school_id", "delivery_partner_id"}

    def test_missing_attributes(self, api):
        assert set(problems(api.post(PARTNERSHIPS, {"cohort": f"{THIS_YEAR}"}))) == {
            "school_id",
            "delivery_partner_id",
        }

    def test_a_school_not_eligible_for_funding(self, api, kings):
        closed = SchoolFactory(name="Closed School", eligible_for_funding=False)
        assert problems(confirm(api, closed, kings.delivery_partner)) == {
            "school_id": "Closed School is not eligible for funded training."
        }

    def test_a_delivery_partner_you_do_not_work_with_that_year(self, api, elmstead, kings):
        stranger = DeliveryPartnerFactory(name="Stranger Partners")
        assert problems(confirm(api, elmstead, stranger)) == {
            "delivery_partner_id": f"You do not work with Stranger Partners in {THIS_YEAR}."
        }

    def test_a_school_already_with_another_provider_that_year(self, api, elmstead, current_period, kings):
        theirs = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(
                lead_provider__name="Teach First", contract_period=current_period
            )
        )
        SchoolPartnershipFactory(school=elmstead, lead_provider_delivery_partnership=theirs)
        assert (
            "already in partnership with another lead provider"
            in problems(confirm(api, elmstead, kings.delivery_partner))["school_id"]
        )

    def test_twice_is_refused(self, api, elmstead, kings):
        assert confirm(api, elmstead, kings.delivery_partner).status_code == 200
        assert (
            "already in partnership with Elmstead Primary"
            in problems(confirm(api, elmstead, kings.delivery_partner))["school_id"]
        )
        assert SchoolPartnership.objects.filter(school=elmstead).count() == 1

    def test_a_school_running_its_own_programme(self, api, current_period, kings, tutor):
        from schools.models import SchoolContractPeriodChoice

        school = SchoolFactory(name="Own Way School", **ELIGIBLE)
        SchoolContractPeriodChoice.objects.create(
            school=school,
            contract_period=current_period,
            expects_ects="yes",
            programme="school_led",
            appropriate_body=AppropriateBodyFactory(),
        )
        assert (
            "will not have provider-led training"
            in problems(confirm(api, school, kings.delivery_partner))["school_id"]
        )

    def test_a_school_that_chose_another_provider(self, api, current_period, kings, tutor):
        other = ActiveLeadProviderFactory(lead_provider__name="Teach First", contract_period=current_period)
        school = school_set_up_with(
            other.lead_provider, tutor=tutor, contract_period=current_period, name="Chose Others", **ELIGIBLE
        )
        assert (
            "chose another lead provider"
            in problems(confirm(api, school, kings.delivery_partner))["school_id"]
        )


class TestReading:
    def test_list_and_show_only_your_own(self, api, partnership, current_period):
        theirs = SchoolPartnershipFactory(
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=ActiveLeadProviderFactory(
                    lead_provider__name="Teach First", contract_period=current_period
                )
            )
        )
        listed = api.get(PARTNERSHIPS).json()["data"]
        assert [row["id"] for row in listed] == [str(partnership.api_id)]
        assert api.get(f"{PARTNERSHIPS}/{partnership.api_id}").status_code == 200
        assert api.get(f"{PARTNERSHIPS}/{theirs.api_id}").status_code == 404
        assert api.get(f"{PARTNERSHIPS}/ecf").json()["data"][0]["id"] == str(partnership.api_id)

    def test_filters(self, api, partnership, kings):
        assert len(api.get(PARTNERSHIPS, {"filter[cohort]": f"{THIS_YEAR}"}).json()["data"]) == 1
        assert api.get(PARTNERSHIPS, {"filter[cohort]": f"{THIS_YEAR - 1}"}).json()["data"] == []
        by_partner = {"filter[delivery_partner_id]": str(kings.delivery_partner.api_id)}
        assert len(api.get(PARTNERSHIPS, by_partner).json()["data"]) == 1
        assert api.get(PARTNERSHIPS, {"filter[delivery_partner_id]": "kings"}).json()["data"] == []

    def test_a_new_induction_tutor_moves_updated_at(self, api, partnership):
        since = (clock.now() + datetime.timedelta(seconds=1)).isoformat()
        assert api.get(PARTNERSHIPS, {"filter[updated_since]": since}).json()["data"] == []
        SchoolAccess.objects.create(
            user=UserFactory(full_name="Grace Hopper"),
            school=partnership.school,
            role=SchoolRole.INDUCTION_TUTOR,
            started_at=clock.now() + datetime.timedelta(seconds=2),
        )
        rows = api.get(PARTNERSHIPS, {"filter[updated_since]": since}).json()["data"]
        assert [row["attributes"]["induction_tutor_name"] for row in rows] == ["Grace Hopper"]


class TestChangingDeliveryPartner:
    def test_to_another_of_yours_that_year(self, api, partnership, amara, kings):
        leeds = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=kings.active_lead_provider,
            delivery_partner=DeliveryPartnerFactory(name="Leeds"),
        )
        before = api.get("/api/v3/participants").headers["X-Next-Updated-Since"]

        response = api.put(
            f"{PARTNERSHIPS}/{partnership.api_id}",
            {"delivery_partner_id": str(leeds.delivery_partner.api_id)},
        )

        assert response.json()["data"]["attributes"]["delivery_partner_name"] == "Leeds"
        changed = api.get("/api/v3/participants", {"filter[updated_since]": before}).json()["data"]
        assert [row["id"] for row in changed] == [str(amara.teacher.api_id)]
        assert changed[0]["attributes"]["ecf_enrolments"][0]["delivery_partner_id"] == str(
            leeds.delivery_partner.api_id
        )
        assert Email.objects.filter(template="partnership_changed").exists() == bool(
            partnership.school.contact_email
        )

    def test_refused(self, api, partnership, kings):
        path = f"{PARTNERSHIPS}/{partnership.api_id}"
        assert (
            "already delivers"
            in problems(api.put(path, {"delivery_partner_id": str(kings.delivery_partner.api_id)}))[
                "delivery_partner_id"
            ]
        )
        stranger = DeliveryPartnerFactory(name="Stranger Partners")
        assert problems(api.put(path, {"delivery_partner_id": str(stranger.api_id)})) == {
            "delivery_partner_id": f"You do not work with Stranger Partners in {THIS_YEAR}."
        }
        assert problems(api.put(path, {})) == {"delivery_partner_id": "Enter a delivery_partner_id."}

    def test_another_providers_partnership_is_a_404(self, client, partnership, current_period):
        other = api_for(client, LeadProviderFactory(name="Teach First"))
        assert (
            other.put(f"{PARTNERSHIPS}/{partnership.api_id}", {"delivery_partner_id": "x"}).status_code == 404
        )


class TestSchools:
    def test_cohort_is_required(self, api):
        response = api.get(SCHOOLS)
        assert response.status_code == 400
        assert [problem["title"] for problem in response.json()["errors"]] == ["Bad parameter"]

    def test_eligible_schools_with_what_they_chose(self, api, elmstead, partnership, current_period):
        SchoolFactory(name="Not Eligible", eligible_for_funding=False)
        rows = {
            row["attributes"]["name"]: row["attributes"]
            for row in api.get(SCHOOLS, {"filter[cohort]": f"{THIS_YEAR}"}).json()["data"]
        }

        assert set(rows) == {"Elmstead Primary", "Quillfeather Primary School"}
        assert rows["Elmstead Primary"] == {
            **rows["Elmstead Primary"],
            "cohort": f"{THIS_YEAR}",
            "in_partnership": False,
            "induction_programme_choice": "provider_led",
            "expression_of_interest": True,
            "induction_tutor_name": "Ada Lovelace",
        }
        assert rows["Quillfeather Primary School"]["in_partnership"] is True
        assert rows["Quillfeather Primary School"]["induction_programme_choice"] == "not_yet_known"

    def test_the_induction_tutor_only_for_a_school_that_chose_you(self, client, elmstead):
        other = api_for(client, LeadProviderFactory(name="Teach First"))
        row = other.get(SCHOOLS, {"filter[cohort]": f"{THIS_YEAR}", "filter[urn]": "100002"}).json()["data"][
            0
        ]
        assert (row["attributes"]["expression_of_interest"], row["attributes"]["induction_tutor_name"]) == (
            False,
            None,
        )

    def test_one_school(self, api, elmstead):
        response = api.get(f"{SCHOOLS}/{elmstead.api_id}", {"filter[cohort]": f"{THIS_YEAR}"})
        assert response.json()["data"]["attributes"]["urn"] == "100002"
        assert api.get(f"{SCHOOLS}/{elmstead.api_id}", {"filter[cohort]": "1999"}).status_code == 404
