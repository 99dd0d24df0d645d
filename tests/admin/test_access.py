"""Who reaches admin, and what the support and finance groups may do there."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, transaction

from accounts.models import User
from audit.models import Event
from audit.services import Actor, record_event
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, Teacher
from schools.models import School
from tests.admin.helpers import admin_url
from tests.dates import THIS_YEAR
from tests.factories import SchoolFactory, TeacherFactory, UserFactory

PASSWORD = "a long enough password 123"


def form_data(response) -> dict:
    """What the admin change form would post back unchanged (its inlines' management forms too)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
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


def test_finance_group_views_schools_providers_and_events_opens_contract_periods_and_pays(db):
    finance = codenames("finance")
    assert {
        "view_school",
        "view_contractperiod",
        "view_leadprovider",
        "view_schoolpartnership",
        "view_event",
        "view_statement",
        "view_declaration",
        "view_contract",
    } <= finance
    opens_periods = {"add_contractperiod", "change_contractperiod"}
    # Contracts (a change is a new version), adjustments, authorising statements for payment, and
    # importing schools' funding flags.
    pays = {
        "add_contract",
        "change_contract",
        "add_priceband",
        "change_priceband",
        "add_statementadjustment",
        "change_statement",
        "import_schoolfundingflags",
    }
    assert opens_periods | pays <= finance
    assert all(codename.startswith("view_") for codename in finance - opens_periods - pays)
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


def test_support_cannot_change_funding_eligibility_or_whether_a_school_is_open(support_client, graph):
    """Eligibility changes only through the import, with an event (decision 0006); is_open
    follows the status."""
    school = graph[School]
    page = support_client.get(admin_url(School, "change", school.pk))
    for field in ("eligible_for_funding", "eligibility_decided_on", "is_open"):
        assert f'name="{field}"' not in page.content.decode()
    data = form_data(page)

    response = support_client.post(
        admin_url(School, "change", school.pk),
        {
            **data,
            "status": "Closed",
            "eligible_for_funding": "",
            "eligibility_decided_on": f"{THIS_YEAR - 6}-01-01",
            "is_open": "on",
        },
    )

    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.status, school.is_open) == ("Closed", False)
    assert (school.eligible_for_funding, school.eligibility_decided_on) == (
        graph[School].eligible_for_funding,
        graph[School].eligibility_decided_on,
    )


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
            "started_on": f"{THIS_YEAR - 1}-09-01",
            "email": "new.mentor@example.org",
            "change_reason": "The school asked us by email: ticket 123",
            **no_inline_rows,
        },
    )


def assert_mentor_period_added(teacher, school):
    """The add form wrote one period with the values add_mentor_period posted."""
    period = MentorAtSchoolPeriod.objects.get(teacher=teacher)
    assert (period.school, period.started_on, period.finished_on, period.email) == (
        school,
        datetime.date(THIS_YEAR - 1, 9, 1),
        None,
        "new.mentor@example.org",
    )


def test_support_adds_a_mentor_period_choosing_teacher_and_school_by_id(support_client, db):
    teacher, school = TeacherFactory(), SchoolFactory()

    response = add_mentor_period(support_client, teacher, school)

    assert response.status_code == 302
    assert_mentor_period_added(teacher, school)


def test_support_adds_a_mentor_period_while_others_mentor_elsewhere(support_client, graph):
    teacher, school = TeacherFactory(), SchoolFactory()

    response = add_mentor_period(support_client, teacher, school)

    assert response.status_code == 302, response.context["errors"]
    assert_mentor_period_added(teacher, school)
    assert MentorAtSchoolPeriod.objects.filter(pk=graph[MentorAtSchoolPeriod].pk).exists()


@pytest.mark.parametrize("model", [ECTAtSchoolPeriod, MentorAtSchoolPeriod])
def test_a_period_keeps_its_teacher_and_school_on_the_change_form(support_client, graph, model):
    """Chosen on the add form; after that the page shows them but does not post them."""
    period = graph[model]
    add_page = support_client.get(admin_url(model, "add")).content.decode()
    assert 'name="teacher"' in add_page and 'name="school"' in add_page
    page = support_client.get(admin_url(model, "change", period.pk))
    assert 'name="teacher"' not in page.content.decode()
    assert 'name="school"' not in page.content.decode()
    assert {"teacher", "school"} <= set(page.context["adminform"].readonly_fields)
    data = form_data(page)

    response = support_client.post(
        admin_url(model, "change", period.pk),
        {
            **data,
            "teacher": TeacherFactory().pk,
            "school": SchoolFactory().pk,
            "email": "changed@example.org",
            "change_reason": "The school gave the wrong address",
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    period.refresh_from_db()
    assert (period.teacher, period.school, period.email) == (
        graph[model].teacher,
        graph[model].school,
        "changed@example.org",
    )


def test_support_corrects_a_teachers_name_on_a_page_with_a_long_timeline(support_client, graph):
    teacher = graph[Teacher]
    for n in range(60):
        record_event(actor=Actor.system(), event_type="note", heading=f"Note {n}", teacher=teacher)
    page = support_client.get(admin_url(Teacher, "change", teacher.pk))

    response = support_client.post(
        admin_url(Teacher, "change", teacher.pk),
        {**form_data(page), "corrected_name": "Corrected Name", "change_reason": "Deed poll seen"},
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    teacher.refresh_from_db()
    assert teacher.corrected_name == "Corrected Name"
    assert teacher.events.count() == 61 + 1  # and the correction itself


def test_support_changes_need_a_reason_and_each_becomes_an_event_on_the_timeline(support_client, graph):
    period = graph[ECTAtSchoolPeriod]
    page = support_client.get(admin_url(ECTAtSchoolPeriod, "change", period.pk))
    before = period.email
    unexplained = support_client.post(
        admin_url(ECTAtSchoolPeriod, "change", period.pk), {**form_data(page), "email": "new@example.org"}
    )
    assert unexplained.status_code == 200
    assert "change_reason" in unexplained.context["adminform"].form.errors
    period.refresh_from_db()
    assert period.email == before

    support_client.post(
        admin_url(ECTAtSchoolPeriod, "change", period.pk),
        {**form_data(page), "email": "new@example.org", "change_reason": "Ticket 456: typo in the address"},
    )
    event = Event.objects.get(event_type="ectatschoolperiod_changed_by_support")
    assert event.heading == "Support staff changed ECT at school period: email"
    assert (event.actor_type, event.teacher, event.school, event.subject_id) == (
        "dfe_staff",
        period.teacher,
        period.school,
        period.pk,
    )
    assert event.changes == {"email": [before, "new@example.org"]}
    assert event.reason == "Ticket 456: typo in the address"
    timeline = support_client.get(admin_url(Teacher, "change", period.teacher.pk)).content.decode()
    assert "Ticket 456: typo in the address" in timeline


def test_a_save_that_changes_nothing_records_nothing(support_client, graph):
    period = graph[ECTAtSchoolPeriod]
    page = support_client.get(admin_url(ECTAtSchoolPeriod, "change", period.pk))
    support_client.post(
        admin_url(ECTAtSchoolPeriod, "change", period.pk),
        {**form_data(page), "change_reason": "Just looking"},
    )
    assert not Event.objects.filter(event_type="ectatschoolperiod_changed_by_support").exists()


@pytest.mark.parametrize("model", [Teacher, ECTAtSchoolPeriod, MentorAtSchoolPeriod])
def test_support_cannot_delete_a_teachers_records(support_client, graph, model):
    assert support_client.get(admin_url(model, "delete", graph[model].pk)).status_code == 403


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
