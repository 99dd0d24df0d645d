"""Reading a CSV file someone uploaded, as far as every kind of upload reads it alike.

The bytes become text (UTF-8, with or without the byte order mark Excel's "CSV UTF-8" writes),
the text becomes records, and the first record that is not blank is the headings, matched to the
columns the caller expects without case, spaces or punctuation ("Contract period" is
"contract_period"), with the other names each column is known by. Anything that makes the whole
file unusable is an `UnreadableFile`, whose message is the sentence for the file field.

Rows are numbered as a spreadsheet numbers them: the headings are row 1, so the first row of data
is row 2, and a blank line keeps its number (it is skipped, not renumbered). What a row's cells
mean is the caller's business (`appropriate_bodies.bulk_csv`, `schools.funding_flags`).
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class UnreadableFile(ValueError):
    """The whole file cannot be used; the message is what the file field says."""


class Heading(Protocol):
    heading: str  # as in the template
    aliases: tuple[str, ...]  # other headings people give it


C = TypeVar("C", bound=Heading)


@dataclass(frozen=True)
class Record(Generic[C]):
    number: int  # as a spreadsheet numbers it: the headings are row 1
    cells: dict[C, str]  # by column, without surrounding spaces
    too_many_cells: bool = False  # something in a cell to the right of the last heading


def simplified(text: str) -> str:
    """A heading as we compare it: lower case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def decoded(content: bytes, *, max_bytes: int, size_words: str) -> str:
    """The file's text. `size_words` says `max_bytes` as a person would ("100 KB")."""
    if not content:
        raise UnreadableFile("The selected file is empty")
    if len(content) > max_bytes:
        raise UnreadableFile(f"The selected file must be smaller than {size_words}")
    not_utf_8 = UnreadableFile(
        "The selected file must be saved as UTF-8: in Excel, choose “CSV UTF-8” when you save it"
    )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: Excel's "Unicode text"
        raise not_utf_8
    if b"\x00" in content:  # a spreadsheet's own format, a picture: not text at all
        raise UnreadableFile("The selected file must be a CSV")
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark, which is not a heading.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf_8 from None


def records(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise UnreadableFile("The selected file must be a CSV: we could not read its rows") from None


def headings_sentence(columns: Sequence[Heading]) -> str:
    return ", ".join(column.heading for column in columns)


def columns_of(headings: list[str], expected: Sequence[C]) -> list[C | None]:
    """The column of each heading, in the file's order; refuses missing, unknown or repeated ones."""
    lookup = {simplified(name): column for column in expected for name in (column.heading, *column.aliases)}
    columns = [lookup.get(simplified(heading)) for heading in headings]
    unknown = [heading.strip() for heading, column in zip(headings, columns, strict=True) if column is None]
    unknown = [heading for heading in unknown if heading]  # a trailing comma makes an empty heading
    missing = [column.heading for column in expected if column not in columns]
    wanted = f"The first row must be the column headings {headings_sentence(expected)}"
    if missing and not any(columns):
        raise UnreadableFile(f"{wanted}: use the template")
    if missing:
        raise UnreadableFile(f"{wanted}: the file has no {' or '.join(missing)} column")
    if unknown:
        raise UnreadableFile(f"{wanted}: remove the column {' and '.join(unknown)}")
    if len({column for column in columns if column}) < len([column for column in columns if column]):
        raise UnreadableFile(f"{wanted}: each heading once")
    return columns


def read_records(
    content: bytes, expected: Sequence[C], *, max_bytes: int, size_words: str
) -> list[Record[C]]:
    """The file's rows below its headings, blank lines left out (perhaps none at all)."""
    rows = records(decoded(content, max_bytes=max_bytes, size_words=size_words))
    headings_at = next((index for index, cells in enumerate(rows) if any(c.strip() for c in cells)), None)
    if headings_at is None:
        raise UnreadableFile("The selected file is empty")
    columns = columns_of(rows[headings_at], expected)
    found = []
    for index, cells in enumerate(rows[headings_at + 1 :], start=headings_at + 2):
        if not any(cell.strip() for cell in cells):
            continue
        by_column = {column: cell.strip() for column, cell in zip(columns, cells, strict=False) if column}
        extra = cells[len(columns) :]
        found.append(Record(index, by_column, too_many_cells=any(cell.strip() for cell in extra)))
    return found
