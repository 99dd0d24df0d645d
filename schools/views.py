"""Pages for headteachers (nominating an induction tutor) and for the people who manage a school."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_safe

from core.http import client_ip
from core.wizard import Step, Wizard, WizardView
from schools import queries, services
from schools.forms import (
    ColleagueForm,
    ExpectsECTsForm,
    FindSchoolForm,
    InductionTutorEmailForm,
    InductionTutorNameForm,
)
from schools.models import ExpectsECTs, School

NOMINATED_SESSION_KEY = "nomination_outcome"
NOMINATION_LINK_SESSION_KEY = "nomination_link_id"


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


def expects_ects(wizard: Wizard) -> bool:
    answer = wizard.cleaned("expects-ects")
    return answer is None or answer["expects_ects"] != ExpectsECTs.NO


class NominationWizard(Wizard):
    steps = [
        Step("expects-ects", ExpectsECTsForm),
        Step("tutor-name", InductionTutorNameForm, applies=expects_ects),
        Step("tutor-email", InductionTutorEmailForm, applies=expects_ects),
    ]
    url_name = "nomination_step"
    check_answers_template = "schools/nominate/check_answers.html"

    def __init__(self, request, *, link):
        super().__init__(request, key=str(link.pk))
        self.link = link
        self.school = link.school
        self.caption = self.school.name

    def url_kwargs(self):
        return {}

    def back_url_before_first_step(self):
        return reverse("nomination_intro")

    def done(self):
        answers = self.all_cleaned()
        try:
            tutor = services.nominate_induction_tutor(
                link=self.link,
                expects_ects=answers["expects_ects"],
                full_name=answers.get("full_name", ""),
                email=answers.get("email", ""),
            )
        except services.NominationLinkUnusable as problem:
            return link_unusable(self.request, self.link, problem.reason)
        except services.NoContractPeriodOpen:
            return render(self.request, "schools/nominate/registration_closed.html", {"school": self.school})
        # What the headteacher typed, never the name an existing account may already have.
        self.request.session[NOMINATED_SESSION_KEY] = {
            "link_id": self.link.pk,
            "school_name": self.school.name,
            "tutor_name": answers.get("full_name") if tutor else None,
            "tutor_email": tutor.email if tutor else None,
        }
        return redirect("nomination_done")


def usable_link_or_problem_page(request, link):
    """(link, None) when the nomination link can be used; otherwise (None, the page to show)."""
    try:
        services.check_nomination_link(link)
    except services.NominationLinkUnusable as problem:
        if request.session.get(NOMINATED_SESSION_KEY, {}).get("link_id") == link.pk:
            return None, redirect("nomination_done")  # this browser just used it: a second press of Confirm
        return None, link_unusable(request, link, problem.reason)
    return link, None


def link_unusable(request, link, reason: str):
    return render(
        request, "schools/nominate/link_unusable.html", {"school": link.school, "reason": reason}, status=410
    )


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


def link_from_session(request):
    """(link, None) for the nomination link opened in this browser; otherwise (None, the page to show)."""
    link = queries.nomination_link_by_id(request.session.get(NOMINATION_LINK_SESSION_KEY))
    if link is None:
        return None, render(request, "schools/nominate/open_the_link.html", status=403)
    return usable_link_or_problem_page(request, link)


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


class NominationStepView(WizardView):
    def get_wizard(self, request):
        link, problem_page = link_from_session(request)
        return problem_page or NominationWizard(request, link=link)


@require_safe
def nomination_done(request):
    outcome = request.session.get(NOMINATED_SESSION_KEY)
    if outcome is None:
        raise Http404("Nothing nominated in this session")
    return render(request, "schools/nominate/done.html", outcome)


# --- People who manage a school ----------------------------------------------------------------


@login_required
@require_safe
def choose_school(request):
    schools = list(queries.schools_for(request.user))
    if len(schools) == 1:
        return redirect("school_home", urn=schools[0].urn)
    return render(request, "schools/choose_school.html", {"schools": schools})


class ColleagueWizard(Wizard):
    steps = [Step("details", ColleagueForm)]
    url_name = "add_colleague"
    check_answers_template = "schools/colleague_check_answers.html"

    def __init__(self, request, *, school):
        super().__init__(request, key=str(school.pk))
        self.school = school
        self.caption = school.name

    def url_kwargs(self):
        return {"urn": self.school.urn}

    def form_kwargs(self, step):
        return {"school": self.school}

    def back_url_before_first_step(self):
        return reverse("school_home", kwargs={"urn": self.school.urn})

    def done(self):
        answers = self.all_cleaned()
        colleague = services.add_colleague(
            school=self.school,
            added_by=self.request.user,
            full_name=answers["colleague_name"],
            email=answers["colleague_email"],
        )
        messages.success(self.request, f"We've emailed {colleague.email} a link to sign in")
        return redirect("school_home", urn=self.school.urn)


@method_decorator(login_required, name="dispatch")
class AddColleagueView(WizardView):
    def get_wizard(self, request, *, urn):
        return ColleagueWizard(request, school=queries.school_for(request.user, urn))
