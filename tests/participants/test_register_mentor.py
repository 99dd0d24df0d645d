"""Registering a mentor and giving an ECT a mentor: the services, their refusals, mentor training
eligibility, what they record and email, and two tutors changing one ECT's mentor at once."""

import datetime

import pytest

from audit.models import ActorType, Event
from core import clock
from emails.models import Email
from emails.templates import get_template
from participants import queries, services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from participants.trs.client import TeacherRecord
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)
from tests.outbox import emails_sent
from tests.races import race

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(THIS_YEAR, 8, 15)
SEPTEMBER = D(THIS_YEAR, 9, 1)
TRN = "7654321"
BORN = D(1980, 2, 12)
NI_NUMBER = "QQ654321C"
LAST_SUMMER = D(THIS_YEAR - 1, 7, 31)


def teacher_record(**overrides) -> TeacherRecord:
    values = {
        "trn": TRN,
        "first_name": "Charles",
        "middle_name": "Robert",
        "last_name": "Darwin",
        "date_of_birth": BORN,
        "national_insurance_number": NI_NUMBER,
        "qts_awarded_on": D(2010, 7, 20),
        "induction_status": InductionStatus.PASSED,
        "prohibited_from_teaching": False,
        "has_other_alerts": False,
    }
    return TeacherRecord(**{**values, **overrides})


@pytest.fixture
def next_year():
    return ContractPeriodFactory(
        year=THIS_YEAR + 1,
        started_on=D(THIS_YEAR + 1, 6, 1),
        finished_on=D(THIS_YEAR + 2, 5, 31),
        enabled=False,
    )


@pytest.fixture
def active(this_year):
    return ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Ambition Institute")


@pytest.fixture
def ect(school):
    return ECTAtSchoolPeriodFactory(
        school=school,
        started_on=D(THIS_YEAR - 1, 9, 1),
        teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning"),
    )


@pytest.fixture
def register(school, tutor, this_year):
    """Call register_mentor with a complete set of answers; keyword arguments replace any of them."""

    def register(**overrides):
        answers = {
            "school": school,
            "registered_by": tutor,
            "teacher_record": teacher_record(),
            "corrected_name": "",
            "email": " Charles.Darwin@Example.COM ",
            "started_on": SEPTEMBER,
            "lead_provider": None,
            "today": TODAY,
        }
        return services.register_mentor(**{**answers, **overrides})

    return register


def mentor_at(school, name, **kwargs):
    first, last = name.split()
    return MentorAtSchoolPeriodFactory(
        school=school, teacher=TeacherFactory(trs_first_name=first, trs_last_name=last), **kwargs
    )


def completed_training(teacher, *, finished_on=LAST_SUMMER, **kwargs):
    """A mentor training of `teacher` at some school, finished on `finished_on`."""
    earlier = MentorAtSchoolPeriodFactory(
        teacher=teacher, started_on=D(THIS_YEAR - 3, 9, 1), finished_on=finished_on
    )
    return TrainingPeriodFactory(
        ect_at_school_period=None,
        mentor_at_school_period=earlier,
        finished_on=finished_on,
        expression_of_interest=ActiveLeadProviderFactory(),
        **kwargs,
    )


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Teacher, MentorAtSchoolPeriod, TrainingPeriod, MentorshipPeriod, Event, Email)
    }


def mentorships_of(ect):
    return [
        (m.mentor.teacher.full_name, m.started_on, m.finished_on)
        for m in MentorshipPeriod.objects.filter(mentee=ect).order_by("started_on")
    ]


# --- Registering ---------------------------------------------------------------------------------


class TestRegistering:
    def test_a_new_teacher_is_created_from_their_record_and_registered(self, register, school):
        period = register()

        teacher = Teacher.objects.get(trn=TRN)
        assert (teacher.trs_first_name, teacher.trs_last_name, teacher.corrected_name) == (
            "Charles",
            "Darwin",
            "",
        )
        assert teacher.trs_induction_status == InductionStatus.PASSED  # a mentor's induction is over
        assert teacher.trs_data_refreshed_at is not None
        assert (period.teacher, period.school, period.started_on, period.finished_on, period.email) == (
            teacher,
            school,
            SEPTEMBER,
            None,
            "charles.darwin@example.com",
        )
        assert not period.training_periods.exists()  # no lead provider: no training
        assert not MentorshipPeriod.objects.exists()

    def test_a_teacher_we_know_is_refreshed_not_duplicated_and_keeps_their_ect_history(self, register):
        known = TeacherFactory(trn=TRN, trs_first_name="Charles", trs_last_name="Smith")
        ECTAtSchoolPeriodFactory(
            teacher=known, started_on=D(THIS_YEAR - 6, 9, 1), finished_on=D(THIS_YEAR - 4, 7, 31)
        )

        period = register(corrected_name="  Chas   Darwin ")

        assert Teacher.objects.count() == 1
        known.refresh_from_db()
        assert period.teacher == known
        assert (known.trs_last_name, known.corrected_name, known.full_name) == (
            "Darwin",
            "Chas Darwin",
            "Chas Darwin",
        )
        event = Event.objects.get(event_type="mentor_registered")
        assert event.changes["trs_last_name"] == ["Smith", "Darwin"]
        assert event.changes["corrected_name"] == ["", "Chas Darwin"]

    def test_a_mentor_at_another_school_is_registered_here_too_and_stays_there(self, register, school):
        teacher = TeacherFactory(trn=TRN)
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=teacher, started_on=D(THIS_YEAR - 1, 9, 1), email="charles.darwin@example.com"
        )
        mentee_there = MentorshipPeriodFactory(mentor=elsewhere, mentee__school=elsewhere.school)

        period = register()

        elsewhere.refresh_from_db()
        mentee_there.refresh_from_db()
        assert (elsewhere.finished_on, mentee_there.finished_on) == (None, None)
        assert period.school == school
        assert MentorAtSchoolPeriod.objects.filter(teacher=teacher, finished_on__isnull=True).count() == 2

    def test_a_mentor_moving_here_stops_mentoring_and_training_at_the_old_school_the_day_before(
        self, register, school, active
    ):
        teacher = TeacherFactory(trn=TRN)
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=teacher,
            school__name="Elm Academy",
            started_on=D(THIS_YEAR - 1, 9, 1),
            email="c.darwin@example.com",
        )
        mentee_there = MentorshipPeriodFactory(
            mentor=elsewhere, mentee__school=elsewhere.school, started_on=D(THIS_YEAR - 1, 9, 1)
        )
        training_there = TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=elsewhere,
            started_on=D(THIS_YEAR - 1, 9, 1),
            expression_of_interest=ActiveLeadProviderFactory(),
        )

        period = register(leaving=[elsewhere.pk], lead_provider=active.lead_provider)

        the_day_before = SEPTEMBER - datetime.timedelta(days=1)
        for row in (elsewhere, mentee_there, training_there):
            row.refresh_from_db()
            assert row.finished_on == the_day_before, row
        # Their training there stops with them, so they are funded here.
        assert period.training_periods.get().expression_of_interest == active
        moved = Event.objects.get(event_type="mentor_moved_to_another_school")
        assert (moved.school, moved.subject_id) == (elsewhere.school, elsewhere.pk)
        assert moved.changes == {"finished_on": [None, f"{THIS_YEAR}-08-31"]}
        registered = Event.objects.get(event_type="mentor_registered")
        assert registered.heading.endswith("moving from Elm Academy")

    def test_a_mentor_moving_before_starting_at_the_old_school_is_removed_from_it(self, register):
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), started_on=D(THIS_YEAR, 10, 1)
        )
        register(leaving=[elsewhere.pk])
        assert not MentorAtSchoolPeriod.objects.filter(pk=elsewhere.pk).exists()
        assert Event.objects.get(event_type="mentor_moved_to_another_school").changes == {
            "started_on": [f"{THIS_YEAR}-10-01", None]
        }

    def test_a_mentor_kept_at_another_school_goes_on_training_there_not_here(self, register, active):
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), school__name="Elm Academy", started_on=D(THIS_YEAR - 1, 9, 1)
        )
        TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=elsewhere,
            started_on=D(THIS_YEAR - 1, 9, 1),
            expression_of_interest=ActiveLeadProviderFactory(),
        )
        period = register(lead_provider=active.lead_provider)
        assert not period.training_periods.exists()
        assert Event.objects.get(event_type="mentor_registered").reason == (
            "They are already having mentor training through Elm Academy, which carries on."
        )

    def test_leaving_a_school_they_began_mentoring_at_on_or_after_the_new_start_is_refused(self, register):
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), started_on=D(THIS_YEAR, 8, 1)
        )
        before = counts()
        with pytest.raises(services.StartsBeforeLeavingAnotherSchool) as refused:
            register(leaving=[elsewhere.pk], started_on=D(THIS_YEAR, 7, 1))
        assert f"They started as a mentor at {elsewhere.school.name} on 1 August {THIS_YEAR}" in str(
            refused.value
        )
        assert counts() == before

    def test_only_the_teachers_own_periods_at_other_schools_can_be_left(self, register, school):
        someone_else = MentorAtSchoolPeriodFactory(started_on=D(THIS_YEAR - 1, 9, 1))
        register(leaving=[someone_else.pk])
        someone_else.refresh_from_db()
        assert someone_else.finished_on is None

    def test_a_mentor_who_left_this_school_can_come_back(self, register, school):
        MentorAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN),
            school=school,
            started_on=D(THIS_YEAR - 3, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        assert register().school == school

    def test_the_registration_is_an_event_on_the_teacher_and_school_by_the_tutor(
        self, register, tutor, school
    ):
        period = register()

        event = Event.objects.get()
        assert (event.event_type, event.actor_type, event.actor_user, event.teacher, event.school) == (
            "mentor_registered",
            ActorType.SCHOOL_USER,
            tutor,
            period.teacher,
            school,
        )
        assert (event.subject_type, event.subject_id) == ("mentoratschoolperiod", period.pk)
        assert event.heading == f"Charles Darwin registered as a mentor from 1 September {THIS_YEAR}"
        assert event.changes == {
            "started_on": [None, f"{THIS_YEAR}-09-01"],
            "email": [None, "charles.darwin@example.com"],
        }
        assert event.reason == ""

    def test_the_mentor_is_emailed_once_with_no_links(self, register, active):
        with emails_sent() as sent:
            register(corrected_name="Chas Darwin", lead_provider=active.lead_provider)

        [email] = sent
        assert (email.recipient, email.template) == ("charles.darwin@example.com", "mentor_registered")
        assert email.personalisation == {
            "full_name": "Chas Darwin",
            "school_name": "Quillfeather Primary School",
            "start_date": f"1 September {THIS_YEAR}",
            "training": "Your school has chosen Ambition Institute to provide your mentor training.",
            "mentoring": "Your school will tell you which ECTs you will mentor.",
        }
        rendered = get_template("mentor_registered").render(email.personalisation)
        assert rendered.subject == "Quillfeather Primary School has registered you as a mentor"
        assert f"starting on 1 September {THIS_YEAR}" in rendered.body
        assert "http" not in rendered.body and "www." not in rendered.body

    def test_no_date_of_birth_or_national_insurance_number_is_stored_anywhere(self, register, ect, active):
        register(corrected_name="Chas Darwin", lead_provider=active.lead_provider, mentee=ect)

        forbidden = [
            BORN.isoformat(),
            BORN.strftime("%d/%m/%Y"),
            "12 February 1980",
            NI_NUMBER,
            "QQ 65 43 21 C",
        ]
        rows = [
            *Teacher.objects.values(),
            *Event.objects.values(),
            *Email.objects.values(),
            *MentorAtSchoolPeriod.objects.values(),
        ]
        assert len(rows) >= 5
        for row in rows:
            text = " ".join(str(value) for value in row.values())
            for secret in forbidden:
                assert secret not in text, f"{secret!r} stored in {row}"


# --- Mentor training ------------------------------------------------------------------------------


class TestMentorTraining:
    def test_funded_training_with_the_schools_partnership_that_year(self, register, school, this_year):
        pairing = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(contract_period=this_year)
        )
        partnership = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
        lead_provider = pairing.active_lead_provider.lead_provider

        period = register(lead_provider=lead_provider)

        training = period.training_periods.get()
        assert (
            training.started_on,
            training.finished_on,
            training.training_programme,
            training.school_partnership,
            training.expression_of_interest,
        ) == (SEPTEMBER, None, "provider_led", partnership, None)
        event = Event.objects.get(event_type="mentor_registered")
        assert event.lead_provider == lead_provider
        assert event.changes["delivery_partner"] == [None, pairing.delivery_partner.name]
        assert event.changes["contract_period"] == [None, THIS_YEAR]

    def test_funded_training_without_a_partnership_rests_on_an_expression_of_interest(self, register, active):
        period = register(lead_provider=active.lead_provider)

        training = period.training_periods.get()
        assert (
            training.training_programme,
            training.school_partnership,
            training.expression_of_interest,
        ) == (
            "provider_led",
            None,
            active,
        )

    def test_a_mentor_who_completed_training_before_is_not_funded_again(self, register, active):
        teacher = TeacherFactory(trn=TRN)
        completed_training(teacher)

        assert queries.mentor_training_eligibility(teacher, today=TODAY) == (
            False,
            f"They completed mentor training on 31 July {THIS_YEAR - 1}, so they cannot have funded mentor training again.",
        )
        with emails_sent() as sent:
            period = register(lead_provider=active.lead_provider)

        assert not period.training_periods.exists()
        event = Event.objects.get(event_type="mentor_registered")
        assert event.reason == (
            f"They completed mentor training on 31 July {THIS_YEAR - 1}, so they cannot have funded mentor training again."
        )
        assert "lead_provider" not in event.changes and event.lead_provider is None
        assert sent[0].personalisation["training"] == (
            "You have already completed mentor training, so you will not be trained again."
        )

    def test_not_funded_the_year_is_not_looked_at(self, register, next_year, active):
        completed_training(TeacherFactory(trn=TRN))
        # A year not open would refuse training; with none to create, the mentor is registered.
        assert register(
            started_on=D(THIS_YEAR + 1, 9, 1), lead_provider=active.lead_provider
        ).started_on == D(THIS_YEAR + 1, 9, 1)

    def test_no_lead_provider_no_training(self, register):
        with emails_sent() as sent:
            period = register(lead_provider=None)
        assert not period.training_periods.exists()
        assert sent[0].personalisation["training"] == "Your school will tell you about training for mentors."

    @pytest.mark.parametrize(
        "how",
        [
            {"finished_on": None},
            {"withdrawn_at": "now"},
            {"deferred_at": "now"},
            {"finished_on": D(THIS_YEAR, 12, 31)},
        ],
        ids=["still training", "withdrawn", "deferred", "finishes later"],
    )
    def test_training_not_completed_leaves_them_eligible(self, how):
        teacher = TeacherFactory(trn=TRN)
        extra = {}
        finished_on = how.get("finished_on", D(THIS_YEAR - 1, 7, 31))
        if "withdrawn_at" in how:
            extra = {"withdrawn_at": clock.now(), "withdrawal_reason": "left_teaching_profession"}
        if "deferred_at" in how:
            extra = {"deferred_at": clock.now(), "deferral_reason": "career_break"}
        earlier = MentorAtSchoolPeriodFactory(
            teacher=teacher, started_on=D(THIS_YEAR - 3, 9, 1), finished_on=None
        )
        TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=earlier,
            finished_on=finished_on,
            expression_of_interest=ActiveLeadProviderFactory(),
            **extra,
        )
        # (Leaving the school they trained through: training they carry on elsewhere is the next test.)
        assert queries.mentor_training_eligibility(teacher, today=TODAY, leaving=[earlier.pk]) == (True, None)

    @pytest.mark.parametrize("finished_on", [None, D(THIS_YEAR, 12, 31)], ids=["ongoing", "finishes later"])
    def test_training_through_a_school_they_keep_mentoring_at_carries_on_unfunded_here(self, finished_on):
        teacher = TeacherFactory(trn=TRN)
        elsewhere = MentorAtSchoolPeriodFactory(
            teacher=teacher, school__name="Elm Academy", started_on=D(THIS_YEAR - 1, 9, 1), finished_on=None
        )
        TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=elsewhere,
            started_on=D(THIS_YEAR - 1, 9, 1),
            finished_on=finished_on,
            expression_of_interest=ActiveLeadProviderFactory(),
        )
        assert queries.mentor_training_eligibility(teacher, today=TODAY) == (
            False,
            "They are already having mentor training through Elm Academy, which carries on.",
        )
        assert queries.mentor_training_eligibility(teacher, today=TODAY, leaving=[elsewhere.pk]) == (
            True,
            None,
        )

    def test_a_teacher_we_do_not_know_is_eligible(self):
        assert queries.mentor_training_eligibility(None) == (True, None)

    def test_is_mentor_at(self, school):
        teacher = TeacherFactory(trn=TRN)
        MentorAtSchoolPeriodFactory(
            teacher=teacher,
            school=school,
            started_on=D(THIS_YEAR - 3, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        assert not queries.is_mentor_at(school, TRN, today=TODAY)
        MentorAtSchoolPeriodFactory(teacher=teacher, school=school, started_on=D(THIS_YEAR, 10, 1))
        assert queries.is_mentor_at(school, TRN, today=TODAY)
        assert not queries.is_mentor_at(SchoolFactory(), TRN, today=TODAY)


# --- Registering from an ECT -------------------------------------------------------------------------


class TestRegisteringAMentorForAnECT:
    def test_the_new_mentor_mentors_the_ect_from_their_start(self, register, ect, school):
        with emails_sent() as sent:
            period = register(mentee=ect)

        assert sent[0].personalisation["mentoring"] == "You will mentor Mary Anning."

        mentorship = MentorshipPeriod.objects.get()
        assert (mentorship.mentee, mentorship.mentor, mentorship.started_on, mentorship.finished_on) == (
            ect,
            period,
            SEPTEMBER,
            None,
        )
        assert list(Event.objects.order_by("pk").values_list("event_type", "heading")) == [
            ("mentor_registered", f"Charles Darwin registered as a mentor from 1 September {THIS_YEAR}"),
            ("mentor_assigned", f"Mentor assigned: Charles Darwin from 1 September {THIS_YEAR}"),
        ]

    def test_from_the_ects_start_when_they_start_later(self, register, school):
        later = ECTAtSchoolPeriodFactory(school=school, started_on=D(THIS_YEAR, 10, 1))
        register(mentee=later)
        assert MentorshipPeriod.objects.get().started_on == D(THIS_YEAR, 10, 1)

    def test_the_ects_previous_mentor_stops_the_day_before(self, register, ect, school):
        MentorshipPeriodFactory(
            mentee=ect, mentor=mentor_at(school, "Alan Turing"), started_on=D(THIS_YEAR - 1, 9, 1)
        )

        register(mentee=ect)

        assert mentorships_of(ect) == [
            ("Alan Turing", D(THIS_YEAR - 1, 9, 1), D(THIS_YEAR, 8, 31)),
            ("Charles Darwin", SEPTEMBER, None),
        ]


# --- Refusals ------------------------------------------------------------------------------------


class TestRefusals:
    """Each refusal raises its own RegistrationRefused, in words, and saves nothing."""

    def refused(self, register, expected, **answers):
        before = counts()
        with emails_sent() as sent, pytest.raises(expected) as refusal:
            register(**answers)
        assert counts() == before
        assert sent == []
        assert isinstance(refusal.value, services.RegistrationRefused)
        return refusal.value

    def test_prohibited_from_teaching(self, register):
        refusal = self.refused(
            register,
            services.ProhibitedFromMentoring,
            teacher_record=teacher_record(prohibited_from_teaching=True),
        )
        assert str(refusal) == "They are prohibited from teaching, so they cannot be registered as a mentor."

    @pytest.mark.parametrize(
        "started_on, finished_on",
        [
            (D(THIS_YEAR - 1, 9, 1), None),
            (D(THIS_YEAR, 10, 1), None),
            (D(THIS_YEAR - 1, 9, 1), D(THIS_YEAR, 12, 31)),
        ],
        ids=["ongoing", "not started yet", "finishing later"],
    )
    def test_already_a_mentor_at_this_school(self, register, school, started_on, finished_on):
        MentorAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), school=school, started_on=started_on, finished_on=finished_on
        )
        refusal = self.refused(register, services.AlreadyMentorAtThisSchool)
        assert str(refusal) == (
            f"This teacher is already registered as a mentor at your school from {started_on.day} "
            f"{started_on:%B %Y}."
        )

    @pytest.mark.parametrize("factory", [ECTAtSchoolPeriodFactory, MentorAtSchoolPeriodFactory])
    def test_an_email_another_teacher_uses(self, register, factory):
        factory(email="CHARLES.darwin@example.com")
        refusal = self.refused(register, services.MentorEmailInUse)
        assert isinstance(refusal, services.EmailInUse)
        assert str(refusal) == (
            "This email address is already used by another teacher. Enter the mentor's own email address."
        )

    def test_the_mentee_is_the_same_teacher(self, register, school):
        themself = ECTAtSchoolPeriodFactory(school=school, teacher=TeacherFactory(trn=TRN))
        refusal = self.refused(register, services.CannotMentorThemself, mentee=themself)
        assert str(refusal) == "A teacher cannot mentor themself. Choose a different mentor."

    def test_the_mentee_is_at_another_school(self, register):
        elsewhere = ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning")
        )
        refusal = self.refused(register, services.MenteeNotAtThisSchool, mentee=elsewhere)
        assert str(refusal) == "Mary Anning is not an ECT at your school."

    def test_the_mentee_has_left(self, register, school):
        left = ECTAtSchoolPeriodFactory(
            school=school,
            teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning"),
            finished_on=D(THIS_YEAR, 7, 31),
        )
        refusal = self.refused(register, services.MenteeHasLeft, mentee=left)
        assert (
            str(refusal)
            == f"Mary Anning left your school on 31 July {THIS_YEAR}, so they cannot be given a mentor."
        )

    def test_the_mentee_leaves_before_the_mentor_starts(self, register, school):
        leaving = ECTAtSchoolPeriodFactory(
            school=school,
            teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning"),
            finished_on=D(THIS_YEAR, 8, 20),
        )
        refusal = self.refused(register, services.MenteeHasLeft, mentee=leaving)
        assert (
            str(refusal)
            == f"Mary Anning leaves your school on 20 August {THIS_YEAR}, before the mentoring would start."
        )

    def test_training_in_a_year_not_open_yet_says_when_it_opens(self, register, next_year, active):
        refusal = self.refused(
            register,
            services.MentorContractPeriodNotOpen,
            started_on=D(THIS_YEAR + 1, 9, 1),
            lead_provider=active.lead_provider,
        )
        assert isinstance(refusal, services.ContractPeriodNotOpen)
        assert (refusal.contract_period, refusal.opens_on) == (next_year, D(THIS_YEAR + 1, 6, 1))
        assert str(refusal) == (
            f"Registration for mentors starting in the {next_year} academic year opens on 1 June {THIS_YEAR + 1}. "
            "Register them then."
        )

    def test_training_from_a_date_in_no_year(self, register, active):
        refusal = self.refused(
            register,
            services.MentorNoContractPeriod,
            started_on=D(THIS_YEAR + 4, 9, 1),
            lead_provider=active.lead_provider,
        )
        assert isinstance(refusal, services.NoContractPeriod)
        assert str(refusal) == (
            f"You cannot register a mentor starting on 1 September {THIS_YEAR + 4}: that date is not in an academic year "
            "open for registration. Check the start date."
        )

    def test_training_at_a_school_that_cannot_have_funded_training(self, register, school, active):
        school.eligible_for_funding = False
        school.save()
        refusal = self.refused(register, services.MentorTrainingNotFunded, lead_provider=active.lead_provider)
        assert isinstance(refusal, services.NotEligibleForFunding)

    def test_a_lead_provider_not_working_that_year(self, register, active):
        other = ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=THIS_YEAR - 1))
        refusal = self.refused(register, services.LeadProviderNotActive, lead_provider=other.lead_provider)
        assert "does not provide training in the" in str(refusal)


# --- Giving an ECT a mentor ------------------------------------------------------------------------


@pytest.fixture
def assign(tutor):
    def assign(mentee, mentor, **kwargs):
        return services.assign_mentor(mentee=mentee, mentor=mentor, assigned_by=tutor, today=TODAY, **kwargs)

    return assign


class TestAssigningAMentor:
    def test_a_first_mentor_from_today(self, assign, ect, school, tutor):
        turing = mentor_at(school, "Alan Turing")

        mentorship = assign(ect, turing)

        assert (mentorship.mentee, mentorship.mentor, mentorship.started_on, mentorship.finished_on) == (
            ect,
            turing,
            TODAY,
            None,
        )
        event = Event.objects.get()
        assert (event.event_type, event.teacher, event.school, event.actor_user) == (
            "mentor_assigned",
            ect.teacher,
            school,
            tutor,
        )
        assert (event.subject_type, event.subject_id) == ("mentorshipperiod", mentorship.pk)
        assert event.heading == f"Mentor assigned: Alan Turing from 15 August {THIS_YEAR}"
        assert event.changes == {"mentor": [None, "Alan Turing"], "started_on": [None, f"{THIS_YEAR}-08-15"]}

    def test_changing_mentor_finishes_the_previous_mentorship_the_day_before(self, assign, ect, school):
        turing = mentor_at(school, "Alan Turing")
        hopper = mentor_at(school, "Grace Hopper")
        assign(ect, turing, starting_on=D(THIS_YEAR - 1, 9, 1))

        assign(ect, hopper, starting_on=D(THIS_YEAR, 1, 5))

        assert mentorships_of(ect) == [
            ("Alan Turing", D(THIS_YEAR - 1, 9, 1), D(THIS_YEAR, 1, 4)),
            ("Grace Hopper", D(THIS_YEAR, 1, 5), None),
        ]
        event = Event.objects.order_by("pk").last()
        assert event.heading == f"Mentor changed from Alan Turing to Grace Hopper from 5 January {THIS_YEAR}"
        assert event.changes["mentor"] == ["Alan Turing", "Grace Hopper"]
        assert event.reason == (
            f"Mary Anning has one mentor at a time: their mentorship with Alan Turing was finished on 4 January {THIS_YEAR}."
        )

    def test_a_mentorship_that_has_not_started_is_removed(self, assign, school):
        ect = ECTAtSchoolPeriodFactory(school=school, started_on=SEPTEMBER)
        turing = mentor_at(school, "Alan Turing")
        hopper = mentor_at(school, "Grace Hopper")
        assign(ect, turing)  # from the ECT's start, 1 September

        assign(ect, hopper)

        assert mentorships_of(ect) == [("Grace Hopper", SEPTEMBER, None)]
        assert (
            f"was removed, as it had not started by 1 September {THIS_YEAR}"
            in Event.objects.order_by("pk").last().reason
        )

    def test_never_before_the_mentee_or_mentor_starts(self, assign, school, ect):
        later_mentor = mentor_at(school, "Alan Turing", started_on=D(THIS_YEAR, 10, 1))
        assert assign(ect, later_mentor, starting_on=D(THIS_YEAR - 1, 1, 1)).started_on == D(THIS_YEAR, 10, 1)

    def test_the_mentorship_ends_when_the_first_of_them_is_due_to_leave(self, assign, school):
        ect = ECTAtSchoolPeriodFactory(
            school=school, started_on=D(THIS_YEAR - 1, 9, 1), finished_on=D(THIS_YEAR + 1, 7, 31)
        )
        mentor = mentor_at(school, "Alan Turing", finished_on=D(THIS_YEAR, 12, 31))
        assert assign(ect, mentor).finished_on == D(THIS_YEAR, 12, 31)

    def test_the_same_mentor_again_changes_nothing(self, assign, ect, school):
        turing = mentor_at(school, "Alan Turing")
        first = assign(ect, turing, starting_on=D(THIS_YEAR - 1, 9, 1))
        before = counts()

        again = assign(ect, turing)

        assert again == first
        assert counts() == before
        assert mentorships_of(ect) == [("Alan Turing", D(THIS_YEAR - 1, 9, 1), None)]

    def test_a_mentor_may_mentor_several_ects(self, assign, ect, school):
        turing = mentor_at(school, "Alan Turing")
        other = ECTAtSchoolPeriodFactory(school=school)
        assign(ect, turing)
        assign(other, turing)
        assert MentorshipPeriod.objects.filter(mentor=turing, finished_on__isnull=True).count() == 2


class TestAssignRefusals:
    def refused(self, assign, expected, mentee, mentor, **kwargs):
        before = counts()
        with pytest.raises(expected) as refusal:
            assign(mentee, mentor, **kwargs)
        assert counts() == before
        assert isinstance(refusal.value, services.RegistrationRefused)
        return str(refusal.value)

    def test_not_themself(self, assign, ect, school):
        themself = MentorAtSchoolPeriodFactory(school=school, teacher=ect.teacher)
        assert self.refused(assign, services.CannotMentorThemself, ect, themself) == (
            "A teacher cannot mentor themself. Choose a different mentor."
        )

    def test_a_mentor_at_another_school(self, assign, ect):
        elsewhere = mentor_at(SchoolFactory(), "Alan Turing")
        assert self.refused(assign, services.MentorNotAtThisSchool, ect, elsewhere) == (
            "Alan Turing is not a mentor at this ECT's school. Choose one of your school's mentors."
        )

    def test_a_mentor_who_has_left(self, assign, ect, school):
        left = mentor_at(school, "Alan Turing", finished_on=D(THIS_YEAR, 7, 31))
        assert self.refused(assign, services.MentorHasLeft, ect, left) == (
            f"Alan Turing left your school on 31 July {THIS_YEAR}. Choose another mentor."
        )

    def test_an_ect_who_has_left(self, assign, school):
        left = ECTAtSchoolPeriodFactory(
            school=school,
            finished_on=D(THIS_YEAR, 7, 31),
            teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning"),
        )
        assert self.refused(assign, services.MenteeHasLeft, left, mentor_at(school, "Alan Turing")) == (
            f"Mary Anning left your school on 31 July {THIS_YEAR}, so they cannot be given a mentor."
        )

    def test_an_ect_whose_period_was_removed(self, assign, school):
        gone = ECTAtSchoolPeriodFactory(
            school=school, teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Anning")
        )
        mentor = mentor_at(school, "Alan Turing")
        ECTAtSchoolPeriod.objects.filter(pk=gone.pk).delete()
        assert self.refused(assign, services.MenteeHasLeft, gone, mentor) == (
            "Mary Anning is no longer registered at your school, so they cannot be given a mentor."
        )


# --- Two tutors at once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestTwoTutorsAtOnce:
    @pytest.mark.parametrize("had_a_mentor", [False, True], ids=["first mentor", "changing mentor"])
    def test_two_tutors_giving_one_ect_different_mentors_exactly_one_wins(
        self, monkeypatch, assign, ect, school, had_a_mentor
    ):
        turing = mentor_at(school, "Alan Turing")
        hopper = mentor_at(school, "Grace Hopper")
        if had_a_mentor:
            MentorshipPeriodFactory(
                mentee=ect, mentor=mentor_at(school, "Ada Byron"), started_on=D(THIS_YEAR - 1, 9, 1)
            )

        outcomes = race(
            monkeypatch, lambda: assign(ect, turing), lambda: assign(ect, hopper), hold_after="record_event"
        )

        assert outcomes == {"first": "done", "second": "MentorChangedJustNow"}
        ongoing = MentorshipPeriod.objects.filter(mentee=ect, finished_on__isnull=True)
        assert [m.mentor for m in ongoing] == [turing]
        assert Event.objects.filter(event_type="mentor_assigned").count() == 1

    def test_two_tutors_giving_one_ect_the_same_mentor_both_succeed_once(
        self, monkeypatch, assign, ect, school
    ):
        turing = mentor_at(school, "Alan Turing")

        outcomes = race(
            monkeypatch, lambda: assign(ect, turing), lambda: assign(ect, turing), hold_after="record_event"
        )

        assert outcomes == {"first": "done", "second": "done"}
        assert MentorshipPeriod.objects.filter(mentee=ect).count() == 1
        assert Event.objects.filter(event_type="mentor_assigned").count() == 1
