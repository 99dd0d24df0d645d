"""Who reaches admin, and what the support and finance groups may do there."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, transaction

from accounts.models import User
from audit.models import Event
from participants.models import MentorAtSchoolPeriod, Teacher
from schools.models import School
from tests.admin.helpers import admin_url
from tests.factories import SchoolFactory, TeacherFactory, UserFactory

PASSWORD = "a long enough password 123"


def form_data(response) -> dict:
    """What the admin change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


# --- Signing in -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/schools/school/", "/admin/participants/teacher/"])
def test_a_school_user_signed_in_to_the_service_is_sent_to_admin_sign_in(client, db, path):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={path}"


def test_admin_sign_in_refuses_a_school_user_with_the_right_password(client, db):
    school_user = User.objects.create_user("tutor@school.example.org", PASSWORD, full_name="Tutor")

    response = client.post("/admin/login/", {"username": school_user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "correct email and password for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_lets_staff_in(client, db):
    User.objects.create_user("support@education.gov.uk", PASSWORD, full_name="Support", is_staff=True)

    response = client.post("/admin/login/", {"username": "support@education.gov.uk", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


# --- The groups the migration creates -------------------------------------------------------


def test_support_group_maintains_schools_providers_and_participants_but_only_views_users_and_events(db):
    support = codenames("support")
    assert {"view_school", "add_school", "change_school"} <= support
    assert {
        "change_schoolpartnership",
        "change_contractperiod",
        "change_teacher",
        "change_trainingperiod",
    } <= support
    assert {"view_event", "view_user"} <= support
    assert (
        not {"change_user", "add_user", "delete_user", "add_event", "change_event", "delete_event"} & support
    )
    assert not any(codename.startswith("delete_") for codename in support)


def test_finance_group_only_views_schools_providers_and_events(db):
    finance = codenames("finance")
    assert {
        "view_school",
        "view_contractperiod",
        "view_leadprovider",
        "view_schoolpartnership",
        "view_event",
    } <= finance
    assert all(codename.startswith("view_") for codename in finance)
    assert "view_user" not in finance
    assert "view_teacher" not in finance


# --- Support -----------------------------------------------------------------------------------


def test_support_can_change_a_school(support_client, graph):
    school = graph[School]
    data = form_data(support_client.get(admin_url(School, "change", school.pk)))

    response = support_client.post(
        admin_url(School, "change", school.pk), {**data, "name": "Renamed Academy"}
    )

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.name == "Renamed Academy"


def add_mentor_period(client, teacher, school):
    no_inline_rows = {
        f"{prefix}-{n}": 0
        for prefix in ("training_periods", "mentorship_periods")
        for n in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    return client.post(
        admin_url(MentorAtSchoolPeriod, "add"),
        {
            "teacher": teacher.pk,
            "school": school.pk,
            "started_on": "2025-09-01",
            "email": "new.mentor@example.org",
            **no_inline_rows,
        },
    )


def test_support_adds_a_mentor_period_choosing_teacher_and_school_by_id(support_client, db):
    teacher, school = TeacherFactory(), SchoolFactory()

    response = add_mentor_period(support_client, teacher, school)

    assert response.status_code == 302
    assert MentorAtSchoolPeriod.objects.get(teacher=teacher).school == school


def test_support_adds_a_mentor_period_while_others_mentor_elsewhere(support_client, graph):
    teacher, school = TeacherFactory(), SchoolFactory()

    response = add_mentor_period(support_client, teacher, school)

    assert response.status_code == 302, response.context["errors"]


def test_support_cannot_delete_an_event(support_client, graph):
    event = graph[Event]
    assert support_client.get(admin_url(Event, "changelist")).status_code == 200

    assert support_client.get(admin_url(Event, "delete", event.pk)).status_code == 403
    assert support_client.post(admin_url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_support_can_view_a_user_but_not_make_them_staff(support_client, graph):
    school_user = graph[User]
    page = support_client.get(admin_url(User, "change", school_user.pk))
    assert page.status_code == 200
    assert 'name="is_staff"' not in page.content.decode()

    response = support_client.post(
        admin_url(User, "change", school_user.pk),
        {"email": school_user.email, "is_staff": "on", "is_superuser": "on"},
    )

    assert response.status_code == 403
    school_user.refresh_from_db()
    assert not school_user.is_staff
    assert not school_user.is_superuser
    assert support_client.get(admin_url(User, "add")).status_code == 403


def test_only_a_superuser_grants_staff_even_to_someone_who_may_change_users(client, graph):
    """If "change user" is ever granted, staff and superuser flags and groups still stay read-only."""
    user_manager = UserFactory(is_staff=True)
    user_manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(user_manager)
    school_user = graph[User]
    support = Group.objects.get(name="support")
    data = form_data(client.get(admin_url(User, "change", school_user.pk)))

    response = client.post(
        admin_url(User, "change", school_user.pk),
        {**data, "full_name": "New Name", "is_staff": "on", "is_superuser": "on", "groups": [support.pk]},
    )

    assert response.status_code == 302
    school_user.refresh_from_db()
    assert school_user.full_name == "New Name"
    assert not school_user.is_staff
    assert not school_user.is_superuser
    assert not school_user.groups.exists()


# --- Finance -----------------------------------------------------------------------------------


def test_finance_can_view_but_not_change_a_school(finance_client, graph):
    school = graph[School]
    page = finance_client.get(admin_url(School, "change", school.pk))
    assert page.status_code == 200
    data = {**form_data(page), "name": "Renamed Academy"}

    assert finance_client.post(admin_url(School, "change", school.pk), data).status_code == 403
    school.refresh_from_db()
    assert school.name != "Renamed Academy"


def test_finance_does_not_see_teachers(finance_client, graph):
    assert finance_client.get(admin_url(Teacher, "changelist")).status_code == 403
    assert finance_client.get(admin_url(Teacher, "change", graph[Teacher].pk)).status_code == 403


# --- The event log is append-only --------------------------------------------------------------


def test_nobody_changes_an_event_through_admin_not_even_a_superuser(admin_client, graph):
    event = graph[Event]
    page = admin_client.get(admin_url(Event, "change", event.pk))
    assert page.status_code == 200
    assert 'name="heading"' not in page.content.decode()  # shown, not editable

    response = admin_client.post(admin_url(Event, "change", event.pk), {"heading": "Rewritten history"})

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.heading != "Rewritten history"
    assert admin_client.post(admin_url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(admin_url(Event, "add"), {"heading": "Invented"}).status_code == 403


def test_the_database_refuses_to_change_or_delete_an_event(graph):
    events = Event.objects.filter(pk=graph[Event].pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.update(heading="Rewritten history")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        events.delete()
