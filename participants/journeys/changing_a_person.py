"""Changing what a school told us about one of its ECTs or mentors, from their page: each change is
a short journey on the shared wizard (its question, check answers, one service call)."""

from typing import Any, ClassVar

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from core.wizard import Wizard
from participants import services
from participants.journeys.refused import refused_page


class ChangesPerson(Wizard):
    """One change to an ECT or mentor at the school. Subclasses set `what` (the URL slug), `steps`,
    `roles` (who it applies to), and implement `change(answers)` (the service call) and `done_message`."""

    what: ClassVar[str]
    roles: ClassVar[tuple[str, ...]] = ("ect", "mentor")
    check_answers_template = "participants/change_check_answers.html"

    def __init__(self, request, *, school, period, role: str):
        super().__init__(request, key=f"{school.pk}:{role}:{period.pk}:{self.what}")
        self.school = school
        self.period = period
        self.role = role
        self.caption = f"{period.name}, {school.name}"
        self.url_name = f"{role}_change"

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.period.pk, "what": self.what}

    def person_page(self) -> str:
        return reverse(f"{self.role}_page", kwargs={"urn": self.school.urn, "period_id": self.period.pk})

    def back_url_before_first_step(self):
        return self.person_page()

    def change(self, answers: dict[str, Any]) -> None:
        raise NotImplementedError

    def done_message(self, answers: dict[str, Any]) -> str:
        raise NotImplementedError

    def done(self):
        answers = self.all_cleaned()
        try:
            self.change(answers)
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not make that change")
        messages.success(self.request, self.done_message(answers))
        return redirect(self.person_page())
