"""Issue 17: what a client written for the DfE's v3 API expects, point by point (points 2, 3 and 10
have their own files: test_query_parameters.py and test_document.py)."""

import datetime

import pytest
from django.contrib.auth.models import Group

from audit.models import Event
from core import clock
from finance import services as finance
from finance.models import Declaration, Statement
from participants.models import Teacher
from providers.models import LAST_YEAR_WITH_UPLIFTS, ContractPeriod
from schools.models import SchoolFundingFlags
from tests.api.conftest import THIS_SEPTEMBER, api_for, trained_through_partnership
from tests.dates import TEST_DAY, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    SchoolFactory,
    TrainingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PARTICIPANTS = "/api/v3/participants"
DECLARATIONS = "/api/v3/participant-declarations"


def data(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]


def ect_enrolment(response_data):
    return next(e for e in response_data["attributes"]["ecf_enrolments"] if e["participant_type"] == "ect")


# --- Point 1: a previous provider's declarations ------------------------------------------------


@pytest.fixture
def teach_first_before_ambition(amara, partnership, current_period):
    """Amara trained with Teach First at Quillfeather until 31 October, then with Ambition."""
    teach_first = ActiveLeadProviderFactory(lead_provider__name="Teach First", contract_period=current_period)
    ambition_training = amara.training_periods.get()
    ambition_training.started_on = datetime.date(THIS_YEAR, 11, 1)
    ambition_training.save()
    trained_through_partnership(
        amara, teach_first, started_on=THIS_SEPTEMBER, finished_on=datetime.date(THIS_YEAR, 10, 31)
    )
    finance.add_statements(teach_first)
    finance.add_statements(
        ambition_training.school_partnership.lead_provider_delivery_partnership.active_lead_provider
    )
    return teach_first


def declaration_by(api, period, **overrides):
    body = {
        "participant_id": str(period.teacher.api_id),
        "declaration_type": "started",
        "declaration_date": f"{THIS_YEAR}-10-01T09:00:00Z",
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
        **overrides,
    }
    return data(api.post(DECLARATIONS, body))


class TestAPreviousProvidersDeclarations:
    def test_the_new_provider_sees_them_but_cannot_void_them(
        self, api, client, amara, teach_first_before_ambition
    ):
        teach_first = api_for(client, teach_first_before_ambition.lead_provider)
        theirs = declaration_by(teach_first, amara)

        seen = data(api.get(DECLARATIONS, {"filter[participant_id]": str(amara.teacher.api_id)}))

        assert [row["id"] for row in seen] == [theirs["id"]]
        assert seen[0]["attributes"]["lead_provider_name"] == "Teach First"
        assert data(api.get(f"{DECLARATIONS}/{theirs['id']}"))["id"] == theirs["id"]
        refused = api.put(f"{DECLARATIONS}/{theirs['id']}/void")
        assert refused.status_code == 422
        assert "Teach First made this declaration" in refused.json()["errors"][0]["detail"]
        assert Declaration.objects.get(api_id=theirs["id"]).payment_status == "eligible"

    def test_a_voided_one_is_not_shown(self, api, client, amara, teach_first_before_ambition):
        teach_first = api_for(client, teach_first_before_ambition.lead_provider)
        theirs = declaration_by(teach_first, amara)
        assert teach_first.put(f"{DECLARATIONS}/{theirs['id']}/void").status_code == 200

        assert data(api.get(DECLARATIONS)) == []

    def test_a_provider_who_never_trained_them_sees_none(self, client, amara, teach_first_before_ambition):
        teach_first = api_for(client, teach_first_before_ambition.lead_provider)
        declaration_by(teach_first, amara)
        outsider = ActiveLeadProviderFactory(
            lead_provider__name="Outsider", contract_period=teach_first_before_ambition.contract_period
        )
        assert data(api_for(client, outsider.lead_provider).get(DECLARATIONS)) == []

    def test_the_earlier_provider_does_not_see_the_later_ones(
        self, api, client, amara, teach_first_before_ambition
    ):
        """Teach First trained Amara until 31 October: Ambition's later declaration is not theirs."""
        mine = declaration_by(api, amara, declaration_date=f"{THIS_YEAR}-11-02T09:00:00Z")
        teach_first = api_for(client, teach_first_before_ambition.lead_provider)
        assert mine["id"] not in [row["id"] for row in data(teach_first.get(DECLARATIONS))]


# --- Point 4: participant_status has the DfE's four values ----------------------------------------


class TestParticipantStatus:
    def test_a_withdrawal_shows_in_training_status_and_the_participant_has_left(self, api, amara):
        response = api.put(
            f"{PARTICIPANTS}/{amara.teacher.api_id}/withdraw",
            {"reason": "left-teaching-profession", "course_identifier": "ecf-induction"},
        )
        enrolment = ect_enrolment(data(response))
        assert (enrolment["training_status"], enrolment["participant_status"]) == ("withdrawn", "left")

    def test_a_deferral_is_left_too(self, api, amara):
        response = api.put(
            f"{PARTICIPANTS}/{amara.teacher.api_id}/defer",
            {"reason": "parental-leave", "course_identifier": "ecf-induction"},
        )
        enrolment = ect_enrolment(data(response))
        assert (enrolment["training_status"], enrolment["participant_status"]) == ("deferred", "left")


# --- Point 6: transfers ------------------------------------------------------------------------------


class TestTransfers:
    def _move(self, amara, *, joining_training):
        last_day = TEST_DAY + datetime.timedelta(days=6)
        training = amara.training_periods.get()
        amara.finished_on = training.finished_on = last_day
        training.save()
        amara.save()
        joining = ECTAtSchoolPeriodFactory(
            teacher=amara.teacher,
            school=SchoolFactory(urn=100009),
            started_on=last_day + datetime.timedelta(days=1),
        )
        joining_training(joining)
        return joining

    def test_a_move_to_a_school_not_yet_training_with_a_provider_has_no_joining(self, api, amara):
        left_training = amara.training_periods.get()
        self._move(amara, joining_training=lambda period: TrainingPeriodFactory(ect_at_school_period=period))

        (row,) = data(api.get(f"{PARTICIPANTS}/transfers"))
        (transfer,) = row["attributes"]["transfers"]
        assert transfer["transfer_type"] == "unknown"
        assert transfer["joining"] is None
        assert transfer["leaving"]["provider"] == "Ambition Institute"
        # Dated when the training they left was recorded, as the DfE's services date it.
        created = datetime.datetime.fromisoformat(transfer["created_at"])
        assert created == left_training.created_at.replace(microsecond=0)

    def test_a_leaver_whose_next_school_is_not_known_is_a_transfer_with_no_joining(self, api, amara):
        last_day = TEST_DAY - datetime.timedelta(days=1)
        training = amara.training_periods.get()
        amara.finished_on = training.finished_on = last_day
        training.save()
        amara.save()

        (row,) = data(api.get(f"{PARTICIPANTS}/transfers"))
        (transfer,) = row["attributes"]["transfers"]
        assert (transfer["transfer_type"], transfer["status"], transfer["joining"]) == (
            "unknown",
            "complete",
            None,
        )
        assert transfer["leaving"] == {
            "school_urn": "100001",
            "provider": "Ambition Institute",
            "date": str(last_day),
        }

    def test_an_ect_who_passed_induction_and_left_has_not_transferred(self, api, amara):
        last_day = TEST_DAY - datetime.timedelta(days=1)
        training = amara.training_periods.get()
        amara.finished_on = training.finished_on = last_day
        training.save()
        amara.save()
        InductionPeriodFactory(
            teacher=amara.teacher,
            started_on=THIS_SEPTEMBER,
            finished_on=last_day,
            outcome="pass",
            number_of_terms=1,
        )

        assert data(api.get(f"{PARTICIPANTS}/transfers")) == []

    def test_a_move_from_school_led_training_is_not_a_transfer(self, client, amara, current_period):
        """The DfE names the provider a participant left; a school-led year has none."""
        school_led = ECTAtSchoolPeriodFactory(started_on=THIS_SEPTEMBER, finished_on=TEST_DAY)
        TrainingPeriodFactory(ect_at_school_period=school_led, finished_on=TEST_DAY)
        best_practice = ActiveLeadProviderFactory(
            lead_provider__name="Best Practice", contract_period=current_period
        )
        joining = ECTAtSchoolPeriodFactory(
            teacher=school_led.teacher, started_on=TEST_DAY + datetime.timedelta(days=1)
        )
        trained_through_partnership(joining, best_practice)

        theirs = api_for(client, best_practice.lead_provider)
        assert (
            data(theirs.get(f"{PARTICIPANTS}/{school_led.teacher.api_id}/transfers"))["attributes"][
                "transfers"
            ]
            == []
        )


# --- Point 7: delivery partners' stamps -------------------------------------------------------------


class TestDeliveryPartnerStamps:
    def test_created_and_updated_at_and_a_rename_moves_updated_at(self, api, kings, service_clock):
        before = data(api.get(f"/api/v3/delivery-partners/{kings.delivery_partner.api_id}"))["attributes"]
        assert before["created_at"] == before["updated_at"]

        service_clock.shift(datetime.timedelta(hours=1))
        kings.delivery_partner.name = "Kings Teaching School Hub"
        kings.delivery_partner.save()

        after = data(api.get(f"/api/v3/delivery-partners/{kings.delivery_partner.api_id}"))["attributes"]
        assert after["created_at"] == before["created_at"]
        assert after["updated_at"] > before["updated_at"]


# --- Point 8: attributes the DfE's documents have -----------------------------------------------------


class TestAttributesTheDfEHas:
    def test_a_challenge_support_records_in_admin_shows_on_the_partnership(
        self, api, client, partnership, staff_groups
    ):
        attributes = data(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["attributes"]
        assert (attributes["status"], attributes["challenged_at"], attributes["challenged_reason"]) == (
            "active",
            None,
            None,
        )

        support = UserFactory(is_staff=True)
        support.groups.add(Group.objects.get(name="support"))
        client.force_login(support)
        response = client.post(
            f"/admin/providers/schoolpartnership/{partnership.pk}/change/",
            {
                "school": partnership.school.pk,
                "lead_provider_delivery_partnership": partnership.lead_provider_delivery_partnership.pk,
                "challenge_reason": "mistake",
            },
        )
        assert response.status_code == 302, response.content

        attributes = data(api.get(f"/api/v3/partnerships/{partnership.api_id}"))["attributes"]
        assert (attributes["status"], attributes["challenged_reason"]) == ("challenged", "mistake")
        assert datetime.datetime.fromisoformat(attributes["challenged_at"]) <= clock.now()
        assert attributes["updated_at"] == attributes["challenged_at"]
        assert (
            Event.objects.filter(event_type="partnership_challenged", school=partnership.school).count() == 1
        )

    def test_teacher_reference_number_validated_means_checked_against_trs(self, api, amara):
        Teacher.objects.filter(pk=amara.teacher.pk).update(trs_data_refreshed_at=None)
        assert (
            ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))[
                "teacher_reference_number_validated"
            ]
            is False
        )
        Teacher.objects.filter(pk=amara.teacher.pk).update(trs_data_refreshed_at=clock.now())
        assert (
            ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))[
                "teacher_reference_number_validated"
            ]
            is True
        )

    def test_statement_type_and_declaration_has_passed(self, api, amara, ambition_this_year):
        finance.add_statements(ambition_this_year)
        statement = data(api.get("/api/v3/statements"))[0]
        assert statement["attributes"]["type"] == "ecf"
        declared = declaration_by(api, amara)
        assert declared["attributes"]["has_passed"] is None
        assert declared["attributes"]["ineligible_for_funding_reason"] is None


# --- Point 9: uplifts and the frozen-cohort move carry real values ------------------------------------


@pytest.fixture
def uplift_year_training(ambition_lp):
    """An ECT at Upton School, trained by Ambition in the last contract period that pays uplifts."""
    period = ContractPeriodFactory(year=LAST_YEAR_WITH_UPLIFTS)
    ambition = ActiveLeadProviderFactory(lead_provider=ambition_lp, contract_period=period)
    ect = ECTAtSchoolPeriodFactory(
        school=SchoolFactory(name="Upton School"), started_on=datetime.date(period.year, 9, 1)
    )
    return trained_through_partnership(ect, ambition)


class TestUpliftsAndFrozenCohorts:
    def test_uplifts_follow_the_schools_flags_in_a_contract_that_pays_them(self, api, uplift_year_training):
        ect = uplift_year_training.ect_at_school_period
        url = f"{PARTICIPANTS}/{ect.teacher.api_id}"
        enrolment = ect_enrolment(data(api.get(url)))
        assert (enrolment["pupil_premium_uplift"], enrolment["sparsity_uplift"]) == (False, False)

        SchoolFundingFlags.objects.create(
            school=ect.school, contract_period_id=LAST_YEAR_WITH_UPLIFTS, pupil_premium=True
        )

        enrolment = ect_enrolment(data(api.get(url)))
        assert (enrolment["pupil_premium_uplift"], enrolment["sparsity_uplift"]) == (True, False)

    def test_no_uplift_in_a_contract_that_pays_none(self, api, amara, current_period):
        assert current_period.year > LAST_YEAR_WITH_UPLIFTS
        SchoolFundingFlags.objects.create(
            school=amara.school, contract_period=current_period, pupil_premium=True, sparsity=True
        )
        enrolment = ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))
        assert (enrolment["pupil_premium_uplift"], enrolment["sparsity_uplift"]) == (False, False)

    def test_new_flags_move_updated_at(self, api, uplift_year_training):
        since = api.get(PARTICIPANTS)["X-Next-Updated-Since"]
        assert data(api.get(PARTICIPANTS, {"filter[updated_since]": since})) == []

        SchoolFundingFlags.objects.create(
            school=uplift_year_training.ect_at_school_period.school,
            contract_period_id=LAST_YEAR_WITH_UPLIFTS,
            sparsity=True,
        )

        changed = data(api.get(PARTICIPANTS, {"filter[updated_since]": since}))
        assert [row["id"] for row in changed] == [
            str(uplift_year_training.ect_at_school_period.teacher.api_id)
        ]

    def test_a_paid_started_declaration_at_a_flagged_school_had_its_uplift_paid(
        self, api, uplift_year_training
    ):
        ect = uplift_year_training.ect_at_school_period
        SchoolFundingFlags.objects.create(
            school=ect.school, contract_period_id=LAST_YEAR_WITH_UPLIFTS, pupil_premium=True
        )
        active = (
            uplift_year_training.school_partnership.lead_provider_delivery_partnership.active_lead_provider
        )
        finance.add_statements(active)
        statement = Statement.objects.filter(active_lead_provider=active).order_by("deadline_date").last()
        declared = {
            "training_period": uplift_year_training,
            "teacher": ect.teacher,
            "course_identifier": "ecf-induction",
            "lead_provider": active.lead_provider,
            "declaration_date": clock.now(),
            "payment_statement": statement,
            "delivery_partner": uplift_year_training.school_partnership.lead_provider_delivery_partnership.delivery_partner,
        }
        started = Declaration.objects.create(**declared, declaration_type="started", payment_status="paid")
        retained = Declaration.objects.create(
            **declared, declaration_type="retained-1", payment_status="paid"
        )
        eligible = Declaration.objects.create(
            **declared, declaration_type="retained-2", payment_status="eligible"
        )

        uplift_paid = {row["id"]: row["attributes"]["uplift_paid"] for row in data(api.get(DECLARATIONS))}

        assert uplift_paid == {
            str(started.api_id): True,
            str(retained.api_id): False,
            str(eligible.api_id): False,
        }

    def test_an_ect_placed_in_a_later_cohort_because_theirs_was_frozen(
        self, api, amara, partnership, current_period
    ):
        """An ECT who started last year, registered now that last year's payments are frozen,
        trains in this year's cohort: the DfE flags the move."""
        last_year = ContractPeriodFactory(year=THIS_YEAR - 1)
        started_last_year = ECTAtSchoolPeriodFactory(
            school=amara.school, started_on=datetime.date(THIS_YEAR - 1, 9, 1)
        )
        TrainingPeriodFactory(ect_at_school_period=started_last_year, school_partnership=partnership)
        url = f"{PARTICIPANTS}/{started_last_year.teacher.api_id}"
        assert ect_enrolment(data(api.get(url)))["cohort_changed_after_payments_frozen"] is False

        ContractPeriod.objects.filter(pk=last_year.pk).update(payments_frozen_at=clock.now())

        assert ect_enrolment(data(api.get(url)))["cohort_changed_after_payments_frozen"] is True
        assert (
            ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))[
                "cohort_changed_after_payments_frozen"
            ]
            is False
        )


def test_an_enrolment_is_dated_from_the_teachers_first_registration_in_the_role(api, amara, service_clock):
    """The DfE's created_at is when the teacher was first registered as an ECT, not when their
    latest training began: a new training period does not move it."""
    training = amara.training_periods.get()
    first = ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))["created_at"]
    assert datetime.datetime.fromisoformat(first) == amara.created_at.replace(microsecond=0)

    service_clock.shift(datetime.timedelta(days=2))
    training.finished_on = TEST_DAY
    training.save()
    trained_through_partnership(
        amara,
        training.school_partnership.lead_provider_delivery_partnership.active_lead_provider,
        started_on=TEST_DAY + datetime.timedelta(days=1),
    )

    assert ect_enrolment(data(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}")))["created_at"] == first
