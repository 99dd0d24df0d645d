"""Telling us an ECT or mentor is leaving the school, from their page: when, whether they move to
another school, and `record_leaving`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step, Wizard, WizardView
from participants import queries, services
from participants.forms import LeavingDateForm, MovingOnForm
from participants.journeys.refused import refused_page
from participants.models import ECTAtSchoolPeriod
from schools import queries as school_queries


class LeavingWizard(Wizard):
    """Tell us that an ECT or mentor is leaving the school: when, and whether they move to another."""

    steps = [Step("leaving-date", LeavingDateForm), Step("moving-school", MovingOnForm)]
    check_answers_template = "participants/leaving_check_answers.html"

    def __init__(self, request, *, school, period):
        self.role = "ect" if isinstance(period, ECTAtSchoolPeriod) else "mentor"
        super().__init__(request, key=f"{school.pk}:{self.role}:{period.pk}")
        self.school = school
        self.period = period
        self.caption = school.name
        self.url_name = f"{self.role}_leaving"

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.period.pk}

    def person_page(self) -> str:
        return reverse(f"{self.role}_page", kwargs=self.url_kwargs())

    def back_url_before_first_step(self):
        return self.person_page()

    def form_kwargs(self, step):
        if step.name == "leaving-date":
            today = clock.today()
            return {
                "teacher_name": self.period.name,
                "date_problem": lambda leaving_on: services.leaving_problem(
                    self.period, leaving_on, today=today
                ),
            }
        return {"teacher_name": self.period.name, "choices": list(services.MovingSchool.LABELS.items())}

    def summary_rows(self):
        answers = self.all_cleaned()
        return [
            self.row("Leaving date", self.display_value(None, answers["leaving_on"]), "leaving-date"),
            self.row(
                "Moving to another school",
                services.MovingSchool.LABELS[answers["moving_school"]],
                "moving-school",
            ),
        ]

    def done(self):
        answers = self.all_cleaned()
        try:
            left = services.record_leaving(
                period=self.period,
                leaving_on=answers["leaving_on"],
                moving_school=answers["moving_school"],
                reported_by=self.request.user,
            )
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not record that they are leaving")
        if left is None:
            messages.success(
                self.request, f"{self.period.name} has been removed: they will not start at your school"
            )
            return redirect("school_home", urn=self.school.urn)
        messages.success(
            self.request,
            f"We've recorded that {self.period.name} "
            f"{'left' if left.finished_on < clock.today() else 'leaves'} your school on "
            f"{self.display_value(None, left.finished_on)}",
        )
        return redirect(self.person_page())


@method_decorator(login_required, name="dispatch")
class LeavingView(WizardView):
    role = "ect"  # or "mentor", set in urls.py

    def get_wizard(self, request, *, urn, period_id):
        school = school_queries.school_for(request.user, urn)
        period = queries.person_at(school, period_id, self.role, today=clock.today(), still_here=True)
        return LeavingWizard(request, school=school, period=period)
