"""Building small GIAS-format CSV files for tests."""

import csv
import io
from pathlib import Path

from django.conf import settings

SAMPLE = Path(settings.BASE_DIR) / "schools" / "data" / "gias_sample.csv"
BAD_ROWS = Path(__file__).parent / "data" / "gias_with_bad_rows.csv"

COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (name)",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "Postcode",
    "MainEmail",
    "GOR (name)",
    "Section41Approved (name)",
]


def gias_row(**values) -> dict:
    """A good row for an open community school in England; keyword arguments replace columns."""
    row = {
        "URN": "995001",
        "LA (code)": "383",
        "LA (name)": "Leeds",
        "EstablishmentName": "Fictional Primary School",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "",
        "CloseDate": "",
        "PhaseOfEducation (name)": "Primary",
        "Street": "1 Fictional Road",
        "Locality": "",
        "Address3": "",
        "Town": "Leeds",
        "Postcode": "LS99 9ZZ",
        "MainEmail": "office@fictional-primary.example.org",
        "GOR (name)": "Yorkshire and the Humber",
        "Section41Approved (name)": "Not applicable",
    }
    row.update(values)
    return row


def csv_bytes(rows, *, columns=None, encoding="cp1252") -> bytes:
    if columns is None:
        columns = list(rows[0]) if rows else COLUMNS
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows, *, columns=None, encoding="cp1252") -> Path:
    path.write_bytes(csv_bytes(rows, columns=columns, encoding=encoding))
    return path


def sample_rows() -> list[dict]:
    with SAMPLE.open(encoding="cp1252", newline="") as file:
        return list(csv.DictReader(file))
