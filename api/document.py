"""The API's OpenAPI document (api/docs/openapi.yaml): the one description of every endpoint, served
to providers, rendered on the docs page, and checked against every response in the tests."""

from functools import cache
from pathlib import Path

import yaml

DOCUMENT = Path(__file__).parent / "docs" / "openapi.yaml"
METHODS = ("get", "put", "post", "patch", "delete")


@cache
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text())


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
                        "path": "/api/v3" + path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tag": (operation.get("tags") or [""])[0],
                        "anchor": operation["operationId"],
                    }
                )
    tags = [tag["name"] for tag in document().get("tags", [])]
    # Grouped by tag in the document's order (the docs page groups consecutive ones).
    return sorted(
        found, key=lambda operation: tags.index(operation["tag"]) if operation["tag"] in tags else len(tags)
    )
