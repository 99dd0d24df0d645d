from django.urls import path

from appropriate_bodies import bulk_views, views

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
    path("appropriate-bodies/<int:body_id>/bulk", bulk_views.bulk_home, name="appropriate_body_bulk"),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<str:kind>/upload",
        bulk_views.upload_file,
        name="appropriate_body_bulk_upload",
    ),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<str:kind>/template.csv",
        bulk_views.template_file,
        name="appropriate_body_bulk_template",
    ),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<int:upload_id>",
        bulk_views.upload_page,
        name="appropriate_body_bulk_file",
    ),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<int:upload_id>/confirm",
        bulk_views.confirm_upload,
        name="appropriate_body_bulk_confirm",
    ),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<int:upload_id>/progress",
        bulk_views.upload_progress,
        name="appropriate_body_bulk_progress",
    ),
    path(
        "appropriate-bodies/<int:body_id>/bulk/<int:upload_id>/results.csv",
        bulk_views.results_file,
        name="appropriate_body_bulk_results",
    ),
]
