"""Changing an ECT's working pattern, from their page."""

from core.wizard import Step
from participants import services
from participants.forms import WorkingPatternForm
from participants.journeys.changing_a_person import ChangesPerson


class ChangeWorkingPattern(ChangesPerson):
    what = "working-pattern"
    roles = ("ect",)
    steps = [Step("working-pattern", WorkingPatternForm)]

    def form_kwargs(self, step):
        return {"initial": {"working_pattern": self.period.working_pattern}}

    def change(self, answers):
        services.change_working_pattern(
            period=self.period, working_pattern=answers["working_pattern"], changed_by=self.request.user
        )

    def done_message(self, answers):
        return f"{self.period.name}'s working pattern has been changed"
