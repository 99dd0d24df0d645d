from django.urls import path

from api import docs_views, views

urlpatterns = [
    path("api/docs/v3", docs_views.documentation, name="api_documentation"),
    path("api/docs/v3/openapi.yaml", docs_views.openapi_document, name="api_openapi_document"),
    path("api/v3/delivery-partners", views.delivery_partners, name="api_delivery_partners"),
    path("api/v3/delivery-partners/<uuid:api_id>", views.delivery_partner, name="api_delivery_partner"),
]

# ECF1 put "/ecf" after some resources ("/participants/ecf"): clients written for it keep working.
for participants in ("api/v3/participants", "api/v3/participants/ecf"):
    urlpatterns += [
        path(participants, views.participants),
        path(f"{participants}/<uuid:api_id>", views.participant),
    ]
    urlpatterns += [
        path(f"{participants}/<uuid:api_id>/{action}", views.participant_action, {"action": action})
        for action in views.PARTICIPANT_ACTIONS
    ]
