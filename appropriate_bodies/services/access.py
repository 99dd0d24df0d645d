"""Who may act for an appropriate body: people support invite in admin, and people DfE Sign-in
says work there."""

import uuid

from django.db import transaction

from accounts.models import User
from accounts.services import INVITATION_LINK_LIFETIME, create_sign_in_link, user_for
from appropriate_bodies.models import AppropriateBodyAccess
from audit.services import Actor, record_event
from core import clock
from emails.services import queue_email
from providers.models import AppropriateBody


@transaction.atomic
def give_access(
    *, appropriate_body: AppropriateBody, full_name: str, email: str, given_by: User
) -> AppropriateBodyAccess:
    """Give a person access to an appropriate body (making their account if it is new), email them
    a sign-in link and record who did it. Someone who already has access keeps it, unchanged."""
    now = clock.now()
    person = user_for(email=email, full_name=full_name)
    access, created = AppropriateBodyAccess.objects.get_or_create(
        user=person,
        appropriate_body=appropriate_body,
        ended_at=None,
        defaults={"invited_by": given_by, "created_at": now},
    )
    if created:
        record_event(
            actor=Actor.dfe_staff(given_by),
            event_type="appropriate_body_access_given",
            heading=f"{person.full_name} given access to {appropriate_body.name} by DfE support",
            appropriate_body=appropriate_body,
            subject=access,
        )
        queue_email(
            to=person.email,
            template="appropriate_body_access_given",
            personalisation={
                "full_name": person.full_name,
                "appropriate_body_name": appropriate_body.name,
                "sign_in_url": create_sign_in_link(user=person, now=now, lifetime=INVITATION_LINK_LIFETIME),
            },
        )
    return access


@transaction.atomic
def access_from_dfe_sign_in(*, email: str, full_name: str, organisation: dict) -> User | None:
    """Give a person who signed in with DfE Sign-in for an appropriate body's organisation access
    to that body (making their account if it is new), recorded as an event; None when the
    organisation is no body of ours. Staff and deactivated accounts are left alone, and so is
    anyone whose access to the body support ended.

    DfE Sign-in's organisation is the body's own say on who works there, so no invitation is
    needed; access ends, as any access does, when support ends it in admin."""
    body = AppropriateBody.objects.filter(
        dfe_sign_in_organisation_id=_as_uuid(organisation.get("id"))
    ).first()
    if body is None:
        return None
    person = user_for(email=email, full_name=full_name)
    if person.is_staff or person.is_superuser or not person.is_active:
        return None
    if AppropriateBodyAccess.objects.filter(
        user=person, appropriate_body=body, ended_at__isnull=False
    ).exists():
        return None  # support ended it: signing in again must not undo that
    access, created = AppropriateBodyAccess.objects.get_or_create(
        user=person, appropriate_body=body, ended_at=None, defaults={"created_at": clock.now()}
    )
    if created:
        record_event(
            actor=Actor.system("DfE Sign-in"),
            event_type="appropriate_body_access_given",
            heading=f"{person.full_name} given access to {body.name} by signing in with DfE Sign-in for it",
            appropriate_body=body,
            subject=access,
        )
    return person


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
