"""An ECT or mentor leaving their school: what finishes, what is removed, what is refused, what is
recorded."""

import datetime

import pytest

from audit.models import ActorType, Event
from participants import services
from participants.models import ECTAtSchoolPeriod, MentorshipPeriod, TrainingPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(THIS_YEAR, 11, 23)
STARTED = D(THIS_YEAR - 1, 9, 1)


@pytest.fixture
def leave(tutor):
    def leave(period, leaving_on, moving_school=services.MovingSchool.YES):
        return services.record_leaving(
            period=period, leaving_on=leaving_on, moving_school=moving_school, reported_by=tutor, today=TODAY
        )

    return leave


def person(first, last):
    return TeacherFactory(trs_first_name=first, trs_last_name=last)


@pytest.fixture
def ect(school):
    period = ECTAtSchoolPeriodFactory(school=school, teacher=person("Amara", "Okafor"), started_on=STARTED)
    TrainingPeriodFactory(ect_at_school_period=period, expression_of_interest=ActiveLeadProviderFactory())
    return period


@pytest.fixture
def mentor(school):
    return MentorAtSchoolPeriodFactory(school=school, teacher=person("Mo", "Mentor"), started_on=STARTED)


class TestAnECTLeaving:
    def test_their_period_training_and_mentorship_finish_on_their_leaving_date(
        self, leave, ect, mentor, tutor
    ):
        mentorship = MentorshipPeriodFactory(mentee=ect, mentor=mentor)
        left = leave(ect, D(THIS_YEAR, 12, 19))

        assert left.finished_on == D(THIS_YEAR, 12, 19)
        mentorship.refresh_from_db()
        assert mentorship.finished_on == D(THIS_YEAR, 12, 19)
        assert ect.training_periods.get().finished_on == D(THIS_YEAR, 12, 19)
        event = Event.objects.get(event_type="ect_left_school")
        assert (event.actor_type, event.actor_user, event.teacher, event.school) == (
            ActorType.SCHOOL_USER,
            tutor,
            ect.teacher,
            ect.school,
        )
        assert event.heading == f"Amara Okafor leaves Quillfeather Primary School on 19 December {THIS_YEAR}"
        assert event.changes == {"finished_on": [None, f"{THIS_YEAR}-12-19"]}
        assert event.reason == "Moving to another school: Yes."
        # The mentor stays, free to mentor others.
        mentor.refresh_from_db()
        assert mentor.finished_on is None

    def test_a_mentorship_or_training_due_to_start_after_they_leave_is_removed(self, leave, ect, mentor):
        later = MentorshipPeriodFactory(mentee=ect, mentor=mentor, started_on=D(THIS_YEAR + 1, 1, 5))
        ect.training_periods.update(finished_on=D(THIS_YEAR, 12, 31))
        next_training = TrainingPeriodFactory(ect_at_school_period=ect, started_on=D(THIS_YEAR + 1, 1, 1))
        leave(ect, D(THIS_YEAR, 12, 19))
        assert not MentorshipPeriod.objects.filter(pk=later.pk).exists()
        assert not TrainingPeriod.objects.filter(pk=next_training.pk).exists()
        assert ect.training_periods.get().finished_on == D(THIS_YEAR, 12, 19)

    def test_a_leaving_date_in_the_past_is_recorded_as_such(self, leave, ect):
        leave(ect, D(THIS_YEAR, 10, 31), moving_school=services.MovingSchool.NOT_SURE)
        event = Event.objects.get(event_type="ect_left_school")
        assert event.heading == f"Amara Okafor left Quillfeather Primary School on 31 October {THIS_YEAR}"
        assert event.reason == "Moving to another school: I do not know."

    def test_an_ect_who_has_not_started_and_never_will_is_removed(self, leave, school):
        future = ECTAtSchoolPeriodFactory(school=school, started_on=D(THIS_YEAR + 1, 1, 5))
        assert leave(future, D(THIS_YEAR + 1, 1, 4)) is None
        assert not ECTAtSchoolPeriod.objects.filter(pk=future.pk).exists()
        assert Event.objects.get(event_type="ect_left_school").changes == {
            "started_on": [f"{THIS_YEAR + 1}-01-05", None]
        }


class TestAMentorLeaving:
    def test_their_mentorships_finish_and_their_mentees_are_told_on_their_timelines(
        self, leave, mentor, school
    ):
        mentees = [
            ECTAtSchoolPeriodFactory(school=school, teacher=person(first, "Mentee"), started_on=STARTED)
            for first in ("Ann", "Bob")
        ]
        for mentee in mentees:
            MentorshipPeriodFactory(mentee=mentee, mentor=mentor)
        leave(mentor, D(THIS_YEAR, 12, 19))

        assert (
            list(MentorshipPeriod.objects.values_list("finished_on", flat=True)) == [D(THIS_YEAR, 12, 19)] * 2
        )
        for mentee in mentees:
            mentee.refresh_from_db()
            assert mentee.finished_on is None  # the ECTs stay, and need a new mentor
            told = Event.objects.get(event_type="mentorship_ended", teacher=mentee.teacher)
            assert (
                told.heading
                == f"Mo Mentor's mentoring of {mentee.teacher.full_name} ends on 19 December {THIS_YEAR}"
            )
        assert Event.objects.get(event_type="mentor_left_school").teacher == mentor.teacher

    def test_their_mentor_training_finishes(self, leave, mentor):
        training = TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=mentor,
            expression_of_interest=ActiveLeadProviderFactory(),
        )
        leave(mentor, D(THIS_YEAR, 12, 19))
        training.refresh_from_db()
        assert training.finished_on == D(THIS_YEAR, 12, 19)

    def test_their_time_at_another_school_goes_on(self, leave, mentor):
        elsewhere = MentorAtSchoolPeriodFactory(teacher=mentor.teacher, started_on=STARTED)
        leave(mentor, D(THIS_YEAR, 12, 19))
        elsewhere.refresh_from_db()
        assert elsewhere.finished_on is None


class TestRefusals:
    def test_someone_who_already_left(self, leave, school):
        ect = ECTAtSchoolPeriodFactory(school=school, started_on=STARTED, finished_on=D(THIS_YEAR, 7, 31))
        with pytest.raises(services.AlreadyLeft, match=f"already left your school on 31 July {THIS_YEAR}"):
            leave(ect, D(THIS_YEAR, 12, 19))

    def test_someone_removed_since_the_school_looked(self, leave, school):
        future = ECTAtSchoolPeriodFactory(school=school, started_on=D(THIS_YEAR + 1, 1, 5))
        ECTAtSchoolPeriod.objects.filter(pk=future.pk).delete()
        with pytest.raises(services.AlreadyLeft):
            leave(future, D(THIS_YEAR + 1, 2, 1))

    def test_a_leaving_date_before_a_start_that_has_passed(self, leave, ect):
        events = Event.objects.count()
        with pytest.raises(
            services.LeavesBeforeStarting, match=f"started at your school on 1 September {THIS_YEAR - 1}"
        ):
            leave(ect, D(THIS_YEAR - 1, 8, 31))
        ect.refresh_from_db()
        assert ect.finished_on is None
        assert Event.objects.count() == events

    def test_an_earlier_leaving_date_for_someone_due_to_leave_replaces_the_old_one(self, leave, school):
        ect = ECTAtSchoolPeriodFactory(school=school, started_on=STARTED, finished_on=D(THIS_YEAR + 1, 3, 31))
        assert leave(ect, D(THIS_YEAR, 12, 31)).finished_on == D(THIS_YEAR, 12, 31)
        assert Event.objects.get(event_type="ect_left_school").changes == {
            "finished_on": [f"{THIS_YEAR + 1}-03-31", f"{THIS_YEAR}-12-31"]
        }

    def test_a_later_leaving_date_for_someone_due_to_leave(self, leave, school):
        ect = ECTAtSchoolPeriodFactory(school=school, started_on=STARTED, finished_on=D(THIS_YEAR, 12, 31))
        with pytest.raises(
            services.AlreadyLeaving, match=f"already know they are leaving on 31 December {THIS_YEAR}"
        ):
            leave(ect, D(THIS_YEAR + 1, 3, 31))
