"""Dates the demo data is built around.

The data set describes England as it stands on the day it is seeded (`seed_day()`, the
service's clock when the run began, so a run that crosses midnight still describes one day):
the contract periods since the ECF began in 2021 up to the one that has started most recently,
the academic year schools are registering for, and people whose periods make sense that day.
Two runs on the same day build the same rows; a run on another day builds that day's England.
"""

import contextlib
import contextvars
import datetime
from zoneinfo import ZoneInfo

from core import clock
from providers.models import ContractPeriod

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR = 2021  # the first contract period of the Early Career Framework
ONE_DAY = datetime.timedelta(days=1)

_seed_day: contextvars.ContextVar[datetime.date] = contextvars.ContextVar("seed_day")


@contextlib.contextmanager
def seeding():
    """Describe England as it is today, by the service's clock, for the whole of a seed run."""
    token = _seed_day.set(clock.today())
    try:
        yield _seed_day.get()
    finally:
        _seed_day.reset(token)


def seed_day() -> datetime.date:
    """The day the demo data describes: the run's today (or, outside a run, the clock's)."""
    return _seed_day.get(None) or clock.today()


def years() -> list[int]:
    """Every contract period from the first to the one that has started most recently."""
    return list(range(FIRST_YEAR, contract_year_of(seed_day()) + 1))


def registration_year() -> int:
    """The year schools are registering for: the academic year the seed day is in."""
    return clock.academic_year_of(seed_day())


def open_years() -> set[int]:
    """The contract periods open for registration, as the DfE opens them: this academic year's,
    and the next one's from the day its contract period starts (1 June)."""
    return {year for year in (registration_year(), registration_year() + 1) if year in years()}


def payments_frozen_at(year: int) -> datetime.datetime | None:
    """When a contract period's payments were frozen, if they have been: ECF1 froze 2021 and 2022
    at 5pm on 31 July three years after they opened, and the rule carries on."""
    frozen_at = datetime.datetime(year + 3, 7, 31, 17, 0, tzinfo=LONDON)
    return frozen_at if frozen_at.date() < seed_day() else None


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def contract_period_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of contract period `year`: 1 June that year to 31 May the next."""
    return ContractPeriod.dates_of(year)


def contract_year_of(day: datetime.date) -> int:
    """The contract period a day falls in."""
    started_on, _ = contract_period_dates(day.year)
    return day.year if day >= started_on else day.year - 1


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment on a day, London time (registrations happen in office hours)."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def earlier(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    """The earlier of two finish dates, where None means "ongoing" (later than any date)."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def terms_between(start: datetime.date, finish: datetime.date, full_time_equivalent: float = 1.0) -> float:
    """Terms of induction served, to the half term (three terms a year, pro rata for part time)."""
    terms = (finish - start).days / (365.25 / 3) * full_time_equivalent
    return max(0.0, min(16.0, round(terms * 2) / 2))
