from django.urls import path

from api import docs_views, views

urlpatterns = [
    path("api/docs/v3", docs_views.documentation, name="api_documentation"),
    path("api/docs/v3/openapi.yaml", docs_views.openapi_document, name="api_openapi_document"),
    path("api/v3/delivery-partners", views.delivery_partners, name="api_delivery_partners"),
    path("api/v3/delivery-partners/<uuid:api_id>", views.delivery_partner, name="api_delivery_partner"),
]


def resource(name: str, *, many, one, actions: dict | None = None) -> list:
    """A resource's routes under /api/v3/<name>, and again under /api/v3/<name>/ecf, where ECF1 put
    them, so clients written for it keep working."""
    routes = []
    for prefix in (f"api/v3/{name}", f"api/v3/{name}/ecf"):
        routes += [path(prefix, many), path(f"{prefix}/<uuid:api_id>", one)]
        routes += [
            path(f"{prefix}/<uuid:api_id>/{action}", view, {"action": action})
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
    path("api/v3/participant-declarations/<uuid:api_id>", views.declaration),
    path("api/v3/participant-declarations/<uuid:api_id>/void", views.void_declaration),
    path("api/v3/statements", views.statements),
    path("api/v3/statements/<uuid:api_id>", views.statement),
]
urlpatterns += [
    path(f"{prefix}/<uuid:api_id>/transfers", views.participant_transfers)
    for prefix in ("api/v3/participants", "api/v3/participants/ecf")
]
