"""Pages for headteachers (nominating an induction tutor) and for the people who manage a school.
The journeys themselves are in schools/journeys/."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from core.http import client_ip
from schools import queries, services
from schools.forms import FindSchoolForm
from schools.journeys.nominate_induction_tutor import (
    NOMINATED_SESSION_KEY,
    NOMINATION_LINK_SESSION_KEY,
    NominationWizard,
    link_from_session,
    usable_link_or_problem_page,
)
from schools.models import School

# --- Headteacher: ask for a nomination link ----------------------------------------------------


@require_safe
def find_school(request):
    """Search by name, URN or postcode. Without JavaScript this is a plain search with results;
    with it, the same field offers matches as you type (frontend/school-search.mjs)."""
    form = FindSchoolForm(request.GET) if "q" in request.GET else FindSchoolForm()
    results = queries.find_schools(form.cleaned_data["q"]) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "schools/nominate/find_school.html",
        {"form": form, "results": results, "most_results": queries.SEARCH_RESULTS},
    )


@require_safe
def find_school_json(request):
    """Matches for the autocomplete on the search page."""
    form = FindSchoolForm(request.GET)
    schools = queries.find_schools(form.cleaned_data["q"]) if form.is_valid() else []
    return JsonResponse(
        {
            "schools": [
                {
                    "name": school.name,
                    "urn": school.urn,
                    "town": school.town,
                    "postcode": school.postcode,
                    "url": reverse("nomination_confirm_school", kwargs={"urn": school.urn}),
                }
                for school in schools
            ]
        }
    )


@require_http_methods(["GET", "POST"])
def confirm_school(request, urn: int):
    school = get_object_or_404(School, urn=urn)
    if reason := services.nomination_refusal(school):
        return render(request, "schools/nominate/cannot_nominate.html", {"school": school, "reason": reason})
    if request.method == "POST":
        try:
            wait_until = services.send_nomination_link(school=school, ip_address=client_ip(request))
        except services.CannotNominate as refusal:  # the school changed since the check above
            return render(
                request, "schools/nominate/cannot_nominate.html", {"school": school, "reason": refusal.reason}
            )
        if wait_until:
            return render(
                request,
                "schools/nominate/try_later.html",
                {"school": school, "wait_until": wait_until},
                status=429,
            )
        return redirect("nomination_sent", urn=school.urn)
    return render(
        request,
        "schools/nominate/confirm_school.html",
        {"school": school, "search": request.GET.get("q", "")},
    )


@require_safe
def nomination_sent(request, urn: int):
    school = get_object_or_404(School, urn=urn)
    return render(request, "schools/nominate/sent.html", {"school": school})


# --- Headteacher: the nomination link ----------------------------------------------------------


@require_safe
def open_nomination_link(request, token: str):
    """The link in the email. Its token goes into the session, so it is not in the address of every
    page that follows (browser history on a shared school computer, logs, Referer headers)."""
    link = queries.nomination_link(token)
    if link is None:
        raise Http404("No such nomination link")
    link, problem_page = usable_link_or_problem_page(request, link)
    if problem_page:
        return problem_page
    request.session[NOMINATION_LINK_SESSION_KEY] = link.pk
    return redirect("nomination_intro")


@require_safe
def nomination_intro(request):
    link, problem_page = link_from_session(request)
    if problem_page:
        return problem_page
    wizard = NominationWizard(request, link=link)
    return render(
        request,
        "schools/nominate/start.html",
        {
            "school": link.school,
            "tutor": queries.induction_tutor_of(link.school),
            "start_url": wizard.start_url(),
        },
    )


@require_safe
def nomination_done(request):
    outcome = request.session.get(NOMINATED_SESSION_KEY)
    if outcome is None:
        raise Http404("Nothing nominated in this session")
    return render(request, "schools/nominate/done.html", outcome)


# --- People who manage a school ----------------------------------------------------------------


# Choosing a school after signing in ("choose_school", /schools) is appropriate_bodies.views.choose_school:
# the one page that knows both the schools and the appropriate bodies a person may use.
