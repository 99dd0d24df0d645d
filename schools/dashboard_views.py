"""A school's own pages: the start of setting up a year and the page after it, the "Manage your
training" dashboard with a page per year, and support staff's read-only look at it. The journeys
(setting up a year, changing the induction tutor) are in schools/journeys/."""

import re

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import clock
from core.paging import page_links
from participants import queries as participant_queries
from providers.models import ContractPeriod
from providers.queries import contract_period_for_registration
from schools import page_cache, queries, services
from schools.forms import ParticipantFilterForm
from schools.journeys.set_up_training import SetUpTrainingWizard, open_contract_period
from schools.models import ExpectsECTs, School, SchoolRole

PAGE_SIZE = 50


# --- Setting up a year: the pages around the journey --------------------------------------------


HEADTEACHERS_ANSWER_IN_WORDS = {
    ExpectsECTs.YES: "your school expects early career teachers (ECTs) to join this academic year",
    ExpectsECTs.NO: "your school does not expect any early career teachers (ECTs) to join this academic year",
    ExpectsECTs.NOT_SURE: "your school does not know yet whether any early career teachers (ECTs) will join "
    "this academic year",
}


@login_required
@require_safe
def set_up_start(request, urn: int, year: int):
    """What the school will be asked, and what it needs to hand."""
    school = queries.school_for(request.user, urn)
    wizard = SetUpTrainingWizard(request, school=school, contract_period=open_contract_period(year))
    if wizard.is_change:
        return redirect("school_year", urn=urn, year=year)
    return render(
        request,
        "schools/set_up/start.html",
        {
            "school": school,
            "contract_period": wizard.contract_period,
            "returning": wizard.previous is not None,
            "headteachers_answer": HEADTEACHERS_ANSWER_IN_WORDS.get(wizard.headteachers_answer),
            "start_url": wizard.start_url(),
            "several_schools": queries.manages_several_schools(request.user),
        },
    )


@login_required
@require_safe
def set_up_submitted(request, urn: int, year: int):
    school = queries.school_for(request.user, urn)
    choice = queries.choice_for(school, get_object_or_404(ContractPeriod, year=year))
    if choice is None or not choice.is_set_up:
        raise Http404("This year is not set up")
    partnership = (
        queries.partnership_in(
            school, choice.contract_period, lead_provider_id=choice.lead_provider.lead_provider_id
        )
        if choice.lead_provider_id
        else None
    )
    return render(
        request,
        "schools/set_up/submitted.html",
        {"school": school, "choice": choice, "partnership": partnership},
    )


# --- The dashboard ----------------------------------------------------------------------------


@login_required
@require_safe
def school_home(request, urn: int):
    """A school's dashboard: set-up first when the year open for registration needs it, else the
    year being registered for (or the newest year the school has)."""
    school = queries.school_for(request.user, urn)
    # Where it leads depends on the school's data and today alone: kept as its pages are (a third
    # of the tutors' looks in issue 19's rush, each three queries).
    going_to = page_cache.kept(school, "home", varies_by=(), work_out=home_leads_to)["url"]
    if not going_to:
        return render(request, "schools/dashboard/no_years.html", dashboard_context(request, school))
    return redirect(going_to)


def home_leads_to(school: School) -> dict[str, str]:
    """The page a school's home sends its users to today (the URL, or "" when it has no year)."""
    today = clock.today()
    if year_to_set_up := queries.year_needing_set_up(school, today):
        return {"url": reverse("set_up_start", kwargs={"urn": school.urn, "year": year_to_set_up.year})}
    years = queries.years_for(school)
    if not years:
        return {"url": ""}
    registering = contract_period_for_registration(today)
    default = registering if registering in years else years[0]
    return {"url": reverse("school_year", kwargs={"urn": school.urn, "year": default.year})}


def dashboard_context(request, school: School) -> dict:
    people = list(queries.people_who_manage(school))
    return {
        "school": school,
        "people": people,
        "tutor": next((access.user for access in people if access.role == SchoolRole.INDUCTION_TUTOR), None),
        "several_schools": queries.manages_several_schools(request.user),
    }


def year_page(request, school: School, year: int, *, showing: str, read_only: bool = False):
    """A year of the school's dashboard: for its own users, or (`read_only`) for support staff, who
    may look but change nothing. Its title and main content are kept in the cache until the
    school's data changes (schools.page_cache); the layout is rendered for each request."""
    # Each person's page: support staff see it read-only too, if they may see teachers (finance,
    # who may see schools, may not).
    link_people = not read_only or request.user.has_perm("participants.view_teacher")

    def render_parts(school: School) -> dict[str, str]:
        return render_year(
            request, school, year, showing=showing, read_only=read_only, link_people=link_people
        )

    variant = year_page_variant(request, showing)
    varies_by = (
        (year, showing, "read-only" if read_only else "manage", link_people, *variant) if variant else None
    )
    parts = page_cache.page_parts(school, "year", varies_by=varies_by, render=render_parts)
    return render(
        request,
        "schools/dashboard/year.html",
        {
            "school": school,
            "read_only": read_only,
            "several_schools": not read_only and queries.manages_several_schools(request.user),
            "title": parts["title"],
            "main": parts["main"],
        },
    )


# The query strings a year page's own links and filter make, whose pages are kept in the cache: none,
# a page, the filter's (a status, and an empty search where the page has a search box), or the
# filter's and a page. Pages 1-9 only (a page holds 50 people: no school has more than one or two).
KEPT_VARIANT = re.compile(r"(?:status=(?P<status>[a-z_]*)(?P<search>&q=)?)?(?:(?:^|&)page=(?P<page>[1-9]))?")


def year_page_variant(request, showing: str) -> tuple | None:
    """What the query string changes on a year page, when it is a variant kept in the cache: the
    status filtered by (from the filter's list), whether the filter was sent with its search box
    (its links keep its parameters) and the page. None for anything else (a search, an unknown
    parameter or value, a page beyond 9), rendered afresh each time, so no one can fill the cache."""
    kept = KEPT_VARIANT.fullmatch(request.META.get("QUERY_STRING", ""))
    statuses = (
        participant_queries.MENTOR_STATUSES if showing == "mentors" else participant_queries.ECT_STATUSES
    )
    if kept is None or kept["status"] not in {None, "", *(value for value, _ in statuses)}:
        return None
    sent = (
        "unfiltered" if kept["status"] is None else "filtered-with-search" if kept["search"] else "filtered"
    )
    return (sent, kept["status"] or "", kept["page"] or "1")


def render_year(
    request, school: School, year: int, *, showing: str, read_only: bool, link_people: bool
) -> dict:
    """The title and main content of a year of the dashboard, as HTML."""
    years = queries.years_for(school)
    contract_period = next((period for period in years if period.year == year), None)
    if contract_period is None:
        raise Http404("This school has nothing in that year")
    today = clock.today()
    choice = queries.year_set_up(school, contract_period)
    filters = ParticipantFilterForm(request.GET, showing=showing)
    status, search = filters.chosen()
    people = participant_queries.people_list(
        participant_queries.mentors_in_year if showing == "mentors" else participant_queries.ects_in_year,
        school,
        contract_period,
        today=today,
        status=status,
        search=search,
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    if showing == "mentors":
        participant_queries.mentees_of(list(page.object_list), today=today)
    counts = contract_period.counts
    people_who_manage = list(queries.people_who_manage(school))
    context = {
        "school": school,
        "people": people_who_manage,
        "tutor": next(
            (access.user for access in people_who_manage if access.role == SchoolRole.INDUCTION_TUTOR), None
        ),
        "years": years,
        "contract_period": contract_period,
        "choice": choice,
        "can_change": contract_period.enabled and not read_only,
        "read_only": read_only,
        "year_url": "support_school_year" if read_only else "school_year",
        "mentors_url": "support_school_year_mentors" if read_only else "school_year_mentors",
        "link_people": link_people,
        "ect_url": "support_ect_page" if read_only else "ect_page",
        "mentor_url": "support_mentor_page" if read_only else "mentor_page",
        "counts": counts,
        "showing": showing,
        "filters": filters,
        "show_search": (counts.mentors if showing == "mentors" else counts.ects) > PAGE_SIZE // 2,
        "page": page,
        "page_links": page_links(request, page),
    }
    return {
        "title": render_to_string("schools/dashboard/year_title.html", context, request),
        "main": render_to_string("schools/dashboard/year_main.html", context, request),
    }


@login_required
@require_safe
def school_year(request, urn: int, year: int):
    return year_page(request, queries.school_for(request.user, urn), year, showing="ects")


@login_required
@require_safe
def school_year_mentors(request, urn: int, year: int):
    return year_page(request, queries.school_for(request.user, urn), year, showing="mentors")


@staff_member_required
@permission_required("schools.view_school", raise_exception=True)
@require_safe
def support_school_home(request, urn: int):
    """Where admin's "View as the school" link goes: the school's newest year."""
    school = get_object_or_404(School, urn=urn)
    years = queries.years_for(school)
    if not years:
        raise Http404("This school has no years to show yet")
    return redirect("support_school_year", urn=urn, year=years[0].year)


@staff_member_required
@permission_required("schools.view_school", raise_exception=True)
@require_safe
def support_school_year(request, urn: int, year: int, *, showing: str = "ects"):
    """Support staff see a school's dashboard as the school does, read-only; each look is recorded."""
    school = get_object_or_404(School, urn=urn)
    services.record_support_view(school=school, viewed_by=request.user)
    return year_page(request, school, year, showing=showing, read_only=True)
