"""/participants/transfers, /unfunded-mentors and the change feed /participants/changes."""

import datetime

import pytest

from participants.models import ECTAtSchoolPeriod, MentorshipPeriod
from tests.api.conftest import THIS_SEPTEMBER, api_for, trained_through_partnership
from tests.dates import TEST_DAY
from tests.factories import (
    ActiveLeadProviderFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

TODAY = TEST_DAY


@pytest.fixture
def moved(amara, current_period):
    """Amara leaves Quillfeather (Ambition) and joins Northfield, trained by Best Practice Network, next week."""
    last_day, first_day = TODAY + datetime.timedelta(days=6), TODAY + datetime.timedelta(days=7)
    training = amara.training_periods.get()
    amara.finished_on = training.finished_on = last_day
    training.save()
    amara.save()
    best_practice = ActiveLeadProviderFactory(
        lead_provider__name="Best Practice Network", contract_period=current_period
    )
    joining = ECTAtSchoolPeriodFactory(
        teacher=amara.teacher, school=SchoolFactory(name="Northfield", urn=100009), started_on=first_day
    )
    trained_through_partnership(joining, best_practice)
    return joining


class TestTransfers:
    def test_a_move_to_another_provider_as_both_providers_see_it(self, api, client, amara, moved, tomas):
        rows = api.get("/api/v3/participants/transfers").json()["data"]

        assert [row["id"] for row in rows] == [str(amara.teacher.api_id)]
        (transfer,) = rows[0]["attributes"]["transfers"]
        assert transfer == {
            **transfer,
            "training_record_id": str(amara.teacher.api_ect_training_record_id),
            "transfer_type": "new_provider",
            "status": "incomplete",
            "leaving": {
                "school_urn": "100001",
                "provider": "Ambition Institute",
                "date": str(TODAY + datetime.timedelta(days=6)),
            },
            "joining": {
                "school_urn": "100009",
                "provider": "Best Practice Network",
                "date": str(TODAY + datetime.timedelta(days=7)),
            },
        }
        best_practice = api_for(
            client,
            moved.training_periods.get().school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider,
        )
        theirs = best_practice.get(f"/api/v3/participants/{amara.teacher.api_id}/transfers").json()["data"]
        assert theirs["attributes"]["transfers"][0]["transfer_type"] == "new_provider"

    def test_nobody_who_stayed_put_and_nobody_elses(self, api, client, amara, ben, tomas):
        assert api.get("/api/v3/participants/transfers").json()["data"] == []
        single = api.get(f"/api/v3/participants/{amara.teacher.api_id}/transfers").json()["data"]
        assert single["attributes"]["transfers"] == []
        assert api.get(f"/api/v3/participants/{tomas.teacher.api_id}/transfers").status_code == 404

    def test_a_provider_not_involved_does_not_see_the_move(self, client, moved):
        outsider = api_for(client, LeadProviderFactory(name="Outsider"))
        assert outsider.get("/api/v3/participants/ecf/transfers").json()["data"] == []


class TestUnfundedMentors:
    def test_a_mentor_of_your_ect_trained_elsewhere(self, api, amara, current_period):
        other = ActiveLeadProviderFactory(lead_provider__name="Teach First", contract_period=current_period)
        mentor = MentorAtSchoolPeriodFactory(
            school=amara.school, started_on=THIS_SEPTEMBER, email="cleo@example.org"
        )
        TrainingPeriodFactory(
            ect_at_school_period=None, mentor_at_school_period=mentor, expression_of_interest=other
        )
        MentorshipPeriodFactory(mentee=amara, mentor=mentor, started_on=THIS_SEPTEMBER)

        rows = api.get("/api/v3/unfunded-mentors").json()["data"]

        assert [row["id"] for row in rows] == [str(mentor.teacher.api_id)]
        assert rows[0]["attributes"]["email"] == "cleo@example.org"
        assert api.get(f"/api/v3/unfunded-mentors/{mentor.teacher.api_id}").status_code == 200

    def test_a_mentor_who_trains_with_you_is_not_unfunded(self, api, amara, ben):
        assert api.get("/api/v3/unfunded-mentors").json()["data"] == []
        assert api.get(f"/api/v3/unfunded-mentors/{ben.teacher.api_id}").status_code == 404


class TestChangeFeed:
    def test_each_changed_participant_once_then_nothing(self, api, amara, ben):
        first = api.get("/api/v3/participants/changes").json()
        # Made by factories: every participant has changed since the beginning.
        assert {row["id"] for row in first["data"]} == {str(amara.teacher.api_id), str(ben.teacher.api_id)}
        assert first["meta"]["more"] is False

        again = api.get("/api/v3/participants/changes", {"cursor": first["meta"]["next_cursor"]}).json()
        assert again["data"] == []

        ECTAtSchoolPeriod.objects.filter(pk=amara.pk).update(email="amara.new@example.org")
        ECTAtSchoolPeriod.objects.filter(pk=amara.pk).update(working_pattern="part_time")
        changed = api.get("/api/v3/participants/changes", {"cursor": again["meta"]["next_cursor"]}).json()
        assert [row["id"] for row in changed["data"]] == [str(amara.teacher.api_id)]
        assert changed["data"][0]["attributes"]["ecf_enrolments"][0]["working_pattern"] == "part_time"

    def test_paged_by_cursor_without_losing_anyone(self, api, amara, ben, tomas):
        seen, cursor = [], "0"
        for _ in range(5):
            page = api.get("/api/v3/participants/changes", {"cursor": cursor, "page[per_page]": "1"}).json()
            seen += [row["id"] for row in page["data"]]
            cursor = page["meta"]["next_cursor"]
            if not page["meta"]["more"]:
                break
        assert sorted(seen) == sorted([str(amara.teacher.api_id), str(ben.teacher.api_id)])

    def test_a_bad_cursor(self, api):
        response = api.get("/api/v3/participants/changes", {"cursor": "yesterday"})
        assert response.status_code == 400

    def test_a_new_mentor_is_a_change_to_the_ect(self, api, amara, ben):
        cursor = api.get("/api/v3/participants/changes").json()["meta"]["next_cursor"]
        MentorshipPeriod.objects.filter(mentee=amara).delete()
        rows = api.get("/api/v3/participants/changes", {"cursor": cursor}).json()["data"]
        assert [row["attributes"]["ecf_enrolments"][0]["mentor_id"] for row in rows] == [None]
