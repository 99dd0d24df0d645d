"""Recording an outcome of a teacher's induction period with the body, from the teacher's page: a
pass, a fail or a release (one journey, the outcome in its URL). End date, then number of terms,
then (for a fail) the confirmation that they were told of their right to appeal, check answers,
and `record_outcome`."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe

from appropriate_bodies.induction_forms import EndDateForm, OutcomeTermsForm, ToldOfAppealForm
from appropriate_bodies.journeys.common import body_and_teacher, refused_page, teacher_page_url
from appropriate_bodies.services import outcomes
from core import clock
from core.wizard import Step, Wizard, WizardView
from participants.services import induction_for_trs_of

# Per outcome: the caption of its pages, what check answers says, and its button.
WORDING = {
    outcomes.PASS: (
        "Record a pass",
        "Their induction will be recorded as passed, and TRS told.",
        "Record pass",
    ),
    outcomes.FAIL: (
        "Record a fail",
        "Their induction will be recorded as failed, and TRS told.",
        "Record fail",
    ),
    outcomes.RELEASE: (
        "Release",
        "Their induction period with you will end without an outcome. Another appropriate body can then claim them.",
        "Release ECT",
    ),
}
# Where the outcome just recorded is kept for its confirmation page.
RECORDED = "appropriate_body_outcome_recorded"


class RecordOutcomeWizard(Wizard):
    url_name = "appropriate_body_outcome"
    check_answers_template = "appropriate_bodies/outcome_check_answers.html"
    steps = [
        Step("end-date", EndDateForm),
        Step("terms", OutcomeTermsForm),
        Step("appeal", ToldOfAppealForm, applies=lambda wizard: wizard.outcome == outcomes.FAIL),
    ]

    def __init__(self, request, *, body, teacher, period, outcome):
        super().__init__(request, key=f"{body.pk}:{teacher.pk}:{outcome}")
        self.body, self.teacher, self.period, self.outcome = body, teacher, period, outcome
        self.caption = f"{WORDING[outcome][0]}: {teacher.full_name}"
        self.explanation, self.submit_label = WORDING[outcome][1:]

    def url_kwargs(self):
        return {"body_id": self.body.pk, "teacher_id": self.teacher.pk, "outcome": self.outcome}

    def back_url_before_first_step(self):
        return teacher_page_url(self.body, self.teacher)

    def form_kwargs(self, step):
        name = self.teacher.full_name
        if step.name == "end-date":
            today = clock.today()
            return {
                "question": f"When did {name}'s induction period with you end?",
                "date_problem": lambda finished_on: outcomes.end_date_problem(
                    self.period, finished_on, today=today
                ),
            }
        if step.name == "terms":
            return {"question": f"How many terms of induction did {name} complete with you?"}
        return {"teacher_name": name}

    def summary_rows(self):
        answers = self.all_cleaned()
        rows = [
            self.row("End date", self.display_value(None, answers["finished_on"]), "end-date"),
            self.row("Number of terms", answers["number_of_terms"], "terms"),
        ]
        if self.outcome == outcomes.FAIL:
            rows.append(self.row("Told of their right to appeal", "Yes", "appeal"))
        return rows

    def done(self):
        answers = self.all_cleaned()
        try:
            outcomes.record_outcome(
                body=self.body,
                teacher=self.teacher,
                outcome=self.outcome,
                finished_on=answers["finished_on"],
                number_of_terms=answers["number_of_terms"],
                recorded_by=self.request.user,
                told_of_appeal=bool(answers.get("told_of_appeal")),
            )
        except outcomes.CannotRecordOutcome as refusal:
            return refused_page(
                self.request,
                body=self.body,
                teacher=self.teacher,
                heading="We could not record that",
                reason=str(refusal),
                wizard=self,
            )
        self.request.session[RECORDED] = {"teacher": self.teacher.pk, "outcome": self.outcome}
        return redirect(reverse("appropriate_body_outcome_recorded", kwargs=self.url_kwargs()))


@method_decorator(login_required, name="dispatch")
class RecordOutcomeView(WizardView):
    def get_wizard(self, request, *, body_id, teacher_id, outcome):
        body, teacher = body_and_teacher(request, body_id, teacher_id)
        period = outcomes.open_period_with(body, teacher)
        if period is None:
            return refused_page(
                request,
                body=body,
                teacher=teacher,
                heading="There is no induction to record an outcome for",
                reason=f"{teacher.full_name} has no open induction period with {body.name}.",
            )
        return RecordOutcomeWizard(request, body=body, teacher=teacher, period=period, outcome=outcome)


@login_required
@require_safe
def outcome_recorded(request, body_id: int, teacher_id: int, outcome: str):
    """The confirmation, for the person who has just recorded it; anyone else goes to the teacher's page."""
    body, teacher = body_and_teacher(request, body_id, teacher_id)
    if request.session.get(RECORDED) != {"teacher": teacher.pk, "outcome": outcome}:
        return redirect(teacher_page_url(body, teacher))
    return render(
        request,
        "appropriate_bodies/outcome_recorded.html",
        {
            "body": body,
            "teacher": teacher,
            "outcome": outcome,
            "teacher_url": teacher_page_url(body, teacher),
            # What the outbox will tell TRS (the same rule that wrote it), and whether the outcome
            # ended their time at a school today.
            "trs_status": induction_for_trs_of(teacher).status,
            "left_school_today": teacher.ect_at_school_periods.filter(finished_on=clock.today()).exists(),
        },
    )
