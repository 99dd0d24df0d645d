"""Time GET /api/v3/participant-declarations on England-scale data, as the lead provider with the most declarations calls it.

Picks the lead provider with the most declarations of its own and makes it an API token inside a
transaction that is rolled back, so the database is left as it was. Before the cases it changes
500 of the provider's declarations (their evidence, with `updated_at` moved on), in the same
transaction, for a poll to find. Then, through Django's test Client, it asks for 100 and for
3,000 declarations a page: page 1, the middle page, the last page, and a `filter[updated_since]`
poll. Prints the median and 95th percentile of the warm runs and the SQL queries per request
(which must not grow with the page size); with --explain, EXPLAIN ANALYZE of every query slower
than --slow-ms. Exits 1 when a case misses its target (TARGET_MS, at the 95th percentile).

    .venv/bin/python bench/api_declarations.py [--runs 30] [--explain] [--slow-ms 100]
"""

import argparse
import math
import sys
from urllib.parse import urlencode

from api_participants import Measured, client_for, measure, shorten
from common import explain, keep_query_log_across_requests, refusal_unless_bench_database
from django.db import connection, transaction
from django.db.models import Count

from accounts.models import User
from api import queries
from core import clock
from finance.models import Declaration
from providers.models import LeadProvider

# Issue 19's targets at the 95th percentile, by page size.
TARGET_MS = {100: 60, 3000: 1000}
SLOW_QUERY_MS = 100
PAGE_SIZES = (100, 3000)
CHANGED = 500
URL = "/api/v3/participant-declarations"


def change_declarations(provider: LeadProvider, how_many: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (before,) = cursor.fetchone()
    ids = list(
        Declaration.objects.filter(lead_provider=provider)
        .order_by("?")
        .values_list("pk", flat=True)[:how_many]
    )
    Declaration.objects.filter(pk__in=ids).update(evidence_type="other", updated_at=clock.now())
    return before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs per case (default 30)")
    parser.add_argument("--slow-ms", type=float, default=SLOW_QUERY_MS)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every slow query")
    args = parser.parse_args()
    if refusal := refusal_unless_bench_database():
        print(refusal)
        return 2
    keep_query_log_across_requests()
    results: list[Measured] = []
    with transaction.atomic():
        top = (
            Declaration.objects.values("lead_provider")
            .annotate(n=Count("pk"))
            .order_by("-n", "lead_provider")
            .first()
        )
        if top is None:
            print(
                "The database has no declarations: build the England data set first (bench/seed_england.py)."
            )
            return 2
        provider = LeadProvider.objects.get(pk=top["lead_provider"])
        count = queries.declarations(provider).count()
        staff = User.objects.create_user(
            "api.bench@bench.example.com", full_name="Bench Support", privacy_notice_accepted_at=clock.now()
        )
        since = change_declarations(provider, CHANGED)
        print(
            f"{Declaration.objects.count():,} declarations; {provider.name} sees {count:,}, "
            f"{CHANGED} of its own changed since the poll's filter[updated_since]"
        )
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
                r = measure(client, case, per_page, url, args.runs, args.slow_ms)
                results.append(r)
                print(
                    f"  {per_page:>4} a page, {case:<20} median {r.median_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  "
                    f"{r.rows:4d} rows, {r.kilobytes:5.0f} KB  {r.queries:2d} queries, "
                    f"{r.sql_ms:5.0f} ms in SQL (slowest {r.slowest_ms:.0f} ms)"
                )
        slow = [(r, ms, sql) for r in results for ms, sql in r.slow]
        for r, ms, sql in slow:
            print(f"\nSlow query ({ms:.1f} ms), {r.per_page} a page, {r.case} ({r.url}):\n{shorten(sql)}")
            if args.explain and sql.lstrip().upper().startswith("SELECT"):
                print(explain(sql))
        transaction.set_rollback(True)

    by_size = {size: [r.queries for r in results if r.per_page == size] for size in PAGE_SIZES}
    same_queries = len({max(counts) for counts in by_size.values()}) == 1
    print(
        "\nqueries per request: " + "; ".join(f"{size} a page {counts}" for size, counts in by_size.items())
    )
    missed = [r for r in results if r.p95_ms > TARGET_MS[r.per_page]]
    print(
        "targets (p95): "
        + ", ".join(f"{size} a page {ms:,} ms" for size, ms in TARGET_MS.items())
        + (
            ": all met"
            if not missed
            else ": MISSED by " + "; ".join(f"{r.per_page} a page, {r.case}" for r in missed)
        )
    )
    assert same_queries, by_size
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
