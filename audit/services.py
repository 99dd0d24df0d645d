from dataclasses import dataclass
from datetime import datetime

from django.db import models

from audit.models import ActorType, Event


@dataclass(frozen=True)
class Actor:
    """Who caused a change. Build one with the class methods."""

    actor_type: str
    user: object = None
    lead_provider: object = None
    name: str = ""

    @classmethod
    def system(cls, name: str = "System") -> "Actor":
        return cls(ActorType.SYSTEM, name=name)

    @classmethod
    def dfe_staff(cls, user) -> "Actor":
        return cls(ActorType.DFE_STAFF, user=user, name=str(user))

    @classmethod
    def school_user(cls, user) -> "Actor":
        return cls(ActorType.SCHOOL_USER, user=user, name=str(user))

    @classmethod
    def appropriate_body_user(cls, user) -> "Actor":
        return cls(ActorType.APPROPRIATE_BODY_USER, user=user, name=str(user))

    @classmethod
    def lead_provider_api(cls, lead_provider) -> "Actor":
        return cls(ActorType.LEAD_PROVIDER, lead_provider=lead_provider, name=str(lead_provider))


def record_event(
    *,
    actor: Actor,
    event_type: str,
    heading: str,
    subject: models.Model | None = None,
    teacher=None,
    school=None,
    lead_provider=None,
    appropriate_body=None,
    changes: dict | None = None,
    reason: str = "",
    happened_at: datetime | None = None,
) -> Event:
    """Append one event. Call it inside the transaction that makes the change it describes.

    `happened_at` defaults to the service's clock now; give it only when recording something that
    happened earlier (an import or backfill of history). `recorded_at` is always now.
    """
    when = {"happened_at": happened_at} if happened_at else {}  # else now, by the service's clock
    return Event.objects.create(
        **when,
        event_type=event_type,
        heading=heading,
        actor_type=actor.actor_type,
        actor_user=actor.user,
        actor_lead_provider=actor.lead_provider,
        actor_name=actor.name,
        teacher=teacher,
        school=school,
        lead_provider=lead_provider,
        appropriate_body=appropriate_body,
        subject_type=subject._meta.model_name if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        changes=changes or {},
        reason=reason,
    )
