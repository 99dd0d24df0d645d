"""Time the "Manage your training" year pages on England-scale data, as an induction tutor sees them.

Picks the school with the most ECT and mentor periods in its newest year and a median one, then
renders each page through Django's test Client (the whole stack: middleware, session, queries,
templates), signed in as the school's induction tutor: a user and school access made for the run
inside a transaction that is rolled back, so the database is left as it was. Prints the median and
95th percentile of the warm runs, the SQL queries per page, and the slowest query of a page; with
--explain, EXPLAIN ANALYZE of every query slower than --slow-ms. No school in the England data
has more than 50 ECTs (or mentors) in a year, so "page 2" is the out-of-range request, which
Django's paginator answers with the last page.

Run from the project folder on the England seed (see README.md), with DATABASE_URL pointing at a
database whose name ends in _bench:

    .venv/bin/python bench/dashboard.py [--runs 30] [--explain]
"""

import argparse
import sys
from dataclasses import dataclass

from common import explain, keep_query_log_across_requests, refusal_unless_bench_database, time_request
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import clock
from schools.models import School, SchoolAccess, SchoolRole

TARGET_MS = 300  # a page, at the 95th percentile
SLOW_QUERY_MS = 50

# Each school's newest year (as the dashboard lists years: one it answered for, had a partnership
# in, or had an ECT or mentor in) and how many ECT and mentor periods fall in it.
SCHOOL_SIZES = """
WITH periods AS (
    SELECT school_id, started_on, finished_on FROM participants_ectatschoolperiod
    UNION ALL
    SELECT school_id, started_on, finished_on FROM participants_mentoratschoolperiod
), people AS (
    SELECT p.school_id, c.year, count(*) AS n
    FROM periods p JOIN providers_contractperiod c
      ON p.started_on <= c.finished_on AND (p.finished_on IS NULL OR p.finished_on >= c.started_on)
    GROUP BY 1, 2
), years AS (
    SELECT school_id, year FROM people
    UNION SELECT school_id, contract_period_id FROM schools_schoolcontractperiodchoice
    UNION SELECT p.school_id, a.contract_period_id FROM providers_schoolpartnership p
      JOIN providers_leadproviderdeliverypartnership l ON l.id = p.lead_provider_delivery_partnership_id
      JOIN providers_activeleadprovider a ON a.id = l.active_lead_provider_id
), newest AS (
    SELECT school_id, max(year) AS year FROM years GROUP BY 1
)
SELECT s.urn, n.year, coalesce(p.n, 0)
FROM newest n JOIN schools_school s ON s.id = n.school_id
LEFT JOIN people p ON p.school_id = n.school_id AND p.year = n.year
ORDER BY 3, s.urn
"""


@dataclass
class Measured:
    school: str
    page: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float  # all the page's queries, one run (Django times them to the millisecond)
    slowest_ms: float
    slow: list[tuple[float, str]]


def pick_schools() -> list[tuple[str, int, int, int]]:
    """[(label, urn, year, people)] for the largest school and a median one."""
    with connection.cursor() as cursor:
        cursor.execute(SCHOOL_SIZES)
        sizes = cursor.fetchall()
    largest, median = sizes[-1], sizes[len(sizes) // 2]
    return [("largest", *largest), ("median", *median)]


def tutor_for(school: School) -> User:
    """The school's induction tutor, made for the run (inside its transaction, rolled back)."""
    user = User.objects.create_user(
        f"induction.tutor.{school.urn}@bench.example.com",
        full_name="Bench Induction Tutor",
        privacy_notice_accepted_at=clock.now(),
    )
    SchoolAccess.objects.filter(school=school, role=SchoolRole.INDUCTION_TUTOR, ended_at__isnull=True).update(
        ended_at=clock.now()
    )
    SchoolAccess.objects.create(user=user, school=school, role=SchoolRole.INDUCTION_TUTOR)
    return user


def search_term(school: School, year: int) -> str:
    """The start of the surname of an ECT in the year: a search that finds someone."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.trs_last_name FROM participants_ectatschoolperiod e
               JOIN participants_teacher t ON t.id = e.teacher_id
               JOIN providers_contractperiod c ON c.year = %s
               WHERE e.school_id = %s AND e.started_on <= c.finished_on
                 AND (e.finished_on IS NULL OR e.finished_on >= c.started_on)
               ORDER BY t.trs_last_name LIMIT 1""",
            [year, school.pk],
        )
        row = cursor.fetchone()
    return row[0][:4] if row else "Smi"


def measure(
    client: Client, label: str, page: str, url: str, runs: int, slow_ms: float, status: int = 200
) -> Measured:
    timing = time_request(lambda: client.get(url), runs=runs, status=status)
    return Measured(
        school=label,
        page=page,
        url=url,
        median_ms=timing.median_ms,
        p95_ms=timing.p95_ms,
        queries=len(timing.queries),
        sql_ms=timing.sql_ms,
        slowest_ms=timing.slowest_ms,
        slow=timing.slower_than(slow_ms),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs per page (default 30)")
    parser.add_argument(
        "--slow-ms", type=float, default=SLOW_QUERY_MS, help="a query slower than this is slow"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every slow query")
    args = parser.parse_args()

    if refusal := refusal_unless_bench_database():
        print(refusal)
        return 2
    if not School.objects.exists():
        print("The database has no schools: build the England data set first (bench/seed_england.py).")
        return 2

    keep_query_log_across_requests()
    results: list[Measured] = []
    with transaction.atomic():
        for label, urn, year, people in pick_schools():
            school = School.objects.get(urn=urn)
            client = Client(HTTP_HOST="localhost")
            client.force_login(tutor_for(school))
            search = search_term(school, year)
            year_url = reverse("school_year", kwargs={"urn": urn, "year": year})
            mentors_url = reverse("school_year_mentors", kwargs={"urn": urn, "year": year})
            pages = [
                ("home (redirects to the year)", reverse("school_home", kwargs={"urn": urn})),
                ("ECTs", year_url),
                ("mentors", mentors_url),
                ("ECTs, training, searched", f"{year_url}?status=training&q={search}"),
                ("mentors, mentoring, searched", f"{mentors_url}?status=training&q={search}"),
            ]
            # Lists are 50 to a page; where there is one page, ?page=2 is served the last one.
            pages.append(("ECTs, page 2", f"{year_url}?page=2"))
            print(f"{label} school: {school.name} (URN {urn}), {year}: {people} ECT and mentor periods")
            for page, url in pages:
                status = 302 if page.startswith("home") else 200
                results.append(measure(client, label, page, url, args.runs, args.slow_ms, status))
                r = results[-1]
                print(
                    f"  {page:<30} median {r.median_ms:6.1f} ms  p95 {r.p95_ms:6.1f} ms  "
                    f"{r.queries:2d} queries, {r.sql_ms:4.0f} ms in SQL (slowest {r.slowest_ms:.0f} ms)"
                )

        slow = [(r, ms, sql) for r in results for ms, sql in r.slow]
        for r, ms, sql in slow:
            print(f"\nSlow query ({ms:.1f} ms) on the {r.school} school's {r.page} page ({r.url}):\n{sql}")
            if args.explain:
                print(explain(sql))
        transaction.set_rollback(True)  # leave the database as it was

    worst = max(r.p95_ms for r in results)
    print(
        f"\nslowest page p95: {worst:.1f} ms (target under {TARGET_MS} ms); {len(slow)} queries over {args.slow_ms:g} ms"
    )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
