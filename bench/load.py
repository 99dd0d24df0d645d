"""The load benchmark: the app served as production serves it, driven over HTTP by locust.

It serves the project with gunicorn and the production settings (gunicorn.conf.py, DEBUG off,
static files collected and served by WhiteNoise) on 127.0.0.1 only, against the database in
DATABASE_URL, which must be named *_bench and hold the England seed (bench/seed_england.py). It
signs in induction tutors the way a browser holds it (a user, their school access and a session
row; locust sends the session cookie) and makes lead providers real API tokens
(api.services.create_token). Then, for each scenario asked for, it runs locust headless
(bench/load_users.py), bounded in time and in requests, while it samples the memory of gunicorn's
master and workers; and prints one table: p50, p95 and p99, requests a second, errors and the
server's peak memory, with the machine's load average.

    .venv/bin/python bench/load.py                      # every scenario, one after another
    .venv/bin/python bench/load.py --scenario rush      # one (or several: repeat the flag)
    .venv/bin/python bench/load.py --list               # the scenarios

What it makes stays for the next run (the tutors, their school access, a support user); what it
made for this run only (sessions, tokens and the calls they made, the changes a poll finds) it
removes or undoes at the end.
"""

import argparse
import contextlib
import csv
import datetime
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The orchestrator and the server must share the secret key: the session rows made here are
# signed with it, and a signed-in session holds a hash made with it.
os.environ["SECRET_KEY"] = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)

from common import refusal_unless_bench_database  # noqa: E402 - sets Django up
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from api import queries as api_queries  # noqa: E402
from api.models import APIRequest, LeadProviderToken  # noqa: E402
from api.services import create_token  # noqa: E402
from core import clock  # noqa: E402
from core.sessions import SAVED_AT  # noqa: E402
from finance.models import Declaration  # noqa: E402
from participants.models import ECTAtSchoolPeriod, Teacher  # noqa: E402
from providers.models import LeadProvider  # noqa: E402
from schools.models import School, SchoolAccess, SchoolRole  # noqa: E402

HOST = "127.0.0.1"
BENCH_EMAIL_DOMAIN = "load.bench.example.com"
TOKEN_NAME = "load benchmark"
TOKENS_PER_PROVIDER = 8  # calls spread over several, so no run meets the rate limit (1,000 in 5 minutes)
POLL_CHANGES = 500  # participants changed for the updated_since poll to find
RUSH_TUTORS = 200
RUSH_CLIENTS = 50


@dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    seconds: int
    max_requests: int
    page_clients: int = 0
    tutor_clients: int = 0
    syncs: bool = False
    pages: str = ""  # which pages Pages asks for (see pages_for)


SCENARIOS = [
    Scenario("participants-100", "participants, 100 a page: first, middle, last page; 1 client", 30, 3000, 1, pages="participants-100"),
    Scenario("participants-100-x4", "the same, 4 clients at once", 30, 3000, 4, pages="participants-100"),
    Scenario("participants-3000", "participants, 3,000 a page: first, middle, last; 1 client", 40, 300, 1, pages="participants-3000"),
    Scenario("participants-3000-x4", "the same, 4 clients at once", 40, 300, 4, pages="participants-3000"),
    Scenario("participants-poll", "filter[updated_since] poll, 100 a page (500 changed); 1 client", 20, 3000, 1, pages="poll"),
    Scenario("participants-poll-x4", "the same, 4 clients at once", 20, 3000, 4, pages="poll"),
    Scenario("declarations-100", "declarations, 100 a page, page 1; 1 client", 20, 3000, 1, pages="declarations-100"),
    Scenario("declarations-3000", "declarations, 3,000 a page, page 1; 1 client", 30, 300, 1, pages="declarations-3000"),
    Scenario("school-year", "the largest school's year page (its ECTs); 1 client", 20, 3000, 1, pages="school-year"),
    Scenario("rush", f"September rush: {RUSH_TUTORS} tutors, {RUSH_CLIENTS} connections", 60, 30000, tutor_clients=RUSH_CLIENTS),
    Scenario("rush-sync", "the rush while 7 providers sync all participants, 3,000 a page", 120, 60000, tutor_clients=RUSH_CLIENTS, syncs=True),
]  # fmt: skip
BY_NAME = {s.name: s for s in SCENARIOS}


# --- What the users need: tutors signed in, tokens, pages ------------------------------------------


def bench_user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, full_name=full_name, privacy_notice_accepted_at=clock.now())
    return user


def signed_in_session(user: User) -> str:
    """A session row as signing in leaves it (core.sessions stamps when it was saved); its key is
    the cookie a browser then holds."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SAVED_AT] = int(clock.now().timestamp())
    session.create()
    return session.session_key


def schools_for_the_rush(year: int, how_many: int) -> list[tuple[School, int]]:
    """The schools with the most ECTs in `year` (the rush is those with ECTs to register and see),
    each with one of those ECTs' periods, for its page."""
    start, end = (
        clock.academic_year_start(year),
        clock.academic_year_start(year + 1) - datetime.timedelta(days=1),
    )
    in_year = Q(ect_at_school_periods__started_on__lte=end) & (
        Q(ect_at_school_periods__finished_on__isnull=True) | Q(ect_at_school_periods__finished_on__gte=start)
    )
    schools = list(
        School.objects.annotate(ects=Count("ect_at_school_periods", filter=in_year))
        .filter(ects__gt=0)
        .order_by("-ects", "urn")[:how_many]
    )
    periods = {}
    for period in (
        ECTAtSchoolPeriod.objects.filter(school__in=schools, started_on__lte=end)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=start))
        .order_by("school_id", "started_on", "id")
    ):
        periods.setdefault(period.school_id, period.pk)
    return [(school, periods[school.pk]) for school in schools]


def tutor_of(school: School) -> User:
    """The school's induction tutor for the benchmark (made once, kept for later runs)."""
    user = bench_user(f"tutor.{school.urn}@{BENCH_EMAIL_DOMAIN}", "Load Bench Tutor")
    if not SchoolAccess.objects.filter(user=user, school=school, ended_at__isnull=True).exists():
        SchoolAccess.objects.filter(
            school=school, role=SchoolRole.INDUCTION_TUTOR, ended_at__isnull=True
        ).update(ended_at=clock.now())
        SchoolAccess.objects.create(user=user, school=school, role=SchoolRole.INDUCTION_TUTOR)
    return user


@dataclass
class Made:
    """What this run made, to remove or undo at the end."""

    sessions: list[str] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)


def prepare(made: Made, wanted: list[Scenario]) -> dict:
    """The plan every scenario's users draw on (bench/load_users.py)."""
    year = clock.academic_year_of(clock.today())
    staff = bench_user(f"support@{BENCH_EMAIL_DOMAIN}", "Load Bench Support")
    providers = list(LeadProvider.objects.order_by("name"))
    plan: dict = {"session_cookie": settings.SESSION_COOKIE_NAME, "tokens": {}, "tutors": [], "year": year}

    print("Counting each provider's participants and declarations ...", flush=True)
    counts = {p.name: api_queries.participants(p).count() for p in providers}
    declarations = {p.name: Declaration.objects.filter(lead_provider=p).count() for p in providers}
    largest = max(providers, key=lambda p: counts[p.name])
    most_declarations = max(providers, key=lambda p: declarations[p.name])
    plan["largest_provider"] = {"name": largest.name, "participants": counts[largest.name]}
    plan["most_declarations"] = {
        "name": most_declarations.name,
        "declarations": declarations[most_declarations.name],
    }
    with transaction.atomic():
        for provider in providers:
            plan["tokens"][provider.name] = []
            for n in range(TOKENS_PER_PROVIDER):
                token, row = create_token(
                    lead_provider=provider, name=f"{TOKEN_NAME} {n + 1}", created_by=staff
                )
                plan["tokens"][provider.name].append(token)
                made.tokens.append(row.pk)

    participants = "/api/v3/participants"
    for per_page in (100, 3000):
        last = math.ceil(counts[largest.name] / per_page)
        plan[f"participants-{per_page}"] = [
            {"label": f"participants {per_page}/page, page {n} ({where})", "url": f"{participants}?{urlencode({'page[per_page]': per_page, 'page[page]': n})}", "provider": largest.name}
            for n, where in ((1, "first"), ((last + 1) // 2, "middle"), (last, "last"))
        ]  # fmt: skip
    for per_page in (100, 3000):
        query = urlencode({"page[per_page]": per_page})
        plan[f"declarations-{per_page}"] = [
            {"label": f"declarations {per_page}/page, page 1", "url": f"/api/v3/participant-declarations?{query}", "provider": most_declarations.name}
        ]  # fmt: skip
    if any(s.pages == "poll" for s in wanted):
        since = change_participants(largest, POLL_CHANGES, made)
        query = urlencode({"page[per_page]": 100, "filter[updated_since]": since.isoformat()})
        plan["poll"] = [{"label": f"updated_since poll, 100/page ({POLL_CHANGES} changed)", "url": f"{participants}?{query}", "provider": largest.name}]  # fmt: skip
    plan["syncs"] = [
        {"name": p.name, "participants": counts[p.name], "pages": max(1, math.ceil(counts[p.name] / 3000)),
         "url": f"{participants}?{urlencode({'page[per_page]': 3000})}"}
        for p in providers
    ]  # fmt: skip

    if any(s.tutor_clients for s in wanted) or any(s.pages == "school-year" for s in wanted):
        print(f"Signing in {RUSH_TUTORS} induction tutors ...", flush=True)
        with transaction.atomic():
            for school, period in schools_for_the_rush(year, RUSH_TUTORS):
                session = signed_in_session(tutor_of(school))
                made.sessions.append(session)
                plan["tutors"].append(
                    {
                        "school": school.name,
                        "session": session,
                        "home": reverse("school_home", kwargs={"urn": school.urn}),
                        "year": reverse("school_year", kwargs={"urn": school.urn, "year": year}),
                        "ect": reverse("ect_page", kwargs={"urn": school.urn, "period_id": period}),
                    }
                )
        # The first is the school with the most ECTs this year: its year page is the largest.
        largest_school = plan["tutors"][0]
        plan["school-year"] = [
            {"label": f"year page, largest school ({largest_school['school']})", "url": largest_school["year"], "session": largest_school["session"]}
        ]  # fmt: skip
    return plan


def change_participants(provider: LeadProvider, how_many: int, made: Made) -> datetime.datetime:
    """Change some of the provider's participants (a corrected name, which the API shows), as a
    poll finds them; the moment before. Undone at the end."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (before,) = cursor.fetchone()
    ids = list(api_queries.participants(provider).order_by("?").values_list("pk", flat=True)[:how_many])
    with transaction.atomic():
        for teacher in Teacher.objects.filter(pk__in=ids, corrected_name=""):
            teacher.corrected_name = f"{teacher.trs_first_name} {teacher.trs_last_name} (load bench)"
            teacher.save(update_fields=["corrected_name"])
            made.changed.append(teacher.pk)
    return before


def tidy_up(made: Made) -> None:
    with transaction.atomic():
        APIRequest.objects.filter(token_id__in=made.tokens).delete()
        LeadProviderToken.objects.filter(pk__in=made.tokens).delete()
        Session.objects.filter(session_key__in=made.sessions).delete()
        for teacher in Teacher.objects.filter(pk__in=made.changed):
            teacher.corrected_name = ""
            teacher.save(update_fields=["corrected_name"])


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_environment(port: int, access_log: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecf.settings.production",
        "ALLOWED_HOSTS": HOST,
        "SERVICE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback address, no proxy in front
        # Nothing in the scenarios looks a teacher up or sends an email: addresses that answer nothing.
        "TRS_API_URL": "http://127.0.0.1:9",
        "TRS_API_KEY": "load-bench",
        "NOTIFY_BASE_URL": "http://127.0.0.1:9",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
    }


def collect_static(environment: dict[str, str]) -> None:
    print("collectstatic with the production storage ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], port: int, workers: int | None, threads: int | None, log: Path):
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    if threads:
        environment["GUNICORN_THREADS"] = str(threads)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "ecf.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthcheck", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthcheck within 60 s")
            time.sleep(0.3)
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


class MemorySampler:
    """The resident memory of gunicorn's master and workers, sampled every 0.2 s: the peak of their
    sum, and each worker's growth over what it held when the scenario started."""

    def __init__(self, pid: int):
        import psutil

        self.psutil = psutil
        self.master = psutil.Process(pid)
        self.peak_total = 0
        self.start_rss: dict[int, int] = {}
        self.peak_rss: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[int, int]:
        rss = {}
        for process in [self.master, *self.master.children(recursive=True)]:
            with contextlib.suppress(self.psutil.Error):
                rss[process.pid] = process.memory_info().rss
        return rss

    def _run(self):
        while not self._stop.wait(0.2):
            rss = self._sample()
            self.peak_total = max(self.peak_total, sum(rss.values()))
            for pid, value in rss.items():
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), value)

    def __enter__(self):
        self.start_rss = self._sample()
        self.peak_total = sum(self.start_rss.values())
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    @property
    def worker_growth(self) -> int:
        workers = [pid for pid in self.peak_rss if pid != self.master.pid]
        return max(
            (self.peak_rss[pid] - self.start_rss.get(pid, self.peak_rss[pid]) for pid in workers), default=0
        )


# --- Running a scenario ---------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    request: str
    clients: int
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    per_second: float


@dataclass
class Result:
    scenario: Scenario
    rows: list[Row]
    peak_mb: float
    worker_growth_mb: float
    load: tuple[float, float, float]
    seconds: float


def warm_up(port: int, plan: dict, scenario: Scenario) -> None:
    """Each page asked a few times first (templates compiled, every worker's caches and connection
    made, PostgreSQL's buffers filled), so the figures are of a server already running."""
    pages = plan.get(scenario.pages, []) if scenario.pages else []
    if scenario.tutor_clients:
        pages = [{"url": t["year"], "session": t["session"]} for t in plan["tutors"][:6]] + [
            {"url": t["ect"], "session": t["session"]} for t in plan["tutors"][:6]
        ]
    for page in pages:
        headers = {}
        if page.get("provider"):
            headers["Authorization"] = f"Bearer {plan['tokens'][page['provider']][0]}"
        if page.get("session"):
            headers["Cookie"] = f"{plan['session_cookie']}={page['session']}"
        for _ in range(2 if "3000" in page["url"] else 4):
            request = urllib.request.Request(f"http://{HOST}:{port}{page['url']}", headers=headers)
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
                if answer.geturl() != request.full_url:  # followed a redirect: not signed in?
                    raise SystemExit(f"{page['url']} redirected to {answer.geturl()}")


def run(scenario: Scenario, plan: dict, port: int, server_pid: int, folder: Path) -> Result:
    scenario_plan = {
        **plan,
        "max_requests": scenario.max_requests,
        "page_clients": scenario.page_clients,
        "tutor_clients": scenario.tutor_clients,
        "pages": plan.get(scenario.pages, []) if scenario.pages else [],
        "syncs": plan["syncs"] if scenario.syncs else [],
    }
    plan_file = folder / f"{scenario.name}.json"
    plan_file.write_text(json.dumps(scenario_plan))
    users = []
    if scenario.page_clients:
        users.append("Pages")
    if scenario.tutor_clients:
        users.append("Tutor")
    if scenario.syncs:
        users.append("ProviderSync")
    clients = scenario.page_clients + scenario.tutor_clients + (len(plan["syncs"]) if scenario.syncs else 0)
    warm_up(port, plan, scenario)
    load_before = os.getloadavg()
    prefix = folder / scenario.name
    syncs_file = folder / f"{scenario.name}-syncs.json"
    started = time.monotonic()
    with MemorySampler(server_pid) as memory:
        finished = subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
                "--host", f"http://{HOST}:{port}", "-u", str(clients), "-r", str(clients),
                "--run-time", f"{scenario.seconds}s", "--stop-timeout", "5", "--csv", str(prefix),
                "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0", *users,
            ],
            cwd=ROOT, env={**os.environ, "BENCH_PLAN": str(plan_file), "BENCH_SYNCS": str(syncs_file)},
            capture_output=True, text=True,
        )  # fmt: skip
    elapsed = time.monotonic() - started
    load = os.getloadavg()
    if finished.returncode != 0:
        print(finished.stdout[-2000:], finished.stderr[-3000:])
        raise SystemExit(f"locust failed on {scenario.name}")
    rows = []
    with open(f"{prefix}_stats.csv") as stats:
        for line in csv.DictReader(stats):
            if line["Name"] == "Aggregated" and len(rows) < 2:
                continue
            rows.append(
                Row(
                    scenario=scenario.name,
                    request=line["Name"],
                    clients=clients,
                    requests=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    p50=float(line["50%"] or 0),
                    p95=float(line["95%"] or 0),
                    p99=float(line["99%"] or 0),
                    per_second=float(line["Requests/s"] or 0),
                )
            )
    if scenario.syncs:
        syncs = json.loads(syncs_file.read_text())
        for name, sync in sorted(syncs.items(), key=lambda item: -item[1]["participants"]):
            if sync["seconds"] is not None:
                took, failures = sync["seconds"] * 1000, 0
                what = f"sync: all {sync['participants']:,} of {name} ({sync['pages']} pages)"
            else:
                took, failures = sync.get("elapsed", 0) * 1000, 1
                what = (
                    f"sync: {name}, UNFINISHED at the end: {sync['pages_done']} of {sync['pages']} pages "
                    f"({sync['participants']:,}){', ' + sync['error'] if sync['error'] else ''}"
                )
            rows.append(Row(scenario.name, what, 1, sync["pages_done"], failures, took, took, took, 0))
    return Result(
        scenario=scenario,
        rows=rows,
        peak_mb=memory.peak_total / 2**20,
        worker_growth_mb=memory.worker_growth / 2**20,
        load=tuple(max(a, b) for a, b in zip(load_before, load, strict=True)),
        seconds=elapsed,
    )


def milliseconds(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def table(results: list[Result]) -> str:
    lines = [
        "| scenario | request | clients | requests | p50 | p95 | p99 | req/s | errors | server peak RSS | worker growth | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for n, row in enumerate(result.rows):
            first = n == 0
            lines.append(
                f"| {result.scenario.name if first else ''} | {row.request} | {row.clients} | {row.requests:,} "
                f"| {milliseconds(row.p50)} | {milliseconds(row.p95)} | {milliseconds(row.p99)} "
                f"| {row.per_second:.1f} | {row.failures} "
                f"| {f'{result.peak_mb:,.0f} MB' if first else ''} | {f'{result.worker_growth_mb:,.0f} MB' if first else ''} "
                f"| {' / '.join(f'{x:.1f}' for x in result.load) if first else ''} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", action="append", choices=list(BY_NAME), help="run this one (repeat for more)"
    )
    parser.add_argument("--seconds", type=int, help="each scenario this long instead of its own length")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's unless told)")
    parser.add_argument("--threads", type=int, help="threads a worker (gunicorn.conf.py's unless told)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    args = parser.parse_args()
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:<22} {s.seconds:>4} s  {s.about}")
        return 0

    if refusal := refusal_unless_bench_database():
        print(refusal)
        return 2
    if not Teacher.objects.exists():
        print("The database has no teachers: build the England data set first (bench/seed_england.py).")
        return 2
    wanted = [BY_NAME[name] for name in args.scenario] if args.scenario else SCENARIOS
    if args.seconds:
        wanted = [Scenario(**{**s.__dict__, "seconds": args.seconds}) for s in wanted]

    made = Made()
    results: list[Result] = []
    try:
        plan = prepare(made, wanted)
        connection.close()
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="load-bench-") as scratch:
            folder = Path(scratch)
            environment = server_environment(port, folder / "access.log")
            collect_static(environment)
            with gunicorn(environment, port, args.workers, args.threads, folder / "gunicorn.log") as server:
                print(f"gunicorn (production settings) on http://{HOST}:{port}, pid {server.pid}", flush=True)
                for scenario in wanted:
                    print(
                        f"- {scenario.name}: {scenario.about} ({scenario.seconds} s at most) ...", flush=True
                    )
                    results.append(run(scenario, plan, port, server.pid, folder))
                    print("\n".join(table(results[-1:]).splitlines()[2:]), flush=True)
    finally:
        tidy_up(made)

    print()
    print(f"{Teacher.objects.count():,} teachers; {plan['largest_provider']['name']} has "
          f"{plan['largest_provider']['participants']:,} participants; {plan['most_declarations']['name']} "
          f"{plan['most_declarations']['declarations']:,} declarations; {len(plan['tutors'])} tutors signed in")  # fmt: skip
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
