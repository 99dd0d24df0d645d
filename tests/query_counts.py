"""Holding a page to the same number of queries however many rows it shows: capture a request's
queries once caches are warm, and compare two captures, naming the queries that differ."""

import difflib
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# What varies between two runs of one query: quoted values, numbers, and lists of them.
_QUOTED = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_LIST = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)|\[(?:\s*\?\s*,)+\s*\?\s*\]")
# The columns a query selects, up to its first FROM: long, and the same for every row.
_COLUMNS = re.compile(r"^SELECT .*? FROM ", re.DOTALL)


def shape(sql: str) -> str:
    """The query with its values and columns taken out, so the same query with other ids reads
    the same, and what it reads from shows."""
    return _COLUMNS.sub("SELECT … FROM ", _LIST.sub("(…)", _NUMBER.sub("?", _QUOTED.sub("?", sql))))


def queries_during(request) -> tuple[list[str], object]:
    """(the SQL of each query, the response) of `request()`."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return [query["sql"] for query in captured.captured_queries], response


def queries_of(request) -> tuple[list[str], object]:
    """queries_during `request()`, made once before to warm caches (the session, content types,
    a token's last use), so that two captures differ only in what the page asks of the database."""
    request()
    return queries_during(request)


def differing(few: list[str], many: list[str]) -> str:
    """The queries of two captures side by side where they differ, values taken out."""
    lines = difflib.unified_diff(
        [shape(sql) for sql in few],
        [shape(sql) for sql in many],
        fromfile=f"with few rows: {len(few)} queries",
        tofile=f"with many rows: {len(many)} queries",
        lineterm="",
        n=1,
    )
    return "\n".join(line[:300] for line in lines)


def assert_same_number(few: list[str], many: list[str], what: str) -> None:
    assert len(many) == len(few), f"{what}: the queries grew with the rows\n{differing(few, many)}"
