"""Appropriate body users the README lists (its "Demo appropriate bodies" table): always there,
with the same names, addresses and bodies, so a newcomer can sign in as one and find claimed,
passed and released ECTs to look at. Added to a database seeded before they existed, too.

The bodies are the demo's own: the first teaching school hub (Homeward Primary School reports
it) and ISTIP. One person acts for both, to show the choice made after signing in.

The drawn data gives each body ECTs reported, claimed, passed and released, but seldom one on
the other review lists; `fill_review_lists` makes one for each list of these two bodies that is
empty, the way it would happen: a school names the body for an ECT nobody has claimed yet, or for
one another body has claimed; TRS says one of the body's ECTs has no QTS after all; and a school
tells us one the body claimed has left.
"""

import datetime
from dataclasses import dataclass

from accounts.services import user_for
from appropriate_bodies import queries
from appropriate_bodies.models import AppropriateBodyAccess
from core import clock
from demo.reference import ISTIP, appropriate_body_name
from participants import services as participant_services
from participants.models import ECTAtSchoolPeriod, Teacher
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


def fill_review_lists() -> int:
    """Put one ECT on each empty review list of the README's bodies; answers how many were put."""
    filled = 0
    for body in AppropriateBody.objects.filter(name__in=[FIRST_HUB, ISTIP]).order_by("name"):
        counts = queries.review_counts(body)
        fills = (
            ("reported", _reported),
            ("claimed-elsewhere", _claimed_elsewhere),
            ("no-qts", _no_qts),
            ("left", _left),
        )
        for slug, fill in fills:
            if counts[slug] == 0 and fill(body):
                filled += 1
    return filled


def _reported(body: AppropriateBody) -> bool:
    """A school names this body for an ECT at it now whom no body has claimed yet."""
    return _school_names(
        body,
        ECTAtSchoolPeriod.objects.filter(
            finished_on__isnull=True, started_on__lte=clock.today(), teacher__induction_periods__isnull=True
        ),
    )


def _school_names(body: AppropriateBody, periods) -> bool:
    """The first of these ECT periods (not one already named for the other README body) has its
    school name this body as the ECT's appropriate body; False when there is none."""
    period = (
        periods.exclude(school_reported_appropriate_body__name__in=[FIRST_HUB, ISTIP]).order_by("pk").first()
    )
    if period is None:
        return False
    ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(school_reported_appropriate_body=body)
    return True


def _waiting(body: AppropriateBody) -> list[Teacher]:
    """The body's reported, unclaimed ECTs, in a fixed order (the last first, so each list takes another)."""
    return list(queries.review_list(body, "reported").order_by("-pk"))


def _no_qts(body: AppropriateBody) -> bool:
    """One waiting to be claimed, or else one the body claimed, turns out to have no QTS yet."""
    teacher = next(iter(_waiting(body)), None) or (
        Teacher.objects.filter(
            induction_periods__appropriate_body=body, induction_periods__finished_on__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if teacher is None:
        return False
    Teacher.objects.filter(pk=teacher.pk).update(trs_qts_awarded_on=None)
    return True


def _claimed_elsewhere(body: AppropriateBody) -> bool:
    """A school reports this body for an ECT whose induction another body has open: the mix-up the
    list is for (the school's answer changes; the other body's claim stands)."""
    return _school_names(
        body,
        ECTAtSchoolPeriod.objects.filter(
            finished_on__isnull=True, teacher__induction_periods__finished_on__isnull=True
        ).exclude(teacher__induction_periods__appropriate_body=body),
    )


def _left(body: AppropriateBody) -> bool:
    """A school tells us (through the service schools use) that an ECT the body claimed left a week ago."""
    today = clock.today()
    week_ago = today - datetime.timedelta(days=7)
    period = (
        ECTAtSchoolPeriod.objects.filter(
            teacher__induction_periods__appropriate_body=body,
            teacher__induction_periods__finished_on__isnull=True,
            finished_on__isnull=True,
            started_on__lt=week_ago,
        )
        .order_by("pk")
        .first()
    )
    if period is None:
        return False
    tutor = user_for(email="leaving.reports@school.example.org", full_name="A demo school's induction tutor")
    participant_services.record_leaving(
        period=period, leaving_on=week_ago, moving_school="not_sure", reported_by=tutor, today=today
    )
    return True
