import uuid

from django.urls import path, register_converter

from api import docs_views, views


class ApiIdConverter:
    """Any path segment as an id: a UUID, or None for anything that is not one (garbage, as the
    DfE's API treats it, is found nowhere, so the view answers its JSON 404 as for an id not yours,
    after checking the token)."""

    regex = "[^/]+"

    def to_python(self, value: str) -> uuid.UUID | None:
        try:
            return uuid.UUID(value)
        except ValueError:
            return None

    def to_url(self, value) -> str:
        return str(value)


register_converter(ApiIdConverter, "id")

urlpatterns = [
    path("api/docs/v3", docs_views.documentation, name="api_documentation"),
    path("api/docs/v3/openapi.yaml", docs_views.openapi_document, name="api_openapi_document"),
    path("api/v3/delivery-partners", views.delivery_partners, name="api_delivery_partners"),
    path("api/v3/delivery-partners/<id:api_id>", views.delivery_partner, name="api_delivery_partner"),
]


def resource(name: str, *, many, one, actions: dict | None = None) -> list:
    """A resource's routes under /api/v3/<name>, and again under /api/v3/<name>/ecf, where ECF1 put
    them, so clients written for it keep working. The /ecf ones first: "ecf" would be taken for an id."""
    routes = []
    for prefix in (f"api/v3/{name}/ecf", f"api/v3/{name}"):
        routes += [path(prefix, many), path(f"{prefix}/<id:api_id>", one)]
        routes += [
            path(f"{prefix}/<id:api_id>/{action}", view, {"action": action})
            for action, view in (actions or {}).items()
        ]
    return routes


urlpatterns += [
    # Before participants/<id>: neither is an id.
    path("api/v3/participants/transfers", views.transfers),
    path("api/v3/participants/ecf/transfers", views.transfers),
    path("api/v3/participants/changes", views.participant_changes),
    *resource(
        "participants",
        many=views.participants,
        one=views.participant,
        actions=dict.fromkeys(views.PARTICIPANT_ACTIONS, views.participant_action),
    ),
    *resource("partnerships", many=views.partnerships, one=views.partnership),
    *resource("schools", many=views.schools, one=views.school),
    *resource("unfunded-mentors", many=views.unfunded_mentors, one=views.unfunded_mentor),
    path("api/v3/participant-declarations", views.declarations),
    path("api/v3/participant-declarations/<id:api_id>", views.declaration),
    path("api/v3/participant-declarations/<id:api_id>/void", views.void_declaration),
    path("api/v3/statements", views.statements),
    path("api/v3/statements/<id:api_id>", views.statement),
]
urlpatterns += [
    path(f"{prefix}/<id:api_id>/transfers", views.participant_transfers)
    for prefix in ("api/v3/participants/ecf", "api/v3/participants")
]
