"""Finance staff's pages: for now, the mentor grant for schools as a CSV for payment."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.csv_cells import spreadsheet_cell
from finance.access import finance_staff_only
from finance.forms import WHOLE_YEAR, MentorGrantForm
from finance.grant_queries import mentor_grants
from finance.grants import Term
from providers.models import ContractPeriod

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

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentor-grant-{year}-{term}.csv"'
    return response
