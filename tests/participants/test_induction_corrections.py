"""DfE support correct a mistaken induction period: change or delete it, with a reason; an event on
the teacher's timeline; TRS told when what it should hold changes; the database's rules in words."""

import datetime
from decimal import Decimal

import pytest

from audit.models import ActorType, Event
from participants import services
from participants.models import InductionOutcome, InductionPeriod, InductionStatus, TRSInductionUpdate
from participants.services import induction_for_trs
from participants.services.induction_corrections import TRSInduction
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import AppropriateBodyFactory, InductionPeriodFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

LAST_SEPTEMBER = datetime.date(LAST_YEAR, 9, 1)
LAST_DAY_OF_SUMMER_TERM = datetime.date(THIS_YEAR, 7, 20)
THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


@pytest.fixture
def staff():
    return UserFactory(full_name="Sam Support", is_staff=True)


def finished(teacher=None, outcome="", **fields):
    return InductionPeriodFactory(
        **({"teacher": teacher} if teacher else {}),
        started_on=LAST_SEPTEMBER,
        finished_on=LAST_DAY_OF_SUMMER_TERM,
        outcome=outcome,
        **{"number_of_terms": Decimal("3.0"), **fields},
    )


def sent_to_trs(teacher) -> list[dict]:
    return [
        update.request for update in TRSInductionUpdate.objects.filter(teacher=teacher).order_by("created_at")
    ]


def trs(status, started_on=None, completed_on=None):
    return TRSInduction(status, started_on, completed_on)


# --- What TRS should hold -----------------------------------------------------------------------


def test_what_trs_should_hold_follows_the_periods():
    teacher = TeacherFactory()
    assert induction_for_trs([]) == trs(InductionStatus.REQUIRED_TO_COMPLETE)
    released = finished(teacher)
    assert induction_for_trs([released]) == trs(InductionStatus.IN_PROGRESS, LAST_SEPTEMBER)
    open_period = InductionPeriodFactory(teacher=teacher, started_on=THIS_SEPTEMBER)
    assert induction_for_trs([open_period, released]) == trs(InductionStatus.IN_PROGRESS, LAST_SEPTEMBER)
    passed = finished(outcome=InductionOutcome.PASS)
    assert induction_for_trs([passed]) == trs(InductionStatus.PASSED, LAST_SEPTEMBER, LAST_DAY_OF_SUMMER_TERM)
    failed = finished(outcome=InductionOutcome.FAIL)
    assert induction_for_trs([failed]) == trs(InductionStatus.FAILED, LAST_SEPTEMBER, LAST_DAY_OF_SUMMER_TERM)


def test_a_period_released_with_no_term_served_does_not_count_for_trs():
    """A claim made by mistake and released at once: TRS's start date is the real one's."""
    teacher = TeacherFactory()
    mistake = finished(teacher, number_of_terms=0)
    assert induction_for_trs([mistake]) == trs(InductionStatus.REQUIRED_TO_COMPLETE)
    real = InductionPeriodFactory(teacher=teacher, started_on=THIS_SEPTEMBER)
    assert induction_for_trs([mistake, real]) == trs(InductionStatus.IN_PROGRESS, THIS_SEPTEMBER)


TWO_SEPTEMBERS_AGO = datetime.date(LAST_YEAR - 1, 9, 2)


def test_trs_keeps_an_earlier_start_than_ours():
    """Their induction began with a body before our service: TRS's start stays, whatever we send."""
    teacher = TeacherFactory()
    claimed = InductionPeriodFactory(teacher=teacher, started_on=THIS_SEPTEMBER)
    assert induction_for_trs([claimed], trs_started_on=TWO_SEPTEMBERS_AGO) == trs(
        InductionStatus.IN_PROGRESS, TWO_SEPTEMBERS_AGO
    )
    passed = finished(outcome=InductionOutcome.PASS)
    assert induction_for_trs([passed], trs_started_on=TWO_SEPTEMBERS_AGO) == trs(
        InductionStatus.PASSED, TWO_SEPTEMBERS_AGO, LAST_DAY_OF_SUMMER_TERM
    )
    released = finished(teacher)
    assert induction_for_trs([released], trs_started_on=TWO_SEPTEMBERS_AGO) == trs(
        InductionStatus.IN_PROGRESS, TWO_SEPTEMBERS_AGO
    )


def test_our_earlier_start_wins_over_a_later_one_in_trs():
    teacher = TeacherFactory()
    claimed = InductionPeriodFactory(teacher=teacher, started_on=LAST_SEPTEMBER)
    assert induction_for_trs([claimed], trs_started_on=THIS_SEPTEMBER) == trs(
        InductionStatus.IN_PROGRESS, LAST_SEPTEMBER
    )


def test_releasing_with_no_term_served_leaves_the_start_trs_held_before():
    """A claim made by mistake over an induction begun elsewhere: TRS goes back to its own start,
    never to "required to complete"."""
    mistake = finished(number_of_terms=0)
    assert induction_for_trs([mistake], trs_started_on=TWO_SEPTEMBERS_AGO) == trs(
        InductionStatus.IN_PROGRESS, TWO_SEPTEMBERS_AGO
    )
    assert induction_for_trs([], trs_started_on=TWO_SEPTEMBERS_AGO) == trs(
        InductionStatus.IN_PROGRESS, TWO_SEPTEMBERS_AGO
    )


def test_deleting_the_only_period_gives_trs_back_its_own_start(staff):
    """TRS held a start before the claim: deleting the claim leaves their induction in progress
    from that start, not "required to complete"."""
    period = InductionPeriodFactory(
        teacher=TeacherFactory(trs_induction_started_on=THIS_SEPTEMBER), started_on=LAST_SEPTEMBER
    )

    services.delete_induction_period(period=period, reason="Claimed by mistake", deleted_by=staff)

    [sent] = sent_to_trs(period.teacher)
    assert (sent["status"], sent["startDate"]) == ("InProgress", THIS_SEPTEMBER.isoformat())


def test_correcting_a_start_later_never_moves_trss_start_later(staff):
    period = InductionPeriodFactory(
        teacher=TeacherFactory(trs_induction_started_on=LAST_SEPTEMBER), started_on=LAST_SEPTEMBER
    )

    services.correct_induction_period(
        period=period,
        values={"started_on": THIS_SEPTEMBER},
        reason="Started a year later",
        corrected_by=staff,
    )

    assert sent_to_trs(period.teacher) == []


# --- Correcting ---------------------------------------------------------------------------------


def test_a_correction_is_an_event_with_before_after_and_reason(staff):
    period = finished(appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"))
    services.correct_induction_period(
        period=period,
        values={"number_of_terms": Decimal("2.5")},
        reason="The body counted a part term as a whole one",
        corrected_by=staff,
    )
    period.refresh_from_db()
    assert period.number_of_terms == Decimal("2.5")
    event = Event.objects.get(event_type="induction_period_corrected_by_support")
    assert event.teacher == period.teacher and event.appropriate_body == period.appropriate_body
    assert event.actor_type == ActorType.DFE_STAFF and event.actor_user == staff
    assert event.changes == {"number_of_terms": ["3.0", "2.5"]}
    assert event.reason == "The body counted a part term as a whole one"
    assert "Riverside Teaching School Hub" in event.heading and "number of terms" in event.heading
    # TRS holds "in progress from last September" either way: nothing to tell it.
    assert sent_to_trs(period.teacher) == []


def test_nothing_changed_is_nothing_recorded(staff):
    period = finished()
    services.correct_induction_period(
        period=period, values={"number_of_terms": Decimal("3.0")}, reason="Looked", corrected_by=staff
    )
    assert not Event.objects.exists()


def test_a_changed_outcome_is_sent_to_trs(staff):
    period = finished(outcome=InductionOutcome.PASS)
    services.correct_induction_period(
        period=period,
        values={"outcome": InductionOutcome.FAIL},
        reason="The body recorded the wrong outcome",
        corrected_by=staff,
    )
    [sent] = sent_to_trs(period.teacher)
    assert (sent["status"], sent["startDate"], sent["completedDate"]) == (
        "Failed",
        LAST_SEPTEMBER.isoformat(),
        LAST_DAY_OF_SUMMER_TERM.isoformat(),
    )


def test_a_changed_start_of_their_induction_is_sent_to_trs(staff):
    period = InductionPeriodFactory(started_on=THIS_SEPTEMBER)
    services.correct_induction_period(
        period=period,
        values={"started_on": LAST_SEPTEMBER},
        reason="Typed the wrong year",
        corrected_by=staff,
    )
    [sent] = sent_to_trs(period.teacher)
    assert (sent["status"], sent["startDate"]) == ("InProgress", LAST_SEPTEMBER.isoformat())


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"started_on": datetime.date(THIS_YEAR, 7, 1)}, "already has an induction period on these dates"),
        ({"number_of_terms": Decimal("17.0")}, "between 0 and 16"),
        ({"finished_on": datetime.date(LAST_YEAR, 8, 1)}, "same as or after the start date"),
        ({"finished_on": None}, "needs its number of terms"),
    ],
)
def test_a_correction_the_database_refuses_is_said_in_words_and_saves_nothing(staff, values, message):
    earlier = finished()
    later = InductionPeriodFactory(teacher=earlier.teacher, started_on=THIS_SEPTEMBER)
    period = later if "started_on" in values else earlier
    with pytest.raises(services.CorrectionRefused, match=message):
        services.correct_induction_period(period=period, values=values, reason="Oops", corrected_by=staff)
    assert not Event.objects.exists() and not TRSInductionUpdate.objects.exists()
    period.refresh_from_db()
    assert (period.started_on, period.finished_on, period.number_of_terms) in [
        (LAST_SEPTEMBER, LAST_DAY_OF_SUMMER_TERM, Decimal("3.0")),
        (THIS_SEPTEMBER, None, None),
    ]


# --- Deleting -----------------------------------------------------------------------------------


def test_deleting_the_only_open_period_tells_trs_they_must_still_complete(staff):
    period = InductionPeriodFactory(
        started_on=THIS_SEPTEMBER,
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
    )
    teacher = period.teacher
    services.delete_induction_period(period=period, reason="Claimed the wrong teacher", deleted_by=staff)
    assert not InductionPeriod.objects.exists()
    event = Event.objects.get(event_type="induction_period_deleted_by_support")
    assert event.teacher == teacher and event.reason == "Claimed the wrong teacher"
    assert event.changes["started_on"] == [THIS_SEPTEMBER.isoformat(), None]
    assert event.changes["appropriate_body"] == ["Riverside Teaching School Hub", None]
    [sent] = sent_to_trs(teacher)
    assert (sent["status"], sent["startDate"], sent["completedDate"]) == ("RequiredToComplete", None, None)


def test_deleting_a_period_trs_would_not_notice_sends_nothing(staff):
    earlier = finished()
    mistaken = InductionPeriodFactory(teacher=earlier.teacher, started_on=THIS_SEPTEMBER)
    services.delete_induction_period(period=mistaken, reason="Recorded twice", deleted_by=staff)
    assert list(InductionPeriod.objects.all()) == [earlier]
    assert sent_to_trs(earlier.teacher) == []


def test_deleting_a_period_already_deleted_is_refused(staff):
    period = InductionPeriodFactory()
    stale = InductionPeriod.objects.get(pk=period.pk)
    services.delete_induction_period(period=period, reason="Mistake", deleted_by=staff)
    with pytest.raises(services.CorrectionRefused, match="already been deleted"):
        services.delete_induction_period(period=stale, reason="Mistake", deleted_by=staff)
