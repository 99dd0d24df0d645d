"""The OpenAPI document the API serves describes the API as it is: every route is in it, everything
in it is routed, and schemathesis, calling the API as the document says it may be called, gets no
server error and no answer the document does not describe."""

import os
import uuid
from contextlib import contextmanager

import jsonschema_rs
import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import get_resolver, resolve
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.document import DOCUMENT, document, operations
from finance import services as finance_services
from providers.models import DeclarationType
from tests.api import contract
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db


def test_the_served_document_is_the_one_the_tests_check(client):
    response = client.get("/api/docs/v3/openapi.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(response.content) == document()
    written = yaml.safe_load(DOCUMENT.read_text())
    assert {path: item for path, item in document()["paths"].items() if path in written["paths"]} == written[
        "paths"
    ]
    assert {**document(), "paths": written["paths"]} == written


def test_each_ecf1_path_is_its_ecf2_path_again_deprecated():
    """ECF1's /ecf forms, which we answer the same way, are in the document as their own paths."""
    paths = document()["paths"]
    ecf1 = {path for path in paths if "/ecf" in path}
    assert ecf1 == {
        "/api/v3/participants/ecf",
        "/api/v3/participants/ecf/{id}",
        "/api/v3/participants/ecf/{id}/withdraw",
        "/api/v3/participants/ecf/{id}/defer",
        "/api/v3/participants/ecf/{id}/resume",
        "/api/v3/participants/ecf/{id}/change-schedule",
        "/api/v3/participants/ecf/transfers",
        "/api/v3/participants/ecf/{id}/transfers",
        "/api/v3/partnerships/ecf",
        "/api/v3/partnerships/ecf/{id}",
        "/api/v3/schools/ecf",
        "/api/v3/schools/ecf/{id}",
        "/api/v3/unfunded-mentors/ecf",
        "/api/v3/unfunded-mentors/ecf/{id}",
    }
    for path in ecf1:
        ecf2 = paths[path.replace("/ecf", "", 1)]
        some_id = str(uuid.uuid4())
        answered_by = resolve(path.replace("{id}", some_id))
        assert answered_by.func == resolve(path.replace("/ecf", "", 1).replace("{id}", some_id)).func
        assert set(paths[path]) == set(ecf2)
        for method, operation in paths[path].items():
            assert operation["deprecated"] is True
            assert operation["operationId"] == ecf2[method]["operationId"] + "Ecf"
            assert {**operation, "deprecated": False, "operationId": ""} == {
                **ecf2[method],
                "deprecated": False,
                "operationId": "",
            }
    operation_ids = [operation["anchor"] for operation in operations()]
    assert len(operation_ids) == len(set(operation_ids))


def api_routes() -> set[str]:
    """Every route under /api/v3 the project answers, as a document path ("/api/v3/participants/{id}")."""
    routes = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/v3/"):
                routes.add("/" + route.replace("<id:api_id>", "{id}"))

    walk(get_resolver().url_patterns)
    return routes


def test_every_route_is_documented_and_every_documented_path_is_routed():
    documented = set(document()["paths"])
    assert api_routes() == documented
    for path in documented:
        resolve(path.replace("{id}", str(uuid.uuid4())))  # raises if not routed


def test_the_documentation_page_lists_every_endpoint(client):
    response = client.get("/api/docs/v3")
    assert response.status_code == 200
    page = response.content.decode()
    for operation in operations():
        assert f"{operation['method']} {operation['path']}" in page
    assert "X-Next-Updated-Since" in page
    for tag in document()["tags"]:  # each group of endpoints once
        assert page.count(f'<h3 class="govuk-heading-m">{tag["name"].capitalize()}</h3>') == 1


# As schemathesis.openapi.from_wsgi would load it, without a request before the test database exists.
EXPLORE = bool(os.environ.get("SCHEMATHESIS_EXPLORE"))
schema = schemathesis.openapi.from_dict(document())
if not EXPLORE:  # the /ecf paths are their ECF2 paths' operations again, answered by the same views
    schema = schema.exclude(deprecated=True)
schema.app, schema.location = WSGIHandler(), "/api/docs/v3/openapi.yaml"


@schema.parametrize()
# The same examples every run, so CI is repeatable; SCHEMATHESIS_EXPLORE=1 looks further afield.
@settings(
    max_examples=10 if not EXPLORE else 200,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not EXPLORE,
    database=None if not EXPLORE else settings.default.database,
)
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(case, client, amara, ben, ambition_lp):
    """Calls made from the document (with a valid token) through the whole Django stack."""
    api = api_for(client, ambition_lp)
    with connections_kept_open():
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {api.token}"},
            # The API is lenient where the document is strict (an empty filter means no filter, an
            # unknown attribute is ignored), so it may accept what the document calls invalid. A
            # change well formed but naming ids that are not yours is refused with a 422, as the
            # DfE's API does, which schemathesis would expect to be accepted.
            excluded_checks=[negative_data_rejection]
            + ([positive_data_acceptance] if case.method != "GET" else []),
        )
    assert response.status_code < 500


@contextmanager
def connections_kept_open():
    """As Django's test client does: a request must not close the connection holding the test's
    transaction."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


def documented_declaration_forms() -> dict[tuple[int, str, str], tuple[set[str], bool]]:
    """From the declaration request's forms: (a cohort, course, declaration type) → (the evidence
    held it may give, whether it must)."""
    schemas = document()["components"]["schemas"]

    def target(reference: dict) -> dict:
        return schemas[reference["$ref"].rsplit("/", 1)[1]]

    forms = {}
    for data in schemas["DeclarationCreateRequest"]["properties"]["data"]["anyOf"]:
        cohort = 2024 if "Before2025" in data["$ref"] else finance_services.DETAILED_EVIDENCE_FROM
        for reference in target(data)["properties"]["attributes"]["anyOf"]:
            attributes = target(reference)
            course = attributes["properties"]["course_identifier"]
            courses = (target(course) if "$ref" in course else course)["enum"]
            evidence = set(attributes["properties"].get("evidence_held", {}).get("enum", []))
            for course_identifier in courses:
                for declaration_type in attributes["properties"]["declaration_type"]["enum"]:
                    key = (cohort, course_identifier, declaration_type)
                    assert key not in forms, f"{key} is in two forms"
                    forms[key] = (evidence, "evidence_held" in attributes["required"])
    return forms


def test_the_declaration_request_forms_say_what_the_service_accepts():
    """Each form of the declaration request allows the declaration types and evidence the service's
    rules do (finance.services), for cohorts up to 2024 and from 2025, ECTs and mentors."""
    accepted = {}
    for cohort in (2024, finance_services.DETAILED_EVIDENCE_FROM):
        for course_identifier, role in finance_services.COURSES.items():
            for declaration_type in DeclarationType.values:
                if cohort >= 2025 and role == "mentor" and declaration_type not in ("started", "completed"):
                    continue  # refused: mentors from 2025 are paid for started and completed only
                allowed, required = finance_services.evidence_allowed(
                    declaration_type=declaration_type, role=role, cohort=cohort
                )
                accepted[(cohort, course_identifier, declaration_type)] = (set(allowed), required)
    assert documented_declaration_forms() == accepted


def test_the_contract_check_lets_null_through_only_where_the_document_says_nullable():
    validator = jsonschema_rs.validator_for(
        contract.json_schema(
            {
                "type": "object",
                "properties": {
                    "reason": {"type": "string", "nullable": True, "enum": ["duplicate_declaration"]},
                    "count": {"type": "integer", "nullable": False},
                },
            }
        )
    )
    assert validator.is_valid({"reason": None, "count": 1})
    assert validator.is_valid({"reason": "duplicate_declaration"})
    assert not validator.is_valid({"reason": "mistake"})
    assert not validator.is_valid({"reason": 1})
    assert not validator.is_valid({"count": None})
