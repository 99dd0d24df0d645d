"""Searching and filtering admin lists finds the right rows and only those."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import Event
from audit.services import Actor, record_event
from core import clock
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from providers.models import DeliveryPartner, LeadProvider, LeadProviderDeliveryPartnership, SchoolPartnership
from schools.models import School
from tests.admin.helpers import build_graph
from tests.dates import THIS_YEAR
from tests.factories import ECTAtSchoolPeriodFactory, TrainingPeriodFactory


def changelist(client, model, **params):
    response = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), params
    )
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def named(graph):
    """The graph with names nobody else has, and another graph that must not turn up in results."""
    ect, mentor = graph[ECTAtSchoolPeriod], graph[MentorAtSchoolPeriod]
    School.objects.filter(pk=graph[School].pk).update(name="Quillfeather Academy", postcode="QQ1 1QQ")
    Teacher.objects.filter(pk=ect.teacher_id).update(
        trs_first_name="Zebedee", trs_last_name="Featherstonehaugh", corrected_name="Zeb Fanshawe"
    )
    Teacher.objects.filter(pk=mentor.teacher_id).update(trs_first_name="Ophelia", trs_last_name="Montmorency")
    ECTAtSchoolPeriod.objects.filter(pk=ect.pk).update(email="zebedee@example.org")
    MentorAtSchoolPeriod.objects.filter(pk=mentor.pk).update(email="ophelia@example.org")
    pairing = graph[SchoolPartnership].lead_provider_delivery_partnership
    LeadProvider.objects.filter(pk=pairing.active_lead_provider.lead_provider_id).update(
        name="Lantern Learning"
    )
    DeliveryPartner.objects.filter(pk=pairing.delivery_partner_id).update(name="Dovecote Hub")
    User.objects.filter(pk=graph[User].pk).update(
        email="wilhelmina@example.org", full_name="Wilhelmina Ashdown"
    )
    graph[Event] = record_event(
        actor=Actor.system(),
        event_type="note",
        heading="Badger transferred",
        teacher=ect.teacher,
        school=ect.school,
    )
    for instance in graph.values():
        if not isinstance(instance, Event):
            instance.refresh_from_db()
    return graph


@pytest.fixture
def other(named):
    return build_graph()


# (model searched, what the search is by, term; the row it must find is the graph's row of that model)
SEARCHES = [
    (School, "URN", lambda g: str(g[School].urn)),
    (School, "name", lambda g: "quillfeather"),
    (School, "postcode", lambda g: "QQ1 1QQ"),
    (School, "postcode typed without its space", lambda g: "qq11qq"),
    (School, "start of a postcode typed without its space", lambda g: "qq11"),
    (Teacher, "TRN", lambda g: g[Teacher].trn),
    (Teacher, "TRS first name", lambda g: "Zebedee"),
    (Teacher, "TRS last name", lambda g: "Featherstone"),
    (Teacher, "corrected name", lambda g: "Fanshawe"),
    (Teacher, "email as an ECT", lambda g: "zebedee@example.org"),
    (Teacher, "email as a mentor", lambda g: "ophelia@example.org"),  # finds the mentor
    (ECTAtSchoolPeriod, "teacher TRN", lambda g: g[Teacher].trn),
    (ECTAtSchoolPeriod, "teacher name", lambda g: "Zebedee Featherstonehaugh"),
    (ECTAtSchoolPeriod, "email", lambda g: "zebedee@example"),
    (ECTAtSchoolPeriod, "school URN", lambda g: str(g[School].urn)),
    (ECTAtSchoolPeriod, "school name", lambda g: "Quillfeather"),
    (MentorAtSchoolPeriod, "teacher TRN", lambda g: g[MentorAtSchoolPeriod].teacher.trn),
    (MentorAtSchoolPeriod, "teacher name", lambda g: "Montmorency"),
    (MentorAtSchoolPeriod, "email", lambda g: "ophelia@example.org"),
    (MentorAtSchoolPeriod, "school URN", lambda g: str(g[School].urn)),
    (MentorshipPeriod, "ECT's TRN", lambda g: g[Teacher].trn),
    (MentorshipPeriod, "mentor's name", lambda g: "Ophelia"),
    (MentorshipPeriod, "school name", lambda g: "Quillfeather"),
    (TrainingPeriod, "ECT's TRN", lambda g: g[Teacher].trn),
    (TrainingPeriod, "ECT's email", lambda g: "zebedee@example.org"),
    (TrainingPeriod, "school URN", lambda g: str(g[School].urn)),
    (InductionPeriod, "teacher TRN", lambda g: g[Teacher].trn),
    (InductionPeriod, "teacher name", lambda g: "Fanshawe"),
    (SchoolPartnership, "school URN", lambda g: str(g[School].urn)),
    (SchoolPartnership, "school name", lambda g: "Quillfeather"),
    (SchoolPartnership, "lead provider", lambda g: "Lantern"),
    (SchoolPartnership, "delivery partner", lambda g: "Dovecote"),
    (LeadProviderDeliveryPartnership, "delivery partner", lambda g: "Dovecote"),
    (LeadProviderDeliveryPartnership, "lead provider", lambda g: "Lantern"),
    (Event, "teacher TRN", lambda g: g[Teacher].trn),
    (Event, "school URN", lambda g: str(g[School].urn)),
    (User, "email", lambda g: "wilhelmina@"),
    (User, "full name", lambda g: "Ashdown"),
]


def _row(graph, model, by):
    return graph[MentorAtSchoolPeriod].teacher if by == "email as a mentor" else graph[model]


@pytest.mark.parametrize(
    ("model", "by", "term"), SEARCHES, ids=[f"{m._meta.model_name} by {by}" for m, by, _ in SEARCHES]
)
def test_search_finds_the_row_and_not_another(admin_client, named, other, model, by, term):
    results = changelist(admin_client, model, q=term(named))

    assert _row(named, model, by) in results
    assert _row(other, model, by) not in results


def test_event_search_is_by_whole_trn_or_urn_not_by_heading(admin_client, named):
    """A substring search over the headings of millions of events would scan the whole log."""
    assert changelist(admin_client, Event, q="badger") == []
    assert named[Event] in changelist(admin_client, Event, q=named[Teacher].trn)
    assert changelist(admin_client, Event, q=named[Teacher].trn[:4]) == []


def test_event_list_filtered_by_teacher_shows_only_their_events(admin_client, named, other):
    results = changelist(admin_client, Event, teacher__id__exact=named[Teacher].pk)

    assert named[Event] in results
    assert {event.teacher_id for event in results} == {named[Teacher].pk}


def test_school_list_filters_on_whether_the_school_is_open(admin_client, named, other):
    School.objects.filter(pk=other[School].pk).update(status="Closed")

    assert named[School] in changelist(admin_client, School, is_open__exact="1")
    assert other[School] not in changelist(admin_client, School, is_open__exact="1")
    assert changelist(admin_client, School, is_open__exact="0") == [other[School]]


def test_a_urn_search_with_letters_is_a_name_search_not_an_error(admin_client, named):
    assert changelist(admin_client, School, q="Quillfeather 1QQ") == [named[School]]


def test_ongoing_and_finished_filter(admin_client, named):
    ongoing = named[ECTAtSchoolPeriod]
    finished = ECTAtSchoolPeriodFactory(finished_on=datetime.date(THIS_YEAR - 1, 12, 31))

    assert ongoing in changelist(admin_client, ECTAtSchoolPeriod, finished="no")
    assert finished not in changelist(admin_client, ECTAtSchoolPeriod, finished="no")
    assert changelist(admin_client, ECTAtSchoolPeriod, finished="yes") == [finished]


def test_training_filters_by_status_role_and_contract_period(admin_client, named):
    ect_training = named[TrainingPeriod]
    withdrawn = TrainingPeriodFactory(withdrawn_at=clock.now(), withdrawal_reason="moved school")
    mentor_training = TrainingPeriod.objects.filter(mentor_at_school_period=named[MentorAtSchoolPeriod]).get()

    assert changelist(admin_client, TrainingPeriod, training_status="withdrawn") == [withdrawn]
    assert withdrawn not in changelist(admin_client, TrainingPeriod, training_status="active")
    assert set(changelist(admin_client, TrainingPeriod, role="ect")) == {ect_training, withdrawn}
    assert mentor_training in changelist(admin_client, TrainingPeriod, role="mentor")
    # last year through a partnership (ECTs) and through an expression of interest (mentors).
    assert {ect_training, mentor_training} <= set(
        changelist(admin_client, TrainingPeriod, contract_period=f"{THIS_YEAR - 1}")
    )
    assert changelist(admin_client, TrainingPeriod, contract_period=f"{THIS_YEAR - 2}") == []
