"""Giving a colleague access to manage the school: their name and email, and check answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core.wizard import Step, Wizard, WizardView
from schools import queries, services
from schools.forms import ColleagueForm


class ColleagueWizard(Wizard):
    steps = [Step("details", ColleagueForm)]
    url_name = "add_colleague"
    check_answers_template = "schools/colleague_check_answers.html"

    def __init__(self, request, *, school):
        super().__init__(request, key=str(school.pk))
        self.school = school
        self.caption = school.name

    def url_kwargs(self):
        return {"urn": self.school.urn}

    def form_kwargs(self, step):
        return {"school": self.school}

    def back_url_before_first_step(self):
        return reverse("school_home", kwargs={"urn": self.school.urn})

    def done(self):
        answers = self.all_cleaned()
        colleague = services.add_colleague(
            school=self.school,
            added_by=self.request.user,
            full_name=answers["colleague_name"],
            email=answers["colleague_email"],
        )
        messages.success(self.request, f"We've emailed {colleague.email} a link to sign in")
        return redirect("school_home", urn=self.school.urn)


@method_decorator(login_required, name="dispatch")
class AddColleagueView(WizardView):
    def get_wizard(self, request, *, urn):
        return ColleagueWizard(request, school=queries.school_for(request.user, urn))
