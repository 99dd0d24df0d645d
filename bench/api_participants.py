"""Time GET /api/v3/participants on England-scale data, as the lead provider with the most participants calls it.

Picks the lead provider the API shows the most participants to and makes it an API token (with
api.services.create_token, as support staff do) inside a transaction that is rolled back, so the
database is left as it was. Then, through Django's test Client (the whole stack: middleware, token,
rate limit, queries, JSON, the record of the call), it asks for 100 and for 3,000 participants a
page: page 1, the middle page, the last page, and a `filter[updated_since]` poll that finds the
participants changed since the last one (500, changed for the run inside the same transaction).
The first request after those changes brings the provider's participant listing up to date
(api.listing): it is timed on its own, once. Each case has a token of its own, so no case comes
near the rate limit of 1,000 calls in 5 minutes. Prints the median and 95th percentile of the warm
runs, the SQL queries per request (which must not grow with the page size), the slowest query and
how much the process's peak memory grew; with --explain, EXPLAIN ANALYZE of every query slower
than --slow-ms. Exits 1 when a case misses its target (TARGETS_MS, at the 95th percentile).

Run from the project folder on the England seed (see README.md), with DATABASE_URL pointing at a
database whose name ends in _bench:

    .venv/bin/python bench/api_participants.py [--runs 30] [--explain] [--slow-ms 100]
"""

import argparse
import datetime
import math
import re
import resource
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from common import explain, keep_query_log_across_requests, refusal_unless_bench_database, time_request
from django.db import connection, transaction
from django.test import Client

from accounts.models import User
from api import queries
from api.services import create_token
from core import clock
from participants.models import Teacher
from providers.models import LeadProvider

# Issue 19's targets at the 95th percentile, by page size: any page of 100, a poll of 100, any
# page of 3,000.
TARGET_MS = {100: 60, 3000: 1000}
POLL_TARGET_MS = 30
SLOW_QUERY_MS = 100
PAGE_SIZES = (100, 3000)
CHANGED = 500  # participants changed since the last poll
URL = "/api/v3/participants"


@dataclass
class Measured:
    case: str
    per_page: int
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float  # all the request's queries, one run (Django times them to the millisecond)
    slowest_ms: float
    rows: int
    ects: int  # ECT enrolments on the page (with none, the mentors' query is never run)
    kilobytes: float
    slow: list[tuple[float, str]]


def pick_provider() -> tuple[LeadProvider, int]:
    """The lead provider the API shows the most participants to, and how many."""
    counts = [(queries.participants(lp).count(), lp.pk, lp) for lp in LeadProvider.objects.all()]
    count, _, provider = max(counts, key=lambda c: (c[0], -c[1]))
    return provider, count


def change_participants(provider: LeadProvider, how_many: int) -> datetime.datetime:
    """Change some of the provider's participants, as a poll would find them; the time before."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (before,) = cursor.fetchone()
    ids = list(queries.participants(provider).order_by("?").values_list("pk", flat=True)[:how_many])
    # A corrected name is part of what the API shows: the database stamps api_updated_at itself.
    for teacher in Teacher.objects.filter(pk__in=ids):
        teacher.corrected_name = f"{teacher.trs_first_name} {teacher.trs_last_name} (bench)"
        teacher.save(update_fields=["corrected_name"])
    return before


def client_for(provider: LeadProvider, staff: User, case: str) -> Client:
    """A client with a token of its own (in the run's transaction, rolled back)."""
    token, _ = create_token(lead_provider=provider, name=f"bench: {case}", created_by=staff)
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def measure(client: Client, case: str, per_page: int, url: str, runs: int, slow_ms: float) -> Measured:
    timing = time_request(lambda: client.get(url), runs=runs)
    data = timing.response.json()["data"]
    return Measured(
        case=case,
        per_page=per_page,
        url=url,
        median_ms=timing.median_ms,
        p95_ms=timing.p95_ms,
        queries=len(timing.queries),
        sql_ms=timing.sql_ms,
        slowest_ms=timing.slowest_ms,
        rows=len(data),
        ects=sum(
            e["participant_type"] == "ect" for p in data for e in p["attributes"].get("ecf_enrolments", [])
        ),
        kilobytes=len(timing.response.content) / 1024,
        slow=timing.slower_than(slow_ms),
    )


def shorten(sql: str) -> str:
    """The query without its list of columns and with long lists of ids cut short, to read."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, count=1)
    return re.sub(r"IN \(((?:\d+, ){5})(?:\d+, )+(\d+)\)", r"IN (\1…, \2)", sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs per case (default 30)")
    parser.add_argument(
        "--slow-ms",
        type=float,
        default=SLOW_QUERY_MS,
        help=f"a query slower than this is slow ({SLOW_QUERY_MS})",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every slow query")
    args = parser.parse_args()

    if refusal := refusal_unless_bench_database():
        print(refusal)
        return 2
    if not Teacher.objects.exists():
        print("The database has no teachers: build the England data set first (bench/seed_england.py).")
        return 2

    keep_query_log_across_requests()
    results: list[Measured] = []
    with transaction.atomic():
        provider, count = pick_provider()
        staff = User.objects.create_user(
            "api.bench@bench.example.com",
            full_name="Bench Support",
            privacy_notice_accepted_at=clock.now(),
        )
        since = change_participants(provider, CHANGED)
        print(
            f"{Teacher.objects.count():,} teachers; {provider.name} has {count:,} participants, "
            f"{CHANGED} of them changed since the poll's filter[updated_since]"
        )
        started = time.perf_counter()
        client_for(provider, staff, "the first request after the changes").get(URL)
        print(
            f"  the first request after the changes (the listing catches up): {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for per_page in PAGE_SIZES:
            last = math.ceil(count / per_page)
            middle = (last + 1) // 2
            cases = [
                ("page 1", {"page[per_page]": per_page}),
                (f"page {middle} (middle)", {"page[per_page]": per_page, "page[page]": middle}),
                (f"page {last} (last)", {"page[per_page]": per_page, "page[page]": last}),
                (
                    "updated_since poll",
                    {"page[per_page]": per_page, "filter[updated_since]": since.isoformat()},
                ),
            ]
            for case, query in cases:
                url = f"{URL}?{urlencode(query)}"
                client = client_for(provider, staff, f"{per_page} a page, {case}")
                results.append(measure(client, case, per_page, url, args.runs, args.slow_ms))
                r = results[-1]
                if per_page == PAGE_SIZES[0]:
                    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                print(
                    f"  {per_page:>4} a page, {case:<20} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  "
                    f"{r.rows:4d} rows ({r.ects} ECT), {r.kilobytes:5.0f} KB  {r.queries:2d} queries, "
                    f"{r.sql_ms:5.0f} ms in SQL (slowest {r.slowest_ms:.0f} ms)"
                )

        slow = [(r, ms, sql) for r in results for ms, sql in r.slow]
        for r, ms, sql in slow:
            print(f"\nSlow query ({ms:.1f} ms), {r.per_page} a page, {r.case} ({r.url}):\n{shorten(sql)}")
            if args.explain and sql.lstrip().upper().startswith("SELECT"):
                print(explain(sql))
        transaction.set_rollback(True)  # leave the database as it was

    # A page with no ECT on it skips the query for ECTs' mentors (Django runs no `IN ()`), so the
    # most queries any page of a size needed is what must not grow with the size.
    by_size = {size: [r.queries for r in results if r.per_page == size] for size in PAGE_SIZES}
    same_queries = len({max(counts) for counts in by_size.values()}) == 1
    print(
        "\nqueries per request: "
        + "; ".join(f"{size} a page {counts}" for size, counts in by_size.items())
        + (
            " (at most the same whatever the page size)"
            if same_queries
            else " (DIFFERENT: they grow with the page)"
        )
    )
    for r in results:
        if r.ects == 0:
            print(f"  {r.per_page} a page, {r.case}: no ECTs on it, so no query for their mentors")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_kb) / 1024
    print(f"peak memory grew {grown_mb:.0f} MB over the pages of {PAGE_SIZES[-1]:,}")
    missed = [
        r
        for r in results
        if r.p95_ms > (POLL_TARGET_MS if r.per_page == 100 and "poll" in r.case else TARGET_MS[r.per_page])
    ]
    targets = ", ".join(f"{size} a page {ms:,} ms" for size, ms in TARGET_MS.items())
    print(
        f"targets (p95): {targets}, a poll of 100 {POLL_TARGET_MS} ms: "
        + (
            "all met"
            if not missed
            else "MISSED by " + "; ".join(f"{r.per_page} a page, {r.case}" for r in missed)
        )
        + f"; {len(slow)} queries over {args.slow_ms:g} ms"
    )
    assert same_queries, by_size
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
