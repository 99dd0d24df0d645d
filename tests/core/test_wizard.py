"""The wizard mechanism on its own: a journey with a rule-based step and a multiple choice."""

import pytest
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from core.forms import GovukForm
from core.wizard import CHECK_ANSWERS, Step, Wizard


class WhoForm(GovukForm):
    page_heading_field = "who"
    who = forms.ChoiceField(label="Who is it for?", choices=[("ect", "An ECT"), ("mentor", "A mentor")])


class DaysForm(GovukForm):
    page_heading_field = "days"
    days = forms.MultipleChoiceField(
        label="Which days?",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
    )


class PlanWizard(Wizard):
    steps = [
        Step("who", WhoForm),
        Step("days", DaysForm, applies=lambda w: (w.cleaned("who") or {}).get("who") == "mentor"),
    ]
    url_name = "unused"

    def url(self, step_name, *, change=False):
        return f"/plan/{step_name}" + ("?change=1" if change else "")

    def done(self):
        return HttpResponse("done")


@pytest.fixture
def wizard():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return PlanWizard(request, key="1")


def test_only_steps_up_to_the_first_unanswered_are_reachable(wizard):
    assert wizard.reachable() == ["who"]
    wizard.store(wizard.step("who"), {"who": "ect"})
    assert wizard.reachable() == ["who", CHECK_ANSWERS]  # "days" is not on an ECT's path


def test_an_answer_can_put_a_step_on_the_path(wizard):
    wizard.store(wizard.step("who"), {"who": "mentor"})
    assert [step.name for step in wizard.path()] == ["who", "days"]
    assert wizard.reachable() == ["who", "days"]


def test_check_answers_shows_labels_of_every_chosen_option(wizard):
    wizard.store(wizard.step("who"), {"who": "mentor"})
    wizard.store(wizard.step("days"), {"days": ["mon", "tue"]})
    rows = {row["key"]: row["value"] for row in wizard.summary_rows()}
    assert rows == {"Who is it for?": "A mentor", "Which days?": "Monday, Tuesday"}


def test_an_answer_that_is_no_longer_valid_is_asked_again(wizard):
    wizard.store(wizard.step("who"), {"who": "headteacher"})
    assert wizard.cleaned("who") is None
    assert wizard.first_unanswered().name == "who"
