"""What finance reads: the contract in force, a statement's counts for the payment calculation,
its calculation, and how far a provider has filled its bands (docs/decisions/0035, 0038).

The calculation itself is `finance.calculator`, a pure function; this module only counts. A
statement's counts are four grouped queries, so reading one costs the same number of queries
however many declarations it has: the two over the provider's period touch only the
declarations and statements tables; only the statement's own started declarations are joined
to their schools, for uplifts."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

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
    StatementCalculation,
    StatementInput,
    UpliftCounts,
    calculate_statement,
)
from finance.calculator.banding import stack_up
from finance.models import (
    ClawbackStatus,
    Contract,
    Declaration,
    PaymentStatus,
    Statement,
    StatementAdjustment,
)
from providers.models import LAST_YEAR_WITH_UPLIFTS, ActiveLeadProvider, DeclarationType
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
