"""Changing what a school told us about one of its ECTs or mentors, from their page: each change is
a short journey on the shared wizard (its question, check answers, one service call)."""

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step, Wizard, WizardView
from participants import queries, services
from participants.forms import (
    ChangeNameForm,
    ECTProgrammeForm,
    TeacherEmailForm,
    TrainingFromForm,
    WorkingPatternForm,
)
from participants.views import person_still_at_school, refused_page
from schools import eligibility
from schools import queries as school_queries
from schools.forms import AppropriateBodyForm, LeadProviderForm


class ChangesPerson(Wizard):
    """One change to an ECT or mentor at the school. Subclasses set `what` (the URL slug), `steps`,
    `roles` (who it applies to), and implement `change(answers)` (the service call) and `done_message`."""

    what: ClassVar[str]
    roles: ClassVar[tuple[str, ...]] = ("ect", "mentor")
    check_answers_template = "participants/change_check_answers.html"

    def __init__(self, request, *, school, period, role: str):
        super().__init__(request, key=f"{school.pk}:{role}:{period.pk}:{self.what}")
        self.school = school
        self.period = period
        self.role = role
        self.caption = f"{period.name}, {school.name}"
        self.url_name = f"{role}_change"

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.period.pk, "what": self.what}

    def person_page(self) -> str:
        return reverse(f"{self.role}_page", kwargs={"urn": self.school.urn, "period_id": self.period.pk})

    def back_url_before_first_step(self):
        return self.person_page()

    def change(self, answers: dict[str, Any]) -> None:
        raise NotImplementedError

    def done_message(self, answers: dict[str, Any]) -> str:
        raise NotImplementedError

    def done(self):
        answers = self.all_cleaned()
        try:
            self.change(answers)
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not make that change")
        messages.success(self.request, self.done_message(answers))
        return redirect(self.person_page())


class ChangeName(ChangesPerson):
    what = "name"
    steps = [Step("name", ChangeNameForm)]

    def form_kwargs(self, step):
        return {
            "reasons": list(services.NameChangeReason.LABELS.items()),
            "initial": {"name": self.period.name},
        }

    def change(self, answers):
        services.change_name(
            period=self.period, name=answers["name"], reason=answers["reason"], changed_by=self.request.user
        )

    def done_message(self, answers):
        return f"{self.period.name}'s name is now {' '.join(answers['name'].split())}"


class ChangeEmail(ChangesPerson):
    what = "email"
    steps = [Step("email", TeacherEmailForm)]

    def form_kwargs(self, step):
        today = clock.today()
        trn = self.period.teacher.trn
        return {
            "email_in_use": lambda email: queries.email_in_use(email, today=today, except_trn=trn),
            "label": f"What is {self.period.name}'s email address?",
            "help_text": "Their training provider uses it to contact them.",
            "initial": {"email": self.period.email},
        }

    def change(self, answers):
        services.change_email(period=self.period, email=answers["email"], changed_by=self.request.user)

    def done_message(self, answers):
        return f"{self.period.name}'s email address is now {answers['email']}"


class ChangeWorkingPattern(ChangesPerson):
    what = "working-pattern"
    roles = ("ect",)
    steps = [Step("working-pattern", WorkingPatternForm)]

    def form_kwargs(self, step):
        return {"initial": {"working_pattern": self.period.working_pattern}}

    def change(self, answers):
        services.change_working_pattern(
            period=self.period, working_pattern=answers["working_pattern"], changed_by=self.request.user
        )

    def done_message(self, answers):
        return f"{self.period.name}'s working pattern has been changed"


class ChangeAppropriateBody(ChangesPerson):
    what = "appropriate-body"
    roles = ("ect",)
    steps = [
        Step("appropriate-body", AppropriateBodyForm, template_name="schools/set_up/appropriate_body.html")
    ]

    def form_kwargs(self, step):
        return {
            "independent_school": eligibility.is_independent(self.school.establishment_type),
            "initial": {"appropriate_body": self.period.school_reported_appropriate_body_id},
        }

    def change(self, answers):
        services.change_appropriate_body(
            period=self.period, appropriate_body=answers["appropriate_body"], changed_by=self.request.user
        )

    def done_message(self, answers):
        return f"{self.period.name}'s appropriate body is now {answers['appropriate_body']}"


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


CHANGES = {
    change.what: change
    for change in (ChangeName, ChangeEmail, ChangeWorkingPattern, ChangeAppropriateBody, ChangeTraining)
}


@method_decorator(login_required, name="dispatch")
class ChangeView(WizardView):
    role = "ect"  # or "mentor", set in urls.py

    def get_wizard(self, request, *, urn, period_id, what):
        change = CHANGES.get(what)
        if change is None or self.role not in change.roles:
            raise Http404("No such change")
        school, period = person_still_at_school(request.user, self.role, urn, period_id)
        return change(request, school=school, period=period, role=self.role)
