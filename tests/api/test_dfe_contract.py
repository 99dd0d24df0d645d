"""The DfE shape checker (tests.api.dfe_contract) itself: it must fail on each kind of difference,
forgive only what the facts list as deliberate or pending, and the facts file must hang together."""

import copy

import pytest
from django.http import HttpResponse, JsonResponse

from tests.api import dfe_contract
from tests.api.conftest import API
from tests.api.dfe_contract import NO_BODY, Facts

PARTICIPANT_ID = "9a1c8a6e-3c1f-4f8e-9f6a-2b7d1c0e5a11"
STATEMENT_ID = "0b6f5d0e-7a43-4a43-8c1e-5f1d2c3b4a59"


@pytest.fixture
def strict() -> Facts:
    """The facts with nothing pending: every difference fails."""
    return Facts({**dfe_contract.facts().raw, "pending_fixes": []})


def enrolment(**changes) -> dict:
    return {
        "training_record_id": "4d0c2f3e-1b2a-4c5d-8e9f-0a1b2c3d4e5f",
        "email": "amara@example.org",
        "mentor_id": None,
        "school_urn": "100001",
        "participant_type": "ect",
        "working_pattern": "full_time",
        "cohort": "2026",
        "training_status": "active",
        "participant_status": "active",
        "teacher_reference_number_validated": True,
        "eligible_for_funding": True,
        "pupil_premium_uplift": False,
        "sparsity_uplift": False,
        "schedule_identifier": "ecf-standard-september",
        "delivery_partner_id": "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
        "withdrawal": None,
        "deferral": None,
        "created_at": "2026-09-01T08:30:00Z",
        "induction_end_date": None,
        "overall_induction_start_date": "2026-09-01",
        "most_recent_induction_period_end_date": None,
        "mentor_funding_end_date": None,
        "cohort_changed_after_payments_frozen": False,
        "mentor_ineligible_for_funding_reason": None,
        **changes,
    }


def participant(**enrolment_changes) -> dict:
    return {
        "data": {
            "id": PARTICIPANT_ID,
            "type": "participant",
            "attributes": {
                "full_name": "Amara Okafor",
                "teacher_reference_number": "1234567",
                "updated_at": "2026-09-01T08:30:00Z",
                "ecf_enrolments": [enrolment(**enrolment_changes)],
                "participant_id_changes": [],
            },
        }
    }


def statement(**changes) -> dict:
    attributes = {
        "month": "November",
        "year": "2026",
        "type": "ecf",
        "cohort": "2026",
        "cut_off_date": "2026-10-31",
        "payment_date": "2026-11-25",
        "paid": False,
        "created_at": "2026-06-01T00:00:00Z",
        "updated_at": "2026-06-01T00:00:00Z",
    }
    attributes.update(changes)
    return {"data": [{"id": STATEMENT_ID, "type": "statement", "attributes": attributes}]}


def kinds(problems) -> set[tuple[str, str]]:
    return {(problem.kind, problem.at) for problem in problems}


PARTICIPANT = f"/api/v3/participants/{PARTICIPANT_ID}"


def test_a_response_as_the_dfe_describes_it_passes(strict):
    assert strict.check("GET", PARTICIPANT, 200, participant()) == []
    assert strict.check("GET", "/api/v3/statements", 200, statement()) == []


def test_a_missing_required_attribute_fails(strict):
    body = participant()
    del body["data"]["attributes"]["ecf_enrolments"][0]["schedule_identifier"]
    assert kinds(strict.check("GET", PARTICIPANT, 200, body)) == {
        ("missing", "ecf_enrolment.schedule_identifier")
    }


def test_a_missing_attribute_that_is_not_required_passes(strict):
    body = participant()
    del body["data"]["attributes"]["ecf_enrolments"][0]["mentor_id"]
    assert strict.check("GET", PARTICIPANT, 200, body) == []


def test_null_where_the_dfe_never_sends_null_fails(strict):
    problems = strict.check("GET", PARTICIPANT, 200, participant(training_status=None))
    assert kinds(problems) == {("null", "ecf_enrolment.training_status")}
    # Where it may be null, null passes.
    assert strict.check("GET", PARTICIPANT, 200, participant(eligible_for_funding=None)) == []


def test_a_value_outside_an_enum_fails(strict):
    problems = strict.check("GET", PARTICIPANT, 200, participant(participant_status="paused"))
    assert kinds(problems) == {("enum", "ecf_enrolment.participant_status")}


def test_an_enum_is_the_values_both_documents_allow(strict):
    # ECF1's document allows "withdrawn" here, ECF2's does not: a client of ECF2 could not read it.
    problems = strict.check("GET", PARTICIPANT, 200, participant(participant_status="withdrawn"))
    assert kinds(problems) == {("enum", "ecf_enrolment.participant_status")}


def test_an_unexpected_attribute_fails(strict):
    body = participant()
    body["data"]["attributes"]["favourite_colour"] = "green"
    body["data"]["links"] = {}
    body["meta"] = {}
    assert kinds(strict.check("GET", PARTICIPANT, 200, body)) == {
        ("unknown", "participant.favourite_colour"),
        ("unknown", "participant:links"),
        ("unknown", "envelope.meta"),
    }


@pytest.mark.parametrize("value", ["2026-09-01T00:00:00Z", "01/09/2026", "2026-02-30", "2026-9-1", ""])
def test_a_date_in_another_format_fails(strict, value):
    problems = strict.check("GET", PARTICIPANT, 200, participant(overall_induction_start_date=value))
    assert kinds(problems) == {("format", "ecf_enrolment.overall_induction_start_date")}


@pytest.mark.parametrize("value", ["2026-09-01", "2026-09-01T08:30:00", "2026-09-01 08:30:00Z", "yesterday"])
def test_a_date_time_without_a_time_or_zone_fails(strict, value):
    problems = strict.check("GET", PARTICIPANT, 200, participant(created_at=value))
    assert kinds(problems) == {("format", "ecf_enrolment.created_at")}


@pytest.mark.parametrize("value", ["2026-09-01T08:30:00Z", "2026-09-01T08:30:00.123+01:00"])
def test_a_date_time_with_a_zone_passes(strict, value):
    assert strict.check("GET", PARTICIPANT, 200, participant(created_at=value)) == []


def test_a_wrong_json_type_or_uuid_fails(strict):
    body = participant(pupil_premium_uplift="false", training_record_id="42")
    body["data"]["id"] = "not-a-uuid"
    assert kinds(strict.check("GET", PARTICIPANT, 200, body)) == {
        ("type", "ecf_enrolment.pupil_premium_uplift"),
        ("format", "ecf_enrolment.training_record_id"),
        ("format", "participant:id"),
    }


def test_the_resource_type_and_envelope_are_checked(strict):
    body = participant()
    body["data"]["type"] = "participants"
    assert kinds(strict.check("GET", PARTICIPANT, 200, body)) == {("enum", "participant:type")}
    # A list answers an array; one resource an object.
    assert kinds(strict.check("GET", "/api/v3/participants", 200, participant())) == {
        ("envelope", "envelope.data")
    }


def test_nested_objects_are_checked(strict):
    withdrawal = {"reason": "bored", "date": "2026-10-01"}
    problems = strict.check(
        "GET", PARTICIPANT, 200, participant(training_status="withdrawn", withdrawal=withdrawal)
    )
    # Neither document has that reason; the date is a date-time.
    assert kinds(problems) == {("enum", "withdrawal.reason"), ("format", "withdrawal.date")}


def test_a_status_the_dfe_does_not_answer_fails(strict):
    errors = {"errors": [{"title": "Invalid filter[updated_since]", "detail": "…"}]}
    assert kinds(strict.check("GET", "/api/v3/participants", 422, errors)) == {
        ("status", "GET /api/v3/participants")
    }
    assert strict.check("GET", "/api/v3/participants", 400, errors) == []
    assert strict.check("PUT", f"{PARTICIPANT}/withdraw", 422, errors) == []


def test_error_bodies_are_checked(strict):
    assert kinds(strict.check("GET", PARTICIPANT, 404, {"error": "Not found"})) == {
        ("unknown", "error_list.error"),
        ("missing", "error_list.errors"),
    }
    assert kinds(strict.check("GET", PARTICIPANT, 404, {"errors": [{"title": "Not found"}]})) == {
        ("missing", "error_item.detail")
    }
    assert strict.check("GET", PARTICIPANT, 403, NO_BODY) == []
    assert kinds(strict.check("GET", PARTICIPANT, 403, {"error": "Forbidden"})) == {("body", "error 403")}


def test_the_deliberate_differences_are_accepted_and_still_checked(strict):
    # 401: the DfE's `error`, and our `errors` list as well.
    unauthorised = {
        "error": "HTTP Token: Access denied",
        "errors": [{"title": "Unauthorized", "detail": "Give your API token."}],
    }
    assert strict.check("GET", "/api/v3/participants", 401, unauthorised) == []
    assert kinds(strict.check("GET", "/api/v3/participants", 401, {"errors": unauthorised["errors"]})) == {
        ("missing", "unauthorised.error")
    }
    # 429: our errors list.
    assert strict.check("GET", "/api/v3/statements", 429, {"errors": unauthorised["errors"]}) == []
    # The change feed is ours: its items are participants, and it may carry meta.
    feed = {"data": [participant()["data"]], "meta": {"next_cursor": "12", "more": False}}
    assert strict.check("GET", "/api/v3/participants/changes", 200, feed) == []
    feed["data"][0]["attributes"]["full_name"] = None
    assert kinds(strict.check("GET", "/api/v3/participants/changes", 200, feed)) == {
        ("null", "participant.full_name")
    }


def test_ecf1_paths_are_the_same_operations(strict):
    assert strict.check("GET", f"/api/v3/participants/ecf/{PARTICIPANT_ID}", 200, participant()) == []
    assert strict.check("PUT", f"/api/v3/participants/ecf/{PARTICIPANT_ID}/defer", 200, participant()) == []
    transfers = {"data": []}
    assert strict.check("GET", "/api/v3/participants/ecf/transfers", 200, transfers) == []


def test_an_operation_the_dfe_does_not_have_fails_but_a_405_on_a_known_path_is_no_operation(strict):
    assert kinds(strict.check("GET", "/api/v3/teachers", 200, {"data": []})) == {
        ("operation", "GET /api/v3/teachers")
    }
    assert kinds(strict.check("DELETE", PARTICIPANT, 200, {})) == {("operation", f"DELETE {PARTICIPANT}")}
    assert strict.check("GET", f"{PARTICIPANT}/defer", 405, {"errors": []}) == []


def test_a_pending_fix_forgives_exactly_what_it_names():
    pending = [
        {"point": 4, "kind": "enum", "at": "ecf_enrolment.participant_status", "value": "withdrawn"},
        {"point": 2, "kind": "status", "status": 422, "method": "GET"},
    ]
    facts = Facts({**dfe_contract.facts().raw, "pending_fixes": pending})
    pending = facts.check("GET", PARTICIPANT, 200, participant(participant_status="withdrawn"))
    assert pending and facts.unforgiven(pending) == []
    # Another value of the same attribute is not forgiven.
    other = facts.check("GET", PARTICIPANT, 200, participant(participant_status="paused"))
    assert kinds(facts.unforgiven(other)) == {("enum", "ecf_enrolment.participant_status")}
    # A status pending for GET is not forgiven for another method.
    answered = facts.check(
        "GET", "/api/v3/participant-declarations/" + STATEMENT_ID + "/void", 422, {"errors": []}
    )
    assert kinds(facts.unforgiven(answered)) == {
        ("operation", "GET /api/v3/participant-declarations/" + STATEMENT_ID + "/void")
    }


def answered(body: dict) -> JsonResponse:
    """A response as the test client gives it, with .json()."""
    response = JsonResponse(body)
    response.json = lambda: body
    return response


def test_every_api_test_response_is_checked_against_the_dfe():
    """API._checked (tests/api/conftest.py) runs the checker after our own document's: a response
    our document allows (it lets attributes be added) but the DfE's do not fails the test."""
    api = API(client=None, token="")
    with pytest.raises(
        AssertionError, match=r"data\[0\]\.attributes\.colour: not an attribute of the DfE's statement"
    ):
        api._checked("GET", "/api/v3/statements", answered(statement(colour="green")))
    api._checked("GET", "/api/v3/statements", answered(statement()))


def test_an_empty_body_is_no_body():
    assert dfe_contract.body_of(HttpResponse(status=403)) is NO_BODY


class TestTheFactsFile:
    """The facts name their sources, and every reference in them resolves."""

    raw = dfe_contract.facts().raw

    def test_each_source_is_a_repository_at_a_commit_with_its_document(self):
        assert {
            name: (source["repository"], source["commit"], source["document"])
            for name, source in self.raw["sources"].items()
        } == {
            "ecf2": (
                "DFE-Digital/register-early-career-teachers-public",
                "0fe31d1",
                "public/api/docs/v3/swagger.yaml",
            ),
            "ecf1": ("DFE-Digital/early-careers-framework", "8d84d7d", "swagger/v3/api_spec.json"),
        }

    def facts_of_attributes(self):
        shapes = {name: spec["attributes"] for name, spec in self.raw["resources"].items()}
        shapes |= {name: spec["fields"] for name, spec in self.raw["objects"].items()}
        for name, fields in shapes.items():
            for attribute, fact in fields.items():
                yield f"{name}.{attribute}", fact

    def test_every_shape_names_the_schemas_it_comes_from(self):
        for name, spec in {**self.raw["resources"], **self.raw["objects"]}.items():
            assert set(spec["schemas"]) == {"ecf2", "ecf1"}, name

    def test_every_attribute_says_which_documents_have_it_and_uses_the_vocabulary(self):
        objects = set(self.raw["objects"])
        for at, fact in self.facts_of_attributes():
            assert fact["in"] and set(fact["in"]) <= {"ecf2", "ecf1"}, at
            assert set(fact) <= {
                "type",
                "format",
                "nullable",
                "required",
                "enum",
                "items",
                "object",
                "in",
                "note",
            }, at
            assert fact["type"] in dfe_contract.JSON_TYPES, at
            assert fact.get("format") in (None, "date", "date-time", "uuid"), at
            assert fact.get("object", next(iter(objects))) in objects, at
            assert fact.get("items", {}).get("object", next(iter(objects))) in objects, at
            assert fact.get("enum") is None or fact["enum"], at

    def test_every_operation_returns_a_resource_the_facts_have(self):
        for operation in self.raw["operations"]:
            assert operation["of"] in self.raw["resources"] and operation["data"] in ("array", "object")
            assert operation["path"].startswith("/api/v3/")

    def test_every_pending_fix_names_its_point_of_issue_17_and_something_the_facts_have(self):
        ats = {at for at, _fact in self.facts_of_attributes()}
        for entry in self.raw["pending_fixes"]:
            assert 1 <= entry["point"] <= 10
            assert entry["kind"] in ("missing", "null", "enum", "format", "status", "unknown", "type"), entry
            assert entry["kind"] == "status" or entry["at"] in ats, entry

    def test_every_deliberate_difference_gives_its_reason(self):
        for difference in self.raw["deliberate_differences"]:
            assert difference["what"] and len(difference["reason"]) > 40 and difference["allows"]

    def test_the_checker_does_not_change_the_facts(self):
        before = copy.deepcopy(self.raw)
        Facts(self.raw).check("GET", PARTICIPANT, 200, participant())
        assert self.raw == before
