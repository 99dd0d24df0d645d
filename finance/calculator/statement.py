"""A statement's payment calculation: counts of declarations in, rows of money and totals out.

The caller (the finance app's queries) counts a statement's declarations; nothing here reads the
database, so every rule can be tested with a worked example on paper (tests/finance).
docs/decisions/0035 states the rules; each function below applies one."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from finance.calculator.banding import BandFill, Counts, fill_bands
from finance.calculator.money import VAT_RATE, ZERO, divide, require_pence, to_pence
from finance.calculator.terms import (
    BANDED_TYPE_SHARES,
    DECLARATION_TYPES,
    FLAT_TYPE_SHARES,
    Band,
    ContractTerms,
    Course,
    output_share,
    service_share,
)

# The bands' service fees are paid in this many monthly instalments, as both DfE services do.
SERVICE_FEE_MONTHS = 29


# Inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationCounts:
    """One course's declarations of one type in the contract period, for one statement:
    `billable` and `refundable` on this statement, `earlier_billable` and `earlier_refundable` on
    the same provider's earlier statements of the period (deadline before this one's).

    Billable: the declaration's payment statement is that statement and it is eligible, payable or
    paid (a paid one stays billable there after it is clawed back). Refundable: its clawback
    statement is that statement (awaiting clawback or clawed back). Voided-unpaid and unfunded
    declarations count nowhere."""

    course: Course
    declaration_type: str
    billable: int = 0
    refundable: int = 0
    earlier_billable: int = 0
    earlier_refundable: int = 0

    def __post_init__(self):
        object.__setattr__(self, "course", Course(self.course))
        if self.declaration_type not in DECLARATION_TYPES:
            raise ValueError(f"unknown declaration type {self.declaration_type!r}")
        Counts(self.billable, self.refundable)
        Counts(self.earlier_billable, self.earlier_refundable)

    @property
    def this_statement(self) -> Counts:
        return Counts(self.billable, self.refundable)

    @property
    def earlier_statements(self) -> Counts:
        return Counts(self.earlier_billable, self.earlier_refundable)


@dataclass(frozen=True)
class UpliftCounts:
    """One course's started declarations on this statement for participants at a pupil-premium or
    sparsity school (one uplift each, whichever applies): `billable` paid here, `refundable`
    clawed back here. They are among the started declarations counted in DeclarationCounts."""

    course: Course
    billable: int = 0
    refundable: int = 0

    def __post_init__(self):
        object.__setattr__(self, "course", Course(self.course))
        Counts(self.billable, self.refundable)


@dataclass(frozen=True)
class Adjustment:
    """An amount finance staff added to the statement (negative to take money off), by name."""

    name: str
    amount: Decimal

    def __post_init__(self):
        object.__setattr__(
            self, "amount", require_pence(self.amount, f"adjustment {self.name!r}", allow_negative=True)
        )


@dataclass(frozen=True)
class StatementInput:
    """Everything about one statement the calculation needs besides the contract. A course and
    declaration type left out has no declarations."""

    declarations: tuple[DeclarationCounts, ...] = ()
    uplifts: tuple[UpliftCounts, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    def __post_init__(self):
        for name in ("declarations", "uplifts", "adjustments"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        keys = [(counts.course, counts.declaration_type) for counts in self.declarations]
        if len(set(keys)) != len(keys):
            raise ValueError("a course and declaration type is counted twice")
        courses = [uplift.course for uplift in self.uplifts]
        if len(set(courses)) != len(courses):
            raise ValueError("a course's uplifts are counted twice")
        for uplift in self.uplifts:
            started = self.counts(uplift.course, "started")
            if uplift.billable > started.billable or uplift.refundable > started.refundable:
                raise ValueError(f"{uplift.course}: more uplifts than started declarations")

    def counts(self, course: Course, declaration_type: str) -> DeclarationCounts:
        for counts in self.declarations:
            if counts.course == course and counts.declaration_type == declaration_type:
                return counts
        return DeclarationCounts(course, declaration_type)


# Outputs --------------------------------------------------------------------------------------


class RowKind(StrEnum):
    """What a row is, in the order a statement lists them."""

    OUTPUT = "output"
    UPLIFT = "uplift"
    SERVICE_FEE = "service_fee"
    CLAWBACK = "clawback"
    UPLIFT_CLAWBACK = "uplift_clawback"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class Row:
    """One line of a statement. `amount` is what it adds to the statement (negative for a
    clawback): `count` × `rate` where there is a count. `band` is a letter, "beyond" (above the
    top band, unpaid) or None; `courses` are whose declarations it counts."""

    kind: RowKind
    description: str
    amount: Decimal
    count: int | None = None
    rate: Decimal | None = None
    declaration_type: str | None = None
    band: str | None = None
    courses: tuple[Course, ...] = ()


@dataclass(frozen=True)
class Totals:
    """Each the sum of its rows' amounts; `clawbacks` (output and uplift clawbacks) is negative
    or zero. total_before_vat = output_fees + service_fee + uplifts + clawbacks + adjustments."""

    output_fees: Decimal
    service_fee: Decimal
    uplifts: Decimal
    clawbacks: Decimal
    adjustments: Decimal
    total_before_vat: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class StatementCalculation:
    rows: tuple[Row, ...]
    totals: Totals
    band_fill: tuple[BandFill, ...]

    def rows_of(self, *kinds: RowKind) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.kind in kinds)

    def fill_for(self, declaration_type: str) -> tuple[BandFill, ...]:
        """The bands (overflow last) for one declaration type, as this statement leaves them."""
        return tuple(fill for fill in self.band_fill if fill.declaration_type == declaration_type)


# The calculation ------------------------------------------------------------------------------


def calculate_statement(terms: ContractTerms, statement: StatementInput) -> StatementCalculation:
    """The statement's rows and totals under the contract."""
    check_flat_rate_types(terms, statement)
    band_fill = tuple(
        fill
        for declaration_type in DECLARATION_TYPES
        for fill in fill_bands(
            declaration_type, terms.bands, *banded_counts(terms, statement, declaration_type)
        )
    )
    rows = (
        *banded_rows(terms, band_fill),
        *flat_rate_rows(terms, statement),
        *uplift_rows(terms, statement),
        service_fee_row(terms),
        *adjustment_rows(statement),
    )
    rows = tuple(sorted(rows, key=lambda row: list(RowKind).index(row.kind)))
    return StatementCalculation(rows=rows, totals=totals_of(rows, terms), band_fill=band_fill)


def check_flat_rate_types(terms: ContractTerms, statement: StatementInput) -> None:
    """From 2025 mentors are paid on started and completed only (the API refuses the others)."""
    if not terms.pays_mentors_flat:
        return
    for counts in statement.declarations:
        has_any = counts.this_statement != Counts() or counts.earlier_statements != Counts()
        if counts.course == Course.MENTOR and counts.declaration_type not in FLAT_TYPE_SHARES and has_any:
            raise ValueError(f"mentors on a flat rate are not paid for {counts.declaration_type}")


def banded_counts(
    terms: ContractTerms, statement: StatementInput, declaration_type: str
) -> tuple[Counts, Counts]:
    """(earlier statements, this statement) for the banded courses together: up to 2024 ECTs and
    mentors share the bands, from 2025 only ECTs are banded."""
    earlier, this = Counts(), Counts()
    for course in terms.banded_courses:
        counts = statement.counts(course, declaration_type)
        earlier += counts.earlier_statements
        this += counts.this_statement
    return earlier, this


def type_label(declaration_type: str) -> str:
    """A declaration type as a person reads it: "retained-1" is "Retained 1"."""
    return declaration_type.replace("-", " ").capitalize()


def banded_rate(band: Band, declaration_type: str) -> Decimal:
    """What one declaration of the type earns in the band: the band's output share of its price,
    times the type's share of that."""
    return to_pence(band.price * output_share(band) * BANDED_TYPE_SHARES[declaration_type])


def banded_rows(terms: ContractTerms, band_fill: Iterable[BandFill]) -> list[Row]:
    """A row for each band and type with additions, and one for each with clawbacks, at the same
    rate. Declarations beyond the top band are shown at a rate of nothing."""
    prices = {band.letter: band for band in terms.bands}
    rows = []
    for fill in band_fill:
        band = prices.get(fill.band)
        rate = banded_rate(band, fill.declaration_type) if band else ZERO
        where = f"band {fill.band}" if band else "beyond the top band"
        label = type_label(fill.declaration_type)
        common = {
            "rate": rate,
            "declaration_type": fill.declaration_type,
            "band": fill.band,
            "courses": terms.banded_courses,
        }
        if fill.added:
            rows.append(Row(RowKind.OUTPUT, f"{label}, {where}", fill.added * rate, fill.added, **common))
        if fill.clawed_back:
            description = f"Clawback: {type_label(fill.declaration_type).lower()}, {where}"
            rows.append(
                Row(RowKind.CLAWBACK, description, -fill.clawed_back * rate, fill.clawed_back, **common)
            )
    return rows


def flat_rate(terms: ContractTerms, declaration_type: str) -> Decimal:
    """What one mentor declaration earns on a 2025 contract: the type's share of the flat rate."""
    return to_pence(terms.mentor_flat_rate * FLAT_TYPE_SHARES[declaration_type])


def flat_rate_rows(terms: ContractTerms, statement: StatementInput) -> list[Row]:
    """Mentors on a flat rate: this statement's declarations times the rate, and its clawbacks at
    the same rate. No bands, so earlier statements make no difference."""
    if not terms.pays_mentors_flat:
        return []
    rows = []
    for declaration_type in FLAT_TYPE_SHARES:
        counts = statement.counts(Course.MENTOR, declaration_type)
        rate = flat_rate(terms, declaration_type)
        common = {"rate": rate, "declaration_type": declaration_type, "courses": (Course.MENTOR,)}
        if counts.billable:
            description = f"Mentors: {declaration_type}"
            rows.append(Row(RowKind.OUTPUT, description, counts.billable * rate, counts.billable, **common))
        if counts.refundable:
            description = f"Clawback: mentors, {declaration_type}"
            rows.append(
                Row(RowKind.CLAWBACK, description, -counts.refundable * rate, counts.refundable, **common)
            )
    return rows


def uplift_rows(terms: ContractTerms, statement: StatementInput) -> list[Row]:
    """The contract's uplift amount per started declaration with an uplift on this statement, and
    the same amount back for each clawed back: an uplift is not banded. Only for the banded
    courses: a 2025 mentor's flat rate has no uplift."""
    if not terms.pays_uplifts:
        return []
    paid = clawed_back = 0
    for uplift in statement.uplifts:
        if uplift.course in terms.banded_courses:
            paid += uplift.billable
            clawed_back += uplift.refundable
    common = {"rate": terms.uplift_amount, "declaration_type": "started", "courses": terms.banded_courses}
    rows = []
    if paid:
        rows.append(Row(RowKind.UPLIFT, "Uplifts", paid * terms.uplift_amount, paid, **common))
    if clawed_back:
        description = "Clawback: uplifts"
        rows.append(
            Row(
                RowKind.UPLIFT_CLAWBACK,
                description,
                -clawed_back * terms.uplift_amount,
                clawed_back,
                **common,
            )
        )
    return rows


def monthly_service_fee(terms: ContractTerms) -> Decimal:
    """The contract's monthly figure when it has one (even 0); otherwise the bands' service fees
    for the recruitment target, less the set-up fee, in SERVICE_FEE_MONTHS equal parts."""
    if terms.monthly_service_fee is not None:
        return terms.monthly_service_fee
    total = bands_service_fees(terms) - set_up_fee_netted(terms)
    return to_pence(divide(total, SERVICE_FEE_MONTHS))


@dataclass(frozen=True)
class ServiceFeeWorking:
    """How a monthly service fee worked out from the bands comes about, for finance staff to
    check: the figures `monthly_service_fee` uses (the first two exact, before its one rounding)."""

    recruitment_target: int
    bands_service_fees: Decimal
    set_up_fee_netted: Decimal
    months: int
    monthly: Decimal


def service_fee_working(terms: ContractTerms) -> ServiceFeeWorking | None:
    """The working of a service fee from the bands; None when the contract gives a monthly fee."""
    if terms.monthly_service_fee is not None:
        return None
    return ServiceFeeWorking(
        recruitment_target=terms.recruitment_target,
        bands_service_fees=bands_service_fees(terms),
        set_up_fee_netted=set_up_fee_netted(terms),
        months=SERVICE_FEE_MONTHS,
        monthly=monthly_service_fee(terms),
    )


def bands_service_fees(terms: ContractTerms) -> Decimal:
    """The service share of each band's price for the participants of the recruitment target
    that fall in it (filling bands in order)."""
    remaining, total = terms.recruitment_target, Decimal(0)
    for band in terms.bands:
        in_band = min(remaining, band.capacity)
        remaining -= in_band
        total += in_band * band.price * service_share(band)
    return total


def set_up_fee_netted(terms: ContractTerms) -> Decimal:
    """The set-up fee was paid up front, so the service fee pays it back: spread over the first
    band's places, it comes off for each place the recruitment target fills (all of it when the
    target fills the first band)."""
    first = terms.bands[0]
    return terms.set_up_fee * min(terms.recruitment_target, first.capacity) / first.capacity


def service_fee_row(terms: ContractTerms) -> Row:
    return Row(RowKind.SERVICE_FEE, "Service fee", monthly_service_fee(terms))


def adjustment_rows(statement: StatementInput) -> list[Row]:
    return [
        Row(RowKind.ADJUSTMENT, adjustment.name, adjustment.amount) for adjustment in statement.adjustments
    ]


def vat_on(total_before_vat: Decimal, terms: ContractTerms) -> Decimal:
    """VAT at 20% of the whole statement, when the contract says VAT applies."""
    return to_pence(total_before_vat * VAT_RATE) if terms.vat_applicable else ZERO


def totals_of(rows: tuple[Row, ...], terms: ContractTerms) -> Totals:
    """Each total is the sum of its rows; only VAT is worked out from a total."""

    def sum_of(*kinds: RowKind) -> Decimal:
        return sum((row.amount for row in rows if row.kind in kinds), ZERO)

    total_before_vat = sum((row.amount for row in rows), ZERO)
    vat = vat_on(total_before_vat, terms)
    return Totals(
        output_fees=sum_of(RowKind.OUTPUT),
        service_fee=sum_of(RowKind.SERVICE_FEE),
        uplifts=sum_of(RowKind.UPLIFT),
        clawbacks=sum_of(RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK),
        adjustments=sum_of(RowKind.ADJUSTMENT),
        total_before_vat=total_before_vat,
        vat=vat,
        total=total_before_vat + vat,
    )
