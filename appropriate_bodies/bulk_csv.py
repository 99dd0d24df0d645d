"""Reading an appropriate body's CSV file of claims or outcomes, and writing the CSVs we give back.

Nothing here touches the database or TRS: `read_file` turns the bytes someone uploaded into rows
(or refuses the whole file with a sentence for the file field), and `parse_row` turns one row's
cells into values, with a problem for each cell we cannot use. What TRS and our records say about
each row is checked later, by `services.bulk`.

Rows are numbered as a spreadsheet numbers them: the headings are row 1, so the first teacher is
row 2, and a blank line still takes its number (it is skipped, not renumbered).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from appropriate_bodies.services.terms import as_terms, terms_problem
from core import clock, csv_files
from core.csv_cells import spreadsheet_cell
from participants import trs
from schools.models import TrainingProgramme

MAX_BYTES = 100 * 1024
MAX_ROWS = 1000
CLAIMS = "claims"
OUTCOMES = "outcomes"
OUTCOMES_ALLOWED = ("pass", "fail", "release")


@dataclass(frozen=True)
class Column:
    field: str  # our name for it, as on BulkUploadRow
    heading: str  # as in the template
    fixed_example: str  # "" for a date, whose example is worked out from today
    # Other headings people give it, compared without case, spaces or punctuation.
    aliases: tuple[str, ...] = ()

    @property
    def example(self) -> str:
        """What the template's example row has in this column: a start this academic year, and an
        end at the close of the last summer term (an end date may not be in the future)."""
        year = clock.academic_year_of(clock.today())
        dates = {"started_on": datetime.date(year, 9, 1), "finished_on": datetime.date(year, 7, 18)}
        return dates[self.field].strftime("%d/%m/%Y") if self.field in dates else self.fixed_example


TRN = Column("trn", "TRN", "1234567", ("teacher reference number", "teacher reference number trn"))
DATE_OF_BIRTH = Column("date_of_birth", "Date of birth", "31/03/1995", ("dob",))
COLUMNS = {
    CLAIMS: (
        TRN,
        DATE_OF_BIRTH,
        Column("started_on", "Induction start date", "", ("start date", "started on")),
        Column(
            "induction_programme",
            "Induction programme",
            "provider-led",
            ("programme", "induction programme type", "training programme"),
        ),
    ),
    OUTCOMES: (
        TRN,
        DATE_OF_BIRTH,
        Column("finished_on", "Induction end date", "", ("end date", "finished on")),
        Column(
            "number_of_terms",
            "Number of terms",
            "6",
            ("terms", "terms completed", "number of terms completed"),
        ),
        Column("outcome", "Outcome", "pass"),
    ),
}

PROGRAMMES = {
    "providerled": TrainingProgramme.PROVIDER_LED,
    "fip": TrainingProgramme.PROVIDER_LED,  # the full induction programme, its name before 2025
    "schoolled": TrainingProgramme.SCHOOL_LED,
    "cip": TrainingProgramme.SCHOOL_LED,  # core induction programme (DfE materials)
    "diy": TrainingProgramme.SCHOOL_LED,  # a school's own design
}
OUTCOME_WORDS = {"pass": "pass", "passed": "pass", "fail": "fail", "failed": "fail"}
OUTCOME_WORDS |= {"release": "release", "released": "release"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


UnreadableFile = csv_files.UnreadableFile


@dataclass(frozen=True)
class FileRow:
    number: int  # as a spreadsheet numbers it: the headings are row 1
    cells: dict[str, str]  # by field, without surrounding spaces
    too_many_cells: bool = False


@dataclass
class ParsedRow:
    number: int
    typed: dict[str, str]  # what was typed, by field, never the date of birth
    values: dict[str, object] = field(default_factory=dict)  # what we could read, by field
    problems: list[dict[str, str]] = field(default_factory=list)  # {"column": heading, "message": …}

    def problem(self, column: Column | None, message: str) -> None:
        self.problems.append({"column": column.heading if column else "", "message": message})


def _simplified(heading: str) -> str:
    return csv_files.simplified(heading)


def read_file(kind: str, content: bytes) -> list[FileRow]:
    """The file's rows of teachers, blank lines left out; UnreadableFile when it cannot be used.
    Reading the file itself (its encoding, size and headings) is `core.csv_files`."""
    records = csv_files.read_records(content, COLUMNS[kind], max_bytes=MAX_BYTES, size_words="100 KB")
    rows = [
        FileRow(
            record.number,
            {column.field: text for column, text in record.cells.items()},
            too_many_cells=record.too_many_cells,
        )
        for record in records
    ]
    if not rows:
        raise UnreadableFile(
            "The selected file has no teachers in it: add a row for each teacher below the headings"
        )
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(
            f"The selected file must have at most {MAX_ROWS:,} teachers; it has {len(rows):,}: split it into smaller files"
        )
    return rows


# --- one row ---------------------------------------------------------------------------------


def _date(text: str) -> datetime.date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _read_date(row: ParsedRow, column: Column, text: str) -> datetime.date | None:
    label = column.heading[:1].lower() + column.heading[1:]
    if not text:
        row.problem(column, f"Enter the {label}")
        return None
    day = _date(text)
    if day is None:
        row.problem(column, f"Enter the {label} as a date, like {column.example}")
    elif day.year < 1900:
        row.problem(column, f"The {label} must be after 1900")
        return None
    return day


def _read_trn(row: ParsedRow, text: str) -> str | None:
    if not text:
        row.problem(TRN, "Enter the TRN")
        return None
    try:
        return trs.normalise_trn(text)
    except trs.InvalidTRN:
        row.problem(TRN, "The TRN must be 7 digits, like 1234567")
        return None


def _read_date_of_birth(row: ParsedRow, text: str) -> datetime.date | None:
    born = _read_date(row, DATE_OF_BIRTH, text)
    today = clock.today()
    if born is not None and born > today.replace(year=today.year - 16):
        row.problem(DATE_OF_BIRTH, "The date of birth must be of someone old enough to teach")
        return None
    return born


def _read_programme(row: ParsedRow, column: Column, text: str) -> str | None:
    if not text:
        row.problem(column, "Enter the induction programme: provider-led or school-led")
        return None
    programme = PROGRAMMES.get(_simplified(text))
    if programme is None:
        row.problem(column, "The induction programme must be provider-led or school-led")
    return programme


def _read_terms(row: ParsedRow, column: Column, text: str) -> Decimal | None:
    """As the outcome page reads it (services.terms): one rule for a number of terms."""
    if not text:
        row.problem(column, "Enter the number of terms")
        return None
    problem = terms_problem(text, least=Decimal(0))
    if problem:
        row.problem(column, problem)
        return None
    return as_terms(text)


def _read_outcome(row: ParsedRow, column: Column, text: str) -> str | None:
    if not text:
        row.problem(column, "Enter the outcome: pass, fail or release")
        return None
    outcome = OUTCOME_WORDS.get(text.lower())
    if outcome is None:
        row.problem(column, "The outcome must be pass, fail or release")
    return outcome


def parse_row(kind: str, file_row: FileRow) -> ParsedRow:
    """One row's values, and a problem for each cell that cannot be used as it stands."""
    cells = file_row.cells
    row = ParsedRow(file_row.number, typed={k: v for k, v in cells.items() if k != DATE_OF_BIRTH.field})
    if file_row.too_many_cells:
        row.problem(None, "This row has more cells than there are column headings")
    columns = {column.field: column for column in COLUMNS[kind]}
    readers = {
        "trn": lambda text: _read_trn(row, text),
        "date_of_birth": lambda text: _read_date_of_birth(row, text),
        "started_on": lambda text: _read_date(row, columns["started_on"], text),
        "induction_programme": lambda text: _read_programme(row, columns["induction_programme"], text),
        "finished_on": lambda text: _read_date(row, columns["finished_on"], text),
        "number_of_terms": lambda text: _read_terms(row, columns["number_of_terms"], text),
        "outcome": lambda text: _read_outcome(row, columns["outcome"], text),
    }
    for column in COLUMNS[kind]:
        row.values[column.field] = readers[column.field](cells.get(column.field, ""))
    return row


def repeated_trns(rows: list[ParsedRow]) -> None:
    """A TRN in the file twice: every row after the first gets a problem, so nobody is claimed
    (or given an outcome) twice from one file."""
    first_row_of: dict[str, int] = {}
    for row in rows:
        trn = row.values.get("trn")
        if trn is None:
            continue
        if trn in first_row_of:
            row.problem(TRN, f"This TRN is also in row {first_row_of[trn]}: give each teacher one row")
        else:
            first_row_of[trn] = row.number


# --- files we give back --------------------------------------------------------------------------


def as_csv(headings: list[str], rows: list[list[object]]) -> str:
    """A CSV that opens in Excel: a byte order mark, so Excel reads it as UTF-8, then the rows."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return out.getvalue()


def template_csv(kind: str) -> str:
    columns = COLUMNS[kind]
    return as_csv([column.heading for column in columns], [[column.example for column in columns]])


def problems_text(problems: list[dict[str, str]]) -> str:
    return "; ".join(
        f"{problem['column']}: {problem['message']}" if problem["column"] else problem["message"]
        for problem in problems
    )


def what_happened(row) -> tuple[str, str]:
    """A BulkUploadRow's state in words: what happened (or will, once confirmed) and any detail."""
    if row.result:
        return row.get_result_display(), row.result_message if row.result == "refused" else ""
    if row.problems:
        return "Not done: correct the row and upload it again", problems_text(row.problems)
    if row.checked_at is None:
        return "Not checked yet", ""
    return (row.note or "Ready"), ""


def rows_csv(kind: str, rows) -> str:
    """Every row of an upload as a CSV: the columns as typed (never the date of birth), the name
    TRS has, and what happened."""
    columns = [column for column in COLUMNS[kind] if column is not DATE_OF_BIRTH]
    headings = ["Row", *(column.heading for column in columns), "Name", "Result", "Details"]
    return as_csv(
        headings,
        [
            [
                row.row_number,
                *(row.typed.get(column.field, "") for column in columns),
                row.teacher_name,
                *what_happened(row),
            ]
            for row in rows
        ],
    )
