"""A fake Teaching Record System (TRS): a real HTTP server on 127.0.0.1 speaking TRS's API for
looking a teacher up by TRN, for tests and for development.

It answers `GET /v3/persons/{trn}` as TRS does at API version 20260120 (and the later versions that
behave the same), with the fictional teachers in `fake_teachers.json`:

- `Authorization: Bearer <key>`: missing or another key is 401, with no body.
- `X-Api-Version`: without it, TRS falls back to its oldest version, where this path does not
  exist, so the answer is a bare 404 with no `errorCode`. A version this fake does not speak is 400.
- `include`: a comma-separated list (any case) of `Induction`, `Alerts`, `PreviousNames`,
  `RoutesToProfessionalStatuses`, `MandatoryQualifications`, `PendingDetailChanges` or `All`;
  anything else is 400. Sections not asked for are left out of the answer altogether.
- `dateOfBirth` (YYYY-MM-DD) and `nationalInsuranceNumber` are optional checks against the
  record. Both at once is 400, as TRS does not support that. The NI number is compared
  ignoring spaces, hyphens and case.
- Answers: 200 with the record; 404 ProblemDetails with `errorCode` 10001 for an unknown TRN and for a
  date of birth or NI number that does not match; 410 with `errorCode` 10058 for a deactivated
  record; 308 with `Location: /v3/persons/<retained TRN>` for a merged one. Errors are
  `application/problem+json`.

The records are written as they stood in academic year 2026 (`RECORDS_WRITTEN_IN`); the fake
moves every date in them but a date of birth on by the academic years since, so a teacher who got
QTS "last summer" still did on whatever day it runs.

It also takes induction writes, `PUT /v3/persons/{trn}/cpd-induction` (TRS's SetCpdInductionStatus,
at the same versions), with a JSON body `{"status", "startDate", "completedDate", "cpdModifiedOn"}`:
204 when taken, after which the person's `induction` is what it was told; 400 ProblemDetails with
an `errorCode` when it refuses (a body it cannot read, a start or completion date missing or out of
place, a write older than the last one taken, or an outcome over a different one already recorded);
404 for an unknown TRN. Every write it received, taken or not, is listed at
`GET /_fake/induction-writes` (JSON, no key needed) and in `induction_writes`.

Tests can make it fail the next requests (`fail_next(2, status=503)`), wait before answering
(`delay_next(3)`, to provoke a client's timeout) or send a body of their choosing
(`send_raw_next(body=b"{")`), and read what it received (`requests`).

It imports nothing from Django, so it runs on its own for development:

    python -m participants.trs.fake --port 8010

`--teachers FILE` serves the teachers of another file of the same shape instead (the load
benchmark, bench/load.py, serves teachers it made up to register).

Tests use the `fake_trs` fixture (tests/fakes/trs.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

FAKE_TEACHERS_FILE = Path(__file__).with_name("fake_teachers.json")
RECORDS_WRITTEN_IN = 2026  # the academic year the records' dates are written in
LONDON = ZoneInfo("Europe/London")
DEVELOPMENT_API_KEY = "development-only-fake-trs-api-key"

# Versions at which GET /v3/persons/{trn} behaves as this fake does (it was last changed in 20260120).
VERSIONS_SPOKEN = {"20260120", "20260224", "20260416", "20260515", "20260612"}
# Every other version TRS knows; asked for one of these, the real TRS answers in an older shape.
OLDER_VERSIONS = {
    "20240101", "20240307", "20240412", "20240416", "20240606", "20240814", "20240912",
    "20240920", "20250203", "20250327", "20250425", "20250627", "20250804", "20250905",
}  # fmt: skip

# `include` flags (lower-cased) and the section of the answer each one adds.
SECTIONS_BY_INCLUDE = {
    "induction": "induction",
    "alerts": "alerts",
    "previousnames": "previousNames",
    "routestoprofessionalstatuses": "routesToProfessionalStatuses",
    "mandatoryqualifications": "mandatoryQualifications",
    "pendingdetailchanges": "pendingDetailChanges",
}
ALL_SECTIONS = set(SECTIONS_BY_INCLUDE.values())
# Sections that are lists: asked for but absent from a record, they are answered empty.
LIST_SECTIONS = ALL_SECTIONS - {"induction"}
NO_INDUCTION = {"status": "None", "startDate": None, "completedDate": None, "exemptionReasons": []}

PERSON_NOT_FOUND = 10001
RECORD_IS_NOT_ACTIVE = 10058
# The fake's own codes for the induction writes it refuses (TRS answers these cases with a 400 too).
INVALID_INDUCTION = 10050
STALE_INDUCTION_WRITE = 10051
INDUCTION_ALREADY_COMPLETED = 10052
INDUCTION_STATUSES_TAKEN = {"RequiredToComplete", "InProgress", "Passed", "Failed"}
OUTCOMES = {"Passed", "Failed", "FailedInWales", "Exempt"}


@dataclass
class ReceivedRequest:
    method: str
    path: str
    # Query parameters as TRS would bind them: the first value of each.
    query: dict[str, str]
    # Header names lower-cased.
    headers: dict[str, str]
    status: int = 0  # what the fake answered
    body: dict | None = None  # a JSON object sent with it


@dataclass(frozen=True)
class InductionWrite:
    trn: str
    body: dict | None
    status: int  # what the fake answered: 204 taken, 400 refused, 404 unknown TRN


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class FakeTeacher:
    record: dict
    deactivated: bool = False
    merged_into: str | None = None

    @property
    def trn(self) -> str:
        return self.record["trn"]


def load_fake_teachers(path: Path = FAKE_TEACHERS_FILE) -> list[FakeTeacher]:
    data = json.loads(path.read_text())
    return [
        FakeTeacher(
            record=entry["record"],
            deactivated=entry.get("deactivated", False),
            merged_into=entry.get("mergedInto"),
        )
        for entry in data["teachers"]
    ]


def normalise_national_insurance_number(value: str) -> str:
    """As TRS compares them: without whitespace or hyphens, upper-case."""
    return "".join(character for character in value if not character.isspace() and character != "-").upper()


class FakeTRS:
    def __init__(
        self,
        *,
        api_key: str = DEVELOPMENT_API_KEY,
        teachers: list[FakeTeacher] | None = None,
        port: int = 0,
        log_requests: bool = False,
    ):
        self.api_key = api_key
        self.teachers = {teacher.trn: teacher for teacher in (teachers or load_fake_teachers())}
        self.port = port
        self.log_requests = log_requests
        self.requests: list[ReceivedRequest] = []
        # Every induction write received, in order, and the induction each TRN was last told.
        self.induction_writes: list[InductionWrite] = []
        self.inductions: dict[str, dict] = {}
        self._answers_to_give: list[Answer] = []
        self._delays_to_give: list[float] = []
        self._lock = threading.Lock()
        # Set when stopping, so that a request kept waiting by delay_next() ends at once.
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Set up by tests

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next `count` requests with `status` and a plain-text body, checking nothing, as
        an outage in front of TRS would."""
        body = f"{status} (the fake TRS was told to fail)".encode()
        with self._lock:
            self._answers_to_give.extend([Answer(status, body, "text/plain")] * count)

    def send_raw_next(
        self,
        *,
        body: bytes,
        status: int = 200,
        content_type: str = "application/json",
        location: str | None = None,
    ) -> None:
        """Answer the next request with exactly this, checking nothing (a malformed body, say)."""
        with self._lock:
            self._answers_to_give.append(Answer(status, body, content_type, location))

    def delay_next(self, seconds: float) -> None:
        """Wait `seconds` before answering the next request (it is answered as usual afterwards)."""
        with self._lock:
            self._delays_to_give.append(seconds)

    def requests_for(self, trn: str) -> list[ReceivedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == f"/v3/persons/{trn}"]

    @property
    def url(self) -> str:
        assert self._server, "the fake TRS is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # Lifecycle

    def start(self) -> FakeTRS:
        fake = self

        class Handler(_Handler):
            trs = fake

        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        # stop() must not wait for a connection a client keeps open.
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-trs", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeTRS:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # The API

    def writes_for(self, trn: str) -> list[InductionWrite]:
        with self._lock:
            return [write for write in self.induction_writes if write.trn == trn]

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Answer:
        parts = urlsplit(target)
        query = {name: values[0] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        if method == "GET" and parts.path == "/_fake/induction-writes":
            with self._lock:
                writes = [vars(write) for write in self.induction_writes]
            return _json(200, {"writes": writes})
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        request = ReceivedRequest(
            method=method,
            path=parts.path,
            query=query,
            headers=headers,
            body=parsed if isinstance(parsed, dict) else None,
        )
        with self._lock:
            self.requests.append(request)
            delay = self._delays_to_give.pop(0) if self._delays_to_give else 0
            forced = self._answers_to_give.pop(0) if self._answers_to_give else None
        if delay:
            self._stopping.wait(delay)
        answer = forced or self._answer(method, parts.path, query, headers, request.body)
        request.status = answer.status
        if method == "PUT" and parts.path.endswith("/cpd-induction"):
            trn = parts.path.split("/")[3]
            with self._lock:
                self.induction_writes.append(InductionWrite(trn=trn, body=request.body, status=answer.status))
        if self.log_requests:
            # The path only: the query may hold a National Insurance number.
            print(f"[fake TRS] {method} {parts.path} -> {answer.status}", flush=True)
        return answer

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: dict | None = None
    ) -> Answer:
        if headers.get("authorization", "") != f"Bearer {self.api_key}":
            return Answer(401)
        version = headers.get("x-api-version")
        if version is None:
            # TRS falls back to its first version, in which /v3/persons/{trn} did not exist yet.
            return Answer(404)
        if version not in VERSIONS_SPOKEN:
            detail = (
                f"This fake speaks only versions {', '.join(sorted(VERSIONS_SPOKEN))}."
                if version in OLDER_VERSIONS
                else f"Unknown API version '{version}'."
            )
            return _problem(400, "Invalid X-Api-Version.", detail)
        segments = path.split("/")
        if len(segments) == 5 and segments[:3] == ["", "v3", "persons"] and segments[4] == "cpd-induction":
            if method != "PUT":
                return Answer(405)
            return self._record_induction(segments[3], body)
        if len(segments) != 4 or segments[:3] != ["", "v3", "persons"] or not segments[3]:
            return Answer(404)
        if method != "GET":
            return Answer(405)
        trn = segments[3]

        sections = _sections(query.get("include", ""))
        if sections is None:
            return _problem(400, "One or more validation errors occurred.", "Invalid 'include' value.")
        date_of_birth = query.get("dateOfBirth")
        national_insurance_number = query.get("nationalInsuranceNumber")
        if date_of_birth and national_insurance_number:
            return _problem(400, "Bad Request.", None)
        if date_of_birth:
            try:
                datetime.date.fromisoformat(date_of_birth)
            except ValueError:
                return _problem(400, "One or more validation errors occurred.", "Invalid 'dateOfBirth'.")

        teacher = self.teachers.get(trn)
        not_found = _problem(404, "Person not found.", f"TRN: '{trn}'", error_code=PERSON_NOT_FOUND)
        if teacher is None:
            return not_found
        if teacher.deactivated:
            return _problem(410, f"Record {trn} is not active.", None, error_code=RECORD_IS_NOT_ACTIVE)
        if teacher.merged_into:
            return Answer(308, location=f"/v3/persons/{teacher.merged_into}")
        record = teacher.record
        if date_of_birth and date_of_birth != record["dateOfBirth"]:
            return _problem(
                404,
                "Person not found.",
                f"TRN: '{trn}'\nDate of birth: '{date_of_birth}'",
                error_code=PERSON_NOT_FOUND,
            )
        if national_insurance_number and normalise_national_insurance_number(
            national_insurance_number
        ) != normalise_national_insurance_number(record.get("nationalInsuranceNumber") or ""):
            return _problem(
                404,
                "Person not found.",
                f"TRN: '{trn}'\nNational insurance number: '{national_insurance_number}'",
                error_code=PERSON_NOT_FOUND,
            )
        moved_on = _moved_on(record, years=_academic_years_since_written())
        with self._lock:
            told = self.inductions.get(trn)
        if told is not None:
            moved_on = {**moved_on, "induction": {**NO_INDUCTION, **told}}
        return _json(200, _person(moved_on, sections))

    def _record_induction(self, trn: str, body: dict | None) -> Answer:
        teacher = self.teachers.get(trn)
        if teacher is None or teacher.deactivated or teacher.merged_into:
            return _problem(404, "Person not found.", f"TRN: '{trn}'", error_code=PERSON_NOT_FOUND)
        problem = _induction_problem(body)
        if problem:
            return _problem(
                400, "One or more validation errors occurred.", problem, error_code=INVALID_INDUCTION
            )
        with self._lock:
            current = self.inductions.get(trn)
            if current is None:
                current = dict(teacher.record.get("induction") or NO_INDUCTION)
            last_modified = current.get("cpdModifiedOn")
            if last_modified and _instant(body["cpdModifiedOn"]) < _instant(last_modified):
                return _problem(
                    400,
                    "Induction was changed after this update.",
                    f"cpdModifiedOn {body['cpdModifiedOn']} is before {last_modified}.",
                    error_code=STALE_INDUCTION_WRITE,
                )
            if current.get("status") in OUTCOMES and current.get("status") != body["status"]:
                return _problem(
                    400,
                    "The person's induction is already completed.",
                    f"TRS records the induction as {current['status']}.",
                    error_code=INDUCTION_ALREADY_COMPLETED,
                )
            self.inductions[trn] = {
                "status": body["status"],
                "startDate": body["startDate"],
                "completedDate": body.get("completedDate"),
                "cpdModifiedOn": body["cpdModifiedOn"],
            }
        return Answer(204)


def _induction_problem(body: dict | None) -> str | None:
    """What is wrong with an induction write's body, as TRS's validation would say; None if nothing."""
    if body is None:
        return "The body must be a JSON object."
    status = body.get("status")
    if status not in INDUCTION_STATUSES_TAKEN:
        return f"Invalid status '{status}'."
    try:
        started = datetime.date.fromisoformat(body["startDate"]) if body.get("startDate") else None
        completed = datetime.date.fromisoformat(body["completedDate"]) if body.get("completedDate") else None
        _instant(body["cpdModifiedOn"])
    except (KeyError, TypeError, ValueError):
        return "startDate, completedDate and cpdModifiedOn must be dates (and a date and time)."
    if status != "RequiredToComplete" and started is None:
        return f"A start date is required for status '{status}'."
    if status in OUTCOMES and completed is None:
        return f"A completed date is required for status '{status}'."
    if status not in OUTCOMES and completed is not None:
        return f"A completed date cannot be set for status '{status}'."
    if started and completed and completed < started:
        return "The completed date cannot be before the start date."
    return None


def _instant(value: str) -> datetime.datetime:
    instant = datetime.datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=datetime.UTC)


def _sections(include: str) -> set[str] | None:
    """The sections an `include` value asks for, or None when it names something TRS does not know."""
    sections = set()
    for flag in (part.strip().lower() for part in include.split(",")):
        if not flag:
            continue
        if flag == "all":
            sections |= ALL_SECTIONS
        elif flag in SECTIONS_BY_INCLUDE:
            sections.add(SECTIONS_BY_INCLUDE[flag])
        else:
            return None
    return sections


def _academic_years_since_written() -> int:
    # The fake stands outside the service, as TRS does, so it keeps its own clock: the process's.
    today = datetime.datetime.now(LONDON).date()  # noqa: TID251
    academic_year = today.year if (today.month, today.day) >= (9, 1) else today.year - 1
    return academic_year - RECORDS_WRITTEN_IN


def _moved_on(value, *, years: int, key: str = ""):
    """A record with every YYYY-MM-DD date but the date of birth moved on by `years`."""
    if isinstance(value, dict):
        return {name: _moved_on(item, years=years, key=name) for name, item in value.items()}
    if isinstance(value, list):
        return [_moved_on(item, years=years) for item in value]
    if not years or key == "dateOfBirth" or not isinstance(value, str) or len(value) != 10:
        return value
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)  # a leap day moved to a common year
    return day.replace(year=day.year + years).isoformat()


def _person(record: dict, sections: set[str]) -> dict:
    person = {name: value for name, value in record.items() if name not in ALL_SECTIONS}
    for section in sorted(sections):
        person[section] = record.get(section, [] if section in LIST_SECTIONS else NO_INDUCTION)
    return person


def _json(status: int, body: dict, content_type: str = "application/json; charset=utf-8") -> Answer:
    return Answer(status, json.dumps(body).encode(), content_type)


def _problem(status: int, title: str, detail: str | None, *, error_code: int | None = None) -> Answer:
    """An ASP.NET ProblemDetails body, as TRS sends for its errors."""
    body: dict = {"title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    if error_code is not None:
        body["errorCode"] = error_code
    return _json(status, body, "application/problem+json; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    trs: FakeTRS
    protocol_version = "HTTP/1.1"  # keep-alive, as TRS: a client may follow a merge on one connection
    timeout = 30  # seconds an idle kept-alive connection may stay open

    def _respond(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.trs.handle(self.command, self.path, headers, body)
        try:
            self.send_response(answer.status)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            if answer.location:
                self.send_header("Location", answer.location)
            if answer.status == 401:
                self.send_header("WWW-Authenticate", "Bearer")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (a test's timeout, say): nobody to answer

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _respond

    def log_message(self, format, *args):  # quiet: FakeTRS(log_requests=True) logs without the query
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m participants.trs.fake",
        description="Serve the fictional teachers of participants/trs/fake_teachers.json as TRS would.",
    )
    parser.add_argument("--port", type=int, default=8010, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--api-key", default=DEVELOPMENT_API_KEY, help="the Bearer key to accept")
    parser.add_argument(
        "--teachers",
        type=Path,
        default=FAKE_TEACHERS_FILE,
        help="the teachers to serve, in the shape of fake_teachers.json (that file unless told)",
    )
    arguments = parser.parse_args(argv)
    # Belt and braces: nothing in production should ever talk to a fake teaching record.
    if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production"):
        print("The fake TRS does not run beside production settings.", file=sys.stderr)
        return 1
    # Stop cleanly on Ctrl-C, even when started in the background with SIGINT ignored, and on the
    # SIGTERM `bin/dev serve` sends its children.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    fake = FakeTRS(
        api_key=arguments.api_key,
        teachers=load_fake_teachers(arguments.teachers),
        port=arguments.port,
        log_requests=True,
    )
    fake.start()
    print(f"Fake TRS serving {fake.url} (API key {fake.api_key!r}); Ctrl-C stops it", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
