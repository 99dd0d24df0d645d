"""Reading the GIAS (Get Information About Schools) establishment CSV export.

GIAS exports are Windows-1252 (cp1252) CSV files with about 130 columns, one establishment per row,
dates as dd-mm-yyyy. `read_csv` checks a file's encoding and header and yields its rows with their line numbers;
`parse_row` turns one row into a clean `GiasSchool` or raises `GiasRowError` saying what is wrong.
Writing the schools is `schools.services.import_schools`.
"""

import codecs
import csv
import datetime
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from schools.eligibility import SECTION_41_APPROVED, FundingEligibility, decide_funding_eligibility
from schools.eligibility import is_open as is_open_status
from schools.models import School

URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
STATUS = "EstablishmentStatus (name)"
REGION = "GOR (name)"
SECTION_41 = "Section41Approved (name)"

# A file without these cannot be imported: the URN is the key, and the other four decide
# funding eligibility (importing without them would make every school look closed or ineligible).
REQUIRED_COLUMNS = (URN, NAME, TYPE, STATUS, REGION, SECTION_41)

# School fields filled from columns that not every extract has (MainEmail, for one, is only in
# some), each with the columns it is read from. When a file lacks a field's columns, new schools
# get the field empty and existing schools keep what they have.
OPTIONAL_COLUMNS = {
    "phase": ("PhaseOfEducation (name)",),
    "local_authority": ("LA (name)",),
    "address_line": ("Street", "Locality", "Address3"),
    "town": ("Town",),
    "postcode": ("Postcode",),
    "contact_email": ("MainEmail",),
    "opened_on": ("OpenDate",),
    "closed_on": ("CloseDate",),
}

# Fields every row sets (from the required columns). `is_open` is not one: the database derives
# it from `status`.
ALWAYS_PROVIDED = ("urn", "name", "establishment_type", "status", "region", "section_41_approved")

DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y")  # GIAS writes dd-mm-yyyy; a file resaved by Excel may have dd/mm/yyyy
MAX_URN = 2_147_483_647  # the largest value a PositiveIntegerField holds in PostgreSQL

ENCODINGS = ("auto", "utf-8", "cp1252")


class GiasFileError(Exception):
    """The file as a whole cannot be imported (unreadable, or missing required columns)."""


class GiasRowError(ValueError):
    """One row cannot be imported; the message says why, in a few plain words."""


@dataclass(frozen=True)
class GiasSchool:
    """One establishment's GIAS facts, checked and ready to write to a School."""

    urn: int
    name: str
    establishment_type: str
    status: str
    region: str
    section_41_approved: bool
    phase: str = ""
    local_authority: str = ""
    address_line: str = ""
    town: str = ""
    postcode: str = ""
    contact_email: str = ""
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    # Which School fields this row's file had columns for (see OPTIONAL_COLUMNS).
    provided: frozenset[str] = field(default=frozenset(ALWAYS_PROVIDED), compare=False)

    @property
    def is_open(self) -> bool:
        return is_open_status(self.status)

    @property
    def funding_eligibility(self) -> FundingEligibility:
        return decide_funding_eligibility(
            status=self.status,
            establishment_type=self.establishment_type,
            region=self.region,
            section_41_approved=self.section_41_approved,
        )

    def school_values(self) -> dict[str, object]:
        """The School field values this row sets (not eligibility, which the import decides)."""
        return {name: getattr(self, name) for name in self.provided}


# --- Rows ---------------------------------------------------------------------------------------


def parse_row(row: Mapping[str | None, object]) -> GiasSchool:
    """Check one CSV row (column name -> value) and return its GiasSchool, or raise GiasRowError.

    The row comes from `read_csv`, so it has every required column. As csv.DictReader does, a row
    longer than the header has its extra values in a list under the key None, and a row shorter
    than the header has None as the value of the columns it does not reach.
    """
    columns = sum(1 for key in row if key is not None)
    values = sum(1 for key, value in row.items() if key is not None and value is not None)
    values += len(row.get(None) or ())
    if values != columns:
        raise GiasRowError(f"has {values} values but the header has {columns} columns")

    urn = _urn(row[URN])
    name = _text(row, (NAME,), "name")
    if not name:
        raise GiasRowError(f"{NAME} is missing")
    school: dict[str, object] = {
        "urn": urn,
        "name": name,
        "establishment_type": _text(row, (TYPE,), "establishment_type"),
        "status": _text(row, (STATUS,), "status"),
        "region": _text(row, (REGION,), "region"),
        "section_41_approved": _clean(row[SECTION_41]) == SECTION_41_APPROVED,
    }
    provided = set(ALWAYS_PROVIDED)
    for field_name, field_columns in OPTIONAL_COLUMNS.items():
        if any(column in row for column in field_columns):
            provided.add(field_name)
            school[field_name] = _read_optional(row, field_columns, field_name)
    opened_on, closed_on = school.get("opened_on"), school.get("closed_on")
    if opened_on and closed_on and closed_on < opened_on:
        raise GiasRowError(f"CloseDate {closed_on:%d-%m-%Y} is before OpenDate {opened_on:%d-%m-%Y}")

    return GiasSchool(**school, provided=frozenset(provided))


def _read_optional(row: Mapping, columns: tuple[str, ...], field_name: str) -> object:
    """One optional field's value, read from its columns (see OPTIONAL_COLUMNS)."""
    model_field = School._meta.get_field(field_name)
    if isinstance(model_field, models.DateField):
        return _date(row, columns[0])
    if isinstance(model_field, models.EmailField):
        return _email(row, columns[0])
    return _text(row, columns, field_name)


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _limit(value: str, field_name: str, column: str) -> str:
    max_length = School._meta.get_field(field_name).max_length
    if len(value) > max_length:
        raise GiasRowError(f"{column} is longer than {max_length} characters")
    return value


def _text(row: Mapping, columns: tuple[str, ...], field_name: str) -> str:
    """The columns' cleaned values, joined with commas (an address is several columns)."""
    value = ", ".join(part for column in columns if (part := _clean(row.get(column))))
    return _limit(value, field_name, columns[0] if len(columns) == 1 else "Address")


def _urn(value: object) -> int:
    text = _clean(value)
    if not text:
        raise GiasRowError("URN is missing")
    if not text.isascii() or not text.isdigit():
        raise GiasRowError(f"URN {text!r} is not a number")
    urn = int(text)
    if not 0 < urn <= MAX_URN:
        raise GiasRowError(f"URN {text} is out of range")
    return urn


def _email(row: Mapping, column: str) -> str:
    email = _clean(row[column])
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise GiasRowError(f"{column} {email!r} is not a valid email address") from None
        _limit(email, "contact_email", column)
    return email


def _date(row: Mapping, column: str) -> datetime.date | None:
    text = _clean(row[column])
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise GiasRowError(f"{column} {text!r} is not a date in the form dd-mm-yyyy")


# --- Files --------------------------------------------------------------------------------------

ENCODING_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (cp1252)"}
CHUNK_SIZE = 1 << 20


@dataclass
class GiasCsv:
    columns: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str | None, object]]]  # (line number in the file, row)
    approximate_row_count: int  # for a progress bar: lines after the header
    encoding: str  # "utf-8" or "cp1252"


def read_csv(source: BinaryIO | bytes, *, encoding: str = "auto") -> GiasCsv:
    """Check a GIAS CSV file's encoding and header, and return its rows, read lazily with their line numbers.

    The file is cp1252 as GIAS writes it, or UTF-8 with or without a byte order mark; with
    encoding "auto" a file that is valid UTF-8 is read as UTF-8 and anything else as cp1252.
    The header is line 1; a row's line number is the line it starts on. Blank rows are skipped.
    The file is read once to check it, then streamed, so memory does not grow with its size.
    """
    file = io.BytesIO(source) if isinstance(source, bytes) else source
    encoding, lines = _check_bytes(file, encoding)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except csv.Error as error:
        raise GiasFileError(f"cannot be read as CSV: {error}") from None
    columns = tuple(column.strip() for column in header)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise GiasFileError(f"has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}")
    return GiasCsv(
        columns=columns,
        rows=_rows(reader, columns),
        approximate_row_count=max(lines - reader.line_num, 0),
        encoding=encoding,
    )


def _check_bytes(file: BinaryIO, encoding: str) -> tuple[str, int]:
    """Which encoding the file is in (raising GiasFileError if it cannot be read), and how many lines it has."""
    if encoding not in ENCODINGS:
        raise GiasFileError(f"unknown encoding {encoding!r} (use one of {', '.join(ENCODINGS)})")
    candidates = ["utf-8", "cp1252"] if encoding == "auto" else [encoding]
    decoders = {candidate: codecs.getincrementaldecoder(candidate)() for candidate in candidates}
    first_error: dict[str, int] = {}  # encoding -> line of the first byte it cannot decode
    lines, has_text, has_nul, last_byte = 1, False, False, b""
    while chunk := file.read(CHUNK_SIZE):
        last_byte = chunk[-1:]
        for candidate, decoder in decoders.items():
            if candidate in first_error:
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                first_error[candidate] = lines + chunk.count(b"\n", 0, max(error.start, 0))
        lines += chunk.count(b"\n")
        has_text = has_text or bool(chunk.strip(codecs.BOM_UTF8 + b" \t\r\n"))
        has_nul = has_nul or b"\0" in chunk
    for candidate, decoder in decoders.items():
        if candidate not in first_error:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                first_error[candidate] = lines
    if not has_text:
        raise GiasFileError("is empty")
    if has_nul:
        raise GiasFileError("is not a CSV file (it contains NUL bytes)")
    for candidate in candidates:
        if candidate not in first_error:
            return candidate, lines - (last_byte == b"\n")
    last = candidates[-1]
    raise GiasFileError(
        f"is not {ENCODING_LABELS[last]} text: line {first_error[last]} has a byte that cannot be decoded"
    )


def _rows(reader, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str | None, object]]]:
    width = len(columns)
    line = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise GiasFileError(f"cannot be read as CSV after line {line}: {error}") from None
        start, line = line + 1, reader.line_num
        if not any(value.strip() for value in values):
            continue
        row: dict[str | None, object] = dict(zip(columns, values, strict=False))
        if len(values) > width:
            row[None] = values[width:]
        elif len(values) < width:
            row.update(dict.fromkeys(columns[len(values) :]))
        yield start, row
