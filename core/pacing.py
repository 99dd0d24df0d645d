"""Limits on how often something may be asked for, counted from rows we keep anyway (sign-in
requests, nomination links), so they hold across every web process with nothing else to run."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    times: int
    per: datetime.timedelta


def next_allowed_at(
    earlier: Iterable[datetime.datetime], limits: Iterable[Limit], *, now: datetime.datetime
) -> datetime.datetime | None:
    """When the next request may be made, given the times of earlier ones; None when it may be now."""
    earlier = sorted(earlier, reverse=True)
    waits = []
    for limit in limits:
        recent = [moment for moment in earlier if moment > now - limit.per]
        if len(recent) >= limit.times:
            # The oldest request that still counts must leave the window first.
            waits.append(recent[limit.times - 1] + limit.per)
    return max(waits) if waits else None
