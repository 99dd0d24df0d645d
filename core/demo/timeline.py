"""Dates the demo data is built around.

The data set describes England as it stands on DEMO_TODAY, a fixed date rather than the
real clock: two runs months apart must still build the same rows, and "ongoing" periods
(finished_on NULL) stay ongoing however long the demo database lives.
"""

import datetime
from zoneinfo import ZoneInfo

DEMO_TODAY = datetime.date(2026, 11, 20)
LONDON = ZoneInfo("Europe/London")
YEARS = [2021, 2022, 2023, 2024, 2025, 2026]
ONE_DAY = datetime.timedelta(days=1)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def contract_period_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of contract period `year`: 1 June that year to 31 May the next."""
    return datetime.date(year, 6, 1), datetime.date(year + 1, 5, 31)


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
