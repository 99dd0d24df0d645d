"""A headteacher nominating the school's induction tutor through the emailed link: whether the
school expects ECTs, and if so the tutor's name and email. The link's pages before and after (opening
it, the start page, done) are in schools/views.py."""

from django.shortcuts import redirect, render
from django.urls import reverse

from core.wizard import Step, Wizard, WizardView
from schools import queries, services
from schools.forms import ExpectsECTsForm, InductionTutorEmailForm, InductionTutorNameForm
from schools.models import ExpectsECTs

NOMINATED_SESSION_KEY = "nomination_outcome"
NOMINATION_LINK_SESSION_KEY = "nomination_link_id"


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


def link_from_session(request):
    """(link, None) for the nomination link opened in this browser; otherwise (None, the page to show)."""
    link = queries.nomination_link_by_id(request.session.get(NOMINATION_LINK_SESSION_KEY))
    if link is None:
        return None, render(request, "schools/nominate/open_the_link.html", status=403)
    return usable_link_or_problem_page(request, link)


class NominationStepView(WizardView):
    def get_wizard(self, request):
        link, problem_page = link_from_session(request)
        return problem_page or NominationWizard(request, link=link)
