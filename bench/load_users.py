"""The simulated users of the load benchmark: a locustfile that bench/load.py runs headless, once a
scenario. Everything they need (addresses, tokens, session cookies) is in the plan bench/load.py
writes as JSON, named by BENCH_PLAN; nothing here touches the database.

- `Pages`: asks for the plan's pages in turn, as fast as answers come (an API client paging, or
  someone clicking through one page again and again), each with its provider's token when it is
  an API page.
- `Tutor`: an induction tutor in the September rush, signed in (the session cookie a browser holds
  after signing in): their school's home (a redirect to the year), the year's ECTs, then one
  ECT's page. Each round is the next of the plan's tutors. Every `register_every`th round instead
  registers an ECT through the wizard, as a browser does it (see `Tutor.register`): one of the
  plan's teachers whom the fake TRS knows and the database does not, by a tutor not registering
  someone else at that moment. Every `twice_every`th registration is submitted twice at once,
  alternately by a double-click (one browser, two requests) and from two browsers (two sessions of
  the tutor's, each through the wizard): one of the two must register them, the other must not.
  How the registrations went is written to BENCH_REGISTRATIONS when locust stops. With the plan's
  `tutor_rate`, the tutors together send at most that many requests a second, evenly spaced (each
  waits for the next free moment); without it, each sends again as soon as it is answered.
- `ProviderSync`: a lead provider syncing every participant it has, 3,000 a page, from page 1 to
  the last; how far each got, and in how long, is written to BENCH_SYNCS when locust stops.

A run stops at --run-time, or once it has made the plan's `max_requests`, whichever is first.
"""

import itertools
import json
import os
import re
import time
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.exception import StopUser

with open(os.environ["BENCH_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)

_tokens = {provider: itertools.cycle(tokens) for provider, tokens in PLAN.get("tokens", {}).items()}
_tutors = itertools.cycle(PLAN.get("tutors", []) or [None])
_providers = iter(PLAN.get("syncs", []))
_made = itertools.count(1)


class Pace:
    """The moments the tutors' requests go, shared by all of them: one every 1/rate seconds, each
    request taking the next free one (gevent runs one user at a time, so no lock is needed)."""

    def __init__(self, rate: float):
        self.gap = 1 / rate if rate else 0.0
        self.next = 0.0

    def wait(self, requests: int = 1) -> None:
        if not self.gap:
            return
        now = time.monotonic()
        moment = max(now, self.next)
        self.next = moment + requests * self.gap
        if moment > now:
            gevent.sleep(moment - now)


_pace = Pace(PLAN.get("tutor_rate", 0))


def authorised(provider: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {next(_tokens[provider])}"} if provider else {}


def signed_in(session: str | None) -> dict[str, str]:
    return {"Cookie": f"{PLAN['session_cookie']}={session}"} if session else {}


@events.request.add_listener
def _stop_at_the_most_requests(**_):
    if next(_made) == PLAN["max_requests"]:
        runner = events_environment.runner
        if runner is not None:
            runner.quit()


events_environment = None


@events.init.add_listener
def _keep_environment(environment, **_):
    global events_environment
    events_environment = environment


def expect(user: FastHttpUser, url: str, *, name: str, headers: dict[str, str], status: int = 200) -> None:
    """GET, not following a redirect: any other answer than `status` (a sign-in page, say) is an error."""
    _pace.wait()
    with user.client.get(
        url, name=name, headers=headers, allow_redirects=False, catch_response=True
    ) as answer:
        if answer.status_code != status:
            answer.failure(f"answered {answer.status_code}, not {status}")


class Pages(FastHttpUser):
    wait_time = constant(0)
    fixed_count = PLAN.get("page_clients", 0)
    pages = PLAN.get("pages", [])

    def on_start(self):
        self.turns = itertools.cycle(self.pages)

    @task
    def ask(self):
        page = next(self.turns)
        headers = authorised(page.get("provider")) | signed_in(page.get("session"))
        expect(self, page["url"], name=page["label"], headers=headers)


class Tutor(FastHttpUser):
    wait_time = constant(0)
    fixed_count = PLAN.get("tutor_clients", 0)

    def on_start(self):
        # A second connection, for the second of two requests sent at once (a double-click, or two
        # browsers). Two at once on one FastHttpSession could follow a redirect: it switches following
        # them off for the length of a request, on the session, and back on after.
        self.second_client = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )

    @task
    def round(self):
        register_every = REGISTRATION.get("register_every")
        if register_every and next(_rounds) % register_every == 0 and (registering := next_registration()):
            tutor, teacher, number = registering
            try:
                self.register(tutor, teacher, number)
            finally:
                _tutors_registering.discard(tutor["add"])
            return
        tutor = next(_tutors)
        cookie = signed_in(tutor["session"])
        expect(self, tutor["home"], name="tutor: school home (302 to the year)", headers=cookie, status=302)
        expect(self, tutor["year"], name="tutor: the year's ECTs", headers=cookie)
        expect(self, tutor["ect"], name="tutor: an ECT's page", headers=cookie)

    def register(self, tutor: dict, teacher: dict, number: int) -> None:
        """Register `teacher` at the tutor's school: who to add, each step the wizard asks, check
        answers, then submit and see the confirmation. Every `twice_every`th is submitted twice."""
        first = Browser(self.client, tutor["browsers"][0])
        twice = REGISTRATION["twice_every"] and number % REGISTRATION["twice_every"] == 0
        if not twice:
            if (token := fill_in(first, tutor, teacher)) and submit(first, token, tutor):
                REGISTRATIONS["confirmed"] += 1
                first.ask("GET", tutor["registered"], name=CONFIRMATION, status=200)
            return
        if (number // REGISTRATION["twice_every"]) % 2:
            kind, token = DOUBLE_CLICK, fill_in(first, tutor, teacher)
            second, second_token = first.on(self.second_client), token
        else:
            kind, token = TWO_BROWSERS, fill_in(first, tutor, teacher)
            second = Browser(self.second_client, tutor["browsers"][1])
            second_token = fill_in(second, tutor, teacher) if token else None
        if token and second_token:
            winner = submit_twice(kind, [(first, token), (second, second_token)], tutor)
            if winner:
                winner.ask("GET", tutor["registered"], name=CONFIRMATION, status=200)


# --- Registering an ECT through the wizard, as a browser does it ---------------------------------

REGISTRATION = PLAN.get("registration", {})
_rounds = itertools.count(1)
_to_register = iter(PLAN.get("to_register", []))
_registrations = itertools.count(1)
_registering_turns = itertools.cycle(PLAN.get("tutors", []) or [None])
# The tutors registering someone now (by their school's "add" page): a tutor registers one ECT at a
# time, as a person would (and two registrations in one session would overwrite each other's answers).
_tutors_registering: set[str] = set()
# How the scenario's registrations went, written for bench/load.py (BENCH_REGISTRATIONS) when locust stops.
REGISTRATIONS: dict = {"confirmed": 0, "twice": {}}

STEP_PAGE = "tutor: registration step (GET)"
STEP_ANSWER = "tutor: registration step answered (POST, 302 to the next)"
SUBMITTED = "tutor: registration submitted (POST check answers, 302)"
SUBMITTED_TWICE = "tutor: registration submitted twice at once (each POST)"
CONFIRMATION = "tutor: registration confirmation"
DOUBLE_CLICK = "double-click"
TWO_BROWSERS = "two browsers"
MOST_STEPS = 12  # more pages than the wizard has: it went round in circles
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_MESSAGE = re.compile(r'class="govuk-error-message"[^>]*>\s*(?:<span[^>]*>[^<]*</span>)?\s*([^<]+)')
# Questions answered by choosing one of the options the page offers (the one already chosen, the
# school's last choice, else the first), as a tutor accepting what the service suggests.
CHOSEN_FROM_THE_PAGE = {
    "appropriate-body": "appropriate_body",
    "training-programme": "training_programme",
    "lead-provider": "lead_provider",
}
# The steps a new ECT meets (the others: not found, moving school, cannot be registered).
WIZARD_STEPS_ANSWERED = {
    "find-ect", "confirm-name", "email", "start-date", "working-pattern", "use-previous-choices",
    *CHOSEN_FROM_THE_PAGE,
}  # fmt: skip


def next_registration() -> tuple[dict, dict, int] | None:
    """The next teacher to register and a tutor free to do it; None when there is neither."""
    tutors = PLAN.get("tutors", [])
    for _ in range(len(tutors)):
        tutor = next(_registering_turns)
        if tutor["add"] not in _tutors_registering:
            teacher = next(_to_register, None)
            if teacher is None:
                return None
            _tutors_registering.add(tutor["add"])
            return tutor, teacher, next(_registrations)
    return None


def answers_for(step: str, page: str, teacher: dict) -> dict[str, str]:
    """What the tutor answers on this step of the wizard (one of WIZARD_STEPS_ANSWERED)."""
    day, month, year = teacher["born"]
    start_day, start_month, start_year = REGISTRATION["started_on"]
    typed = {
        "find-ect": {"trn": teacher["trn"], "date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year},
        "confirm-name": {"name_is_right": "yes"},
        "email": {"email": teacher["email"]},
        "start-date": {"started_on_day": start_day, "started_on_month": start_month, "started_on_year": start_year},
        "working-pattern": {"working_pattern": "full_time"},
        "use-previous-choices": {"use_previous_choices": "yes"},
    }  # fmt: skip
    if step in typed:
        return typed[step]
    field = CHOSEN_FROM_THE_PAGE[step]
    return {field: Options(page).choice(field)}


class Options(HTMLParser):
    """The options a page's form offers, per field (radios and selects), and those already chosen."""

    def __init__(self, page: str):
        super().__init__()
        self.offered: dict[str, list[str]] = {}
        self.chosen: dict[str, str] = {}
        self._select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "radio":
            self._offer(attributes.get("name"), attributes.get("value"), "checked" in attributes)
        elif tag == "select":
            self._select = attributes.get("name")
        elif tag == "option" and self._select:
            self._offer(self._select, attributes.get("value"), "selected" in attributes)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def _offer(self, field: str | None, value: str | None, chosen: bool) -> None:
        if field and value:
            self.offered.setdefault(field, []).append(value)
            if chosen:
                self.chosen[field] = value

    def choice(self, field: str) -> str:
        return self.chosen.get(field) or (self.offered.get(field) or [""])[0]


def csrf_token(page: str) -> str:
    found = CSRF_TOKEN.search(page)
    return found.group(1) if found else ""


class Browser:
    """One of a tutor's browsers: the cookies it holds (the session it signed in with, and the CSRF
    cookie the first form sets), sent on one connection. It follows no redirect on its own: it asks
    for the page a redirect names next, so each page is timed as a request of its own."""

    def __init__(self, client: FastHttpSession, session: str, cookies: dict[str, str] | None = None):
        self.client = client
        self.cookies = cookies if cookies is not None else {PLAN["session_cookie"]: session}

    def on(self, client: FastHttpSession) -> "Browser":
        """The same browser (its cookies) sending on another connection: a second click."""
        return Browser(client, "", self.cookies)

    def send(
        self, method: str, url: str, *, name: str, data: dict[str, str] | None = None, paced: bool = True
    ):
        """The request, not yet counted: the caller decides whether its answer is an error."""
        if paced:
            _pace.wait()
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.client.request(
            method, url, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
        )

    def keep_cookies(self, answer) -> None:
        for cookie in answer.headers.getlist("set-cookie") if answer.headers else []:
            key, _, value = cookie.split(";", 1)[0].partition("=")
            if value.strip('"'):
                self.cookies[key.strip()] = value
            else:  # deleted (a session flushed)
                self.cookies.pop(key.strip(), None)

    def ask(self, method: str, url: str, *, name: str, status: int, data=None, problem=None):
        """The answer, or None (counted as an error) when it is not `status`, or `problem(answer)`
        says what is wrong with it."""
        with self.send(method, url, name=name, data=data) as answer:
            self.keep_cookies(answer)
            if answer.status_code != status:
                refused = ERROR_MESSAGE.search(answer.text or "") if answer.status_code == 200 else None
                wrong = f"answered {answer.status_code}, not {status}" + (
                    f": {refused.group(1).strip()}" if refused else ""
                )
            else:
                wrong = problem(answer) if problem else None
            if wrong:
                answer.failure(wrong)
                return None
            return answer


def location(answer) -> str:
    return answer.headers.get("location", "") if answer.headers else ""


def fill_in(browser: Browser, tutor: dict, teacher: dict) -> str | None:
    """From "who do you want to add?" through each step the wizard asks to check answers; check
    answers' CSRF token, or None when a request went wrong (counted as an error). (An answer with
    no body is falsy: hence `is None`.)"""
    page = browser.ask("GET", tutor["add"], name=STEP_PAGE, status=200)
    if page is None:
        return None
    answer = browser.ask(
        "POST", tutor["add"], name=STEP_ANSWER, status=302,
        data={"csrfmiddlewaretoken": csrf_token(page.text), "who": "ect"},
    )  # fmt: skip
    if answer is None:
        return None
    # The registration's start: a fresh journey, redirected to its first step.
    start = browser.ask("GET", location(answer), name=STEP_PAGE, status=302)
    if start is None:
        return None
    url = location(start)
    for turn in range(1, MOST_STEPS + 1):
        step = url.rstrip("/").rsplit("/", 1)[-1]
        wrong = None
        if step not in WIZARD_STEPS_ANSWERED and step != "check-answers":
            wrong = f"the wizard stopped at {step!r}"
        elif turn == MOST_STEPS and step != "check-answers":
            wrong = f"still not at check answers after {MOST_STEPS} pages"
        page = browser.ask(
            "GET", url, name=STEP_PAGE, status=200, problem=(lambda _, wrong=wrong: wrong) if wrong else None
        )
        if page is None:
            return None
        if step == "check-answers":
            return csrf_token(page.text)
        answers = answers_for(step, page.text, teacher)
        answer = browser.ask(
            "POST", url, name=STEP_ANSWER, status=302, data={"csrfmiddlewaretoken": csrf_token(page.text), **answers}
        )  # fmt: skip
        if answer is None:
            return None
        url = location(answer)
    return None


def submit(browser: Browser, token: str, tutor: dict) -> bool:
    """Submit check answers: the registration is made when it answers with the confirmation."""

    def not_confirmed(answer):
        where = location(answer)
        return None if where == tutor["registered"] else f"sent to {where}, not the confirmation"

    answer = browser.ask(
        "POST", tutor["check_answers"], name=SUBMITTED, status=302,
        data={"csrfmiddlewaretoken": token}, problem=not_confirmed,
    )  # fmt: skip
    return answer is not None


def submit_twice(kind: str, submissions: list[tuple[Browser, str]], tutor: dict) -> Browser | None:
    """Submit check answers from each (browser, token) at the same moment. One must answer with the
    confirmation; the other must not register them again: refused (409, already registered), or
    sent back into the wizard (its answers were already cleared). The browser that registered them."""
    _pace.wait(len(submissions))  # both in one moment: they are sent at once
    sent = [
        gevent.spawn(browser.send, "POST", tutor["check_answers"], name=SUBMITTED_TWICE, data={"csrfmiddlewaretoken": token}, paced=False)
        for browser, token in submissions
    ]  # fmt: skip
    gevent.joinall(sent)
    answers = [request.value for request in sent]
    outcomes = [outcome_of(answer, tutor) for answer in answers]
    registered = [
        browser
        for (browser, _), outcome in zip(submissions, outcomes, strict=True)
        if outcome == "registered"
    ]
    for (browser, _), answer, outcome in zip(submissions, answers, outcomes, strict=True):
        with answer:  # counted now, each as what it should have been (a 409 included)
            browser.keep_cookies(answer)
            if outcome not in ("registered", "refused (409)", "sent back into the wizard"):
                answer.failure(outcome)
            elif outcome == "registered" and browser is not registered[0]:
                answer.failure("registered them a second time")
            elif not registered:
                answer.failure("neither submission registered them")
            else:
                answer.success()
    REGISTRATIONS["confirmed"] += len(registered)
    counted = REGISTRATIONS["twice"].setdefault(kind, Counter())
    counted[" + ".join(sorted(outcomes))] += 1
    return registered[0] if registered else None


def outcome_of(answer, tutor: dict) -> str:
    where = location(answer)
    if answer.status_code == 302 and where == tutor["registered"]:
        return "registered"
    if answer.status_code == 409:
        return "refused (409)"
    if answer.status_code == 302 and "/register/" in where:
        return "sent back into the wizard"
    return f"answered {answer.status_code} {where}".strip()


@events.quitting.add_listener
def _write_registrations(**_):
    if os.environ.get("BENCH_REGISTRATIONS"):
        with open(os.environ["BENCH_REGISTRATIONS"], "w") as out:
            json.dump(REGISTRATIONS, out)


# Each provider's sync as it stands: written for bench/load.py (BENCH_SYNCS) when locust stops.
SYNCS: dict[str, dict] = {}


@events.quitting.add_listener
def _write_syncs(**_):
    if os.environ.get("BENCH_SYNCS"):
        with open(os.environ["BENCH_SYNCS"], "w") as out:
            json.dump(SYNCS, out)


class ProviderSync(FastHttpUser):
    wait_time = constant(0)
    fixed_count = len(PLAN.get("syncs", []))

    def on_start(self):
        provider = next(_providers)
        self.progress = SYNCS[provider["name"]] = {
            **provider,
            "pages_done": 0,
            "seconds": None,
            "error": None,
        }
        self.started = time.perf_counter()

    @task
    def sync(self):
        progress = self.progress
        for number in range(1, progress["pages"] + 1):
            with self.client.get(
                f"{progress['url']}&page[page]={number}",
                name="sync: a page of 3,000",
                headers=authorised(progress["name"]),
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    progress["error"] = f"page {number} answered {response.status_code}"
                    response.failure(progress["error"])
                    raise StopUser()
            progress["pages_done"] = number
            progress["elapsed"] = time.perf_counter() - self.started
        progress["seconds"] = time.perf_counter() - self.started
        raise StopUser()
