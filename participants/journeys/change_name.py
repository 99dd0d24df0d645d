"""Changing an ECT's or mentor's name, with the reason, from their page."""

from core.wizard import Step
from participants import services
from participants.forms import ChangeNameForm
from participants.journeys.changing_a_person import ChangesPerson


class ChangeName(ChangesPerson):
    what = "name"
    steps = [Step("name", ChangeNameForm)]

    def form_kwargs(self, step):
        return {
            "reasons": list(services.NameChangeReason.LABELS.items()),
            "initial": {"name": self.period.name},
        }

    def change(self, answers):
        services.change_name(
            period=self.period, name=answers["name"], reason=answers["reason"], changed_by=self.request.user
        )

    def done_message(self, answers):
        return f"{self.period.name}'s name is now {' '.join(answers['name'].split())}"
