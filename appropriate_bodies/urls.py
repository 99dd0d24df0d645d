from django.urls import path

from appropriate_bodies import views
from appropriate_bodies.journeys import claim_ect

urlpatterns = [
    path("schools", views.choose_school, name="choose_school"),
    path("appropriate-bodies/<int:body_id>", views.home, name="appropriate_body_home"),
    path(
        "appropriate-bodies/<int:body_id>/review/<str:slug>",
        views.review_list,
        name="appropriate_body_review",
    ),
    path(
        "appropriate-bodies/<int:body_id>/teachers/<int:teacher_id>",
        views.teacher_page,
        name="appropriate_body_teacher",
    ),
    path(
        "appropriate-bodies/<int:body_id>/claim/<str:step>",
        claim_ect.ClaimECTView.as_view(),
        name="claim_ect",
    ),
    path("appropriate-bodies/<int:body_id>/claimed", views.ect_claimed, name="ect_claimed"),
]
