"""Every change a school makes from an ECT's or mentor's page, by the slug in its URL, and the view
that serves them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.decorators import method_decorator

from core.wizard import WizardView
from participants.journeys.change_appropriate_body import ChangeAppropriateBody
from participants.journeys.change_email import ChangeEmail
from participants.journeys.change_name import ChangeName
from participants.journeys.change_training import ChangeTraining
from participants.journeys.change_working_pattern import ChangeWorkingPattern
from participants.views import person_still_at_school

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
