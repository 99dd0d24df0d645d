"""The payment calculation for lead providers' statements, as a pure function of plain values:
`calculate_statement(ContractTerms, StatementInput) -> StatementCalculation`. No Django, no
database (docs/decisions/0035)."""

from finance.calculator.banding import BEYOND, BandFill, Counts
from finance.calculator.money import VAT_RATE, to_pence
from finance.calculator.statement import (
    SERVICE_FEE_MONTHS,
    Adjustment,
    DeclarationCounts,
    Row,
    RowKind,
    StatementCalculation,
    StatementInput,
    Totals,
    UpliftCounts,
    calculate_statement,
    monthly_service_fee,
)
from finance.calculator.terms import (
    BANDED_TYPE_SHARES,
    DECLARATION_TYPES,
    FLAT_TYPE_SHARES,
    Band,
    ContractTerms,
    ContractType,
    Course,
)

__all__ = [
    "BANDED_TYPE_SHARES",
    "BEYOND",
    "DECLARATION_TYPES",
    "FLAT_TYPE_SHARES",
    "SERVICE_FEE_MONTHS",
    "VAT_RATE",
    "Adjustment",
    "Band",
    "BandFill",
    "ContractTerms",
    "ContractType",
    "Counts",
    "Course",
    "DeclarationCounts",
    "Row",
    "RowKind",
    "StatementCalculation",
    "StatementInput",
    "Totals",
    "UpliftCounts",
    "calculate_statement",
    "monthly_service_fee",
    "to_pence",
]
