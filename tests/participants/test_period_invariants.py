"""Every invariant of the participant data model is enforced by Postgres.

Rows are written with the ORM's create()/save(), which run no model validation, so only
the database stands between a bad write and the table.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from core import clock
from participants.models import ECTAtSchoolPeriod, MentorshipPeriod, Teacher, TrainingPeriod
from providers.models import SchoolPartnership
from providers.schedules import schedule_for
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)
from tests.invariants import rejected_by_database

pytestmark = pytest.mark.django_db

D = datetime.date


class TestTeacher:
    @pytest.mark.parametrize("trn", ["123456", "12345a7", "", " 123456"])
    def test_trn_must_be_seven_digits(self, trn):
        with rejected_by_database("teacher_trn_is_seven_digits"):
            Teacher.objects.create(trn=trn, trs_first_name="Ada", trs_last_name="Lovelace")

    def test_trn_is_unique(self):
        TeacherFactory(trn="1234567")
        with rejected_by_database("participants_teacher_trn_key"):
            TeacherFactory(trn="1234567")


class TestECTAtSchoolPeriod:
    def test_cannot_finish_before_it_starts(self):
        with rejected_by_database("ect_at_school_period_finishes_after_start"):
            ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR - 1, 8, 31))

    def test_one_day_period_is_allowed(self):
        period = ECTAtSchoolPeriodFactory(
            started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR - 1, 9, 1)
        )
        assert period.pk

    def test_an_ect_is_at_one_school_at_a_time(self):
        first = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        with rejected_by_database("ect_at_one_school_at_a_time"):
            ECTAtSchoolPeriodFactory(teacher=first.teacher, started_on=D(THIS_YEAR, 1, 5))

    def test_finished_period_that_overlaps_by_one_day_is_rejected(self):
        first = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 1, 5))
        with rejected_by_database("ect_at_one_school_at_a_time"):
            ECTAtSchoolPeriodFactory(teacher=first.teacher, started_on=D(THIS_YEAR, 1, 5))

    def test_handover_the_day_before_the_new_start_is_allowed(self):
        first = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 1, 4))
        second = ECTAtSchoolPeriodFactory(teacher=first.teacher, started_on=D(THIS_YEAR, 1, 5))
        assert ECTAtSchoolPeriod.objects.filter(teacher=first.teacher).count() == 2
        assert second.school_id != first.school_id

    def test_at_most_one_ongoing_period(self):
        first = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        with rejected_by_database("ect_at_one_school_at_a_time"):
            ECTAtSchoolPeriodFactory(
                teacher=first.teacher, school=first.school, started_on=D(THIS_YEAR, 9, 1)
            )

    def test_keeps_its_teacher_and_school(self):
        period = ECTAtSchoolPeriodFactory()
        with rejected_by_database("period_keeps_its_teacher_and_school"):
            ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(school=SchoolFactory())
        with rejected_by_database("period_keeps_its_teacher_and_school"):
            ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(teacher=TeacherFactory())

    def test_changing_dates_into_an_overlap_is_rejected(self):
        first = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 1, 4))
        ECTAtSchoolPeriodFactory(teacher=first.teacher, started_on=D(THIS_YEAR, 1, 5))
        with rejected_by_database("ect_at_one_school_at_a_time"):
            ECTAtSchoolPeriod.objects.filter(pk=first.pk).update(finished_on=F("finished_on") + 1)


class TestMentorAtSchoolPeriod:
    def test_cannot_finish_before_it_starts(self):
        with rejected_by_database("mentor_at_school_period_finishes_after_start"):
            MentorAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR - 1, 1, 1))

    def test_a_mentor_may_mentor_at_two_schools_at_once(self):
        first = MentorAtSchoolPeriodFactory()
        second = MentorAtSchoolPeriodFactory(teacher=first.teacher)
        assert first.school_id != second.school_id

    def test_overlapping_periods_at_the_same_school_are_rejected(self):
        first = MentorAtSchoolPeriodFactory(
            started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 7, 31)
        )
        with rejected_by_database("mentor_once_per_school_at_a_time"):
            MentorAtSchoolPeriodFactory(
                teacher=first.teacher, school=first.school, started_on=D(THIS_YEAR, 7, 31)
            )

    def test_at_most_one_ongoing_period_per_school(self):
        first = MentorAtSchoolPeriodFactory()
        with rejected_by_database("mentor_once_per_school_at_a_time"):
            MentorAtSchoolPeriodFactory(
                teacher=first.teacher, school=first.school, started_on=D(THIS_YEAR + 1, 1, 1)
            )

    def test_keeps_its_teacher_and_school(self):
        period = MentorAtSchoolPeriodFactory()
        with rejected_by_database("period_keeps_its_teacher_and_school"):
            period.school = SchoolFactory()
            period.save()


class TestMentorshipPeriod:
    def test_nobody_mentors_themself(self):
        ect = ECTAtSchoolPeriodFactory()
        mentor = MentorAtSchoolPeriodFactory(teacher=ect.teacher, school=ect.school)
        with rejected_by_database("mentorship_not_self"):
            MentorshipPeriod.objects.create(mentee=ect, mentor=mentor, started_on=ect.started_on)

    def test_mentor_and_ect_are_at_the_same_school(self):
        ect = ECTAtSchoolPeriodFactory()
        mentor_elsewhere = MentorAtSchoolPeriodFactory()
        with rejected_by_database("mentorship_same_school"):
            MentorshipPeriod.objects.create(mentee=ect, mentor=mentor_elsewhere, started_on=ect.started_on)

    def test_lies_inside_the_ect_period(self):
        ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 7, 31))
        mentor = MentorAtSchoolPeriodFactory(school=ect.school, started_on=D(THIS_YEAR - 2, 9, 1))
        with rejected_by_database("mentorship_within_ect_period"):
            MentorshipPeriod.objects.create(
                mentee=ect, mentor=mentor, started_on=D(THIS_YEAR - 1, 9, 1)
            )  # ongoing

    def test_lies_inside_the_mentor_period(self):
        ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        mentor = MentorAtSchoolPeriodFactory(school=ect.school, started_on=D(THIS_YEAR - 1, 10, 1))
        with rejected_by_database("mentorship_within_mentor_period"):
            MentorshipPeriod.objects.create(mentee=ect, mentor=mentor, started_on=D(THIS_YEAR - 1, 9, 1))

    def test_an_ect_has_one_mentor_at_a_time(self):
        mentorship = MentorshipPeriodFactory()
        other_mentor = MentorAtSchoolPeriodFactory(school=mentorship.mentee.school)
        with rejected_by_database("ect_has_one_mentor_at_a_time"):
            MentorshipPeriod.objects.create(
                mentee=mentorship.mentee, mentor=other_mentor, started_on=D(THIS_YEAR, 2, 1)
            )

    def test_a_mentor_may_mentor_several_ects(self):
        mentorship = MentorshipPeriodFactory()
        other_ect = ECTAtSchoolPeriodFactory(school=mentorship.mentee.school)
        MentorshipPeriod.objects.create(
            mentee=other_ect, mentor=mentorship.mentor, started_on=other_ect.started_on
        )
        assert mentorship.mentor.mentorship_periods.count() == 2

    def test_cannot_finish_before_it_starts(self):
        mentorship = MentorshipPeriodFactory()
        with rejected_by_database("mentorship_period_finishes_after_start"):
            MentorshipPeriod.objects.filter(pk=mentorship.pk).update(finished_on=D(THIS_YEAR - 1, 8, 1))

    def test_finishing_the_ect_period_before_its_mentorship_is_rejected(self):
        mentorship = MentorshipPeriodFactory()
        with rejected_by_database("mentorship_within_ect_period"):
            ECTAtSchoolPeriod.objects.filter(pk=mentorship.mentee_id).update(finished_on=D(THIS_YEAR, 3, 31))

    def test_finishing_the_mentor_period_before_its_mentorship_is_rejected(self):
        mentorship = MentorshipPeriodFactory()
        with rejected_by_database("mentorship_within_mentor_period"):
            mentorship.mentor.finished_on = D(THIS_YEAR, 3, 31)
            mentorship.mentor.save()

    def test_finishing_mentorship_first_then_the_periods_is_allowed(self):
        mentorship = MentorshipPeriodFactory()
        for period in (mentorship, mentorship.mentee, mentorship.mentor):
            period.finished_on = D(THIS_YEAR, 3, 31)
            period.save()
        assert MentorshipPeriod.objects.get(pk=mentorship.pk).finished_on == D(THIS_YEAR, 3, 31)


class TestTrainingPeriod:
    def test_belongs_to_an_ect_or_a_mentor_period_not_both(self):
        ect = ECTAtSchoolPeriodFactory()
        mentor = MentorAtSchoolPeriodFactory(school=ect.school)
        with rejected_by_database("training_period_belongs_to_one_ect_or_mentor_period"):
            TrainingPeriod.objects.create(
                ect_at_school_period=ect,
                mentor_at_school_period=mentor,
                started_on=ect.started_on,
                training_programme="provider_led",
                expression_of_interest=ActiveLeadProviderFactory(),
            )

    def test_belongs_to_something(self):
        with rejected_by_database("training_period_belongs_to_one_ect_or_mentor_period"):
            TrainingPeriod.objects.create(started_on=D(THIS_YEAR - 1, 9, 1), training_programme="school_led")

    def test_provider_led_needs_a_partnership_or_expression_of_interest(self):
        ect = ECTAtSchoolPeriodFactory()
        schedule = schedule_for(ContractPeriodFactory(), "ecf-standard-september")
        with rejected_by_database("training_period_provider_led_has_provider_school_led_has_none"):
            TrainingPeriod.objects.create(
                ect_at_school_period=ect,
                started_on=ect.started_on,
                training_programme="provider_led",
                schedule=schedule,
            )

    def test_provider_led_needs_a_schedule_and_school_led_has_none(self):
        ect = ECTAtSchoolPeriodFactory()
        with rejected_by_database("training_period_provider_led_has_a_schedule"):
            TrainingPeriod.objects.create(
                ect_at_school_period=ect,
                started_on=ect.started_on,
                training_programme="provider_led",
                expression_of_interest=ActiveLeadProviderFactory(),
            )
        with rejected_by_database("training_period_provider_led_has_a_schedule"):
            TrainingPeriod.objects.create(
                ect_at_school_period=ect,
                started_on=ect.started_on,
                training_programme="school_led",
                schedule=schedule_for(ContractPeriodFactory(), "ecf-standard-september"),
            )

    def test_school_led_has_no_provider(self):
        ect = ECTAtSchoolPeriodFactory()
        with rejected_by_database("training_period_provider_led_has_provider_school_led_has_none"):
            TrainingPeriod.objects.create(
                ect_at_school_period=ect,
                started_on=ect.started_on,
                training_programme="school_led",
                expression_of_interest=ActiveLeadProviderFactory(),
            )

    def test_provider_led_on_expression_of_interest_or_partnership_is_allowed(self):
        interest = TrainingPeriodFactory(expression_of_interest=ActiveLeadProviderFactory())
        confirmed = TrainingPeriodFactory(school_partnership=SchoolPartnershipFactory())
        assert {interest.training_programme, confirmed.training_programme} == {"provider_led"}

    def test_mentor_training_is_provider_led(self):
        mentor = MentorAtSchoolPeriodFactory()
        with rejected_by_database("mentor_training_is_provider_led"):
            TrainingPeriod.objects.create(
                mentor_at_school_period=mentor, started_on=mentor.started_on, training_programme="school_led"
            )

    def test_withdrawal_needs_a_reason(self):
        training = TrainingPeriodFactory()
        with rejected_by_database("training_period_withdrawal_has_reason"):
            TrainingPeriod.objects.filter(pk=training.pk).update(withdrawn_at=clock.now())

    def test_deferral_needs_a_reason(self):
        training = TrainingPeriodFactory()
        with rejected_by_database("training_period_deferral_has_reason"):
            TrainingPeriod.objects.filter(pk=training.pk).update(deferral_reason="career-break")

    def test_cannot_be_both_withdrawn_and_deferred(self):
        now = clock.now()
        training = TrainingPeriodFactory()
        with rejected_by_database("training_period_not_both_withdrawn_and_deferred"):
            TrainingPeriod.objects.filter(pk=training.pk).update(
                withdrawn_at=now,
                withdrawal_reason="left-teaching-profession",
                deferred_at=now,
                deferral_reason="other",
            )

    def test_training_periods_of_one_ect_do_not_overlap(self):
        training = TrainingPeriodFactory()
        with rejected_by_database("ect_training_periods_do_not_overlap"):
            TrainingPeriodFactory(
                ect_at_school_period=training.ect_at_school_period, started_on=D(THIS_YEAR, 1, 1)
            )

    def test_training_periods_of_one_mentor_do_not_overlap(self):
        mentor = MentorAtSchoolPeriodFactory()
        interest = ActiveLeadProviderFactory()
        TrainingPeriodFactory(
            ect_at_school_period=None, mentor_at_school_period=mentor, expression_of_interest=interest
        )
        with rejected_by_database("mentor_training_periods_do_not_overlap"):
            TrainingPeriodFactory(
                ect_at_school_period=None,
                mentor_at_school_period=mentor,
                expression_of_interest=interest,
                started_on=D(THIS_YEAR, 1, 1),
            )

    def test_lies_inside_its_at_school_period(self):
        ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        with rejected_by_database("training_period_within_school_period"):
            TrainingPeriodFactory(ect_at_school_period=ect, started_on=D(THIS_YEAR - 1, 8, 31))

    def test_shortening_the_at_school_period_under_its_training_is_rejected(self):
        training = TrainingPeriodFactory()
        with rejected_by_database("training_period_within_school_period"):
            ECTAtSchoolPeriod.objects.filter(pk=training.ect_at_school_period_id).update(
                finished_on=D(THIS_YEAR, 1, 1)
            )

    def test_cannot_finish_before_it_starts(self):
        training = TrainingPeriodFactory()
        with rejected_by_database("training_period_finishes_after_start"):
            TrainingPeriod.objects.filter(pk=training.pk).update(finished_on=D(THIS_YEAR - 1, 1, 1))

    def test_a_partnership_it_names_is_with_its_school(self):
        ect = ECTAtSchoolPeriodFactory()
        with rejected_by_database("training_partnership_is_with_the_school"):
            TrainingPeriodFactory(ect_at_school_period=ect, school_partnership=SchoolPartnershipFactory())

    def test_partnership_and_expression_of_interest_name_the_same_lead_provider(self):
        partnership = SchoolPartnershipFactory()
        ect = ECTAtSchoolPeriodFactory(school=partnership.school)
        with rejected_by_database("training_partnership_matches_interest"):
            TrainingPeriodFactory(
                ect_at_school_period=ect,
                school_partnership=partnership,
                expression_of_interest=ActiveLeadProviderFactory(),
            )

    def test_confirming_the_expression_of_interest_with_a_partnership_is_allowed(self):
        partnership = SchoolPartnershipFactory()
        interest = partnership.lead_provider_delivery_partnership.active_lead_provider
        ect = ECTAtSchoolPeriodFactory(school=partnership.school)
        training = TrainingPeriodFactory(ect_at_school_period=ect, expression_of_interest=interest)
        training.school_partnership = partnership
        training.save()
        assert TrainingPeriod.objects.get(pk=training.pk).school_partnership == partnership

    def test_moving_a_partnership_away_from_the_trainees_school_is_rejected(self):
        partnership = SchoolPartnershipFactory()
        TrainingPeriodFactory(
            ect_at_school_period=ECTAtSchoolPeriodFactory(school=partnership.school),
            school_partnership=partnership,
        )
        with rejected_by_database("training_partnership_is_with_the_school"):
            SchoolPartnership.objects.filter(pk=partnership.pk).update(school=SchoolFactory())


class TestInductionPeriod:
    def test_periods_of_one_teacher_do_not_overlap(self):
        first = InductionPeriodFactory()
        with rejected_by_database("induction_periods_do_not_overlap"):
            InductionPeriodFactory(teacher=first.teacher, started_on=D(THIS_YEAR, 1, 1))

    def test_cannot_finish_before_it_starts(self):
        with rejected_by_database("induction_period_finishes_after_start"):
            InductionPeriodFactory(finished_on=D(THIS_YEAR - 1, 1, 1), number_of_terms=1)

    def test_a_finished_period_records_its_number_of_terms(self):
        with rejected_by_database("induction_period_finished_has_number_of_terms"):
            InductionPeriodFactory(finished_on=D(THIS_YEAR, 7, 31))

    @pytest.mark.parametrize("terms", [-1, 16.5])
    def test_number_of_terms_is_in_range(self, terms):
        with rejected_by_database("induction_period_number_of_terms_range"):
            InductionPeriodFactory(finished_on=D(THIS_YEAR, 7, 31), number_of_terms=terms)

    def test_an_outcome_needs_a_finished_period(self):
        with rejected_by_database("induction_period_outcome_only_when_finished"):
            InductionPeriodFactory(outcome="pass")


class TestValidationMessages:
    """Model validation explains, before the database refuses, what is wrong (admin shows these)."""

    def test_self_mentoring_is_explained(self):
        ect = ECTAtSchoolPeriodFactory()
        mentor = MentorAtSchoolPeriodFactory(teacher=ect.teacher, school=ect.school)
        with pytest.raises(ValidationError) as error:
            MentorshipPeriod(mentee=ect, mentor=mentor, started_on=ect.started_on).full_clean()
        assert error.value.message_dict["mentor"] == ["A teacher cannot mentor themself."]

    def test_mentor_at_another_school_is_explained(self):
        ect = ECTAtSchoolPeriodFactory()
        with pytest.raises(ValidationError) as error:
            MentorshipPeriod(
                mentee=ect, mentor=MentorAtSchoolPeriodFactory(), started_on=ect.started_on
            ).full_clean()
        assert error.value.message_dict["mentor"] == ["The mentor must be at the same school as the ECT."]

    def test_mentorship_outside_the_ect_period_is_explained(self):
        ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 7, 31))
        mentor = MentorAtSchoolPeriodFactory(school=ect.school, started_on=D(THIS_YEAR - 2, 9, 1))
        with pytest.raises(ValidationError) as error:
            MentorshipPeriod(mentee=ect, mentor=mentor, started_on=D(THIS_YEAR - 1, 9, 1)).full_clean()
        assert error.value.messages == ["The mentorship must fall within the ECT's time at the school."]

    def test_training_outside_its_period_is_explained(self):
        ect = ECTAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        training = TrainingPeriod(
            ect_at_school_period=ect, started_on=D(THIS_YEAR - 1, 8, 1), training_programme="school_led"
        )
        with pytest.raises(ValidationError) as error:
            training.full_clean()
        assert error.value.messages == [
            "The training period must fall within the teacher's time at the school."
        ]

    def test_a_valid_period_passes_validation_even_when_others_overlap_in_dates(self):
        MentorAtSchoolPeriodFactory()  # someone else, somewhere else, same dates
        candidate = MentorAtSchoolPeriodFactory.build(teacher=TeacherFactory(), school=SchoolFactory())
        candidate.full_clean()  # raises if the exclusion constraint compared anything but this teacher
        candidate.save()
        assert candidate.pk

    def test_an_overlap_is_explained_in_plain_english(self):
        first = ECTAtSchoolPeriodFactory()
        with pytest.raises(ValidationError) as error:
            ECTAtSchoolPeriodFactory.build(
                teacher=first.teacher, school=SchoolFactory(), started_on=D(THIS_YEAR, 1, 5)
            ).full_clean()
        assert error.value.messages == ["This ECT is already at a school on these dates."]

    def test_shortening_a_period_under_its_mentorship_is_explained(self):
        mentorship = MentorshipPeriodFactory()
        ect = mentorship.mentee
        ect.finished_on = D(THIS_YEAR, 3, 31)
        with pytest.raises(ValidationError) as error:
            ect.full_clean()
        assert error.value.messages == [
            "A mentorship in this period would fall outside these dates: change it first."
        ]

    def test_shortening_a_period_under_its_training_is_explained(self):
        training = TrainingPeriodFactory()
        ect = training.ect_at_school_period
        ect.finished_on = D(THIS_YEAR, 3, 31)
        with pytest.raises(ValidationError) as error:
            ect.full_clean()
        assert error.value.messages == [
            "A training period in this period would fall outside these dates: change it first."
        ]

    def test_another_schools_partnership_is_explained(self):
        ect = ECTAtSchoolPeriodFactory()
        training = TrainingPeriod(
            ect_at_school_period=ect,
            started_on=ect.started_on,
            training_programme="provider_led",
            school_partnership=SchoolPartnershipFactory(),
        )
        with pytest.raises(ValidationError) as error:
            training.full_clean()
        assert error.value.message_dict["school_partnership"] == ["This partnership is with another school."]
