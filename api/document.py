"""The API's OpenAPI document: the one description of every endpoint, served to providers, rendered
on the docs page, and checked against every response in the tests.

It is written in api/docs/openapi.yaml with the DfE's ECF2 paths (/api/v3/participants/{id}); the
document served adds ECF1's form of each (/api/v3/participants/ecf/{id}), which we answer the same
way, as its own deprecated path, so that a code generator sees every path we serve, as it would in
the DfE's documents."""

import copy
import re
from functools import cache
from pathlib import Path

import yaml

DOCUMENT = Path(__file__).parent / "docs" / "openapi.yaml"
METHODS = ("get", "put", "post", "patch", "delete")
# ECF1 put "/ecf" after these resources' names; the change feed came after ECF1 and has no such form.
ECF1_RESOURCE = re.compile(r"^/api/v3/(participants|partnerships|schools|unfunded-mentors)(?=/|$)")
NOT_IN_ECF1 = {"/api/v3/participants/changes"}


def ecf1_path(path: str) -> str | None:
    """ECF1's form of a path ("/api/v3/participants/{id}" → "/api/v3/participants/ecf/{id}"), if any."""
    if path in NOT_IN_ECF1 or not ECF1_RESOURCE.match(path):
        return None
    return ECF1_RESOURCE.sub(r"\g<0>/ecf", path)


def _deprecated(item: dict) -> dict:
    """The same operations under another path: deprecated, with operationIds of their own."""
    item = copy.deepcopy(item)
    for method in METHODS:
        if method in item:
            item[method]["operationId"] += "Ecf"
            item[method]["deprecated"] = True
    return item


@cache
def document() -> dict:
    written = yaml.safe_load(DOCUMENT.read_text())
    paths = {}
    for path, item in written["paths"].items():
        paths[path] = item
        if ecf1 := ecf1_path(path):
            paths[ecf1] = _deprecated(item)
    return {**written, "paths": paths}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # every object written out in full: no &anchors for a reader to follow
        return True


# Text of several lines as it is written, in a | block.
_Dumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


@cache
def served() -> bytes:
    """The document as providers download it."""
    return yaml.dump(document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100).encode()


def operations() -> list[dict]:
    """Each endpoint as the docs page lists it: method, path, summary, description, by tag."""
    found = []
    for path, item in document()["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                found.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tag": (operation.get("tags") or [""])[0],
                        "anchor": operation["operationId"],
                        "deprecated": operation.get("deprecated", False),
                    }
                )
    tags = [tag["name"] for tag in document().get("tags", [])]
    # Grouped by tag in the document's order (the docs page groups consecutive ones).
    return sorted(
        found, key=lambda operation: tags.index(operation["tag"]) if operation["tag"] in tags else len(tags)
    )
