"""Two transactions racing to break an invariant: Postgres lets exactly one win.

The first transaction writes and holds its transaction open until the second one's write
is seen waiting on a lock in pg_stat_activity; then the first commits and the second
either proceeds (and must fail) or fails. No sleeps decide the outcome.
"""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, MentorshipPeriod, TrainingPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date


def wait_until_a_backend_waits_on_a_lock(timeout=10.0):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited on the first")


def race(first_write, second_write):
    """Run both writes in their own transactions, overlapping; return what happened to each."""
    outcomes = {}
    first_written = threading.Event()
    second_is_waiting = threading.Event()

    def attempt(name, write, before_commit):
        try:
            with transaction.atomic():
                write()
                before_commit()
            outcomes[name] = "committed"
        except IntegrityError as error:
            outcomes[name] = error.__cause__.diag.constraint_name
        finally:
            connections.close_all()

    def first_holds_open():
        first_written.set()
        assert second_is_waiting.wait(timeout=15)

    first = threading.Thread(target=attempt, args=("first", first_write, first_holds_open))
    second = threading.Thread(target=attempt, args=("second", second_write, lambda: None))
    first.start()
    assert first_written.wait(timeout=15)
    second.start()
    wait_until_a_backend_waits_on_a_lock()
    second_is_waiting.set()
    first.join(timeout=30)
    second.join(timeout=30)
    return outcomes


def test_two_schools_registering_the_same_ect_at_once_exactly_one_wins():
    teacher = TeacherFactory()
    school_a, school_b = SchoolFactory(), SchoolFactory()

    def register_at(school):
        return lambda: ECTAtSchoolPeriod.objects.create(
            teacher=teacher, school=school, started_on=D(THIS_YEAR - 1, 9, 1), email="ect@example.com"
        )

    outcomes = race(register_at(school_a), register_at(school_b))

    assert outcomes == {"first": "committed", "second": "ect_at_one_school_at_a_time"}
    assert list(ECTAtSchoolPeriod.objects.filter(teacher=teacher).values_list("school", flat=True)) == [
        school_a.pk
    ]


def test_shortening_a_period_while_training_is_added_beyond_it_exactly_one_wins():
    period = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))

    def finish_period_in_december():
        ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(finished_on=D(THIS_YEAR - 1, 12, 31))

    def add_ongoing_training():
        TrainingPeriod.objects.create(
            ect_at_school_period_id=period.pk,
            started_on=D(THIS_YEAR - 1, 9, 1),
            training_programme="school_led",
        )

    outcomes = race(finish_period_in_december, add_ongoing_training)

    assert outcomes == {"first": "committed", "second": "training_period_within_school_period"}
    assert not TrainingPeriod.objects.filter(ect_at_school_period=period).exists()


def test_adding_training_while_the_period_is_shortened_exactly_one_wins():
    period = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))

    def add_ongoing_training():
        TrainingPeriod.objects.create(
            ect_at_school_period_id=period.pk,
            started_on=D(THIS_YEAR - 1, 9, 1),
            training_programme="school_led",
        )

    def finish_period_in_december():
        ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(finished_on=D(THIS_YEAR - 1, 12, 31))

    outcomes = race(add_ongoing_training, finish_period_in_december)

    assert outcomes == {"first": "committed", "second": "training_period_within_school_period"}
    assert ECTAtSchoolPeriod.objects.get(pk=period.pk).finished_on is None


def test_an_ect_and_their_mentor_leaving_at_once_do_not_wait_on_each_other():
    """Each period's update checks only its own children, so neither waits for the other (no deadlock)."""
    mentorship = MentorshipPeriodFactory(finished_on=D(THIS_YEAR, 3, 31))
    ect_updated = threading.Event()
    mentor_committed = threading.Event()
    outcomes = {}

    def finish_ect_and_hold_open():
        try:
            with transaction.atomic():
                ECTAtSchoolPeriod.objects.filter(pk=mentorship.mentee_id).update(
                    finished_on=D(THIS_YEAR, 3, 31)
                )
                ect_updated.set()
                outcomes["mentor committed while the ECT's change was open"] = mentor_committed.wait(
                    timeout=10
                )
        finally:
            connections.close_all()

    def finish_mentor():
        try:
            with transaction.atomic():
                MentorAtSchoolPeriod.objects.filter(pk=mentorship.mentor_id).update(
                    finished_on=D(THIS_YEAR, 3, 31)
                )
            mentor_committed.set()
        finally:
            connections.close_all()

    ect_thread = threading.Thread(target=finish_ect_and_hold_open)
    ect_thread.start()
    assert ect_updated.wait(timeout=15)
    mentor_thread = threading.Thread(target=finish_mentor)
    mentor_thread.start()
    mentor_thread.join(timeout=30)
    ect_thread.join(timeout=30)

    assert outcomes == {"mentor committed while the ECT's change was open": True}
    assert ECTAtSchoolPeriod.objects.get(pk=mentorship.mentee_id).finished_on == D(THIS_YEAR, 3, 31)
    assert MentorAtSchoolPeriod.objects.get(pk=mentorship.mentor_id).finished_on == D(THIS_YEAR, 3, 31)


def test_finishing_a_mentor_period_while_a_mentorship_is_added_beyond_it_exactly_one_wins():
    ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
    mentor = MentorAtSchoolPeriodFactory(school=ect.school, started_on=D(THIS_YEAR - 1, 9, 1))

    def finish_mentor_in_december():
        MentorAtSchoolPeriod.objects.filter(pk=mentor.pk).update(finished_on=D(THIS_YEAR - 1, 12, 31))

    def pair_them_ongoing():
        MentorshipPeriod.objects.create(
            mentee_id=ect.pk, mentor_id=mentor.pk, started_on=D(THIS_YEAR - 1, 9, 1)
        )

    outcomes = race(finish_mentor_in_december, pair_them_ongoing)

    assert outcomes == {"first": "committed", "second": "mentorship_within_mentor_period"}
    assert not MentorshipPeriod.objects.filter(mentor=mentor).exists()
