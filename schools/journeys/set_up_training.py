"""Setting up a school's training for a year, or changing it: whether it expects ECTs, whether it
keeps last year's provider, its programme, lead provider and appropriate body. Its plain pages (the
start page, the page after submitting) are in schools/dashboard_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe

from core.wizard import Step, Wizard, WizardView
from providers.models import ContractPeriod
from providers.queries import active_lead_providers, pairing_in
from schools import eligibility, queries, services
from schools.forms import (
    AppropriateBodyForm,
    ChangeProviderForm,
    ExpectsECTsForm,
    LeadProviderForm,
    ProgrammeForm,
)
from schools.models import ExpectsECTs, School, SchoolContractPeriodChoice, YearProgramme


def open_contract_period(year: int) -> ContractPeriod:
    """A contract period schools may set up or change: one open for registration."""
    return get_object_or_404(ContractPeriod, year=year, enabled=True)


def expects_ects(wizard: "SetUpTrainingWizard") -> bool:
    answer = wizard.cleaned("expects-ects")
    return answer is None or answer["expects_ects"] != ExpectsECTs.NO


def chosen_programme(wizard: "SetUpTrainingWizard") -> str | None:
    answer = wizard.cleaned("programme")
    return answer["programme"] if answer else None


class SetUpTrainingWizard(Wizard):
    """How the school runs training in one contract period. A school that had a partnership in an
    earlier year is first asked whether it keeps that provider; a year already set up is changed
    with the same questions, starting from the answers it gave."""

    steps = [
        Step("expects-ects", ExpectsECTsForm),
        Step("change-provider", ChangeProviderForm, applies=lambda wizard: wizard.offers_to_keep_provider()),
        Step("programme", ProgrammeForm, applies=lambda wizard: wizard.asks_programme()),
        Step(
            "lead-provider",
            LeadProviderForm,
            applies=lambda wizard: (
                wizard.asks_programme() and chosen_programme(wizard) == YearProgramme.PROVIDER_LED
            ),
        ),
        Step(
            "appropriate-body",
            AppropriateBodyForm,
            applies=lambda wizard: wizard.asks_appropriate_body(),
            template_name="schools/set_up/appropriate_body.html",  # a long list, searchable with JavaScript
        ),
    ]
    url_name = "set_up_training"
    check_answers_template = "schools/set_up/check_answers.html"

    def __init__(self, request, *, school: School, contract_period: ContractPeriod):
        super().__init__(request, key=f"{school.pk}:{contract_period.year}")
        self.school = school
        self.contract_period = contract_period
        self.caption = school.name
        self.existing = queries.choice_for(school, contract_period)
        self.funding_refusal = queries.funding_refusal(school)
        # Only a first set-up offers to keep last year's provider; a change asks the questions.
        first_set_up = not self.is_change and self.funding_refusal is None
        self.last_year = queries.last_year(school, contract_period) if first_set_up else None
        self.previous = queries.last_years_partnership(school, contract_period) if first_set_up else None
        self.pairing_this_year = (
            pairing_in(
                contract_period,
                lead_provider_id=self.previous.lead_provider_delivery_partnership.active_lead_provider.lead_provider_id,
                delivery_partner_id=self.previous.lead_provider_delivery_partnership.delivery_partner_id,
            )
            if self.previous
            else None
        )

    @property
    def headteachers_answer(self) -> str | None:
        """Whether the school expects ECTs, as the headteacher said when nominating the tutor: the
        tutor is not asked again (check answers shows it, with a Change link)."""
        if self.existing is None or self.is_change:
            return None
        return self.existing.expects_ects or None

    def stored_answers(self):
        if self.session_key not in self.request.session and self.headteachers_answer:
            return {"expects-ects": {"expects_ects": self.headteachers_answer}}
        return super().stored_answers()

    @property
    def is_change(self) -> bool:
        return self.existing is not None and self.existing.is_set_up

    # --- the path -----------------------------------------------------------------------------

    def offers_to_keep_provider(self) -> bool:
        return self.previous is not None and expects_ects(self)

    def keeps_provider(self) -> bool:
        answer = self.cleaned("change-provider") if self.offers_to_keep_provider() else None
        return answer is not None and answer["change_provider"] == "no" and self.pairing_this_year is not None

    def asks_programme(self) -> bool:
        return expects_ects(self) and not self.keeps_provider()

    def asks_appropriate_body(self) -> bool:
        if not expects_ects(self):
            return False
        return self.keeps_provider() or chosen_programme(self) in (
            YearProgramme.PROVIDER_LED,
            YearProgramme.SCHOOL_LED,
        )

    # --- forms --------------------------------------------------------------------------------

    def form_kwargs(self, step):
        if step.name == "change-provider":
            pairing = self.previous.lead_provider_delivery_partnership
            return {
                "lead_provider": pairing.active_lead_provider.lead_provider,
                "delivery_partner": pairing.delivery_partner,
            }
        if step.name == "programme":
            return {
                "academic_year": str(self.contract_period),
                "funding_refusal": self.funding_refusal,
                "explanation": self.why_asked_again(),
            }
        if step.name == "lead-provider":
            return {
                "contract_period": self.contract_period,
                "initial": {"lead_provider": self.school.last_chosen_lead_provider_id},
            }
        if step.name == "appropriate-body":
            return {
                "independent_school": eligibility.is_independent(self.school.establishment_type),
                "initial": {"appropriate_body": self.school.last_chosen_appropriate_body_id},
            }
        return {}

    def why_asked_again(self) -> str:
        """What the school did last year, when it bears on the question: its own programme, a
        provider not offering training this year, or a pairing it wanted to keep that has ended."""
        answer = self.cleaned("change-provider") if self.offers_to_keep_provider() else None
        if answer is None:
            return self.last_year_in_words()
        if answer["change_provider"] != "no" or self.pairing_this_year is not None:
            return ""
        pairing = self.previous.lead_provider_delivery_partnership
        return (
            f"{pairing.active_lead_provider.lead_provider} and {pairing.delivery_partner} are not working "
            f"together in {self.contract_period}, so you need to choose again."
        )

    def last_year_in_words(self) -> str:
        last = self.last_year
        if last is None or self.previous is not None:
            return ""
        if last.programme == YearProgramme.SCHOOL_LED:
            return f"In {last.contract_period} your school delivered its own programme."
        if last.programme == YearProgramme.PROVIDER_LED and last.lead_provider_id:
            lead_provider = last.lead_provider.lead_provider
            if not active_lead_providers(self.contract_period).filter(pk=lead_provider.pk).exists():
                return (
                    f"In {last.contract_period} your school used {lead_provider}, "
                    f"which is not offering training in {self.contract_period}."
                )
        return ""

    def load(self, choice: SchoolContractPeriodChoice) -> None:
        """Start a change from the answers the school gave."""
        answers = {"expects-ects": {"expects_ects": choice.expects_ects}}
        if choice.programme != YearProgramme.NO_ECTS:
            answers["programme"] = {"programme": choice.programme}
        if choice.lead_provider_id:
            answers["lead-provider"] = {"lead_provider": str(choice.lead_provider.lead_provider_id)}
        if choice.appropriate_body_id:
            answers["appropriate-body"] = {"appropriate_body": str(choice.appropriate_body_id)}
        self.start_from(answers)

    # --- URLs and finishing -------------------------------------------------------------------

    def url_kwargs(self):
        return {"urn": self.school.urn, "year": self.contract_period.year}

    def step_before(self, step_name):
        before = super().step_before(step_name)
        # A question the tutor was never asked is not where "Back" goes.
        if before == "expects-ects" and self.headteachers_answer:
            return None
        return before

    def back_url_before_first_step(self):
        if self.is_change:
            return reverse("school_year", kwargs={"urn": self.school.urn, "year": self.contract_period.year})
        return reverse("set_up_start", kwargs=self.url_kwargs())

    def summary_rows(self):
        rows = super().summary_rows()
        if chosen_programme(self) == YearProgramme.NO_ECTS:
            # "No ECTs" as the way to run training answers the first question too: say so, as saved.
            rows[0]["value"] = ExpectsECTs.NO.label
        if self.keeps_provider():  # what "No" keeps, after the question
            pairing = self.pairing_this_year
            rows[2:2] = [
                {"key": "Training provider", "value": str(pairing.active_lead_provider.lead_provider)},
                {"key": "Delivery partner", "value": str(pairing.delivery_partner)},
            ]
        return rows

    def done(self):
        answers = self.all_cleaned()
        was_change = self.is_change
        try:
            services.set_up_training(
                school=self.school,
                contract_period=self.contract_period,
                set_up_by=self.request.user,
                expects_ects=answers["expects_ects"],
                programme=answers.get("programme", ""),
                lead_provider=answers.get("lead_provider"),
                appropriate_body=answers.get("appropriate_body"),
                keep_partnership=self.previous if self.keeps_provider() else None,
            )
        except (services.NotEligibleForFunding, services.LeadProviderNotActive, services.PairingEnded):
            # Something changed since the questions were answered (a provider's contract, the
            # school's funding): the answers are kept, and the school is asked again.
            messages.info(
                self.request, "Some of your answers are no longer possible. Check them and try again."
            )
            self.keep_answers()
            return redirect(self.start_url())
        if was_change:
            messages.success(self.request, f"Your training for {self.contract_period} has been updated")
            return redirect("school_year", urn=self.school.urn, year=self.contract_period.year)
        return redirect("set_up_submitted", urn=self.school.urn, year=self.contract_period.year)


@method_decorator(login_required, name="dispatch")
class SetUpTrainingView(WizardView):
    def get_wizard(self, request, *, urn, year):
        return SetUpTrainingWizard(
            request, school=queries.school_for(request.user, urn), contract_period=open_contract_period(year)
        )


@login_required
@require_safe
def change_training(request, urn: int, year: int):
    """The dashboard's Change link: the set-up questions, starting from the school's answers."""
    school = queries.school_for(request.user, urn)
    wizard = SetUpTrainingWizard(request, school=school, contract_period=open_contract_period(year))
    if not wizard.is_change:
        return redirect("set_up_start", urn=urn, year=year)
    wizard.load(wizard.existing)
    first = "programme" if wizard.asks_programme() else "expects-ects"
    return redirect(wizard.url(first, change=True))
