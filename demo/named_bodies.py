"""Appropriate body users the README lists (its "Demo appropriate bodies" table): always there,
with the same names, addresses and bodies, so a newcomer can sign in as one and find claimed,
passed and released ECTs to look at. Added to a database seeded before they existed, too.

The bodies are the demo's own: the first teaching school hub (Homeward Primary School reports
it) and ISTIP. One person acts for both, to show the choice made after signing in.
"""

from dataclasses import dataclass

from accounts.services import user_for
from appropriate_bodies.models import AppropriateBodyAccess
from core import clock
from demo.reference import ISTIP, appropriate_body_name
from providers.models import AppropriateBody

FIRST_HUB = appropriate_body_name(0)


@dataclass(frozen=True)
class NamedBodyUser:
    full_name: str
    email: str
    bodies: tuple[str, ...]


NAMED_BODY_USERS = [
    NamedBodyUser("Ruth Okafor", "ruth.okafor@hub.example.org", (FIRST_HUB,)),
    NamedBodyUser("Dev Mistry", "dev.mistry@istip.example.org", (ISTIP,)),
    NamedBodyUser("Sam Ellery", "sam.ellery@hub.example.org", (FIRST_HUB, ISTIP)),
]


def add_named_body_users() -> int:
    """Give each listed person access to their bodies, making what is missing; answers how many
    accesses were given."""
    given = 0
    bodies = {body.name: body for body in AppropriateBody.objects.filter(name__in=[FIRST_HUB, ISTIP])}
    for person in NAMED_BODY_USERS:
        user = user_for(email=person.email, full_name=person.full_name)
        for name in person.bodies:
            _, created = AppropriateBodyAccess.objects.get_or_create(
                user=user, appropriate_body=bodies[name], ended_at=None, defaults={"created_at": clock.now()}
            )
            given += created
    return given
