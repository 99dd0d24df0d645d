"""Schools' pupil premium and sparsity flags from a CSV file: reading it, and checking it against
our schools, contract periods and the flags we hold, to say what importing it would change.
Nothing here writes: importing is `schools.services.import_funding_flags` (docs/decisions/0036).

The file has a row per school and contract period (a sample: schools/data/funding_flags_sample.csv):

    URN,Contract period,Pupil premium uplift,Sparsity uplift
    100000,2024,yes,no

Headings are matched in any order, case or spacing, with the names the DfE's services give them:
ECF1's yearly files (URN, "Pupil Premium Incentive", "Sparsity Incentive", 1 or 0; the year was
the file's name, so here it is a column) and ECF2's table (school_urn, contract_period_year,
pupil_premium_uplift, sparsity_uplift). A flag is yes or no, and 1, 0, true and false are read too.

Every problem is found before anything is written, each by row (numbered as a spreadsheet numbers
them: the headings are row 1) and column; a file with any problem imports nothing.
"""

from collections import Counter
from dataclasses import dataclass, field

from core import csv_files
from core.csv_files import UnreadableFile
from providers.models import LAST_YEAR_WITH_UPLIFTS, ContractPeriod
from schools.models import School, SchoolFundingFlags

__all__ = ["UnreadableFile", "check_file", "decoded", "read_file", "template_csv"]

MAX_BYTES = 5 * 1024 * 1024  # England's schools for four contract periods take about 2 MB
SIZE_WORDS = "5 MB"
MAX_URN = 2_147_483_647  # the largest value School.urn holds in PostgreSQL
LOOKUP_CHUNK = 10_000  # URNs looked up per query


@dataclass(frozen=True, eq=False)  # each column is one object, compared and hashed as itself
class Column:
    field: str
    heading: str  # as in the template
    aliases: tuple[str, ...] = ()  # compared without case, spaces or punctuation


URN = Column("urn", "URN", ("school urn",))
CONTRACT_PERIOD = Column("year", "Contract period", ("contract period year", "year", "cohort", "start year"))
PUPIL_PREMIUM = Column("pupil_premium", "Pupil premium uplift", ("pupil premium", "pupil premium incentive"))
SPARSITY = Column("sparsity", "Sparsity uplift", ("sparsity", "sparsity incentive"))
COLUMNS = (URN, CONTRACT_PERIOD, PUPIL_PREMIUM, SPARSITY)

ANSWERS = {
    "yes": True,
    "y": True,
    "1": True,
    "true": True,
    "no": False,
    "n": False,
    "0": False,
    "false": False,
}


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it
    column: str  # the heading, or "" for the row as a whole
    message: str

    def __str__(self) -> str:
        return (
            f"Row {self.row}, {self.column}: {self.message}"
            if self.column
            else f"Row {self.row}: {self.message}"
        )


@dataclass(frozen=True)
class FlagsRow:
    """A row as read: None for a value that could not be read (the row then has a problem)."""

    number: int
    urn: int | None
    year: int | None
    pupil_premium: bool | None
    sparsity: bool | None


@dataclass(frozen=True)
class Change:
    """A school's flags for a contract period that importing the file writes."""

    number: int  # the file's row
    school_id: int
    urn: int
    school_name: str
    year: int
    before: tuple[bool, bool] | None  # (pupil premium, sparsity) as we hold them; None: no row yet
    after: tuple[bool, bool]
    flags_id: int | None = None  # the SchoolFundingFlags row that holds `before`


@dataclass
class YearSummary:
    """What the file does to one contract period's flags. Counts of schools with each flag are
    over every school, those not in the file too (they keep their flags)."""

    year: int
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    pupil_premium_before: int = 0
    pupil_premium_after: int = 0
    sparsity_before: int = 0
    sparsity_after: int = 0


@dataclass
class CheckedFile:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # rows to add or change, in the file's order
    years: list[YearSummary] = field(default_factory=list)

    @property
    def added(self) -> list[Change]:
        return [change for change in self.changes if change.before is None]

    @property
    def changed(self) -> list[Change]:
        return [change for change in self.changes if change.before is not None]

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def unchanged(self) -> int:
        return sum(year.unchanged for year in self.years)


# --- the file, without the database -------------------------------------------------------------


def _read_urn(text: str, row: int, problems: list[Problem]) -> int | None:
    if not text:
        problems.append(Problem(row, URN.heading, "Enter the school’s URN"))
        return None
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_URN:
        problems.append(Problem(row, URN.heading, f"The URN must be a number, like 100000, not “{text}”"))
        return None
    return int(text)


def _read_year(text: str, row: int, problems: list[Problem]) -> int | None:
    if not text:
        problems.append(
            Problem(row, CONTRACT_PERIOD.heading, f"Enter the contract period, like {LAST_YEAR_WITH_UPLIFTS}")
        )
        return None
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        problems.append(
            Problem(
                row,
                CONTRACT_PERIOD.heading,
                f"The contract period must be the year it starts, like {LAST_YEAR_WITH_UPLIFTS}, not “{text}”",
            )
        )
        return None
    year = int(text)
    if year > LAST_YEAR_WITH_UPLIFTS:
        problems.append(
            Problem(
                row,
                CONTRACT_PERIOD.heading,
                f"Contract period {year} pays no uplifts: these flags are for contract periods up to "
                f"{LAST_YEAR_WITH_UPLIFTS}",
            )
        )
        return None
    return year


def _read_answer(column: Column, text: str, row: int, problems: list[Problem]) -> bool | None:
    label = column.heading[:1].lower() + column.heading[1:]
    if not text:
        problems.append(Problem(row, column.heading, f"Enter yes or no for the {label}"))
        return None
    answer = ANSWERS.get(text.lower())
    if answer is None:
        problems.append(
            Problem(row, column.heading, f"The {label} must be yes or no (or 1 or 0), not “{text}”")
        )
    return answer


def read_file(content: bytes) -> tuple[list[FlagsRow], list[Problem]]:
    """Every row, with what could be read of it, and a problem for each cell that cannot be read,
    or for a school's contract period given twice. UnreadableFile when the file as a whole cannot
    be used."""
    records = csv_files.read_records(content, COLUMNS, max_bytes=MAX_BYTES, size_words=SIZE_WORDS)
    if not records:
        raise UnreadableFile(
            "The selected file has no schools in it: add a row for each school and contract period below the headings"
        )
    rows, problems = [], []
    first_row_of: dict[tuple[int, int], int] = {}
    for record in records:
        number, cells = record.number, record.cells
        if record.too_many_cells:
            problems.append(Problem(number, "", "This row has more cells than there are column headings"))
        urn = _read_urn(cells.get(URN, ""), number, problems)
        year = _read_year(cells.get(CONTRACT_PERIOD, ""), number, problems)
        pupil_premium = _read_answer(PUPIL_PREMIUM, cells.get(PUPIL_PREMIUM, ""), number, problems)
        sparsity = _read_answer(SPARSITY, cells.get(SPARSITY, ""), number, problems)
        if urn is not None and year is not None:
            first = first_row_of.setdefault((urn, year), number)
            if first != number:
                problems.append(
                    Problem(
                        number,
                        URN.heading,
                        f"URN {urn} is also in row {first} for contract period {year}: give each school one row a year",
                    )
                )
        rows.append(FlagsRow(number, urn, year, pupil_premium, sparsity))
    return rows, problems


def decoded(content: bytes) -> str:
    """The file's text; UnreadableFile when it is too big or not UTF-8."""
    return csv_files.decoded(content, max_bytes=MAX_BYTES, size_words=SIZE_WORDS)


def template_csv() -> str:
    """The headings and one example row, as a file to fill in."""
    return f"{','.join(column.heading for column in COLUMNS)}\r\n100000,{LAST_YEAR_WITH_UPLIFTS},yes,no\r\n"


# --- against the database -----------------------------------------------------------------------


def _schools(urns: set[int]) -> dict[int, tuple[int, str]]:
    """{URN: (school id, name)} for the URNs we have a school for."""
    ordered, found = sorted(urns), {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        found |= {
            urn: (pk, name)
            for urn, pk, name in School.objects.filter(urn__in=chunk).values_list("urn", "pk", "name")
        }
    return found


COLUMN_ORDER = {"": -1} | {column.heading: index for index, column in enumerate(COLUMNS)}


def check_file(content: bytes) -> CheckedFile:
    """Every problem in the file, and what importing it would change, read from the database as it
    stands. UnreadableFile when the file as a whole cannot be used."""
    rows, problems = read_file(content)
    checked = CheckedFile(rows=len(rows))
    schools = _schools({row.urn for row in rows if row.urn is not None})
    years_named = {row.year for row in rows if row.year is not None}
    periods = set(ContractPeriod.objects.filter(year__in=years_named).values_list("year", flat=True))
    for row in rows:
        if row.urn is not None and row.urn not in schools:
            problems.append(
                Problem(
                    row.number,
                    URN.heading,
                    f"We have no school with URN {row.urn}: check it in GIAS, or remove the row",
                )
            )
        if row.year is not None and row.year not in periods:
            problems.append(
                Problem(row.number, CONTRACT_PERIOD.heading, f"There is no contract period {row.year}")
            )
    checked.problems = sorted(problems, key=lambda problem: (problem.row, COLUMN_ORDER[problem.column]))
    with_problems = {problem.row for problem in problems}
    known = [row for row in rows if row.number not in with_problems]

    years = sorted({row.year for row in known})
    held, held_ids = {}, {}
    for pk, school_id, year, pupil_premium, sparsity in SchoolFundingFlags.objects.filter(
        contract_period__in=years
    ).values_list("pk", "school_id", "contract_period_id", "pupil_premium", "sparsity"):
        held[school_id, year], held_ids[school_id, year] = (pupil_premium, sparsity), pk
    summaries = {year: YearSummary(year) for year in years}
    counts = Counter()
    for (_, year), (pupil_premium, sparsity) in held.items():
        counts[year, "pupil_premium"] += pupil_premium
        counts[year, "sparsity"] += sparsity
    for summary in summaries.values():
        summary.pupil_premium_before = summary.pupil_premium_after = counts[summary.year, "pupil_premium"]
        summary.sparsity_before = summary.sparsity_after = counts[summary.year, "sparsity"]
    for row in known:
        school_id, name = schools[row.urn]
        summary = summaries[row.year]
        summary.rows += 1
        before, after = held.get((school_id, row.year)), (row.pupil_premium, row.sparsity)
        if before == after:
            summary.unchanged += 1
            continue
        if before is None:
            summary.added += 1
        else:
            summary.changed += 1
        was_pupil_premium, was_sparse = before or (False, False)
        summary.pupil_premium_after += row.pupil_premium - was_pupil_premium
        summary.sparsity_after += row.sparsity - was_sparse
        checked.changes.append(
            Change(
                row.number,
                school_id,
                row.urn,
                name,
                row.year,
                before,
                after,
                held_ids.get((school_id, row.year)),
            )
        )
    checked.years = list(summaries.values())
    return checked
