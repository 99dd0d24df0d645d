from django.urls import path

from accounts import views

urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-in/check-your-email", views.check_email, name="sign_in_check_email"),
    path("sign-in/link/<str:token>", views.sign_in_link, name="sign_in_link"),
    path("signed-in", views.post_sign_in, name="post_sign_in"),
    path("privacy-notice", views.accept_privacy_notice, name="accept_privacy_notice"),
    path("sign-out", views.sign_out, name="sign_out"),
]
