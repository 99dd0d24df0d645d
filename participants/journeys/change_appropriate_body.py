"""Changing the appropriate body the school told us of for an ECT, from their page."""

from core.wizard import Step
from participants import services
from participants.journeys.changing_a_person import ChangesPerson
from schools import eligibility
from schools.forms import AppropriateBodyForm


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
