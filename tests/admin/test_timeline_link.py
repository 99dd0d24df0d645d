"""A teacher's records change mostly through the service, so admin's "History" (admin saves only)
is replaced by their timeline, where every change is."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.services import Actor, record_event
from participants.models import ECTAtSchoolPeriod, Teacher, TrainingPeriod
from providers.models import AppropriateBody
from schools.models import School
from tests.admin.helpers import admin_url
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_a_teachers_history_is_their_timeline_not_djangos_empty_history(support_client, graph):
    teacher = graph[Teacher]
    for n in range(7):
        record_event(actor=Actor.system(), event_type="note", heading=f"Happened {n}", teacher=teacher)
    page = support_client.get(admin_url(Teacher, "change", teacher.pk)).content.decode()
    timeline_url = f"{admin_url(Teacher, 'change', teacher.pk)}#timeline"

    assert f'<a href="{timeline_url}" class="historylink">Timeline</a>' in page
    assert admin_url(Teacher, "history", teacher.pk) not in page
    assert '<table id="timeline">' in page

    history = support_client.get(admin_url(Teacher, "history", teacher.pk))
    assert (history.status_code, history.url) == (302, timeline_url)
    shown = support_client.get(history.url).content.decode()
    assert "doesn’t have a change history" not in shown
    assert all(f"Happened {n}" in shown for n in range(7))


@pytest.mark.parametrize("model", [ECTAtSchoolPeriod, TrainingPeriod])
def test_a_period_links_to_its_teachers_timeline(support_client, graph, model):
    period = graph[model]
    timeline_url = f"{admin_url(Teacher, 'change', graph[Teacher].pk)}#timeline"

    page = support_client.get(admin_url(model, "change", period.pk)).content.decode()

    assert f'<a href="{timeline_url}" class="historylink">Timeline</a>' in page
    history = support_client.get(admin_url(model, "history", period.pk))
    assert (history.status_code, history.url) == (302, timeline_url)


def test_other_records_keep_djangos_history(support_client, graph):
    """An appropriate body's changes in admin are its history there."""
    body = graph[AppropriateBody]
    page = support_client.get(admin_url(AppropriateBody, "change", body.pk)).content.decode()
    assert f'href="{admin_url(AppropriateBody, "history", body.pk)}"' in page
    assert support_client.get(admin_url(AppropriateBody, "history", body.pk)).status_code == 200


def test_no_timeline_for_someone_who_may_not_see_teachers(finance_client, graph):
    history = finance_client.get(admin_url(Teacher, "history", graph[Teacher].pk))
    assert history.status_code == 403


def test_a_schools_history_is_its_events_in_the_audit_log(support_client):
    school = SchoolFactory(name="Quillfeather Primary School")
    other = SchoolFactory(name="Elm Academy")
    for each in (school, other):
        record_event(
            actor=Actor.system(),
            event_type="school_seen",
            heading=f"Something happened at {each.name}",
            school=each,
        )
    page = support_client.get(admin_url(School, "change", school.pk)).content.decode()
    events_url = f"{reverse('admin:audit_event_changelist')}?school__id__exact={school.pk}"
    assert f'<a href="{escape(events_url)}" class="historylink">Events</a>' in page

    history = support_client.get(admin_url(School, "history", school.pk))
    assert (history.status_code, history.url) == (302, events_url)
    events = support_client.get(events_url).content.decode()
    assert "Something happened at Quillfeather Primary School" in events
    assert "Elm Academy" not in events
