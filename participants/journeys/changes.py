"""Every change a school makes from an ECT's or mentor's page, by the slug in its URL, and the view
that serves them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import WizardView
from participants import queries
from participants.journeys.change_appropriate_body import ChangeAppropriateBody
from participants.journeys.change_email import ChangeEmail
from participants.journeys.change_name import ChangeName
from participants.journeys.change_training import ChangeTraining
from participants.journeys.change_working_pattern import ChangeWorkingPattern
from schools import queries as school_queries

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
        school = school_queries.school_for(request.user, urn)
        period = queries.person_at(school, period_id, self.role, today=clock.today(), still_here=True)
        return change(request, school=school, period=period, role=self.role)
