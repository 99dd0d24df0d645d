from django.urls import path

from emails import views

urlpatterns = [
    # Answers 404 unless EMAIL_DELIVERY is "development".
    path("dev/emails", views.development_inbox, name="development_inbox"),
]
