"""A teacher's records change mostly through the service, so admin's "History" (admin saves only)
is replaced by their timeline, where every change is."""

import pytest

from audit.services import Actor, record_event
from participants.models import ECTAtSchoolPeriod, Teacher, TrainingPeriod
from schools.models import School
from tests.admin.helpers import admin_url

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
    """A school's changes in admin are its history there."""
    school = graph[School]
    page = support_client.get(admin_url(School, "change", school.pk)).content.decode()
    assert f'href="{admin_url(School, "history", school.pk)}"' in page
    assert support_client.get(admin_url(School, "history", school.pk)).status_code == 200


def test_no_timeline_for_someone_who_may_not_see_teachers(finance_client, graph):
    history = finance_client.get(admin_url(Teacher, "history", graph[Teacher].pk))
    assert history.status_code == 403
