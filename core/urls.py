from django.urls import path

from core import views

urlpatterns = [
    path("", views.start, name="start"),
    path("healthcheck", views.healthcheck, name="healthcheck"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("cookies", views.cookies, name="cookies"),
    path("privacy", views.privacy, name="privacy"),
]
