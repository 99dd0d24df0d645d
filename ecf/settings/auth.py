"""Signing in: email links for school users, DfE Sign-in (OpenID Connect) when configured,
passwords for DfE staff in admin. Owned by accounts/.

django-allauth provides the OpenID Connect client and the social account records; its own
password, signup and email pages are switched off (SOCIALACCOUNT_ONLY), and its login page
sends people to our sign-in page. See docs/decisions/0008-accounts-with-allauth-and-dfe-sign-in.md.
"""

import os

AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Backends a session may name from before they were renamed (core.sessions reads them under their
# new name): Django signs out a session whose backend is not in AUTHENTICATION_BACKENDS.
AUTHENTICATION_BACKENDS_RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend"
}
LOGIN_URL = "sign_in"
# Decides what comes next: the privacy notice, choosing a school, or the dashboard.
LOGIN_REDIRECT_URL = "post_sign_in"

# Email is the only identifier; our email-link sign-in has already proven the address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# No public signup: accounts exist only when a headteacher nominates an induction tutor or a
# tutor adds a colleague.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# allauth's login page is never a way in: it redirects to our sign-in page (and refuses a POST).
ACCOUNT_FORMS = {"login": "accounts.adapters.SignInWithUsInstead"}
# Removes allauth's password, signup, email-management and code pages altogether: school users
# sign in by email link or DfE Sign-in, staff by password on admin's own login page.
SOCIALACCOUNT_ONLY = True

SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
# Our adapter matches the DfE Sign-in email to an existing user itself.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
# Starting sign-in is a POST from our button (a GET shows a "Continue" page).
SOCIALACCOUNT_LOGIN_ON_GET = False

# DfE Sign-in is on when all three are set, and off otherwise.
DFE_SIGN_IN_PROVIDER_ID = "dfe-sign-in"
DFE_SIGN_IN_ISSUER = os.environ.get("DFE_SIGN_IN_ISSUER", "")
DFE_SIGN_IN_CLIENT_ID = os.environ.get("DFE_SIGN_IN_CLIENT_ID", "")
DFE_SIGN_IN_CLIENT_SECRET = os.environ.get("DFE_SIGN_IN_CLIENT_SECRET", "")


def socialaccount_providers(issuer: str, client_id: str, client_secret: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS with one OpenID Connect app for DfE Sign-in, or none when any part is
    unset. allauth reads this setting on each request, so tests that override it take effect."""
    if not (issuer and client_id and client_secret):
        return {"openid_connect": {"APPS": []}}
    app = {
        "provider_id": DFE_SIGN_IN_PROVIDER_ID,
        "name": "DfE Sign-in",
        "client_id": client_id,
        "secret": client_secret,
        "settings": {
            # allauth fetches <server_url>/.well-known/openid-configuration.
            "server_url": issuer.rstrip("/"),
            # "organisation" adds the organisation the person chose at DfE Sign-in, which gives
            # appropriate body staff their access (DFE_SIGN_IN_ORGANISATION_ACCESS).
            "scope": ["openid", "email", "profile", "organisation"],
            "oauth_pkce_enabled": True,
            # DfE Sign-in only creates an account once its owner has proven the email address,
            # and does not send the email_verified claim; an explicit email_verified=false is
            # still refused by our adapter.
            "verified_email": True,
        },
    }
    return {"openid_connect": {"APPS": [app]}}


SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
    DFE_SIGN_IN_ISSUER, DFE_SIGN_IN_CLIENT_ID, DFE_SIGN_IN_CLIENT_SECRET
)
# Who gains access from the organisation DfE Sign-in says a person signed in for: functions called
# with (email=, full_name=, organisation=) that give access and answer the user, or None. Named here
# so that accounts, below the apps that own access, calls them without importing them.
DFE_SIGN_IN_ORGANISATION_ACCESS = ["appropriate_bodies.services.access.access_from_dfe_sign_in"]
DFE_SIGN_IN_ENABLED = bool(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])
