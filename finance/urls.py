from django.urls import path

from finance import views
from finance.journeys import adjustment, authorise, remove_adjustment, void

urlpatterns = [
    path("finance", views.home, name="finance_home"),
    path("finance/providers/<int:lead_provider_id>", views.provider, name="finance_provider"),
    path(
        "finance/providers/<int:lead_provider_id>/<int:year>",
        views.provider_statements,
        name="finance_provider_statements",
    ),
    path("finance/statements/<int:statement_id>", views.statement, name="finance_statement"),
    path(
        "finance/statements/<int:statement_id>/declarations",
        views.statement_declarations,
        name="finance_statement_declarations",
    ),
    path(
        "finance/statements/<int:statement_id>/breakdown.csv",
        views.statement_breakdown_csv,
        name="finance_statement_breakdown_csv",
    ),
    path(
        "finance/statements/<int:statement_id>/declarations.csv",
        views.statement_declarations_csv,
        name="finance_statement_declarations_csv",
    ),
    # The actions: journeys in finance/journeys/.
    path(
        "finance/statements/<int:statement_id>/adjustments/new/<str:step>",
        adjustment.AddAdjustmentView.as_view(),
        name="finance_add_adjustment",
    ),
    path(
        "finance/statements/<int:statement_id>/adjustments/<int:adjustment_id>/remove/<str:step>",
        remove_adjustment.RemoveAdjustmentView.as_view(),
        name="finance_remove_adjustment",
    ),
    path(
        "finance/statements/<int:statement_id>/authorise/<str:step>",
        authorise.AuthoriseView.as_view(),
        name="finance_authorise",
    ),
    path("finance/search", views.search, name="finance_search"),
    path("finance/declarations/<int:declaration_id>", views.declaration, name="finance_declaration"),
    path(
        "finance/declarations/<int:declaration_id>/void/<str:step>",
        void.VoidView.as_view(),
        name="finance_void",
    ),
    path("finance/contract-periods", views.contract_periods, name="finance_contract_periods"),
    path("finance/contract-periods/<int:year>", views.contract_period, name="finance_contract_period"),
    path("finance/grants/mentors", views.mentor_grant, name="finance_mentor_grant"),
    path("finance/grants/mentors.csv", views.mentor_grant_csv, name="finance_mentor_grant_csv"),
]
