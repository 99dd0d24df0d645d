"""The one mechanism for multi-step journeys.

A journey subclasses `Wizard` and declares its `steps` in order. Each `Step` has a form and,
optionally, a rule saying whether it is on the path given the answers so far. The wizard keeps
what the user typed in the session (the raw form data, so every page shows exactly what was
typed) and re-validates it on each request that reads it, so an answer that has become invalid
sends the user back to that step rather than being saved. Within a request, each answer is
validated once, and again only after an answer it read is stored (decision 0044).

A fact the path depends on that costs a query (is this teacher registered here already?) is worked
out once a request (`remember`). A yes-or-no fact whose usual "no" lets the journey go on is kept
for the journey once it says "no" (`remember_for_journey`, in the session beside the answers):
check answers works it out afresh, so what is saved is decided on what is true then (decision 0051).

Which steps a user may open is computed, never stored: the steps on the path up to and
including the first one without a valid answer. When every step on the path has a valid answer
the check-answers page is reachable; its Change links open a step with `?change=1`, and saving
a changed step returns to check answers when the path is still complete.

A step's form may define `answer_to_keep()`, returning what to keep instead of what was typed: for
example the outcome of a check rather than the date of birth it was checked with. Reading that
answer back must then validate without the forgotten fields.

`done()` is the journey's single write (a service call in one transaction); the answers are
cleared afterwards, so refreshing or going back cannot submit twice.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from core.forms import posted_keys

CHECK_ANSWERS = "check-answers"
# Opening this "step" starts the journey afresh: what was answered before is forgotten. Links into
# a journey that should not resume an earlier, unfinished one (a new registration) use it.
START_AFRESH = "start"


def as_change_label(label: str) -> str:
    """A question or key as the hidden end of "Change …": its first letter in lower case, and the
    rest (names, "TRN") as they are."""
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class Step:
    name: str  # the step's URL slug
    form_class: type[forms.Form]
    # Whether the step is on the path, given the wizard (read its answers with wizard.cleaned()).
    applies: Callable[["Wizard"], bool] = field(default=lambda wizard: True)
    template_name: str = "wizard/step.html"
    # A different answer here makes the later answers meaningless (say, another teacher's record):
    # they are forgotten.
    starts_over: bool = False


class Wizard:
    """A journey's steps and answers. Subclasses set `steps`, `url_name`, `check_answers_template`
    and implement `url_kwargs()`, `done()` and, when forms need them, `form_kwargs()`."""

    steps: ClassVar[list[Step]]
    url_name: ClassVar[str]  # URL name of the journey's step view, taking `step` plus url_kwargs()
    check_answers_template: ClassVar[str] = "wizard/check_answers.html"
    caption: str = ""  # shown above each page's heading, e.g. the school's name

    def __init__(self, request: HttpRequest, *, key: str):
        self.request = request
        self.session_key = f"wizard:{type(self).__name__}:{key}"
        # What this request has worked out (each step's answer validated, each fact remembered),
        # with the steps whose answers it read: the path is worked out many times a page, and a
        # step answered afresh makes only what read that step be worked out again.
        self._worked_out: dict[tuple, tuple[Any, frozenset[str]]] = {}
        self._reading: list[set[str]] = []  # the steps read by each piece of work under way
        self.answers_kept = False
        # Facts kept for the journey (`remember_for_journey`), in the session beside the answers.
        self.facts_key = f"{self.session_key}:facts"
        # Set on check answers (and its submit): every fact kept for the journey is worked out again.
        self.facts_afresh = False
        # Whether the submit found a kept "no" now "yes" (it keeps nothing itself).
        self.kept_facts_changed = False

    # --- answers ------------------------------------------------------------------------------

    @property
    def answers(self) -> dict[str, dict[str, Any]]:
        """Every answer as typed. Work that reads them all depends on every step."""
        self._read(self._every_step())
        return self.stored_answers()

    def stored_answers(self) -> dict[str, dict[str, Any]]:
        """The answers kept in the session. A journey may add answers it starts from."""
        return self.request.session.get(self.session_key, {})

    def start_from(self, answers: dict[str, dict[str, Any]]) -> None:
        """Begin the journey again from these answers (say, a change starting from what was saved)."""
        self.request.session[self.session_key] = answers
        self.request.session.pop(self.facts_key, None)
        self._worked_out.clear()

    def store(self, step: Step, data: dict[str, Any]) -> None:
        answers = self.stored_answers()
        changed = {step.name}
        if step.starts_over and answers.get(step.name) != data:
            later = {s.name for s in self.steps[self.steps.index(step) + 1 :]}
            answers = {name: answer for name, answer in answers.items() if name not in later}
            changed |= later
            self.request.session.pop(self.facts_key, None)  # facts about what is forgotten
        self.request.session[self.session_key] = {**answers, step.name: data}
        self._worked_out = {
            key: (value, read) for key, (value, read) in self._worked_out.items() if not read & changed
        }

    def clear(self) -> None:
        self.request.session.pop(self.session_key, None)
        self.request.session.pop(self.facts_key, None)
        self._worked_out.clear()

    def remember(self, key: str, compute: Callable[[], Any], *, inputs: tuple | None = None) -> Any:
        """`compute()`, worked out once: for facts the path depends on that cost a query (the path is
        worked out many times a page).

        A fact is often worked out from answers read before `compute` runs (a TRN, captured), which
        no one could see it read. Name those values in `inputs`: the fact is kept for them, and
        depends on the answers `compute` reads itself, so storing another answer keeps it (a step
        answered after the teacher was found does not look them up again). Without `inputs`, it
        counts as reading every answer, and is worked out again after any is stored."""
        if inputs is None:
            return self._work_out(("fact", key), compute, reads=self._every_step())
        return self._work_out(("fact", key, *inputs), compute)

    def remember_for_journey(self, key: str, compute: Callable[[], bool], *, inputs: tuple) -> bool:
        """`compute()`, for a yes-or-no fact whose "yes" stops the journey or asks more of it (the
        teacher is registered here already, is at another school, their email address is another
        teacher's), asked on every page. A "no", the usual answer, is kept in the session for the
        rest of the journey and not asked again; a "yes" is worked out on every page, as
        `remember` does, so it is seen to go away. It is kept for `inputs`, which must name
        everything it depends on (the answers it is about, today): a kept "no" skips the reading
        of answers `remember` tracks. Check answers works every kept "no" out afresh, and keeps
        what it finds; its submit works them out afresh and keeps nothing (decision 0051)."""
        fact = json.dumps([key, *inputs], default=str)
        kept = self.request.session.get(self.facts_key, {})
        if not self.facts_afresh and kept.get(fact) is False:
            return False
        value = self.remember(key, compute, inputs=inputs)
        if not isinstance(value, bool):
            raise TypeError(f"A fact kept for the journey is yes or no, not {value!r}")
        if self.facts_afresh and self.request.method == "POST":
            # The submit keeps nothing: a second submit racing the first (a double-click) would
            # save the session as it read it, over the first's (its answers cleared, and the id
            # the confirmation page reads).
            self.kept_facts_changed |= value and kept.get(fact) is False
        elif value == (fact in kept):  # a "no" to keep, or a kept "no" now "yes" to drop
            # Read again: working this fact out may have kept or dropped another.
            now_kept = dict(self.request.session.get(self.facts_key, {}))
            if value:
                now_kept.pop(fact, None)
            else:
                now_kept[fact] = False
            self.request.session[self.facts_key] = now_kept
        return value

    def _every_step(self) -> frozenset[str]:
        return frozenset(step.name for step in self.steps)

    def _read(self, step_names: set[str] | frozenset[str]) -> None:
        for reading in self._reading:
            reading.update(step_names)

    def _work_out(self, key: tuple, compute: Callable[[], Any], *, reads: frozenset[str] = frozenset()):
        if key not in self._worked_out:
            self._reading.append(set(reads))
            try:
                value = compute()
            finally:
                read = frozenset(self._reading.pop())
                self._read(read)  # what used this read it too, even when it failed
            self._worked_out[key] = (value, read)
            return value
        value, read = self._worked_out[key]
        self._read(read)  # whatever uses this depends on what it read
        return value

    def keep_answers(self) -> None:
        """Called by `done()` when it could not finish: the answers stay, to be checked again."""
        self.answers_kept = True

    def form_kwargs(self, step: Step) -> dict[str, Any]:
        return {}

    def bound_form(self, step: Step, data=None) -> forms.Form:
        """The step's form with `data`, or else with what the user typed last time (if anything)."""
        if data is None:
            self._read({step.name})
            data = self.stored_answers().get(step.name)
        return step.form_class(data=data, **self.form_kwargs(step))

    def cleaned(self, step_name: str) -> dict[str, Any] | None:
        """The step's answer, validated now; None when unanswered or no longer valid."""
        step = self.step(step_name)
        self._read({step.name})  # unanswered is an answer too: storing one changes it
        if step.name not in self.stored_answers():
            return None

        def validated():
            form = self.bound_form(step)
            return form.cleaned_data if form.is_valid() else None

        return self._work_out(("answer", step.name), validated, reads=frozenset({step.name}))

    # --- the path -----------------------------------------------------------------------------

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise Http404("No such step")

    def path(self) -> list[Step]:
        """The steps on this user's path, in order, decided by the answers so far: worked out once
        a request, and again only after an answer it read is stored (a page asks for it several
        times: which steps are reachable, the next, the one before)."""
        on_path = self._work_out(("path",), lambda: tuple(step for step in self.steps if step.applies(self)))
        return list(on_path)

    def first_unanswered(self) -> Step | None:
        return next((step for step in self.path() if self.cleaned(step.name) is None), None)

    def reachable(self) -> list[str]:
        """Names of the steps the user may open now (and check-answers when all are answered)."""
        names = []
        for step in self.path():
            names.append(step.name)
            if self.cleaned(step.name) is None:
                return names
        return [*names, CHECK_ANSWERS]

    def step_after(self, step: Step) -> str:
        """The next page in order (the path may have changed with this answer)."""
        path = self.path()
        index = path.index(step) if step in path else len(path)
        return path[index + 1].name if index + 1 < len(path) else CHECK_ANSWERS

    def step_before(self, step_name: str) -> str | None:
        path = self.path()
        if step_name == CHECK_ANSWERS:
            return path[-1].name if path else None
        names = [s.name for s in path]
        index = names.index(step_name) if step_name in names else 0
        return names[index - 1] if index > 0 else None

    # --- URLs ---------------------------------------------------------------------------------

    def url_kwargs(self) -> dict[str, Any]:
        raise NotImplementedError

    def url(self, step_name: str, *, change: bool = False) -> str:
        url = reverse(self.url_name, kwargs={**self.url_kwargs(), "step": step_name})
        return f"{url}?change=1" if change else url

    def start_url(self) -> str:
        """Where a user returning to the journey should be: the first step still needing an answer."""
        missing = self.first_unanswered()
        return self.url(missing.name if missing else CHECK_ANSWERS)

    def back_url_before_first_step(self) -> str:
        """Where the back link of the first step goes (for example the journey's start page)."""
        raise NotImplementedError

    # --- check answers and finishing ----------------------------------------------------------

    def summary_rows(self) -> list[dict[str, str]]:
        """One row per field on the path: its label, what was answered, and a Change link."""
        rows = []
        for step in self.path():
            form = self.bound_form(step)
            form.is_valid()
            for name, form_field in form.fields.items():
                rows.append(
                    {
                        "key": form_field.label,
                        "value": self.display_value(form_field, form.cleaned_data.get(name)),
                        "change_url": self.url(step.name, change=True),
                        "change_label": as_change_label(str(form_field.label)),
                    }
                )
        return rows

    def row(self, key: str, value: str, step_name: str) -> dict[str, str]:
        """A check-answers row, for journeys that write their own, whose Change link opens the step
        that asked it."""
        return {
            "key": key,
            "value": value,
            "change_url": self.url(step_name, change=True),
            "change_label": as_change_label(key),
        }

    @staticmethod
    def display_value(form_field: forms.Field, value: Any) -> str:
        """What the user chose, as they saw it: a choice's label rather than its stored value."""
        if value in (None, ""):
            return ""
        if isinstance(value, datetime.date):
            return f"{value.day} {value:%B %Y}"
        if isinstance(value, list | tuple):
            return ", ".join(Wizard.display_value(form_field, item) for item in value)
        choices = {str(key): label for key, label in (getattr(form_field, "choices", None) or [])}
        key = value.pk if isinstance(value, models.Model) else value  # a model choice is listed by its key
        return str(choices.get(str(key), value))

    def done(self) -> HttpResponse:
        """Make the journey's one write from the cleaned answers and say where to go next (or,
        when the write is refused, call keep_answers() and send the user back to them)."""
        raise NotImplementedError

    def all_cleaned(self) -> dict[str, Any]:
        """Every answer on the path, merged (field names are unique across a journey's steps)."""
        merged: dict[str, Any] = {}
        for step in self.path():
            merged.update(self.cleaned(step.name) or {})
        return merged


class WizardView(View):
    """Serves every step and the check-answers page of one wizard. Subclasses implement
    `get_wizard()`, which may 404 for someone who may not use the journey, or answer with a page."""

    def get_wizard(self, request, **kwargs) -> Wizard:
        raise NotImplementedError

    def dispatch(self, request, *args, step: str, **kwargs):
        self.wizard = self.get_wizard(request, **kwargs)
        if isinstance(self.wizard, HttpResponse):  # get_wizard may answer instead (e.g. expired link)
            return self.wizard
        if step == START_AFRESH:
            self.wizard.clear()
            return HttpResponseRedirect(self.wizard.start_url())
        self.wizard.facts_afresh = step == CHECK_ANSWERS
        reachable = self.wizard.reachable()
        if self.wizard.kept_facts_changed:
            # A submit that found a kept "no" now "yes": back to check answers, which keeps the
            # facts as they are now and shows, or sends the user to, what changed.
            return HttpResponseRedirect(self.wizard.url(CHECK_ANSWERS))
        if step not in reachable:
            return HttpResponseRedirect(self.wizard.start_url())
        self.step_name = step
        return super().dispatch(request, *args, **kwargs)

    @property
    def changing(self) -> bool:
        return self.request.GET.get("change") == "1"

    def back_url(self) -> str:
        if self.changing:
            return self.wizard.url(CHECK_ANSWERS)
        before = self.wizard.step_before(self.step_name)
        return self.wizard.url(before) if before else self.wizard.back_url_before_first_step()

    def get(self, request, *args, **kwargs):
        if self.step_name == CHECK_ANSWERS:
            return self.render_check_answers()
        step = self.wizard.step(self.step_name)
        if step.name in self.wizard.answers:
            form = self.wizard.bound_form(step)
            form.is_valid()  # a stored answer that is no longer valid shows why
        else:
            form = step.form_class(**self.wizard.form_kwargs(step))
        return self.render_step(step, form)

    def post(self, request, *args, **kwargs):
        if self.step_name == CHECK_ANSWERS:
            response = self.wizard.done()
            if not self.wizard.answers_kept:
                self.wizard.clear()
            return response
        step = self.wizard.step(self.step_name)
        submitted = {
            key: request.POST.getlist(key) if self._is_multiple(step, name) else request.POST.get(key, "")
            for name, form_field in step.form_class.base_fields.items()
            for key in posted_keys(name, form_field)
        }
        form = self.wizard.bound_form(step, data=submitted)
        if not form.is_valid():
            return self.render_step(step, form)
        # A form may keep less than was typed (a date of birth, once it has been checked).
        self.wizard.store(step, form.answer_to_keep() if hasattr(form, "answer_to_keep") else submitted)
        if self.changing:
            # Back to check answers, by way of any step the changed answer has newly put on the path.
            missing = self.wizard.first_unanswered()
            return HttpResponseRedirect(
                self.wizard.url(missing.name, change=True) if missing else self.wizard.url(CHECK_ANSWERS)
            )
        return HttpResponseRedirect(self.wizard.url(self.wizard.step_after(step)))

    @staticmethod
    def _is_multiple(step: Step, name: str) -> bool:
        """Whether the field takes several values (checkboxes, a multiple select, model or not)."""
        return getattr(step.form_class.base_fields[name].widget, "allow_multiple_selected", False)

    def context(self, **extra) -> dict[str, Any]:
        return {"wizard": self.wizard, "back_url": self.back_url(), **extra}

    def render_step(self, step: Step, form: forms.Form) -> HttpResponse:
        return render(self.request, step.template_name, self.context(form=form, step=step))

    def render_check_answers(self) -> HttpResponse:
        return render(
            self.request, self.wizard.check_answers_template, self.context(rows=self.wizard.summary_rows())
        )
