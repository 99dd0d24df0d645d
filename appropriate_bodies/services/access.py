"""Support gives a person access to an appropriate body."""

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
