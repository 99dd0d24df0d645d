"""The simulated users of the load benchmark: a locustfile that bench/load.py runs headless, once a
scenario. Everything they need (addresses, tokens, session cookies) is in the plan bench/load.py
writes as JSON, named by BENCH_PLAN; nothing here touches the database.

- `Pages`: asks for the plan's pages in turn, as fast as answers come (an API client paging, or
  someone clicking through one page again and again), each with its provider's token when it is
  an API page.
- `Tutor`: an induction tutor in the September rush, signed in (the session cookie a browser holds
  after signing in): their school's home (a redirect to the year), the year's ECTs, then one
  ECT's page. Each round is the next of the plan's tutors.
- `ProviderSync`: a lead provider syncing every participant it has, 3,000 a page, from page 1 to
  the last; how far each got, and in how long, is written to BENCH_SYNCS when locust stops.

A run stops at --run-time, or once it has made the plan's `max_requests`, whichever is first.
"""

import itertools
import json
import os
import time

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

with open(os.environ["BENCH_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)

_tokens = {provider: itertools.cycle(tokens) for provider, tokens in PLAN.get("tokens", {}).items()}
_tutors = itertools.cycle(PLAN.get("tutors", []) or [None])
_providers = iter(PLAN.get("syncs", []))
_made = itertools.count(1)


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

    @task
    def round(self):
        tutor = next(_tutors)
        cookie = signed_in(tutor["session"])
        expect(self, tutor["home"], name="tutor: school home (302 to the year)", headers=cookie, status=302)
        expect(self, tutor["year"], name="tutor: the year's ECTs", headers=cookie)
        expect(self, tutor["ect"], name="tutor: an ECT's page", headers=cookie)


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
