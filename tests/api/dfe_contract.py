"""Every response a test receives from the API is also held to the DfE's v3 shapes, as we wrote
them down in dfe_v3_facts.yaml: a client written for either of the DfE's documents must be able to
read it. tests.api.contract checks the response against our own document; this checks it against
theirs, so the two cannot drift apart without a test failing.

What fails: an operation or status the DfE does not have, an attribute the facts do not know, a
required one missing, a null where none is allowed, a value of the wrong JSON type, format (date,
date-time, uuid) or outside an enum. What the facts list as a deliberate difference is accepted,
and so, for now, is what they list as pending a fix."""

import datetime
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

FACTS = Path(__file__).with_name("dfe_v3_facts.yaml")

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
JSON_TYPES = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}
NO_BODY = object()  # a response with an empty body


@dataclass(frozen=True)
class Problem:
    """One way a response differs from the facts. `at` names what it is about the way the facts
    do: OBJECT.ATTRIBUTE (an attribute), RESOURCE:MEMBER (id, type or attributes of a resource),
    envelope.KEY, or METHOD PATH (an operation or status)."""

    kind: str  # operation, status, envelope, unknown, missing, null, type, format, enum, body
    at: str
    where: str  # where in the body, as a path
    detail: str
    value: object = None
    status: int | None = None
    method: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


def _formatted(value: str, fmt: str) -> bool:
    try:
        if fmt == "date":
            return bool(DATE.match(value)) and bool(datetime.date.fromisoformat(value))
        if fmt == "date-time":
            return bool(DATE_TIME.match(value)) and bool(datetime.datetime.fromisoformat(value))
        if fmt == "uuid":
            return bool(UUID.match(value))
    except ValueError:
        return False
    raise ValueError(f"the facts use a format the checker does not know: {fmt}")


class Facts:
    """dfe_v3_facts.yaml, with its deliberate differences folded in."""

    def __init__(self, raw: dict):
        self.raw = raw
        # Every named shape: resources' attributes and the nested objects, as {name: {field: fact}}.
        self.shapes = {name: dict(spec["attributes"]) for name, spec in raw["resources"].items()}
        self.shapes |= {name: dict(spec["fields"]) for name, spec in raw["objects"].items()}
        self.resource_types = {name: spec["type"] for name, spec in raw["resources"].items()}
        self.operations = [dict(operation) for operation in raw["operations"]]
        self.error_bodies = {int(status): spec["body"] for status, spec in raw["errors"].items()}
        self.any_operation_may_answer = {int(status) for status in raw["any_operation_may_answer"]}
        for difference in raw.get("deliberate_differences") or []:
            allows = difference["allows"]
            if "operation" in allows:
                self.operations.append({**allows["operation"], "ours_alone": True})
            if "field" in allows:
                field = allows["field"]
                self.shapes[field["object"]][field["name"]] = field["fact"]
            if "error_body" in allows:
                self.error_bodies[int(allows["error_body"]["status"])] = allows["error_body"]["body"]
        self.pending = list(raw.get("pending_fixes") or [])
        self._templates = sorted(
            (
                (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), operation)
                for operation in self.operations
                for template in (operation["path"], operation.get("ecf1_path"))
                if template
            ),
            # Literal paths first: /participants/transfers is not /participants/{id}.
            key=lambda pair: pair[0].pattern.count("[^/]+"),
        )

    def operation(self, method: str, path: str) -> dict | None:
        return next(
            (op for pattern, op in self._templates if op["method"] == method and pattern.match(path)), None
        )

    def has_path(self, path: str) -> bool:
        return any(pattern.match(path) for pattern, _ in self._templates)

    # -- checking -------------------------------------------------------------------------------

    def check(self, method: str, path: str, status: int, body) -> list[Problem]:
        """Every way the response (its status and parsed JSON body, or NO_BODY) differs from the
        facts, before anything pending is forgiven."""
        method, path = method.upper(), path.split("?")[0]
        operation = self.operation(method, path)
        if operation is None:
            if status == 405 and self.has_path(path):
                return []  # a method the DfE does not have on the path: no operation to describe
            return [
                Problem("operation", f"{method} {path}", "request", "not an operation of the DfE's v3 API")
            ]
        at = f"{method} {operation['path']}"
        problems = []
        if status not in set(operation["statuses"]) | self.any_operation_may_answer:
            problems.append(
                Problem(
                    "status",
                    at,
                    "status",
                    f"{status}: the DfE answers {at} with {sorted(set(operation['statuses']) | self.any_operation_may_answer)}",
                    status=status,
                    method=method,
                )
            )
        if 200 <= status < 300:
            problems += self._envelope(operation, body)
        else:
            problems += self._error_body(status, body)
        return problems

    def _error_body(self, status: int, body) -> list[Problem]:
        shape = self.error_bodies.get(status, "unspecified")
        if shape == "unspecified":
            return []
        if shape == "none":
            if body is NO_BODY:
                return []
            return [Problem("body", f"error {status}", "body", f"the DfE sends no body with {status}")]
        if body is NO_BODY or not isinstance(body, dict):
            return [Problem("body", f"error {status}", "body", f"not a JSON object: {body!r:.80}")]
        return self._object(shape, body, "body")

    def _envelope(self, operation: dict, body) -> list[Problem]:
        if body is NO_BODY or not isinstance(body, dict):
            return [Problem("envelope", "envelope", "body", f"not a JSON object: {body!r:.80}")]
        problems = [
            Problem("unknown", f"envelope.{key}", key, "a top-level key the DfE does not send")
            for key in body
            if key != "data" and not (key == "meta" and operation.get("meta"))
        ]
        if "data" not in body:
            return [*problems, Problem("missing", "envelope.data", "data", "no data")]
        data, resource = body["data"], operation["of"]
        if operation["data"] == "array":
            if not isinstance(data, list):
                return [*problems, Problem("envelope", "envelope.data", "data", "not an array")]
            for index, item in enumerate(data):
                problems += self._resource(resource, item, f"data[{index}]")
        else:
            problems += self._resource(resource, data, "data")
        return problems

    def _resource(self, resource: str, item, where: str) -> list[Problem]:
        if not isinstance(item, dict):
            return [Problem("type", f"{resource}:", where, f"not an object: {item!r:.80}")]
        problems = [
            Problem("unknown", f"{resource}:{key}", f"{where}.{key}", "not a member of a DfE resource")
            for key in item
            if key not in ("id", "type", "attributes")
        ]
        for member in ("id", "type", "attributes"):
            if member not in item:
                problems.append(Problem("missing", f"{resource}:{member}", f"{where}.{member}", "missing"))
        if "id" in item and not (isinstance(item["id"], str) and UUID.match(item["id"])):
            problems.append(
                Problem("format", f"{resource}:id", f"{where}.id", f"{item['id']!r} is not a uuid")
            )
        if "type" in item and item["type"] != self.resource_types[resource]:
            problems.append(
                Problem(
                    "enum",
                    f"{resource}:type",
                    f"{where}.type",
                    f"{item['type']!r}, where the DfE sends {self.resource_types[resource]!r}",
                    value=item["type"],
                )
            )
        if "attributes" in item:
            if isinstance(item["attributes"], dict):
                problems += self._object(resource, item["attributes"], f"{where}.attributes")
            else:
                problems.append(
                    Problem("type", f"{resource}:attributes", f"{where}.attributes", "not an object")
                )
        return problems

    def _object(self, name: str, value: dict, where: str) -> list[Problem]:
        fields = self.shapes[name]
        problems = [
            Problem("unknown", f"{name}.{key}", f"{where}.{key}", f"not an attribute of the DfE's {name}")
            for key in value
            if key not in fields
        ]
        for key, fact in fields.items():
            if key in value:
                problems += self._value(fact, value[key], f"{name}.{key}", f"{where}.{key}")
            elif fact.get("required"):
                problems.append(
                    Problem("missing", f"{name}.{key}", f"{where}.{key}", "required by the DfE, not sent")
                )
        return problems

    def _value(self, fact: dict, value, at: str, where: str) -> list[Problem]:
        if value is None:
            if fact.get("nullable"):
                return []
            return [Problem("null", at, where, "null, where the DfE never sends null")]
        expected = fact.get("type") or ("object" if "object" in fact else None)
        if expected and not JSON_TYPES[expected](value):
            return [
                Problem("type", at, where, f"{json.dumps(value)[:80]} is not a JSON {expected}", value=value)
            ]
        problems = []
        if "format" in fact and isinstance(value, str) and not _formatted(value, fact["format"]):
            problems.append(Problem("format", at, where, f"{value!r} is not a {fact['format']}", value=value))
        if "enum" in fact and value not in fact["enum"]:
            problems.append(
                Problem("enum", at, where, f"{value!r} is not one of {fact['enum']}", value=value)
            )
        if expected == "array" and "items" in fact:
            items = fact["items"]
            for index, item in enumerate(value):
                if "object" in items:
                    if isinstance(item, dict):
                        problems += self._object(items["object"], item, f"{where}[{index}]")
                    else:
                        problems.append(Problem("type", at, f"{where}[{index}]", "not an object"))
                else:
                    problems += self._value(items, item, at, f"{where}[{index}]")
        if expected == "object" and "object" in fact:
            problems += self._object(fact["object"], value, where)
        return problems

    # -- what is forgiven -----------------------------------------------------------------------

    def is_pending(self, problem: Problem) -> bool:
        return any(_matches(entry, problem) for entry in self.pending)

    def unforgiven(self, problems: list[Problem]) -> list[Problem]:
        return [problem for problem in problems if not self.is_pending(problem)]


def _matches(entry: dict, problem: Problem) -> bool:
    if entry["kind"] != problem.kind:
        return False
    if problem.kind == "status":
        return entry["status"] == problem.status and entry.get("method", problem.method) == problem.method
    return entry["at"] == problem.at and ("value" not in entry or entry["value"] == problem.value)


@cache
def facts() -> Facts:
    return Facts(yaml.safe_load(FACTS.read_text()))


def body_of(response):
    """The response's parsed JSON body, or NO_BODY when it has none."""
    return json.loads(response.content) if response.content else NO_BODY


def check(method: str, path: str, response) -> None:
    """Fail unless a client written for either of the DfE's v3 documents could read the response.
    With DFE_CONTRACT_LOG set to a file, every difference found, forgiven or not, is added to it as
    a JSON line: which pending fixes a run still needs."""
    __tracebackhide__ = True
    found = facts().check(method, path, response.status_code, body_of(response))
    if found and (log := os.environ.get("DFE_CONTRACT_LOG")):
        with open(log, "a") as lines:
            for problem in found:
                record = {"request": f"{method} {path.split('?')[0]}", "answered": response.status_code}
                record |= {"pending": facts().is_pending(problem), **problem.__dict__}
                lines.write(json.dumps(record, default=str) + "\n")
    problems = facts().unforgiven(found)
    assert not problems, (
        f"{method} {path} → {response.status_code} differs from the DfE's v3 API: "
        + "; ".join(map(str, problems[:10]))
    )
