"""Recording an outcome: pass, fail or release of a teacher's open induction period with a body.
Every rule, what it does to the teacher's time at school, what TRS is told, and an outcome racing
a school's leaving report."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appropriate_bodies.services.outcomes import CannotRecordOutcome, outcome_problem, record_outcome
from audit.models import ActorType, Event
from core import clock
from participants import services as participant_services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorshipPeriod,
    ParticipantChange,
    TrainingPeriod,
    TRSInductionUpdate,
)
from participants.queries import ect_at_school
from schools.models import SchoolAccess, SchoolRole
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)
from tests.participants.trs_writes import queued_updates  # noqa: F401 (a fixture)
from tests.races import race

pytestmark = pytest.mark.django_db

D = datetime.date
STARTED = D(LAST_YEAR, 9, 1)
ENDED = D(THIS_YEAR, 7, 18)


@pytest.fixture
def teacher():
    return TeacherFactory(
        trs_first_name="Amara", trs_last_name="Okafor", trs_qts_awarded_on=D(LAST_YEAR, 7, 1)
    )


@pytest.fixture
def period(body, teacher):
    return InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=STARTED)


@pytest.fixture
def at_school(teacher, period):
    """Amara at school, training provider-led and mentored, since the start of her induction."""
    ect = ECTAtSchoolPeriodFactory(
        teacher=teacher, school=SchoolFactory(name="Quillfeather Primary School"), started_on=STARTED
    )
    TrainingPeriodFactory(ect_at_school_period=ect, expression_of_interest=ActiveLeadProviderFactory())
    MentorshipPeriodFactory(
        mentee=ect, mentor=MentorAtSchoolPeriodFactory(school=ect.school, started_on=STARTED)
    )
    return ect


@pytest.fixture
def record(body, teacher, body_user):
    def record(outcome="pass", finished_on=ENDED, number_of_terms=Decimal("6"), **more):
        return record_outcome(
            body=body,
            teacher=teacher,
            outcome=outcome,
            finished_on=finished_on,
            number_of_terms=number_of_terms,
            recorded_by=body_user,
            **more,
        )

    return record


def trs_writes(teacher):
    return [
        update.request for update in TRSInductionUpdate.objects.filter(teacher=teacher).order_by("created_at")
    ]


def written(status, started=None, completed=None):
    return {
        "status": status,
        "startDate": started.isoformat() if started else None,
        "completedDate": completed.isoformat() if completed else None,
    }


def without_stamp(writes):
    return [{key: value for key, value in write.items() if key != "cpdModifiedOn"} for write in writes]


class TestPassing:
    def test_the_period_closes_with_a_pass_and_trs_is_told_passed(
        self, record, period, teacher, body, body_user
    ):
        closed = record(number_of_terms="5.5")

        period.refresh_from_db()
        assert closed == period
        assert (period.finished_on, period.number_of_terms, period.outcome) == (ENDED, Decimal("5.5"), "pass")
        assert without_stamp(trs_writes(teacher)) == [written("Passed", STARTED, ENDED)]
        event = Event.objects.get(event_type="induction_passed")
        assert (event.teacher, event.appropriate_body, event.actor_type, event.actor_user) == (
            teacher,
            body,
            ActorType.APPROPRIATE_BODY_USER,
            body_user,
        )
        assert event.heading == (
            f"Amara Okafor passed their induction with Riverside Teaching School Hub, after 5.5 terms, on 18 July {THIS_YEAR}"
        )
        assert event.changes["outcome"] == ["", "pass"]

    def test_trs_hears_the_start_of_their_first_induction_period_with_any_body(
        self, record, teacher, other_body, body
    ):
        InductionPeriod.objects.filter(teacher=teacher).delete()
        earlier = D(LAST_YEAR - 1, 9, 1)
        InductionPeriodFactory(
            teacher=teacher,
            appropriate_body=other_body,
            started_on=earlier,
            finished_on=D(LAST_YEAR, 3, 31),
            number_of_terms=2,
        )
        InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=D(LAST_YEAR, 4, 1))

        record()

        assert without_stamp(trs_writes(teacher)) == [written("Passed", earlier, ENDED)]

    def test_their_time_as_an_ect_training_and_mentoring_end_today(self, record, at_school, teacher):
        changes_before = ParticipantChange.objects.filter(teacher=teacher).count()

        record()

        today = clock.today()
        at_school.refresh_from_db()
        assert at_school.finished_on == today
        assert [t.finished_on for t in TrainingPeriod.objects.filter(ect_at_school_period=at_school)] == [
            today
        ]
        assert [m.finished_on for m in MentorshipPeriod.objects.filter(mentee=at_school)] == [today]
        # Lead providers see it through the API's change feed.
        assert ParticipantChange.objects.filter(teacher=teacher).count() > changes_before
        event = Event.objects.get(event_type="ect_induction_over")
        assert event.school == at_school.school
        assert "ECT at Quillfeather Primary School ends on" in event.heading

    def test_the_school_sees_completed_induction(self, record, at_school):
        record()
        shown = ect_at_school(at_school.school, at_school.pk, today=clock.today())
        assert (shown.status, shown.tag) == ("completed_induction", "Completed induction")

    def test_the_schools_page_for_them_offers_nothing_more_to_change(self, record, at_school, client):
        """Their time at the school ends today; the page says why, and offers no mentor, change
        or leaving links."""
        tutor = UserFactory(privacy_notice_accepted_at=clock.now())
        SchoolAccess.objects.create(user=tutor, school=at_school.school, role=SchoolRole.INDUCTION_TUTOR)
        client.force_login(tutor)
        url = reverse("ect_page", kwargs={"urn": at_school.school.urn, "period_id": at_school.pk})
        assert "Tell us that" in client.get(url).content.decode()

        record()

        page = client.get(url).content.decode()
        assert "Completed induction" in page and "Training ended" in page
        for offered in ("Leaving date", "Assign a mentor", "Tell us that", "Change<span"):
            assert offered not in page

    def test_a_move_to_a_school_still_to_come_is_removed_and_a_leaving_date_ahead_brought_forward(
        self, record, at_school, teacher
    ):
        leaving_on = clock.today() + datetime.timedelta(days=30)
        participant_services.record_leaving(
            period=at_school, leaving_on=leaving_on, moving_school="yes", reported_by=UserFactory()
        )
        later = ECTAtSchoolPeriodFactory(teacher=teacher, started_on=leaving_on + datetime.timedelta(days=1))
        TrainingPeriodFactory(ect_at_school_period=later)

        record()

        at_school.refresh_from_db()
        assert at_school.finished_on == clock.today()
        assert not ECTAtSchoolPeriod.objects.filter(pk=later.pk).exists()
        assert not TrainingPeriod.objects.filter(ect_at_school_period_id=later.pk).exists()

    def test_a_school_period_already_over_is_left_as_it_was(self, record, at_school):
        TrainingPeriod.objects.update(finished_on=D(THIS_YEAR, 8, 31))
        MentorshipPeriod.objects.update(finished_on=D(THIS_YEAR, 8, 31))
        ECTAtSchoolPeriod.objects.filter(pk=at_school.pk).update(finished_on=D(THIS_YEAR, 8, 31))

        record()

        at_school.refresh_from_db()
        assert at_school.finished_on == D(THIS_YEAR, 8, 31)
        assert not Event.objects.filter(event_type="ect_induction_over").exists()


class TestFailing:
    def test_needs_the_confirmation_that_they_were_told_of_their_right_to_appeal(
        self, record, period, teacher
    ):
        with pytest.raises(CannotRecordOutcome, match="told of their right to appeal"):
            record("fail")
        period.refresh_from_db()
        assert period.finished_on is None
        assert trs_writes(teacher) == []

    def test_closes_the_period_and_tells_trs_failed(self, record, period, teacher, at_school):
        record("fail", told_of_appeal=True)

        period.refresh_from_db()
        assert period.outcome == "fail"
        assert without_stamp(trs_writes(teacher)) == [written("Failed", STARTED, ENDED)]
        assert (
            Event.objects.get(event_type="induction_failed").reason
            == "They have been told of their right to appeal."
        )
        shown = ect_at_school(at_school.school, at_school.pk, today=clock.today())
        assert shown.tag == "Failed induction"
        at_school.refresh_from_db()
        assert at_school.finished_on == clock.today()


class TestReleasing:
    def test_closes_the_period_without_an_outcome_and_leaves_their_school_time_alone(
        self, record, period, teacher, at_school
    ):
        record("release", number_of_terms=3)

        period.refresh_from_db()
        assert (period.finished_on, period.number_of_terms, period.outcome) == (ENDED, Decimal(3), "")
        at_school.refresh_from_db()
        assert at_school.finished_on is None
        assert without_stamp(trs_writes(teacher)) == [written("InProgress", STARTED)]
        assert Event.objects.get(event_type="induction_released").heading.startswith(
            "Riverside Teaching School Hub released Amara Okafor"
        )

    def test_with_no_term_served_anywhere_trs_is_told_their_induction_is_still_required(
        self, record, period, teacher
    ):
        record("release", number_of_terms=0)
        assert without_stamp(trs_writes(teacher)) == [written("RequiredToComplete")]

    def test_another_body_can_then_claim_them(self, record, period, teacher, other_body):
        record("release", number_of_terms=3)
        InductionPeriodFactory(
            teacher=teacher, appropriate_body=other_body, started_on=ENDED + datetime.timedelta(days=1)
        )


class TestRefusals:
    @pytest.mark.parametrize(
        ("finished_on", "terms", "problem"),
        [
            (
                D(LAST_YEAR, 8, 31),
                6,
                f"on or after the start of their induction with you, 1 September {LAST_YEAR}",
            ),
            (None, 6, "The end date must be today or in the past"),
            (ENDED, -1, "Number of terms must be between 0 and 16"),
            (ENDED, Decimal("16.1"), "Number of terms must be between 0 and 16"),
            (ENDED, "2.25", "Number of terms can have at most one decimal place"),
            (ENDED, "two", "Number of terms must be a number"),
            (ENDED, "NaN", "Number of terms must be a number"),
        ],
    )
    def test_each_rule_says_why_and_changes_nothing(
        self, record, period, teacher, body, finished_on, terms, problem
    ):
        finished_on = finished_on or clock.today() + datetime.timedelta(days=1)
        assert problem in outcome_problem(
            body=body, teacher=teacher, finished_on=finished_on, number_of_terms=terms
        )
        with pytest.raises(CannotRecordOutcome, match=problem):
            record(finished_on=finished_on, number_of_terms=terms)
        period.refresh_from_db()
        assert period.finished_on is None
        assert trs_writes(teacher) == [] and not Event.objects.exists()

    def test_the_edges_are_allowed(self, body, teacher, period):
        for terms in (0, 16, "0.5", Decimal("15.9")):
            assert (
                outcome_problem(body=body, teacher=teacher, finished_on=clock.today(), number_of_terms=terms)
                is None
            )
        assert outcome_problem(body=body, teacher=teacher, finished_on=STARTED, number_of_terms=0) is None

    def test_a_teacher_with_an_open_period_with_another_body(self, record, teacher, other_body):
        InductionPeriodFactory(teacher=teacher, appropriate_body=other_body, started_on=STARTED)
        with pytest.raises(
            CannotRecordOutcome, match="has no open induction period with Riverside Teaching School Hub"
        ):
            record()

    def test_a_period_already_closed_cannot_be_closed_again(self, record, period):
        record()
        with pytest.raises(CannotRecordOutcome, match="has no open induction period"):
            record("release")
        assert TRSInductionUpdate.objects.count() == 1

    def test_an_outcome_we_do_not_know(self, record, period):
        with pytest.raises(CannotRecordOutcome, match="pass, fail or release"):
            record("maybe")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("queued_updates")  # no Redis needed
class TestRacingASchoolsLeavingReport:
    """The outcome locks the teacher, then their ECT periods; the leaving report locks the ECT period
    (and, joined, the teacher). Whichever commits first, the other sees it, and the result holds.
    Each race holds the first write open after the event on the school's timeline (`record_event` as
    participants.services.leaving calls it), with its locks taken."""

    @pytest.fixture
    def leave(self, at_school):
        tutor = UserFactory()

        def leave(leaving_on):
            return lambda: participant_services.record_leaving(
                period=at_school, leaving_on=leaving_on, moving_school="yes", reported_by=tutor
            )

        return leave

    def pass_them(self, body, teacher, body_user):
        return lambda: record_outcome(
            body=body,
            teacher=teacher,
            outcome="pass",
            finished_on=ENDED,
            number_of_terms=6,
            recorded_by=body_user,
        )

    def consistent(self, at_school, *, finished_on):
        at_school.refresh_from_db()
        assert at_school.finished_on == finished_on
        assert set(TrainingPeriod.objects.values_list("finished_on", flat=True)) == {finished_on}
        assert set(MentorshipPeriod.objects.values_list("finished_on", flat=True)) == {finished_on}
        assert InductionPeriod.objects.get().outcome == "pass"
        assert TRSInductionUpdate.objects.count() == 1

    def test_outcome_first_then_a_leaving_date_ahead_is_refused_plainly(
        self, monkeypatch, leave, body, teacher, body_user, at_school
    ):
        outcomes = race(
            monkeypatch,
            self.pass_them(body, teacher, body_user),
            leave(clock.today() + datetime.timedelta(days=10)),
            hold_after="record_event",
        )
        assert outcomes == {"first": "done", "second": "AlreadyLeaving"}
        self.consistent(at_school, finished_on=clock.today())

    def test_outcome_first_then_an_earlier_leaving_date_is_taken(
        self, monkeypatch, leave, body, teacher, body_user, at_school
    ):
        yesterday = clock.today() - datetime.timedelta(days=1)
        outcomes = race(
            monkeypatch,
            self.pass_them(body, teacher, body_user),
            leave(yesterday),
            hold_after="record_event",
        )
        assert outcomes == {"first": "done", "second": "done"}
        self.consistent(at_school, finished_on=yesterday)

    def test_leaving_first_then_the_outcome_ends_their_time_today(
        self, monkeypatch, leave, body, teacher, body_user, at_school
    ):
        outcomes = race(
            monkeypatch,
            leave(clock.today() + datetime.timedelta(days=10)),
            self.pass_them(body, teacher, body_user),
            hold_after="record_event",
        )
        assert outcomes == {"first": "done", "second": "done"}
        self.consistent(at_school, finished_on=clock.today())


def test_the_open_period_is_read_once_locked_after_the_teacher(record, period):
    with CaptureQueriesContext(connection) as queries:
        record(outcome="release")
    open_period_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "participants_inductionperiod"' in query["sql"] and '"finished_on" IS NULL' in query["sql"]
    ]
    assert len(open_period_reads) == 1
    assert "FOR UPDATE" in open_period_reads[0]
    teacher_lock = next(
        i for i, query in enumerate(queries.captured_queries) if 'FROM "participants_teacher"' in query["sql"]
    )
    assert (
        queries.captured_queries.index(
            next(q for q in queries.captured_queries if q["sql"] == open_period_reads[0])
        )
        > teacher_lock
    )
