"""Audit events for the demo: a handful written through the service for the small demo, and
registration events streamed with COPY for this year's registrations at England scale."""

import json

from django.db.models import OuterRef, Subquery

from audit.models import ActorType, Event
from audit.services import Actor, record_event
from demo.loader import Loader
from demo.people import ECTStint, MentorStint, People
from demo.timeline import ONE_DAY, at, seed_day
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, TrainingPeriod
from providers.models import SchoolPartnership

DEMO_ACTOR = Actor.system("Demo data")


def record_demo_events() -> int:
    """A few events of each kind a timeline shows, on real rows of the demo."""
    events = 0
    for period in ECTAtSchoolPeriod.objects.select_related("teacher", "school").order_by(
        "-created_at", "-id"
    )[:8]:
        record_event(
            actor=DEMO_ACTOR,
            event_type="ect_registered",
            happened_at=at(min(period.started_on, seed_day())),
            heading=f"{period.teacher.full_name} was registered as an ECT at {period.school.name}",
            subject=period,
            teacher=period.teacher,
            school=period.school,
            appropriate_body=period.school_reported_appropriate_body,
            changes={"started_on": [None, period.started_on.isoformat()]},
        )
        events += 1
    for period in MentorAtSchoolPeriod.objects.select_related("teacher", "school").order_by(
        "-created_at", "-id"
    )[:3]:
        record_event(
            actor=DEMO_ACTOR,
            event_type="mentor_registered",
            happened_at=at(min(period.started_on, seed_day())),
            heading=f"{period.teacher.full_name} was registered as a mentor at {period.school.name}",
            subject=period,
            teacher=period.teacher,
            school=period.school,
        )
        events += 1
    # ECTs who moved school: a finished period followed the next day by one elsewhere.
    next_period = ECTAtSchoolPeriod.objects.filter(
        teacher=OuterRef("teacher"), started_on=OuterRef("finished_on") + ONE_DAY
    )
    moves = (
        ECTAtSchoolPeriod.objects.select_related("teacher", "school")
        .annotate(next_id=Subquery(next_period.values("id")[:1]))
        .filter(next_id__isnull=False)
        .order_by("-finished_on", "id")[:2]
    )
    for old in moves:
        new = ECTAtSchoolPeriod.objects.select_related("school").get(pk=old.next_id)
        record_event(
            actor=DEMO_ACTOR,
            event_type="ect_transferred",
            happened_at=at(min(new.started_on, seed_day())),
            heading=f"{old.teacher.full_name} moved from {old.school.name} to {new.school.name}",
            subject=new,
            teacher=old.teacher,
            school=new.school,
            changes={"school": [old.school.urn, new.school.urn]},
        )
        events += 1
    withdrawn = (
        TrainingPeriod.objects.select_related("ect_at_school_period__teacher", "ect_at_school_period__school")
        .filter(withdrawn_at__isnull=False, ect_at_school_period__isnull=False)
        .order_by("-withdrawn_at", "id")
        .first()
    )
    if withdrawn is not None:
        ect = withdrawn.ect_at_school_period
        record_event(
            actor=DEMO_ACTOR,
            event_type="training_withdrawn",
            happened_at=withdrawn.withdrawn_at,
            heading=f"{ect.teacher.full_name}'s training was withdrawn",
            subject=withdrawn,
            teacher=ect.teacher,
            school=ect.school,
            reason=withdrawn.withdrawal_reason,
        )
        events += 1
    partnership = (
        SchoolPartnership.objects.select_related(
            "school",
            "lead_provider_delivery_partnership__active_lead_provider__lead_provider",
            "lead_provider_delivery_partnership__delivery_partner",
        )
        .order_by("-created_at", "id")
        .first()
    )
    if partnership is not None:
        pairing = partnership.lead_provider_delivery_partnership
        lead_provider = pairing.active_lead_provider.lead_provider
        record_event(
            actor=DEMO_ACTOR,
            event_type="partnership_confirmed",
            happened_at=partnership.created_at,
            heading=f"{lead_provider} confirmed a partnership with {partnership.school.name}",
            subject=partnership,
            school=partnership.school,
            lead_provider=lead_provider,
            changes={"delivery_partner": [None, pairing.delivery_partner.name]},
        )
        events += 1
    return events


EVENT_COLUMNS = [
    "id",
    "happened_at",
    "event_type",
    "heading",
    "actor_type",
    "actor_user_id",
    "actor_lead_provider_id",
    "actor_name",
    "teacher_id",
    "school_id",
    "lead_provider_id",
    "appropriate_body_id",
    "subject_type",
    "subject_id",
    "changes",
    "reason",
]


def registration_event_rows(loader: Loader, people: People, since):
    """One "registered" event per ECT or mentor period registered since `since`."""
    no_changes = json.dumps({})
    stints: list[ECTStint | MentorStint] = [*people.ect_stints, *people.mentor_stints]
    for stint in stints:
        if stint.registered_at < since:
            continue
        is_ect = isinstance(stint, ECTStint)
        role, model = ("an ECT", ECTAtSchoolPeriod) if is_ect else ("a mentor", MentorAtSchoolPeriod)
        yield (
            loader.next_id(Event),
            stint.registered_at,
            "ect_registered" if is_ect else "mentor_registered",
            f"{stint.teacher.full_name} was registered as {role} at {stint.school.name}",
            ActorType.SYSTEM.value,
            None,
            None,
            DEMO_ACTOR.name,
            stint.teacher.id,
            stint.school.id,
            None,
            stint.reported_appropriate_body_id if is_ect else None,
            model._meta.model_name,
            stint.id,
            no_changes,
            "",
        )
