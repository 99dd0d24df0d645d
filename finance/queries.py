"""What finance reads: the contract in force, a statement's counts for the payment calculation,
its calculation, and how far a provider has filled its bands (docs/decisions/0035, 0038); a
provider's statements calculated together; what each declaration on a statement is worth
(`StatementPricing`, the one place a declaration is priced); and what finance staff's pages list.

The calculation itself is `finance.calculator`, a pure function; this module only counts. A
statement's counts are four grouped queries, so reading one costs the same number of queries
however many declarations it has: the two over the provider's period touch only the
declarations and statements tables; only the statement's own started declarations are joined
to their schools, for uplifts."""

import datetime
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404

from audit.models import Event
from core import clock
from finance import snapshots
from finance.calculator import (
    BEYOND,
    DECLARATION_TYPES,
    Adjustment,
    Band,
    ContractTerms,
    Course,
    DeclarationCounts,
    Row,
    RowKind,
    StatementCalculation,
    StatementInput,
    UpliftCounts,
    calculate_statement,
)
from finance.calculator.banding import stack_up
from finance.models import (
    ClawbackStatus,
    Contract,
    ContractType,
    Declaration,
    PaymentStatus,
    Statement,
    StatementAdjustment,
)
from providers.models import (
    LAST_YEAR_WITH_UPLIFTS,
    ActiveLeadProvider,
    ContractPeriod,
    DeclarationType,
    LeadProvider,
)
from schools.models import SchoolFundingFlags

COURSES = {"ecf-induction": Course.ECT, "ecf-mentor": Course.MENTOR}
# Paid on the statement it is on: eligible (payable once the statement is) or paid. A paid one
# stays billable there after it is clawed back elsewhere.
BILLABLE = (PaymentStatus.ELIGIBLE, PaymentStatus.PAID)
# Clawed back on the statement it is on.
REFUNDABLE = (ClawbackStatus.AWAITING_CLAWBACK, ClawbackStatus.CLAWED_BACK)

# The contract period a declaration is paid in: its payment statement's.
PAID_IN_PERIOD = "payment_statement__active_lead_provider__contract_period"


class NoContractInForce(Exception):
    """The statement's provider has no contract version in force on its deadline."""

    def __init__(self, statement: Statement):
        super().__init__(
            f"{statement} has no contract in force on its deadline, {statement.deadline_date:%-d %B %Y}: "
            "add the provider's contract for the period first."
        )
        self.statement = statement


# --- Uplifts: one rule for the payment calculation and the API's uplift_paid ---------------------


def earns_uplift() -> Q:
    """A declaration that earns the contract's uplift: a started one, paid in a contract period
    up to 2024 (from 2025 contracts pay none), for a participant whose school (of the training it
    was declared on) had a pupil premium or sparsity flag in that period. One uplift whichever
    flags the school has. For filtering or annotating Declaration querysets."""
    flagged = SchoolFundingFlags.objects.filter(
        Q(pupil_premium=True) | Q(sparsity=True),
        school=Coalesce(
            OuterRef("training_period__ect_at_school_period__school"),
            OuterRef("training_period__mentor_at_school_period__school"),
        ),
        contract_period=OuterRef(PAID_IN_PERIOD),
    )
    return Q(
        declaration_type=DeclarationType.STARTED, **{f"{PAID_IN_PERIOD}__lte": LAST_YEAR_WITH_UPLIFTS}
    ) & Q(Exists(flagged))


def uplift_paid() -> Q:
    """The API's `uplift_paid`: a paid declaration that earns an uplift (it stays so when clawed
    back, as the DfE shows it)."""
    return Q(payment_status=PaymentStatus.PAID) & earns_uplift()


# --- Contracts -----------------------------------------------------------------------------------


def contract_in_force(
    active_lead_provider: ActiveLeadProvider | int, *, on: datetime.date
) -> Contract | None:
    """The provider's contract version in force on a day: the highest-numbered version in force
    from that day or before, with its bands (two queries). None before its first version."""
    return (
        Contract.objects.filter(active_lead_provider=active_lead_provider, in_force_from__lte=on)
        .select_related("active_lead_provider__lead_provider")
        .prefetch_related("bands")
        .order_by("-version")
        .first()
    )


def contract_versions(active_lead_provider: ActiveLeadProvider | int) -> QuerySet[Contract]:
    """Every version of the provider's contract for the period, the latest first."""
    return (
        Contract.objects.filter(active_lead_provider=active_lead_provider)
        .prefetch_related("bands")
        .select_related("created_by")
        .order_by("-version")
    )


def contract_terms(contract: Contract) -> ContractTerms:
    """The calculator's view of a contract version (its bands already fetched)."""
    return ContractTerms(
        type=contract.contract_type,
        recruitment_target=contract.recruitment_target,
        set_up_fee=contract.set_up_fee,
        monthly_service_fee=contract.monthly_service_fee,
        uplift_amount=contract.uplift_amount,
        vat_applicable=contract.vat_applicable,
        mentor_flat_rate=contract.mentor_flat_rate,
        bands=tuple(
            Band(band.letter, band.min, band.max, band.price)
            for band in sorted(contract.bands.all(), key=lambda band: band.letter)
        ),
    )


# --- A statement's counts and calculation --------------------------------------------------------


def statement_input(statement: Statement) -> StatementInput:
    """What the calculation needs to know about the statement, in four queries whatever the
    number of declarations: per course and declaration type, the declarations billable and
    refundable on it and on the provider's earlier statements of the contract period (deadline
    before its own); the started ones on it earning an uplift; its adjustments."""
    up_to = (
        Statement.objects.filter(
            active_lead_provider_id=statement.active_lead_provider_id,
            deadline_date__lte=statement.deadline_date,
        )
        .order_by()
        .values("pk")
    )
    billable = _counts("payment_statement", up_to, payment_status__in=BILLABLE)
    refundable = _counts("clawback_statement", up_to, clawback_status__in=REFUNDABLE)
    only = [statement.pk]
    return _input(
        billable.pop(statement.pk, {}),
        refundable.pop(statement.pk, {}),
        _sum(billable.values()),
        _sum(refundable.values()),
        uplifts=_uplift_counts(only).get(statement.pk, ()),
        adjustments=_adjustments(only).get(statement.pk, ()),
    )


def statement_inputs(active_lead_provider: ActiveLeadProvider | int) -> dict[int, StatementInput]:
    """`statement_input` for every statement of the provider's contract period at once, by
    statement id, in five queries (the statements, then the same four): for calculating many
    statements together, as the demo data does for the statements it pays."""
    deadlines = dict(
        Statement.objects.filter(active_lead_provider=active_lead_provider).values_list("pk", "deadline_date")
    )
    ids = list(deadlines)
    billable = _counts("payment_statement", ids, payment_status__in=BILLABLE)
    refundable = _counts("clawback_statement", ids, clawback_status__in=REFUNDABLE)
    uplifts, adjustments = _uplift_counts(ids), _adjustments(ids)
    inputs: dict[int, StatementInput] = {}
    earlier_billable: _Counted = {}
    earlier_refundable: _Counted = {}
    for statement_id in sorted(ids, key=lambda pk: deadlines[pk]):
        here_billable, here_refundable = billable.get(statement_id, {}), refundable.get(statement_id, {})
        inputs[statement_id] = _input(
            here_billable,
            here_refundable,
            earlier_billable,
            earlier_refundable,
            uplifts=uplifts.get(statement_id, ()),
            adjustments=adjustments.get(statement_id, ()),
        )
        earlier_billable = _sum([earlier_billable, here_billable])
        earlier_refundable = _sum([earlier_refundable, here_refundable])
    return inputs


# Per (course, declaration type), a count of declarations.
_Counted = dict[tuple[Course, str], int]


def _input(
    billable: _Counted,
    refundable: _Counted,
    earlier_billable: _Counted,
    earlier_refundable: _Counted,
    *,
    uplifts,
    adjustments,
) -> StatementInput:
    keys = sorted(
        set(billable) | set(refundable) | set(earlier_billable) | set(earlier_refundable),
        key=lambda key: (list(Course).index(key[0]), DECLARATION_TYPES.index(key[1])),
    )
    return StatementInput(
        declarations=[
            DeclarationCounts(
                course,
                declaration_type,
                billable=billable.get((course, declaration_type), 0),
                refundable=refundable.get((course, declaration_type), 0),
                earlier_billable=earlier_billable.get((course, declaration_type), 0),
                earlier_refundable=earlier_refundable.get((course, declaration_type), 0),
            )
            for course, declaration_type in keys
        ],
        uplifts=uplifts,
        adjustments=adjustments,
    )


def _sum(counted: Iterable[_Counted]) -> _Counted:
    total: _Counted = {}
    for counts in counted:
        for key, count in counts.items():
            total[key] = total.get(key, 0) + count
    return total


class _AnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery's ids are found first, once, and then looked
    up in the column's index. As a join (or `IN (subquery)`) the planner guesses that each
    statement has the average number of declarations, which for the largest provider is far too
    few, and reads the whole declarations table instead (docs/decisions/0038; bench/finance_statement.py)."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (column, column_params), (subquery, subquery_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)


def _among(column: str, statements: QuerySet | list[int]) -> Q | _AnyOf:
    """Declarations whose `column` (a statement id) is one of the statements."""
    if isinstance(statements, QuerySet):
        return _AnyOf(F(column), Subquery(statements))
    return Q(**{f"{column}__in": statements})


def _counts(on: str, statements: QuerySet | list[int], **status) -> dict[int, _Counted]:
    """One grouped query: per statement, course and type, the declarations `on` (payment_statement
    or clawback_statement) one of the statements (ids, or a query of them) in `status`."""
    rows = (
        Declaration.objects.filter(_among(f"{on}_id", statements), **status)
        .values_list(f"{on}_id", "course_identifier", "declaration_type")
        .annotate(count=Count("*"))
        .order_by()
    )
    counts: dict[int, _Counted] = {}
    for statement_id, course, declaration_type, count in rows:
        counts.setdefault(statement_id, {})[(COURSES[course], declaration_type)] = count
    return counts


def _uplift_counts(statement_ids: list[int]) -> dict[int, list[UpliftCounts]]:
    """One grouped query over the statements' own declarations: per statement and course, the
    started ones earning an uplift billable and refundable on it."""
    billable = _among("payment_statement_id", statement_ids) & Q(payment_status__in=BILLABLE)
    refundable = _among("clawback_statement_id", statement_ids) & Q(clawback_status__in=REFUNDABLE)
    rows = (
        Declaration.objects.filter(billable | refundable)
        .filter(earns_uplift())
        .values_list("payment_statement_id", "clawback_statement_id", "course_identifier")
        .annotate(billable=Count("pk", filter=billable), refundable=Count("pk", filter=refundable))
        .order_by()
    )
    counts: dict[int, dict[Course, list[int]]] = {}
    for payment_statement_id, clawback_statement_id, course, billed, refunded in rows:
        if billed:
            counts.setdefault(payment_statement_id, {}).setdefault(COURSES[course], [0, 0])[0] += billed
        if refunded:
            counts.setdefault(clawback_statement_id, {}).setdefault(COURSES[course], [0, 0])[1] += refunded
    return {
        statement_id: [
            UpliftCounts(course, billable=per_course[course][0], refundable=per_course[course][1])
            for course in Course
            if course in per_course
        ]
        for statement_id, per_course in counts.items()
    }


def _adjustments(statement_ids: list[int]) -> dict[int, list[Adjustment]]:
    """The statements' adjustments, each statement's in the order they were added (one query)."""
    by_statement: dict[int, list[Adjustment]] = {}
    for statement_id, name, amount in (
        StatementAdjustment.objects.filter(statement_id__in=statement_ids)
        .order_by("statement_id", "created_at", "id")
        .values_list("statement_id", "name", "amount")
    ):
        by_statement.setdefault(statement_id, []).append(Adjustment(name, amount))
    return by_statement


def contract_for(statement: Statement) -> Contract | None:
    """The contract version the statement is calculated with: for a paid one, the version it was
    paid under (None if paid before statements carried money); otherwise the one in force on
    its deadline."""
    if statement.paid_at is not None:
        paid_under = snapshots.contract_of(statement.calculation)
        if paid_under is None:
            return None
        return Contract.objects.prefetch_related("bands").get(pk=paid_under[0])
    return contract_in_force(statement.active_lead_provider_id, on=statement.deadline_date)


def calculate(statement: Statement, *, contract: Contract | None = None) -> StatementCalculation:
    """The statement's rows and totals. A paid statement is read from what was written down when
    it was authorised for payment, never calculated again (no query); otherwise it is calculated
    with the contract version in force on its deadline (six queries, or four when `contract` is
    that version, already fetched). Raises NoContractInForce when there is none."""
    if statement.paid_at is not None:
        return snapshots.from_json(statement.calculation)
    if contract is None:
        contract = contract_in_force(statement.active_lead_provider_id, on=statement.deadline_date)
    if contract is None:
        raise NoContractInForce(statement)
    return calculate_statement(contract_terms(contract), statement_input(statement))


# --- How far a provider has filled its bands ---------------------------------------------------


@dataclass(frozen=True)
class BandPlaces:
    """One band's places for one declaration type: `filled` of `capacity` (None above the top
    band, where declarations are billable but unpaid)."""

    band: str  # a letter, or BEYOND
    min: int | None
    max: int | None
    capacity: int | None
    filled: int


@dataclass(frozen=True)
class ProviderBandFill:
    """A provider's bands in a contract period as its statements leave them so far.

    `bands` maps each declaration type to its bands (the overflow last), filled by the live
    declarations (billable less refundable, over all its statements) of the banded courses:
    ECTs and mentors up to 2024, ECTs from 2025. `flat_rate_mentors` counts, from 2025, the
    mentors' live declarations per type, which are paid a flat rate and fill no band. `contract`
    is the version the bands are read from; None (and no bands) when the provider has none."""

    active_lead_provider: ActiveLeadProvider
    contract: Contract | None
    bands: dict[str, tuple[BandPlaces, ...]]
    flat_rate_mentors: dict[str, int]

    @property
    def recruitment_target(self) -> int | None:
        return self.contract.recruitment_target if self.contract else None

    @property
    def participants_started(self) -> int:
        """Participants of the banded courses whose started declaration is live: what the
        recruitment target is measured against."""
        return sum(places.filled for places in self.bands.get(DeclarationType.STARTED, ()))


def band_fill(
    active_lead_provider: ActiveLeadProvider, *, on: datetime.date | None = None
) -> ProviderBandFill:
    """How far the provider has filled its bands in the contract period, by the contract version
    in force `on` (today by default; before the first version, the first). Four queries."""
    on = on or clock.today()
    contract = contract_in_force(active_lead_provider, on=on) or (
        Contract.objects.filter(active_lead_provider=active_lead_provider)
        .prefetch_related("bands")
        .order_by("version")
        .first()
    )
    live = _live_counts(active_lead_provider)
    if contract is None:
        return ProviderBandFill(active_lead_provider, None, {}, {})
    terms = contract_terms(contract)
    bands: dict[str, tuple[BandPlaces, ...]] = {}
    for declaration_type in DECLARATION_TYPES:
        net = sum(live.get((course, declaration_type), 0) for course in terms.banded_courses)
        if not net:
            continue
        capacities: list[int | None] = [band.capacity for band in terms.bands] + [None]
        filled = stack_up(net, [0] * len(capacities), capacities)
        bands[declaration_type] = (
            *(
                BandPlaces(band.letter, band.min, band.max, band.capacity, places)
                for band, places in zip(terms.bands, filled, strict=False)
            ),
            BandPlaces(BEYOND, terms.top_of_bands + 1, None, None, filled[-1]),
        )
    flat_rate_mentors = (
        {
            declaration_type: live[(Course.MENTOR, declaration_type)]
            for declaration_type in DECLARATION_TYPES
            if live.get((Course.MENTOR, declaration_type))
        }
        if terms.pays_mentors_flat
        else {}
    )
    return ProviderBandFill(active_lead_provider, contract, bands, flat_rate_mentors)


def _live_counts(active_lead_provider: ActiveLeadProvider) -> dict[tuple[Course, str], int]:
    """Per course and type, the provider's declarations billable less refundable over all its
    statements of the period (two grouped queries)."""
    totals: dict[tuple[Course, str], int] = {}
    statements = Statement.objects.filter(active_lead_provider=active_lead_provider).order_by().values("pk")
    for on, status, sign in (
        ("payment_statement", {"payment_status__in": BILLABLE}, 1),
        ("clawback_statement", {"clawback_status__in": REFUNDABLE}, -1),
    ):
        rows = (
            Declaration.objects.filter(_among(f"{on}_id", statements), **status)
            .values("course_identifier", "declaration_type")
            .annotate(count=Count("*"))
            .order_by()
        )
        for row in rows:
            key = (COURSES[row["course_identifier"]], row["declaration_type"])
            totals[key] = totals.get(key, 0) + sign * row["count"]
    return totals


# --- A provider's statements of a period, calculated together ----------------------------------


def period_calculations(
    active_lead_provider: ActiveLeadProvider,
) -> list[tuple[Statement, StatementCalculation | None]]:
    """Every statement of the provider's contract period, in order, with its calculation (None
    when no contract is in force on its deadline): what `calculate` gives for each, in eight
    queries however many statements and declarations. A paid statement is read from what was
    written down when it was paid."""
    statements = list(
        Statement.objects.filter(active_lead_provider=active_lead_provider).order_by("deadline_date", "pk")
    )
    versions = list(
        Contract.objects.filter(active_lead_provider=active_lead_provider)
        .prefetch_related("bands")
        .order_by("-version")
    )
    billable = _period_counts("payment_statement", active_lead_provider, payment_status__in=BILLABLE)
    refundable = _period_counts("clawback_statement", active_lead_provider, clawback_status__in=REFUNDABLE)
    uplifts = {
        on: _period_uplifts(on, active_lead_provider, **status)
        for on, status in (
            ("payment_statement", {"payment_status__in": BILLABLE}),
            ("clawback_statement", {"clawback_status__in": REFUNDABLE}),
        )
    }
    adjustments: dict[int, list[Adjustment]] = {}
    for statement_id, name, amount in (
        StatementAdjustment.objects.filter(statement__active_lead_provider=active_lead_provider)
        .order_by("created_at", "id")
        .values_list("statement_id", "name", "amount")
    ):
        adjustments.setdefault(statement_id, []).append(Adjustment(name, amount))

    calculated = []
    for statement in statements:
        if statement.paid_at is not None:
            calculated.append((statement, snapshots.from_json(statement.calculation)))
            continue
        contract = next(
            (version for version in versions if version.in_force_from <= statement.deadline_date), None
        )
        if contract is None:
            calculated.append((statement, None))
            continue
        earlier = [other.pk for other in statements if other.deadline_date < statement.deadline_date]
        here_billable, here_refundable = billable.get(statement.pk, {}), refundable.get(statement.pk, {})
        keys = sorted(
            set(here_billable)
            | set(here_refundable)
            | {key for pk in earlier for key in (*billable.get(pk, {}), *refundable.get(pk, {}))},
            key=lambda key: (list(Course).index(key[0]), DECLARATION_TYPES.index(key[1])),
        )
        declarations = [
            DeclarationCounts(
                course,
                declaration_type,
                billable=here_billable.get((course, declaration_type), 0),
                refundable=here_refundable.get((course, declaration_type), 0),
                earlier_billable=sum(
                    billable.get(pk, {}).get((course, declaration_type), 0) for pk in earlier
                ),
                earlier_refundable=sum(
                    refundable.get(pk, {}).get((course, declaration_type), 0) for pk in earlier
                ),
            )
            for course, declaration_type in keys
        ]
        paid_here, clawed_here = (
            uplifts["payment_statement"].get(statement.pk, {}),
            uplifts["clawback_statement"].get(statement.pk, {}),
        )
        uplift_counts = [
            UpliftCounts(course, billable=paid_here.get(course, 0), refundable=clawed_here.get(course, 0))
            for course in Course
            if course in paid_here or course in clawed_here
        ]
        counts = StatementInput(
            declarations=declarations, uplifts=uplift_counts, adjustments=adjustments.get(statement.pk, [])
        )
        calculated.append((statement, calculate_statement(contract_terms(contract), counts)))
    return calculated


def _period_counts(
    on: str, active_lead_provider: ActiveLeadProvider, **status
) -> dict[int, dict[tuple[Course, str], int]]:
    """Per statement of the provider's period, per course and type, the declarations `on` it."""
    rows = (
        Declaration.objects.filter(**{f"{on}__active_lead_provider": active_lead_provider}, **status)
        .values(on, "course_identifier", "declaration_type")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[tuple[Course, str], int]] = {}
    for row in rows:
        key = (COURSES[row["course_identifier"]], row["declaration_type"])
        counts.setdefault(row[on], {})[key] = row["count"]
    return counts


def _period_uplifts(
    on: str, active_lead_provider: ActiveLeadProvider, **status
) -> dict[int, dict[Course, int]]:
    """Per statement of the provider's period, per course, the started declarations `on` it
    earning an uplift."""
    rows = (
        Declaration.objects.filter(**{f"{on}__active_lead_provider": active_lead_provider}, **status)
        .filter(earns_uplift())
        .values(on, "course_identifier")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[Course, int]] = {}
    for row in rows:
        counts.setdefault(row[on], {})[COURSES[row["course_identifier"]]] = row["count"]
    return counts


# --- What each declaration on a statement is worth -----------------------------------------------


class OnStatement(StrEnum):
    """How a declaration is on a statement."""

    OUTPUT = "output"  # paid on it: billable there (eligible, payable or paid)
    CLAWBACK = "clawback"  # clawed back on it: refundable there (awaiting clawback or clawed back)
    VOIDED = "voided"  # voided before it was paid: on it, but worth nothing


ON_STATEMENT_LABELS = {
    OnStatement.OUTPUT: "Payment",
    OnStatement.CLAWBACK: "Clawback",
    OnStatement.VOIDED: "Voided before payment",
}

# A declaration's state as the lead provider API shows it (api.resources.declaration_state).
STATES = {
    "submitted": "Submitted",
    "eligible": "Eligible",
    "payable": "Payable",
    "paid": "Paid",
    "voided": "Voided",
    "awaiting-clawback": "Awaiting clawback",
    "clawed-back": "Clawed back",
}

# The order a statement's declarations go on the bands: the order they were made in.
DECLARATION_ORDER = ("created_at", "pk")


def declaration_state() -> Case:
    """A declaration's state in SQL, as the API shows it: a clawback first; then submitted (no
    payment), payable (eligible on a statement the daily task has made payable), or its payment
    status."""
    return Case(
        When(clawback_status=ClawbackStatus.AWAITING_CLAWBACK, then=Value("awaiting-clawback")),
        When(clawback_status=ClawbackStatus.CLAWED_BACK, then=Value("clawed-back")),
        When(payment_status=PaymentStatus.NO_PAYMENT, then=Value("submitted")),
        When(
            payment_status=PaymentStatus.ELIGIBLE,
            payment_statement__marked_payable_at__isnull=False,
            then=Value("payable"),
        ),
        default=F("payment_status"),
        output_field=CharField(),
    )


def _on(statement: Statement) -> dict[OnStatement, Q]:
    return {
        OnStatement.OUTPUT: Q(payment_statement=statement, payment_status__in=BILLABLE),
        OnStatement.CLAWBACK: Q(clawback_statement=statement, clawback_status__in=REFUNDABLE),
        OnStatement.VOIDED: Q(payment_statement=statement, payment_status=PaymentStatus.VOIDED),
    }


def on_statement(statement: Statement) -> QuerySet[Declaration]:
    """Every declaration on the statement, in the order they were made: paid on it, clawed back on
    it, or voided before it was paid there. Each is annotated with `on_statement` (OnStatement),
    `state` (STATES) and `earns_uplift`."""
    on = _on(statement)
    return (
        Declaration.objects.filter(on[OnStatement.OUTPUT] | on[OnStatement.CLAWBACK] | on[OnStatement.VOIDED])
        .annotate(
            on_statement=Case(
                When(on[OnStatement.CLAWBACK], then=Value(OnStatement.CLAWBACK.value)),
                When(on[OnStatement.OUTPUT], then=Value(OnStatement.OUTPUT.value)),
                default=Value(OnStatement.VOIDED.value),
                output_field=CharField(),
            ),
            state=declaration_state(),
            earns_uplift=earns_uplift(),
        )
        .order_by(*DECLARATION_ORDER)
    )


@dataclass(frozen=True)
class DeclarationAmount:
    """What one declaration adds to a statement: `output` at its band's rate (or the mentors'
    flat rate) and `uplift`, both negative for a clawback; `band` is the band it fills (a letter,
    BEYOND, or None for a flat rate or nothing)."""

    on_statement: OnStatement
    band: str | None
    output: Decimal
    uplift: Decimal

    @property
    def amount(self) -> Decimal:
        return self.output + self.uplift


NOTHING = Decimal("0.00")


def row_key(row: Row) -> str:
    """A calculation row's name in a link or a filter: its kind, declaration type and band."""
    if row.kind in (RowKind.UPLIFT, RowKind.UPLIFT_CLAWBACK):
        return row.kind.value
    return f"{row.kind.value}:{row.declaration_type}:{row.band or 'flat'}"


class StatementPricing:
    """Which band each of a statement's declarations fills, and so what it is worth: the one place
    a declaration is priced (docs/decisions/0035), read from the statement's own calculation so
    that its declarations' amounts add up to the statement's output fees, uplifts and clawbacks.

    Per declaration type, the statement's declarations paid on it (of the banded courses) fill the
    bands in the order they were made, from where the calculation says the earlier statements left
    them: as many in each band as the calculation's band fill adds there. Its clawbacks, in the
    order the declarations were made, come off the top: the first from the highest band the
    calculation takes one from. Mentors on a flat rate are priced at it; a started declaration
    earning an uplift adds the contract's uplift. One query: the last declaration in each band."""

    def __init__(self, statement: Statement, calculation: StatementCalculation | None):
        self.statement = statement
        self.calculation = calculation
        self.flat_mentors = (
            ContractType.for_year(statement.active_lead_provider.contract_period_id)
            == ContractType.ECTS_BANDED_MENTORS_FLAT
        )
        self.rates: dict[tuple[RowKind, str | None, str | None], Decimal] = {}
        for row in calculation.rows if calculation else ():
            if row.rate is not None:
                band = row.band if row.kind in (RowKind.OUTPUT, RowKind.CLAWBACK) else None
                self.rates[(row.kind, row.declaration_type, band)] = row.rate
        self.ends = self._band_ends()

    @property
    def banded(self) -> Q:
        """The declarations that fill bands: from 2025, only ECTs'."""
        return Q(course_identifier="ecf-induction") if self.flat_mentors else Q()

    def _band_plan(self) -> dict[tuple[OnStatement, str], list[tuple[int, str]]]:
        """Per (on statement, type): the place in the statement's order of the last declaration in
        each band it fills, with the band, in order."""
        plan = {}
        for declaration_type in DECLARATION_TYPES:
            fills = self.calculation.fill_for(declaration_type) if self.calculation else ()
            for on, counts in (
                (OnStatement.OUTPUT, [(fill.band, fill.added) for fill in fills]),
                (OnStatement.CLAWBACK, [(fill.band, fill.clawed_back) for fill in reversed(fills)]),
            ):
                place, ends = 0, []
                for band, count in counts:
                    if count:
                        place += count
                        ends.append((place, band))
                if ends:
                    plan[(on, declaration_type)] = ends
        return plan

    def _band_ends(self) -> dict[tuple[OnStatement, str], list[tuple[tuple, str]]]:
        """Per (on statement, type): the order key (created_at, pk) of the last declaration in each
        band, with the band. One query, numbering the statement's banded declarations per type."""
        plan = self._band_plan()
        places = sorted({place for ends in plan.values() for place, _band in ends})
        if not places:
            return {}
        last_in_band = (
            on_statement(self.statement)
            .filter(self.banded)
            .exclude(on_statement=OnStatement.VOIDED)
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("on_statement"), F("declaration_type")],
                    order_by=[F(field).asc() for field in DECLARATION_ORDER],
                )
            )
            .filter(place__in=places)
            .values_list("on_statement", "declaration_type", "place", *DECLARATION_ORDER)
        )
        keys = {(on, declaration_type, place): key for on, declaration_type, place, *key in last_in_band}
        return {
            (on, declaration_type): [
                (tuple(keys[(on, declaration_type, place)]), band)
                for place, band in ends
                if (on, declaration_type, place) in keys
            ]
            for (on, declaration_type), ends in plan.items()
        }

    def is_flat_rate(self, declaration: Declaration) -> bool:
        return self.flat_mentors and declaration.course_identifier == "ecf-mentor"

    def band_of(self, declaration: Declaration) -> str | None:
        """The band a declaration paid or clawed back on the statement fills (None for a flat
        rate, or one voided before payment)."""
        on = OnStatement(declaration.on_statement)
        if on == OnStatement.VOIDED or self.is_flat_rate(declaration):
            return None
        key = (declaration.created_at, declaration.pk)
        for last, band in self.ends.get((on, declaration.declaration_type), ()):
            if key <= last:
                return band
        return None

    def of(self, declaration: Declaration) -> DeclarationAmount:
        """What the declaration (from `on_statement`) adds to the statement."""
        on = OnStatement(declaration.on_statement)
        if on == OnStatement.VOIDED:
            return DeclarationAmount(on, None, NOTHING, NOTHING)
        band = self.band_of(declaration)
        output_kind, uplift_kind, sign = (
            (RowKind.OUTPUT, RowKind.UPLIFT, 1)
            if on == OnStatement.OUTPUT
            else (RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK, -1)
        )
        flat = self.is_flat_rate(declaration)
        rate = (
            self.rates.get((output_kind, declaration.declaration_type, band), NOTHING)
            if flat or band is not None
            else NOTHING
        )
        uplift = (
            self.rates.get((uplift_kind, DeclarationType.STARTED, None), NOTHING)
            if declaration.earns_uplift and not flat
            else NOTHING
        )
        return DeclarationAmount(
            on, band, sign * rate if rate else NOTHING, sign * uplift if uplift else NOTHING
        )

    def behind(self, key: str) -> Q:
        """The statement's declarations a row of its calculation counts (by `row_key`); none for
        a key it has not."""
        if key in (RowKind.UPLIFT, RowKind.UPLIFT_CLAWBACK):
            on = OnStatement.OUTPUT if key == RowKind.UPLIFT else OnStatement.CLAWBACK
            return Q(on_statement=on, earns_uplift=True) & self.banded
        kind, _, rest = key.partition(":")
        declaration_type, _, band = rest.partition(":")
        if kind not in (RowKind.OUTPUT, RowKind.CLAWBACK) or declaration_type not in DECLARATION_TYPES:
            return Q(pk__in=[])
        on = OnStatement.OUTPUT if kind == RowKind.OUTPUT else OnStatement.CLAWBACK
        of_type = Q(on_statement=on, declaration_type=declaration_type)
        if band == "flat":
            return of_type & Q(course_identifier="ecf-mentor") if self.flat_mentors else Q(pk__in=[])
        after = None
        for last, letter in self.ends.get((on, declaration_type), ()):
            if letter == band:
                return of_type & self.banded & _after(after) & ~_after(last)
            after = last
        return Q(pk__in=[])


def _after(key: tuple | None) -> Q:
    """Declarations made after the one with this order key (all when None)."""
    if key is None:
        return Q()
    created_at, pk = key
    return Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk)


# --- Finding declarations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """What finance staff look a declaration up by: a TRN, or an ID (a declaration's or a
    participant's, as the lead provider API writes them)."""

    trn: str | None = None
    id: uuid.UUID | None = None

    def __str__(self):
        return self.trn or str(self.id)


def read_search(text: str) -> Search | None:
    """A TRN (7 digits) or an ID (a UUID, with or without its hyphens); None for anything else."""
    text = text.strip()
    if re.fullmatch(r"\d{7}", text):
        return Search(trn=text)
    try:
        return Search(id=uuid.UUID(text))
    except ValueError:
        return None


def matching(search: Search) -> Q:
    """Declarations with that ID, or of the participant with that ID or TRN."""
    if search.trn is not None:
        return Q(teacher__trn=search.trn)
    return Q(api_id=search.id) | Q(teacher__api_id=search.id)


def find_declarations(search: Search) -> QuerySet[Declaration]:
    """Declarations of every lead provider matching the search, the participant's in the order they
    were made, each with its `state`, participant, provider and statements."""
    return (
        Declaration.objects.filter(matching(search))
        .annotate(state=declaration_state())
        .select_related(
            "teacher",
            "lead_provider",
            "payment_statement__active_lead_provider",
            "clawback_statement__active_lead_provider",
        )
        .order_by("teacher__trs_last_name", "teacher_id", *DECLARATION_ORDER)
    )


def declaration_for(declaration_id: int) -> Declaration:
    """One declaration with what its page shows; 404 when there is none."""
    declaration = (
        Declaration.objects.filter(pk=declaration_id)
        .annotate(state=declaration_state())
        .select_related(
            "teacher",
            "lead_provider",
            "delivery_partner",
            "mentor",
            "training_period",
            "payment_statement__active_lead_provider__lead_provider",
            "clawback_statement__active_lead_provider__lead_provider",
        )
        .first()
    )
    if declaration is None:
        raise Http404("No such declaration")
    return declaration


@dataclass(frozen=True)
class AmountOnStatement:
    """What a declaration adds to one statement it is on (None when no contract is in force on
    the statement's deadline, so it cannot be priced yet)."""

    statement: Statement
    amount: DeclarationAmount | None


def declaration_amounts(declaration: Declaration) -> list[AmountOnStatement]:
    """What the declaration adds to the statement it is paid on, and takes off the one it is
    clawed back on, priced as on those statements (StatementPricing)."""
    amounts = []
    for statement in (declaration.payment_statement, declaration.clawback_statement):
        if statement is None:
            continue
        contract = contract_for(statement)
        if statement.paid_at is None and contract is None:
            amounts.append(AmountOnStatement(statement, None))
            continue
        pricing = StatementPricing(statement, calculate(statement, contract=contract))
        on_it = on_statement(statement).filter(pk=declaration.pk).first()
        amounts.append(AmountOnStatement(statement, pricing.of(on_it) if on_it is not None else None))
    return amounts


# --- The pages' other reads -----------------------------------------------------------------------


def lead_providers() -> QuerySet[LeadProvider]:
    """Lead providers with a contract period, by name, each with how many periods (`periods`)."""
    return (
        LeadProvider.objects.annotate(periods=Count("active_periods")).filter(periods__gt=0).order_by("name")
    )


def provider_periods(lead_provider: LeadProvider) -> QuerySet[ActiveLeadProvider]:
    """The provider's contract periods, latest first, each with its number of `statements`."""
    return (
        ActiveLeadProvider.objects.filter(lead_provider=lead_provider)
        .select_related("contract_period")
        .annotate(statement_count=Count("statements"))
        .order_by("-contract_period__year")
    )


def active_lead_provider_for(lead_provider_id: int, year: int) -> ActiveLeadProvider:
    found = (
        ActiveLeadProvider.objects.filter(lead_provider_id=lead_provider_id, contract_period_id=year)
        .select_related("lead_provider", "contract_period")
        .first()
    )
    if found is None:
        raise Http404("No such contract period for the lead provider")
    return found


def statement_for(statement_id: int) -> Statement:
    """One statement with its provider, period and who paid it; 404 when there is none."""
    statement = (
        Statement.objects.filter(pk=statement_id)
        .select_related(
            "active_lead_provider__lead_provider", "active_lead_provider__contract_period", "paid_by"
        )
        .first()
    )
    if statement is None:
        raise Http404("No such statement")
    return statement


def adjustments_of(statement: Statement) -> list[StatementAdjustment]:
    """The statement's adjustments in the order they were added, with who added each."""
    return list(statement.adjustments.select_related("created_by").order_by("created_at", "id"))


def adjustment_for(statement: Statement, adjustment_id: int) -> StatementAdjustment:
    adjustment = statement.adjustments.select_related("created_by").filter(pk=adjustment_id).first()
    if adjustment is None:
        raise Http404("No such adjustment")
    return adjustment


def contract_periods() -> QuerySet[ContractPeriod]:
    """Contract periods with lead providers, latest first, each with how many (`providers`)."""
    return (
        ContractPeriod.objects.annotate(providers=Count("active_lead_providers"))
        .filter(providers__gt=0)
        .order_by("-year")
    )


def period_band_fills(year: int) -> list[ProviderBandFill]:
    """How far each lead provider has filled its bands in the contract period, by name (four
    queries a provider)."""
    return [
        band_fill(active)
        for active in ActiveLeadProvider.objects.filter(contract_period_id=year)
        .select_related("lead_provider", "contract_period")
        .order_by("lead_provider__name")
    ]


def declaration_events(declaration: Declaration) -> QuerySet[Event]:
    """What happened to the declaration, oldest first: made, voided or clawed back (with the
    reason when staff did it)."""
    return Event.objects.filter(subject_type="declaration", subject_id=declaration.pk).order_by(
        "happened_at", "id"
    )


def lead_provider_for(lead_provider_id: int) -> LeadProvider:
    found = LeadProvider.objects.filter(pk=lead_provider_id).first()
    if found is None:
        raise Http404("No such lead provider")
    return found


def statement_declarations(
    statement: Statement,
    pricing: StatementPricing,
    *,
    q: Search | None = None,
    declaration_type: str = "",
    state: str = "",
    line: str = "",
) -> QuerySet[Declaration]:
    """The statement's declarations (`on_statement`) as narrowed: by declaration or participant
    (ID or TRN), type, state, and the line of its calculation they make up (`row_key`); each with
    its participant."""
    found = on_statement(statement).select_related("teacher")
    if q is not None:
        found = found.filter(matching(q))
    if declaration_type:
        found = found.filter(declaration_type=declaration_type)
    if state:
        found = found.filter(state=state)
    if line:
        found = found.filter(pricing.behind(line))
    return found


def declarations_on(statement: Statement) -> int:
    """How many declarations are on the statement (paid, clawed back or voided there)."""
    on = _on(statement)
    return Declaration.objects.filter(
        on[OnStatement.OUTPUT] | on[OnStatement.CLAWBACK] | on[OnStatement.VOIDED]
    ).count()


def contract_period_for(year: int) -> ContractPeriod:
    found = ContractPeriod.objects.filter(year=year).first()
    if found is None:
        raise Http404("No such contract period")
    return found


def declaration_rows(statement: Statement):
    """Every declaration on the statement as plain rows, for its CSV: what StatementPricing.of
    reads (`pk`, `created_at`, `course_identifier`, `declaration_type`, `on_statement`,
    `earns_uplift`), with `api_id`, `participant_id`, `trn`, `declaration_date` and `state`. No
    model is made for each row: a statement may have hundreds of thousands."""
    return (
        on_statement(statement)
        .annotate(participant_id=F("teacher__api_id"), trn=F("teacher__trn"))
        .values_list(
            "pk",
            "created_at",
            "course_identifier",
            "declaration_type",
            "on_statement",
            "earns_uplift",
            "api_id",
            "participant_id",
            "trn",
            "declaration_date",
            "state",
            named=True,
        )
    )
