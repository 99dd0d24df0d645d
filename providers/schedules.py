"""Schedules: when a lead provider may declare each milestone of a participant's training.

Every contract period has the same twelve schedules, a kind (standard, extended, reduced,
replacement) for each term a participant can start in (september, january, april). Their
milestone windows follow one rule, by school term, written here once: a two-year programme is six
terms, and each declaration belongs to one term counted from the term the participant started.
Support staff may move a window in admin (the rows are data); the rule only makes them.

- started: the first term (for a September start, from 1 June, when schools register);
- retained-1 … retained-4: the next four terms, one each;
- completed: from the sixth term, with no end, since completing can take longer;
- extended-1 … extended-3 (extended schedules only): the three terms after the sixth.
"""

import datetime

from django.db import transaction

from providers.models import ContractPeriod, DeclarationType, Milestone, Schedule

KINDS = ("standard", "extended", "reduced", "replacement")
STARTS = ("september", "january", "april")
IDENTIFIERS = tuple(f"ecf-{kind}-{start}" for kind in KINDS for start in STARTS)

# Which kinds a participant of each role may be on: a reduced induction is an ECT's, a
# replacement mentor is a mentor's.
KINDS_FOR_ROLE = {
    "ect": ("standard", "extended", "reduced"),
    "mentor": ("standard", "extended", "replacement"),
}

_RETAINED = (
    DeclarationType.RETAINED_1,
    DeclarationType.RETAINED_2,
    DeclarationType.RETAINED_3,
    DeclarationType.RETAINED_4,
)
_EXTENDED = (DeclarationType.EXTENDED_1, DeclarationType.EXTENDED_2, DeclarationType.EXTENDED_3)


def term(year: int, index: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of term `index` counted from the autumn term of `year` (0 = autumn,
    1 = spring, 2 = summer, 3 = the next autumn …)."""
    academic_year = year + index // 3
    return {
        0: (datetime.date(academic_year, 9, 1), datetime.date(academic_year, 12, 31)),
        1: (datetime.date(academic_year + 1, 1, 1), datetime.date(academic_year + 1, 3, 31)),
        2: (datetime.date(academic_year + 1, 4, 1), datetime.date(academic_year + 1, 8, 31)),
    }[index % 3]


def milestone_windows(year: int, identifier: str) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """(declaration type, first day, last day or None) for each milestone of a schedule."""
    _, kind, start = identifier.split("-")
    first_term = STARTS.index(start)
    started_from, started_to = term(year, first_term)
    if start == "september":
        started_from = datetime.date(year, 6, 1)
    windows = [(DeclarationType.STARTED.value, started_from, started_to)]
    windows += [(retained.value, *term(year, first_term + n)) for n, retained in enumerate(_RETAINED, 1)]
    windows.append((DeclarationType.COMPLETED.value, term(year, first_term + 5)[0], None))
    if kind == "extended":
        windows += [
            (extended.value, *term(year, first_term + 5 + n)) for n, extended in enumerate(_EXTENDED, 1)
        ]
    return windows


def identifier_for_start(started_on: datetime.date, *, kind: str = "standard") -> str:
    """The schedule a participant starting on that day follows: by the term the day falls in."""
    start = "september" if started_on.month >= 9 else "january" if started_on.month <= 3 else "april"
    return f"ecf-{kind}-{start}"


@transaction.atomic
def add_schedules(contract_period: ContractPeriod) -> None:
    """Make the contract period's twelve schedules and their milestones, where missing (a schedule
    support staff have already adjusted is left as it is)."""
    Schedule.objects.bulk_create(
        [Schedule(contract_period=contract_period, identifier=identifier) for identifier in IDENTIFIERS],
        ignore_conflicts=True,
    )
    schedules = Schedule.objects.filter(contract_period=contract_period, milestones__isnull=True)
    Milestone.objects.bulk_create(
        [
            Milestone(schedule=schedule, declaration_type=kind, start_date=first, milestone_date=last)
            for schedule in schedules
            for kind, first, last in milestone_windows(contract_period.year, schedule.identifier)
        ],
        ignore_conflicts=True,
    )


def schedule_for(contract_period: ContractPeriod, identifier: str) -> Schedule:
    """The contract period's schedule of that identifier, made (with its siblings) if need be."""
    schedule = Schedule.objects.filter(contract_period=contract_period, identifier=identifier).first()
    if schedule is None:
        add_schedules(contract_period)
        schedule = Schedule.objects.get(contract_period=contract_period, identifier=identifier)
    return schedule
