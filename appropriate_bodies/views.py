"""Appropriate bodies' plain pages: the home page with its four review lists, each list, the list
of all the body's ECTs (and its CSV), a teacher's page (whose actions are the journeys in
journeys/), the page after a claim; and the after-sign-in choice for a person with more than one
school or body, which lives here because only this layer knows both schools and bodies."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from appropriate_bodies import queries
from appropriate_bodies.forms import ChooseForm, SearchForm, TeacherFilterForm
from appropriate_bodies.journeys.claim_ect import CLAIMED_PERIOD
from core import clock
from core.csv_cells import spreadsheet_cell
from core.paging import page_links
from core.wizard import START_AFRESH
from participants.models import InductionPeriod
from participants.services import induction_for_trs, induction_for_trs_of
from schools.queries import schools_for

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def choose_school(request):
    """Where a person goes after signing in (and the "Your schools" link): straight to their one
    school or body, or a choice between them. With schools only, the list of schools as before."""
    schools = list(schools_for(request.user))
    bodies = list(queries.bodies_for(request.user))
    if len(schools) + len(bodies) == 1:
        if schools:
            return redirect("school_home", urn=schools[0].urn)
        return redirect("appropriate_body_home", body_id=bodies[0].pk)
    if not bodies:
        return render(request, "schools/choose_school.html", {"schools": schools})
    form = ChooseForm(request.POST if request.method == "POST" else None, schools=schools, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        kind, key = form.cleaned_data["use"].split("-", 1)
        if kind == "school":
            return redirect("school_home", urn=int(key))
        return redirect("appropriate_body_home", body_id=int(key))
    return render(request, "appropriate_bodies/choose.html", {"form": form})


def _several(request) -> bool:
    """Whether the person has anywhere else to go (a back link to the choice)."""
    return queries.bodies_for(request.user).count() + schools_for(request.user).count() > 1


@login_required
@require_safe
def home(request, body_id: int):
    body = queries.body_for(request.user, body_id)
    counts = queries.review_counts(body)
    lists = [(review, counts[slug]) for slug, review in queries.REVIEW_LISTS.items()]
    return render(
        request, "appropriate_bodies/home.html", {"body": body, "lists": lists, "several": _several(request)}
    )


@login_required
@require_safe
def review_list(request, body_id: int, slug: str):
    body = queries.body_for(request.user, body_id)
    search = SearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    teachers = queries.review_list(body, slug, search=text)  # 404 for a list we do not have
    page = Paginator(teachers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "appropriate_bodies/review_list.html",
        {
            "body": body,
            "review": queries.REVIEW_LISTS[slug],
            "search": search,
            "searched": text,
            "page": page,
            "page_links": page_links(request, page),
        },
    )


@login_required
@require_safe
def teacher_page(request, body_id: int, teacher_id: int):
    body = queries.body_for(request.user, body_id)
    teacher = queries.teacher_for(body, teacher_id)
    induction_periods = queries.induction_periods_of(teacher)
    unclaimed = all(period.finished_on and not period.outcome for period in induction_periods)
    return render(
        request,
        "appropriate_bodies/teacher.html",
        {
            "body": body,
            "teacher": teacher,
            "induction_periods": induction_periods,
            "induction_status": induction_for_trs(
                induction_periods, trs_started_on=teacher.trs_induction_started_on
            ),
            "claim_link": (
                f"{reverse('claim_ect', kwargs={'body_id': body.pk, 'step': START_AFRESH})}?{urlencode({'trn': teacher.trn, 'from': 'teacher'})}"
                if unclaimed
                else None
            ),
            "induction_actions": queries.induction_actions(body, teacher),
            "back": request.GET.get("from") if request.GET.get("from") in queries.REVIEW_LISTS else None,
            "back_to_teachers": request.GET.get("from") == "teachers",
            **queries.training_data(body, teacher),
        },
    )


@login_required
@require_safe
def ect_claimed(request, body_id: int):
    """The page after claiming an ECT: what happens next. Only the body's own claim, this session."""
    body = queries.body_for(request.user, body_id)
    period = get_object_or_404(
        InductionPeriod.objects.select_related("teacher"),
        pk=request.session.get(CLAIMED_PERIOD),
        appropriate_body=body,
    )
    return render(
        request,
        "appropriate_bodies/claim/claimed.html",
        {
            "body": body,
            "period": period,
            "today": clock.today(),
            "trs": induction_for_trs_of(period.teacher),  # what the outbox tells TRS, by the same rule
        },
    )


def _filtered_teachers(request, body):
    """The filter form and the body's ECTs it picks out (the list and its CSV agree)."""
    filters = TeacherFilterForm(request.GET, standings=queries.STANDINGS.values())
    return filters, queries.body_teachers(body, **filters.chosen())


@login_required
@require_safe
def teachers(request, body_id: int):
    """All the body's ECTs, searchable and filtered, 50 a page, with a CSV of the same list."""
    body = queries.body_for(request.user, body_id)
    filters, found = _filtered_teachers(request, body)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for teacher in page.object_list:
        teacher.standing_label = queries.STANDINGS[teacher.standing].label
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appropriate_bodies/teachers.html",
        {
            "body": body,
            "filters": filters,
            "filtered": any(filters.chosen().values()),
            "page": page,
            "page_links": page_links(request, page),
            "csv_query": query.urlencode(),
        },
    )


CSV_COLUMNS = ["TRN", "Name", "School", "Induction start", "Induction end", "Terms", "Outcome", "Status"]


class _Echo:
    """A file that hands back what is written to it, for csv.writer to stream rows."""

    def write(self, value):
        return value


@login_required
@require_safe
def teachers_csv(request, body_id: int):
    """The ECT list as filtered, every page of it, as CSV, written row by row as it is read."""
    body = queries.body_for(request.user, body_id)
    _filters, found = _filtered_teachers(request, body)
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so that Excel reads the names as UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for teacher in found.iterator(chunk_size=1000):
            yield writer.writerow([spreadsheet_cell(value) for value in queries.csv_row(teacher)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ects.csv"'
    return response
