"""Registering an ECT: the service, its refusals, moving school, what it records and emails, the
read-side checks the journey can use early, and two schools racing to register one teacher."""

import datetime

import pytest

from audit.models import ActorType, Event
from core import clock
from emails.models import Email
from emails.templates import get_template
from participants import queries, services
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionStatus,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from participants.services import ects
from participants.trs.client import TeacherRecord
from providers.queries import (
    StartDateRegistration,
    contract_period_for_start,
    registration_for_start,
)
from providers.schedules import schedule_for
from schools.models import SchoolAccess, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)
from tests.outbox import emails_sent
from tests.races import race

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(THIS_YEAR, 8, 15)
SEPTEMBER = D(THIS_YEAR, 9, 1)
TRN = "1234567"
BORN = D(1990, 3, 14)
NI_NUMBER = "QQ123456C"


def teacher_record(**overrides) -> TeacherRecord:
    values = {
        "trn": TRN,
        "first_name": "Mary",
        "middle_name": "Ann",
        "last_name": "Anning",
        "date_of_birth": BORN,
        "national_insurance_number": NI_NUMBER,
        "qts_awarded_on": D(THIS_YEAR, 7, 20),
        "induction_status": InductionStatus.REQUIRED_TO_COMPLETE,
        "prohibited_from_teaching": False,
        "has_other_alerts": False,
    }
    return TeacherRecord(**{**values, **overrides})


@pytest.fixture
def last_year():
    return ContractPeriodFactory(
        year=THIS_YEAR - 1, started_on=D(THIS_YEAR - 1, 6, 1), finished_on=D(THIS_YEAR, 5, 31), enabled=True
    )


@pytest.fixture
def next_year():
    return ContractPeriodFactory(
        year=THIS_YEAR + 1,
        started_on=D(THIS_YEAR + 1, 6, 1),
        finished_on=D(THIS_YEAR + 2, 5, 31),
        enabled=False,
    )


@pytest.fixture
def hub():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


@pytest.fixture
def register(school, tutor, hub, this_year):
    """Call register_ect with a complete set of answers; keyword arguments replace any of them."""

    def register(**overrides):
        answers = {
            "school": school,
            "registered_by": tutor,
            "teacher_record": teacher_record(),
            "corrected_name": "",
            "email": " Mary.Anning@Example.COM ",
            "started_on": SEPTEMBER,
            "working_pattern": "part_time",
            "appropriate_body": hub,
            "training_programme": "school_led",
            "lead_provider": None,
            "today": TODAY,
        }
        return services.register_ect(**{**answers, **overrides})

    return register


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Teacher, ECTAtSchoolPeriod, TrainingPeriod, MentorshipPeriod, Event, Email)
    }


# --- Registering ---------------------------------------------------------------------------------


class TestRegistering:
    def test_a_new_teacher_is_created_from_their_record_and_registered_school_led(
        self, register, school, hub
    ):
        period = register()

        teacher = Teacher.objects.get(trn=TRN)
        assert (teacher.trs_first_name, teacher.trs_last_name, teacher.corrected_name) == (
            "Mary",
            "Anning",
            "",
        )
        assert teacher.trs_qts_awarded_on == D(THIS_YEAR, 7, 20)
        assert teacher.trs_induction_status == InductionStatus.REQUIRED_TO_COMPLETE
        assert clock.now() - teacher.trs_data_refreshed_at < datetime.timedelta(minutes=1)
        assert (period.teacher, period.school, period.started_on, period.finished_on) == (
            teacher,
            school,
            SEPTEMBER,
            None,
        )
        assert period.email == "mary.anning@example.com"
        assert period.working_pattern == "part_time"
        assert period.school_reported_appropriate_body == hub
        training = period.training_periods.get()
        assert (training.started_on, training.finished_on, training.training_programme) == (
            SEPTEMBER,
            None,
            "school_led",
        )
        assert (training.school_partnership, training.expression_of_interest) == (None, None)

    def test_a_teacher_we_know_is_refreshed_from_trs_not_duplicated(self, register):
        known = TeacherFactory(
            trn=TRN, trs_first_name="Mary", trs_last_name="Smith", trs_induction_status=InductionStatus.NONE
        )
        ECTAtSchoolPeriodFactory(
            teacher=known, started_on=D(THIS_YEAR - 2, 9, 1), finished_on=D(THIS_YEAR - 1, 7, 31)
        )

        period = register()

        assert Teacher.objects.count() == 1
        known.refresh_from_db()
        assert period.teacher == known
        assert (known.trs_last_name, known.trs_induction_status) == ("Anning", "required_to_complete")
        assert known.trs_data_refreshed_at is not None
        event = Event.objects.get(event_type="ect_registered")
        assert event.changes["trs_last_name"] == ["Smith", "Anning"]
        assert event.changes["trs_induction_status"] == ["none", "required_to_complete"]

    def test_the_name_the_school_uses_is_kept_when_it_differs_from_trs(self, register):
        register(corrected_name="  Molly   Anning ")
        teacher = Teacher.objects.get(trn=TRN)
        assert teacher.corrected_name == "Molly Anning"
        assert teacher.full_name == "Molly Anning"

    @pytest.mark.parametrize("name", ["Mary Anning", "Mary Ann Anning", ""])
    def test_trs_own_name_is_not_stored_as_a_correction(self, register, name):
        register(corrected_name=name)
        assert Teacher.objects.get(trn=TRN).corrected_name == ""

    def test_provider_led_with_a_partnership_names_it(self, register, school, this_year, last_year):
        pairing = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(contract_period=this_year)
        )
        lead_provider = pairing.active_lead_provider.lead_provider
        partnership = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
        # The same lead provider's partnership with the school in another year is not this year's.
        SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=ActiveLeadProviderFactory(
                    lead_provider=lead_provider, contract_period=last_year
                )
            ),
        )

        period = register(training_programme="provider_led", lead_provider=lead_provider)

        training = period.training_periods.get()
        assert (
            training.training_programme,
            training.school_partnership,
            training.expression_of_interest,
        ) == (
            "provider_led",
            partnership,
            None,
        )
        event = Event.objects.get(event_type="ect_registered")
        assert event.lead_provider == lead_provider
        assert event.changes["delivery_partner"] == [None, pairing.delivery_partner.name]

    def test_provider_led_without_a_partnership_rests_on_an_expression_of_interest(self, register, this_year):
        active = ActiveLeadProviderFactory(contract_period=this_year)

        period = register(training_programme="provider_led", lead_provider=active.lead_provider)

        training = period.training_periods.get()
        assert (training.school_partnership, training.expression_of_interest) == (None, active)

    def test_a_start_date_in_a_year_whose_payments_are_frozen_counts_in_the_year_open_now(
        self, register, last_year, this_year
    ):
        last_year.payments_frozen_at = clock.now()
        last_year.save()
        active_this_year = ActiveLeadProviderFactory(contract_period=this_year)
        ActiveLeadProviderFactory(lead_provider=active_this_year.lead_provider, contract_period=last_year)

        period = register(
            started_on=D(THIS_YEAR, 3, 1),
            training_programme="provider_led",
            lead_provider=active_this_year.lead_provider,
        )

        assert period.training_periods.get().expression_of_interest == active_this_year
        assert Event.objects.get(event_type="ect_registered").changes["contract_period"] == [None, THIS_YEAR]

    def test_the_registration_is_an_event_on_the_teacher_and_school_by_the_tutor(
        self, register, tutor, school, hub
    ):
        period = register()

        event = Event.objects.get()
        assert event.event_type == "ect_registered"
        assert (event.actor_type, event.actor_user, event.teacher, event.school) == (
            ActorType.SCHOOL_USER,
            tutor,
            period.teacher,
            school,
        )
        assert event.appropriate_body == hub
        assert (event.subject_type, event.subject_id) == ("ectatschoolperiod", period.pk)
        assert event.heading == f"Mary Anning registered as an ECT from 1 September {THIS_YEAR}"
        assert event.changes == {
            "started_on": [None, f"{THIS_YEAR}-09-01"],
            "email": [None, "mary.anning@example.com"],
            "working_pattern": [None, "part_time"],
            "appropriate_body": [None, "Riverside Teaching School Hub"],
            "training_programme": [None, "school_led"],
            "contract_period": [None, THIS_YEAR],
        }

    def test_the_ect_is_emailed_once_with_what_they_need_and_no_links(self, register, this_year):
        active = ActiveLeadProviderFactory(
            contract_period=this_year, lead_provider__name="Ambition Institute"
        )

        with emails_sent() as sent:
            register(
                corrected_name="Molly Anning",
                training_programme="provider_led",
                lead_provider=active.lead_provider,
            )

        [email] = sent
        assert (email.recipient, email.template) == ("mary.anning@example.com", "ect_registered")
        assert email.personalisation == {
            "full_name": "Molly Anning",
            "school_name": "Quillfeather Primary School",
            "start_date": f"1 September {THIS_YEAR}",
            "training": "Your school has chosen Ambition Institute to provide your training.",
        }
        rendered = get_template("ect_registered").render(email.personalisation)
        assert "Quillfeather Primary School has registered you" in rendered.subject
        assert f"starting on 1 September {THIS_YEAR}" in rendered.body
        assert "http" not in rendered.body and "www." not in rendered.body

    def test_school_led_training_is_described_in_the_email(self, register):
        with emails_sent() as sent:
            register()
        assert sent[0].personalisation["training"] == "Your school will provide your training itself."

    def test_no_date_of_birth_or_national_insurance_number_is_stored_anywhere(self, register, this_year):
        register(corrected_name="Molly Anning")

        forbidden = [BORN.isoformat(), BORN.strftime("%d/%m/%Y"), "14 March 1990", NI_NUMBER, "QQ 12 34 56 C"]
        rows = [
            *Teacher.objects.values(),
            *Event.objects.values(),
            *Email.objects.values(),
            *ECTAtSchoolPeriod.objects.values(),
        ]
        assert rows
        for row in rows:
            text = " ".join(str(value) for value in row.values())
            for secret in forbidden:
                assert secret not in text, f"{secret!r} stored in {row}"
        assert not {"date_of_birth", "national_insurance_number"} & {
            f.name for f in Teacher._meta.get_fields()
        }


# --- Refusals ------------------------------------------------------------------------------------


class TestRefusals:
    """Each refusal raises its own RegistrationRefused, in words, and saves nothing."""

    def refused(self, register, expected, **answers):
        before = counts()
        with pytest.raises(expected) as refusal:
            register(**answers)
        assert counts() == before
        assert isinstance(refusal.value, services.RegistrationRefused)
        return refusal.value

    @pytest.mark.parametrize(
        "started_on, finished_on",
        [
            (D(THIS_YEAR - 1, 9, 1), None),
            (D(THIS_YEAR, 10, 1), None),
            (D(THIS_YEAR - 1, 9, 1), D(THIS_YEAR, 12, 31)),
        ],
        ids=["ongoing", "not started yet", "finishing later"],
    )
    def test_already_registered_at_this_school(self, register, school, started_on, finished_on):
        ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), school=school, started_on=started_on, finished_on=finished_on
        )
        refusal = self.refused(register, services.AlreadyRegisteredAtThisSchool)
        assert str(refusal).startswith("This teacher is already registered as an ECT at your school")

    def test_a_teacher_who_left_this_school_can_come_back(self, register, school):
        ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN),
            school=school,
            started_on=D(THIS_YEAR - 2, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        assert register().school == school

    @pytest.mark.parametrize("factory", [ECTAtSchoolPeriodFactory, MentorAtSchoolPeriodFactory])
    def test_an_email_another_teacher_uses_now(self, register, factory):
        factory(email="MARY.anning@example.com")
        refusal = self.refused(register, services.EmailInUse)
        assert str(refusal) == (
            "This email address is already used by another teacher. Enter the ECT's own email address."
        )

    def test_an_email_another_teacher_used_before_or_the_teacher_themself_uses_is_fine(self, register):
        ECTAtSchoolPeriodFactory(
            email="mary.anning@example.com",
            started_on=D(THIS_YEAR - 3, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        MentorAtSchoolPeriodFactory(teacher=TeacherFactory(trn=TRN), email="mary.anning@example.com")
        assert register().email == "mary.anning@example.com"

    def test_a_start_date_in_a_year_not_open_yet_says_when_it_opens(self, register, next_year):
        refusal = self.refused(register, services.ContractPeriodNotOpen, started_on=D(THIS_YEAR + 1, 9, 1))
        assert (refusal.contract_period, refusal.opens_on) == (next_year, D(THIS_YEAR + 1, 6, 1))
        assert str(refusal) == (
            f"Registration for ECTs starting in the {THIS_YEAR + 1} to {THIS_YEAR + 2} academic year opens on 1 June {THIS_YEAR + 1}. Register them then."
        )

    def test_a_start_date_in_a_closed_year_that_has_begun_gives_no_opening_date(self, register, this_year):
        this_year.enabled = False
        this_year.save()
        refusal = self.refused(register, services.ContractPeriodNotOpen)
        assert refusal.opens_on is None
        assert (
            str(refusal)
            == f"Registration for ECTs starting in the {THIS_YEAR} to {THIS_YEAR + 1} academic year is not open."
        )

    def test_a_start_date_in_no_contract_period(self, register):
        refusal = self.refused(register, services.NoContractPeriod, started_on=D(THIS_YEAR + 4, 9, 1))
        assert f"1 September {THIS_YEAR + 4}" in str(refusal)

    def test_a_lead_provider_not_active_in_the_ects_year(self, register, last_year):
        active_last_year = ActiveLeadProviderFactory(
            contract_period=last_year, lead_provider__name="Old Provider"
        )
        refusal = self.refused(
            register,
            services.LeadProviderNotActive,
            training_programme="provider_led",
            lead_provider=active_last_year.lead_provider,
        )
        assert str(refusal) == (
            f"Old Provider does not provide training in the {THIS_YEAR} to {THIS_YEAR + 1} academic year. Choose another lead provider."
        )

    def test_provider_led_at_a_school_not_eligible_for_funding(self, register, this_year):
        active = ActiveLeadProviderFactory(contract_period=this_year)
        ineligible = SchoolFactory(eligible_for_funding=False)
        self.refused(
            register,
            services.NotEligibleForFunding,
            school=ineligible,
            training_programme="provider_led",
            lead_provider=active.lead_provider,
        )

    @pytest.mark.parametrize(
        "record, reason, message",
        [
            (
                {"induction_status": InductionStatus.PASSED},
                "passed",
                "They have already passed their induction, so they cannot be registered as an ECT.",
            ),
            (
                {"induction_status": InductionStatus.FAILED},
                "failed",
                "They have failed their induction, so they cannot be registered as an ECT.",
            ),
            (
                {"induction_status": InductionStatus.EXEMPT},
                "exempt",
                "They are exempt from induction, so they cannot be registered as an ECT.",
            ),
            (
                {"prohibited_from_teaching": True},
                "prohibited",
                "They are prohibited from teaching, so they cannot be registered as an ECT.",
            ),
        ],
    )
    def test_a_teacher_who_cannot_be_an_ect(self, register, record, reason, message):
        refusal = self.refused(register, services.CannotBeRegistered, teacher_record=teacher_record(**record))
        assert (refusal.reason, str(refusal)) == (reason, message)

    def test_a_teacher_whose_appropriate_body_recorded_a_pass(self, register):
        InductionPeriodFactory(
            teacher=TeacherFactory(trn=TRN),
            started_on=D(THIS_YEAR - 2, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
            number_of_terms=3,
            outcome=InductionOutcome.PASS,
        )
        assert self.refused(register, services.CannotBeRegistered).reason == "passed"

    def test_a_teacher_record_kept_by_the_journey_works_as_well(self, register):
        """The journey keeps the record without date of birth or NI number, induction status as text."""
        kept = teacher_record(
            date_of_birth=None, national_insurance_number=None, induction_status="in_progress"
        )
        assert register(teacher_record=kept).teacher.trs_induction_status == "in_progress"
        passed = teacher_record(trn="7654321", date_of_birth=None, induction_status="passed")
        self.refused(register, services.CannotBeRegistered, teacher_record=passed, email="other@example.com")

    @pytest.mark.parametrize(
        "answers",
        [
            {"training_programme": "provider_led", "lead_provider": None},
            {"training_programme": "school_led", "lead_provider": "a lead provider"},
            {"training_programme": "no_ects"},
            {"working_pattern": "sometimes"},
        ],
    )
    def test_answers_that_contradict_each_other_are_a_programming_error(self, register, answers):
        if answers.get("lead_provider") == "a lead provider":
            answers["lead_provider"] = LeadProviderFactory()
        before = counts()
        with pytest.raises(ValueError):
            register(**answers)
        assert counts() == before


# --- Moving school -------------------------------------------------------------------------------


@pytest.fixture
def old_school():
    return SchoolFactory(name="Old Mill Academy")


@pytest.fixture
def at_old_school(old_school):
    """The teacher's ongoing ECT period at another school, with a mentor and school-led training."""
    period = ECTAtSchoolPeriodFactory(
        teacher=TeacherFactory(trn=TRN, trs_first_name="Mary", trs_last_name="Anning"),
        school=old_school,
        started_on=D(THIS_YEAR - 1, 9, 1),
        email="mary.anning@example.com",
    )
    MentorshipPeriodFactory(mentee=period, started_on=D(THIS_YEAR - 1, 9, 1))
    TrainingPeriodFactory(ect_at_school_period=period)
    return period


class TestMovingSchool:
    @pytest.fixture
    def trained_by_ambition_last_year(self, at_old_school, last_year):
        """Their training at the old school: provider-led with Ambition, counting in last year's period."""
        ambition = ActiveLeadProviderFactory(
            contract_period=last_year,
            lead_provider__name="Ambition Institute",
            lead_provider__email="ecf@ambition.example",
        )
        at_old_school.training_periods.update(
            training_programme="provider_led",
            expression_of_interest=ambition,
            schedule=schedule_for(last_year, "ecf-standard-september"),
        )
        return ambition

    def test_keeping_their_lead_provider_keeps_their_year_and_tells_the_provider_once(
        self, register, at_old_school, trained_by_ambition_last_year, old_school
    ):
        tutor_there = UserFactory(email="tutor@oldmill.example")
        SchoolAccess.objects.create(user=tutor_there, school=old_school, role=SchoolRole.INDUCTION_TUTOR)
        with emails_sent() as sent:
            period = register(
                transfer_from=at_old_school.pk,
                training_programme="provider_led",
                lead_provider=trained_by_ambition_last_year.lead_provider,
            )
        assert period.training_periods.get().expression_of_interest == trained_by_ambition_last_year
        period.school.refresh_from_db()
        assert period.school.last_chosen_lead_provider is None  # the ECT's provider, not the school's choice
        by_template = {email.template: email for email in sent}
        assert set(by_template) == {"ect_registered", "participant_transferred", "ect_moved_school"}
        to_provider = by_template["participant_transferred"]
        assert to_provider.recipient == "ecf@ambition.example"
        assert (
            to_provider.personalisation["what_happens"]
            == f"They will carry on training with you from 1 September {THIS_YEAR}."
        )
        told = by_template["ect_moved_school"]
        assert told.recipient == "tutor@oldmill.example"
        assert told.personalisation["what_happens"].startswith(
            f"Their last day at {old_school.name} is 31 August {THIS_YEAR}."
        )

    def test_moving_to_the_new_schools_provider_tells_both_providers(
        self, register, at_old_school, trained_by_ambition_last_year, last_year
    ):
        teach_first = ActiveLeadProviderFactory(
            contract_period=last_year,
            lead_provider__name="Teach First",
            lead_provider__email="ecf@teachfirst.example",
        )
        with emails_sent() as sent:
            register(
                transfer_from=at_old_school.pk,
                training_programme="provider_led",
                lead_provider=teach_first.lead_provider,
            )
        told = {
            email.recipient: email.personalisation["what_happens"]
            for email in sent
            if email.template == "participant_transferred"
        }
        assert told == {
            "ecf@ambition.example": f"They will no longer train with you after 31 August {THIS_YEAR}. "
            "Do not make declarations for them after that.",
            "ecf@teachfirst.example": f"They will train with you at Quillfeather Primary School from 1 September {THIS_YEAR}.",
        }

    def test_the_old_period_and_its_mentorship_and_training_finish_the_day_before(
        self, register, at_old_school, old_school, school
    ):
        period = register(transfer_from=at_old_school.pk)

        at_old_school.refresh_from_db()
        assert at_old_school.finished_on == D(THIS_YEAR, 8, 31)
        assert MentorshipPeriod.objects.get(mentee=at_old_school).finished_on == D(THIS_YEAR, 8, 31)
        assert TrainingPeriod.objects.get(ect_at_school_period=at_old_school).finished_on == D(
            THIS_YEAR, 8, 31
        )
        assert (period.school, period.started_on, period.teacher) == (
            school,
            SEPTEMBER,
            at_old_school.teacher,
        )
        assert (
            ECTAtSchoolPeriod.objects.filter(teacher=period.teacher, finished_on__isnull=True).get() == period
        )

        left = Event.objects.get(event_type="ect_moved_to_another_school")
        assert (left.school, left.teacher, left.subject_id) == (old_school, period.teacher, at_old_school.pk)
        assert left.changes == {"finished_on": [None, f"{THIS_YEAR}-08-31"]}
        assert (
            left.heading
            == f"Mary Anning moved to Quillfeather Primary School: their time here finishes on 31 August {THIS_YEAR}"
        )
        joined = Event.objects.get(event_type="ect_registered")
        assert joined.school == school
        assert (
            joined.heading
            == f"Mary Anning registered as an ECT from 1 September {THIS_YEAR}, moving from Old Mill Academy"
        )

    def test_children_that_would_start_after_the_old_period_finishes_are_removed(
        self, register, at_old_school
    ):
        later = MentorshipPeriod.objects.get(mentee=at_old_school)
        later.finished_on = D(THIS_YEAR, 6, 30)
        later.save()
        upcoming = MentorshipPeriodFactory(mentee=at_old_school, started_on=D(THIS_YEAR, 10, 1))

        register(transfer_from=at_old_school.pk)

        assert not MentorshipPeriod.objects.filter(pk=upcoming.pk).exists()
        assert MentorshipPeriod.objects.get(pk=later.pk).finished_on == D(
            THIS_YEAR, 6, 30
        )  # already over: untouched

    def test_a_period_at_the_old_school_that_has_not_started_is_removed_not_finished(
        self, register, old_school, school
    ):
        not_started = ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), school=old_school, started_on=D(THIS_YEAR, 10, 1)
        )
        training = TrainingPeriodFactory(ect_at_school_period=not_started)
        mentorship = MentorshipPeriodFactory(mentee=not_started)
        SchoolAccess.objects.create(
            user=UserFactory(email="tutor@oldmill.example"),
            school=old_school,
            role=SchoolRole.INDUCTION_TUTOR,
        )

        with emails_sent() as sent:
            period = register(transfer_from=not_started.pk)

        assert not ECTAtSchoolPeriod.objects.filter(pk=not_started.pk).exists()
        assert not TrainingPeriod.objects.filter(pk=training.pk).exists()
        assert not MentorshipPeriod.objects.filter(pk=mentorship.pk).exists()
        assert list(ECTAtSchoolPeriod.objects.filter(teacher=period.teacher)) == [period]
        removed = Event.objects.get(event_type="ect_moved_to_another_school")
        assert (removed.school, removed.subject_id) == (old_school, not_started.pk)
        assert removed.changes == {"started_on": [f"{THIS_YEAR}-10-01", None]}
        assert "removed, not finished" in removed.reason
        # The old school is told they will not start there, not given a last day before their first.
        told = next(email for email in sent if email.template == "ect_moved_school")
        assert told.personalisation["what_happens"] == (
            f"They were due to start at {old_school.name} on 1 October {THIS_YEAR} and will not now: "
            "their registration there has been removed from your list of early career teachers."
        )

    def test_a_move_nobody_confirmed_is_refused(self, register, at_old_school):
        before = counts()
        with pytest.raises(services.RegisteredElsewhereJustNow) as refusal:
            register()
        assert str(refusal.value).startswith(
            "Another school has registered this teacher as an ECT since you checked"
        )
        assert counts() == before
        at_old_school.refresh_from_db()
        assert at_old_school.finished_on is None

    def test_a_move_from_a_period_other_than_the_one_confirmed_is_refused(
        self, register, at_old_school, old_school
    ):
        stale = ECTAtSchoolPeriodFactory(
            teacher=at_old_school.teacher,
            school=SchoolFactory(),
            started_on=D(THIS_YEAR - 2, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        with pytest.raises(services.RegisteredElsewhereJustNow):
            register(transfer_from=stale.pk)

    def test_should_the_checks_miss_a_period_elsewhere_the_database_refusal_is_put_in_words(
        self, register, at_old_school, monkeypatch
    ):
        monkeypatch.setattr(ects, "_moves_from_other_schools", lambda *args, **kwargs: [])
        before = counts()
        with pytest.raises(services.RegisteredElsewhereJustNow):
            register()
        assert counts() == before

    def test_a_period_elsewhere_over_before_the_start_date_needs_no_move(self, register, old_school):
        leaving = ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN),
            school=old_school,
            started_on=D(THIS_YEAR - 1, 9, 1),
            finished_on=D(THIS_YEAR, 8, 20),
        )
        register()
        leaving.refresh_from_db()
        assert leaving.finished_on == D(THIS_YEAR, 8, 20)
        assert not Event.objects.filter(event_type="ect_moved_to_another_school").exists()

    def test_a_period_elsewhere_that_has_already_finished_is_not_rewritten(self, register, old_school):
        history = ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN),
            school=old_school,
            started_on=D(THIS_YEAR - 1, 9, 1),
            finished_on=D(THIS_YEAR, 7, 31),
        )
        before = counts()
        with pytest.raises(services.StartsBeforeLeavingAnotherSchool) as refusal:
            register(started_on=D(THIS_YEAR, 7, 1), transfer_from=history.pk)
        assert refusal.value.not_before == D(THIS_YEAR, 8, 1)
        assert str(refusal.value) == (
            f"Their time as an ECT at {old_school.name} ended on 31 July {THIS_YEAR}. "
            "Their start date at your school must be after that."
        )
        assert counts() == before

    def test_a_period_elsewhere_that_has_begun_on_or_after_the_start_date_is_not_removed(
        self, register, old_school
    ):
        begun = ECTAtSchoolPeriodFactory(
            teacher=TeacherFactory(trn=TRN), school=old_school, started_on=SEPTEMBER
        )
        with pytest.raises(services.StartsBeforeLeavingAnotherSchool):
            register(transfer_from=begun.pk, today=D(THIS_YEAR, 9, 10))
        assert ECTAtSchoolPeriod.objects.filter(pk=begun.pk, finished_on__isnull=True).exists()


# --- What the journey can check early --------------------------------------------------------------


class TestEarlyChecks:
    def test_is_registered_at(self, school, old_school):
        teacher = TeacherFactory(trn=TRN)
        ECTAtSchoolPeriodFactory(
            teacher=teacher,
            school=school,
            started_on=D(THIS_YEAR - 2, 9, 1),
            finished_on=D(THIS_YEAR - 1, 7, 31),
        )
        assert not queries.is_registered_at(school, TRN, today=TODAY)
        ECTAtSchoolPeriodFactory(teacher=teacher, school=school, started_on=D(THIS_YEAR, 10, 1))
        assert queries.is_registered_at(school, TRN, today=TODAY)
        assert not queries.is_registered_at(old_school, TRN, today=TODAY)

    def test_ongoing_ect_period_elsewhere(self, school, at_old_school, old_school):
        found = queries.ongoing_ect_period_elsewhere(TRN, school, today=TODAY)
        assert (found, found.school) == (at_old_school, old_school)
        assert queries.ongoing_ect_period_elsewhere(TRN, old_school, today=TODAY) is None
        assert queries.ongoing_ect_period_elsewhere("7654321", school, today=TODAY) is None

    def test_email_in_use(self):
        ECTAtSchoolPeriodFactory(teacher=TeacherFactory(trn=TRN), email="mary@example.com")
        MentorAtSchoolPeriodFactory(
            email="old@example.com", finished_on=D(THIS_YEAR, 1, 1), started_on=D(THIS_YEAR - 1, 9, 1)
        )
        assert queries.email_in_use(" MARY@example.com", today=TODAY)
        assert not queries.email_in_use("mary@example.com", today=TODAY, except_trn=TRN)
        assert queries.email_in_use("mary@example.com", today=TODAY, except_trn="7654321")
        assert not queries.email_in_use("old@example.com", today=TODAY)


class TestContractPeriodForStart:
    def test_the_period_containing_the_date(self, last_year, this_year, next_year):
        assert contract_period_for_start(D(THIS_YEAR, 5, 31), today=TODAY) == last_year
        assert contract_period_for_start(D(THIS_YEAR, 6, 1), today=TODAY) == this_year
        assert (
            contract_period_for_start(D(THIS_YEAR + 1, 9, 1), today=TODAY) == next_year
        )  # not open, but it contains it
        assert contract_period_for_start(D(THIS_YEAR + 4, 9, 1), today=TODAY) is None

    def test_a_period_with_frozen_payments_gives_way_to_the_one_open_for_registration(
        self, last_year, this_year
    ):
        last_year.payments_frozen_at = clock.now()
        last_year.save()
        assert contract_period_for_start(D(THIS_YEAR, 3, 1), today=TODAY) == this_year
        this_year.enabled = False
        this_year.save()
        # Only the frozen period is then open: no period to register in.
        assert contract_period_for_start(D(THIS_YEAR, 3, 1), today=TODAY) is None
        assert (
            registration_for_start(D(THIS_YEAR, 3, 1), today=TODAY).status
            == StartDateRegistration.NO_CONTRACT_PERIOD
        )

    def test_registration_for_start_tells_open_from_not_open_from_none(self, this_year, next_year):
        opened = registration_for_start(SEPTEMBER, today=TODAY)
        assert (opened.status, opened.contract_period, opened.is_open) == (
            StartDateRegistration.OPEN,
            this_year,
            True,
        )
        not_yet = registration_for_start(D(THIS_YEAR + 1, 9, 1), today=TODAY)
        assert (not_yet.status, not_yet.contract_period, not_yet.opens_on, not_yet.is_open) == (
            StartDateRegistration.NOT_OPEN,
            next_year,
            D(THIS_YEAR + 1, 6, 1),
            False,
        )
        assert (
            registration_for_start(D(THIS_YEAR + 4, 9, 1), today=TODAY).status
            == StartDateRegistration.NO_CONTRACT_PERIOD
        )


# --- Two schools at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestTwoSchoolsAtOnce:
    @pytest.mark.parametrize("known", [False, True], ids=["new teacher", "teacher we know"])
    def test_two_schools_registering_the_same_teacher_exactly_one_wins(
        self, monkeypatch, register, school, known
    ):
        if known:
            TeacherFactory(trn=TRN)
        other_school = SchoolFactory(name="Other Primary School")

        outcomes = race(
            monkeypatch, lambda: register(), lambda: register(school=other_school), hold_after="queue_email"
        )

        assert outcomes == {"first": "done", "second": "RegisteredElsewhereJustNow"}
        teacher = Teacher.objects.get(trn=TRN)
        assert [(p.school, p.finished_on) for p in ECTAtSchoolPeriod.objects.filter(teacher=teacher)] == [
            (school, None)
        ]
        assert TrainingPeriod.objects.count() == 1
        assert Email.objects.filter(template="ect_registered").count() == 1
        assert list(Event.objects.values_list("event_type", "school")) == [("ect_registered", school.pk)]

    def test_two_tutors_at_one_school_registering_the_same_teacher_exactly_one_wins(
        self, monkeypatch, register, school
    ):
        outcomes = race(monkeypatch, lambda: register(), lambda: register(), hold_after="queue_email")

        assert outcomes == {"first": "done", "second": "AlreadyRegisteredAtThisSchool"}
        assert ECTAtSchoolPeriod.objects.filter(school=school).count() == 1

    def test_two_schools_moving_the_same_teacher_from_a_third_exactly_one_wins(
        self, monkeypatch, register, school, at_old_school
    ):
        other_school = SchoolFactory(name="Other Primary School")

        outcomes = race(
            monkeypatch,
            lambda: register(transfer_from=at_old_school.pk),
            lambda: register(school=other_school, transfer_from=at_old_school.pk),
            hold_after="queue_email",
        )

        assert outcomes == {"first": "done", "second": "RegisteredElsewhereJustNow"}
        periods = ECTAtSchoolPeriod.objects.filter(teacher=at_old_school.teacher).order_by("started_on")
        assert [(p.school, p.finished_on) for p in periods] == [
            (at_old_school.school, D(THIS_YEAR, 8, 31)),
            (school, None),
        ]
