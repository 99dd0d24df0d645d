"""PUT /api/v3/participants/{id}/withdraw, /defer, /resume and /change-schedule: a lead provider
changing its own participant's training, each refusal a 422 naming the field, each change an event."""

import datetime

import pytest

from audit.models import Event
from participants.models import TrainingPeriod
from participants.services import provider_actions
from tests.api.conftest import trained_through_partnership
from tests.dates import TEST_DAY, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolPartnershipFactory,
)

pytestmark = pytest.mark.django_db

TODAY = TEST_DAY


def path(period, action):
    return f"/api/v3/participants/{period.teacher.api_id}/{action}"


def ect_enrolment(response):
    assert response.status_code == 200, response.content
    return next(
        e for e in response.json()["data"]["attributes"]["ecf_enrolments"] if e["participant_type"] == "ect"
    )


def problems(response):
    assert response.status_code == 422, response.content
    return {(problem["title"], problem["detail"]) for problem in response.json()["errors"]}


class TestWithdraw:
    def test_withdrawing_ends_the_training_today_and_says_why(self, api, amara, ambition_lp):
        response = api.put(
            path(amara, "withdraw"),
            {"reason": "left-teaching-profession", "course_identifier": "ecf-induction"},
        )

        enrolment = ect_enrolment(response)
        assert enrolment["training_status"] == "withdrawn"
        assert enrolment["participant_status"] == "left"  # the DfE shows a withdrawal in training_status
        assert enrolment["withdrawal"]["reason"] == "left-teaching-profession"
        training = amara.training_periods.get()
        assert training.finished_on == TODAY
        event = Event.objects.get(event_type="training_withdrawn")
        assert (event.actor_lead_provider, event.teacher, event.reason) == (
            ambition_lp,
            amara.teacher,
            "left-teaching-profession",
        )

    def test_refusals_name_their_fields_all_at_once(self, api, amara):
        response = api.put(path(amara, "withdraw"), {"reason": "bored", "course_identifier": "ecf-induction"})
        assert {title for title, _ in problems(response)} == {"reason"}

        response = api.put(
            path(amara, "withdraw"),
            {"reason": "mentor-no-longer-being-mentor", "course_identifier": "ecf-induction"},
        )
        assert problems(response) == {
            ("reason", "mentor-no-longer-being-mentor is a reason for mentors only.")
        }

        response = api.put(path(amara, "withdraw"), {"reason": "other", "course_identifier": "ecf-mentor"})
        assert problems(response) == {
            ("course_identifier", "The participant has no ecf-mentor training with you.")
        }

        response = api.put(path(amara, "withdraw"), {"reason": "other"})
        assert problems(response) == {("course_identifier", "Enter a course_identifier.")}
        assert amara.training_periods.get().withdrawn_at is None

    def test_withdrawing_twice_is_refused(self, api, amara):
        attributes = {"reason": "other", "course_identifier": "ecf-induction"}
        assert api.put(path(amara, "withdraw"), attributes).status_code == 200
        assert problems(api.put(path(amara, "withdraw"), attributes)) == {
            ("participant_id", "The participant is already withdrawn.")
        }

    def test_not_before_training_starts(self, api, ambition_this_year):
        joining = ECTAtSchoolPeriodFactory(started_on=TODAY + datetime.timedelta(days=5))
        trained_through_partnership(joining, ambition_this_year)
        response = api.put(
            path(joining, "withdraw"), {"reason": "other", "course_identifier": "ecf-induction"}
        )
        assert {title for title, _ in problems(response)} == {"participant_id"}

    def test_a_mentor_may_stop_being_a_mentor(self, api, ben):
        response = api.put(
            path(ben, "withdraw"),
            {"reason": "mentor-no-longer-being-mentor", "course_identifier": "ecf-mentor"},
        )
        assert response.status_code == 200


class TestDeferAndResume:
    def test_defer_then_resume_on_the_same_schedule_the_next_day(self, api, amara):
        yesterday = TODAY - datetime.timedelta(days=1)
        provider_actions.defer(
            teacher=amara.teacher,
            lead_provider=api_lead_provider(amara),
            course_identifier="ecf-induction",
            reason="parental-leave",
            today=yesterday,
        )
        deferred = ect_enrolment(api.get(f"/api/v3/participants/{amara.teacher.api_id}"))
        assert deferred["training_status"] == "deferred"
        assert deferred["deferral"]["reason"] == "parental-leave"

        enrolment = ect_enrolment(api.put(path(amara, "resume"), {"course_identifier": "ecf-induction"}))

        assert enrolment["training_status"] == "active"
        assert enrolment["schedule_identifier"] == "ecf-standard-september"
        old, new = amara.training_periods.order_by("started_on")
        assert (old.finished_on, new.started_on, new.finished_on) == (yesterday, TODAY, None)
        assert new.school_partnership_id == old.school_partnership_id
        assert Event.objects.filter(event_type="training_resumed").count() == 1

    def test_resuming_on_the_day_of_deferral_is_refused_until_tomorrow(self, api, amara):
        assert (
            api.put(
                path(amara, "defer"), {"reason": "career-break", "course_identifier": "ecf-induction"}
            ).status_code
            == 200
        )
        detail = dict(problems(api.put(path(amara, "resume"), {"course_identifier": "ecf-induction"})))[
            "participant_id"
        ]
        assert "resume it from the day after" in detail

    def test_resuming_someone_training_is_refused(self, api, amara):
        assert problems(api.put(path(amara, "resume"), {"course_identifier": "ecf-induction"})) == {
            ("participant_id", "The participant is already training with you.")
        }

    def test_bad_deferral_reason(self, api, amara):
        response = api.put(path(amara, "defer"), {"reason": "holiday", "course_identifier": "ecf-induction"})
        assert {title for title, _ in problems(response)} == {"reason"}

    def test_resuming_someone_who_left_the_school_is_refused(self, api, amara):
        provider_actions.withdraw(
            teacher=amara.teacher,
            lead_provider=api_lead_provider(amara),
            course_identifier="ecf-induction",
            reason="moved-school",
            today=TODAY - datetime.timedelta(days=3),
        )
        amara.finished_on = TODAY - datetime.timedelta(days=2)
        amara.save()
        detail = dict(problems(api.put(path(amara, "resume"), {"course_identifier": "ecf-induction"})))[
            "participant_id"
        ]
        assert "left Quillfeather Primary School" in detail


def api_lead_provider(period):
    training = period.training_periods.get()
    return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider


class TestChangeSchedule:
    def test_to_another_schedule_in_the_same_cohort(self, api, amara):
        response = api.put(
            path(amara, "change-schedule"),
            {"schedule_identifier": "ecf-extended-september", "course_identifier": "ecf-induction"},
        )
        assert ect_enrolment(response)["schedule_identifier"] == "ecf-extended-september"
        event = Event.objects.get(event_type="training_schedule_changed")
        assert event.changes == {
            "schedule": [f"ecf-standard-september ({THIS_YEAR})", f"ecf-extended-september ({THIS_YEAR})"]
        }

    @pytest.mark.parametrize(
        ("attributes", "field"),
        [
            ({"schedule_identifier": "ecf-standard-september"}, "schedule_identifier"),  # already on it
            ({"schedule_identifier": "ecf-fast-september"}, "schedule_identifier"),
            ({"schedule_identifier": "ecf-replacement-september"}, "schedule_identifier"),  # mentors only
            ({"schedule_identifier": "ecf-standard-january", "cohort": "1999"}, "cohort"),
            ({"schedule_identifier": "ecf-standard-january", "cohort": "twenty"}, "cohort"),
        ],
    )
    def test_refused(self, api, amara, attributes, field):
        response = api.put(
            path(amara, "change-schedule"), {**attributes, "course_identifier": "ecf-induction"}
        )
        assert {title for title, _ in problems(response)} == {field}
        assert amara.training_periods.get().schedule.identifier == "ecf-standard-september"

    def test_a_mentor_cannot_be_on_a_reduced_schedule(self, api, ben):
        response = api.put(
            path(ben, "change-schedule"),
            {"schedule_identifier": "ecf-reduced-september", "course_identifier": "ecf-mentor"},
        )
        assert {title for title, _ in problems(response)} == {"schedule_identifier"}

    def test_to_another_cohort_needs_a_partnership_there(self, api, amara, ambition_lp):
        previous_period = ContractPeriodFactory(year=THIS_YEAR - 1)
        attributes = {
            "schedule_identifier": "ecf-standard-january",
            "cohort": f"{THIS_YEAR - 1}",
            "course_identifier": "ecf-induction",
        }
        detail = dict(problems(api.put(path(amara, "change-schedule"), attributes)))["cohort"]
        assert f"not in partnership with Quillfeather Primary School in {THIS_YEAR - 1}" in detail

        pairing = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(
                lead_provider=ambition_lp, contract_period=previous_period
            )
        )
        SchoolPartnershipFactory(school=amara.school, lead_provider_delivery_partnership=pairing)
        enrolment = ect_enrolment(api.put(path(amara, "change-schedule"), attributes))

        assert (enrolment["cohort"], enrolment["schedule_identifier"]) == (
            f"{THIS_YEAR - 1}",
            "ecf-standard-january",
        )
        assert enrolment["delivery_partner_id"] == str(pairing.delivery_partner.api_id)


class TestRequests:
    def test_a_body_that_is_not_the_api_shape_is_a_400(self, api, amara):
        for body in ("not json", "[]", '{"data": {}}', '{"data": {"attributes": "x"}}'):
            response = api.put(path(amara, "withdraw"), body=body)
            assert response.status_code == 400
            assert response.json()["errors"][0]["title"] == "Bad request"

    def test_another_providers_participant_is_a_404_and_unchanged(self, api, tomas):
        response = api.put(path(tomas, "withdraw"), {"reason": "other", "course_identifier": "ecf-induction"})
        assert response.status_code == 404
        assert TrainingPeriod.objects.get(ect_at_school_period=tomas).withdrawn_at is None

    def test_the_ecf1_path_and_only_put(self, api, amara):
        ecf1 = f"/api/v3/participants/ecf/{amara.teacher.api_id}/defer"
        assert api.put(ecf1, {"reason": "other", "course_identifier": "ecf-induction"}).status_code == 200
        assert api.get(ecf1).status_code == 405
