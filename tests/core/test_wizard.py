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


def a_request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


@pytest.fixture
def wizard():
    return PlanWizard(a_request(), key="1")


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


# --- Worked out once a request, again only when an answer it read changes ---------------------


class NoteForm(GovukForm):
    page_heading_field = "note"
    note = forms.CharField(label="Note")

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean_note(self):
        if self.allowed is not None and not self.allowed():
            raise forms.ValidationError("Not for a mentor")
        return self.cleaned_data["note"]


class CountingWizard(PlanWizard):
    """A fact that reads "who" (as a query would, counted), one built on it, and a step whose
    validation asks the fact: what a journey's rules and forms do."""

    steps = [
        Step("note", NoteForm),
        Step("who", WhoForm, starts_over=True),
        Step("days", DaysForm),
    ]

    def __init__(self, request, *, key):
        super().__init__(request, key=key)
        self.worked_out = []

    def is_mentor(self):
        def compute():
            self.worked_out.append("is_mentor")
            return (self.cleaned("who") or {}).get("who") == "mentor"

        return self.remember("is_mentor", compute)

    def greeting(self):
        def compute():
            self.worked_out.append("greeting")
            return "Hello mentor" if self.is_mentor() else "Hello"

        return self.remember("greeting", compute)

    def form_kwargs(self, step):
        return {"allowed": lambda: not self.is_mentor()} if step.name == "note" else {}

    def bound_form(self, step, data=None):
        if data is None:  # validating a stored answer
            self.worked_out.append(f"validate {step.name}")
        return super().bound_form(step, data)


@pytest.fixture
def counting():
    return CountingWizard(a_request(), key="1")


def test_a_fact_is_worked_out_once_until_an_answer_is_stored(counting):
    assert counting.is_mentor() is False
    assert counting.greeting() == "Hello"  # built on the fact already worked out
    assert counting.greeting() == "Hello"
    assert counting.worked_out == ["is_mentor", "greeting"]
    counting.store(counting.step("days"), {"days": ["mon"]})  # read by neither, but facts are not kept
    assert counting.greeting() == "Hello"
    assert counting.worked_out == ["is_mentor", "greeting", "greeting", "is_mentor"]


def test_a_fact_worked_out_from_an_answer_read_before_it_follows_that_answer(counting):
    def who_captured():
        who = counting.cleaned("who")["who"]  # read first, then used by the fact: as journeys do
        return counting.remember("who, captured", lambda: who)

    counting.store(counting.step("who"), {"who": "ect"})
    assert who_captured() == "ect"
    counting.store(counting.step("who"), {"who": "mentor"})
    assert who_captured() == "mentor"


def test_a_fact_kept_for_its_inputs_outlives_answers_it_did_not_read(counting):
    def looked_up():
        who = (counting.cleaned("who") or {}).get("who")  # read first, then named as its input

        def compute():
            counting.worked_out.append(f"look up {who}")
            return f"record of {who}"

        return counting.remember("record", compute, inputs=(who,))

    counting.store(counting.step("who"), {"who": "ect"})
    assert looked_up() == "record of ect"
    counting.store(counting.step("days"), {"days": ["mon"]})
    counting.store(counting.step("note"), {"note": "Starts in September"})
    assert looked_up() == "record of ect"
    assert counting.worked_out.count("look up ect") == 1
    counting.store(counting.step("who"), {"who": "mentor"})
    assert looked_up() == "record of mentor"
    assert counting.worked_out.count("look up mentor") == 1


def test_a_fact_kept_for_its_inputs_follows_the_answers_it_reads_itself(counting):
    def days_chosen():
        return counting.remember("days", lambda: (counting.cleaned("days") or {}).get("days"), inputs=())

    counting.store(counting.step("days"), {"days": ["mon"]})
    assert days_chosen() == ["mon"]
    counting.store(counting.step("days"), {"days": ["tue"]})
    assert days_chosen() == ["tue"]


def test_an_answer_is_validated_once_until_an_answer_it_read_is_stored(counting):
    counting.store(counting.step("who"), {"who": "ect"})
    counting.store(counting.step("days"), {"days": ["mon"]})
    assert counting.cleaned("who") == counting.cleaned("who") == {"who": "ect"}
    assert counting.worked_out == ["validate who"]
    counting.store(counting.step("days"), {"days": ["tue"]})  # its validation did not read "days"
    assert counting.cleaned("who") == {"who": "ect"}
    assert counting.worked_out == ["validate who"]
    counting.store(counting.step("who"), {"who": "mentor"})
    assert counting.cleaned("who") == {"who": "mentor"}
    assert counting.worked_out == ["validate who", "validate who"]


def test_an_answer_whose_validation_asked_a_fact_is_validated_again_when_the_fact_changes(counting):
    counting.store(counting.step("note"), {"note": "Starts in September"})
    counting.store(counting.step("who"), {"who": "ect"})
    counting.store(counting.step("days"), {"days": ["tue"]})
    assert counting.cleaned("note") == {"note": "Starts in September"}
    assert counting.cleaned("days") == {"days": ["tue"]}

    def days_chosen():
        return counting.remember("days chosen", lambda: (counting.cleaned("days") or {}).get("days"))

    assert days_chosen() == ["tue"]
    counting.store(counting.step("who"), {"who": "mentor"})
    assert counting.cleaned("note") is None  # still typed, but now refused: the fact it asked changed
    # "who" starts over: the answers after it are gone, and what was worked out from them.
    assert counting.cleaned("days") is None
    assert days_chosen() is None


def test_work_that_reads_every_answer_is_worked_out_again_after_any(counting):
    def compute():
        counting.worked_out.append("all")
        return len(counting.answers)

    assert counting.remember("all", compute) == 0
    counting.store(counting.step("days"), {"days": ["mon"]})
    assert counting.remember("all", compute) == 1
    assert counting.worked_out == ["all", "all"]


def test_clearing_forgets_everything_worked_out(counting):
    counting.store(counting.step("who"), {"who": "mentor"})
    assert counting.greeting() == "Hello mentor"
    counting.clear()
    assert counting.greeting() == "Hello"


def test_the_path_is_worked_out_once_until_an_answer_its_rules_read_is_stored():
    asked = []

    class AskedWizard(PlanWizard):
        steps = [
            Step("who", WhoForm),
            Step(
                "days",
                DaysForm,
                applies=lambda w: asked.append("days?") or (w.cleaned("who") or {}).get("who") == "mentor",
            ),
        ]

    wizard = AskedWizard(a_request(), key="1")
    wizard.store(wizard.step("who"), {"who": "mentor"})
    assert [step.name for step in wizard.path()] == ["who", "days"]
    assert wizard.reachable() == ["who", "days"]
    assert wizard.step_after(wizard.step("who")) == "days"
    assert asked == ["days?"]
    wizard.store(wizard.step("days"), {"days": ["mon"]})  # no rule reads it
    assert wizard.step_before(CHECK_ANSWERS) == "days"
    assert asked == ["days?"]
    wizard.store(wizard.step("who"), {"who": "ect"})  # the rule reads it
    assert [step.name for step in wizard.path()] == ["who"]
    assert asked == ["days?", "days?"]


# --- Facts kept for the journey: worked out once across its pages, afresh at check answers ----


def next_page(wizard: CountingWizard) -> CountingWizard:
    """The same user's next request: a new wizard over the same session."""
    request = a_request()
    request.session = wizard.request.session
    return CountingWizard(request, key="1")


def registered_here(wizard: CountingWizard, world: dict) -> bool:
    """A fact about the teacher named by "who" (its input), asked of the database (`world`)."""
    who = (wizard.cleaned("who") or {}).get("who")

    def compute():
        wizard.worked_out.append(f"look up {who}")
        return world[who]

    return wizard.remember_for_journey("registered here", compute, inputs=(who,))


def looked_up(wizard: CountingWizard) -> list[str]:
    return [work for work in wizard.worked_out if work.startswith("look up")]


def test_a_fact_kept_for_the_journey_is_worked_out_once_across_its_pages(counting):
    world = {"ect": False, "mentor": True}
    counting.store(counting.step("who"), {"who": "ect"})
    assert registered_here(counting, world) is False
    world["ect"] = True  # changed since: a later page still takes it as it was
    page = next_page(counting)
    assert registered_here(page, world) is False
    assert looked_up(page) == []
    page.store(page.step("who"), {"who": "mentor"})  # another input: worked out for it
    assert registered_here(page, world) is True
    assert looked_up(page) == ["look up mentor"]


def test_a_yes_is_not_kept_but_worked_out_on_every_page(counting):
    world = {"ect": True}
    counting.store(counting.step("who"), {"who": "ect"})
    assert registered_here(counting, world) is True
    world["ect"] = False  # their registration here was removed: the journey may go on
    page = next_page(counting)
    assert registered_here(page, world) is False
    assert looked_up(page) == ["look up ect"]


def test_check_answers_works_a_kept_no_out_afresh_and_keeps_what_it_finds(counting):
    world = {"ect": False}
    counting.store(counting.step("who"), {"who": "ect"})
    assert registered_here(counting, world) is False
    world["ect"] = True
    check_answers = next_page(counting)
    check_answers.facts_afresh = True
    assert registered_here(check_answers, world) is True
    later = next_page(check_answers)  # the stop page it sends them to: "yes", and asked again
    assert registered_here(later, world) is True
    assert looked_up(later) == ["look up ect"]


def test_kept_facts_are_forgotten_with_the_answers(counting):
    world = {"ect": False}
    counting.store(counting.step("who"), {"who": "ect"})
    registered_here(counting, world)
    counting.clear()
    assert counting.facts_key not in counting.request.session
    counting.store(counting.step("who"), {"who": "ect"})
    registered_here(counting, world)
    counting.store(counting.step("who"), {"who": "mentor"})  # starts over: facts about the old answers go
    assert counting.facts_key not in counting.request.session


def test_a_kept_fact_is_yes_or_no(counting):
    with pytest.raises(TypeError):
        counting.remember_for_journey("a record", lambda: None, inputs=())


def test_the_submit_works_kept_facts_out_afresh_but_writes_nothing_to_the_session():
    # Two submits of one session at once (a double-click): the second must not save the session as
    # it read it, over what the first saved when it finished (its answers cleared).
    world = {"ect": False}
    first = CountingWizard(a_request(), key="1")
    first.store(first.step("who"), {"who": "ect"})
    registered_here(first, world)
    world["ect"] = True
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.session.update(dict(first.request.session.items()))  # the session as the submit read it
    request.session.modified = False
    submit = CountingWizard(request, key="1")
    submit.facts_afresh = True
    assert registered_here(submit, world) is True
    assert not request.session.modified
    assert submit.kept_facts_changed  # so it sends them back to check answers


def test_a_fact_worked_out_inside_another_keeps_what_it_found(counting):
    world = {"ect": False, "inner": True}
    counting.store(counting.step("who"), {"who": "ect"})

    def inner_yes():
        return counting.remember_for_journey("inner", lambda: world["inner"], inputs=())

    counting.request.session[counting.facts_key] = {'["inner"]': False}  # kept a page ago
    counting.facts_afresh = True  # check answers: "inner" is now yes, and is dropped inside "outer"
    assert counting.remember_for_journey("outer", lambda: inner_yes() and False, inputs=()) is False
    assert counting.request.session[counting.facts_key] == {'["outer"]': False}


def test_a_no_kept_yesterday_is_worked_out_again_today(counting):
    world = {"ect": False}
    counting.store(counting.step("who"), {"who": "ect"})

    def registered_on(day):
        return counting.remember_for_journey("registered", lambda: world["ect"], inputs=(day,))

    assert registered_on("2026-09-01") is False
    world["ect"] = True
    page = next_page(counting)
    assert page.remember_for_journey("registered", lambda: world["ect"], inputs=("2026-09-02",)) is True
