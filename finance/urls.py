from django.urls import path

from finance import views

urlpatterns = [
    path("finance/grants/mentors", views.mentor_grant, name="finance_mentor_grant"),
    path("finance/grants/mentors.csv", views.mentor_grant_csv, name="finance_mentor_grant_csv"),
]
