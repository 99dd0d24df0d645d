"""What an appropriate body may see, and the rule of each of its four review lists."""

import datetime

import pytest
from django.http import Http404

from appropriate_bodies import queries
from core import clock
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyAccessFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QTS = datetime.date(THIS_YEAR, 7, 20)
THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)
LAST_MONTH = datetime.date(THIS_YEAR, 10, 20)  # TEST_DAY is 20 November


def reported(body, **teacher):
    """An ECT at school now, whose school reported `body` as their appropriate body."""
    return ECTAtSchoolPeriodFactory(
        started_on=THIS_SEPTEMBER,
        school_reported_appropriate_body=body,
        teacher=TeacherFactory(**{"trs_qts_awarded_on": QTS, **teacher}),
    ).teacher


def on_list(body, slug) -> set:
    return set(queries.review_list(body, slug))


def test_bodies_for_a_person_are_those_with_current_access(body, other_body):
    user = UserFactory()
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    ended = AppropriateBodyAccessFactory(user=user, appropriate_body=other_body)
    ended.ended_at = clock.now()
    ended.save()
    assert list(queries.bodies_for(user)) == [body]
    assert queries.body_for(user, body.pk) == body
    with pytest.raises(Http404):
        queries.body_for(user, other_body.pk)


def test_a_body_sees_teachers_it_claimed_or_was_reported_for_and_no_one_else(body, other_body):
    claimed = InductionPeriodFactory(appropriate_body=body, teacher__trs_qts_awarded_on=QTS).teacher
    claimed_long_ago = InductionPeriodFactory(
        appropriate_body=body, finished_on=datetime.date(THIS_YEAR, 7, 1), number_of_terms=3
    ).teacher
    reported_to_it = reported(body)
    someone_elses = reported(other_body)
    InductionPeriodFactory(appropriate_body=other_body, teacher=someone_elses)
    assert set(queries.teachers_visible_to(body)) == {claimed, claimed_long_ago, reported_to_it}
    assert queries.teacher_for(body, reported_to_it.pk) == reported_to_it
    with pytest.raises(Http404):
        queries.teacher_for(body, someone_elses.pk)


def test_reported_and_not_yet_claimed(body, other_body):
    waiting = reported(body)
    claimed_by_us = reported(body)
    InductionPeriodFactory(teacher=claimed_by_us, appropriate_body=body)
    claimed_by_another = reported(body)
    InductionPeriodFactory(teacher=claimed_by_another, appropriate_body=other_body)
    released_by_another = reported(body)
    InductionPeriodFactory(
        teacher=released_by_another,
        appropriate_body=other_body,
        finished_on=datetime.date(THIS_YEAR, 8, 31),
        number_of_terms=3,
    )
    left_the_school = reported(body)
    left_the_school.ect_at_school_periods.update(finished_on=LAST_MONTH)
    assert on_list(body, "reported") == {waiting, released_by_another}


def test_left_their_school_but_still_open_with_us(body, other_body):
    def ect_who_left(induction_body, **period):
        period = ECTAtSchoolPeriodFactory(
            started_on=THIS_SEPTEMBER, finished_on=LAST_MONTH, school_reported_appropriate_body=body, **period
        )
        InductionPeriodFactory(teacher=period.teacher, appropriate_body=induction_body)
        return period.teacher

    left = ect_who_left(body)
    ect_who_left(other_body)  # open with another body: not ours to release
    moved_school = ect_who_left(body)
    ECTAtSchoolPeriodFactory(teacher=moved_school, started_on=LAST_MONTH + datetime.timedelta(days=1))
    still_there = reported(body)
    InductionPeriodFactory(teacher=still_there, appropriate_body=body)
    leaves_next_month = reported(body)
    leaves_next_month.ect_at_school_periods.update(finished_on=datetime.date(THIS_YEAR, 12, 20))
    InductionPeriodFactory(teacher=leaves_next_month, appropriate_body=body)
    assert on_list(body, "left") == {left}


def test_no_qts_yet(body, other_body):
    no_qts = reported(body, trs_qts_awarded_on=None)
    reported(body)
    reported(other_body, trs_qts_awarded_on=None)
    assert on_list(body, "no-qts") == {no_qts}


def test_claimed_by_another_body(body, other_body):
    elsewhere = reported(body)
    InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body)
    ours = reported(body)
    InductionPeriodFactory(teacher=ours, appropriate_body=body)
    finished_elsewhere = reported(body)
    InductionPeriodFactory(
        teacher=finished_elsewhere,
        appropriate_body=other_body,
        finished_on=datetime.date(THIS_YEAR, 8, 31),
        number_of_terms=3,
    )
    assert on_list(body, "claimed-elsewhere") == {elsewhere}


def test_counts_match_the_lists(body, other_body):
    reported(body)
    reported(body, trs_qts_awarded_on=None)
    elsewhere = reported(body)
    InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body)
    counts = queries.review_counts(body)
    assert counts == {slug: len(on_list(body, slug)) for slug in queries.REVIEW_LISTS}
    assert counts == {"reported": 2, "left": 0, "no-qts": 1, "claimed-elsewhere": 1}


def test_search_by_name_or_trn(body):
    ada = reported(body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567")
    reported(body, trs_first_name="Charles", trs_last_name="Babbage")
    assert list(queries.review_list(body, "reported", search="ada love")) == [ada]
    assert list(queries.review_list(body, "reported", search="1234567")) == [ada]
    assert list(queries.review_list(body, "reported", search="Mary")) == []


def test_an_unknown_list_is_not_found(body):
    with pytest.raises(Http404):
        queries.review_list(body, "everyone")


def test_counts_and_lists_take_a_fixed_number_of_queries(body, other_body, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            reported(body)
            reported(body, trs_qts_awarded_on=None)
            elsewhere = reported(body)
            InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body)

    lists = len(queries.REVIEW_LISTS)
    add(2)
    with django_assert_max_num_queries(lists):
        queries.review_counts(body)
    add(20)
    with django_assert_max_num_queries(lists):
        queries.review_counts(body)
    for slug in queries.REVIEW_LISTS:
        with django_assert_max_num_queries(2):  # the list's ids, then its teachers
            [teacher.school_name for teacher in queries.review_list(body, slug)]


def test_someone_whose_induction_has_an_outcome_is_not_waiting_to_be_claimed(body, other_body):
    """A pass ends the ECT's time at school today, so their school still reports the body today:
    they are done, not waiting."""
    passed = reported(body)
    InductionPeriodFactory(
        teacher=passed,
        appropriate_body=other_body,
        finished_on=datetime.date(THIS_YEAR, 10, 1),
        number_of_terms=6,
        outcome="pass",
    )
    waiting = reported(body)
    assert on_list(body, "reported") == {waiting}
    assert queries.review_counts(body)["reported"] == 1
