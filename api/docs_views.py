"""The API's documentation, for lead providers' developers: the OpenAPI document and a page of
guidance, endpoints and release notes."""

import yaml
from django.http import HttpResponse
from django.shortcuts import render

from api.document import DOCUMENT, operations, served


def openapi_document(request):
    return HttpResponse(served(), content_type="application/yaml; charset=utf-8")


def documentation(request):
    notes = yaml.safe_load((DOCUMENT.parent / "release_notes.yaml").read_text())
    everything = operations()
    return render(
        request,
        "api/documentation.html",
        {
            "operations": [operation for operation in everything if not operation["deprecated"]],
            "deprecated": [operation for operation in everything if operation["deprecated"]],
            "release_notes": notes,
        },
    )
