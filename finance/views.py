"""Finance staff's plain pages: the home page, a lead provider's contract periods and statements,
a statement (its breakdown, its declarations and both as CSV), finding a declaration and its page,
the contract period pages, and the mentor grant for schools as a CSV for payment. The actions
(adjustments, authorising, voiding) are journeys, in finance/journeys/."""

import csv

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from core import clock
from core.csv_cells import spreadsheet_cell
from core.paging import page_links
from core.wizard import START_AFRESH
from finance import queries
from finance.access import finance_staff_only
from finance.calculator import BEYOND, RowKind
from finance.calculator.money import VAT_RATE
from finance.calculator.statement import service_fee_working
from finance.forms import WHOLE_YEAR, MentorGrantForm, SearchForm, StatementDeclarationsForm
from finance.grant_queries import mentor_grants
from finance.grants import Term
from finance.journeys.void import why_it_cannot_be_voided
from finance.models import StatementStatus
from providers.models import ContractPeriod, DeclarationType

PAGE_SIZE = 50

MENTOR_GRANT_COLUMNS = (
    "URN",
    "School name",
    "Rate area",
    "Grant",
    "Term",
    "Mentors funded",
    "Hours",
    "Hourly rate (£)",
    "Amount (£)",
)


class _Echo:
    """A file-like object whose write gives back the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Home, lead providers and their statements ------------------------------------------------------


@finance_staff_only
@require_safe
def home(request):
    return render(
        request,
        "finance/home.html",
        {
            "lead_providers": queries.lead_providers(),
            "contract_periods": queries.contract_periods(),
            "search": SearchForm(),
        },
    )


@finance_staff_only
@require_safe
def provider(request, lead_provider_id: int):
    lead_provider = queries.lead_provider_for(lead_provider_id)
    return render(
        request,
        "finance/provider.html",
        {"lead_provider": lead_provider, "periods": queries.provider_periods(lead_provider)},
    )


@finance_staff_only
@require_safe
def provider_statements(request, lead_provider_id: int, year: int):
    """The provider's statements in a contract period, each with its status and total."""
    active = queries.active_lead_provider_for(lead_provider_id, year)
    return render(
        request,
        "finance/statements.html",
        {
            "active": active,
            "lead_provider": active.lead_provider,
            "statements": queries.period_calculations(active),
            "contract": queries.contract_in_force(active, on=clock.today()),
        },
    )


# --- A statement ------------------------------------------------------------------------------------


def _statement_and_calculation(statement_id: int):
    """The statement, the contract version it is calculated with, and its calculation (None when
    no contract is in force on its deadline)."""
    statement = queries.statement_for(statement_id)
    contract = queries.contract_for(statement)
    if statement.paid_at is None and contract is None:
        return statement, None, None
    return statement, contract, queries.calculate(statement, contract=contract)


def _lines(statement, calculation, kinds) -> list[dict]:
    """Rows of the calculation, each with the link to the declarations behind it."""
    declarations = reverse("finance_statement_declarations", kwargs={"statement_id": statement.pk})
    return [
        {"row": row, "declarations_url": f"{declarations}?line={queries.row_key(row)}" if row.count else None}
        for row in calculation.rows_of(*kinds)
    ]


@finance_staff_only
@require_safe
def statement(request, statement_id: int):
    statement, contract, calculation = _statement_and_calculation(statement_id)
    context = {
        "statement": statement,
        "active": statement.active_lead_provider,
        "contract": contract,
        "calculation": calculation,
        "adjustments": queries.adjustments_of(statement),
        "declaration_count": queries.declarations_on(statement),
        "add_adjustment_url": reverse(
            "finance_add_adjustment", kwargs={"statement_id": statement.pk, "step": START_AFRESH}
        )
        if statement.status != StatementStatus.PAID
        else None,
        "authorise_url": reverse(
            "finance_authorise", kwargs={"statement_id": statement.pk, "step": START_AFRESH}
        )
        if statement.status == StatementStatus.PAYABLE and calculation is not None
        else None,
    }
    if calculation is not None:
        context |= {
            "output_lines": _lines(statement, calculation, [RowKind.OUTPUT]),
            "uplift_lines": _lines(statement, calculation, [RowKind.UPLIFT]),
            "clawback_lines": _lines(statement, calculation, [RowKind.CLAWBACK, RowKind.UPLIFT_CLAWBACK]),
            "service_fee": calculation.rows_of(RowKind.SERVICE_FEE)[0],
            "service_fee_working": service_fee_working(queries.contract_terms(contract))
            if contract
            else None,
            "vat_rate_percent": VAT_RATE * 100,
        }
    return render(request, "finance/statement.html", context)


@finance_staff_only
@require_safe
def statement_declarations(request, statement_id: int):
    """The declarations behind the statement's figures, 50 a page, each with what it adds."""
    statement, _contract, calculation = _statement_and_calculation(statement_id)
    pricing = queries.StatementPricing(statement, calculation)
    lines = (
        [(queries.row_key(row), row.description) for row in calculation.rows if row.count]
        if calculation
        else []
    )
    form = StatementDeclarationsForm(request.GET if _filtering(request) else None, lines=lines)
    chosen = form.chosen()
    found = queries.statement_declarations(statement, pricing, **chosen)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [
        {
            "declaration": declaration,
            "amount": pricing.of(declaration) if calculation else None,
            "state": queries.STATES[declaration.state],
            "on_statement": queries.ON_STATEMENT_LABELS[declaration.on_statement],
        }
        for declaration in page.object_list
    ]
    return render(
        request,
        "finance/statement_declarations.html",
        {
            "statement": statement,
            "active": statement.active_lead_provider,
            "calculation": calculation,
            "form": form,
            "filtered": bool(chosen),
            "page": page,
            "page_links": page_links(request, page),
            "beyond": BEYOND,
        },
    )


def _filtering(request) -> bool:
    return any(name in request.GET for name in StatementDeclarationsForm.base_fields)


def _statement_filename(statement, what: str) -> str:
    provider = slugify(statement.active_lead_provider.lead_provider.name)
    return f"statement-{provider}-{statement.year}-{statement.month:02d}-{what}.csv"


# The lines' amounts add up to the total before VAT; the totals are in a column of their own, so
# summing "Amount" counts nothing twice.
BREAKDOWN_COLUMNS = (
    "Line",
    "Declaration type",
    "Band",
    "Declarations",
    "Rate (£)",
    "Amount (£)",
    "Total (£)",
)
TOTALS = (
    ("Output fees", "output_fees"),
    ("Service fee", "service_fee"),
    ("Uplifts", "uplifts"),
    ("Clawbacks", "clawbacks"),
    ("Adjustments", "adjustments"),
    ("Total before VAT", "total_before_vat"),
    ("VAT", "vat"),
    ("Total", "total"),
)


def _band_label(band: str | None) -> str:
    if band is None:
        return ""
    return "Beyond the top band" if band == BEYOND else band


@finance_staff_only
@require_safe
def statement_breakdown_csv(request, statement_id: int):
    """Each line of the statement (count, rate, amount), then its totals."""
    statement, _contract, calculation = _statement_and_calculation(statement_id)
    if calculation is None:
        raise Http404("The statement has no calculation: no contract is in force on its deadline")
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow(BREAKDOWN_COLUMNS)
        for row in calculation.rows:
            yield writer.writerow(
                [
                    spreadsheet_cell(row.description),
                    row.declaration_type or "",
                    _band_label(row.band),
                    "" if row.count is None else row.count,
                    "" if row.rate is None else row.rate,
                    row.amount,
                    "",
                ]
            )
        for label, name in TOTALS:
            yield writer.writerow([label, "", "", "", "", "", getattr(calculation.totals, name)])

    return _csv_response(lines(), _statement_filename(statement, "breakdown"))


DECLARATION_COLUMNS = (
    "Declaration ID",
    "Participant ID",
    "TRN",
    "Course",
    "Declaration type",
    "Declaration date",
    "State",
    "On this statement",
    "Band",
    "Output fee (£)",
    "Uplift (£)",
    "Amount (£)",
)
COURSE_LABELS = {"ecf-induction": "ECT", "ecf-mentor": "Mentor"}


@finance_staff_only
@require_safe
def statement_declarations_csv(request, statement_id: int):
    """Every declaration on the statement with what it adds: the amounts add up to the statement's
    output fees, uplifts and clawbacks (blank when it has no calculation)."""
    statement, _contract, calculation = _statement_and_calculation(statement_id)
    pricing = queries.StatementPricing(statement, calculation)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow(DECLARATION_COLUMNS)
        for declaration in queries.declaration_rows(statement).iterator(chunk_size=5000):
            amount = pricing.of(declaration) if calculation else None
            yield writer.writerow(
                [
                    declaration.api_id,
                    declaration.participant_id,
                    declaration.trn,
                    COURSE_LABELS[declaration.course_identifier],
                    declaration.declaration_type,
                    timezone.localtime(declaration.declaration_date).date().isoformat(),
                    queries.STATES[declaration.state],
                    queries.ON_STATEMENT_LABELS[declaration.on_statement],
                    _band_label(amount.band) if amount else "",
                    amount.output if amount else "",
                    amount.uplift if amount else "",
                    amount.amount if amount else "",
                ]
            )

    return _csv_response(lines(), _statement_filename(statement, "declarations"))


# --- Finding a declaration, and its page --------------------------------------------------------------


@finance_staff_only
@require_safe
def search(request):
    """Declarations of every lead provider by declaration ID, participant ID or TRN."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    page = None
    if form.is_bound and form.is_valid():
        page = Paginator(queries.find_declarations(form.cleaned_data["q"]), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        page.object_list = [
            {"declaration": declaration, "state": queries.STATES[declaration.state]}
            for declaration in page.object_list
        ]
    return render(
        request,
        "finance/search.html",
        {"form": form, "page": page, "page_links": page_links(request, page) if page else []},
    )


def _back_url(request, default: str) -> str:
    """Where the back link goes: the finance page the person came from (`back`), else `default`."""
    back = request.GET.get("back", "")
    if back.startswith("/finance") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return default


@finance_staff_only
@require_safe
def declaration(request, declaration_id: int):
    declaration = queries.declaration_for(declaration_id)
    statement = declaration.payment_statement or declaration.clawback_statement
    default = (
        reverse("finance_statement_declarations", kwargs={"statement_id": statement.pk})
        if statement
        else reverse("finance_home")
    )
    return render(
        request,
        "finance/declaration.html",
        {
            "declaration": declaration,
            "course": COURSE_LABELS[declaration.course_identifier],
            "type_label": DeclarationType(declaration.declaration_type).label,
            "state": queries.STATES[declaration.state],
            "events": queries.declaration_events(declaration),
            "amounts": queries.declaration_amounts(declaration),
            "beyond": BEYOND,
            "why_not_voidable": why_it_cannot_be_voided(declaration),
            "back_url": _back_url(request, default),
        },
    )


# --- Contract periods ---------------------------------------------------------------------------------


@finance_staff_only
@require_safe
def contract_periods(request):
    return render(request, "finance/contract_periods.html", {"periods": queries.contract_periods()})


@finance_staff_only
@require_safe
def contract_period(request, year: int):
    """Per lead provider: the contract version in force, and how far each declaration type has
    filled its bands against the recruitment target."""
    period = queries.contract_period_for(year)
    labels = dict(DeclarationType.choices)
    providers = []
    for fill in queries.period_band_fills(year):
        rows = [(labels[declaration_type], places) for declaration_type, places in fill.bands.items()]
        providers.append(
            {
                "fill": fill,
                "bands": rows[0][1] if rows else (),
                "rows": rows,
                "flat_rate_mentors": [(labels[t], count) for t, count in fill.flat_rate_mentors.items()],
            }
        )
    return render(
        request,
        "finance/contract_period.html",
        {"period": period, "providers": providers, "beyond": BEYOND, "today": clock.today()},
    )


def _form(data=None):
    years = ContractPeriod.objects.order_by("-year").values_list("year", flat=True)
    return MentorGrantForm(data, years=list(years))


@finance_staff_only
@require_safe
def mentor_grant(request):
    return render(request, "finance/mentor_grant.html", {"form": _form()})


@finance_staff_only
@require_safe
def mentor_grant_csv(request):
    """One row per school (and grant) for the year and term asked for; no totals row."""
    form = _form(request.GET)
    if not form.is_valid():
        return render(request, "finance/mentor_grant.html", {"form": form}, status=400)
    year, term = form.cleaned_data["year"], form.cleaned_data["term"]
    rows = mentor_grants(year=year, term=None if term == WHOLE_YEAR else Term(term))
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that Excel reads the names as UTF-8
        yield writer.writerow(MENTOR_GRANT_COLUMNS)
        for row in rows:
            yield writer.writerow(
                [
                    row.urn,
                    spreadsheet_cell(row.school_name),
                    row.area.label,
                    row.grant.label,
                    row.period,
                    row.mentors,
                    row.hours,
                    row.hourly_rate,
                    row.amount,
                ]
            )

    return _csv_response(lines(), f"mentor-grant-{year}-{term}.csv")
