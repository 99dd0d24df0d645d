"""The OpenAPI document the API serves describes the API as it is: every route is in it, everything
in it is routed, and schemathesis, calling the API as the document says it may be called, gets no
server error and no answer the document does not describe."""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import jsonschema_rs
import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import get_resolver, resolve
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
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


# The DfE's names, as we wrote them down (not read from their document, which is not in the repo).
DFE_NAMES = yaml.safe_load((Path(__file__).with_name("dfe_v3_facts.yaml")).read_text())["generated_names"]


def _resolved(node: dict) -> dict:
    while "$ref" in node:
        target = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _named(schema: dict) -> str | None:
    """The component schema a schema refers to by name, or None when it is written in place."""
    return schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None


def _refers_to(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_refers_to(item) for item in node))
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        return {_named(node)}
    return set().union(*(_refers_to(value) for value in node.values()))


def _as_named(operation: dict) -> dict:
    """An operation as a generator names it, in the facts' vocabulary (its path and method aside)."""
    parameters = []
    for parameter in operation.get("parameters", []):
        parameter = _resolved(parameter)
        # As the DfE's: only the id in a path is required (filter[cohort] is required inside
        # the schools' filter object, not as a parameter).
        assert parameter.get("required", False) is (parameter["in"] == "path"), parameter["name"]
        named = {"name": parameter["name"], "in": parameter["in"]}
        named |= {key: parameter[key] for key in ("style", "explode") if key in parameter}
        if schema := _named(parameter["schema"]):
            named["schema"] = schema
        parameters.append(named)
    found = {
        "operationId": operation["operationId"],
        "tag": operation["tags"][0],
        "parameters": parameters,
        "responses": {
            int(status): _named(_resolved(response)["content"]["application/json"]["schema"])
            for status, response in operation["responses"].items()
        },
    }
    assert operation["tags"] == [found["tag"]]
    # The token, on each operation, as the DfE's document asks for it (some generators read only this).
    assert operation["security"] == [{DFE_NAMES["security_scheme"]: []}]
    if "requestBody" in operation:
        assert "required" not in operation["requestBody"]  # optional, as the DfE's: a generator's signature
        found["body"] = _named(operation["requestBody"]["content"]["application/json"]["schema"])
    return found


def test_operations_tags_and_parameters_have_the_dfe_names():
    """Each operation the DfE's ECF2 document has is ours under the same operationId and tag, with
    the same parameters (name, place, style, named schema), request body and response schemas, so
    a client generated from our document has the DfE's methods. Ours may answer more statuses (a
    400 for a query, a 429), and has the change feed, which the DfE does not."""
    ours = {
        (method.upper(), path): _as_named(item[method])
        for path, item in document()["paths"].items()
        for method in ("get", "put", "post", "patch", "delete")
        if method in item and not item[method].get("deprecated")
    }
    extra_statuses = DFE_NAMES["ours_only"]["responses"]
    for theirs in DFE_NAMES["operations"] + DFE_NAMES["ours_only"]["operations"]:
        key = (theirs["method"], theirs["path"])
        assert key in ours, key
        found = ours.pop(key)
        responses = found.pop("responses")
        assert found == {
            name: value for name, value in theirs.items() if name not in ("method", "path", "responses")
        }, key
        for status, body in responses.items():
            assert body == theirs["responses"].get(status, extra_statuses.get(status)), (key, status)
        assert set(theirs["responses"]) <= set(responses), key
    assert not ours, f"operations neither the DfE's nor listed as ours alone: {sorted(ours)}"
    assert [tag["name"] for tag in document()["tags"]] == [
        "Participants",
        "Transfers",
        "Delivery Partners",
        "Declarations",
        "Statements",
        "Unfunded Mentors",
        "Partnerships",
        "Schools",
    ]
    assert set(DFE_NAMES["tags"]) == {tag["name"] for tag in document()["tags"]}
    assert list(document()["components"]["securitySchemes"]) == [DFE_NAMES["security_scheme"]]
    assert "security" not in document()  # each operation says it instead


def test_query_objects_and_component_schemas_have_the_dfe_names():
    """The filter and page objects have the DfE's property names (so filter[cohort] is `cohort` of
    ParticipantsFilter), sort is their enum, and every component schema is one of theirs, or one
    listed as ours alone, referring by name to the schemas theirs does and no others: a generator
    makes a class of each named schema and names the rest by where they sit."""
    schemas = document()["components"]["schemas"]
    for name, facts in DFE_NAMES["query_objects"].items():
        assert schemas[name]["type"] == "object", name
        assert list(schemas[name]["properties"]) == facts["properties"], name
        assert schemas[name].get("required", []) == facts.get("required", []), name
        for value in schemas[name]["properties"].values():  # values a generator types as the DfE's
            assert value.get("type") in ("string", "integer") and "pattern" not in value, name
    assert schemas["SortingTimestamps"]["enum"] == DFE_NAMES["sort_values"]
    assert "type" not in schemas["SortingTimestamps"]
    expected = DFE_NAMES["schemas"] | DFE_NAMES["ours_only"]["schemas"]
    assert set(schemas) == set(expected)
    for name, refers_to in expected.items():
        assert _refers_to(schemas[name]) == set(refers_to), name


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
    for tag in document()["tags"]:  # each group of endpoints once, its heading in sentence case
        assert page.count(f'<h3 class="govuk-heading-m">{tag["name"].capitalize()}</h3>') == 1


def test_the_documentation_page_leads_to_the_latest_release_notes(client):
    """A returning provider sees what changed last before the guidance, and a link to every note."""
    page = client.get("/api/docs/v3").content.decode()
    latest = yaml.safe_load((DOCUMENT.parent / "release_notes.yaml").read_text())[0]
    whats_new = page.index("What's new")
    assert whats_new < page.index('id="guidance"')
    assert page.index(escape(latest["title"]), whats_new) < page.index('href="#release-notes"')
    assert page.index('href="#release-notes"') < page.index('id="guidance"')
    assert 'id="release-notes"' in page


# As schemathesis.openapi.from_wsgi would load it, without a request before the test database exists.
EXPLORE = bool(os.environ.get("SCHEMATHESIS_EXPLORE"))
# A query the document calls valid may still be a 400: as in the DfE's document, filter values,
# the cursor and page numbers are plain strings and integers, and filter and page objects that may
# carry other keys, while the service reads them as the DfE's does (decision 0032): an
# updated_since, page or cursor it cannot read, filter[cohort] left out for schools, or a key
# like filter[] is a 400 (documented on every GET, so the response is still checked against it).
schema = schemathesis.openapi.from_dict(
    document(),
    config=SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "404", "429"]}}}
    ),
)
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


def documented_declaration_forms() -> dict[tuple[int, str, str], tuple[str, set[str], bool]]:
    """From the declaration request's forms: (a cohort, course, declaration type) → (the form of
    attributes that says it, the evidence held that form allows, whether it must be given)."""
    schemas = document()["components"]["schemas"]

    def target(reference: dict) -> dict:
        return schemas[reference["$ref"].rsplit("/", 1)[1]]

    forms = {}
    for data in schemas["DeclarationCreateRequest"]["properties"]["data"]["anyOf"]:
        cohort = 2024 if "Pre2025" in data["$ref"] else finance_services.DETAILED_EVIDENCE_FROM
        for reference in target(data)["properties"]["attributes"]["anyOf"]:
            attributes = target(reference)
            evidence = set(attributes["properties"].get("evidence_held", {}).get("enum", []))
            for course_identifier in attributes["properties"]["course_identifier"]["enum"]:
                for declaration_type in attributes["properties"]["declaration_type"]["enum"]:
                    key = (cohort, course_identifier, declaration_type)
                    assert key not in forms, f"{key} is in two forms"
                    forms[key] = (reference["$ref"], evidence, "evidence_held" in attributes["required"])
    return forms


def test_the_declaration_request_forms_say_what_the_service_accepts():
    """The forms of the declaration request (the DfE's: cohorts up to 2024, and from 2025 an
    ECT's and a mentor's, each split by milestone) cover the declaration types the service's rules
    take (finance.services) and no others. Each says whether evidence is required as the rules do,
    and allows the evidence its milestones take: exactly what they take between them, so a form
    of several milestones (an ECT's retained ones from 2025, whose evidence differs by milestone)
    lists the evidence of each and its description says which is which."""
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
    documented = documented_declaration_forms()
    assert set(documented) == set(accepted)
    taken_by_form = {}
    for key, (form, evidence, required) in documented.items():
        assert required == accepted[key][1], key
        assert accepted[key][0] <= evidence, key
        taken_by_form.setdefault(form, set()).update(accepted[key][0])
    for form, taken in taken_by_form.items():
        assert next(evidence for name, evidence, _ in documented.values() if name == form) == taken, form


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
