"""Setting up a school's training for a year: the service, the database rules, and the journey
through the Django test client (the browser tests walk it in Chromium)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Event
from core import clock
from providers.models import AppropriateBody, SchoolPartnership
from schools import services
from schools.models import SchoolAccess, SchoolContractPeriodChoice, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    UserFactory,
)
from tests.invariants import rejected_by_database
from tests.outbox import emails_sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year():
    return ContractPeriodFactory(year=THIS_YEAR - 1, enabled=False)


@pytest.fixture
def tutor():
    return UserFactory(email="tutor@example.org", privacy_notice_accepted_at=clock.now())


@pytest.fixture
def school(tutor):
    school = SchoolFactory(name="Quillfeather Primary School")
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    return school


def kept_pairing(last_year, this_year, *, still_paired=True):
    """A school partnership last year, and (when still paired) the same pairing this year."""
    lead_provider = LeadProviderFactory(name="Ambition Institute", email="contracts@ambition.example.com")
    partner_last_year = LeadProviderDeliveryPartnershipFactory(
        active_lead_provider=ActiveLeadProviderFactory(lead_provider=lead_provider, contract_period=last_year)
    )
    active_this_year = ActiveLeadProviderFactory(lead_provider=lead_provider, contract_period=this_year)
    pairing_this_year = (
        LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=active_this_year, delivery_partner=partner_last_year.delivery_partner
        )
        if still_paired
        else None
    )
    return partner_last_year, pairing_this_year


# --- The service ---------------------------------------------------------------------------------


class TestSetUpTraining:
    def test_provider_led_records_the_lead_provider_and_appropriate_body_and_remembers_them(
        self, school, tutor, this_year, hub
    ):
        active = ActiveLeadProviderFactory(contract_period=this_year)
        choice = services.set_up_training(
            school=school,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            programme="provider_led",
            lead_provider=active.lead_provider,
            appropriate_body=hub,
        )
        assert (choice.programme, choice.lead_provider, choice.appropriate_body) == (
            "provider_led",
            active,
            hub,
        )
        school.refresh_from_db()
        assert school.last_chosen_lead_provider == active.lead_provider
        assert school.last_chosen_appropriate_body == hub
        assert school.last_chosen_training_programme == "provider_led"
        event = Event.objects.get(event_type="training_set_up")
        assert event.changes["lead_provider"] == [None, active.lead_provider.name]
        assert not SchoolPartnership.objects.exists()  # the lead provider confirms it, later

    def test_no_ects_from_the_programme_question_is_the_same_answer_as_from_the_first(
        self, school, tutor, this_year
    ):
        choice = services.set_up_training(
            school=school, contract_period=this_year, set_up_by=tutor, expects_ects="yes", programme="no_ects"
        )
        assert (choice.expects_ects, choice.programme, choice.lead_provider, choice.appropriate_body) == (
            "no",
            "no_ects",
            None,
            None,
        )

    def test_keeping_last_years_provider_carries_the_partnership_over(
        self, school, tutor, last_year, this_year, hub
    ):
        last, pairing = kept_pairing(last_year, this_year)
        kept = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=last)
        choice = services.set_up_training(
            school=school,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            keep_partnership=kept,
            appropriate_body=hub,
        )
        assert choice.programme == "provider_led"
        assert choice.lead_provider == pairing.active_lead_provider
        assert SchoolPartnership.objects.filter(
            school=school, lead_provider_delivery_partnership=pairing
        ).exists()
        assert Event.objects.filter(event_type="school_partnership_carried_over").exists()

    def test_a_pairing_that_ended_cannot_be_kept(self, school, tutor, last_year, this_year, hub):
        last, _ = kept_pairing(last_year, this_year, still_paired=False)
        kept = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=last)
        with pytest.raises(services.PairingEnded):
            services.set_up_training(
                school=school,
                contract_period=this_year,
                set_up_by=tutor,
                expects_ects="yes",
                keep_partnership=kept,
                appropriate_body=hub,
            )
        assert not SchoolContractPeriodChoice.objects.exists()

    def test_a_school_that_cannot_have_funding_cannot_choose_a_funded_provider(self, tutor, this_year, hub):
        closed = SchoolFactory(status="Closed", eligible_for_funding=False)
        active = ActiveLeadProviderFactory(contract_period=this_year)
        with pytest.raises(services.NotEligibleForFunding):
            services.set_up_training(
                school=closed,
                contract_period=this_year,
                set_up_by=tutor,
                expects_ects="yes",
                programme="provider_led",
                lead_provider=active.lead_provider,
                appropriate_body=hub,
            )
        choice = services.set_up_training(
            school=closed,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            programme="school_led",
            appropriate_body=hub,
        )
        assert choice.programme == "school_led"

    def test_a_lead_provider_not_contracted_that_year_is_refused(
        self, school, tutor, last_year, this_year, hub
    ):
        only_last_year = ActiveLeadProviderFactory(contract_period=last_year)
        with pytest.raises(services.LeadProviderNotActive):
            services.set_up_training(
                school=school,
                contract_period=this_year,
                set_up_by=tutor,
                expects_ects="yes",
                programme="provider_led",
                lead_provider=only_last_year.lead_provider,
                appropriate_body=hub,
            )

    @pytest.mark.parametrize(
        ("programme", "now_runs"),
        [("school_led", "deliver its own programme"), ("no_ects", "have no early career teachers")],
    )
    def test_leaving_a_lead_provider_tells_it_by_email_once(
        self, school, tutor, this_year, hub, programme, now_runs
    ):
        active = ActiveLeadProviderFactory(
            contract_period=this_year, lead_provider=LeadProviderFactory(email="contracts@lp.example.com")
        )
        answers = dict(school=school, contract_period=this_year, set_up_by=tutor, expects_ects="yes")
        services.set_up_training(
            **answers, programme="provider_led", lead_provider=active.lead_provider, appropriate_body=hub
        )
        with emails_sent() as sent:
            services.set_up_training(
                **answers, programme=programme, appropriate_body=hub if programme == "school_led" else None
            )
            services.set_up_training(
                **answers, programme=programme, appropriate_body=hub if programme == "school_led" else None
            )
        [email] = sent
        assert (email.template, email.recipient) == ("school_left_lead_provider", "contracts@lp.example.com")
        assert email.personalisation["now_runs"] == now_runs
        assert email.personalisation["academic_year"] == f"{THIS_YEAR} to {THIS_YEAR + 1}"
        assert Event.objects.filter(event_type="training_changed").count() == 1

    def test_switching_lead_provider_tells_the_one_left(self, school, tutor, this_year, hub):
        first = ActiveLeadProviderFactory(
            contract_period=this_year, lead_provider=LeadProviderFactory(email="first@lp.example.com")
        )
        second = ActiveLeadProviderFactory(contract_period=this_year)
        answers = dict(
            school=school,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            programme="provider_led",
            appropriate_body=hub,
        )
        services.set_up_training(**answers, lead_provider=first.lead_provider)
        with emails_sent() as sent:
            services.set_up_training(**answers, lead_provider=second.lead_provider)
        assert [(email.recipient, email.personalisation["now_runs"]) for email in sent] == [
            ("first@lp.example.com", f"work with {second.lead_provider.name}")
        ]

    def test_a_headteacher_saying_no_later_clears_the_set_up(self, school, tutor, this_year, hub):
        services.set_up_training(
            school=school,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            programme="school_led",
            appropriate_body=hub,
        )
        assert services.record_expected_ects(school=school, expects_ects="no", actor=services.HEADTEACHER)
        choice = SchoolContractPeriodChoice.objects.get()
        assert (choice.programme, choice.appropriate_body) == ("no_ects", None)
        # ...and "yes" after "no" means the year needs setting up again.
        services.record_expected_ects(school=school, expects_ects="yes", actor=services.HEADTEACHER)
        choice.refresh_from_db()
        assert (choice.expects_ects, choice.programme, choice.is_set_up) == ("yes", "", False)


class TestTheDatabaseRules:
    def test_a_choice_must_be_consistent(self, school, this_year, hub):
        active = ActiveLeadProviderFactory(contract_period=this_year)
        make = SchoolContractPeriodChoice.objects.create
        with rejected_by_database("choice_no_ects_is_one_answer"):
            make(
                school=school,
                contract_period=this_year,
                expects_ects="no",
                programme="school_led",
                appropriate_body=hub,
            )
        with rejected_by_database("choice_provider_led_names_a_lead_provider"):
            make(
                school=school,
                contract_period=this_year,
                expects_ects="yes",
                programme="provider_led",
                appropriate_body=hub,
            )
        with rejected_by_database("choice_provider_led_names_a_lead_provider"):
            make(
                school=school,
                contract_period=this_year,
                expects_ects="yes",
                programme="school_led",
                lead_provider=active,
                appropriate_body=hub,
            )
        with rejected_by_database("choice_training_has_an_appropriate_body"):
            make(school=school, contract_period=this_year, expects_ects="yes", programme="school_led")

    def test_the_lead_provider_must_be_active_in_the_same_year(self, school, last_year, this_year, hub):
        last_years = ActiveLeadProviderFactory(contract_period=last_year)
        with rejected_by_database("choice_lead_provider_in_its_contract_period"):
            SchoolContractPeriodChoice.objects.create(
                school=school,
                contract_period=this_year,
                expects_ects="yes",
                programme="provider_led",
                lead_provider=last_years,
                appropriate_body=hub,
            )

    def test_there_is_one_national_body_of_each_kind(self):
        AppropriateBodyFactory(name="ISTIP", body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS)
        with rejected_by_database("one_national_body_of_each_kind"):
            AppropriateBodyFactory(name="Another", body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS)


# --- The journey ---------------------------------------------------------------------------------


def step_url(school, year, step):
    return reverse("set_up_training", kwargs={"urn": school.urn, "year": year, "step": step})


def answer(client, school, year, answers: dict[str, dict]):
    response = None
    for step, data in answers.items():
        response = client.post(step_url(school, year, step), data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    return response


class TestTheJourney:
    def test_a_school_without_an_answer_for_the_open_year_is_sent_to_set_up_first(
        self, client, school, tutor, this_year
    ):
        client.force_login(tutor)
        response = client.get(reverse("school_home", kwargs={"urn": school.urn}))
        assert response["Location"] == reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR})
        page = client.get(response["Location"]).content.decode()
        assert f"Tell us how you'll run training in {THIS_YEAR} to {THIS_YEAR + 1}" in page
        assert 'href="' + step_url(school, THIS_YEAR, "expects-ects") + '"' in page

    def test_steps_out_of_order_go_to_the_first_unanswered_one(self, client, school, tutor, this_year):
        client.force_login(tutor)
        response = client.get(step_url(school, THIS_YEAR, "appropriate-body"))
        assert response["Location"] == step_url(school, THIS_YEAR, "expects-ects")

    def test_first_time_provider_led_through_to_the_submitted_page(
        self, client, school, tutor, this_year, hub
    ):
        active = ActiveLeadProviderFactory(contract_period=this_year)
        ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=THIS_YEAR - 1, enabled=False))
        client.force_login(tutor)
        answer(
            client,
            school,
            THIS_YEAR,
            {"expects-ects": {"expects_ects": "yes"}, "programme": {"programme": "provider_led"}},
        )
        page = client.get(step_url(school, THIS_YEAR, "lead-provider")).content.decode()
        assert active.lead_provider.name in page
        assert page.count('type="radio"') == 1  # only the one active this year
        response = answer(
            client,
            school,
            THIS_YEAR,
            {
                "lead-provider": {"lead_provider": active.lead_provider_id},
                "appropriate-body": {"appropriate_body": hub.pk},
            },
        )
        assert response["Location"] == step_url(school, THIS_YEAR, "check-answers")
        check = client.get(response["Location"]).content.decode()
        for shown in (
            "Yes",
            "Use a training provider, funded by the DfE",
            active.lead_provider.name,
            hub.name,
        ):
            assert shown in check
        done = client.post(step_url(school, THIS_YEAR, "check-answers"))
        assert done["Location"] == reverse("set_up_submitted", kwargs={"urn": school.urn, "year": THIS_YEAR})
        assert "You've submitted your training information" in client.get(done["Location"]).content.decode()
        choice = SchoolContractPeriodChoice.objects.get(school=school)
        assert (choice.programme, choice.lead_provider, choice.appropriate_body) == (
            "provider_led",
            active,
            hub,
        )
        # Confirming twice (a double click, or Back then Confirm) does not write twice.
        again = client.post(step_url(school, THIS_YEAR, "check-answers"))
        assert again["Location"] == step_url(school, THIS_YEAR, "expects-ects")
        assert Event.objects.filter(event_type__in=["training_set_up", "training_changed"]).count() == 1

    def test_nothing_chosen_is_an_error_by_the_field(self, client, school, tutor, this_year):
        client.force_login(tutor)
        response = client.post(step_url(school, THIS_YEAR, "expects-ects"), {})
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "Select whether you expect any early career teachers to join your school" in page
        assert "<title>Error: " in page

    def test_a_made_up_lead_provider_is_an_error_not_a_crash(self, client, school, tutor, this_year):
        client.force_login(tutor)
        answer(
            client,
            school,
            THIS_YEAR,
            {"expects-ects": {"expects_ects": "yes"}, "programme": {"programme": "provider_led"}},
        )
        response = client.post(step_url(school, THIS_YEAR, "lead-provider"), {"lead_provider": "99999"})
        assert response.status_code == 200
        assert "Select a training provider from the list" in response.content.decode()

    def test_a_returning_school_keeps_its_provider_with_two_questions(
        self, client, school, tutor, last_year, this_year, hub
    ):
        last, pairing = kept_pairing(last_year, this_year)
        SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=last)
        client.force_login(tutor)
        page = client.get(step_url(school, THIS_YEAR, "change-provider"))
        assert page.status_code == 302  # expects-ects first
        answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        question = client.get(step_url(school, THIS_YEAR, "change-provider")).content.decode()
        assert "Ambition Institute" in question and str(last.delivery_partner) in question
        response = answer(client, school, THIS_YEAR, {"change-provider": {"change_provider": "no"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "appropriate-body")
        answer(client, school, THIS_YEAR, {"appropriate-body": {"appropriate_body": hub.pk}})
        check = client.get(step_url(school, THIS_YEAR, "check-answers")).content.decode()
        assert "Training provider" in check and str(pairing.delivery_partner) in check
        client.post(step_url(school, THIS_YEAR, "check-answers"))
        assert SchoolPartnership.objects.filter(
            school=school, lead_provider_delivery_partnership=pairing
        ).exists()
        dashboard = client.get(
            reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})
        ).content.decode()
        assert str(pairing.delivery_partner) in dashboard
        assert "Waiting for" not in dashboard

    def test_a_returning_school_whose_pairing_ended_chooses_again(
        self, client, school, tutor, last_year, this_year, hub
    ):
        last, _ = kept_pairing(last_year, this_year, still_paired=False)
        SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=last)
        client.force_login(tutor)
        response = answer(
            client,
            school,
            THIS_YEAR,
            {"expects-ects": {"expects_ects": "yes"}, "change-provider": {"change_provider": "no"}},
        )
        assert response["Location"] == step_url(school, THIS_YEAR, "programme")
        page = client.get(response["Location"]).content.decode()
        assert (
            f"are not working together in {THIS_YEAR} to {THIS_YEAR + 1}, so you need to choose again" in page
        )

    def test_no_ects_goes_straight_to_check_answers(self, client, school, tutor, this_year):
        client.force_login(tutor)
        response = answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "no"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "check-answers")
        client.post(step_url(school, THIS_YEAR, "check-answers"))
        assert SchoolContractPeriodChoice.objects.get(school=school).programme == "no_ects"
        assert client.get(reverse("school_home", kwargs={"urn": school.urn}))["Location"] == reverse(
            "school_year", kwargs={"urn": school.urn, "year": THIS_YEAR}
        )

    def test_an_independent_school_is_offered_istip_and_no_funded_provider(
        self, client, tutor, this_year, hub
    ):
        independent = SchoolFactory(establishment_type="Other independent school", eligible_for_funding=False)
        SchoolAccess.objects.create(user=tutor, school=independent, role=SchoolRole.INDUCTION_TUTOR)
        istip = AppropriateBodyFactory(
            name="Independent Schools Teacher Induction Panel (ISTIP)",
            body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS,
        )
        client.force_login(tutor)
        answer(client, independent, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        programme = client.get(step_url(independent, THIS_YEAR, "programme")).content.decode()
        assert "Use a training provider, funded by the DfE" not in programme
        assert "cannot use a DfE-funded training provider because it is not state-funded" in programme
        response = client.post(step_url(independent, THIS_YEAR, "programme"), {"programme": "provider_led"})
        assert response.status_code == 200
        assert "Select one of the ways of running training listed" in response.content.decode()
        answer(client, independent, THIS_YEAR, {"programme": {"programme": "school_led"}})
        bodies = client.get(step_url(independent, THIS_YEAR, "appropriate-body")).content.decode()
        assert bodies.index(istip.name) < bodies.index(hub.name)

    def test_changing_from_the_dashboard_starts_from_the_answers_given(
        self, client, school, tutor, this_year, hub
    ):
        services.set_up_training(
            school=school,
            contract_period=this_year,
            set_up_by=tutor,
            expects_ects="yes",
            programme="school_led",
            appropriate_body=hub,
        )
        client.force_login(tutor)
        response = client.get(reverse("change_training", kwargs={"urn": school.urn, "year": THIS_YEAR}))
        assert response["Location"] == step_url(school, THIS_YEAR, "programme") + "?change=1"
        page = client.get(response["Location"]).content.decode()
        assert 'value="school_led" checked' in page
        response = client.post(response["Location"], {"programme": "no_ects"})
        assert response["Location"] == step_url(school, THIS_YEAR, "check-answers")
        done = client.post(step_url(school, THIS_YEAR, "check-answers"))
        assert done["Location"] == reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})
        assert SchoolContractPeriodChoice.objects.get(school=school).programme == "no_ects"

    def test_a_year_not_open_for_registration_cannot_be_set_up(
        self, client, school, tutor, last_year, this_year
    ):
        client.force_login(tutor)
        assert client.get(step_url(school, THIS_YEAR - 1, "expects-ects")).status_code == 404
        assert (
            client.get(reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR - 1})).status_code
            == 404
        )

    def test_another_schools_set_up_is_not_found(self, client, tutor, this_year):
        other = SchoolFactory()
        client.force_login(tutor)
        for url in (
            reverse("set_up_start", kwargs={"urn": other.urn, "year": THIS_YEAR}),
            step_url(other, THIS_YEAR, "expects-ects"),
            reverse("change_training", kwargs={"urn": other.urn, "year": THIS_YEAR}),
            reverse("set_up_submitted", kwargs={"urn": other.urn, "year": THIS_YEAR}),
        ):
            assert client.get(url).status_code == 404, url
        assert (
            client.post(step_url(other, THIS_YEAR, "expects-ects"), {"expects_ects": "no"}).status_code == 404
        )
        assert not SchoolContractPeriodChoice.objects.exists()

    def test_signed_out_people_are_sent_to_sign_in(self, client, school, this_year):
        response = client.get(step_url(school, THIS_YEAR, "expects-ects"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in"))


class TestChangingTheInductionTutor:
    def test_the_new_tutor_is_emailed_and_the_old_one_loses_access(self, client, school, tutor, this_year):
        client.force_login(tutor)
        url = reverse("change_induction_tutor", kwargs={"urn": school.urn, "step": "details"})
        same = client.post(url, {"new_tutor_name": "Me Again", "new_tutor_email": "TUTOR@example.org"})
        assert "is already your induction tutor" in same.content.decode()
        client.post(url, {"new_tutor_name": "Grace Hopper", "new_tutor_email": "grace@example.org"})
        check = reverse("change_induction_tutor", kwargs={"urn": school.urn, "step": "check-answers"})
        assert "will no longer be able to manage training" in client.get(check).content.decode()
        with emails_sent() as sent:
            response = client.post(check)
        assert response["Location"] == reverse("choose_school")
        assert sorted((email.template, email.recipient) for email in sent) == [
            ("induction_tutor_nominated", "grace@example.org"),
            ("induction_tutor_replaced", "tutor@example.org"),
        ]
        assert client.get(reverse("school_home", kwargs={"urn": school.urn})).status_code == 404
        event = Event.objects.get(event_type="induction_tutor_nominated")
        assert event.actor_user == tutor


class TestTheHeadteachersAnswerIsNotAskedAgain:
    def test_the_tutor_starts_at_the_next_question_and_back_goes_to_the_start_page(
        self, client, school, tutor, this_year
    ):
        services.record_expected_ects(school=school, expects_ects="not_sure", actor=services.HEADTEACHER)
        client.force_login(tutor)
        start = client.get(reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR}))
        page = start.content.decode()
        assert "whether your school expects any ECTs" not in page
        assert "your school does not know yet whether any early career teachers (ECTs) will join" in page
        assert f'href="{step_url(school, THIS_YEAR, "programme")}"' in page  # Start now
        programme = client.get(step_url(school, THIS_YEAR, "programme")).content.decode()
        assert f'href="{reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR})}"' in programme

    def test_check_answers_shows_the_headteachers_answer_to_change(
        self, client, school, tutor, this_year, hub
    ):
        services.record_expected_ects(school=school, expects_ects="yes", actor=services.HEADTEACHER)
        client.force_login(tutor)
        answer(
            client,
            school,
            THIS_YEAR,
            {"programme": {"programme": "school_led"}, "appropriate-body": {"appropriate_body": hub.pk}},
        )
        check = client.get(step_url(school, THIS_YEAR, "check-answers")).content.decode()
        assert "Do you expect any early career teachers" in check
        assert f"{step_url(school, THIS_YEAR, 'expects-ects')}?change=1" in check
        client.post(step_url(school, THIS_YEAR, "check-answers"))
        choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
        assert (choice.expects_ects, choice.programme) == ("yes", "school_led")

    def test_a_headteacher_expecting_none_has_set_the_year_up(self, client, school, tutor, this_year):
        services.record_expected_ects(school=school, expects_ects="no", actor=services.HEADTEACHER)
        client.force_login(tutor)
        response = client.get(reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR}))
        assert response["Location"] == reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR})

    def test_without_a_headteachers_answer_the_tutor_is_asked(self, client, school, tutor, this_year):
        client.force_login(tutor)
        response = client.get(step_url(school, THIS_YEAR, "programme"))
        assert response["Location"] == step_url(school, THIS_YEAR, "expects-ects")


class TestWhatTheSchoolDidLastYear:
    """The returning-school question follows last year's answer, and names only a provider that
    offers training this year."""

    def set_up_last_year(self, school, last_year, *, programme, lead_provider=None):
        SchoolContractPeriodChoice.objects.create(
            school=school,
            contract_period=last_year,
            expects_ects="yes",
            programme=programme,
            lead_provider=lead_provider,
            appropriate_body=AppropriateBodyFactory(),
        )

    def test_a_school_that_ran_its_own_programme_last_year_is_not_asked_about_an_old_provider(
        self, client, school, tutor, last_year, this_year
    ):
        years_ago = ContractPeriodFactory(year=THIS_YEAR - 3, enabled=False)
        old = LeadProviderFactory(name="Capita")
        ActiveLeadProviderFactory(lead_provider=old, contract_period=this_year)
        SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=ActiveLeadProviderFactory(lead_provider=old, contract_period=years_ago)
            ),
        )
        self.set_up_last_year(school, last_year, programme="school_led")
        client.force_login(tutor)
        response = answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "programme")
        page = client.get(response["Location"]).content.decode()
        assert f"In {THIS_YEAR - 1} to {THIS_YEAR} your school delivered its own programme." in page
        assert "Capita" not in page
        assert client.get(step_url(school, THIS_YEAR, "change-provider")).status_code == 302

    def test_a_partnership_from_before_last_year_is_not_offered(
        self, client, school, tutor, last_year, this_year
    ):
        years_ago = ContractPeriodFactory(year=THIS_YEAR - 2, enabled=False)
        old, _ = kept_pairing(years_ago, this_year)
        SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=old)
        client.force_login(tutor)
        response = answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "programme")
        start = client.get(reverse("set_up_start", kwargs={"urn": school.urn, "year": THIS_YEAR}))
        assert "Tell us how you" in start.content.decode()  # a first-time school's start page

    def test_last_years_provider_not_offering_training_this_year_is_not_offered(
        self, client, school, tutor, last_year, this_year
    ):
        gone = LeadProviderFactory(name="Capita")
        last_years = ActiveLeadProviderFactory(lead_provider=gone, contract_period=last_year)
        SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=last_years
            ),
        )
        self.set_up_last_year(school, last_year, programme="provider_led", lead_provider=last_years)
        client.force_login(tutor)
        response = answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "programme")
        page = client.get(response["Location"]).content.decode()
        assert (
            f"In {THIS_YEAR - 1} to {THIS_YEAR} your school used Capita, which is not offering training in "
            f"{THIS_YEAR} to {THIS_YEAR + 1}." in page
        )

    def test_a_school_that_used_a_provider_last_year_is_asked_whether_it_changes(
        self, client, school, tutor, last_year, this_year
    ):
        last, _ = kept_pairing(last_year, this_year)
        SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=last)
        self.set_up_last_year(
            school, last_year, programme="provider_led", lead_provider=last.active_lead_provider
        )
        client.force_login(tutor)
        response = answer(client, school, THIS_YEAR, {"expects-ects": {"expects_ects": "yes"}})
        assert response["Location"] == step_url(school, THIS_YEAR, "change-provider")
        assert "Ambition Institute" in client.get(response["Location"]).content.decode()


class TestTheSubmittedPage:
    def submit_provider_led(self, client, school, tutor, lead_provider, hub):
        client.force_login(tutor)
        answer(
            client,
            school,
            THIS_YEAR,
            {
                "expects-ects": {"expects_ects": "yes"},
                "programme": {"programme": "provider_led"},
                "lead-provider": {"lead_provider": lead_provider.pk},
                "appropriate-body": {"appropriate_body": hub.pk},
            },
        )
        client.post(step_url(school, THIS_YEAR, "check-answers"))
        return client.get(reverse("set_up_submitted", kwargs={"urn": school.urn, "year": THIS_YEAR}))

    def test_a_new_provider_is_waited_for(self, client, school, tutor, this_year, hub):
        lead_provider = ActiveLeadProviderFactory(contract_period=this_year).lead_provider
        page = self.submit_provider_led(client, school, tutor, lead_provider, hub).content.decode()
        assert "your dashboard will say you're waiting for them" in page
        # What the provider does, then what the school does, as the DfE's own confirmation says it.
        assert page.index("What happens next") < page.index("What to do next") < page.index("You need to:")

    def test_a_partnership_already_in_place_is_named_not_waited_for(
        self, client, school, tutor, this_year, hub
    ):
        pairing = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(contract_period=this_year)
        )
        SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
        lead_provider = pairing.active_lead_provider.lead_provider
        page = self.submit_provider_led(client, school, tutor, lead_provider, hub).content.decode()
        assert "waiting" not in page
        assert f"with their delivery partner, {pairing.delivery_partner}" in page
        dashboard = client.get(reverse("school_year", kwargs={"urn": school.urn, "year": THIS_YEAR}))
        assert str(pairing.delivery_partner) in dashboard.content.decode()


def test_admin_refuses_a_lead_provider_from_another_year_in_words(school, last_year, this_year, hub):
    choice = SchoolContractPeriodChoice(
        school=school,
        contract_period=this_year,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=ActiveLeadProviderFactory(contract_period=last_year),
        appropriate_body=hub,
    )
    with pytest.raises(ValidationError, match="active in this choice's contract period"):
        choice.full_clean()


def test_choosing_no_ects_after_the_headteachers_answer_shows_one_answer_as_saved(
    client, school, tutor, this_year
):
    services.record_expected_ects(school=school, expects_ects="not_sure", actor=services.HEADTEACHER)
    client.force_login(tutor)
    answer(client, school, THIS_YEAR, {"programme": {"programme": "no_ects"}})
    check = client.get(step_url(school, THIS_YEAR, "check-answers")).content.decode()
    assert "We do not know yet" not in check
    client.post(step_url(school, THIS_YEAR, "check-answers"))
    choice = SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year)
    assert (choice.expects_ects, choice.programme) == ("no", "no_ects")
