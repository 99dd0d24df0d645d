"""Every registered model's list, add and change pages work, and lists do not grow a query per row."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from api.models import APIRequest
from audit.models import Event
from audit.services import Actor, record_event
from emails.models import Email
from finance.models import Declaration, Statement
from participants import services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
    TRSInductionUpdate,
)
from providers.models import ContractPeriod, Schedule
from schools.models import NominationLink, SchoolAccess, SchoolFundingFlags
from tests.admin.helpers import admin_url, build_graph, queries_to_get
from tests.dates import THIS_YEAR
from tests.factories import (
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_model_of_the_service_is_registered():
    labels = {model._meta.label for model in admin.site._registry}
    assert labels >= {
        "accounts.User",
        "schools.School",
        "providers.ContractPeriod",
        "providers.LeadProvider",
        "providers.ActiveLeadProvider",
        "providers.DeliveryPartner",
        "providers.LeadProviderDeliveryPartnership",
        "providers.SchoolPartnership",
        "providers.AppropriateBody",
        "participants.Teacher",
        "participants.ECTAtSchoolPeriod",
        "participants.MentorAtSchoolPeriod",
        "participants.MentorshipPeriod",
        "participants.TrainingPeriod",
        "participants.InductionPeriod",
        "audit.Event",
    }


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_load_for_a_superuser(admin_client, graph, model):
    instance = graph[model]

    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert instance in changelist.context["cl"].result_list

    change = admin_client.get(admin_url(model, "change", instance.pk))
    assert change.status_code == 200
    assert change.context["original"] == instance

    add = admin_client.get(admin_url(model, "add"))
    # Records only the service writes (the event log, the outbox, nomination links) have no add
    # page; nor do teachers, whom a school's registration checks in TRS.
    written_by_the_service_only = {
        Teacher,
        Event,
        Email,
        TRSInductionUpdate,
        NominationLink,
        SchoolAccess,
        APIRequest,
        Schedule,
        Statement,
        Declaration,
        SchoolFundingFlags,  # imported from a CSV file
    }
    assert add.status_code == (403 if model in written_by_the_service_only else 200)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, db, model):
    build_graph()
    queries_for_one, _ = queries_to_get(admin_client, admin_url(model, "changelist"))
    for _ in range(4):
        build_graph()
    queries_for_five, response = queries_to_get(admin_client, admin_url(model, "changelist"))
    if model not in (
        ContractPeriod,
        Group,
        Schedule,
    ):  # every graph shares last year's period, its schedules and the groups
        assert len(response.context["cl"].result_list) >= 5
    assert queries_for_five == queries_for_one


def test_period_pages_queries_do_not_grow_with_their_training_and_mentorships(admin_client, graph):
    """An ECT's and a mentor's period pages list training periods and mentorships read-only."""
    ect_period, mentor_period = graph[ECTAtSchoolPeriod], graph[MentorAtSchoolPeriod]
    pages = [
        admin_url(ECTAtSchoolPeriod, "change", ect_period.pk),
        admin_url(MentorAtSchoolPeriod, "change", mentor_period.pk),
    ]
    before = [queries_to_get(admin_client, page)[0] for page in pages]

    # Finish the current training and mentorship, then three more of each, one after another.
    TrainingPeriod.objects.filter(pk=graph[TrainingPeriod].pk).update(
        finished_on=datetime.date(THIS_YEAR - 1, 9, 30)
    )
    MentorshipPeriod.objects.filter(pk=graph[MentorshipPeriod].pk).update(
        finished_on=datetime.date(THIS_YEAR - 1, 9, 30)
    )
    for month in (10, 11, 12):
        started_on, finished_on = (
            datetime.date(THIS_YEAR - 1, month, 1),
            datetime.date(THIS_YEAR - 1, month, 28),
        )
        TrainingPeriodFactory(ect_at_school_period=ect_period, started_on=started_on, finished_on=finished_on)
        MentorshipPeriodFactory(mentee=ect_period, started_on=started_on, finished_on=finished_on)
        another_ect = ECTAtSchoolPeriodFactory(school=mentor_period.school)
        MentorshipPeriodFactory(mentee=another_ect, mentor=mentor_period)

    assert [queries_to_get(admin_client, page)[0] for page in pages] == before


AUTOCOMPLETE_FIELDS = [
    (model, field)
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
    for field in model_admin.autocomplete_fields
]


@pytest.mark.parametrize(
    ("model", "field"), AUTOCOMPLETE_FIELDS, ids=[f"{m._meta.model_name}.{f}" for m, f in AUTOCOMPLETE_FIELDS]
)
def test_autocomplete_answers_with_the_same_queries_however_many_rows(admin_client, db, model, field):
    params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field}
    build_graph()
    queries_for_one, _ = queries_to_get(admin_client, reverse("admin:autocomplete"), params)
    for _ in range(4):
        build_graph()
    queries_for_five, response = queries_to_get(admin_client, reverse("admin:autocomplete"), params)
    assert len(response.json()["results"]) >= 5
    assert queries_for_five == queries_for_one


def test_teacher_changelist_runs_the_same_queries_for_3_or_30_teachers(admin_client, db):
    url = admin_url(Teacher, "changelist")
    for _ in range(3):
        ECTAtSchoolPeriodFactory()
    queries_for_3, response = queries_to_get(admin_client, url)
    assert len(response.context["cl"].result_list) == 3

    for _ in range(27):
        ECTAtSchoolPeriodFactory()
    queries_for_30, response = queries_to_get(admin_client, url)
    assert len(response.context["cl"].result_list) == 30
    assert queries_for_30 == queries_for_3


def test_teacher_page_shows_their_periods_and_their_timeline_newest_first(admin_client, graph):
    teacher = graph[Teacher]
    record_event(actor=Actor.system(), event_type="email_changed", heading="Email changed", teacher=teacher)
    someone_else = TeacherFactory()
    record_event(
        actor=Actor.system(), event_type="email_changed", heading="Not this teacher", teacher=someone_else
    )

    response = admin_client.get(admin_url(Teacher, "change", teacher.pk))

    page = response.content.decode()
    assert graph[ECTAtSchoolPeriod].email in page
    assert graph[InductionPeriod].appropriate_body.name in page
    timeline = [form.instance.heading for form in _inline_formset(response, "events").forms]
    assert timeline == ["Email changed", f"{teacher.full_name} registered as an ECT"]
    assert "Not this teacher" not in page


def test_teacher_page_queries_do_not_grow_with_their_periods_and_events(admin_client, db):
    teacher = TeacherFactory()
    url = admin_url(Teacher, "change", teacher.pk)

    def add_history(year):
        """A finished year at a new school as ECT and as mentor, with its induction and an event."""
        started_on, finished_on = datetime.date(year, 9, 1), datetime.date(year + 1, 7, 31)
        ECTAtSchoolPeriodFactory(teacher=teacher, started_on=started_on, finished_on=finished_on)
        MentorAtSchoolPeriodFactory(teacher=teacher, started_on=started_on, finished_on=finished_on)
        InductionPeriodFactory(
            teacher=teacher, started_on=started_on, finished_on=finished_on, number_of_terms=3
        )
        record_event(actor=Actor.system(), event_type="note", heading=f"Year {year}", teacher=teacher)

    add_history(THIS_YEAR - 5)
    queries_for_one_year, _ = queries_to_get(admin_client, url)
    for year in (THIS_YEAR - 4, THIS_YEAR - 3, THIS_YEAR - 2):
        add_history(year)
    queries_for_four_years, response = queries_to_get(admin_client, url)
    assert len(_inline_formset(response, "events").forms) == 4
    assert queries_for_four_years == queries_for_one_year


def test_teacher_page_shows_their_50_newest_events_and_links_to_the_rest(admin_client, db):
    teacher = TeacherFactory()
    for day in range(55):  # one after another (the same moment in a test's transaction)
        record_event(actor=Actor.system(), event_type="note", heading=f"Day {day}", teacher=teacher)

    response = admin_client.get(admin_url(Teacher, "change", teacher.pk))

    timeline = [form.instance.heading for form in _inline_formset(response, "events").forms]
    assert timeline == [f"Day {day}" for day in range(54, 4, -1)]
    all_events = f"{admin_url(Event, 'changelist')}?teacher__id__exact={teacher.pk}"
    assert f'href="{all_events}"' in response.content.decode()
    assert len(admin_client.get(all_events).context["cl"].result_list) == 55


def _inline_formset(response, prefix):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )


def test_teacher_page_timeline_puts_every_period_and_event_in_date_order(admin_client, db):
    teacher = TeacherFactory(trs_first_name="Mary", trs_last_name="Anning")
    ECTAtSchoolPeriodFactory(
        teacher=teacher,
        school__name="Lyme Primary",
        started_on=datetime.date(THIS_YEAR - 2, 9, 1),
        finished_on=datetime.date(THIS_YEAR - 1, 7, 31),
    )
    ECTAtSchoolPeriodFactory(
        teacher=teacher, school__name="Charmouth Academy", started_on=datetime.date(THIS_YEAR - 1, 9, 1)
    )
    record_event(
        actor=Actor.system(), event_type="note", heading="Moved school", teacher=teacher, reason="Family move"
    )

    page = admin_client.get(admin_url(Teacher, "change", teacher.pk)).content.decode()
    timeline = page[page.index("<th>Date</th>") :]
    order = [
        timeline.index(text)
        for text in (
            "Moved school",  # today: the newest
            "Starts as an ECT at Charmouth Academy",
            "Last day as an ECT at Lyme Primary",
            "Starts as an ECT at Lyme Primary",
        )
    ]
    assert order == sorted(order)
    assert "Family move" in timeline


def test_a_tutors_change_shows_on_the_admin_timeline_with_its_author_and_reason(admin_client, db):
    tutor = UserFactory(full_name="Jane Tutor")
    period = ECTAtSchoolPeriodFactory(teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning"))
    services.change_name(
        period=period, name="Mary Smith", reason=services.NameChangeReason.CHANGED, changed_by=tutor
    )
    page = admin_client.get(admin_url(Teacher, "change", period.teacher.pk)).content.decode()
    timeline = page[page.index("<th>Date</th>") :]
    assert "Mary Anning is now known as Mary Smith" in timeline
    assert "Jane Tutor" in timeline
    assert "They changed their name, for example when they married" in timeline
