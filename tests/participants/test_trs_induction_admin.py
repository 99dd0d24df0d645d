"""Induction updates to TRS in admin: support sees what was sent and TRS's answer, finds the
problems (refused or failed), and sends one again once it is put right."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import Event
from core import clock
from participants.models import InductionStatus, TRSInductionUpdate
from participants.services import queue_trs_induction_update
from tests.factories import UserFactory
from tests.participants.trs_writes import COMPLETED, STARTED, teacher

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:participants_trsinductionupdate_changelist")
REFUSAL = {
    "status": 400,
    "body": {"title": "The person's induction is already completed.", "status": 400, "errorCode": 10052},
}


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="participants", codename__in=codenames)
    )
    return user


@pytest.fixture
def support(client):
    client.force_login(staff_with("view_trsinductionupdate", "send_trsinductionupdate_again"))
    return client


def update(trn="9990001", status="pending", **fields) -> TRSInductionUpdate:
    row = queue_trs_induction_update(
        teacher=teacher(trn), status=InductionStatus.PASSED, started_on=STARTED, completed_on=COMPLETED
    )
    if status == "sent":
        fields.update(sent_at=clock.now(), attempts=1, response={"status": 204})
    if status == "refused":
        fields.update(attempts=1, response=REFUSAL, last_error="Attempt 1: TRS refused the induction")
    if status == "failed":
        fields.update(attempts=10, response={"status": 503, "error": "TRS answered 503"})
    TRSInductionUpdate.objects.filter(pk=row.pk).update(status=status, **fields)
    row.refresh_from_db()
    return row


def listed(client, **params):
    return list(client.get(CHANGELIST, params).context["cl"].result_list)


def test_support_lists_updates_and_finds_the_problems(support, queued_updates):
    sent, refused, failed, pending = (
        update(status="sent"),
        update("9990006", "refused"),
        update("9990014", "failed"),
        update("9990002"),
    )

    page = support.get(CHANGELIST)
    assert page.status_code == 200
    assert set(page.context["cl"].result_list) == {sent, refused, failed, pending}
    assert "TRS refused it: resolve, then send again" in page.content.decode()
    assert set(listed(support, problem="yes")) == {refused, failed}
    assert listed(support, status__exact="refused") == [refused]
    assert listed(support, q="9990014") == [failed]


def test_an_update_shows_what_was_sent_and_trs_answer_read_only(support, queued_updates):
    refused = update("9990006", "refused")

    page = support.get(reverse("admin:participants_trsinductionupdate_change", args=[refused.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "PUT /v3/persons/9990006/cpd-induction" in html
    assert "&quot;completedDate&quot;: &quot;" + COMPLETED.isoformat() in html
    assert "The person&#x27;s induction is already completed." in html
    assert "10052" in html
    assert 'name="_save"' not in html


def test_nobody_adds_changes_or_deletes_an_update(admin_client, queued_updates):
    sent = update(status="sent")
    assert admin_client.get(reverse("admin:participants_trsinductionupdate_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:participants_trsinductionupdate_delete", args=[sent.pk])).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:participants_trsinductionupdate_change", args=[sent.pk]), {"trn": "1234567"}
        ).status_code
        == 403
    )


def send_again(client, *updates):
    return client.post(
        CHANGELIST, {"action": "send_again", "_selected_action": [str(u.pk) for u in updates]}, follow=True
    )


def test_send_again_requeues_problems_only_and_records_who_did_it(
    support, queued_updates, django_capture_on_commit_callbacks
):
    refused, failed, sent = update("9990006", "refused"), update("9990014", "failed"), update(status="sent")
    queued_updates.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = send_again(support, refused, failed, sent)

    messages = [str(m) for m in response.context["messages"]]
    assert "2 update(s) queued to send to TRS again." in messages
    assert "1 update(s) left alone: only a refused or failed update can be sent again." in messages
    assert sorted(queued_updates) == sorted([str(refused.pk), str(failed.pk)])  # never the sent one
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("pending", 0)
    sent.refresh_from_db()
    assert sent.status == "sent"
    event = Event.objects.get(event_type="trs_induction_update_sent_again", teacher=refused.teacher)
    assert event.actor_user == response.wsgi_request.user
    assert event.changes == {"status": ["refused", "pending"], "attempts": [1, 0]}


def test_staff_who_may_only_view_cannot_send_again(client, queued_updates):
    client.force_login(staff_with("view_trsinductionupdate"))
    failed = update(status="failed")

    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "send_again" not in page.content.decode()
    send_again(client, failed)
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_the_support_group_may_see_updates_and_send_them_again():
    support = Group.objects.get(name="support")
    assert {"view_trsinductionupdate", "send_trsinductionupdate_again"} <= set(
        support.permissions.filter(content_type__app_label="participants").values_list("codename", flat=True)
    )
