"""An appropriate body claiming an ECT (appropriate_bodies.services.claims): every rule that stops
a claim or refuses its start date, the claim's period, event and TRS update written together (and
none of them when refused), and two bodies claiming the same ECT at once."""

import datetime

import pytest

from appropriate_bodies.services import claims
from appropriate_bodies.services.claims import CannotClaim, claim_ect, claim_stop, start_date_problem
from appropriate_bodies.services.outcomes import record_outcome
from audit.models import ActorType, Event
from core import clock
from participants.forms import kept_record, record_to_keep
from participants.models import InductionPeriod, InductionStatus, Teacher, TRSInductionUpdate
from participants.services.trs_writes import send_trs_induction_update_now
from participants.trs import find_teacher
from participants.trs.client import TeacherRecord
from tests.dates import THIS_YEAR
from tests.factories import InductionPeriodFactory, TeacherFactory, UserFactory
from tests.races import race

pytestmark = pytest.mark.django_db

D = datetime.date
TRN = "1234567"
QTS = D(THIS_YEAR, 7, 20)
SEPTEMBER = D(THIS_YEAR, 9, 1)


def teacher_record(**overrides) -> TeacherRecord:
    values = {
        "trn": TRN,
        "first_name": "Mary",
        "middle_name": "Ann",
        "last_name": "Anning",
        "date_of_birth": D(1990, 3, 14),
        "national_insurance_number": None,
        "qts_awarded_on": QTS,
        "induction_status": InductionStatus.REQUIRED_TO_COMPLETE,
        "prohibited_from_teaching": False,
        "has_other_alerts": False,
    }
    return TeacherRecord(**{**values, **overrides})


@pytest.fixture
def claimer(body):
    return UserFactory(full_name="Ada Reviewer")


@pytest.fixture
def claim(body, claimer, queued_updates):
    """Call claim_ect with a complete set of answers; keyword arguments replace any of them."""

    def claim(**overrides):
        answers = {
            "body": body,
            "record": teacher_record(),
            "started_on": SEPTEMBER,
            "induction_programme": "provider_led",
            "claimed_by": claimer,
            **overrides,
        }
        return claim_ect(**answers)

    return claim


def nothing_saved() -> bool:
    return not (
        InductionPeriod.objects.exists() or TRSInductionUpdate.objects.exists() or Event.objects.exists()
    )


# --- Who can be claimed -------------------------------------------------------------------------


def test_a_teacher_with_qts_and_no_open_induction_can_be_claimed(body):
    assert claim_stop(body=body, record=teacher_record()) is None
    assert claim_stop(body=body, record=teacher_record(induction_status=InductionStatus.IN_PROGRESS)) is None


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {"induction_status": InductionStatus.PASSED},
            "Mary Ann Anning has already passed their induction, so they cannot be claimed.",
        ),
        (
            {"induction_status": InductionStatus.FAILED},
            "Mary Ann Anning has failed their induction, so they cannot be claimed.",
        ),
        (
            {"induction_status": InductionStatus.EXEMPT},
            "Mary Ann Anning is exempt from induction, so there is no induction to claim.",
        ),
        (
            {"prohibited_from_teaching": True},
            "Mary Ann Anning is prohibited from teaching, so they cannot be claimed.",
        ),
        (
            {"qts_awarded_on": None},
            "Mary Ann Anning does not have qualified teacher status (QTS) yet. "
            "You can claim them once it has been awarded.",
        ),
    ],
)
def test_what_trs_says_can_stop_a_claim(body, record, message):
    assert claim_stop(body=body, record=teacher_record(**record)) == message


@pytest.mark.parametrize(("outcome", "word"), [("pass", "passed"), ("fail", "failed")])
def test_an_outcome_recorded_with_us_stops_a_claim_before_trs_has_heard_of_it(
    body, other_body, outcome, word
):
    InductionPeriodFactory(
        teacher=TeacherFactory(trn=TRN),
        appropriate_body=other_body,
        started_on=D(THIS_YEAR - 2, 9, 1),
        finished_on=D(THIS_YEAR, 7, 20),
        number_of_terms=6,
        outcome=outcome,
    )
    assert word in claim_stop(body=body, record=teacher_record(induction_status=InductionStatus.IN_PROGRESS))


def test_an_induction_open_with_another_body_stops_a_claim_and_names_that_body(body, other_body):
    InductionPeriodFactory(teacher=TeacherFactory(trn=TRN), appropriate_body=other_body, started_on=SEPTEMBER)
    assert claim_stop(body=body, record=teacher_record()) == (
        "Mary Ann Anning's induction is open with Hillside Teaching School Hub. "
        "Hillside Teaching School Hub must release them before you can claim them."
    )


def test_an_induction_open_with_this_body_stops_a_claim_and_says_who_to_look_at(body):
    teacher = TeacherFactory(trn=TRN)
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=SEPTEMBER)
    stop = claims.why_not_claimable(body=body, record=teacher_record())
    assert (stop.reason, stop.teacher) == ("claimed_by_you", teacher)
    assert stop.message == (
        f"You have already claimed Mary Ann Anning: their induction with you started on 1 September {THIS_YEAR}."
    )


def test_a_claim_still_to_start_is_spoken_of_in_the_future(body):
    teacher = TeacherFactory(trn=TRN)
    starts = clock.today() + datetime.timedelta(days=30)
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=starts)
    stop = claims.why_not_claimable(body=body, record=teacher_record())
    assert f"their induction with you starts on {starts:%-d %B %Y}." in stop.message


def test_an_induction_another_body_released_does_not_stop_a_claim(body, other_body):
    InductionPeriodFactory(
        teacher=TeacherFactory(trn=TRN),
        appropriate_body=other_body,
        started_on=D(THIS_YEAR - 1, 9, 1),
        finished_on=D(THIS_YEAR, 7, 20),
        number_of_terms=3,
    )
    assert claim_stop(body=body, record=teacher_record()) is None


# --- The start date ---------------------------------------------------------------------------


def test_the_start_date_may_be_the_day_qts_was_awarded_but_not_before():
    assert start_date_problem(record=teacher_record(), started_on=QTS) is None
    assert start_date_problem(record=teacher_record(), started_on=QTS - datetime.timedelta(days=1)) == (
        f"The start date must be on or after the day they were awarded QTS, 20 July {THIS_YEAR}."
    )


def test_the_start_date_may_be_up_to_13_weeks_ahead():
    latest = clock.today() + datetime.timedelta(weeks=13)
    assert start_date_problem(record=teacher_record(), started_on=latest) is None
    assert start_date_problem(record=teacher_record(), started_on=latest + datetime.timedelta(days=1)) == (
        f"The start date must be no more than 13 weeks from today, by {latest.day} {latest:%B %Y}."
    )


def test_the_start_date_must_follow_an_induction_period_that_has_finished(other_body):
    InductionPeriodFactory(
        teacher=TeacherFactory(trn=TRN),
        appropriate_body=other_body,
        started_on=D(THIS_YEAR, 7, 25),
        finished_on=D(THIS_YEAR, 9, 10),
        number_of_terms=0.5,
    )
    assert start_date_problem(record=teacher_record(), started_on=D(THIS_YEAR, 9, 10)) == (
        f"Their induction with Hillside Teaching School Hub ran until 10 September {THIS_YEAR}. "
        f"The start date must be after that, from 11 September {THIS_YEAR}."
    )
    assert start_date_problem(record=teacher_record(), started_on=D(THIS_YEAR, 9, 11)) is None


# --- Claiming ----------------------------------------------------------------------------------


def test_a_claim_makes_the_teacher_opens_their_induction_records_it_and_tells_trs(
    claim,
    body,
    claimer,
    queued_updates,
):
    period = claim(induction_programme="school_led")

    teacher = Teacher.objects.get(trn=TRN)
    assert (teacher.trs_first_name, teacher.trs_last_name, teacher.trs_qts_awarded_on) == (
        "Mary",
        "Anning",
        QTS,
    )
    assert (period.teacher, period.appropriate_body, period.started_on, period.finished_on) == (
        teacher,
        body,
        SEPTEMBER,
        None,
    )
    assert period.induction_programme == "school_led"
    event = Event.objects.get()
    assert (event.event_type, event.teacher, event.appropriate_body) == ("ect_claimed", teacher, body)
    assert (event.actor_type, event.actor_user) == (ActorType.APPROPRIATE_BODY_USER, claimer)
    assert event.heading == (
        f"Riverside Teaching School Hub claimed Mary Anning's induction from 1 September {THIS_YEAR}"
    )
    update = TRSInductionUpdate.objects.get()
    assert (update.teacher, update.trn) == (teacher, TRN)
    assert update.request["status"] == "InProgress"
    assert update.request["startDate"] == SEPTEMBER.isoformat()
    assert update.request["completedDate"] is None


def test_a_teacher_we_knew_is_brought_up_to_date_keeping_the_name_their_school_uses(claim):
    teacher = TeacherFactory(
        trn=TRN,
        trs_first_name="Mary",
        trs_last_name="Smith",
        corrected_name="Molly Anning",
        trs_qts_awarded_on=None,
    )
    InductionPeriodFactory(
        teacher=teacher,
        started_on=D(THIS_YEAR - 1, 9, 1),
        finished_on=D(THIS_YEAR, 7, 20),
        number_of_terms=3,
    )

    claim()

    teacher.refresh_from_db()
    assert (teacher.trs_last_name, teacher.corrected_name, teacher.trs_qts_awarded_on) == (
        "Anning",
        "Molly Anning",
        QTS,
    )
    assert teacher.induction_periods.count() == 2
    assert Event.objects.get().changes["trs_last_name"] == ["Smith", "Anning"]


def test_the_update_for_trs_commits_with_the_claim_and_is_queued_after_it(
    claim, queued_updates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim()
        assert queued_updates == []
    assert queued_updates == [str(TRSInductionUpdate.objects.get().id)]


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({"record": teacher_record(induction_status=InductionStatus.PASSED)}, "has already passed"),
        ({"record": teacher_record(qts_awarded_on=None)}, "does not have qualified teacher status"),
        ({"started_on": QTS - datetime.timedelta(days=1)}, "on or after the day they were awarded QTS"),
        ({"started_on": D(THIS_YEAR + 1, 9, 1)}, "no more than 13 weeks from today"),
    ],
)
def test_a_refused_claim_saves_nothing_and_sends_nothing(claim, answers, says, queued_updates):
    with pytest.raises(CannotClaim, match=says):
        claim(**answers)
    assert nothing_saved()
    assert not Teacher.objects.exists()
    assert queued_updates == []


def test_claiming_an_ect_open_with_another_body_is_refused_naming_it(claim, other_body):
    InductionPeriodFactory(teacher=TeacherFactory(trn=TRN), appropriate_body=other_body, started_on=SEPTEMBER)
    with pytest.raises(CannotClaim, match="open with Hillside Teaching School Hub"):
        claim()
    assert InductionPeriod.objects.count() == 1
    assert not TRSInductionUpdate.objects.exists()


def test_an_unknown_programme_is_the_callers_mistake(claim):
    with pytest.raises(ValueError, match="Unknown induction programme"):
        claim(induction_programme="diy")


def test_the_database_refusing_an_overlap_becomes_a_refusal_naming_the_body_that_has_them(
    claim, other_body, monkeypatch
):
    """As if another write had opened their induction without taking the teacher's lock: the
    exclusion constraint refuses ours, and the body user reads who has them, not a server error."""
    InductionPeriodFactory(teacher=TeacherFactory(trn=TRN), appropriate_body=other_body, started_on=SEPTEMBER)
    monkeypatch.setattr(claims, "why_not_claimable", lambda **kwargs: None)

    with pytest.raises(CannotClaim) as refused:
        claim()

    assert str(refused.value) == (
        "Hillside Teaching School Hub claimed Mary Ann Anning just before you did, so their induction is now "
        "with Hillside Teaching School Hub. Nothing has been saved. Hillside Teaching School Hub must release "
        "them before you can claim them."
    )
    assert InductionPeriod.objects.count() == 1
    assert not TRSInductionUpdate.objects.exists()


# --- Two bodies at once ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("known", [True, False], ids=["teacher known", "teacher new to us"])
def test_two_bodies_claiming_the_same_ect_at_once_exactly_one_wins(
    monkeypatch,
    body,
    other_body,
    claimer,
    queued_updates,
    known,
):
    if known:
        TeacherFactory(trn=TRN)
    refusals = []

    def claim_for(appropriate_body):
        def claim():
            try:
                claim_ect(
                    body=appropriate_body,
                    record=teacher_record(),
                    started_on=SEPTEMBER,
                    induction_programme="provider_led",
                    claimed_by=claimer,
                )
            except CannotClaim as refusal:
                refusals.append(str(refusal))
                raise

        return claim

    outcomes = race(monkeypatch, claim_for(body), claim_for(other_body), hold_after="queue_trs_induction_of")

    assert outcomes == {"first": "done", "second": "CannotClaim"}
    assert refusals == [
        "Mary Ann Anning's induction is open with Riverside Teaching School Hub. "
        "Riverside Teaching School Hub must release them before you can claim them."
    ]
    assert list(InductionPeriod.objects.values_list("appropriate_body", flat=True)) == [body.pk]
    assert TRSInductionUpdate.objects.count() == 1
    assert Event.objects.filter(event_type="ect_claimed").count() == 1


# --- What TRS said, and when --------------------------------------------------------------------


def test_a_record_fetched_before_our_last_refresh_does_not_overwrite_the_teacher(claim):
    refreshed = clock.now() - datetime.timedelta(hours=1)
    teacher = TeacherFactory(
        trn=TRN,
        trs_first_name="Mary",
        trs_last_name="Smith",
        trs_induction_status=InductionStatus.IN_PROGRESS,
        trs_data_refreshed_at=refreshed,
    )

    claim(record=teacher_record(fetched_at=refreshed - datetime.timedelta(days=3)))

    teacher.refresh_from_db()
    assert (teacher.trs_last_name, teacher.trs_induction_status) == ("Smith", InductionStatus.IN_PROGRESS)
    assert teacher.trs_data_refreshed_at == refreshed
    assert "trs_last_name" not in Event.objects.get().changes


def test_a_record_fetched_after_our_last_refresh_overwrites_the_teacher_stamped_with_its_fetch_time(claim):
    fetched = clock.now() - datetime.timedelta(minutes=10)
    teacher = TeacherFactory(
        trn=TRN, trs_last_name="Smith", trs_data_refreshed_at=fetched - datetime.timedelta(days=1)
    )

    claim(record=teacher_record(fetched_at=fetched))

    teacher.refresh_from_db()
    assert (teacher.trs_last_name, teacher.trs_data_refreshed_at) == ("Anning", fetched)


def test_the_record_kept_in_the_session_or_an_upload_keeps_when_it_was_fetched():
    fetched = clock.now() - datetime.timedelta(minutes=10)
    assert kept_record(record_to_keep(teacher_record(fetched_at=fetched))).fetched_at == fetched


# --- An induction TRS says began before ours --------------------------------------------------


def test_claiming_a_teacher_trs_has_in_progress_from_earlier_keeps_trss_start(claim, fake_trs):
    """Amara's induction began with a body before our service (TRS: in progress since two
    Septembers ago): claiming her today tells TRS she is in progress from that start, not today."""
    trs_start = D(THIS_YEAR - 2, 9, 2)
    record = find_teacher(trn="9990001")
    assert record.induction_started_on == trs_start

    claim(record=record, started_on=clock.today())

    teacher = Teacher.objects.get(trn="9990001")
    assert teacher.trs_induction_started_on == trs_start
    update = TRSInductionUpdate.objects.get()
    assert (update.request["status"], update.request["startDate"]) == ("InProgress", trs_start.isoformat())
    send_trs_induction_update_now(update_id=update.id)
    [write] = fake_trs.writes_for("9990001")
    assert (write.status, write.body["startDate"]) == (204, trs_start.isoformat())
    assert find_teacher(trn="9990001").induction_started_on == trs_start


def test_releasing_with_no_term_served_leaves_trss_earlier_start(claim, body, claimer):
    trs_start = D(THIS_YEAR - 2, 9, 2)
    claim(
        record=teacher_record(induction_status=InductionStatus.IN_PROGRESS, induction_started_on=trs_start),
        started_on=clock.today(),
    )

    record_outcome(
        body=body,
        teacher=Teacher.objects.get(trn=TRN),
        outcome="release",
        finished_on=clock.today(),
        number_of_terms=0,
        recorded_by=claimer,
    )

    released = TRSInductionUpdate.objects.order_by("created_at").last()
    assert (released.request["status"], released.request["startDate"]) == (
        "InProgress",
        trs_start.isoformat(),
    )


def test_once_claimed_with_us_trss_start_is_not_taken_back_from_what_we_wrote(claim, other_body):
    """TRS held no start; a claim made by mistake wrote one and was released. Claimed again, what
    TRS now says of the start is our own mistake's, so we keep holding none."""
    teacher = TeacherFactory(trn=TRN, trs_induction_started_on=None)
    InductionPeriodFactory(
        teacher=teacher,
        appropriate_body=other_body,
        started_on=D(THIS_YEAR, 9, 1),
        finished_on=D(THIS_YEAR, 9, 2),
        number_of_terms=0,
    )

    claim(
        record=teacher_record(
            induction_status=InductionStatus.IN_PROGRESS, induction_started_on=D(THIS_YEAR, 9, 1)
        ),
        started_on=D(THIS_YEAR, 10, 1),
    )

    teacher.refresh_from_db()
    assert teacher.trs_induction_started_on is None
    update = TRSInductionUpdate.objects.get()
    assert update.request["startDate"] == D(THIS_YEAR, 10, 1).isoformat()


def test_the_record_kept_in_the_session_or_an_upload_keeps_trss_induction_start():
    started = D(THIS_YEAR - 2, 9, 2)
    assert (
        kept_record(record_to_keep(teacher_record(induction_started_on=started))).induction_started_on
        == started
    )
    assert kept_record(record_to_keep(teacher_record())).induction_started_on is None
