"""Changing a school's induction tutor: who the new one is, and check answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core.wizard import Step, Wizard, WizardView
from schools import queries, services
from schools.forms import NewInductionTutorForm


class ChangeInductionTutorWizard(Wizard):
    steps = [Step("details", NewInductionTutorForm)]
    url_name = "change_induction_tutor"
    check_answers_template = "schools/change_tutor_check_answers.html"

    def __init__(self, request, *, school):
        super().__init__(request, key=str(school.pk))
        self.school = school
        self.caption = school.name
        self.current_tutor = queries.induction_tutor_of(school)

    def url_kwargs(self):
        return {"urn": self.school.urn}

    def form_kwargs(self, step):
        return {"current_tutor": self.current_tutor}

    def back_url_before_first_step(self):
        return reverse("school_home", kwargs={"urn": self.school.urn})

    def done(self):
        answers = self.all_cleaned()
        tutor = services.change_induction_tutor(
            school=self.school,
            changed_by=self.request.user,
            full_name=answers["new_tutor_name"],
            email=answers["new_tutor_email"],
        )
        messages.success(
            self.request,
            f"{tutor.full_name} is now your induction tutor. We've emailed them a link to sign in",
        )
        if queries.schools_for(self.request.user).filter(pk=self.school.pk).exists():
            return redirect("school_home", urn=self.school.urn)
        return redirect("choose_school")


@method_decorator(login_required, name="dispatch")
class ChangeInductionTutorView(WizardView):
    def get_wizard(self, request, *, urn):
        return ChangeInductionTutorWizard(request, school=queries.school_for(request.user, urn))
