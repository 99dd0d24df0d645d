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
]
