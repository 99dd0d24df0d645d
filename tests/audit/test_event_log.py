import datetime

import pytest

from audit.models import Event
from audit.services import Actor, record_event
from core import clock
from tests.dates import THIS_YEAR
from tests.factories import ECTAtSchoolPeriodFactory, LeadProviderFactory, UserFactory
from tests.invariants import rejected_by_database

pytestmark = pytest.mark.django_db


def test_record_event_keeps_who_what_and_which_record():
    period = ECTAtSchoolPeriodFactory()
    staff = UserFactory(full_name="Sam Support", is_staff=True)
    event = record_event(
        actor=Actor.dfe_staff(staff),
        event_type="ect_email_changed",
        heading="Email address changed",
        subject=period,
        teacher=period.teacher,
        school=period.school,
        changes={"email": ["old@example.com", "new@example.com"]},
        reason="Typo reported by the school",
    )
    saved = Event.objects.get(pk=event.pk)
    assert (saved.actor_type, saved.actor_user, saved.actor_name) == ("dfe_staff", staff, "Sam Support")
    assert (saved.subject_type, saved.subject_id) == ("ectatschoolperiod", period.pk)
    assert saved.changes == {"email": ["old@example.com", "new@example.com"]}
    assert saved.teacher == period.teacher and saved.school == period.school


def test_events_cannot_be_updated():
    event = record_event(actor=Actor.system(), event_type="test", heading="Something happened")
    with rejected_by_database("events_are_append_only"):
        Event.objects.filter(pk=event.pk).update(heading="Something else happened")


def test_events_cannot_be_deleted():
    event = record_event(actor=Actor.system(), event_type="test", heading="Something happened")
    with rejected_by_database("events_are_append_only"):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_person_actor_names_the_user():
    with rejected_by_database("event_person_actor_has_user"):
        Event.objects.create(actor_type="school_user", event_type="test", heading="Anonymous change")


def test_a_lead_provider_actor_names_the_lead_provider():
    with rejected_by_database("event_lead_provider_actor_has_lead_provider"):
        Event.objects.create(actor_type="lead_provider", event_type="test", heading="Anonymous API change")
    event = record_event(
        actor=Actor.lead_provider_api(LeadProviderFactory()), event_type="t", heading="API change"
    )
    assert event.actor_lead_provider is not None


def test_subject_type_and_id_go_together():
    with rejected_by_database("event_subject_type_and_id_together"):
        Event.objects.create(actor_type="system", event_type="test", heading="Half a subject", subject_id=1)


def test_an_event_recorded_later_keeps_when_it_happened():
    when = datetime.datetime(THIS_YEAR - 1, 9, 1, 10, tzinfo=datetime.UTC)
    event = record_event(
        actor=Actor.system("GIAS import"), event_type="t", heading="Backfilled", happened_at=when
    )
    saved = Event.objects.get(pk=event.pk)
    assert saved.happened_at == when
    # When it was written (this transaction), whatever it claims.
    assert abs(saved.recorded_at - clock.now()) < datetime.timedelta(minutes=1)


def test_an_event_happens_now_by_default():
    event = record_event(actor=Actor.system(), event_type="t", heading="Now")
    assert abs(Event.objects.get(pk=event.pk).happened_at - clock.now()) < datetime.timedelta(minutes=1)
