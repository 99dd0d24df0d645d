from django.urls import path

from appropriate_bodies import views

urlpatterns = [
    path("schools", views.choose_school, name="choose_school"),
    path("appropriate-bodies/<int:body_id>", views.home, name="appropriate_body_home"),
    path(
        "appropriate-bodies/<int:body_id>/review/<str:slug>",
        views.review_list,
        name="appropriate_body_review",
    ),
    path("appropriate-bodies/<int:body_id>/teachers", views.teachers, name="appropriate_body_teachers"),
    path(
        "appropriate-bodies/<int:body_id>/teachers.csv",
        views.teachers_csv,
        name="appropriate_body_teachers_csv",
    ),
    path(
        "appropriate-bodies/<int:body_id>/teachers/<int:teacher_id>",
        views.teacher_page,
        name="appropriate_body_teacher",
    ),
]
