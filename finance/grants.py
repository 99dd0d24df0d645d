"""The mentor grant for schools: what a school is paid for its mentors' time off timetable to do
DfE-funded mentor training, per school and term, as a pure function of plain values (no Django, no
database). The rule and where it comes from are in docs/decisions/0037; in short:

- **Backfill** (mentors whose training is in a contract period up to 2024): up to 36 hours per
  mentor over their first two years of training, 6 hours for each term they trained at an eligible
  school, at most 6 terms. A term counts once the lead provider has confirmed the start (a live
  started declaration); a term of the second year (the 4th to 6th) also needs a live retained-3,
  retained-4 or completed declaration; no term after a live completed declaration counts. A term
  is paid to one school: where the mentor's training was latest in that term.
- **ECTPM** (training in a contract period from 2025): up to 20 hours over one year, 4 hours on a
  live started declaration and 16 on a live completed one, paid to the school of the training the
  declaration is for, in the term of its date.
- **Money**: each term's hours × the hourly rate of the school's area, rounded to the penny once
  per school, grant and term (`finance.calculator.money.to_pence`); a whole year's amount is the
  sum of its terms' amounts, so the year always equals its terms added up.

`school_grants(mentors, schools, terms)` gives one row per school and grant; `grant_queries.py`
reads the values from the database in a fixed number of queries.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from finance.calculator.money import to_pence

# An academic year runs from 1 September and is named by the year it starts (as core.clock says;
# repeated here so this module needs no Django).
ACADEMIC_YEAR_STARTS = (9, 1)


def academic_year_start(year: int) -> datetime.date:
    return datetime.date(year, *ACADEMIC_YEAR_STARTS)


# --- Terms ------------------------------------------------------------------------------------------


class Term(StrEnum):
    """A school term as the grant counts it. The boundaries are the months the DfE's training
    schedules start in (ecf-…-september, -january, -april), so every day is in exactly one term."""

    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"

    @property
    def label(self) -> str:
        return f"{self.value.capitalize()} term"


TERM_STARTS = {Term.AUTUMN: (9, 1), Term.SPRING: (1, 1), Term.SUMMER: (4, 1)}
TERMS = (Term.AUTUMN, Term.SPRING, Term.SUMMER)


@dataclass(frozen=True, order=True)
class SchoolTerm:
    """One term of one academic year: `SchoolTerm(2024, Term.SPRING)` is 1 January to 31 March 2025."""

    year: int
    index: int  # 0 autumn, 1 spring, 2 summer: so terms sort in time order

    @classmethod
    def of(cls, year: int, term: Term) -> "SchoolTerm":
        return cls(year, TERMS.index(term))

    @classmethod
    def containing(cls, day: datetime.date) -> "SchoolTerm":
        year = day.year if (day.month, day.day) >= ACADEMIC_YEAR_STARTS else day.year - 1
        index = 0 if day.month >= 9 else 1 if day.month <= 3 else 2
        return cls(year, index)

    @property
    def term(self) -> Term:
        return TERMS[self.index]

    @property
    def start(self) -> datetime.date:
        return _term_days(self.year, self.index)[0]

    @property
    def end(self) -> datetime.date:
        return _term_days(self.year, self.index)[1]

    def following(self) -> "SchoolTerm":
        return SchoolTerm(self.year + 1, 0) if self.index == 2 else SchoolTerm(self.year, self.index + 1)

    @property
    def label(self) -> str:
        return f"{self.term.label} {academic_year_label(self.year)}"


@functools.cache
def _term_days(year: int, index: int) -> tuple[datetime.date, datetime.date]:
    """A term's first and last day (remembered: the rule asks for them term after term)."""

    def first_day(year: int, index: int) -> datetime.date:
        month, day = TERM_STARTS[TERMS[index]]
        return datetime.date(year if index == 0 else year + 1, month, day)

    following = (year + 1, 0) if index == 2 else (year, index + 1)
    return first_day(year, index), first_day(*following) - datetime.timedelta(days=1)


def academic_year_label(year: int) -> str:
    return f"{year} to {year + 1}"


def terms_of(year: int, term: Term | None = None) -> tuple[SchoolTerm, ...]:
    """The term asked for, or all three terms of the academic year when none is."""
    return (SchoolTerm.of(year, term),) if term else tuple(SchoolTerm.of(year, t) for t in TERMS)


def period_label(terms: Sequence[SchoolTerm]) -> str:
    """What a row's "Term" says: one term, or the whole year."""
    if len(terms) == 1:
        return terms[0].label
    return f"Whole year {academic_year_label(terms[0].year)}"


# --- Grants, areas and rates -------------------------------------------------------------------------


class Grant(StrEnum):
    BACKFILL = "backfill"
    ECTPM = "ectpm"

    @property
    def label(self) -> str:
        return {
            Grant.BACKFILL: "ECF mentor training backfill",
            Grant.ECTPM: "Early career training programme for mentors",
        }[self]


# Mentors of contract periods up to this one train for two years with backfill; later ones, one year.
LAST_BACKFILL_CONTRACT_PERIOD = 2024


def grant_for(contract_period: int) -> Grant:
    return Grant.BACKFILL if contract_period <= LAST_BACKFILL_CONTRACT_PERIOD else Grant.ECTPM


class RateArea(StrEnum):
    """The pay areas of the School Teachers' Pay and Conditions Document, which the grant's rates follow."""

    INNER_LONDON = "inner_london"
    OUTER_LONDON = "outer_london"
    FRINGE = "fringe"
    REST_OF_ENGLAND = "rest_of_england"

    @property
    def label(self) -> str:
        return {
            RateArea.INNER_LONDON: "Inner London",
            RateArea.OUTER_LONDON: "Outer London",
            RateArea.FRINGE: "London fringe",
            RateArea.REST_OF_ENGLAND: "Rest of England",
        }[self]


# The London boroughs in the pay document's inner London area (wider than the statistical Inner
# London), spelt as GIAS names local authorities. The other London boroughs are outer London.
INNER_LONDON_AUTHORITIES = frozenset(
    {
        "Barking and Dagenham",
        "Brent",
        "Camden",
        "City of London",
        "Ealing",
        "Hackney",
        "Hammersmith and Fulham",
        "Haringey",
        "Islington",
        "Kensington and Chelsea",
        "Lambeth",
        "Lewisham",
        "Merton",
        "Newham",
        "Redbridge",
        "Southwark",
        "Tower Hamlets",
        "Waltham Forest",
        "Wandsworth",
        "Westminster",
    }
)
LONDON_REGION = "London"  # GIAS `GOR (name)`
# Local authorities wholly in the fringe. Parts of Buckinghamshire, Essex, Hertfordshire, Kent and
# West Sussex are in it too, by district, which we do not hold: their schools get the rest of
# England's rate (decision 0037).
FRINGE_AUTHORITIES = frozenset({"Bracknell Forest", "Slough", "Surrey", "Thurrock", "Windsor and Maidenhead"})


def rate_area(*, region: str, local_authority: str) -> RateArea:
    authority = local_authority.strip()
    if region.strip() == LONDON_REGION:
        return RateArea.INNER_LONDON if authority in INNER_LONDON_AUTHORITIES else RateArea.OUTER_LONDON
    if authority in FRINGE_AUTHORITIES:
        return RateArea.FRINGE
    return RateArea.REST_OF_ENGLAND


# Pounds per hour, from the first academic year they apply to. Backfill: the DfE's published cost of
# 36 hours per area divided by 36, to four places, which gives back the published 36-hour figure
# when rounded to the penny. ECTPM: the DfE's £721.68 for 20 hours, exactly; no area figures known.
HOURLY_RATES: dict[Grant, tuple[tuple[int, Mapping[RateArea, Decimal]], ...]] = {
    Grant.BACKFILL: (
        (
            2021,
            {
                RateArea.INNER_LONDON: Decimal("53.5900"),  # £1,929.24 for 36 hours
                RateArea.OUTER_LONDON: Decimal("48.2539"),  # £1,737.14
                RateArea.FRINGE: Decimal("45.0900"),  # £1,623.24
                RateArea.REST_OF_ENGLAND: Decimal("43.7806"),  # £1,576.10
            },
        ),
    ),
    Grant.ECTPM: ((2025, dict.fromkeys(RateArea, Decimal("36.0840"))),),
}


def hourly_rate(grant: Grant, area: RateArea, year: int) -> Decimal:
    """The rate for the academic year: the latest set that applies from that year or before."""
    rates = [by_area for first_year, by_area in HOURLY_RATES[grant] if first_year <= year]
    if not rates:
        rates = [HOURLY_RATES[grant][0][1]]  # a year before the first set: the first set
    return rates[-1][area]


BACKFILL_HOURS_PER_TERM = 6
BACKFILL_TERMS = 6  # 36 hours
FIRST_YEAR_TERMS = 3
SECOND_YEAR_CONFIRMATIONS = frozenset({"retained-3", "retained-4", "completed"})
ECTPM_HOURS = {"started": 4, "completed": 16}  # 20% and 80% of 20 hours


# --- The facts, as plain values -----------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """One mentor training period (provider-led, as all mentor training is)."""

    school_id: int
    started_on: datetime.date
    finished_on: datetime.date | None
    stopped_on: datetime.date | None  # the day it was withdrawn or deferred, if it was
    contract_period: int

    @functools.cached_property
    def counts_from(self) -> datetime.date:
        """Training registered before its contract period's academic year counts from its start."""
        return max(self.started_on, academic_year_start(self.contract_period))

    @functools.cached_property
    def counts_until(self) -> datetime.date | None:
        ends = [day for day in (self.finished_on, self.stopped_on) if day is not None]
        return min(ends) if ends else None

    def days_in(self, term: SchoolTerm) -> tuple[datetime.date, datetime.date] | None:
        """The first and last day of this training within the term, if it was on in the term."""
        first = max(self.counts_from, term.start)
        last = min(self.counts_until or term.end, term.end)
        return (first, last) if first <= last else None


@dataclass(frozen=True)
class MentorDeclaration:
    declaration_type: str
    declared_on: datetime.date
    # Funded and standing: eligible or paid, neither voided nor being clawed back.
    live: bool
    school_id: int  # of the training it was declared for
    contract_period: int


@dataclass(frozen=True)
class Mentor:
    mentor_id: int
    trainings: tuple[Training, ...]
    declarations: tuple[MentorDeclaration, ...]


@dataclass(frozen=True)
class School:
    school_id: int
    urn: int
    name: str
    area: RateArea
    eligible: bool


@dataclass(frozen=True)
class MentorHours:
    """Hours one mentor earns one school in one term."""

    mentor_id: int
    school_id: int
    grant: Grant
    term: SchoolTerm
    hours: int


@dataclass(frozen=True)
class SchoolGrant:
    """One row of the payment file: a school's grant of one kind for the term (or year)."""

    urn: int
    school_name: str
    area: RateArea
    grant: Grant
    period: str
    mentors: int
    hours: int
    hourly_rate: Decimal
    amount: Decimal


# --- The rule ----------------------------------------------------------------------------------------


def _backfill_hours(mentor: Mentor, *, eligible: set[int], until: SchoolTerm) -> list[MentorHours]:
    """The mentor's funded backfill terms, from their first up to `until`, each with its school."""
    live = [d for d in mentor.declarations if d.live]
    if not any(d.declaration_type == "started" for d in live):
        return []  # the lead provider has not confirmed they started
    completed = [d.declared_on for d in live if d.declaration_type == "completed"]
    funding_ends = min(completed) if completed else None
    second_year_confirmed = any(d.declaration_type in SECOND_YEAR_CONFIRMATIONS for d in live)
    trainings = [
        t
        for t in mentor.trainings
        if grant_for(t.contract_period) is Grant.BACKFILL and t.school_id in eligible
    ]
    if not trainings:
        return []
    funded, counted = [], 0
    term = SchoolTerm.containing(min(t.counts_from for t in trainings))
    while term <= until and counted < BACKFILL_TERMS:
        if funding_ends is not None and funding_ends < term.start:
            break
        on = [(days, t) for t in trainings if (days := t.days_in(term))]
        if on:
            counted += 1
            if counted <= FIRST_YEAR_TERMS or second_year_confirmed:
                # Where they were latest in the term (then the later start, then the lower id).
                (_first, _last), training = max(on, key=lambda o: (o[0][1], o[0][0], -o[1].school_id))
                funded.append(
                    MentorHours(
                        mentor.mentor_id, training.school_id, Grant.BACKFILL, term, BACKFILL_HOURS_PER_TERM
                    )
                )
        term = term.following()
    return funded


def _ectpm_hours(mentor: Mentor, *, eligible: set[int]) -> list[MentorHours]:
    hours = []
    for d in mentor.declarations:
        if not d.live or grant_for(d.contract_period) is not Grant.ECTPM or d.school_id not in eligible:
            continue
        if d.declaration_type in ECTPM_HOURS:
            # A declaration made before its contract period's academic year counts in its first term.
            term = SchoolTerm.containing(max(d.declared_on, academic_year_start(d.contract_period)))
            hours.append(
                MentorHours(mentor.mentor_id, d.school_id, Grant.ECTPM, term, ECTPM_HOURS[d.declaration_type])
            )
    return hours


def mentor_hours(mentor: Mentor, terms: Sequence[SchoolTerm], *, eligible: set[int]) -> list[MentorHours]:
    """The hours the mentor earns schools in these terms, under whichever grant their training is."""
    wanted = set(terms)
    found = _backfill_hours(mentor, eligible=eligible, until=max(terms)) + _ectpm_hours(
        mentor, eligible=eligible
    )
    return [h for h in found if h.term in wanted]


def school_grants(
    mentors: Iterable[Mentor], schools: Mapping[int, School], terms: Sequence[SchoolTerm]
) -> list[SchoolGrant]:
    """One row per school and grant with hours in these terms, by school name then URN."""
    eligible = {school_id for school_id, school in schools.items() if school.eligible}
    hours: dict[tuple[int, Grant], int] = defaultdict(int)
    hours_by_term: dict[tuple[int, Grant], dict[SchoolTerm, int]] = defaultdict(lambda: defaultdict(int))
    funded: dict[tuple[int, Grant], set[int]] = defaultdict(set)
    for mentor in mentors:
        for found in mentor_hours(mentor, terms, eligible=eligible):
            key = (found.school_id, found.grant)
            hours[key] += found.hours
            hours_by_term[key][found.term] += found.hours
            funded[key].add(found.mentor_id)
    year = terms[0].year
    rows = []
    for (school_id, grant), total in hours.items():
        school = schools[school_id]
        rate = hourly_rate(grant, school.area, year)
        amount = sum(
            (to_pence(term_hours * rate) for term_hours in hours_by_term[(school_id, grant)].values()),
            Decimal("0.00"),
        )
        rows.append(
            SchoolGrant(
                urn=school.urn,
                school_name=school.name,
                area=school.area,
                grant=grant,
                period=period_label(terms),
                mentors=len(funded[(school_id, grant)]),
                hours=total,
                hourly_rate=rate,
                amount=amount,
            )
        )
    return sorted(rows, key=lambda r: (r.school_name, r.urn, r.grant.value))
