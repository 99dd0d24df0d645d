import pytest

from tests.factories import MentorshipPeriodFactory, TrainingPeriodFactory


@pytest.mark.django_db
def test_factories_build_a_valid_mentorship_and_training_period():
    mentorship = MentorshipPeriodFactory()
    training = TrainingPeriodFactory(ect_at_school_period=mentorship.mentee)
    assert mentorship.mentor.school_id == mentorship.mentee.school_id
    assert training.training_programme == "school_led"
