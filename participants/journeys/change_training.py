"""Changing how an ECT or mentor trains from a date, from their page."""

from core import clock
from core.wizard import Step
from participants import queries, services
from participants.forms import ECTProgrammeForm, TrainingFromForm
from participants.journeys.changing_a_person import ChangesPerson
from schools import queries as school_queries
from schools.forms import LeadProviderForm


class ChangeTraining(ChangesPerson):
    """How they train from a date: for an ECT, provider-led or school-led, and the lead provider;
    for a mentor, the lead provider of their mentor training."""

    what = "training"
    steps = [
        Step("training-programme", ECTProgrammeForm, applies=lambda wizard: wizard.role == "ect"),
        Step("lead-provider", LeadProviderForm, applies=lambda wizard: wizard.programme() == "provider_led"),
        Step("from-date", TrainingFromForm),
    ]

    def programme(self) -> str | None:
        if self.role == "mentor":
            return "provider_led"
        answer = self.cleaned("training-programme")
        return answer["training_programme"] if answer else None

    def training_now(self):
        return self.remember("training_now", lambda: queries.current_training(self.period, on=clock.today()))

    def form_kwargs(self, step):
        training = self.training_now()
        if step.name == "training-programme":
            return {
                "funding_refusal": school_queries.funding_refusal(self.school),
                "initial": {"training_programme": training.training_programme if training else None},
            }
        if step.name == "lead-provider":
            provider = queries.training_lead_provider(training)
            return {
                "contract_period": queries.training_contract_period(self.period, training),
                "initial": {"lead_provider": provider.pk if provider else None},
            }
        today = clock.today()
        return {
            "date_problem": lambda starting_on: services.training_change_problem(
                self.period, starting_on, today=today
            ),
            "initial": {},
        }

    def change(self, answers):
        services.change_training(
            period=self.period,
            training_programme=self.programme(),
            lead_provider=answers.get("lead_provider") if self.programme() == "provider_led" else None,
            starting_on=answers["starting_on"],
            changed_by=self.request.user,
        )

    def done_message(self, answers):
        how = (
            f"with {answers['lead_provider']}"
            if self.programme() == "provider_led"
            else "with your school's own programme"
        )
        return f"{self.period.name} will train {how} from {self.display_value(None, answers['starting_on'])}"
