"""Registering an ECT: their teacher record, the stops, their details, their training (the rules
for where it comes from are in `register_ect_training.py`), check answers, and `register_ect`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step
from participants import queries, services
from participants.forms import (
    ConfirmNameForm,
    ContinueTrainingForm,
    ECTProgrammeForm,
    MovingSchoolForm,
    StartDateForm,
    TeacherEmailForm,
    UsePreviousChoicesForm,
    WorkingPatternForm,
    kept_record,
)
from participants.journeys.finding_a_teacher import (
    FindsTeacherRecord,
    RegistersTeacherView,
    finding_the_record,
    registration_problem,
)
from participants.journeys.refused import refused_page
from participants.journeys.register_ect_training import ECTTrainingChoices
from participants.models import InductionStatus
from schools import eligibility
from schools import queries as school_queries
from schools.forms import AppropriateBodyForm, LeadProviderForm

# Where done() leaves the new ECT period's id for the confirmation page (participants.views.ect_registered).
REGISTERED_ECT = "registered_ect"


class RegisterECTWizard(ECTTrainingChoices, FindsTeacherRecord):
    """Register an ECT: find their teacher record (by TRN and date of birth, else National Insurance
    number), stop when they cannot be registered, then their details and training."""

    steps = [
        *finding_the_record(
            "find-ect",
            then_ask=(
                Step(
                    "moving-school",
                    MovingSchoolForm,
                    # Still on the path once answered "no", so the stop page's Back returns to it.
                    applies=lambda wizard: (
                        wizard.moving_from() is not None
                        and wizard.stop_reason() in (None, "registered_elsewhere")
                    ),
                ),
            ),
        ),
        Step(
            "continue-training",
            ContinueTrainingForm,
            applies=lambda wizard: wizard.stop_reason() is None and wizard.provider_before() is not None,
        ),
        Step("confirm-name", ConfirmNameForm, template_name="participants/register/confirm_name.html"),
        Step("email", TeacherEmailForm),
        Step("start-date", StartDateForm),
        Step("working-pattern", WorkingPatternForm),
        Step(
            "use-previous-choices",
            UsePreviousChoicesForm,
            applies=lambda wizard: not wizard.continues_training() and wizard.previous_choices() is not None,
        ),
        Step(
            "appropriate-body",
            AppropriateBodyForm,
            applies=lambda wizard: not wizard.uses_previous_choices(),
            template_name="schools/set_up/appropriate_body.html",
        ),
        Step(
            "training-programme",
            ECTProgrammeForm,
            applies=lambda wizard: not wizard.uses_previous_choices() and not wizard.continues_training(),
        ),
        Step(
            "lead-provider",
            LeadProviderForm,
            applies=lambda wizard: (
                not wizard.uses_previous_choices()
                and not wizard.continues_training()
                and wizard.programme() == "provider_led"
            ),
        ),
    ]
    url_name = "register_ect"
    find_step = "find-ect"
    check_answers_template = "participants/register/check_answers.html"

    def __init__(self, request, *, school):
        super().__init__(request, key=str(school.pk))
        self.school = school
        self.caption = school.name
        self.funding_refusal = school_queries.funding_refusal(school)

    def stop_reason(self) -> str | None:
        not_found = self.not_found()
        if not_found is None:
            return None
        if not_found:
            return "not_found"
        record = self.record_found()
        today = clock.today()
        if self.remember_for_journey(
            "registered_here",
            lambda: queries.is_registered_at(self.school, record["trn"], today=today),
            inputs=(record["trn"], today),
        ):
            return "already_registered"
        status = record["induction_status"]
        if status == InductionStatus.PASSED:
            return "induction_passed"
        if status == InductionStatus.FAILED:
            return "induction_failed"
        if status == InductionStatus.EXEMPT:
            return "induction_exempt"
        if record["prohibited_from_teaching"]:
            return "prohibited"
        moving = self.cleaned("moving-school") if self.moving_from() is not None else None
        if moving and moving["moving_school"] == "no":
            return "registered_elsewhere"
        return None

    def start_date_problem(self, started_on) -> str | None:
        """Why they cannot start on this date: a clash with their time at the school they move
        from (as `register_ect` would refuse it), or a year not open for registration."""
        moving_from = self.moving_from() if self.is_moving() else None
        if moving_from and (
            clash := services.start_clashes_with(moving_from, started_on=started_on, today=clock.today())
        ):
            return str(clash)
        return registration_problem(started_on, self.registration_for(started_on))

    def form_kwargs(self, step):
        if step.name == "moving-school":
            moving_from = self.moving_from()
            return {"teacher_name": self.trs_name(), "school_name": moving_from.school.name}
        if step.name == "start-date":
            return {"date_problem": self.start_date_problem}
        if step.name == "continue-training":
            partnership = self.training_before().school_partnership
            return {
                "teacher_name": self.trs_name(),
                "lead_provider": self.provider_before(),
                "delivery_partner": partnership.lead_provider_delivery_partnership.delivery_partner
                if partnership
                else None,
            }
        if step.name == "use-previous-choices":
            return {"summary": self.previous_choices_summary()}
        if step.name == "appropriate-body":
            return {
                "independent_school": eligibility.is_independent(self.school.establishment_type),
                "initial": {"appropriate_body": self.school.last_chosen_appropriate_body_id},
            }
        if step.name == "training-programme":
            return {"funding_refusal": self.funding_refusal}
        if step.name == "lead-provider":
            return {
                "contract_period": self.contract_period(),
                "initial": {"lead_provider": self.school.last_chosen_lead_provider_id},
            }
        return super().form_kwargs(step)

    # --- check answers and saving ------------------------------------------------------------

    def url_kwargs(self):
        return {"urn": self.school.urn}

    def back_url_before_first_step(self):
        return reverse("who_to_add", kwargs={"urn": self.school.urn})

    def summary_rows(self):
        answers = self.all_cleaned()
        rows = [
            {"key": "TRN", "value": self.record_found()["trn"]},
            self.row("Name", self.name_to_use(), "confirm-name"),
            self.row("Email address", answers["email"], "email"),
            self.row("Start date", self.display_value(None, answers["started_on"]), "start-date"),
            self.row(
                "Working pattern",
                dict(WorkingPatternForm.base_fields["working_pattern"].choices)[answers["working_pattern"]],
                "working-pattern",
            ),
        ]
        if self.is_moving():
            rows.insert(2, self.row("Moving from", self.moving_from().school.name, "moving-school"))
        training = self.training()
        training_rows = [
            self.row("Appropriate body", str(training["appropriate_body"]), "appropriate-body"),
            self.row(
                "Training",
                "Training provider, funded by the DfE"
                if training["training_programme"] == "provider_led"
                else "Your school's own programme",
                "training-programme",
            ),
        ]
        if training["lead_provider"]:
            training_rows.append(
                self.row("Training provider", str(training["lead_provider"]), "lead-provider")
            )
        if self.uses_previous_choices():  # these came from one answer: change that answer
            for row in training_rows:
                row["change_url"] = self.url("use-previous-choices", change=True)
        if self.continues_training():  # the training rows came from "continue with their provider?"
            for row in training_rows[1:]:
                row["change_url"] = self.url("continue-training", change=True)
        return rows + training_rows

    def done(self):
        answers = self.all_cleaned()
        try:
            period = services.register_ect(
                school=self.school,
                registered_by=self.request.user,
                teacher_record=kept_record(self.record_found()),
                corrected_name=answers.get("corrected_name", ""),
                email=answers["email"],
                started_on=answers["started_on"],
                working_pattern=answers["working_pattern"],
                transfer_from=moving_from.pk if (moving_from := self.moving_from()) else None,
                **self.training(),
            )
        except services.Refused as refusal:
            return refused_page(self, refusal)
        self.request.session[REGISTERED_ECT] = period.pk
        return redirect("ect_registered", urn=self.school.urn)


@method_decorator(login_required, name="dispatch")
class RegisterECTView(RegistersTeacherView):
    def get_wizard(self, request, *, urn):
        return RegisterECTWizard(request, school=school_queries.school_for(request.user, urn))
