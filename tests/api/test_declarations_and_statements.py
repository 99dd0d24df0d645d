"""/api/v3/participant-declarations (create, list, show, void) and /api/v3/statements: each rule a
declaration must meet, idempotency, voiding and clawback, the sandbox clock, and only your own."""

import datetime

import pytest

from audit.models import Event
from core import clock
from finance import services as finance
from finance.models import Declaration, Statement
from providers.models import Milestone
from tests.api.conftest import api_for
from tests.dates import TEST_DAY, THIS_YEAR, moment
from tests.factories import LeadProviderFactory
from tests.finance.helpers import add_contract, pay

pytestmark = pytest.mark.django_db

DECLARATIONS = "/api/v3/participant-declarations"
TODAY = TEST_DAY


@pytest.fixture
def statements(ambition_this_year):
    finance.add_statements(ambition_this_year)
    add_contract(ambition_this_year)
    return Statement.objects.filter(active_lead_provider=ambition_this_year)


def started(period, **overrides):
    return {
        "participant_id": str(period.teacher.api_id),
        "declaration_type": "started",
        "declaration_date": f"{THIS_YEAR}-10-01T09:00:00Z",
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
        **overrides,
    }


def problems(response):
    assert response.status_code == 422, response.content
    return {problem["title"]: problem["detail"] for problem in response.json()["errors"]}


def attributes(response):
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]


class TestDeclaring:
    def test_started_is_eligible_on_this_months_statement(self, api, amara, ben, kings, statements):
        declared = attributes(api.post(DECLARATIONS, started(amara)))

        this_month = statements.get(year=TODAY.year, month=TODAY.month)
        assert declared == {
            **declared,
            "participant_id": str(amara.teacher.api_id),
            "declaration_type": "started",
            "declaration_date": f"{THIS_YEAR}-10-01T09:00:00Z",
            "state": "eligible",
            "statement_id": str(this_month.api_id),
            "delivery_partner_id": str(kings.delivery_partner.api_id),
            "mentor_id": str(ben.teacher.api_id),
            "evidence_held": "training-event-attended",
            "lead_provider_name": "Ambition Institute",
        }
        assert Event.objects.filter(event_type="declaration_made", teacher=amara.teacher).count() == 1

    def test_the_same_declaration_twice_is_one_declaration(self, api, amara, statements):
        first = api.post(DECLARATIONS, started(amara)).json()["data"]["id"]
        second = api.post(DECLARATIONS, started(amara)).json()["data"]["id"]
        assert first == second
        assert Declaration.objects.count() == 1

    def test_another_of_the_same_type_is_a_duplicate(self, api, amara, statements):
        api.post(DECLARATIONS, started(amara))
        assert set(
            problems(api.post(DECLARATIONS, started(amara, declaration_date=f"{THIS_YEAR}-10-02T09:00:00Z")))
        ) == {"declaration_type"}

    def test_every_problem_with_the_request_at_once(self, api, amara, statements):
        response = api.post(
            DECLARATIONS,
            started(
                amara,
                course_identifier="npq",
                declaration_type="halfway",
                declaration_date=f"{THIS_YEAR}-10-01",
            ),
        )
        assert set(problems(response)) == {"course_identifier", "declaration_type", "declaration_date"}

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"declaration_date": "2099-01-01T09:00:00Z"}, "declaration_date"),  # in the future
            (
                {"declaration_date": f"{THIS_YEAR}-08-01T09:00:00Z"},
                "participant_id",
            ),  # before she trained with you
            ({"declaration_type": "retained-1"}, "declaration_date"),  # outside the retained-1 window
            ({"evidence_held": ""}, "evidence_held"),  # required from 2025
            ({"declaration_type": "retained-2", "evidence_held": "other"}, "evidence_held"),
            ({"declaration_type": "extended-1"}, "declaration_type"),  # not on a standard schedule
        ],
    )
    def test_refused(self, api, amara, statements, overrides, field):
        assert field in problems(api.post(DECLARATIONS, started(amara, **overrides)))
        assert not Declaration.objects.exists()

    def test_a_mentor_from_2025_is_paid_for_started_and_completed_only(self, api, ben, statements):
        response = api.post(
            DECLARATIONS, started(ben, course_identifier="ecf-mentor", declaration_type="retained-1")
        )
        assert "started and completed only" in problems(response)["declaration_type"]

    def test_not_dated_on_or_after_a_withdrawal(self, api, amara, statements):
        from participants.models import TrainingPeriod

        TrainingPeriod.objects.filter(ect_at_school_period=amara).update(
            withdrawn_at=datetime.datetime(THIS_YEAR, 10, 15, 10, tzinfo=datetime.UTC),
            withdrawal_reason="other",
        )
        late = started(amara, declaration_date=f"{THIS_YEAR}-10-20T09:00:00Z")
        assert (
            f"withdrawn on 15 October {THIS_YEAR}"
            in problems(api.post(DECLARATIONS, late))["declaration_date"]
        )
        assert (
            api.post(
                DECLARATIONS, started(amara, declaration_date=f"{THIS_YEAR}-10-14T09:00:00Z")
            ).status_code
            == 200
        )

    def test_in_sequence_from_last_year(self, api, amara, statements):
        """Support moved the retained-1 window earlier: a retained-1 dated before the started is refused."""
        Milestone.objects.filter(
            schedule=amara.training_periods.get().schedule, declaration_type="retained-1"
        ).update(start_date=datetime.date(THIS_YEAR, 9, 1))
        api.post(DECLARATIONS, started(amara, declaration_date=f"{THIS_YEAR}-11-01T09:00:00Z"))
        response = api.post(
            DECLARATIONS,
            started(amara, declaration_type="retained-1", declaration_date=f"{THIS_YEAR}-10-15T09:00:00Z"),
        )
        assert "in sequence" in problems(response)["declaration_date"]

    def test_someone_elses_participant_is_not_recognised(self, api, tomas, statements):
        assert set(problems(api.post(DECLARATIONS, started(tomas)))) == {"participant_id"}

    def test_a_school_not_funded_gives_a_submitted_declaration_on_no_statement(self, api, amara, statements):
        amara.school.eligible_for_funding = False
        amara.school.save()
        declared = attributes(api.post(DECLARATIONS, started(amara)))
        assert (declared["state"], declared["statement_id"]) == ("submitted", None)

    def test_the_sandbox_clock_lets_a_provider_try_a_future_milestone(self, api, amara, statements):
        retained = started(
            amara, declaration_type="retained-1", declaration_date=f"{THIS_YEAR + 1}-01-15T09:00:00Z"
        )
        assert "declaration_date" in problems(api.post(DECLARATIONS, retained))
        response = api.post(
            DECLARATIONS, retained, HTTP_X_WITH_SERVER_DATE=f"{THIS_YEAR + 1}-01-20T10:00:00Z"
        )
        assert attributes(response)["state"] == "eligible"

    def test_a_bad_sandbox_clock_is_a_400(self, api, amara, statements):
        response = api.post(DECLARATIONS, started(amara), HTTP_X_WITH_SERVER_DATE="next tuesday")
        assert response.status_code == 400


class TestVoiding:
    def test_unpaid_is_voided_and_cannot_be_voided_again(self, api, amara, statements):
        declared = api.post(DECLARATIONS, started(amara)).json()["data"]["id"]
        voided = attributes(api.put(f"{DECLARATIONS}/{declared}/void"))
        assert (voided["state"], voided["statement_id"]) == ("voided", None)
        assert (
            "already been voided"
            in problems(api.put(f"{DECLARATIONS}/{declared}/void"))["participant_declaration_id"]
        )
        # Voided, it no longer counts: the milestone may be declared again.
        assert (
            api.post(
                DECLARATIONS, started(amara, declaration_date=f"{THIS_YEAR}-10-02T09:00:00Z")
            ).status_code
            == 200
        )

    def test_paid_is_clawed_back_on_the_next_statement(self, api, amara, statements):
        declared = Declaration.objects.get(api_id=api.post(DECLARATIONS, started(amara)).json()["data"]["id"])
        pay(declared.payment_statement)
        assert attributes(api.get(f"{DECLARATIONS}/{declared.api_id}"))["state"] == "paid"

        clawback = attributes(api.put(f"{DECLARATIONS}/{declared.api_id}/void"))

        next_open = (
            statements.filter(paid_at__isnull=True, deadline_date__gte=TODAY)
            .order_by("deadline_date")
            .first()
        )
        assert (clawback["state"], clawback["clawback_statement_id"]) == (
            "awaiting-clawback",
            str(next_open.api_id),
        )
        pay(next_open)
        assert attributes(api.get(f"{DECLARATIONS}/{declared.api_id}"))["state"] == "clawed-back"
        assert (
            "already being clawed back"
            in problems(api.put(f"{DECLARATIONS}/{declared.api_id}/void"))["participant_declaration_id"]
        )


class TestReading:
    def test_list_filters_and_only_your_own(self, api, client, amara, ben, kings, statements):
        ect = api.post(DECLARATIONS, started(amara)).json()["data"]["id"]
        mentor = api.post(DECLARATIONS, started(ben, course_identifier="ecf-mentor")).json()["data"]["id"]

        def listed(**params):
            return [row["id"] for row in api.get(DECLARATIONS, params).json()["data"]]

        assert listed() == [ect, mentor]
        assert listed(**{"filter[participant_id]": str(ben.teacher.api_id)}) == [mentor]
        assert listed(**{"filter[cohort]": f"{THIS_YEAR - 1}"}) == []
        assert listed(**{"filter[delivery_partner_id]": str(kings.delivery_partner.api_id)}) == [ect, mentor]
        other = api_for(client, LeadProviderFactory(name="Teach First"))
        assert other.get(DECLARATIONS).json()["data"] == []
        assert other.get(f"{DECLARATIONS}/{ect}").status_code == 404
        assert other.put(f"{DECLARATIONS}/{ect}/void").status_code == 404


class TestStatements:
    def test_your_statements_by_cut_off(self, api, client, statements):
        rows = api.get("/api/v3/statements", {"filter[cohort]": f"{THIS_YEAR}"}).json()["data"]
        assert len(rows) == 36
        first = rows[0]["attributes"]
        assert (first["month"], first["year"], first["cohort"], first["cut_off_date"], first["paid"]) == (
            "June",
            f"{THIS_YEAR}",
            f"{THIS_YEAR}",
            f"{THIS_YEAR}-06-30",
            False,
        )
        statement = statements.order_by("deadline_date").first()
        pay(statement)
        assert api.get(f"/api/v3/statements/{statement.api_id}").json()["data"]["attributes"]["paid"] is True
        other = api_for(client, LeadProviderFactory(name="Teach First"))
        assert other.get(f"/api/v3/statements/{statement.api_id}").status_code == 404


def test_a_schedule_change_that_would_strand_a_declaration_is_refused(api, amara, statements):
    api.post(DECLARATIONS, started(amara))
    response = api.put(
        f"/api/v3/participants/{amara.teacher.api_id}/change-schedule",
        {"schedule_identifier": "ecf-standard-april", "course_identifier": "ecf-induction"},
    )
    assert "would not fit" in problems(response)["schedule_identifier"]


def test_a_mentors_completed_declaration_ends_their_funding_and_is_a_change(api, ben, statements):
    since = api.get("/api/v3/participants").headers["X-Next-Updated-Since"]
    completed = started(
        ben,
        course_identifier="ecf-mentor",
        declaration_type="completed",
        declaration_date=f"{THIS_YEAR + 2}-04-15T09:00:00Z",
        evidence_held="75-percent-engagement-met",
    )
    assert (
        api.post(
            DECLARATIONS, completed, HTTP_X_WITH_SERVER_DATE=f"{THIS_YEAR + 2}-05-01T09:00:00Z"
        ).status_code
        == 200
    )

    (changed,) = api.get("/api/v3/participants", {"filter[updated_since]": since}).json()["data"]
    mentor = changed["attributes"]["ecf_enrolments"][0]
    assert (
        changed["id"],
        mentor["mentor_funding_end_date"],
        mentor["mentor_ineligible_for_funding_reason"],
    ) == (
        str(ben.teacher.api_id),
        f"{THIS_YEAR + 2}-04-15",
        "completed_declaration_received",
    )


def test_paying_a_statement_moves_its_updated_at(api, statements):
    since = clock.now().isoformat()
    statement = statements.order_by("deadline_date").first()
    pay(statement)
    rows = api.get("/api/v3/statements", {"filter[updated_since]": since}).json()["data"]
    assert [(row["id"], row["attributes"]["paid"]) for row in rows] == [(str(statement.api_id), True)]


def test_a_declaration_is_payable_once_the_daily_task_makes_its_statement_payable_and_polls_see_it(
    api, amara, statements, service_clock
):
    """Eligible on November's statement; its deadline (30 November) passes and it is still
    eligible until the daily task runs on 1 December; then payable, and a poll for what changed
    since just before the task finds it."""
    declared = api.post(DECLARATIONS, started(amara)).json()["data"]["id"]
    first_of_december = datetime.date(TODAY.year, 12, 1)
    service_clock.move_to(moment(first_of_december, 0, 5))
    listed = api.get(DECLARATIONS).json()["data"]
    assert [(row["id"], row["attributes"]["state"]) for row in listed] == [(declared, "eligible")]

    since = clock.now().isoformat()
    service_clock.move_to(moment(first_of_december, 1, 0))
    finance.mark_payable(today=first_of_december)

    changed = api.get(DECLARATIONS, {"filter[updated_since]": since}).json()["data"]
    assert [(row["id"], row["attributes"]["state"]) for row in changed] == [(declared, "payable")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"declaration_date": "0001-01-01T00:00:00+01:00"}, "declaration_date"),
        ({"declaration_date": 7}, "declaration_date"),
    ],
)
def test_dates_that_cannot_be_read_are_a_422_not_a_500(api, amara, statements, overrides, field):
    response = api.post(DECLARATIONS, started(amara, **overrides))
    assert response.status_code == 422


def test_digits_that_are_not_ascii_are_not_a_year(api, amara):
    assert api.get("/api/v3/participants", {"filter[cohort]": "²⁰²⁶"}).json()["data"] == []
    response = api.put(
        f"/api/v3/participants/{amara.teacher.api_id}/change-schedule",
        {
            "schedule_identifier": "ecf-extended-september",
            "course_identifier": "ecf-induction",
            "cohort": "²⁰²⁶",
        },
    )
    assert response.status_code == 422
