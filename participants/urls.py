from django.urls import path

from participants import views

urlpatterns = [
    path("schools/<int:urn>/ects/registered", views.ect_registered, name="ect_registered"),
    path("schools/<int:urn>/ects/register/<str:step>", views.RegisterECTView.as_view(), name="register_ect"),
]
