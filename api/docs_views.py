"""The API's documentation, for lead providers' developers: the OpenAPI document and a page of
guidance, endpoints and release notes."""

import yaml
from django.http import HttpResponse
from django.shortcuts import render

from api.document import DOCUMENT, operations


def openapi_document(request):
    return HttpResponse(DOCUMENT.read_bytes(), content_type="application/yaml; charset=utf-8")


def documentation(request):
    notes = yaml.safe_load((DOCUMENT.parent / "release_notes.yaml").read_text())
    return render(request, "api/documentation.html", {"operations": operations(), "release_notes": notes})
