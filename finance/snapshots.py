"""A statement's calculation written down when it is authorised for payment, and read back.

A paid statement is never calculated again (docs/decisions/0038): what was paid is stored on it
as JSON, amounts as strings ("1234.50") so no figure passes through a float, and read back as the
calculator's own StatementCalculation, so the pages show a paid statement exactly as an open one.
"""

from decimal import Decimal
from typing import Any

from finance.calculator import BandFill, Course, Row, RowKind, StatementCalculation, Totals

FORMAT = 1
TOTALS = (
    "output_fees",
    "service_fee",
    "uplifts",
    "clawbacks",
    "adjustments",
    "total_before_vat",
    "vat",
    "total",
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def to_json(calculation: StatementCalculation, *, contract_id: int | None, version: int | None) -> dict:
    """The calculation as JSON, naming the contract version it was made with."""
    return {
        "format": FORMAT,
        "contract": None if contract_id is None else {"id": contract_id, "version": version},
        "rows": [
            {
                "kind": row.kind.value,
                "description": row.description,
                "amount": _money(row.amount),
                "count": row.count,
                "rate": _money(row.rate),
                "declaration_type": row.declaration_type,
                "band": row.band,
                "courses": [course.value for course in row.courses],
            }
            for row in calculation.rows
        ],
        "totals": {name: _money(getattr(calculation.totals, name)) for name in TOTALS},
        "band_fill": [
            {
                "declaration_type": fill.declaration_type,
                "band": fill.band,
                "capacity": fill.capacity,
                "opening": fill.opening,
                "added": fill.added,
                "clawed_back": fill.clawed_back,
            }
            for fill in calculation.band_fill
        ],
    }


def from_json(data: dict[str, Any]) -> StatementCalculation:
    """The calculation a statement was paid with."""
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown statement calculation format {data.get('format')!r}")
    rows = tuple(
        Row(
            kind=RowKind(row["kind"]),
            description=row["description"],
            amount=Decimal(row["amount"]),
            count=row["count"],
            rate=_decimal(row["rate"]),
            declaration_type=row["declaration_type"],
            band=row["band"],
            courses=tuple(Course(course) for course in row["courses"]),
        )
        for row in data["rows"]
    )
    totals = Totals(**{name: Decimal(data["totals"][name]) for name in TOTALS})
    band_fill = tuple(BandFill(**fill) for fill in data["band_fill"])
    return StatementCalculation(rows=rows, totals=totals, band_fill=band_fill)


def contract_of(data: dict[str, Any]) -> tuple[int, int] | None:
    """(contract id, version) a snapshot was calculated with; None for a statement paid before
    statements carried money."""
    contract = data.get("contract")
    return None if contract is None else (contract["id"], contract["version"])
