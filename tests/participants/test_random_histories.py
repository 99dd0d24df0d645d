"""Random histories across several schools: ECTs and mentors registered (moving school when they
are somewhere else already), paired, leaving, and changing how they train, in any order. After
every step, every invariant of the data model holds, and replaying the event log gives exactly the
ECT and mentor periods in the database. What the services refuse, they refuse in words (a Refused);
anything else, an IntegrityError above all, fails the test."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_outcome
from hypothesis import strategies as st

from audit.models import Event
from participants import services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    TrainingPeriod,
)
from participants.queries import ongoing_ect_period_elsewhere
from participants.trs.client import TeacherRecord
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(THIS_YEAR, 11, 23)
TEACHERS = 5
SCHOOLS = 3
NEVER = datetime.date.max


def teacher_record(n: int) -> TeacherRecord:
    return TeacherRecord(
        trn=f"{1000001 + n}",
        first_name=f"Teacher{n}",
        middle_name="",
        last_name="Example",
        date_of_birth=None,
        national_insurance_number=None,
        qts_awarded_on=datetime.date(THIS_YEAR - 1, 7, 1),
        induction_status=InductionStatus.IN_PROGRESS,
        prohibited_from_teaching=False,
        has_other_alerts=False,
    )


@dataclass
class World:
    schools: list
    lead_providers: list
    appropriate_body: object
    tutor: object


@pytest.fixture
def world():
    year = ContractPeriodFactory(year=THIS_YEAR)
    return World(
        schools=[SchoolFactory(name=f"School {n}") for n in range(SCHOOLS)],
        lead_providers=[ActiveLeadProviderFactory(contract_period=year).lead_provider for _ in range(2)],
        appropriate_body=AppropriateBodyFactory(),
        tutor=UserFactory(),
    )


teacher = st.integers(0, TEACHERS - 1)
school = st.integers(0, SCHOOLS - 1)
pick = st.integers(0, 1000)  # which of the rows there are, modulo how many
days = st.integers(-45, 60)  # from TODAY
training = st.sampled_from(["provider 0", "provider 1", "school-led"])

steps = st.one_of(
    st.tuples(st.just("register ECT"), teacher, school, days, training),
    st.tuples(st.just("register mentor"), teacher, school, days, st.booleans()),
    st.tuples(st.just("assign mentor"), pick, pick),
    st.tuples(st.just("leave"), st.sampled_from(["ect", "mentor"]), pick, days),
    st.tuples(st.just("change training"), pick, training, st.integers(0, 60)),
)


def nth(queryset, n):
    rows = list(queryset.order_by("pk"))
    return rows[n % len(rows)] if rows else None


def take(step, world: World) -> None:
    kind, *args = step
    tutor = world.tutor
    if kind == "register ECT":
        who, where, offset, how = args
        here = world.schools[where]
        record = teacher_record(who)
        moving = ongoing_ect_period_elsewhere(record.trn, here, today=TODAY)  # the tutor says "yes, moving"
        if moving:
            note_outcome("register ECT: moving school")
        lead_provider = None if how == "school-led" else world.lead_providers[int(how[-1])]
        services.register_ect(
            school=here,
            registered_by=tutor,
            teacher_record=record,
            corrected_name="",
            email=f"teacher{who}@example.org",
            started_on=TODAY + datetime.timedelta(days=offset),
            working_pattern="full_time",
            appropriate_body=world.appropriate_body,
            training_programme="school_led" if lead_provider is None else "provider_led",
            lead_provider=lead_provider,
            transfer_from=moving.pk if moving else None,
            today=TODAY,
        )
    elif kind == "register mentor":
        who, where, offset, funded = args
        services.register_mentor(
            school=world.schools[where],
            registered_by=tutor,
            teacher_record=teacher_record(who),
            corrected_name="",
            email=f"teacher{who}@example.org",
            started_on=TODAY + datetime.timedelta(days=offset),
            lead_provider=world.lead_providers[0] if funded else None,
            today=TODAY,
        )
    elif kind == "assign mentor":
        which_ect, which_mentor = args
        mentee = nth(ECTAtSchoolPeriod.objects.all(), which_ect)
        if mentee is not None:
            mentor = nth(MentorAtSchoolPeriod.objects.filter(school=mentee.school_id), which_mentor)
            if mentor is not None:
                services.assign_mentor(mentee=mentee, mentor=mentor, assigned_by=tutor, today=TODAY)
    elif kind == "leave":
        role, which, offset = args
        model = ECTAtSchoolPeriod if role == "ect" else MentorAtSchoolPeriod
        period = nth(model.objects.all(), which)
        if period is not None:
            services.record_leaving(
                period=period,
                leaving_on=TODAY + datetime.timedelta(days=offset),
                moving_school=services.MovingSchool.NOT_SURE,
                reported_by=tutor,
                today=TODAY,
            )
    elif kind == "change training":
        which, how, offset = args
        period = nth(ECTAtSchoolPeriod.objects.all(), which)
        if period is not None:
            services.change_training(
                period=period,
                training_programme="school_led" if how == "school-led" else "provider_led",
                lead_provider=None if how == "school-led" else world.lead_providers[int(how[-1])],
                starting_on=TODAY + datetime.timedelta(days=offset),
                changed_by=tutor,
                today=TODAY,
            )


# --- The invariants, checked from the rows themselves ------------------------------------------------


def span(row) -> tuple[datetime.date, datetime.date]:
    return row.started_on, row.finished_on or NEVER


def overlap(a, b) -> bool:
    (a_start, a_end), (b_start, b_end) = span(a), span(b)
    return a_start <= b_end and b_start <= a_end


def inside(inner, outer) -> bool:
    (inner_start, inner_end), (outer_start, outer_end) = span(inner), span(outer)
    return outer_start <= inner_start and inner_end <= outer_end


def assert_no_overlaps(rows, key, what):
    by_key = {}
    for row in rows:
        by_key.setdefault(key(row), []).append(row)
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                assert not overlap(a, b), f"{what} overlap: {a} and {b}"


def assert_every_invariant_holds() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the database would check at commit
    ects = list(ECTAtSchoolPeriod.objects.all())
    mentors = list(MentorAtSchoolPeriod.objects.all())
    mentorships = list(MentorshipPeriod.objects.select_related("mentee", "mentor"))
    trainings = list(TrainingPeriod.objects.select_related("ect_at_school_period", "mentor_at_school_period"))
    for row in [*ects, *mentors, *mentorships, *trainings]:
        assert row.finished_on is None or row.finished_on >= row.started_on, row
    assert_no_overlaps(ects, lambda p: p.teacher_id, "an ECT at two schools at once")
    assert_no_overlaps(mentors, lambda p: (p.teacher_id, p.school_id), "one mentor's periods at a school")
    assert_no_overlaps(mentorships, lambda m: m.mentee_id, "an ECT's mentors")
    for mentorship in mentorships:
        assert inside(mentorship, mentorship.mentee) and inside(mentorship, mentorship.mentor), mentorship
        assert mentorship.mentee.school_id == mentorship.mentor.school_id
        assert mentorship.mentee.teacher_id != mentorship.mentor.teacher_id
    for training in trainings:
        assert inside(training, training.ect_at_school_period or training.mentor_at_school_period), training
    assert_no_overlaps(
        trainings,
        lambda t: (t.ect_at_school_period_id, t.mentor_at_school_period_id),
        "one period's training",
    )


# --- Replaying the event log ---------------------------------------------------------------------------


def periods_from_events() -> set[tuple]:
    """The ECT and mentor periods the event log describes, replayed from the first event."""
    periods: dict[tuple[str, int], dict] = {}
    for event in Event.objects.order_by("pk"):
        role = {"ectatschoolperiod": "ect", "mentoratschoolperiod": "mentor"}.get(event.subject_type)
        if role is None:
            continue
        key = (role, event.subject_id)
        if event.event_type == f"{role}_registered":
            periods[key] = {
                "teacher": event.teacher_id,
                "school": event.school_id,
                "started_on": event.changes["started_on"][1],
                "finished_on": None,
            }
        elif event.event_type in (f"{role}_left_school", f"{role}_moved_to_another_school"):
            if "started_on" in event.changes:  # it had not started: removed
                del periods[key]
            else:
                periods[key]["finished_on"] = event.changes["finished_on"][1]
    return {(*key, *values.values()) for key, values in periods.items()}


def periods_in_database() -> set[tuple]:
    def rows(model, role):
        return {
            (
                role,
                p.pk,
                p.teacher_id,
                p.school_id,
                p.started_on.isoformat(),
                p.finished_on and p.finished_on.isoformat(),
            )
            for p in model.objects.all()
        }

    return rows(ECTAtSchoolPeriod, "ect") | rows(MentorAtSchoolPeriod, "mentor")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(steps, min_size=1, max_size=14))
def test_any_history_keeps_the_invariants_and_the_events_replay_to_the_periods(world, history):
    with transaction.atomic():
        for step in history:
            try:
                with transaction.atomic():
                    take(step, world)
                note_outcome(f"{step[0]}: done")
            except services.Refused as refusal:  # refused in words, with nothing saved
                note_outcome(f"{step[0]}: {type(refusal).__name__}")
            assert_every_invariant_holds()
            assert periods_from_events() == periods_in_database(), step
        transaction.set_rollback(True)  # the next history starts from the same world
