"""Reading a request's query string as the DfE's v3 API reads it (docs/decisions/0032): pages
(page[page] from 1, page[per_page] up to 3,000), filters and sort.

Only three things are refused, each with a 400: a `filter` that is not filter[name]=value, a
filter an endpoint requires left out (filter[cohort] for schools), and an updated_since or page
that cannot be read. Any other value is taken as the DfE takes it: a filter value that cannot match
anything matches nothing (an empty list), and a sort field we do not know is left out."""

import datetime
import re
import uuid
from dataclasses import dataclass

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000

# The titles of the DfE's errors, which a client may match on.
BAD_REQUEST = "Bad request"
BAD_PARAMETER = "Bad parameter"


class BadQuery(Exception):
    """Query parameters that cannot be used; `problems` are (title, detail) pairs, all of them, in
    the order the DfE checks them (so the first is the one the DfE answers with)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems


def blank(value: str | None) -> bool:
    """Not given, empty or only spaces: the DfE takes such a filter as not given."""
    return value is None or not value.strip()


# --- The filter parameter as a whole ----------------------------------------------------------------


def filter_problems(query, required: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """`filter` must be filter[name]=value pairs, and include each of `required` (given at all,
    even empty, is enough). Checked on every endpoint, before anything else."""
    if any(key == "filter" or key.startswith("filter[]") for key in query):
        return [(BAD_PARAMETER, "Give filters as filter[name]=value, like filter[cohort]=2025.")]
    return [
        (BAD_PARAMETER, f"filter[{name}] is required here, like filter[{name}]=2025.")
        for name in required
        if not any(key == f"filter[{name}]" or key.startswith(f"filter[{name}][") for key in query)
    ]


# --- Pages ----------------------------------------------------------------------------------------------

# Further than any list could reach: a page starting past it is empty without asking the database
# (whose OFFSET is a 64-bit number).
FURTHEST_OFFSET = 10**12
# A number longer than this is past any end, and is not read further.
LONGEST_NUMBER = 15


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


_LEADING_NUMBER = re.compile(r"\s*([+-]?)([0-9]+(?:_[0-9]+)*)")


def leading_number(value: str) -> int | None:
    """The whole number `value` starts with, as the DfE's code reads numbers from the query string:
    spaces first and anything after the digits are ignored ("2.5" is 2, "20abc" is 20); None when
    it does not start with one. More digits than any list could need read as a very large number."""
    found = _LEADING_NUMBER.match(value)
    if found is None:
        return None
    number = found.group(2).replace("_", "")
    magnitude = int(number) if len(number) <= LONGEST_NUMBER else 10**LONGEST_NUMBER
    return -magnitude if found.group(1) == "-" else magnitude


def page_asked_for(query) -> Page:
    """The page the query string asks for. A page or page size given but not a whole number of 1 or
    more (empty, 0, -1, "abc", "0.8") is one problem, whichever it is; more than 3,000 a page is
    3,000, and a page past the end is empty."""
    values = {}
    for name, default in (("page[page]", 1), ("page[per_page]", DEFAULT_PER_PAGE)):
        value = query.get(name)
        values[name] = default if value is None else (leading_number(value) or 0)
    if min(values.values()) < 1:
        raise BadQuery(
            [(BAD_REQUEST, "page[page] and page[per_page] must each be a whole number of 1 or more.")]
        )
    return Page(number=values["page[page]"], per_page=min(values["page[per_page]"], MAX_PER_PAGE))


# --- Filters ----------------------------------------------------------------------------------------------

# Postgres integers: a value beyond them cannot match a year or a URN.
LARGEST_INTEGER = 2**31 - 1


def cohorts_asked_for(query) -> list[int] | None:
    """filter[cohort]: years, comma-separated ("2024,2025"). None when not given; otherwise the
    parts that are numbers, which may be none (so nothing matches: filter[cohort]=abc finds
    nothing, and 2025,abc is 2025)."""
    value = query.get("filter[cohort]")
    if blank(value):
        return None
    years = [int(part) for part in value.split(",") if re.fullmatch("[0-9]+", part)]
    return [year for year in years if year <= LARGEST_INTEGER]


def one_year_asked_for(query) -> int | None:
    """filter[cohort] where one year is meant (schools answer for one year at a time): the number it
    starts with ("2025,2026" is 2025); None, which finds nothing, when it does not start with one."""
    value = query.get("filter[cohort]")
    year = None if blank(value) else leading_number(value)
    return year if year is not None and 0 < year <= LARGEST_INTEGER else None


def urns_asked_for(query) -> list[int] | None:
    """filter[urn]: None when not given; else the URN it starts with, as a list of one, or an
    empty list (nothing matches) when it does not start with a number."""
    value = query.get("filter[urn]")
    if blank(value):
        return None
    urn = leading_number(value)
    return [urn] if urn is not None and 0 <= urn <= LARGEST_INTEGER else []


def updated_since_asked_for(query) -> datetime.datetime | None:
    """filter[updated_since]: an ISO 8601 date and time (UTC when it names no offset)."""
    value = query.get("filter[updated_since]")
    if blank(value):
        return None
    # A "+01:00" sent unencoded in a query string arrives as " 01:00".
    value = value.strip().replace(" ", "+")
    try:
        when = datetime.datetime.fromisoformat(value)
        # In UTC, whatever offset it came with (Postgres refuses offsets beyond 15:59).
        return when.astimezone(datetime.UTC) if when.tzinfo else when.replace(tzinfo=datetime.UTC)
    except (ValueError, OverflowError):
        raise BadQuery(
            [
                (
                    BAD_REQUEST,
                    "filter[updated_since] must be an ISO 8601 date and time, like 2026-09-01T08:30:00Z.",
                )
            ]
        ) from None


def word_asked_for(query, name: str) -> str | None:
    """A filter taken as it is (filter[training_status]): None when not given. A value that is not
    one of the filter's values matches nothing."""
    value = query.get(name)
    return None if blank(value) else value


# A UUID as the DfE's database reads one: hex in groups of four with optional hyphens, optionally
# in braces, in either case.
_UUID = re.compile(r"(\{)?([0-9a-fA-F]{4}-?){8}(?(1)\})")
# A UUID as the DfE's declarations list checks one before looking it up.
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _as_uuid(value: str, pattern: re.Pattern) -> uuid.UUID | None:
    return uuid.UUID(value.strip("{}")) if pattern.fullmatch(value) else None


def id_asked_for(query, name: str) -> list[uuid.UUID] | None:
    """One id (filter[from_participant_id]): None when not given; else a list of it, or an empty
    list (nothing matches) when it is not an id."""
    value = query.get(name)
    if blank(value):
        return None
    found = _as_uuid(value, _UUID)
    return [found] if found else []


def ids_asked_for(query, name: str, *, canonical: bool = False) -> list[uuid.UUID] | None:
    """Ids, comma-separated: None when not given; else those of them that are ids (maybe none, so
    nothing matches). `canonical`: only ids written 8-4-4-4-12, as the DfE's declarations list
    takes them; otherwise any way its database reads one."""
    value = query.get(name)
    if blank(value):
        return None
    pattern = _CANONICAL_UUID if canonical else _UUID
    return [found for part in value.split(",") if (found := _as_uuid(part, pattern))]


# --- Sort -------------------------------------------------------------------------------------------------

DEFAULT_SORT = ("created_at",)


def sort_asked_for(
    query, fields: tuple[str, ...], *, default: tuple[str, ...] = DEFAULT_SORT
) -> tuple[str, ...]:
    """sort: fields, comma-separated, each led by "-" for descending or "+" (or the space an
    unencoded "+" arrives as) for ascending. A field not in `fields` is left out; if none is left,
    the default order."""
    value = query.get("sort")
    if value is None:
        return default
    keys = []
    for part in value.split(","):
        descending = part.startswith("-")
        name = part[1:] if part[:1] in ("+", "-", " ") else part
        if name in fields:
            keys.append(("-" if descending else "") + name)
    return tuple(keys) or default
