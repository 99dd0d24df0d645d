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

In the rush, tutors also register ECTs through the registration wizard, over HTTP as a browser
does (bench/load_users.py). The service looks each teacher up in a fake TRS (participants/trs/fake.py)
that this script serves beside gunicorn, with teachers it makes up for the run: TRNs the database
does not hold. After each such scenario it counts the registrations the database holds and the
duplicates among them.

    .venv/bin/python bench/load.py                      # every scenario, one after another
    .venv/bin/python bench/load.py --scenario rush      # one (or several: repeat the flag)
    .venv/bin/python bench/load.py --list               # the scenarios

What it makes stays for the next run (the tutors, their school access, a support user); what it
made for this run only (sessions, tokens and the calls they made, the changes a poll finds, the
ECTs registered) it removes or undoes at the end.
"""

import argparse
import ast
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
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from api import queries as api_queries  # noqa: E402
from api.models import APIRequest, LeadProviderToken, ParticipantListing  # noqa: E402
from api.services import create_token  # noqa: E402
from audit.models import Event  # noqa: E402
from core import clock  # noqa: E402
from core.sessions import SAVED_AT, SessionStore  # noqa: E402
from emails.models import Email  # noqa: E402
from emails.services import SEND_EMAIL_TASK  # noqa: E402
from finance.models import Declaration  # noqa: E402
from participants.models import ECTAtSchoolPeriod, Teacher, TrainingPeriod  # noqa: E402
from participants.trs.fake import RECORDS_WRITTEN_IN, load_fake_teachers  # noqa: E402
from providers import queries as provider_queries  # noqa: E402
from providers.models import LeadProvider  # noqa: E402
from schools.models import School, SchoolAccess, SchoolRole  # noqa: E402

HOST = "127.0.0.1"
BENCH_EMAIL_DOMAIN = "load.bench.example.com"
TOKEN_NAME = "load benchmark"
TOKENS_PER_PROVIDER = (
    64  # calls spread over many, so no run meets the rate limit (1,000 a token in 5 minutes)
)
POLL_CHANGES = 500  # participants changed for the updated_since poll to find
RUSH_TUTORS = 200
RUSH_CLIENTS = 50
# The rush flat out (`rush`: each connection asks again as soon as it is answered) measures how many
# requests a second the server can answer; its latency is then its queue (50 connections over the
# requests a second). `rush-150` sends the same requests at the target's rate, spread evenly.
RUSH_RATE = 150
# In the rush, every REGISTER_EVERYth tutor round registers an ECT through the wizard instead of
# reading; every TWICE_EVERYth registration is submitted twice at once (a double-click, or two browsers).
REGISTER_EVERY = 5
TWICE_EVERY = 5
# Requests a registration makes (who to add, 6 steps, check answers, submit, confirmation): with
# REGISTER_EVERY - 1 reading rounds of 3, how a scenario's request budget bounds its registrations.
REQUESTS_A_REGISTRATION = 18
# Teachers registered in a run are made up: TRNs from here on that the database does not hold, an
# email address at this domain (by which the registrations are found and removed at the end).
FIRST_MADE_UP_TRN = 8_700_000
REGISTERED_EMAIL_DOMAIN = f"registered.{BENCH_EMAIL_DOMAIN}"


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
    tutor_rate: int = 0  # the tutors' requests a second, all together; 0: as fast as answers come


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
    Scenario("rush-150", f"the rush at {RUSH_RATE} requests a second: {RUSH_TUTORS} tutors, {RUSH_CLIENTS} connections", 60, 30000, tutor_clients=RUSH_CLIENTS, tutor_rate=RUSH_RATE),
    Scenario("rush-sync", f"the rush at {RUSH_RATE} requests a second while 7 providers sync all participants, 3,000 a page", 120, 60000, tutor_clients=RUSH_CLIENTS, tutor_rate=RUSH_RATE, syncs=True),
]  # fmt: skip
BY_NAME = {s.name: s for s in SCENARIOS}


# --- What the users need: tutors signed in, tokens, pages ------------------------------------------


def bench_user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, full_name=full_name, privacy_notice_accepted_at=clock.now())
    return user


def signed_in_session(user: User) -> str:
    """A session as signing in leaves it (core.sessions stamps when it was saved), in the database
    and the cache; its key is the cookie a browser then holds."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
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
    # The registering schools' last choices (offered to their next registration), as they were.
    schools_choices: dict[int, tuple] = field(default_factory=dict)


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
                tutor = tutor_of(school)
                # A session to read in, and two browsers to register in (two tabs would share one).
                session, *browsers = (signed_in_session(tutor) for _ in range(3))
                made.sessions.extend([session, *browsers])
                made.schools_choices[school.pk] = last_choices(school)
                urn = school.urn
                plan["tutors"].append(
                    {
                        "school": school.name,
                        "session": session,
                        "home": reverse("school_home", kwargs={"urn": urn}),
                        "year": reverse("school_year", kwargs={"urn": urn, "year": year}),
                        "ect": reverse("ect_page", kwargs={"urn": urn, "period_id": period}),
                        "browsers": browsers,
                        "add": reverse("who_to_add", kwargs={"urn": urn}),
                        "find_ect": reverse("register_ect", kwargs={"urn": urn, "step": "find-ect"}),
                        "check_answers": reverse(
                            "register_ect", kwargs={"urn": urn, "step": "check-answers"}
                        ),
                        "registered": reverse("ect_registered", kwargs={"urn": urn}),
                    }
                )
        # The first is the school with the most ECTs this year: its year page is the largest.
        largest_school = plan["tutors"][0]
        plan["school-year"] = [
            {"label": f"year page, largest school ({largest_school['school']})", "url": largest_school["year"], "session": largest_school["session"]}
        ]  # fmt: skip
    if registering := [s for s in wanted if s.tutor_clients]:
        plan_registrations(plan, registering)
    return plan


def last_choices(school: School) -> tuple:
    return (
        school.last_chosen_training_programme,
        school.last_chosen_appropriate_body_id,
        school.last_chosen_lead_provider_id,
    )


def plan_registrations(plan: dict, scenarios: list[Scenario]) -> None:
    """Teachers for the tutors to register, enough for each scenario's request budget (each
    scenario its own: a TRN is registered once): made up, with TRNs the database does not hold,
    for the fake TRS to serve. They start today, which must be open for registration."""
    today = clock.today()
    registration = provider_queries.registration_for_start(today)
    if not registration.is_open:
        raise SystemExit(f"Registration for ECTs starting today ({today}) is not open: {registration}")
    plan["registration"] = {
        "register_every": REGISTER_EVERY,
        "twice_every": TWICE_EVERY,
        "started_on": [str(today.day), str(today.month), str(today.year)],
    }
    wanted = {
        s.name: math.ceil(s.max_requests / ((REGISTER_EVERY - 1) * 3 + REQUESTS_A_REGISTRATION))
        for s in scenarios
    }
    trns = iter(unregistered_trns(sum(wanted.values())))
    plan["to_register"] = {}
    for name, how_many in wanted.items():
        plan["to_register"][name] = []
        for _ in range(how_many):
            trn = next(trns)
            born = datetime.date(1990, 1, 1) + datetime.timedelta(days=int(trn) % 3650)
            plan["to_register"][name].append(
                {
                    "trn": trn,
                    "born": [str(born.day), str(born.month), str(born.year)],
                    "email": f"ect.{trn}@{REGISTERED_EMAIL_DOMAIN}",
                }
            )


def unregistered_trns(how_many: int) -> list[str]:
    """`how_many` TRNs from FIRST_MADE_UP_TRN on that no teacher in the database has."""
    trns: list[str] = []
    start = FIRST_MADE_UP_TRN
    while len(trns) < how_many:
        candidates = [str(n) for n in range(start, start + how_many)]
        taken = set(Teacher.objects.filter(trn__in=candidates).values_list("trn", flat=True))
        trns.extend(trn for trn in candidates if trn not in taken)
        start += how_many
    return trns[:how_many]


def fake_trs_teachers(plan: dict) -> dict:
    """The teachers to register as the fake TRS serves them (the shape of its fake_teachers.json):
    its everyday teacher's record, as a new ECT (QTS last summer, induction not started), under each
    made-up TRN, name and date of birth."""
    shape = load_fake_teachers()[0].record
    teachers = []
    for teacher in (t for planned in plan.get("to_register", {}).values() for t in planned):
        day, month, year = (int(part) for part in teacher["born"])
        record = {
            **shape,
            "trn": teacher["trn"],
            "firstName": "Bench",
            "middleName": "",
            "lastName": f"Registrant {teacher['trn']}",
            "dateOfBirth": datetime.date(year, month, day).isoformat(),
            "nationalInsuranceNumber": None,
            "qts": {**shape["qts"], "holdsFrom": f"{RECORDS_WRITTEN_IN}-07-15"},
            "induction": {"status": "RequiredToComplete", "startDate": None, "completedDate": None, "exemptionReasons": []},
        }  # fmt: skip
        teachers.append({"record": record})
    return {"teachers": teachers}


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
        for key in made.sessions:  # from the cache as well as the database
            SessionStore(key).delete()
        for teacher in Teacher.objects.filter(pk__in=made.changed):
            teacher.corrected_name = ""
            teacher.save(update_fields=["corrected_name"])
    remove_registrations(made)


def registrations_made(trns: list[str]) -> tuple[int, int, list[str]]:
    """Of these TRNs, how many are registered as ECTs, and how many ECT periods there are beyond
    one a TRN: a teacher registered twice (at one school or two), or two teachers with one TRN.
    The database refuses both (a unique TRN, and no overlapping ECT periods for one teacher), so
    a duplicate would take a registration that does not overlap the first one."""
    periods = ECTAtSchoolPeriod.objects.filter(teacher__trn__in=trns)
    registered = periods.values("teacher__trn").distinct().count()
    return registered, periods.count() - registered, duplicated(periods)


def duplicated(periods) -> list[str]:
    """Each TRN with more than one ECT period, and its periods: what a duplicate count stands for."""
    twice = periods.values("teacher__trn").annotate(n=Count("pk")).filter(n__gt=1).values("teacher__trn")
    return [
        f"TRN {trn}: teacher {teacher}, school {urn}, {started} to {finished or 'now'}, saved {created:%H:%M:%S.%f}"
        for trn, teacher, urn, started, finished, created in periods.filter(teacher__trn__in=twice)
        .order_by("teacher__trn", "created_at")
        .values_list("teacher__trn", "teacher_id", "school__urn", "started_on", "finished_on", "created_at")
    ]


def remove_registrations(made: Made) -> None:
    """Remove the ECTs registered in the rush (and any a run stopped before this left), found by
    their email's domain: each teacher (all made by registering), their periods, the events and
    emails about them and their rows in the API's listing; and take their emails' tasks off the
    Celery queue in Redis (no worker runs here). The schools' last choices go back to what they were."""
    periods = ECTAtSchoolPeriod.objects.filter(email__endswith=f"@{REGISTERED_EMAIL_DOMAIN}")
    teachers = list(periods.values_list("teacher_id", flat=True).distinct())
    emails = Email.objects.filter(recipient__endswith=f"@{REGISTERED_EMAIL_DOMAIN}")
    email_ids = {str(pk) for pk in emails.values_list("pk", flat=True)}
    with transaction.atomic():
        ParticipantListing.objects.filter(teacher_id__in=teachers).delete()
        # The event log is append-only, and the database refuses to delete from it: these events
        # record registrations that only a benchmark made, on a database only benchmarks use.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER events_are_append_only")
            Event.objects.filter(teacher_id__in=teachers).delete()
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER events_are_append_only")
        TrainingPeriod.objects.filter(ect_at_school_period__teacher_id__in=teachers).delete()
        ECTAtSchoolPeriod.objects.filter(teacher_id__in=teachers).delete()
        Teacher.objects.filter(pk__in=teachers).delete()
        emails.delete()
        for school in School.objects.filter(pk__in=made.schools_choices):
            programme, appropriate_body, lead_provider = made.schools_choices[school.pk]
            if last_choices(school) != made.schools_choices[school.pk]:
                School.objects.filter(pk=school.pk).update(
                    last_chosen_training_programme=programme,
                    last_chosen_appropriate_body_id=appropriate_body,
                    last_chosen_lead_provider_id=lead_provider,
                )
    forget_queued_emails(email_ids)


def forget_queued_emails(email_ids: set[str]) -> None:
    """Take the tasks that would send these emails off the Celery queue (Redis, Celery's default
    queue): they name outbox rows that are gone."""
    if not email_ids:
        return
    import redis

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for message in queue.lrange("celery", 0, -1):
        headers = json.loads(message).get("headers", {})
        if (
            headers.get("task") == SEND_EMAIL_TASK
            and ast.literal_eval(headers.get("argsrepr") or "()")[0] in email_ids
        ):
            queue.lrem("celery", 1, message)


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_environment(port: int, access_log: Path, trs: "FakeTRSServed") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecf.settings.production",
        "ALLOWED_HOSTS": HOST,
        "SERVICE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback address, no proxy in front
        # Teachers are looked up in the fake TRS served beside gunicorn.
        "TRS_API_URL": trs.url,
        "TRS_API_KEY": trs.api_key,
        # Emails are only queued (no Celery worker runs): an address that answers nothing.
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


@dataclass(frozen=True)
class FakeTRSServed:
    url: str
    api_key: str


@contextlib.contextmanager
def fake_trs(teachers: dict, folder: Path):
    """The fake TRS (participants/trs/fake.py) in a process of its own on 127.0.0.1, serving
    `teachers`, as `bin/dev serve` runs it for development; stopped at the end."""
    teachers_file = folder / "fake-trs-teachers.json"
    teachers_file.write_text(json.dumps(teachers))
    port, api_key = free_port(), secrets.token_urlsafe(24)
    # The fake refuses to run beside production settings; it uses no Django settings at all.
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    with served(
        "the fake TRS",
        [sys.executable, "-m", "participants.trs.fake", "--port", str(port), f"--api-key={api_key}", "--teachers", str(teachers_file)],
        environment=environment, answers=f"http://{HOST}:{port}/_fake/induction-writes", within=30,
        log=folder / "fake-trs.log",
    ):  # fmt: skip
        yield FakeTRSServed(url=f"http://{HOST}:{port}", api_key=api_key)


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], port: int, workers: int | None, threads: int | None, log: Path):
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    if threads:
        environment["GUNICORN_THREADS"] = str(threads)
    with served(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "ecf.wsgi"],
        environment=environment, answers=f"http://{HOST}:{port}/healthcheck", within=60, log=log,
    ) as server:  # fmt: skip
        yield server


@contextlib.contextmanager
def served(
    what: str, command: list[str], *, environment: dict[str, str], answers: str, within: int, log: Path
):
    """A server run with `command`, once `answers` (a URL) answers 200 (within `within` seconds);
    its output in `log`. Stopped at the end (SIGTERM; killed if still there 30 s later)."""
    server = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + within
        while True:
            if server.poll() is not None:
                raise SystemExit(f"{what} stopped:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(answers, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} did not answer {answers} within {within} s")
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
    # The scenario's registrations: what locust saw, and what the database holds afterwards.
    registrations: dict | None = None
    # What each kind of error was, as locust counted it.
    errors: list[str] = field(default_factory=list)


def warm_up(port: int, plan: dict, scenario: Scenario) -> None:
    """Each page asked a few times first (templates compiled, every worker's caches and connection
    made, PostgreSQL's buffers filled), so the figures are of a server already running."""
    pages = plan.get(scenario.pages, []) if scenario.pages else []
    if scenario.tutor_clients:
        tutors = plan["tutors"][:6]
        pages = (
            [{"url": t["year"], "session": t["session"]} for t in tutors]
            + [{"url": t["ect"], "session": t["session"]} for t in tutors]
            # The registration's first pages (asking for them changes nothing).
            + [{"url": t[page], "session": t["browsers"][0]} for t in tutors for page in ("add", "find_ect")]
        )
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
        "tutor_rate": scenario.tutor_rate,
        "pages": plan.get(scenario.pages, []) if scenario.pages else [],
        "syncs": plan["syncs"] if scenario.syncs else [],
        "to_register": plan.get("to_register", {}).get(scenario.name, []),
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
    registrations_file = folder / f"{scenario.name}-registrations.json"
    started = time.monotonic()
    with MemorySampler(server_pid) as memory:
        finished = subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
                "--host", f"http://{HOST}:{port}", "-u", str(clients), "-r", str(clients),
                "--run-time", f"{scenario.seconds}s", "--stop-timeout", "5", "--csv", str(prefix),
                "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0", *users,
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_PLAN": str(plan_file), "BENCH_SYNCS": str(syncs_file), "BENCH_REGISTRATIONS": str(registrations_file)},
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
    errors = []
    with contextlib.suppress(FileNotFoundError), open(f"{prefix}_failures.csv") as failures:
        for line in csv.DictReader(failures):
            errors.append(f"{line['Name']}: {line['Error']} (× {line['Occurrences']})")
    registrations = None
    if scenario.tutor_clients:
        seen = json.loads(registrations_file.read_text()) if registrations_file.exists() else {}
        registered, duplicates, which = registrations_made([t["trn"] for t in scenario_plan["to_register"]])
        registrations = {
            "confirmed": seen.get("confirmed", 0),
            "twice": seen.get("twice", {}),
            "planned": len(scenario_plan["to_register"]),
            "registered": registered,
            "duplicates": duplicates,
            "duplicated": which,
        }
    return Result(
        scenario=scenario,
        rows=rows,
        peak_mb=memory.peak_total / 2**20,
        worker_growth_mb=memory.worker_growth / 2**20,
        load=tuple(max(a, b) for a, b in zip(load_before, load, strict=True)),
        seconds=elapsed,
        registrations=registrations,
        errors=errors,
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


def notes(results: list[Result]) -> str:
    """What the table leaves out: each kind of error, and for each scenario that registered ECTs, how
    many the database holds (and locust saw confirmed), those submitted twice at once and what each
    pair of answers was, and the duplicates."""
    lines = []
    for result in results:
        lines.extend(f"{result.scenario.name} error: {error}" for error in result.errors)
        figures = result.registrations
        if figures is None:
            continue
        twice = figures["twice"]
        pairs = sum(sum(outcomes.values()) for outcomes in twice.values())
        how = "; ".join(
            f"{kind}: " + ", ".join(f"{count} × {outcome}" for outcome, count in sorted(outcomes.items()))
            for kind, outcomes in sorted(twice.items())
        )
        lines.append(
            f"{result.scenario.name}: {figures['registered']:,} ECTs registered through the wizard "
            f"({figures['confirmed']:,} confirmed over HTTP; {figures['planned']:,} teachers planned), "
            f"{pairs} of them submitted twice at once{f' ({how})' if how else ''}; "
            f"duplicate registrations: {figures['duplicates']}"
        )
        lines.extend(f"{result.scenario.name} duplicate: {period}" for period in figures["duplicated"])
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
        with (
            tempfile.TemporaryDirectory(prefix="load-bench-") as scratch,
            fake_trs(fake_trs_teachers(plan), Path(scratch)) as trs,
        ):
            folder = Path(scratch)
            print(f"fake TRS on {trs.url}", flush=True)
            environment = server_environment(port, folder / "access.log", trs)
            collect_static(environment)
            with gunicorn(environment, port, args.workers, args.threads, folder / "gunicorn.log") as server:
                print(f"gunicorn (production settings) on http://{HOST}:{port}, pid {server.pid}", flush=True)
                for scenario in wanted:
                    print(
                        f"- {scenario.name}: {scenario.about} ({scenario.seconds} s at most) ...", flush=True
                    )
                    results.append(run(scenario, plan, port, server.pid, folder))
                    print("\n".join(table(results[-1:]).splitlines()[2:]), flush=True)
                    if summary := notes(results[-1:]):
                        print(summary, flush=True)
    finally:
        tidy_up(made)

    print()
    print(f"{Teacher.objects.count():,} teachers; {plan['largest_provider']['name']} has "
          f"{plan['largest_provider']['participants']:,} participants; {plan['most_declarations']['name']} "
          f"{plan['most_declarations']['declarations']:,} declarations; {len(plan['tutors'])} tutors signed in")  # fmt: skip
    print(table(results))
    if summary := notes(results):
        print()
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
