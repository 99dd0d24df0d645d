from django.urls import path

from participants import views
from participants.journeys import assign_mentor, changes, leaving, register_ect, register_mentor

urlpatterns = [
    path("schools/<int:urn>/add", views.who_to_add, name="who_to_add"),
    path(
        "schools/<int:urn>/mentors/register/<str:step>",
        register_mentor.RegisterMentorView.as_view(),
        name="register_mentor",
    ),
    path(
        "schools/<int:urn>/mentors/register-yourself/<str:step>",
        register_mentor.RegisterMentorView.as_view(yourself=True),
        name="register_yourself_as_mentor",
    ),
    path(
        "schools/<int:urn>/ects/<int:period_id>/register-mentor/<str:step>",
        register_mentor.RegisterMentorView.as_view(),
        name="register_mentor_for_ect",
    ),
    path("schools/<int:urn>/ects/registered", views.ect_registered, name="ect_registered"),
    path("schools/<int:urn>/mentors/registered", views.mentor_registered, name="mentor_registered"),
    path("schools/<int:urn>/ects/<int:period_id>", views.person_page, {"role": "ect"}, name="ect_page"),
    path(
        "schools/<int:urn>/ects/<int:period_id>/mentor/<str:step>",
        assign_mentor.AssignMentorView.as_view(),
        name="assign_mentor",
    ),
    path(
        "schools/<int:urn>/ects/register/<str:step>",
        register_ect.RegisterECTView.as_view(),
        name="register_ect",
    ),
    path(
        "schools/<int:urn>/ects/<int:period_id>/leaving/<str:step>",
        leaving.LeavingView.as_view(role="ect"),
        name="ect_leaving",
    ),
    path(
        "schools/<int:urn>/mentors/<int:period_id>", views.person_page, {"role": "mentor"}, name="mentor_page"
    ),
    # What support staff see from admin's "View as the school" (schools/urls.py has the dashboard).
    path(
        "support/schools/<int:urn>/ects/<int:period_id>",
        views.support_person_page,
        {"role": "ect"},
        name="support_ect_page",
    ),
    path(
        "support/schools/<int:urn>/mentors/<int:period_id>",
        views.support_person_page,
        {"role": "mentor"},
        name="support_mentor_page",
    ),
    path(
        "schools/<int:urn>/mentors/<int:period_id>/leaving/<str:step>",
        leaving.LeavingView.as_view(role="mentor"),
        name="mentor_leaving",
    ),
    path(
        "schools/<int:urn>/ects/<int:period_id>/change/<str:what>/<str:step>",
        changes.ChangeView.as_view(role="ect"),
        name="ect_change",
    ),
    path(
        "schools/<int:urn>/mentors/<int:period_id>/change/<str:what>/<str:step>",
        changes.ChangeView.as_view(role="mentor"),
        name="mentor_change",
    ),
]
