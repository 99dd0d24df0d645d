"""Time the payment calculation of the largest lead provider's statements on England-scale data.

Picks the lead provider with the most declarations, and of its contract periods the one with the
most declarations that still has an open statement: its latest open statement (whose calculation
counts every declaration of the period), its latest payable statement, and its latest paid one
(read from what was written down when it was paid, so no query). Then the provider with the
fewest declarations, and its latest open and payable statements the same way. Each is calculated
with finance.queries.calculate (the contract in force, its bands, the counts and the
calculation: what a statement page does first) after two warm-up runs, over --runs runs; prints
the median and 95th percentile and the SQL queries of one run, and any query slower than
--slow-ms (with --explain, its EXPLAIN ANALYZE). The database is only read.

Exits 1 when a statement takes 2 s or more at the 95th percentile, or when the small provider's
statements take a different number of queries from the largest's (the count must not grow with
the declarations).

Run from the project folder on the England seed (see README.md), with DATABASE_URL pointing at a
database whose name ends in _bench:

    .venv/bin/python bench/finance_statement.py [--runs 30] [--explain]
"""

import argparse
import sys
from dataclasses import dataclass

from common import Timing, explain, refusal_unless_bench_database, time_call
from django.db import connection
from django.db.models import Count, Q

from finance import queries
from finance.models import Declaration, Statement
from providers.models import ActiveLeadProvider, LeadProvider

TARGET_MS = 2_000  # a statement's calculation, at the 95th percentile (issue 18)
SLOW_QUERY_MS = 100


@dataclass
class Case:
    label: str
    statement: Statement
    counted: int  # declarations its calculation counts: on its provider's statements up to it
    timing: Timing


def declarations_by_provider() -> list[tuple[int, int]]:
    """[(lead provider id, declarations)], most first."""
    return list(
        LeadProvider.objects.annotate(n=Count("declarations"))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .values_list("pk", "n")
    )


def pick_statements(lead_provider_id: int, states: tuple[str, ...]) -> dict[str, Statement]:
    """The provider's latest statement in each state, from its contract period with the most
    declarations among those that have a statement in that state."""
    periods = (
        ActiveLeadProvider.objects.filter(lead_provider_id=lead_provider_id)
        .annotate(n=Count("statements__declarations"))
        .order_by("-n", "-contract_period_id")
    )
    picked = {}
    for state in states:
        in_state = {
            "open": Q(marked_payable_at__isnull=True),
            "payable": Q(marked_payable_at__isnull=False, paid_at__isnull=True),
            "paid": Q(paid_at__isnull=False),
        }[state]
        for period in periods:
            statement = (
                Statement.objects.filter(in_state, active_lead_provider=period)
                .select_related("active_lead_provider__lead_provider")
                .order_by("-deadline_date")
                .first()
            )
            if statement is not None:
                picked[state] = statement
                break
    return picked


def counted(statement: Statement) -> int:
    """The declarations the statement's calculation counts: paid or clawed back on its provider's
    statements of the period up to its deadline."""
    up_to = Q(
        active_lead_provider=statement.active_lead_provider_id, deadline_date__lte=statement.deadline_date
    )
    statements = Statement.objects.filter(up_to)
    return (
        Declaration.objects.filter(Q(payment_statement__in=statements) | Q(clawback_statement__in=statements))
        .distinct()
        .count()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="warm runs per statement (default 30)")
    parser.add_argument(
        "--slow-ms", type=float, default=SLOW_QUERY_MS, help="a query slower than this is slow"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every slow query")
    args = parser.parse_args()

    if refusal := refusal_unless_bench_database():
        print(refusal)
        return 2
    providers = declarations_by_provider()
    if len(providers) < 2:
        print("The database has no declarations: build the England data set first (bench/seed_england.py).")
        return 2
    total = Declaration.objects.count()
    (largest, largest_n), (smallest, smallest_n) = providers[0], providers[-1]
    print(f"{total:,} declarations; {len(providers)} lead providers with some")

    cases: list[Case] = []
    for provider_id, n, states in (
        (largest, largest_n, ("open", "payable", "paid")),
        (smallest, smallest_n, ("open", "payable")),
    ):
        name = LeadProvider.objects.get(pk=provider_id).name
        size = "largest" if provider_id == largest else "smallest"
        print(f"{size} provider: {name}, {n:,} declarations")
        for state, statement in pick_statements(provider_id, states).items():
            timing = time_call(lambda statement=statement: queries.calculate(statement), runs=args.runs)
            case = Case(f"{size}, {state}", statement, counted(statement), timing)
            cases.append(case)
            print(
                f"  {state:<8} {statement.active_lead_provider.contract_period_id} {statement.year}-{statement.month:02d}"
                f" ({case.counted:>7,} declarations counted)  median {timing.median_ms:7.1f} ms"
                f"  p95 {timing.p95_ms:7.1f} ms  {len(timing.queries)} queries, {timing.sql_ms:5.0f} ms in SQL"
                f" (slowest {timing.slowest_ms:.0f} ms)"
            )

    for case in cases:
        for ms, sql in case.timing.slower_than(args.slow_ms):
            print(f"\nSlow query ({ms:.1f} ms) for {case.label} ({case.statement}):\n{sql}")
            if args.explain:
                print(explain(sql))

    worst = max(case.timing.p95_ms for case in cases)
    by_state: dict[str, set[int]] = {}
    for case in cases:
        by_state.setdefault(case.label.split(", ")[1], set()).add(len(case.timing.queries))
    constant = all(len(counts) == 1 for counts in by_state.values())
    print(f"\nslowest statement p95: {worst:.1f} ms (target under {TARGET_MS:,} ms)")
    print(
        "queries per statement, largest and smallest provider: "
        + ", ".join(f"{state} {sorted(counts)}" for state, counts in by_state.items())
        + (" (the same)" if constant else " (must be the same: FAILS)")
    )
    print(f"database: {connection.settings_dict['NAME']}")
    return 0 if worst < TARGET_MS and constant else 1


if __name__ == "__main__":
    sys.exit(main())
