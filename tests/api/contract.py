"""Every response a test receives from the API is checked against the OpenAPI document the API
serves: its path, method and status must be documented and its body must match the schema. So a
change to either that the other does not follow fails the tests that exercise it."""

import re
from functools import cache

import jsonschema_rs

from api.document import document


@cache
def _templates() -> list[tuple[re.Pattern, str]]:
    return [
        (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), template)
        # Literal paths first: /participants/transfers is not /participants/{id}.
        for template in sorted(document()["paths"], key=lambda template: template.count("{"))
    ]


def documented_path(path: str) -> str | None:
    """The document's path template for a request path, or None."""
    return next((template for pattern, template in _templates() if pattern.match(path)), None)


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema, the one difference being `nullable: true`: null is
    allowed besides whatever the schema allows, every other keyword still applying to a value that
    is not null (so an enum need not list null, as the DfE's documents write it)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.get("nullable") is True:
        del node["nullable"]
        return {"anyOf": [node, {"type": "null"}]}
    return node


def _resolve(node: dict) -> dict:
    while "$ref" in node and len(node) == 1:
        target = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@cache
def _validator(template: str, method: str, status: str):
    response = _resolve(document()["paths"][template][method]["responses"][status])
    schema = response["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for(
        json_schema({**schema, "components": document()["components"]}), validate_formats=True
    )


def check(method: str, path: str, response) -> None:
    """Fail unless the response is one the document describes for this request."""
    __tracebackhide__ = True
    template = documented_path(path)
    assert template is not None, f"{path} is not in the API document"
    if response.status_code == 405:  # a method the path does not have: not an operation to describe
        assert method.lower() not in document()["paths"][template]
        return
    operation = document()["paths"][template].get(method.lower())
    assert operation is not None, f"{method} {template} is not in the API document"
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {template} is not documented to answer {status}"
    errors = [
        error.message for error in _validator(template, method.lower(), status).iter_errors(response.json())
    ]
    assert not errors, f"{method} {path} → {status} does not match the API document: {errors[:5]}"
