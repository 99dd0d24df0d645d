"""Registering ECTs and mentors from a school's dashboard, and pairing them."""

import datetime

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe

from core import clock
from core.wizard import CHECK_ANSWERS, START_AFRESH, Step, Wizard, WizardView
from participants import queries, services
from participants.forms import (
    CHECKED,
    CannotContinueForm,
    ChooseMentorForm,
    ConfirmNameForm,
    ContinueTrainingForm,
    ECTProgrammeForm,
    FindTeacherForm,
    LeavingDateForm,
    MentoringElsewhereForm,
    MentorStartDateForm,
    MovingOnForm,
    MovingSchoolForm,
    NationalInsuranceNumberForm,
    StartDateForm,
    TeacherEmailForm,
    UsePreviousChoicesForm,
    WhoToAddForm,
    WorkingPatternForm,
    kept_record,
)
from participants.models import ECTAtSchoolPeriod, InductionStatus, Teacher
from providers import queries as provider_queries
from schools import eligibility
from schools import queries as school_queries
from schools import services as school_services
from schools.forms import AppropriateBodyForm, LeadProviderForm
from schools.models import School, TrainingProgramme

# Why a teacher cannot be registered, in the order they are checked.
STOP_REASONS = {
    "not_found": "We cannot find their teacher record",
    "already_registered": "is already registered at your school",
    "induction_passed": "has already passed their induction",
    "induction_failed": "has failed their induction",
    "induction_exempt": "is exempt from induction",
    "prohibited": "cannot be registered",
    "registered_elsewhere": "is registered at another school",
}


def registration_problem(started_on) -> str | None:
    """Why an ECT starting on this date cannot be registered now, in words; None when they can."""
    registration = provider_queries.registration_for_start(started_on)
    if registration.is_open:
        return None
    if registration.contract_period is not None:
        return str(services.ContractPeriodNotOpen(registration.contract_period, registration.opens_on))
    return str(services.NoContractPeriod(started_on))


def checked(wizard: Wizard, step_name: str) -> dict | None:
    answer = wizard.cleaned(step_name)
    return answer[CHECKED] if answer else None


def finding_the_record(find_step: str, *, then_ask: tuple[Step, ...] = ()) -> list[Step]:
    """The first steps of registering a teacher: find their record (then ask `then_ask`, questions
    whose answer may stop the journey), or stop and say why."""
    return [
        Step(find_step, FindTeacherForm, starts_over=True),
        Step(
            "national-insurance-number",
            NationalInsuranceNumberForm,
            applies=lambda wizard: wizard.asks_national_insurance_number(),
        ),
        *then_ask,
        Step(
            "cannot-register",
            CannotContinueForm,
            applies=lambda wizard: wizard.stop_reason() is not None,
            template_name="participants/register/cannot_register.html",
        ),
    ]


def refused_page(wizard: Wizard, refusal, *, heading: str = "We could not register them") -> HttpResponse:
    """The journey's one write was refused: say why, with the answers kept to check again."""
    wizard.keep_answers()
    return render(
        wizard.request,
        "participants/register/refused.html",
        {
            "school": wizard.school,
            "heading": heading,
            "reason": str(refusal),
            "check_answers_url": wizard.url(CHECK_ANSWERS),
        },
        status=409,
    )


class FindsTeacherRecord(Wizard):
    """A registration that starts by finding the teacher's record in TRS: by TRN and date of birth,
    else by National Insurance number. Subclasses name their first step in `find_step`."""

    find_step: str

    def asks_national_insurance_number(self) -> bool:
        found = checked(self, self.find_step)
        return bool(found and found["found"] and not found["date_of_birth_matches"])

    def record_found(self) -> dict | None:
        """The kept teacher record, once found by date of birth or by NI number; else None."""
        found = checked(self, self.find_step)
        if found and found["found"] and found["date_of_birth_matches"]:
            return found["record"]
        by_number = (
            checked(self, "national-insurance-number") if self.asks_national_insurance_number() else None
        )
        return by_number["record"] if by_number and by_number["found"] else None

    def not_found(self) -> bool | None:
        """True when the record was looked for and not found; None while it is still being looked for."""
        found = checked(self, self.find_step)
        if found is None:
            return None
        if not found["found"]:
            return True
        if self.asks_national_insurance_number():
            by_number = checked(self, "national-insurance-number")
            if by_number is None:
                return None
            return not by_number["found"]
        return False

    def trs_name(self) -> str:
        record = self.record_found()
        return " ".join(
            part for part in (record["first_name"], record["middle_name"], record["last_name"]) if part
        )

    def name_to_use(self) -> str:
        answer = self.cleaned("confirm-name")
        return (answer or {}).get("corrected_name") or self.trs_name()

    def form_kwargs(self, step):
        if step.name == "national-insurance-number":
            return {"trn": checked(self, self.find_step)["record"]["trn"]}
        if step.name == "email":
            trn = (self.record_found() or {}).get("trn")
            today = clock.today()
            return {"email_in_use": lambda email: queries.email_in_use(email, today=today, except_trn=trn)}
        return {}


class RegisterECTWizard(FindsTeacherRecord):
    """Register an ECT: find their teacher record (by TRN and date of birth, else National Insurance
    number), stop when they cannot be registered, then their details and training."""

    steps = [
        *finding_the_record(
            "find-ect",
            then_ask=(
                Step(
                    "moving-school",
                    MovingSchoolForm,
                    # Still on the path once answered "no", so the stop page's Back returns to it.
                    applies=lambda wizard: (
                        wizard.moving_from() is not None
                        and wizard.stop_reason() in (None, "registered_elsewhere")
                    ),
                ),
            ),
        ),
        Step(
            "continue-training",
            ContinueTrainingForm,
            applies=lambda wizard: wizard.stop_reason() is None and wizard.provider_before() is not None,
        ),
        Step("confirm-name", ConfirmNameForm, template_name="participants/register/confirm_name.html"),
        Step("email", TeacherEmailForm),
        Step("start-date", StartDateForm),
        Step("working-pattern", WorkingPatternForm),
        Step(
            "use-previous-choices",
            UsePreviousChoicesForm,
            applies=lambda wizard: not wizard.continues_training() and wizard.previous_choices() is not None,
        ),
        Step(
            "appropriate-body",
            AppropriateBodyForm,
            applies=lambda wizard: not wizard.uses_previous_choices(),
            template_name="schools/set_up/appropriate_body.html",
        ),
        Step(
            "training-programme",
            ECTProgrammeForm,
            applies=lambda wizard: not wizard.uses_previous_choices() and not wizard.continues_training(),
        ),
        Step(
            "lead-provider",
            LeadProviderForm,
            applies=lambda wizard: (
                not wizard.uses_previous_choices()
                and not wizard.continues_training()
                and wizard.programme() == "provider_led"
            ),
        ),
    ]
    url_name = "register_ect"
    find_step = "find-ect"
    check_answers_template = "participants/register/check_answers.html"

    def __init__(self, request, *, school):
        super().__init__(request, key=str(school.pk))
        self.school = school
        self.caption = school.name
        self.funding_refusal = school_queries.funding_refusal(school)

    def stop_reason(self) -> str | None:
        not_found = self.not_found()
        if not_found is None:
            return None
        if not_found:
            return "not_found"
        record = self.record_found()
        if self.remember(
            "registered_here",
            lambda: queries.is_registered_at(self.school, record["trn"], today=clock.today()),
        ):
            return "already_registered"
        status = record["induction_status"]
        if status == InductionStatus.PASSED:
            return "induction_passed"
        if status == InductionStatus.FAILED:
            return "induction_failed"
        if status == InductionStatus.EXEMPT:
            return "induction_exempt"
        if record["prohibited_from_teaching"]:
            return "prohibited"
        moving = self.cleaned("moving-school") if self.moving_from() is not None else None
        if moving and moving["moving_school"] == "no":
            return "registered_elsewhere"
        return None

    # --- the year and its choices --------------------------------------------------------------

    def contract_period(self):
        answer = self.cleaned("start-date")
        if not answer:
            return None
        return self.remember(
            "contract_period", lambda: provider_queries.contract_period_for_start(answer["started_on"])
        )

    def moving_from(self):
        """The ECT period at another school they would move from, when registered here."""
        record = self.record_found()
        if record is None:
            return None
        return self.remember(
            "moving_from",
            lambda: queries.ongoing_ect_period_elsewhere(record["trn"], self.school, today=clock.today()),
        )

    def is_moving(self) -> bool:
        answer = self.cleaned("moving-school") if self.moving_from() is not None else None
        return bool(answer and answer["moving_school"] == "yes")

    def training_before(self):
        """Their training at the school they are moving from, now (None when not moving)."""
        if not self.is_moving():
            return None
        return self.remember(
            "training_before",
            lambda: queries.current_training(self.moving_from(), on=clock.today()),
        )

    def provider_before(self):
        """The lead provider they train with at the school they are moving from, if any."""
        return queries.training_lead_provider(self.training_before())

    def continues_training(self) -> bool:
        answer = self.cleaned("continue-training") if self.provider_before() is not None else None
        return bool(answer and answer["continue_training"] == "yes")

    def previous_choices(self) -> dict | None:
        """The appropriate body, programme and lead provider the school chose last (for its last ECT,
        or when it set up a year), when they can be this ECT's too: their start date is answered
        and, for provider-led training, the school may have it and the lead provider works that year."""
        contract_period = self.contract_period()
        if contract_period is None:
            return None
        return self.remember("previous_choices", lambda: self._previous_choices(contract_period))

    def _previous_choices(self, contract_period) -> dict | None:
        school = self.school
        programme = school.last_chosen_training_programme
        if not programme or school.last_chosen_appropriate_body_id is None:
            return None
        lead_provider = None
        if programme == TrainingProgramme.PROVIDER_LED:
            lead_provider = school.last_chosen_lead_provider
            if self.funding_refusal or lead_provider is None:
                return None
            if (
                not provider_queries.active_lead_providers(contract_period)
                .filter(pk=lead_provider.pk)
                .exists()
            ):
                return None
        return {
            "appropriate_body": school.last_chosen_appropriate_body,
            "training_programme": programme,
            "lead_provider": lead_provider,
        }

    def uses_previous_choices(self) -> bool:
        answer = self.cleaned("use-previous-choices") if self.previous_choices() is not None else None
        return bool(answer and answer["use_previous_choices"] == "yes")

    def start_date_problem(self, started_on) -> str | None:
        """Why they cannot start on this date: a clash with their time at the school they move
        from (as `register_ect` would refuse it), or a year not open for registration."""
        moving_from = self.moving_from() if self.is_moving() else None
        if moving_from and (
            clash := services.start_clashes_with(moving_from, started_on=started_on, today=clock.today())
        ):
            return str(clash)
        return registration_problem(started_on)

    def programme(self) -> str | None:
        answer = self.cleaned("training-programme")
        return answer["training_programme"] if answer else None

    def form_kwargs(self, step):
        if step.name == "moving-school":
            moving_from = self.moving_from()
            return {"teacher_name": self.trs_name(), "school_name": moving_from.school.name}
        if step.name == "start-date":
            return {"date_problem": self.start_date_problem}
        if step.name == "continue-training":
            partnership = self.training_before().school_partnership
            return {
                "teacher_name": self.trs_name(),
                "lead_provider": self.provider_before(),
                "delivery_partner": partnership.lead_provider_delivery_partnership.delivery_partner
                if partnership
                else None,
            }
        if step.name == "use-previous-choices":
            return {"summary": self.previous_choices_summary()}
        if step.name == "appropriate-body":
            return {
                "independent_school": eligibility.is_independent(self.school.establishment_type),
                "initial": {"appropriate_body": self.school.last_chosen_appropriate_body_id},
            }
        if step.name == "training-programme":
            return {"funding_refusal": self.funding_refusal}
        if step.name == "lead-provider":
            return {
                "contract_period": self.contract_period(),
                "initial": {"lead_provider": self.school.last_chosen_lead_provider_id},
            }
        return super().form_kwargs(step)

    def previous_choices_summary(self) -> str:
        choices = self.previous_choices()
        parts = [f"Appropriate body: {choices['appropriate_body']}."]
        if choices["lead_provider"] is not None:
            parts.append(f"Training provider: {choices['lead_provider']}.")
        else:
            parts.append("Your school's own programme.")
        return " ".join(parts)

    # --- check answers and saving ------------------------------------------------------------

    def url_kwargs(self):
        return {"urn": self.school.urn}

    def back_url_before_first_step(self):
        return reverse("who_to_add", kwargs={"urn": self.school.urn})

    def summary_rows(self):
        answers = self.all_cleaned()
        rows = [
            {"key": "TRN", "value": self.record_found()["trn"]},
            self.row("Name", self.name_to_use(), "confirm-name"),
            self.row("Email address", answers["email"], "email"),
            self.row("Start date", self.display_value(None, answers["started_on"]), "start-date"),
            self.row(
                "Working pattern",
                dict(WorkingPatternForm.base_fields["working_pattern"].choices)[answers["working_pattern"]],
                "working-pattern",
            ),
        ]
        if self.is_moving():
            rows.insert(2, self.row("Moving from", self.moving_from().school.name, "moving-school"))
        training = self.training()
        training_rows = [
            self.row("Appropriate body", str(training["appropriate_body"]), "appropriate-body"),
            self.row(
                "Training",
                "Training provider, funded by the DfE"
                if training["training_programme"] == "provider_led"
                else "Your school's own programme",
                "training-programme",
            ),
        ]
        if training["lead_provider"]:
            training_rows.append(
                self.row("Training provider", str(training["lead_provider"]), "lead-provider")
            )
        if self.uses_previous_choices():  # these came from one answer: change that answer
            for row in training_rows:
                row["change_url"] = self.url("use-previous-choices", change=True)
        if self.continues_training():  # the training rows came from "continue with their provider?"
            for row in training_rows[1:]:
                row["change_url"] = self.url("continue-training", change=True)
        return rows + training_rows

    def training(self) -> dict:
        """The appropriate body, programme and lead provider: their current provider's (moving school),
        the school's previous choices, or chosen."""
        if self.continues_training():
            return {
                "appropriate_body": self.all_cleaned()["appropriate_body"],
                "training_programme": "provider_led",
                "lead_provider": self.provider_before(),
            }
        if self.uses_previous_choices():
            return self.previous_choices()
        answers = self.all_cleaned()
        return {
            "appropriate_body": answers["appropriate_body"],
            "training_programme": answers["training_programme"],
            "lead_provider": answers.get("lead_provider")
            if answers["training_programme"] == "provider_led"
            else None,
        }

    def done(self):
        answers = self.all_cleaned()
        try:
            period = services.register_ect(
                school=self.school,
                registered_by=self.request.user,
                teacher_record=kept_record(self.record_found()),
                corrected_name=answers.get("corrected_name", ""),
                email=answers["email"],
                started_on=answers["started_on"],
                working_pattern=answers["working_pattern"],
                transfer_from=moving_from.pk if (moving_from := self.moving_from()) else None,
                **self.training(),
            )
        except services.Refused as refusal:
            return refused_page(self, refusal)
        self.request.session["registered_ect"] = period.pk
        return redirect("ect_registered", urn=self.school.urn)


class RegistersTeacherView(WizardView):
    """Serves a registration wizard: its stop pages and name check show what TRS told us."""

    def context(self, **extra):
        context = super().context(**extra)
        if self.step_name != CHECK_ANSWERS and self.wizard.stop_reason():
            context["stop_reason"] = self.wizard.stop_reason()
            context["teacher_name"] = self.wizard.trs_name() if self.wizard.record_found() else ""
            # Where the details that found nobody were typed: the NI number, or the TRN and date of birth.
            context["change_details_url"] = self.wizard.url(
                "moving-school"
                if self.wizard.stop_reason() == "registered_elsewhere"
                else "national-insurance-number"
                if self.wizard.asks_national_insurance_number()
                else self.wizard.find_step
            )
        if self.step_name == "confirm-name":
            context["trs_name"] = self.wizard.trs_name()
        return context


@method_decorator(login_required, name="dispatch")
class RegisterECTView(RegistersTeacherView):
    def get_wizard(self, request, *, urn):
        return RegisterECTWizard(request, school=school_queries.school_for(request.user, urn))


@login_required
@require_safe
def ect_registered(request, urn: int):
    school = school_queries.school_for(request.user, urn)
    period = get_object_or_404(
        ECTAtSchoolPeriod.objects.select_related("teacher"),
        pk=request.session.get("registered_ect"),
        school=school,
    )
    return render(
        request,
        "participants/register/registered.html",
        {"school": school, "period": period},
    )


@login_required
@require_safe
def mentor_registered(request, urn: int):
    """What happens now a mentor is registered: their email, their training, their mentees."""
    school = school_queries.school_for(request.user, urn)
    registered = request.session.get("registered_mentor") or {}
    today = clock.today()
    period = queries.mentor_at_school(school, registered.get("period") or 0, today=today)
    if period is None:
        raise Http404("No mentor registered just now")
    return render(
        request,
        "participants/register/mentor_registered.html",
        {
            "school": school,
            "period": period,
            "yourself": registered.get("yourself", False),
            "training": queries.current_training(period, on=period.started_on),
            "why_no_training": registered.get("why_no_training", ""),
            "ects_needing_a_mentor": queries.ects_needing_a_mentor(school, today=today)[:MENTEES_OFFERED]
            if not period.mentees
            else [],
        },
    )


# On the mentor's confirmation, the ECTs offered to pair them with: a short list, not the whole school.
MENTEES_OFFERED = 10


# Each kind of person's page: how to find them at a school, and the template adding what only they have.
PERSON_PAGES = {
    "ect": (queries.ect_at_school, "participants/ect.html"),
    "mentor": (queries.mentor_at_school, "participants/mentor.html"),
}


def training_now_and_next(trainings, *, today) -> dict:
    """From a period's trainings (newest first): `training`, the one going on today (else the
    first to come, or the last there was), and `next_training`, a change due after today."""
    going_on = [
        t for t in trainings if t.started_on <= today and (t.finished_on is None or t.finished_on >= today)
    ]
    to_come = sorted((t for t in trainings if t.started_on > today), key=lambda t: t.started_on)
    if going_on:
        return {"training": going_on[0], "next_training": to_come[0] if to_come else None}
    return {
        "training": to_come[0] if to_come else (trainings[0] if trainings else None),
        "next_training": None,
    }


def person_still_at_school(user, role: str, urn: int, period_id: int):
    """The school (if this user may manage it) and one of its ECTs or mentors who has not left, as
    their page shows them; 404 for anyone else, as if they did not exist."""
    school = school_queries.school_for(user, urn)
    today = clock.today()
    find, _template = PERSON_PAGES[role]
    period = find(school, period_id, today=today)
    if period is None or (period.finished_on is not None and period.finished_on < today):
        raise Http404("No such person at this school, or they have left")
    return school, period


@login_required
@require_safe
def person_page(request, urn: int, period_id: int, role: str):
    """One ECT or mentor at the school: who they are, their status, mentor or mentees, and training."""
    school = school_queries.school_for(request.user, urn)
    period = person_at(school, period_id, role)
    return render_person_page(request, school, period, role)


@staff_member_required
@permission_required(("schools.view_school", "participants.view_teacher"), raise_exception=True)
@require_safe
def support_person_page(request, urn: int, period_id: int, role: str):
    """Support staff see an ECT's or mentor's page as the school does, from the school's dashboard
    in admin's "View as the school": read-only, and each look is recorded on the teacher's and
    the school's timelines. The school's own check (`school_for`) is not made: the permissions are
    the check."""
    school = get_object_or_404(School, urn=urn)
    period = person_at(school, period_id, role)
    school_services.record_support_view(school=school, viewed_by=request.user, person=period)
    return render_person_page(request, school, period, role, read_only=True)


def person_at(school, period_id: int, role: str):
    """One of the school's ECTs or mentors (`role`), as their page shows them; 404 if not the school's."""
    find, _template = PERSON_PAGES[role]
    period = find(school, period_id, today=clock.today())
    if period is None:
        raise Http404("No such person at this school")
    return period


def render_person_page(request, school, period, role: str, *, read_only: bool = False) -> HttpResponse:
    """A person's page, for the school's own users or (`read_only`) for support staff, who see
    the same page with no way to change anything."""
    today = clock.today()
    _find, template = PERSON_PAGES[role]
    still_here = period.finished_on is None or period.finished_on >= today
    return render(
        request,
        template,
        {
            "school": school,
            "period": period,
            **training_now_and_next(period.trainings, today=today),
            "still_here": still_here,
            # Change links, "Assign a mentor" and "is leaving": for the school, while they are there.
            "can_change": still_here and not read_only,
            "read_only": read_only,
            "dashboard_url": reverse(
                "support_school_home" if read_only else "school_home", kwargs={"urn": school.urn}
            ),
            "change_url_name": f"{role}_change",
            "leaving_url": reverse(
                f"{role}_leaving", kwargs={"urn": school.urn, "period_id": period.pk, "step": "leaving-date"}
            ),
        },
    )


class AssignMentorWizard(Wizard):
    """Give an ECT a mentor, or change their mentor (the previous one stops the day before)."""

    steps = [Step("mentor", ChooseMentorForm)]
    url_name = "assign_mentor"
    check_answers_template = "participants/assign_mentor_check_answers.html"

    def __init__(self, request, *, school, mentee):
        super().__init__(request, key=f"{school.pk}:{mentee.pk}")
        self.school = school
        self.mentee = mentee
        self.caption = school.name

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.mentee.pk}

    def form_kwargs(self, step):
        return {
            "mentee_name": self.mentee.name,
            "mentors": queries.mentors_to_choose_from(self.school, today=clock.today()).exclude(
                teacher=self.mentee.teacher_id
            ),
            "already_their_mentor": self.already_their_mentor,
        }

    def already_their_mentor(self, mentor) -> str | None:
        """Why choosing `mentor` would change nothing: they already mentor the ECT, or will."""
        mentorship = queries.mentorship_from(self.mentee.pk, starting_on=self.takes_over_on(mentor))
        if mentorship is None or mentorship.mentor_id != mentor.pk:
            return None
        if mentorship.started_on > clock.today():
            starts = self.display_value(None, mentorship.started_on)
            return f"{mentor.name} is already due to mentor {self.mentee.name} from {starts}. Select a different mentor to change it"
        return f"{mentor.name} is already {self.mentee.name}'s mentor. Select a different mentor to change it"

    def back_url_before_first_step(self):
        return reverse("ect_page", kwargs=self.url_kwargs())

    def takes_over_on(self, mentor=None):
        """The day `mentor` (by default the chosen one) would start mentoring them, as `assign_mentor` decides it."""
        mentor = mentor or self.all_cleaned()["mentor"]
        return max(clock.today(), self.mentee.started_on, mentor.started_on)

    def handover(self) -> str:
        """What check answers says will happen, in dates."""
        starts = self.takes_over_on()
        new = f"{self.all_cleaned()['mentor'].name} will mentor {self.mentee.name} from {self.display_value(None, starts)}."
        if not self.mentee.mentor_name:
            if self.mentee.next_mentor_name:
                return f"{self.mentee.next_mentor_name} will no longer mentor them. {new}"
            return new
        last_day = self.display_value(None, starts - datetime.timedelta(days=1))
        return f"{self.mentee.mentor_name} will stop mentoring them after {last_day}. {new}"

    def done(self):
        mentor = self.all_cleaned()["mentor"]
        try:
            services.assign_mentor(mentee=self.mentee, mentor=mentor, assigned_by=self.request.user)
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not change their mentor")
        starts = self.takes_over_on()
        messages.success(
            self.request,
            f"{mentor.name} is now {self.mentee.name}'s mentor"
            if starts <= clock.today()
            else f"{mentor.name} will mentor {self.mentee.name} from {self.display_value(None, starts)}",
        )
        return redirect("ect_page", urn=self.school.urn, period_id=self.mentee.pk)


@method_decorator(login_required, name="dispatch")
class AssignMentorView(WizardView):
    def get_wizard(self, request, *, urn, period_id):
        school, mentee = person_still_at_school(request.user, "ect", urn, period_id)
        return AssignMentorWizard(request, school=school, mentee=mentee)


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
        if self.remember(
            "mentor_here",
            lambda: queries.is_mentor_at(self.school, record["trn"], today=clock.today()),
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
        )

    def mentor_periods_elsewhere(self) -> list:
        """Their mentor periods at other schools that are not over: they keep them, or are moving."""
        record = self.record_found()
        if record is None:
            return []
        return self.remember(
            "mentor_periods_elsewhere",
            lambda: queries.mentor_periods_elsewhere(record["trn"], self.school, today=clock.today()),
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
        registration = self.remember(
            "registration", lambda: provider_queries.registration_for_start(answer["started_on"])
        )
        return registration.contract_period if registration.is_open else None

    def form_kwargs(self, step):
        if step.name == "start-date":
            return {"date_problem": registration_problem}
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
        self.request.session["registered_mentor"] = {
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


@login_required
def who_to_add(request, urn: int):
    """Ask who the tutor wants to add, then start that registration."""
    school = school_queries.school_for(request.user, urn)
    form = WhoToAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        url_name, first_step = WHO_TO_ADD_JOURNEYS[form.cleaned_data["who"]]
        return redirect(url_name, urn=school.urn, step=first_step)
    return render(
        request,
        "participants/who_to_add.html",
        {"school": school, "form": form, "back_url": reverse("school_home", kwargs={"urn": school.urn})},
    )


# Where each answer to "Who do you want to add?" starts: the first step of its journey.
WHO_TO_ADD_JOURNEYS = {
    "ect": ("register_ect", START_AFRESH),
    "mentor": ("register_mentor", START_AFRESH),
    "yourself": ("register_yourself_as_mentor", START_AFRESH),
}


class LeavingWizard(Wizard):
    """Tell us that an ECT or mentor is leaving the school: when, and whether they move to another."""

    steps = [Step("leaving-date", LeavingDateForm), Step("moving-school", MovingOnForm)]
    check_answers_template = "participants/leaving_check_answers.html"

    def __init__(self, request, *, school, period):
        self.role = "ect" if isinstance(period, ECTAtSchoolPeriod) else "mentor"
        super().__init__(request, key=f"{school.pk}:{self.role}:{period.pk}")
        self.school = school
        self.period = period
        self.caption = school.name
        self.url_name = f"{self.role}_leaving"

    def url_kwargs(self):
        return {"urn": self.school.urn, "period_id": self.period.pk}

    def person_page(self) -> str:
        return reverse(f"{self.role}_page", kwargs=self.url_kwargs())

    def back_url_before_first_step(self):
        return self.person_page()

    def form_kwargs(self, step):
        if step.name == "leaving-date":
            today = clock.today()
            return {
                "teacher_name": self.period.name,
                "date_problem": lambda leaving_on: services.leaving_problem(
                    self.period, leaving_on, today=today
                ),
            }
        return {"teacher_name": self.period.name, "choices": list(services.MovingSchool.LABELS.items())}

    def summary_rows(self):
        answers = self.all_cleaned()
        return [
            self.row("Leaving date", self.display_value(None, answers["leaving_on"]), "leaving-date"),
            self.row(
                "Moving to another school",
                services.MovingSchool.LABELS[answers["moving_school"]],
                "moving-school",
            ),
        ]

    def done(self):
        answers = self.all_cleaned()
        try:
            left = services.record_leaving(
                period=self.period,
                leaving_on=answers["leaving_on"],
                moving_school=answers["moving_school"],
                reported_by=self.request.user,
            )
        except services.Refused as refusal:
            return refused_page(self, refusal, heading="We could not record that they are leaving")
        if left is None:
            messages.success(
                self.request, f"{self.period.name} has been removed: they will not start at your school"
            )
            return redirect("school_home", urn=self.school.urn)
        messages.success(
            self.request,
            f"We've recorded that {self.period.name} "
            f"{'left' if left.finished_on < clock.today() else 'leaves'} your school on "
            f"{self.display_value(None, left.finished_on)}",
        )
        return redirect(self.person_page())


@method_decorator(login_required, name="dispatch")
class LeavingView(WizardView):
    role = "ect"  # or "mentor", set in urls.py

    def get_wizard(self, request, *, urn, period_id):
        school, period = person_still_at_school(request.user, self.role, urn, period_id)
        return LeavingWizard(request, school=school, period=period)
