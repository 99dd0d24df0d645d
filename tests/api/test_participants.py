"""GET /api/v3/participants and /participants/{id}: who a lead provider trains, as ECF2 shows them,
filtered, sorted and paged; nobody else's."""

import datetime
import uuid

import pytest

from core import clock
from participants.models import TeacherIdChange
from tests.api.conftest import THIS_SEPTEMBER, api_for, trained_through_partnership
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v3/participants"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["data"]]


def enrolments(response, teacher):
    rows = [row for row in response.json()["data"] if row["id"] == str(teacher.api_id)]
    return {e["participant_type"]: e for e in rows[0]["attributes"]["ecf_enrolments"]}


class TestReading:
    def test_an_ect_and_mentor_read_as_ecf2_shows_them(self, api, amara, ben, kings):
        response = api.get(LIST)

        assert ids(response) == [str(amara.teacher.api_id), str(ben.teacher.api_id)]
        amara_json = response.json()["data"][0]
        assert amara_json["type"] == "participant"
        assert amara_json["attributes"]["full_name"] == "Amara Okafor"
        assert amara_json["attributes"]["teacher_reference_number"] == "1234567"
        assert amara_json["attributes"]["participant_id_changes"] == []
        ect = enrolments(response, amara.teacher)["ect"]
        assert ect == {
            **ect,
            "training_record_id": str(amara.teacher.api_ect_training_record_id),
            "email": "amara@example.org",
            "mentor_id": str(ben.teacher.api_id),
            "school_urn": "100001",
            "working_pattern": "full_time",
            "cohort": f"{THIS_YEAR}",
            "training_status": "active",
            "participant_status": "active",
            "eligible_for_funding": True,
            "schedule_identifier": "ecf-standard-september",
            "delivery_partner_id": str(kings.delivery_partner.api_id),
            "withdrawal": None,
            "deferral": None,
        }
        mentor = enrolments(response, ben.teacher)["mentor"]
        assert mentor["mentor_id"] is None
        assert mentor["working_pattern"] is None
        assert mentor["training_record_id"] == str(ben.teacher.api_mentor_training_record_id)

    def test_one_participant_by_id_and_through_the_ecf1_path(self, api, amara):
        for path in (f"{LIST}/{amara.teacher.api_id}", f"{LIST}/ecf/{amara.teacher.api_id}"):
            response = api.get(path)
            assert response.status_code == 200
            assert response.json()["data"]["id"] == str(amara.teacher.api_id)
        assert ids(api.get(f"{LIST}/ecf")) == [str(amara.teacher.api_id)]

    def test_another_providers_participant_is_not_listed_and_is_a_404(self, api, amara, tomas):
        assert ids(api.get(LIST)) == [str(amara.teacher.api_id)]
        response = api.get(f"{LIST}/{tomas.teacher.api_id}")
        assert response.status_code == 404
        assert response.json()["errors"][0]["title"] == "Resource not found"
        assert api.get(f"{LIST}/{uuid.uuid4()}").status_code == 404

    def test_an_ect_waiting_for_a_partnership_is_seen_once_the_provider_confirms_it(
        self, api, ambition_this_year, kings
    ):
        """Issue 17 point 5: as in the DfE's API, training that rests on a school's expression of
        interest is not the provider's to see (it has no delivery partner) until the provider
        confirms a partnership with the school, which moves the training onto it."""
        period = ECTAtSchoolPeriodFactory(started_on=THIS_SEPTEMBER)
        TrainingPeriodFactory(ect_at_school_period=period, expression_of_interest=ambition_this_year)
        assert str(period.teacher.api_id) not in ids(api.get(LIST))
        assert api.get(f"{LIST}/{period.teacher.api_id}").status_code == 404

        confirmed = api.post(
            "/api/v3/partnerships",
            {
                "cohort": str(THIS_YEAR),
                "school_id": str(period.school.api_id),
                "delivery_partner_id": str(kings.delivery_partner.api_id),
            },
        )
        assert confirmed.status_code == 200, confirmed.content

        enrolment = enrolments(api.get(LIST), period.teacher)["ect"]
        assert enrolment["delivery_partner_id"] == str(kings.delivery_partner.api_id)
        assert enrolment["cohort"] == f"{THIS_YEAR}"

    def test_participant_status_follows_the_calendar(self, api, ambition_this_year):
        today = clock.today()
        joining = ECTAtSchoolPeriodFactory(started_on=today + datetime.timedelta(days=10))
        leaving = ECTAtSchoolPeriodFactory(
            started_on=THIS_SEPTEMBER, finished_on=today + datetime.timedelta(days=3)
        )
        left = ECTAtSchoolPeriodFactory(
            started_on=THIS_SEPTEMBER, finished_on=today - datetime.timedelta(days=1)
        )
        for period in (joining, leaving, left):
            trained_through_partnership(period, ambition_this_year, finished_on=period.finished_on)
        response = api.get(LIST)
        assert enrolments(response, joining.teacher)["ect"]["participant_status"] == "joining"
        assert enrolments(response, leaving.teacher)["ect"]["participant_status"] == "leaving"
        assert enrolments(response, left.teacher)["ect"]["participant_status"] == "left"

    def test_a_teacher_who_moved_to_another_provider_stays_visible_as_left(self, api, amara, partnership):
        """Amara's school switches her to Teach First from today: Ambition still sees her, as left."""
        today = clock.today()
        training = amara.training_periods.get()
        training.finished_on = today - datetime.timedelta(days=1)
        training.save()
        other = ActiveLeadProviderFactory(
            lead_provider__name="Teach First",
            contract_period=partnership.lead_provider_delivery_partnership.active_lead_provider.contract_period,
        )
        trained_through_partnership(amara, other, started_on=today)

        assert enrolments(api.get(LIST), amara.teacher)["ect"]["participant_status"] == "left"
        theirs = api_for(api.client, other.lead_provider)
        assert enrolments(theirs.get(LIST), amara.teacher)["ect"]["participant_status"] == "active"


class TestFilters:
    def test_by_cohort(self, api, amara, ambition_lp):
        previous_period = ContractPeriodFactory(year=THIS_YEAR - 1)
        ambition_last_year = ActiveLeadProviderFactory(
            lead_provider=ambition_lp, contract_period=previous_period
        )
        older = ECTAtSchoolPeriodFactory(started_on=datetime.date(THIS_YEAR - 1, 9, 1))
        trained_through_partnership(older, ambition_last_year)

        assert ids(api.get(LIST, {"filter[cohort]": f"{THIS_YEAR - 1}"})) == [str(older.teacher.api_id)]
        assert ids(api.get(LIST, {"filter[cohort]": f"{THIS_YEAR}"})) == [str(amara.teacher.api_id)]
        assert len(ids(api.get(LIST, {"filter[cohort]": f"{THIS_YEAR - 1},{THIS_YEAR}"}))) == 2

    def test_by_training_status(self, api, amara, ben):
        training = ben.training_periods.get()
        training.deferred_at, training.deferral_reason = training.created_at, "parental-leave"
        training.save()

        assert ids(api.get(LIST, {"filter[training_status]": "deferred"})) == [str(ben.teacher.api_id)]
        assert ids(api.get(LIST, {"filter[training_status]": "active"})) == [str(amara.teacher.api_id)]
        assert ids(api.get(LIST, {"filter[training_status]": "withdrawn"})) == []

    def test_by_updated_since(self, api, amara, ben):
        since = api.get(LIST)["X-Next-Updated-Since"]
        assert ids(api.get(LIST, {"filter[updated_since]": since})) == []

        amara.email = "amara.okafor@example.org"
        amara.save()

        assert ids(api.get(LIST, {"filter[updated_since]": since})) == [str(amara.teacher.api_id)]

    def test_updated_since_with_an_offset_sent_unencoded(self, api, amara):
        """A client that forgets to encode "+" sends a space; it still means the offset."""
        response = api.client.get(
            f"{LIST}?filter[updated_since]={THIS_YEAR - 6}-01-01T00:00:00+01:00",
            HTTP_AUTHORIZATION=f"Bearer {api.token}",
        )
        assert ids(response) == [str(amara.teacher.api_id)]

    def test_by_from_participant_id(self, api, amara, ben):
        retired = uuid.uuid4()
        TeacherIdChange.objects.create(teacher=amara.teacher, from_api_id=retired)

        response = api.get(LIST, {"filter[from_participant_id]": str(retired)})

        assert ids(response) == [str(amara.teacher.api_id)]
        change = response.json()["data"][0]["attributes"]["participant_id_changes"][0]
        assert change["from_participant_id"] == str(retired)
        assert change["to_participant_id"] == str(amara.teacher.api_id)

    def test_sort_newest_first(self, api, amara, ben):
        assert ids(api.get(LIST, {"sort": "-created_at"})) == [
            str(ben.teacher.api_id),
            str(amara.teacher.api_id),
        ]
        amara.email = "new@example.org"
        amara.save()
        assert ids(api.get(LIST, {"sort": "-updated_at"}))[0] == str(amara.teacher.api_id)

    def test_every_bad_parameter_is_named_at_once_in_a_400(self, api, amara):
        """Only what the DfE's API refuses is refused, the page last, as it checks the page last;
        the other values find nothing or are left out, as there."""
        response = api.get(
            LIST,
            {
                "filter[cohort]": "twenty",
                "filter[training_status]": "resting",
                "filter[updated_since]": "yesterday",
                "filter[from_participant_id]": "7",
                "sort": "name",
                "page[per_page]": "0",
            },
        )
        assert response.status_code == 400
        assert [problem["detail"] for problem in response.json()["errors"]] == [
            "filter[updated_since] must be an ISO 8601 date and time, like 2026-09-01T08:30:00Z.",
            "page[page] and page[per_page] must each be a whole number of 1 or more.",
        ]


class TestPages:
    def test_pages_in_creation_order_then_an_empty_page(self, api, amara, ben):
        first = ids(api.get(LIST, {"page[per_page]": "1", "page[page]": "1"}))
        second = ids(api.get(LIST, {"page[per_page]": "1", "page[page]": "2"}))
        assert first + second == [str(amara.teacher.api_id), str(ben.teacher.api_id)]
        assert ids(api.get(LIST, {"page[per_page]": "1", "page[page]": "3"})) == []

    def test_more_than_3000_per_page_is_taken_as_3000(self, api, amara):
        assert ids(api.get(LIST, {"page[per_page]": "100000"})) == [str(amara.teacher.api_id)]

    def test_queries_do_not_grow_with_the_page(
        self, api, ambition_this_year, amara, ben, django_assert_max_num_queries
    ):
        """Measured with two participants, then held to the same count with forty more."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            api.get(LIST)
        for _ in range(20):
            mentor_and_ect(ambition_this_year)
        with django_assert_max_num_queries(len(small)):
            assert len(ids(api.get(LIST))) == 42


def mentor_and_ect(active_lead_provider):
    from tests.factories import MentorAtSchoolPeriodFactory, MentorshipPeriodFactory

    ect = ECTAtSchoolPeriodFactory(started_on=THIS_SEPTEMBER)
    mentor = MentorAtSchoolPeriodFactory(school=ect.school, started_on=THIS_SEPTEMBER)
    trained_through_partnership(ect, active_lead_provider)
    trained_through_partnership(mentor, active_lead_provider)
    MentorshipPeriodFactory(mentee=ect, mentor=mentor, started_on=THIS_SEPTEMBER)


def test_a_provider_with_nobody_sees_an_empty_list(client, amara):
    nobody = api_for(client, LeadProviderFactory(name="Nobody's Provider"))
    assert ids(nobody.get(LIST)) == []
