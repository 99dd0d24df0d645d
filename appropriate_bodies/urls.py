from django.urls import path, re_path

from appropriate_bodies import bulk_views, views
from appropriate_bodies.journeys import claim_ect, extension, record_outcome

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
    path(
        "appropriate-bodies/<int:body_id>/claim/<str:step>",
        claim_ect.ClaimECTView.as_view(),
        name="claim_ect",
    ),
    path("appropriate-bodies/<int:body_id>/claimed", views.ect_claimed, name="ect_claimed"),
    # Outcomes and extensions (journeys/record_outcome.py, journeys/extension.py).
    re_path(
        r"^appropriate-bodies/(?P<body_id>[0-9]+)/teachers/(?P<teacher_id>[0-9]+)/(?P<outcome>pass|fail|release)/recorded$",
        record_outcome.outcome_recorded,
        name="appropriate_body_outcome_recorded",
    ),
    re_path(
        r"^appropriate-bodies/(?P<body_id>[0-9]+)/teachers/(?P<teacher_id>[0-9]+)/(?P<outcome>pass|fail|release)/(?P<step>[a-z-]+)$",
        record_outcome.RecordOutcomeView.as_view(),
        name="appropriate_body_outcome",
    ),
    path(
        "appropriate-bodies/<int:body_id>/teachers/<int:teacher_id>/extensions/new/<str:step>",
        extension.ExtensionView.as_view(),
        name="appropriate_body_add_extension",
    ),
    path(
        "appropriate-bodies/<int:body_id>/teachers/<int:teacher_id>/extensions/<int:extension_id>/remove",
        extension.remove_extension,
        name="appropriate_body_remove_extension",
    ),
    path(
        "appropriate-bodies/<int:body_id>/teachers/<int:teacher_id>/extensions/<int:extension_id>/<str:step>",
        extension.ExtensionView.as_view(),
        name="appropriate_body_change_extension",
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
