"""Changes a school makes to its ECTs and mentors: what changes, what is refused, what is recorded."""

import datetime

import pytest

from audit.models import ActorType, Event
from participants import services
from participants.models import TrainingPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    SchoolPartnershipFactory,
    TrainingPeriodFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(THIS_YEAR, 11, 23)
STARTED = D(THIS_YEAR, 9, 1)


@pytest.fixture
def teach_first(this_year):
    return ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Teach First")


def only_event(event_type):
    return Event.objects.get(event_type=event_type)


class TestName:
    def test_a_changed_name_is_the_teachers_everywhere_with_the_reason(self, ect, tutor):
        teacher = services.change_name(
            period=ect,
            name=" Amara  Smith ",
            reason=services.NameChangeReason.CHANGED,
            changed_by=tutor,
            today=TODAY,
        )
        assert (teacher.full_name, teacher.trs_first_name) == ("Amara Smith", "Amara")
        event = only_event("teacher_name_changed")
        assert (event.actor_type, event.actor_user, event.school) == (
            ActorType.SCHOOL_USER,
            tutor,
            ect.school,
        )
        assert event.heading == "Amara Okafor is now known as Amara Smith"
        assert event.changes == {"corrected_name": ["", "Amara Smith"]}
        assert event.reason == "They changed their name, for example when they married"

    def test_the_name_on_their_teacher_record_clears_the_schools(self, ect, tutor):
        ect.teacher.corrected_name = "Amy Okafor"
        ect.teacher.save()
        services.change_name(
            period=ect,
            name="Amara Okafor",
            reason=services.NameChangeReason.CORRECTED,
            changed_by=tutor,
            today=TODAY,
        )
        ect.teacher.refresh_from_db()
        assert ect.teacher.corrected_name == ""

    def test_the_same_name_changes_nothing(self, ect, tutor):
        with pytest.raises(services.NothingChanged):
            services.change_name(
                period=ect, name="Amara Okafor", reason=services.NameChangeReason.CHANGED, changed_by=tutor
            )


class TestDetails:
    def test_email(self, ect, tutor):
        services.change_email(period=ect, email=" Amara.New@Example.org", changed_by=tutor, today=TODAY)
        ect.refresh_from_db()
        assert ect.email == "amara.new@example.org"
        assert only_event("ect_email_address_changed").changes == {
            "email": ["amara@example.org", "amara.new@example.org"]
        }

    def test_an_email_another_teacher_uses_is_refused(self, ect, tutor, school):
        MentorAtSchoolPeriodFactory(school=school, email="taken@example.org", started_on=STARTED)
        with pytest.raises(services.EmailInUse):
            services.change_email(period=ect, email="TAKEN@example.org", changed_by=tutor, today=TODAY)

    def test_working_pattern(self, ect, tutor):
        services.change_working_pattern(
            period=ect, working_pattern="part_time", changed_by=tutor, today=TODAY
        )
        assert only_event("ect_working_pattern_changed").changes == {
            "working_pattern": ["full_time", "part_time"]
        }
        with pytest.raises(services.NothingChanged):
            services.change_working_pattern(
                period=ect, working_pattern="part_time", changed_by=tutor, today=TODAY
            )

    def test_appropriate_body(self, ect, tutor):
        hub = AppropriateBodyFactory(name="Riverside Teaching School Hub")
        services.change_appropriate_body(period=ect, appropriate_body=hub, changed_by=tutor, today=TODAY)
        ect.refresh_from_db()
        assert ect.school_reported_appropriate_body == hub
        event = only_event("ect_appropriate_body_changed")
        assert (event.appropriate_body, event.changes) == (
            hub,
            {"school_reported_appropriate_body": [None, "Riverside Teaching School Hub"]},
        )

    def test_someone_who_has_left_cannot_be_changed(self, school, tutor):
        gone = ECTAtSchoolPeriodFactory(
            school=school, started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR, 7, 31)
        )
        with pytest.raises(services.NoLongerAtSchool):
            services.change_working_pattern(
                period=gone, working_pattern="part_time", changed_by=tutor, today=TODAY
            )


@pytest.fixture
def change_training(ect, tutor, teach_first):
    """change_training with the ECT moving to Teach First today; keyword arguments replace any answer."""

    def change(**overrides):
        answers = {
            "period": ect,
            "training_programme": "provider_led",
            "lead_provider": teach_first.lead_provider,
            "starting_on": TODAY,
            "changed_by": tutor,
            "today": TODAY,
        }
        return services.change_training(**{**answers, **overrides})

    return change


class TestTraining:
    def test_a_new_lead_provider_from_a_date_the_old_one_stops_the_day_before(self, ect, tutor, teach_first):
        new = services.change_training(
            period=ect,
            training_programme="provider_led",
            lead_provider=teach_first.lead_provider,
            starting_on=D(THIS_YEAR + 1, 1, 1),
            changed_by=tutor,
            today=TODAY,
        )
        old = TrainingPeriod.objects.exclude(pk=new.pk).get()
        assert (old.finished_on, new.started_on, new.expression_of_interest) == (
            D(THIS_YEAR, 12, 31),
            D(THIS_YEAR + 1, 1, 1),
            teach_first,
        )
        event = only_event("ect_training_changed")
        assert event.changes == {
            "lead_provider": ["Ambition Institute", "Teach First"],
            "from": [None, f"{THIS_YEAR + 1}-01-01"],
        }
        assert event.heading == f"Amara Okafor trains with Teach First from 1 January {THIS_YEAR + 1}"

    def test_the_schools_partnership_with_the_new_provider_is_used(
        self, change_training, teach_first, school
    ):
        partnership = SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=teach_first
            ),
        )
        new = change_training()
        assert (new.school_partnership, new.expression_of_interest) == (partnership, None)

    def test_school_led_from_today_replaces_training_starting_today(self, change_training, school, ambition):
        ect = ECTAtSchoolPeriodFactory(school=school, started_on=TODAY)
        TrainingPeriodFactory(ect_at_school_period=ect, expression_of_interest=ambition)
        new = change_training(period=ect, training_programme="school_led", lead_provider=None)
        assert list(ect.training_periods.all()) == [new]
        assert only_event("ect_training_changed").changes["training_programme"] == [
            "provider_led",
            "school_led",
        ]

    def test_refusals(self, change_training, ambition):
        change = change_training
        with pytest.raises(services.NothingChanged):
            change(lead_provider=ambition.lead_provider)
        with pytest.raises(services.ChangeBeforeToday, match="training that has already happened"):
            change(training_programme="school_led", starting_on=D(THIS_YEAR, 11, 1))
        with pytest.raises(services.ChangeOutsideTheirTime):
            change(training_programme="school_led", starting_on=D(THIS_YEAR, 8, 1))
        not_this_year = ActiveLeadProviderFactory(lead_provider__name="Elsewhere Ltd")
        with pytest.raises(services.LeadProviderNotActive):
            change(lead_provider=not_this_year.lead_provider)
        assert TrainingPeriod.objects.count() == 1
        assert not Event.objects.exists()

    def test_a_school_that_cannot_have_funded_training(self, change_training, school):
        school.eligible_for_funding = False
        school.save()
        with pytest.raises(services.NotEligibleForFunding):
            change_training()

    def test_a_mentors_lead_provider(self, change_training, school, ambition, teach_first):
        mentor = MentorAtSchoolPeriodFactory(school=school, started_on=STARTED)
        TrainingPeriodFactory(
            ect_at_school_period=None, mentor_at_school_period=mentor, expression_of_interest=ambition
        )
        change_training(period=mentor)
        assert only_event("mentor_training_changed").lead_provider == teach_first.lead_provider

    def test_the_date_rule_in_words(self, ect):
        assert services.training_change_problem(ect, TODAY, today=TODAY) is None
        assert f"from 1 September {THIS_YEAR}" in services.training_change_problem(
            ect, D(THIS_YEAR, 8, 1), today=TODAY
        )


def test_dates_more_than_a_year_ahead_are_refused(ect, tutor, change_training):
    with pytest.raises(services.TooFarAhead, match="within a year from today"):
        change_training(starting_on=TODAY + datetime.timedelta(days=366))
    with pytest.raises(services.TooFarAhead):
        services.record_leaving(
            period=ect,
            leaving_on=datetime.date(9999, 12, 31),
            moving_school=services.MovingSchool.NO,
            reported_by=tutor,
            today=TODAY,
        )
