from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Manage training for early career teachers: DfE support"
admin.site.site_title = "ECF support"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("auth/", include("allauth.urls")),
    path("", include("core.urls")),
    path("", include("emails.urls")),
    path("", include("accounts.urls")),
    path("", include("schools.urls")),
    path("", include("participants.urls")),
    path("", include("api.urls")),
    path("", include("appropriate_bodies.urls")),
    path("", include("finance.urls")),
]


def page_not_found(request, exception):
    """Lead providers' clients read JSON, even for a path we do not have; people get the GOV.UK page."""
    if request.path.startswith("/api/v3/"):
        from api.http import problems

        return problems(404, ("Not found", "There is no such path in the API: see /api/docs/v3."))
    from django.views.defaults import page_not_found as govuk_page

    return govuk_page(request, exception)


handler404 = page_not_found
