from django.urls import path

from schools import dashboard_views, views
from schools.journeys import add_colleague, change_induction_tutor, nominate_induction_tutor, set_up_training

urlpatterns = [
    path("nominate", views.find_school, name="nominate"),
    path("nominate/schools.json", views.find_school_json, name="nominate_search_json"),
    path("nominate/school/<int:urn>", views.confirm_school, name="nomination_confirm_school"),
    path("nominate/school/<int:urn>/sent", views.nomination_sent, name="nomination_sent"),
    path("nominate/done", views.nomination_done, name="nomination_done"),
    path("nominate/your-school", views.nomination_intro, name="nomination_intro"),
    path(
        "nominate/your-school/<str:step>",
        nominate_induction_tutor.NominationStepView.as_view(),
        name="nomination_step",
    ),
    path("nominate/<str:token>", views.open_nomination_link, name="nomination_start"),
    path("schools/<int:urn>", dashboard_views.school_home, name="school_home"),
    path("schools/<int:urn>/years/<int:year>", dashboard_views.school_year, name="school_year"),
    path(
        "schools/<int:urn>/years/<int:year>/mentors",
        dashboard_views.school_year_mentors,
        name="school_year_mentors",
    ),
    path("schools/<int:urn>/years/<int:year>/set-up", dashboard_views.set_up_start, name="set_up_start"),
    path(
        "schools/<int:urn>/years/<int:year>/change", set_up_training.change_training, name="change_training"
    ),
    path(
        "schools/<int:urn>/years/<int:year>/set-up/submitted",
        dashboard_views.set_up_submitted,
        name="set_up_submitted",
    ),
    path(
        "schools/<int:urn>/years/<int:year>/set-up/<str:step>",
        set_up_training.SetUpTrainingView.as_view(),
        name="set_up_training",
    ),
    path(
        "schools/<int:urn>/induction-tutor/<str:step>",
        change_induction_tutor.ChangeInductionTutorView.as_view(),
        name="change_induction_tutor",
    ),
    path(
        "schools/<int:urn>/colleagues/<str:step>",
        add_colleague.AddColleagueView.as_view(),
        name="add_colleague",
    ),
    path("support/schools/<int:urn>", dashboard_views.support_school_home, name="support_school_home"),
    path(
        "support/schools/<int:urn>/years/<int:year>",
        dashboard_views.support_school_year,
        name="support_school_year",
    ),
    path(
        "support/schools/<int:urn>/years/<int:year>/mentors",
        dashboard_views.support_school_year,
        {"showing": "mentors"},
        name="support_school_year_mentors",
    ),
]
