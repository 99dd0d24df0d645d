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

from participants.models import ECTAtSchoolPeriod, TrainingPeriod
from tests.factories import ECTAtSchoolPeriodFactory, SchoolFactory, TeacherFactory

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
            teacher=teacher, school=school, started_on=D(2025, 9, 1), email="ect@example.com"
        )

    outcomes = race(register_at(school_a), register_at(school_b))

    assert outcomes == {"first": "committed", "second": "ect_at_one_school_at_a_time"}
    assert list(ECTAtSchoolPeriod.objects.filter(teacher=teacher).values_list("school", flat=True)) == [
        school_a.pk
    ]


def test_shortening_a_period_while_training_is_added_beyond_it_exactly_one_wins():
    period = ECTAtSchoolPeriodFactory(started_on=D(2025, 9, 1))

    def finish_period_in_december():
        ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(finished_on=D(2025, 12, 31))

    def add_ongoing_training():
        TrainingPeriod.objects.create(
            ect_at_school_period_id=period.pk, started_on=D(2025, 9, 1), training_programme="school_led"
        )

    outcomes = race(finish_period_in_december, add_ongoing_training)

    assert outcomes == {"first": "committed", "second": "training_period_within_school_period"}
    assert not TrainingPeriod.objects.filter(ect_at_school_period=period).exists()


def test_adding_training_while_the_period_is_shortened_exactly_one_wins():
    period = ECTAtSchoolPeriodFactory(started_on=D(2025, 9, 1))

    def add_ongoing_training():
        TrainingPeriod.objects.create(
            ect_at_school_period_id=period.pk, started_on=D(2025, 9, 1), training_programme="school_led"
        )

    def finish_period_in_december():
        ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(finished_on=D(2025, 12, 31))

    outcomes = race(add_ongoing_training, finish_period_in_december)

    assert outcomes == {"first": "committed", "second": "training_period_within_school_period"}
    assert ECTAtSchoolPeriod.objects.get(pk=period.pk).finished_on is None
