"""Changing an ECT's or mentor's email address, from their page."""

from core import clock
from core.wizard import Step
from participants import queries, services
from participants.forms import TeacherEmailForm
from participants.journeys.changing_a_person import ChangesPerson


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
