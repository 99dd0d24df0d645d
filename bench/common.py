"""What the benchmarks share: Django set up from the project folder (importing this module does
it, so import it before anything of Django's), the guard that keeps them to a database named
*_bench, the query log kept across requests, and timing a request (or a call) once it is warm."""

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecf.settings.development")

import django

django.setup()

from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

WARM_UP_RUNS = 2  # templates compiled, caches and Postgres buffers filled


def refusal_unless_bench_database(doing: str = "run on") -> str | None:
    """Why not to go on (a sentence), unless the database is one made for benchmarks."""
    database = connection.settings_dict["NAME"]
    if database.endswith("_bench"):
        return None
    return f"Refusing to {doing} {database!r}: benchmarks run on a database whose name ends in _bench."


def keep_query_log_across_requests() -> None:
    """Django empties the query log as each request starts, which would hide a request's queries
    from CaptureQueriesContext (it counts from where the log stood before the request)."""
    request_started.disconnect(reset_queries)


@dataclass(frozen=True)
class Timing:
    """A request's (or a call's) warm runs, and the SQL of one of them."""

    times_ms: list[float]  # sorted
    queries: list[tuple[float, str]]  # (ms, sql): Django times them to the millisecond
    response: HttpResponse | None  # of the run whose queries were captured (a call's result: None)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        return self.times_ms[min(len(self.times_ms) - 1, round(0.95 * (len(self.times_ms) - 1)))]

    @property
    def sql_ms(self) -> float:
        return sum(ms for ms, _ in self.queries)

    @property
    def slowest_ms(self) -> float:
        return max((ms for ms, _ in self.queries), default=0.0)

    def slower_than(self, ms: float) -> list[tuple[float, str]]:
        return [(took, sql) for took, sql in self.queries if took > ms]


def time_request(get: Callable[[], HttpResponse], *, runs: int, status: int = 200) -> Timing:
    """Warm up, capture one run's queries, then time `runs` runs; every answer must be `status`."""

    def answered(response: HttpResponse) -> HttpResponse:
        assert response.status_code == status, (response.status_code, response.get("Location"))
        return response

    for _ in range(WARM_UP_RUNS):
        answered(get())
    with CaptureQueriesContext(connection) as captured:
        response = answered(get())
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answered(get())
        times.append((time.perf_counter() - started) * 1000)
    return Timing(times_ms=sorted(times), queries=queries, response=response)


def time_call(call: Callable[[], object], *, runs: int) -> Timing:
    """Warm up, capture one run's queries, then time `runs` runs of a function."""
    for _ in range(WARM_UP_RUNS):
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(times_ms=sorted(times), queries=queries, response=None)


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(line for (line,) in cursor.fetchall())
