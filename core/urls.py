from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from core import views

urlpatterns = [
    path("", views.start, name="start"),
    path("healthcheck", views.healthcheck, name="healthcheck"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("govuk/assets/images/favicon.ico"), permanent=True)),
    path("accessibility", views.accessibility, name="accessibility"),
    path("cookies", views.cookies, name="cookies"),
    path("privacy", views.privacy, name="privacy"),
]
