"""The days the tests are written in, relative to the day they run.

Every test runs with the service's clock frozen (ticking) on TEST_DAY, the latest 20 November
on or before the day the suite runs (`bin/dev test --today …` moves that day): the autumn term
of academic year THIS_YEAR, which is also contract period THIS_YEAR (1 June THIS_YEAR to 31 May
the year after). Tests write their dates from THIS_YEAR ("1 September this year" is
`date(THIS_YEAR, 9, 1)`, "next January" `date(THIS_YEAR + 1, 1, 5)`), so the same test checks
the same thing in whichever year it runs, and a literal year in a test is a date bomb.

TEST_DAY is never later than the real day, so stamps the database makes with its own clock (the
lead provider API's change stamps) are never earlier than the times the tests give.

A test about another day of the year moves the clock itself: `service_clock.move_to(moment(…))`.
"""

import datetime
from zoneinfo import ZoneInfo

from core import clock
from core.clock import academic_year_of

LONDON = ZoneInfo("Europe/London")


def latest(month: int, day: int, *, on_or_before: datetime.date) -> datetime.date:
    """The latest `day` of `month` on or before a date."""
    this_calendar_year = datetime.date(on_or_before.year, month, day)
    return (
        this_calendar_year
        if this_calendar_year <= on_or_before
        else this_calendar_year.replace(year=on_or_before.year - 1)
    )


RUN_DAY = clock.today()  # the real day, or the one `bin/dev test --today` gives every process
TEST_DAY = latest(11, 20, on_or_before=RUN_DAY)
THIS_YEAR = academic_year_of(TEST_DAY)
NEXT_YEAR = THIS_YEAR + 1
LAST_YEAR = THIS_YEAR - 1


def in_year(month: int, day: int, year: int = THIS_YEAR) -> datetime.date:
    """A day of academic year `year`: September to December fall in `year`, January to August in
    the year after (`in_year(8, 31)` is the last day of this academic year)."""
    return datetime.date(year if month >= 9 else year + 1, month, day)


def moment(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A time on a day, London time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def long_date(day: datetime.date) -> str:
    """A date as the service writes it: "1 September 2026"."""
    return f"{day.day} {day:%B %Y}"
