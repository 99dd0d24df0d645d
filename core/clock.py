"""The service's clock: the one place that says what time it is and what day it is in England.

Every part of the service asks here (ruff's banned-api rule refuses `timezone.now()`,
`date.today()` and `datetime.now()` anywhere else), so a test moves the whole service with
`time-machine`, and `bin/dev --today` moves it, its database and its browser together
(docs/decisions/0018).

The database stamps nothing the service compares with this clock: timestamps are written from
`now()`. The one exception is the lead provider API's change stamps (`Teacher.api_updated_at`),
which must be the database's own `clock_timestamp()` to be exact under concurrent writers; they
are compared only with each other and with times the API itself handed out.
"""

import datetime

from django.utils import timezone

# An academic year in England runs from 1 September to 31 August; it is named by the year it starts.
ACADEMIC_YEAR_STARTS = (9, 1)


def now() -> datetime.datetime:
    """This moment, timezone-aware (UTC)."""
    return timezone.now()  # noqa: TID251 - the one place that may


def today() -> datetime.date:
    """Today's date in England (the service's TIME_ZONE, Europe/London)."""
    return timezone.localtime(now()).date()


def academic_year_of(day: datetime.date) -> int:
    """The academic year a day falls in, named by the year it starts: 31 August 2027 is in 2026."""
    return day.year if (day.month, day.day) >= ACADEMIC_YEAR_STARTS else day.year - 1


def academic_year_start(year: int) -> datetime.date:
    return datetime.date(year, *ACADEMIC_YEAR_STARTS)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The date in England at a given moment."""
    return timezone.localtime(moment).date()
