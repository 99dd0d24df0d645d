"""Reading a list request's query string: pages (page[page] from 1, page[per_page] up to 3,000),
filters and sort. Every problem is a BadQuery, which the view answers with a 422 naming them all."""

import datetime
import re
import uuid
from dataclasses import dataclass

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000


class BadQuery(Exception):
    """Query parameters that cannot be used; `problems` are (title, detail) pairs, all of them."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems


# Further than any list could reach: a page starting past it is empty without asking the database
# (whose OFFSET is a 64-bit number).
FURTHEST_OFFSET = 10**12


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def of(self, rows) -> list:
        """This page of a queryset (or list): empty after the last."""
        if self.offset > FURTHEST_OFFSET:
            return []
        return list(rows[self.offset : self.offset + self.per_page])


def digits(value, most: int) -> bool:
    """Whether `value` is 1 to `most` ASCII digits (str.isdigit would take "²" and "٣")."""
    return isinstance(value, str) and re.fullmatch(rf"[0-9]{{1,{most}}}", value) is not None


def positive_whole_number(value: str | None, *, name: str, default: int, most: int | None = None) -> int:
    """The parameter as a number; more than `most` is taken as `most`, as the DfE's services do."""
    if value is None or value == "":
        return default
    if not digits(value, 4000) or int(value) < 1:  # past any end, but int() reads up to 4,300 digits
        raise BadQuery([(f"Invalid {name}", f"{name} must be a whole number of 1 or more.")])
    return min(int(value), most) if most is not None else int(value)


def page_asked_for(query) -> Page:
    """The page the query string asks for; BadQuery naming every problem."""
    problems, values = [], {}
    for name, default, most in (("page[page]", 1, None), ("page[per_page]", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        try:
            values[name] = positive_whole_number(query.get(name), name=name, default=default, most=most)
        except BadQuery as bad:
            problems += bad.problems
    if problems:
        raise BadQuery(problems)
    return Page(number=values["page[page]"], per_page=values["page[per_page]"])


def cohorts_asked_for(query) -> list[int]:
    """filter[cohort]: years, comma-separated ("2024,2025"); BadQuery for anything else."""
    value = query.get("filter[cohort]", "").strip()
    if not value:
        return []
    years = [part.strip() for part in value.split(",")]
    if not all(re.fullmatch("[0-9]{4}", year) for year in years):
        raise BadQuery([("Invalid filter[cohort]", "filter[cohort] must be years, like 2025 or 2024,2025.")])
    return [int(year) for year in years]


def one_of(query, name: str, choices: tuple[str, ...]) -> str | None:
    """A parameter that must be one of `choices`, if given."""
    value = query.get(name, "").strip()
    if not value:
        return None
    if value not in choices:
        raise BadQuery([(f"Invalid {name}", f"{name} must be one of: {', '.join(choices)}.")])
    return value


def updated_since_asked_for(query) -> datetime.datetime | None:
    """filter[updated_since]: an ISO 8601 date and time (UTC when it names no offset)."""
    value = query.get("filter[updated_since]", "")
    if not value:
        return None
    # A "+01:00" sent unencoded in a query string arrives as " 01:00".
    value = value.strip().replace(" ", "+")
    try:
        when = datetime.datetime.fromisoformat(value)
        # In UTC, whatever offset it came with (Postgres refuses offsets beyond 15:59).
        when = when.astimezone(datetime.UTC) if when.tzinfo else when.replace(tzinfo=datetime.UTC)
    except (ValueError, OverflowError):
        raise BadQuery(
            [
                (
                    "Invalid filter[updated_since]",
                    "filter[updated_since] must be an ISO 8601 date and time, like 2026-09-01T08:30:00Z.",
                )
            ]
        ) from None
    return when


def uuid_asked_for(query, name: str) -> uuid.UUID | None:
    value = query.get(name, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadQuery([(f"Invalid {name}", f"{name} must be an id, like 7d3b4c1e-….")]) from None


def sort_asked_for(query, fields: tuple[str, ...], *, default: tuple[str, ...]) -> tuple[str, ...]:
    """sort: fields, comma-separated, each optionally led by "-" (newest first) or "+"."""
    value = query.get("sort", "").strip()
    if not value:
        return default
    keys = [part.strip() for part in value.split(",")]
    unknown = [key for key in keys if key.lstrip("+-") not in fields]
    if unknown:
        raise BadQuery(
            [("Invalid sort", f"You can sort by {', '.join(fields)}, each led by - for descending order.")]
        )
    return tuple(key.lstrip("+") for key in keys)


def uuids_asked_for(query, name: str) -> list[uuid.UUID]:
    """Ids, comma-separated."""
    value = query.get(name, "").strip()
    if not value:
        return []
    try:
        return [uuid.UUID(part.strip()) for part in value.split(",")]
    except ValueError:
        raise BadQuery([(f"Invalid {name}", f"{name} must be ids, comma-separated.")]) from None


def one_year_asked_for(query) -> int:
    """filter[cohort] where one year is required (schools answer for one year at a time)."""
    years = cohorts_asked_for(query)
    if len(years) != 1:
        raise BadQuery(
            [("Invalid filter[cohort]", "filter[cohort] must be one year, like 2025: it is required.")]
        )
    return years[0]


def urn_asked_for(query) -> int | None:
    value = query.get("filter[urn]", "").strip()
    if not value:
        return None
    if not digits(value, 9):
        raise BadQuery([("Invalid filter[urn]", "filter[urn] must be a school's URN, like 100001.")])
    return int(value)
