"""Signing in by emailed link."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import SignInLink, SignInRequest, User
from core import clock
from core.pacing import Limit, next_allowed_at
from core.tokens import hash_token, new_token
from emails.services import queue_email

SIGN_IN_LINK_LIFETIME = datetime.timedelta(minutes=60)
SIGN_IN_LINK_LIFETIME_IN_WORDS = "60 minutes"
# A newly nominated tutor or invited colleague may not open the email the same hour.
INVITATION_LINK_LIFETIME = datetime.timedelta(days=7)
# Per address: enough for a lost email or two; per IP address: a school office sharing one
# connection, but not someone trying address after address.
LIMITS_PER_EMAIL = (Limit(3, datetime.timedelta(minutes=15)), Limit(10, datetime.timedelta(days=1)))
LIMITS_PER_IP_ADDRESS = (Limit(20, datetime.timedelta(minutes=15)), Limit(100, datetime.timedelta(days=1)))


def create_sign_in_link(
    *, user: User, now: datetime.datetime, lifetime: datetime.timedelta = SIGN_IN_LINK_LIFETIME
) -> str:
    """A new single-use link for `user`; returns its full URL. Call inside the caller's transaction."""
    token, token_hash = new_token()
    SignInLink.objects.create(user=user, token_hash=token_hash, created_at=now, expires_at=now + lifetime)
    return settings.SERVICE_URL + reverse("sign_in_link", kwargs={"token": token})


def user_for(*, email: str, full_name: str) -> User:
    """The account for this address, made if it does not exist yet (people who sign in by emailed
    link have no password). Call inside the caller's transaction."""
    user, created = User.objects.get_or_create(
        email=email.strip().lower(), defaults={"full_name": full_name.strip()}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def can_sign_in(user: User) -> bool:
    """School users with access to at least one school, and appropriate body users with access to
    at least one body. Staff sign in to admin with a password. (The relations are the schools' and
    appropriate bodies' apps' own, read by name: this app imports neither.)"""
    return (
        user.is_active
        and not user.is_staff
        and (
            user.school_access.filter(ended_at__isnull=True).exists()
            or user.appropriate_body_access.filter(ended_at__isnull=True).exists()
        )
    )


@transaction.atomic
def request_sign_in_link(*, email: str, ip_address: str | None) -> datetime.datetime | None:
    """Email a sign-in link when the address belongs to someone who may sign in.

    Returns when the person may ask again if they have asked too often, else None. Whether an
    account exists never changes the outcome the caller sees.
    """
    now = clock.now()
    email = email.strip().lower()
    # Count and record one request at a time per address and per IP address (always in this
    # order), so a burst of parallel requests cannot all slip under the limits.
    with connection.cursor() as cursor:
        for key in (f"sign-in:{email}", f"sign-in-ip:{ip_address}"):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    waits = [next_allowed_at(_request_times(email=email), LIMITS_PER_EMAIL, now=now)]
    if ip_address:
        waits.append(next_allowed_at(_request_times(ip_address=ip_address), LIMITS_PER_IP_ADDRESS, now=now))
    wait_until = max((moment for moment in waits if moment), default=None)
    if wait_until:
        return wait_until
    SignInRequest.objects.create(email=email, ip_address=ip_address, requested_at=now)
    user = User.objects.filter(email=email).first()
    if user and can_sign_in(user):
        queue_email(
            to=user.email,
            template="sign_in_link",
            personalisation={
                "full_name": user.full_name,
                "sign_in_url": create_sign_in_link(user=user, now=now),
                "expires_in": SIGN_IN_LINK_LIFETIME_IN_WORDS,
            },
        )
    return None


def _request_times(**match) -> list[datetime.datetime]:
    since = clock.now() - max(limit.per for limit in LIMITS_PER_EMAIL + LIMITS_PER_IP_ADDRESS)
    return list(
        SignInRequest.objects.filter(requested_at__gt=since, **match).values_list("requested_at", flat=True)
    )


@dataclass(frozen=True)
class LinkProblem(Exception):
    """Why a sign-in link cannot be used: "expired", "used" or "unknown"."""

    reason: str


def sign_in_link_problem(*, token: str) -> str | None:
    """Why this link cannot be used ("unknown", "used", "expired"), without spending it; None if it can."""
    link = SignInLink.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if link is None or not can_sign_in(link.user):
        return "unknown"
    if link.used_at:
        return "used"
    return "expired" if link.expires_at <= clock.now() else None


@transaction.atomic
def use_sign_in_link(*, token: str) -> User:
    """Spend the link and return whom it signs in. Raises LinkProblem if it cannot be used.

    The link is claimed with one conditional UPDATE, so two clicks at the same moment cannot both
    succeed.
    """
    now = clock.now()
    token_hash = hash_token(token)
    claimed = SignInLink.objects.filter(
        token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    link = SignInLink.objects.select_related("user").filter(token_hash=token_hash).first()
    if link is None:
        raise LinkProblem("unknown")
    if not claimed:
        raise LinkProblem("used" if link.used_at else "expired")
    if not can_sign_in(link.user):
        raise LinkProblem("unknown")
    return link.user


def accept_privacy_notice(*, user: User) -> None:
    User.objects.filter(pk=user.pk, privacy_notice_accepted_at__isnull=True).update(
        privacy_notice_accepted_at=clock.now()
    )
