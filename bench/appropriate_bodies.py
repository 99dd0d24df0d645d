"""Time the appropriate body pages on England-scale data, as the largest body's staff see them.

Picks the appropriate body that can see the most teachers (claimed by it, or reported to it by a
school), then renders through Django's test Client (middleware, session, queries, templates),
signed in as a person acting for it (made for the run inside a transaction that is rolled back):
the home page with its four review counts, each review list (and one searched), the list of all
its ECTs, and the teacher page of its teacher with the most history and of one with the least. Prints the
median and 95th percentile of the warm runs and the SQL queries per page. The two teacher pages must take
the same number of queries: the count does not grow with a teacher's history.

Run from the project folder on the England seed (see README.md), with DATABASE_URL pointing at a
database whose name ends in _bench:

    .venv/bin/python bench/appropriate_bodies.py [--runs 30] [--explain]
"""

import argparse
import sys

from common import explain, keep_query_log_across_requests, refusal_unless_bench_database, time_request
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from appropriate_bodies.models import AppropriateBodyAccess
from appropriate_bodies.queries import REVIEW_LISTS
from core import clock
from providers.models import AppropriateBody

TARGET_MS = 100  # a page, at the 95th percentile
SLOW_QUERY_MS = 20

# Each body with how many teachers it sees, largest last.
BODY_SIZES = """
SELECT body, count(DISTINCT teacher) FROM (
    SELECT appropriate_body_id AS body, teacher_id AS teacher FROM participants_inductionperiod
    UNION ALL
    SELECT school_reported_appropriate_body_id, teacher_id FROM participants_ectatschoolperiod
    WHERE school_reported_appropriate_body_id IS NOT NULL
) seen GROUP BY body ORDER BY 2, 1
"""

# The body's teachers by how much history they have (induction, school and training periods, declarations).
TEACHER_SIZES = """
SELECT t.id,
    (SELECT count(*) FROM participants_inductionperiod i WHERE i.teacher_id = t.id)
  + (SELECT count(*) FROM participants_ectatschoolperiod e WHERE e.teacher_id = t.id)
  + (SELECT count(*) FROM participants_trainingperiod p
       JOIN participants_ectatschoolperiod e ON e.id = p.ect_at_school_period_id WHERE e.teacher_id = t.id)
FROM participants_teacher t
WHERE t.id IN (SELECT teacher_id FROM participants_inductionperiod WHERE appropriate_body_id = %s)
ORDER BY 2, 1
"""


def body_user(body: AppropriateBody) -> User:
    user = User.objects.create_user(
        f"reviewer.{body.pk}@bench.example.com",
        full_name="Bench Reviewer",
        privacy_notice_accepted_at=clock.now(),
    )
    AppropriateBodyAccess.objects.create(user=user, appropriate_body=body)
    return user


def teachers_by_history(body: AppropriateBody) -> tuple[tuple[int, int], tuple[int, int]]:
    """(id, rows of history) of the body's teacher with the least history, and with the most."""
    with connection.cursor() as cursor:
        cursor.execute(TEACHER_SIZES, [body.pk])
        rows = cursor.fetchall()
    return rows[0], rows[-1]


def pages_for(body: AppropriateBody) -> list[tuple[str, str]]:
    home = reverse("appropriate_body_home", kwargs={"body_id": body.pk})
    pages = [("home: four review counts", home)]
    for slug in REVIEW_LISTS:
        url = reverse("appropriate_body_review", kwargs={"body_id": body.pk, "slug": slug})
        pages.append((f"review: {slug}", url))
    pages.append(("review: reported, searched", f"{pages[1][1]}?q=Smi"))
    try:
        everyone = reverse("appropriate_body_teachers", kwargs={"body_id": body.pk})
    except NoReverseMatch:  # the list of all ECTs is not built yet
        pass
    else:
        pages += [("all ECTs", everyone), ("all ECTs, page 3", f"{everyone}?page=3")]
    least, most = teachers_by_history(body)
    for label, (teacher_id, rows) in (("least", least), ("most", most)):
        url = reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher_id})
        pages.append((f"teacher, {label} history ({rows} rows)", url))
    return pages


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
    with connection.cursor() as cursor:
        cursor.execute(BODY_SIZES)
        sizes = cursor.fetchall()
    if not sizes:
        print(
            "The database has no induction periods: build the England data set first (bench/seed_england.py)."
        )
        return 2

    keep_query_log_across_requests()
    body_id, seen = sizes[-1]
    results = []
    with transaction.atomic():
        body = AppropriateBody.objects.get(pk=body_id)
        print(f"largest body: {body.name}, sees {seen:,} teachers")
        client = Client(HTTP_HOST="localhost")
        client.force_login(body_user(body))
        for page, url in pages_for(body):
            timing = time_request(lambda url=url: client.get(url), runs=args.runs)
            results.append((page, url, timing))
            print(
                f"  {page:<38} median {timing.median_ms:6.1f} ms  p95 {timing.p95_ms:6.1f} ms  "
                f"{len(timing.queries):2d} queries, {timing.sql_ms:4.0f} ms in SQL (slowest {timing.slowest_ms:.0f} ms)"
            )
        for page, url, timing in results:
            for ms, sql in timing.slower_than(args.slow_ms):
                print(f"\nSlow query ({ms:.1f} ms) on {page} ({url}):\n{sql}")
                if args.explain:
                    print(explain(sql))
        transaction.set_rollback(True)  # leave the database as it was

    # The target is the issue's: the review pages and the teacher page. The list of all ECTs is
    # measured too, and reported against the same figure, but does not decide the exit status.
    in_target = [timing.p95_ms for page, _, timing in results if not page.startswith("all ECTs")]
    worst = max(in_target)
    listed = [timing.p95_ms for page, _, timing in results if page.startswith("all ECTs")]
    teacher_queries = {len(timing.queries) for page, _, timing in results if page.startswith("teacher")}
    print(f"\nslowest review or teacher page p95: {worst:.1f} ms (target under {TARGET_MS} ms)")
    if listed:
        print(
            f"list of all ECTs p95: {max(listed):.1f} ms (not yet under {TARGET_MS} ms)"
            if max(listed) >= TARGET_MS
            else f"list of all ECTs p95: {max(listed):.1f} ms"
        )
    print(f"teacher page queries, least and most history: {sorted(teacher_queries)} (must be one number)")
    return 0 if worst < TARGET_MS and len(teacher_queries) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
