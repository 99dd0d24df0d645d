"""`{% dfe_sign_in_button %}`: the "Sign in with DfE Sign-in" button, only when DfE Sign-in is configured."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def dfe_sign_in_button(context, next_url: str = "") -> str:
    """A GOV.UK secondary button that POSTs (with the CSRF token) to allauth's OpenID Connect login
    for DfE Sign-in; nothing at all when DFE_SIGN_IN_ENABLED is off. `next_url` is passed on to
    allauth, which only follows it when it is on this site."""
    if not getattr(settings, "DFE_SIGN_IN_ENABLED", False):
        return ""
    action = reverse("openid_connect_login", kwargs={"provider_id": settings.DFE_SIGN_IN_PROVIDER_ID})
    return render_to_string(
        "accounts/dfe_sign_in_button.html",
        {"action": action, "next_url": next_url},
        request=context.get("request"),
    )
