"""The year page's lists run SQL built once (`people_list`): each school, year, day and status
must get exactly the rows `ects_in_year` / `mentors_in_year` give."""

import datetime

import pytest

from core import clock
from core.precompiled import PrecompiledQuery
from participants.models import ECTAtSchoolPeriod, InductionStatus, MentorAtSchoolPeriod
from participants.queries import (
    ALL_TIME,
    Status,
    ect_at_school,
    ects_in_year,
    mentor_at_school,
    mentors_in_year,
    people_list,
)
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)
# (status, search): by name, by TRN, spaces and LIKE's own characters (taken literally), none.
SEARCHES = [
    ("", "tRaIn"),
    (Status.TRAINING, "  ta  "),
    ("", "Tara Training"),
    (Status.NO_LONGER_TRAINING, "Le"),
    ("", "1"),
    ("", "%"),
    ("", "_a"),
    ("", "\\"),
    ("", "   "),
]
SHOWN = ["pk", "name", "trn", "status", "tag", "started_on", "finished_on"]
ECT_SHOWN = [*SHOWN, "mentor_name", "next_mentor_name", "next_mentor_from"]


def person(factory, school, first, last, *, started_on=THIS_SEPTEMBER, **kwargs):
    teacher = TeacherFactory(trs_first_name=first, trs_last_name=last)
    return factory(teacher=teacher, school=school, started_on=started_on, **kwargs)


def rows(people, fields):
    return [tuple(getattr(one, field) for field in fields) for one in people]


DAYS = [THIS_SEPTEMBER, datetime.date(THIS_YEAR, 11, 15), datetime.date(THIS_YEAR + 1, 1, 5)]


def everyone():
    """Two schools, two years, and an ECT or mentor of each kind the lists tell apart."""
    last_year = ContractPeriodFactory(year=THIS_YEAR - 1)
    this_year = ContractPeriodFactory(year=THIS_YEAR)
    school, other_school = SchoolFactory(), SchoolFactory()
    training = person(ECTAtSchoolPeriodFactory, school, "Tara", "Training")
    person(ECTAtSchoolPeriodFactory, school, "Lee", "Left", finished_on=datetime.date(THIS_YEAR, 10, 31))
    person(ECTAtSchoolPeriodFactory, school, "Sam", "Starting", started_on=datetime.date(THIS_YEAR, 11, 1))
    person(ECTAtSchoolPeriodFactory, school, "Liz", "Lastyear", started_on=datetime.date(THIS_YEAR - 1, 9, 1))
    passed = person(ECTAtSchoolPeriodFactory, school, "Pat", "Passed")
    passed.teacher.trs_induction_status = InductionStatus.PASSED
    passed.teacher.save()
    failed = person(ECTAtSchoolPeriodFactory, school, "Fay", "Failed")
    InductionPeriodFactory(
        teacher=failed.teacher,
        appropriate_body=AppropriateBodyFactory(),
        started_on=THIS_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 11, 1),
        number_of_terms=1,
        outcome="fail",
    )
    withdrawn = person(ECTAtSchoolPeriodFactory, school, "Wes", "Withdrawn")
    TrainingPeriodFactory(ect_at_school_period=withdrawn, withdrawn_at=clock.now(), withdrawal_reason="moved")
    person(ECTAtSchoolPeriodFactory, other_school, "Olu", "Otherschool")
    mentor = person(MentorAtSchoolPeriodFactory, school, "Mo", "Mentor")
    person(MentorAtSchoolPeriodFactory, school, "Max", "Moved", finished_on=datetime.date(THIS_YEAR, 12, 1))
    MentorshipPeriodFactory(mentee=training, mentor=mentor)
    return school, other_school, last_year, this_year


def test_the_lists_are_the_querysets_rows_for_each_school_year_day_and_status():
    school, other_school, last_year, this_year = everyone()
    compared = 0
    for in_year, fields, statuses in (
        (
            ects_in_year,
            ECT_SHOWN,
            ["", Status.TRAINING, Status.COMPLETED_INDUCTION, Status.NO_LONGER_TRAINING],
        ),
        (mentors_in_year, SHOWN, ["", Status.TRAINING, Status.NO_LONGER_TRAINING]),
    ):
        for each_school in (school, other_school):
            for contract_period in (last_year, this_year):
                for today in DAYS:
                    for status, search in [(status, "") for status in statuses] + SEARCHES:
                        expected = rows(
                            in_year(each_school, contract_period, today=today, status=status, search=search),
                            fields,
                        )
                        listed = people_list(
                            in_year, each_school, contract_period, today=today, status=status, search=search
                        )
                        assert rows(listed, fields) == expected
                        compared += len(expected)
    assert compared > 50  # the lists were not all empty


def test_a_persons_page_finds_the_row_the_queryset_gives_and_no_other_schools():
    school, other_school, *_ = everyone()
    compared = 0
    for in_year, at_school, fields, model in (
        (ects_in_year, ect_at_school, ECT_SHOWN, ECTAtSchoolPeriod),
        (mentors_in_year, mentor_at_school, SHOWN, MentorAtSchoolPeriod),
    ):
        for period in model.objects.all():
            for each_school in (school, other_school):
                for today in DAYS:
                    expected = rows(in_year(each_school, ALL_TIME, today=today).filter(pk=period.pk), fields)
                    found = at_school(each_school, period.pk, today=today)
                    assert rows([found] if found else [], fields) == expected
                    compared += len(expected)
    assert compared == 3 * (ECTAtSchoolPeriod.objects.count() + MentorAtSchoolPeriod.objects.count())


def test_a_persons_page_has_their_teacher_body_and_trainings_without_more_queries(django_assert_num_queries):
    school, *_ = everyone()
    withdrawn = ECTAtSchoolPeriod.objects.get(teacher__trs_last_name="Withdrawn")
    withdrawn.school_reported_appropriate_body = AppropriateBodyFactory()
    withdrawn.save()
    found = ect_at_school(school, withdrawn.pk, today=THIS_SEPTEMBER)
    with django_assert_num_queries(0):
        assert found.teacher.trs_last_name == "Withdrawn"
        assert found.school_reported_appropriate_body == withdrawn.school_reported_appropriate_body
        assert [training.withdrawal_reason for training in found.trainings] == ["moved"]


def test_a_stand_in_the_query_does_not_use_is_refused():
    query = PrecompiledQuery(lambda: ECTAtSchoolPeriod.objects.filter(pk=-1), [-1, -2])
    with pytest.raises(ValueError, match="-2"):
        query.run({-1: 1, -2: 2})
