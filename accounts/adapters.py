"""How django-allauth fits this service (docs/decisions/0008-accounts-with-allauth-and-dfe-sign-in.md).

- Nobody signs up: accounts exist only when a headteacher nominates an induction tutor or a tutor
  adds a colleague.
- allauth's own login page is not a way in: it sends people to our sign-in page.
- DfE Sign-in lets in only an existing, active, non-staff user whose email is the one DfE Sign-in
  vouches for; the DfE Sign-in account is then connected to that user. Someone who signs in for an
  organisation we know (an appropriate body's DfE Sign-in organisation) is given access to it
  first, by the functions in settings.DFE_SIGN_IN_ORGANISATION_ACCESS. Everyone else gets a page
  saying who can give them access. Staff sign in to admin with a password.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.services import can_sign_in

NO_ACCOUNT_TEMPLATE = "socialaccount/dfe_sign_in_refused.html"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class SignInWithUsInstead:
    """Stands in for allauth's login form (ACCOUNT_FORMS["login"]), so that its login page sends
    people to our sign-in page, keeping a safe `next`. allauth refuses a POST to that page before
    any form is built (SOCIALACCOUNT_ONLY); the AccountMiddleware returns the redirect."""

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs):
        url = reverse("sign_in")
        next_url = request.GET.get("next") if request else None
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            url = f"{url}?{urlencode({'next': next_url})}"
        raise ImmediateHttpResponse(HttpResponseRedirect(url))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        """Let in only the existing user whose email DfE Sign-in vouches for, or refuse with a page.

        Called after DfE Sign-in has answered and allauth has looked for a connected social account,
        before anyone is signed in."""
        if sociallogin.state.get("process") != AuthProcess.LOGIN:
            # Connecting a DfE Sign-in account to whoever is signed in, whatever its email, is
            # not something this service offers.
            raise ImmediateHttpResponse(
                render(request, "socialaccount/authentication_error.html", status=HTTPStatus.FORBIDDEN)
            )

        email = verified_email(sociallogin)
        if email:
            give_organisation_access(sociallogin, email)
        user = User.objects.filter(email=email.lower()).first() if email else None
        if user is None or not user.is_active:
            refuse(request, email, reason="no_account")
        if user.is_staff or user.is_superuser:
            refuse(request, email, reason="staff")
        if not can_sign_in(user):  # the same rule as emailed links: someone with a school to manage
            refuse(request, email, reason="no_account")
        if sociallogin.is_existing:
            if sociallogin.user.pk != user.pk:
                # The DfE Sign-in account is connected to a user whose email has since changed.
                refuse(request, email, reason="no_account")
        else:
            sociallogin.connect(request, user)


def verified_email(sociallogin) -> str | None:
    """The email DfE Sign-in vouches for: the primary address it sent, unless it is unverified.

    allauth counts the address verified from the `email_verified` claim or the app's
    `verified_email` setting; an explicit `email_verified: false` in the claims is refused too."""
    claims = _claims(sociallogin)
    if str(claims.get("email_verified", "")).lower() == "false":
        return None
    for address in sociallogin.email_addresses:
        if address.primary and address.verified:
            return address.email
    return None


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def claimed_name(sociallogin) -> str:
    claims = _claims(sociallogin)
    parts = [str(claims.get(key) or "").strip() for key in ("given_name", "family_name")]
    return " ".join(part for part in parts if part) or str(claims.get("name") or "").strip()


def organisation_claim(sociallogin) -> dict | None:
    """The organisation the person chose at DfE Sign-in ({"id", "name", "category", ...}), if any.
    DfE Sign-in sends it as an object, or as a JSON string in some set-ups."""
    organisation = _claims(sociallogin).get("organisation")
    if isinstance(organisation, str):
        try:
            organisation = json.loads(organisation)
        except ValueError:
            return None
    return organisation if isinstance(organisation, dict) and organisation.get("id") else None


def give_organisation_access(sociallogin, email: str) -> None:
    """Let each access function see the organisation; they give access only for one they know, and
    never to staff (who are then refused as any staff are)."""
    organisation = organisation_claim(sociallogin)
    if organisation is None:
        return
    full_name = claimed_name(sociallogin) or email
    with transaction.atomic():
        for path in settings.DFE_SIGN_IN_ORGANISATION_ACCESS:
            import_string(path)(email=email, full_name=full_name, organisation=organisation)


def refuse(request: HttpRequest, email: str | None, *, reason: str):
    raise ImmediateHttpResponse(
        render(
            request,
            NO_ACCOUNT_TEMPLATE,
            {"email": email, "reason": reason},
            status=HTTPStatus.FORBIDDEN,
        )
    )
