"""Registering a mentor, on their own, as the tutor themself, or for an ECT (then they are paired at
once): their teacher record, the stops, their details, the schools they mentor at already, their
funded training, check answers, and `register_mentor`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step
from participants import queries, services
from participants.forms import (
    ConfirmNameForm,
    MentoringElsewhereForm,
    MentorStartDateForm,
    TeacherEmailForm,
    kept_record,
)
from participants.journeys.finding_a_teacher import (
    FindsTeacherRecord,
    RegistersTeacherView,
    finding_the_record,
    registration_problem,
)
from participants.journeys.refused import refused_page
from participants.models import Teacher
from schools import queries as school_queries
from schools.forms import LeadProviderForm

# Where done() leaves what the confirmation page says (participants.views.mentor_registered).
REGISTERED_MENTOR = "registered_mentor"


class RegisterMentorWizard(FindsTeacherRecord):
    """Register a mentor at the school, on their own or for an ECT (then they are paired at once)."""

    find_step = "find-mentor"
    steps = [
        *finding_the_record("find-mentor"),
        Step("confirm-name", ConfirmNameForm, template_name="participants/register/confirm_name.html"),
        Step("email", TeacherEmailForm),
        Step(
            "mentoring-elsewhere",
            MentoringElsewhereForm,
            applies=lambda wizard: wizard.stop_reason() is None and bool(wizard.mentor_periods_elsewhere()),
        ),
        Step("start-date", MentorStartDateForm),
        Step(
            "lead-provider",
            LeadProviderForm,
            applies=lambda wizard: wizard.funded_training_year() is not None,
            template_name="participants/register/mentor_lead_provider.html",
        ),
    ]
    url_name = "register_mentor"
    check_answers_template = "participants/register/check_answers.html"

    def __init__(self, request, *, school, mentee=None, yourself=False):
        variant = f"ect-{mentee.pk}" if mentee else "yourself" if yourself else ""
        super().__init__(request, key=f"{school.pk}:{variant}")
        self.school = school
        self.mentee = mentee
        self.yourself = yourself  # the induction tutor registering themself
        self.caption = school.name

    def stop_reason(self) -> str | None:
        not_found = self.not_found()
        if not_found is None:
            return None
        if not_found:
            return "not_found"
        record = self.record_found()
        if self.mentee is not None and self.mentee.teacher.trn == record["trn"]:
            return "mentor_themself"
        if record["prohibited_from_teaching"]:
            return "prohibited"
        today = clock.today()
        if self.remember_for_journey(
            "mentor_here",
            lambda: queries.is_mentor_at(self.school, record["trn"], today=today),
            inputs=(record["trn"], today),
        ):
            return "already_mentor"
        return None

    def training_eligibility(self) -> tuple[bool, str | None]:
        """Whether they may have funded mentor training, and why not (they did it before)."""
        record = self.record_found()
        if not self.school.eligible_for_funding:
            return (
                False,
                f"Your school cannot have DfE-funded training because {school_queries.funding_refusal(self.school)}.",
            )
        return self.remember(
            "eligibility",
            lambda: queries.mentor_training_eligibility(
                Teacher.objects.filter(trn=record["trn"]).first(), leaving=self.leaving()
            ),
            inputs=(record["trn"],),  # which periods they are leaving is read inside
        )

    def mentor_periods_elsewhere(self) -> list:
        """Their mentor periods at other schools that are not over: they keep them, or are moving."""
        record = self.record_found()
        if record is None:
            return []
        return self.remember(
            "mentor_periods_elsewhere",
            lambda: queries.mentor_periods_elsewhere(record["trn"], self.school, today=clock.today()),
            inputs=(record["trn"],),
        )

    def leaving(self) -> list[int]:
        """The mentor periods at other schools they stop, when the school says they are moving here."""
        if not self.mentor_periods_elsewhere():
            return []
        answer = self.cleaned("mentoring-elsewhere")
        moving = bool(answer and answer["mentoring_elsewhere"] == "moving")
        return [period.pk for period in self.mentor_periods_elsewhere()] if moving else []

    def funded_training_year(self):
        """The contract period of their funded training, when they can have it; else None."""
        answer = self.cleaned("start-date")
        if not answer or not self.training_eligibility()[0]:
            return None
        registration = self.registration_for(answer["started_on"])
        return registration.contract_period if registration.is_open else None

    def form_kwargs(self, step):
        if step.name == "start-date":
            return {
                "date_problem": lambda started_on: registration_problem(
                    started_on, self.registration_for(started_on)
                )
            }
        if step.name == "email" and self.yourself:
            return {
                **super().form_kwargs(step),
                "label": "What is your email address?",
                "initial": {"email": self.request.user.email},
            }
        if step.name == "mentoring-elsewhere":
            return {
                "teacher_name": self.trs_name(),
                "school_names": [period.school.name for period in self.mentor_periods_elsewhere()],
            }
        if step.name == "lead-provider":
            return {
                "contract_period": self.funded_training_year(),
                "initial": {"lead_provider": self.school.last_chosen_lead_provider_id},
            }
        return super().form_kwargs(step)

    def url_kwargs(self):
        return (
            {"urn": self.school.urn, "period_id": self.mentee.pk} if self.mentee else {"urn": self.school.urn}
        )

    def url(self, step_name: str, *, change: bool = False) -> str:
        name = (
            "register_mentor_for_ect"
            if self.mentee
            else "register_yourself_as_mentor"
            if self.yourself
            else "register_mentor"
        )
        address = reverse(name, kwargs={**self.url_kwargs(), "step": step_name})
        return f"{address}?change=1" if change else address

    def back_url_before_first_step(self):
        if self.mentee:
            return reverse("ect_page", kwargs=self.url_kwargs())
        return reverse("who_to_add", kwargs={"urn": self.school.urn})

    def summary_rows(self):
        answers = self.all_cleaned()
        rows = [
            {"key": "TRN", "value": self.record_found()["trn"]},
            self.row("Name", self.name_to_use(), "confirm-name"),
            self.row("Email address", answers["email"], "email"),
        ]
        if elsewhere := self.mentor_periods_elsewhere():
            schools = " and ".join(period.school.name for period in elsewhere)
            rows.append(
                self.row(
                    "Other schools",
                    f"Moving here, stopping mentoring at {schools}"
                    if self.leaving()
                    else f"Also mentoring at {schools}",
                    "mentoring-elsewhere",
                )
            )
        rows.append(self.row("Start date", self.display_value(None, answers["started_on"]), "start-date"))
        why_not = self.training_eligibility()[1]
        if answers.get("lead_provider") and self.funded_training_year() is not None:
            rows.append(self.row("Mentor training provider", str(answers["lead_provider"]), "lead-provider"))
        else:
            rows.append({"key": "Mentor training", "value": why_not or "Not funded for this start date"})
        if self.mentee:
            rows.append({"key": "Mentoring", "value": self.mentee.name})
        return rows

    def done(self):
        answers = self.all_cleaned()
        lead_provider = answers.get("lead_provider") if self.funded_training_year() is not None else None
        try:
            period = services.register_mentor(
                school=self.school,
                registered_by=self.request.user,
                teacher_record=kept_record(self.record_found()),
                corrected_name=answers.get("corrected_name", ""),
                email=answers["email"],
                started_on=answers["started_on"],
                lead_provider=lead_provider,
                mentee=self.mentee,
                leaving=self.leaving(),
            )
        except services.Refused as refusal:
            return refused_page(self, refusal)
        self.request.session[REGISTERED_MENTOR] = {
            "period": period.pk,
            "why_no_training": "" if lead_provider else (self.training_eligibility()[1] or ""),
            "yourself": self.yourself,
        }
        return redirect("mentor_registered", urn=self.school.urn)


@method_decorator(login_required, name="dispatch")
class RegisterMentorView(RegistersTeacherView):
    yourself = False

    def get_wizard(self, request, *, urn, period_id=None):
        school = school_queries.school_for(request.user, urn)
        mentee = None
        if period_id is not None:
            mentee = queries.ect_at_school(school, period_id, today=clock.today())
            if mentee is None:
                raise Http404("No such ECT at this school")
        return RegisterMentorWizard(request, school=school, mentee=mentee, yourself=self.yourself)
