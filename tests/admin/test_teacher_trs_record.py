"""What we hold from a teacher's record in the Teaching Record System (TRS) is TRS's: read-only in
admin, brought up to date with "Refresh from TRS"; support correct a name through the corrected
name, with a reason."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import Event
from core import clock
from participants import trs
from participants.models import InductionStatus, Teacher
from tests.admin.helpers import admin_url
from tests.admin.test_access import form_data
from tests.dates import THIS_YEAR
from tests.factories import ECTAtSchoolPeriodFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

TRS_FIELDS = ("trs_first_name", "trs_last_name", "trs_qts_awarded_on", "trs_induction_status")


def refresh_url(teacher) -> str:
    return reverse("admin:participants_teacher_refresh_from_trs", args=[teacher.pk])


def stale_amara(**fields) -> Teacher:
    """The fake TRS's Amara Okafor (9990001, induction in progress, with QTS), as we held her
    before TRS's record changed."""
    return ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(
            trn="9990001",
            trs_first_name="Amarah",
            trs_last_name="Okafor-Smith",
            trs_qts_awarded_on=None,
            trs_induction_status=InductionStatus.REQUIRED_TO_COMPLETE,
            **fields,
        )
    ).teacher


# --- Read-only ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["support_client", "admin_client"])
def test_nobody_edits_what_trs_holds_in_admin(request, who):
    client = request.getfixturevalue(who)
    teacher = TeacherFactory(
        trs_first_name="Amara",
        trs_last_name="Okafor",
        trs_qts_awarded_on=datetime.date(THIS_YEAR - 6, 7, 1),
        trs_induction_status=InductionStatus.IN_PROGRESS,
    )
    page = client.get(admin_url(Teacher, "change", teacher.pk))
    html = page.content.decode()
    for field in TRS_FIELDS:
        assert f'name="{field}"' not in html
    assert "From the Teaching Record System (TRS)" in html

    response = client.post(
        admin_url(Teacher, "change", teacher.pk),
        {
            **form_data(page),
            "trs_first_name": "Someone",
            "trs_last_name": "Else",
            "trs_qts_awarded_on": f"{THIS_YEAR - 25}-01-01",
            "trs_induction_status": InductionStatus.PASSED,
            "corrected_name": "Amy Okafor",
            "change_reason": "She asked us by email to use the name she goes by",
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    teacher.refresh_from_db()
    assert (teacher.trs_first_name, teacher.trs_last_name, teacher.trs_qts_awarded_on) == (
        "Amara",
        "Okafor",
        datetime.date(THIS_YEAR - 6, 7, 1),
    )
    assert teacher.trs_induction_status == InductionStatus.IN_PROGRESS
    assert teacher.corrected_name == "Amy Okafor"
    event = Event.objects.get(event_type="teacher_changed_by_support")
    assert event.changes == {"corrected_name": ["", "Amy Okafor"]}


def test_a_corrected_name_that_is_the_trs_name_is_no_correction(support_client):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor", corrected_name="Amy Okafor")
    page = support_client.get(admin_url(Teacher, "change", teacher.pk))

    support_client.post(
        admin_url(Teacher, "change", teacher.pk),
        {**form_data(page), "corrected_name": "  Amara   Okafor ", "change_reason": "She asked us to"},
    )

    teacher.refresh_from_db()
    assert (teacher.corrected_name, teacher.full_name) == ("", "Amara Okafor")


def test_teachers_are_not_added_in_admin_where_there_is_no_trs_record(admin_client):
    """A school registering a teacher checks their record in TRS; admin has no such check."""
    assert admin_client.get(admin_url(Teacher, "add")).status_code == 403
    changelist = admin_client.get(admin_url(Teacher, "changelist")).content.decode()
    assert admin_url(Teacher, "add") not in changelist


# --- Refresh from TRS -------------------------------------------------------------------------


def test_support_refreshes_a_teacher_from_trs_in_one_change_with_an_event(support_client, fake_trs):
    teacher = stale_amara(corrected_name="Amy Okafor")
    page = support_client.get(admin_url(Teacher, "change", teacher.pk)).content.decode()
    assert f'<form method="post" action="{refresh_url(teacher)}">' in page
    record = trs.find_teacher(trn="9990001")
    before = clock.now()

    response = support_client.post(refresh_url(teacher), follow=True)

    assert response.redirect_chain == [(admin_url(Teacher, "change", teacher.pk), 302)]
    assert (
        "Refreshed from TRS: TRS first name, TRS last name, QTS awarded on, TRS induction status, "
        "TRS induction started on changed." in response.content.decode()
    )
    teacher.refresh_from_db()
    assert (teacher.trs_first_name, teacher.trs_last_name) == ("Amara", "Okafor")
    assert teacher.trs_qts_awarded_on == record.qts_awarded_on is not None
    assert teacher.trs_induction_status == InductionStatus.IN_PROGRESS
    assert teacher.trs_induction_started_on == record.induction_started_on is not None
    assert before <= teacher.trs_data_refreshed_at <= clock.now()
    assert teacher.corrected_name == "Amy Okafor"  # the name the school knows her by stays
    event = Event.objects.get(event_type="teacher_refreshed_from_trs")
    assert (event.teacher, event.actor_type, event.subject_type, event.subject_id) == (
        teacher,
        "dfe_staff",
        "teacher",
        teacher.pk,
    )
    assert event.heading == (
        "Support staff refreshed Amy Okafor's record from TRS: "
        "TRS first name, TRS last name, QTS awarded on, TRS induction status, TRS induction started on changed"
    )
    assert event.changes == {
        "trs_first_name": ["Amarah", "Amara"],
        "trs_last_name": ["Okafor-Smith", "Okafor"],
        "trs_qts_awarded_on": [None, record.qts_awarded_on.isoformat()],
        "trs_induction_status": ["required_to_complete", "in_progress"],
        "trs_induction_started_on": [None, record.induction_started_on.isoformat()],
    }


def test_a_corrected_name_trs_now_has_is_cleared_by_a_refresh(support_client, fake_trs):
    teacher = stale_amara(corrected_name="Amara Okafor")

    support_client.post(refresh_url(teacher))

    teacher.refresh_from_db()
    assert (teacher.corrected_name, teacher.full_name) == ("", "Amara Okafor")
    assert Event.objects.get(event_type="teacher_refreshed_from_trs").changes["corrected_name"] == [
        "Amara Okafor",
        "",
    ]


def test_a_refresh_that_finds_nothing_new_says_so(support_client, fake_trs):
    teacher = stale_amara()
    support_client.post(refresh_url(teacher))

    response = support_client.post(refresh_url(teacher), follow=True)

    assert "Refreshed from TRS: nothing had changed." in response.content.decode()
    latest = Event.objects.filter(event_type="teacher_refreshed_from_trs").first()
    assert latest.heading == "Support staff refreshed Amara Okafor's record from TRS: nothing had changed"
    assert latest.changes == {}


@pytest.mark.parametrize(
    ("trn", "message"),
    [
        ("9990004", "TRS has no teacher with TRN 9990004. Nothing has changed."),
        ("9990017", "TRS has deactivated its record for TRN 9990017. Nothing has changed."),
        ("9990018", "TRS has merged TRN 9990018 into TRN 9990019. Nothing has changed."),
    ],
)
def test_a_refresh_trs_cannot_answer_changes_nothing(support_client, fake_trs, trn, message):
    teacher = TeacherFactory(trn=trn, trs_first_name="Kept", trs_last_name="As Was")

    response = support_client.post(refresh_url(teacher), follow=True)

    assert message in response.content.decode()
    teacher.refresh_from_db()
    assert (teacher.trs_first_name, teacher.trs_last_name, teacher.trs_data_refreshed_at) == (
        "Kept",
        "As Was",
        None,
    )
    assert not Event.objects.filter(event_type="teacher_refreshed_from_trs").exists()


def test_when_trs_is_down_support_are_told_to_try_again_later(support_client, fake_trs):
    teacher = stale_amara()
    fake_trs.fail_next(1, status=503)

    response = support_client.post(refresh_url(teacher), follow=True)

    assert "The Teaching Record System (TRS) did not answer. Nothing has changed: try again later." in (
        response.content.decode()
    )
    teacher.refresh_from_db()
    assert teacher.trs_first_name == "Amarah"
    assert not Event.objects.filter(event_type="teacher_refreshed_from_trs").exists()


def test_only_staff_who_may_change_teachers_refresh_them(client, fake_trs):
    teacher = stale_amara()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_teacher"))
    client.force_login(viewer)

    page = client.get(admin_url(Teacher, "change", teacher.pk)).content.decode()
    assert refresh_url(teacher) not in page
    assert client.post(refresh_url(teacher)).status_code == 403

    teacher.refresh_from_db()
    assert teacher.trs_first_name == "Amarah"
    assert not fake_trs.requests_for("9990001")


def test_a_refresh_is_a_post(support_client, fake_trs):
    teacher = stale_amara()
    assert support_client.get(refresh_url(teacher)).status_code == 405
    assert not fake_trs.requests_for("9990001")


def test_a_corrected_name_with_a_hidden_character_is_refused_in_admin_too(support_client):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor")
    page = support_client.get(admin_url(Teacher, "change", teacher.pk))

    response = support_client.post(
        admin_url(Teacher, "change", teacher.pk),
        {**form_data(page), "corrected_name": "Amy \u202eOkafor", "change_reason": "She asked us to"},
    )

    assert response.status_code == 200
    assert "Corrected name must not include hidden characters" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.corrected_name == ""


def test_a_corrected_name_too_long_or_with_a_nul_is_refused_in_the_services_words(support_client):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor")
    page = support_client.get(admin_url(Teacher, "change", teacher.pk))

    for typed, message in (
        ("A" * 10_000, "Corrected name must be 200 characters or less"),
        ("Amy\x00Okafor", "Corrected name must not include hidden characters"),
    ):
        response = support_client.post(
            admin_url(Teacher, "change", teacher.pk),
            {**form_data(page), "corrected_name": typed, "change_reason": "She asked us to"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert "Ensure this value" not in html and "Null characters" not in html

    missing_reason = support_client.post(
        admin_url(Teacher, "change", teacher.pk), {**form_data(page), "corrected_name": "Amy Okafor"}
    )
    assert "Enter why you are making this change" in missing_reason.content.decode()
    teacher.refresh_from_db()
    assert teacher.corrected_name == ""
