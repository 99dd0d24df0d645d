"""Assigning a mentor to an ECT, from their page: choose the mentor, see the handover in dates, and
`assign_mentor`."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step, Wizard, WizardView
from participants import queries, services
from participants.forms import ChooseMentorForm
from participants.journeys.refused import refused_page
from schools import queries as school_queries


class AssignMentorWizard(Wizard):
    """Give an ECT a mentor, or change their mentor (the previous one stops the day before)."""

    steps = [Step("mentor", ChooseMentorForm)]
    url_name = "assign_mentor"
    check_answers_template = "participants/assign_mentor_check_answers.html"

    def __init__(self, request, *, school, mentee):
        super().__init__(request, key=f"{school.pk}:{mentee.pk}")
        self.school = school
        self.mentee = mentee
        self.caption = school.name

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.mentee.pk}

    def form_kwargs(self, step):
        return {
            "mentee_name": self.mentee.name,
            "mentors": queries.mentors_to_choose_from(self.school, today=clock.today()).exclude(
                teacher=self.mentee.teacher_id
            ),
            "already_their_mentor": self.already_their_mentor,
        }

    def already_their_mentor(self, mentor) -> str | None:
        """Why choosing `mentor` would change nothing: they already mentor the ECT, or will."""
        mentorship = queries.mentorship_from(self.mentee.pk, starting_on=self.takes_over_on(mentor))
        if mentorship is None or mentorship.mentor_id != mentor.pk:
            return None
        if mentorship.started_on > clock.today():
            starts = self.display_value(None, mentorship.started_on)
            return f"{mentor.name} is already due to mentor {self.mentee.name} from {starts}. Select a different mentor to change it"
        return f"{mentor.name} is already {self.mentee.name}'s mentor. Select a different mentor to change it"

    def back_url_before_first_step(self):
        return reverse("ect_page", kwargs=self.url_kwargs())

    def takes_over_on(self, mentor=None):
        """The day `mentor` (by default the chosen one) would start mentoring them, as `assign_mentor` decides it."""
        mentor = mentor or self.all_cleaned()["mentor"]
        return max(clock.today(), self.mentee.started_on, mentor.started_on)

    def handover(self) -> str:
        """What check answers says will happen, in dates."""
        starts = self.takes_over_on()
        new = f"{self.all_cleaned()['mentor'].name} will mentor {self.mentee.name} from {self.display_value(None, starts)}."
        if not self.mentee.mentor_name:
            if self.mentee.next_mentor_name:
                return f"{self.mentee.next_mentor_name} will no longer mentor them. {new}"
            return new
        last_day = self.display_value(None, starts - datetime.timedelta(days=1))
        return f"{self.mentee.mentor_name} will stop mentoring them after {last_day}. {new}"

    def done(self):
        mentor = self.all_cleaned()["mentor"]
        try:
            services.assign_mentor(mentee=self.mentee, mentor=mentor, assigned_by=self.request.user)
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not change their mentor")
        starts = self.takes_over_on()
        messages.success(
            self.request,
            f"{mentor.name} is now {self.mentee.name}'s mentor"
            if starts <= clock.today()
            else f"{mentor.name} will mentor {self.mentee.name} from {self.display_value(None, starts)}",
        )
        return redirect("ect_page", urn=self.school.urn, period_id=self.mentee.pk)


@method_decorator(login_required, name="dispatch")
class AssignMentorView(WizardView):
    def get_wizard(self, request, *, urn, period_id):
        school = school_queries.school_for(request.user, urn)
        mentee = queries.person_at(school, period_id, "ect", today=clock.today(), still_here=True)
        return AssignMentorWizard(request, school=school, mentee=mentee)
