"""An appropriate body claims an ECT: find their teacher record in TRS (TRN and date of birth, else
National Insurance number; the date of birth is never kept), stop when they cannot be claimed,
read what TRS says, then the start date and induction programme, check answers, and `claim_ect`.

The stops are the service's own rules (`claims.why_not_claimable`), worked out afresh on every
page: an ECT another body claims meanwhile sends this journey to its stop page."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from appropriate_bodies import queries
from appropriate_bodies.forms import InductionProgrammeForm, InductionStartDateForm, TeacherRecordForm
from appropriate_bodies.journeys.common import refused_page
from appropriate_bodies.services import claims
from core.wizard import CHECK_ANSWERS, START_AFRESH, Step, WizardView
from participants.forms import kept_record
from participants.journeys.finding_a_teacher import FindsTeacherRecord, finding_the_record
from participants.models import InductionStatus
from participants.trs import InvalidTRN, normalise_trn

# Where done() leaves the new induction period's id for the confirmation page (views.ect_claimed).
CLAIMED_PERIOD = "claimed_induction_period"
FIND_STEP = "find-ect"


class ClaimECTWizard(FindsTeacherRecord):
    """Claim an ECT for an appropriate body: their record, the stops, what TRS says, when their
    induction with the body starts and on which programme."""

    steps = [
        *finding_the_record(
            FIND_STEP, stop_step="cannot-claim", stop_template="appropriate_bodies/claim/cannot_claim.html"
        ),
        Step(
            "teacher-record", TeacherRecordForm, template_name="appropriate_bodies/claim/teacher_record.html"
        ),
        Step("start-date", InductionStartDateForm),
        Step("induction-programme", InductionProgrammeForm),
    ]
    url_name = "claim_ect"
    find_step = FIND_STEP
    check_answers_template = "appropriate_bodies/claim/check_answers.html"

    def __init__(self, request, *, body):
        super().__init__(request, key=str(body.pk))
        self.body = body
        self.caption = body.name

    def record(self):
        """What TRS told us of the teacher (without date of birth or NI number), once found."""
        found = self.record_found()
        return kept_record(found) if found else None

    def stop(self) -> claims.ClaimStop | None:
        record = self.record()
        if record is None:
            return None
        return self.remember("stop", lambda: claims.why_not_claimable(body=self.body, record=record))

    def stop_reason(self) -> str | None:
        not_found = self.not_found()
        if not_found is None:
            return None
        if not_found:
            return "not_found"
        stop = self.stop()
        return stop.reason if stop else None

    def start_date_problem(self, started_on) -> str | None:
        return claims.start_date_problem(record=self.record(), started_on=started_on)

    def form_kwargs(self, step):
        if step.name == FIND_STEP and (trn := self.trn_to_prefill()):
            return {"initial": {"trn": trn}}
        if step.name == "start-date":
            return {"date_problem": self.start_date_problem}
        return super().form_kwargs(step)

    def trn_to_prefill(self) -> str | None:
        """A TRN given in the link that started the journey (from a list of teachers), if it is one."""
        try:
            return normalise_trn(self.request.GET.get("trn", ""))
        except InvalidTRN:
            return None

    # --- check answers and saving ------------------------------------------------------------

    def url_kwargs(self):
        return {"body_id": self.body.pk}

    def back_url_before_first_step(self):
        """Back to where the claim was started: a review list, a teacher's page, else the home page."""
        came_from = self.request.GET.get("from", "")
        if came_from in queries.REVIEW_LISTS:
            return reverse("appropriate_body_review", kwargs={"body_id": self.body.pk, "slug": came_from})
        if came_from == "teacher" and (trn := self.trn_to_prefill()):
            teacher = queries.teachers_visible_to(self.body).filter(trn=trn).first()
            if teacher:
                return reverse(
                    "appropriate_body_teacher", kwargs={"body_id": self.body.pk, "teacher_id": teacher.pk}
                )
        return reverse("appropriate_body_home", kwargs={"body_id": self.body.pk})

    def summary_rows(self):
        answers = self.all_cleaned()
        programmes = dict(InductionProgrammeForm.base_fields["induction_programme"].choices)
        return [
            {"key": "TRN", "value": self.record().trn},
            {"key": "Name", "value": self.trs_name()},
            self.row("Induction start date", self.display_value(None, answers["started_on"]), "start-date"),
            self.row(
                "Induction programme", programmes[answers["induction_programme"]], "induction-programme"
            ),
        ]

    def done(self):
        answers = self.all_cleaned()
        try:
            period = claims.claim_ect(
                body=self.body,
                record=self.record(),
                started_on=answers["started_on"],
                induction_programme=answers["induction_programme"],
                claimed_by=self.request.user,
            )
        except claims.CannotClaim as refusal:
            return refused_page(
                self.request,
                body=self.body,
                teacher=None,
                heading="We could not claim them",
                reason=str(refusal),
                wizard=self,
            )
        self.request.session[CLAIMED_PERIOD] = period.pk
        return redirect("ect_claimed", body_id=self.body.pk)


@method_decorator(login_required, name="dispatch")
class ClaimECTView(WizardView):
    def get_wizard(self, request, *, body_id):
        return ClaimECTWizard(request, body=queries.body_for(request.user, body_id))

    def dispatch(self, request, *args, step, **kwargs):
        response = super().dispatch(request, *args, step=step, **kwargs)
        # "Check and claim" from a list starts afresh with the teacher's TRN already typed.
        if step == START_AFRESH and (trn := self.wizard.trn_to_prefill()):
            query = {"trn": trn, **({"from": request.GET["from"]} if request.GET.get("from") else {})}
            return HttpResponseRedirect(f"{self.wizard.url(FIND_STEP)}?{urlencode(query)}")
        return response

    def context(self, **extra):
        context = super().context(**extra)
        if self.step_name == CHECK_ANSWERS:
            return context
        if reason := self.wizard.stop_reason():
            context["stop_reason"] = reason
            context["stop"] = self.wizard.stop()
            context["teacher_name"] = self.wizard.trs_name() if self.wizard.record_found() else ""
            context["change_details_url"] = self.wizard.url(
                "national-insurance-number" if self.wizard.asks_national_insurance_number() else FIND_STEP
            )
        if self.step_name == "teacher-record":
            record = self.wizard.record()
            context["record"] = record
            context["teacher_name"] = self.wizard.trs_name()
            context["induction_status"] = InductionStatus(record.induction_status).label
        return context
