"""Voiding a declaration as finance staff: why, then check answers, which says what will happen
(voided if it is not yet paid; clawed back on the provider's next open statement if it is), then
finance.services.void_by_staff."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from core import clock
from core.wizard import Step, Wizard, WizardView
from finance import queries, services
from finance.access import finance_staff_only
from finance.forms import VoidReasonForm
from finance.journeys.common import refused_page
from finance.models import ClawbackStatus, PaymentStatus
from providers.models import DeclarationType


def declaration_url(declaration) -> str:
    return reverse("finance_declaration", kwargs={"declaration_id": declaration.pk})


def what_happens(declaration) -> tuple[str, bool]:
    """(What voiding the declaration does now, in words; whether it can be done.)"""
    if declaration.payment_status != PaymentStatus.PAID:
        return "It is voided: it has not been paid, so nothing is clawed back.", True
    statement = services.open_statement(declaration.payment_statement.active_lead_provider, on=clock.today())
    if statement is None:
        return "It has been paid, and there is no open statement to claw it back on.", False
    return (
        f"It has been paid, so it is clawed back on the {statement.month_year} statement, the "
        f"lead provider’s next open one.",
        True,
    )


def why_it_cannot_be_voided(declaration) -> str | None:
    """Why finance staff cannot void the declaration now (None when they can)."""
    if declaration.payment_status == PaymentStatus.VOIDED:
        return "It has already been voided."
    if declaration.clawback_status != ClawbackStatus.NO_CLAWBACK:
        return "It is already being clawed back."
    happens, possible = what_happens(declaration)
    return None if possible else happens


class VoidWizard(Wizard):
    steps = [Step("reason", VoidReasonForm)]
    url_name = "finance_void"
    check_answers_template = "finance/void_check_answers.html"

    def __init__(self, request, *, declaration):
        super().__init__(request, key=str(declaration.pk))
        self.declaration = declaration
        self.caption = f"{declaration.teacher.full_name}: {DeclarationType(declaration.declaration_type).label.lower()} declaration"

    def url_kwargs(self):
        return {"declaration_id": self.declaration.pk}

    def back_url_before_first_step(self):
        return declaration_url(self.declaration)

    def summary_rows(self):
        declaration = self.declaration
        return [
            {
                "key": "Participant",
                "value": f"{declaration.teacher.full_name} (TRN {declaration.teacher.trn})",
            },
            {"key": "Lead provider", "value": declaration.lead_provider.name},
            {"key": "Declaration", "value": DeclarationType(declaration.declaration_type).label},
            {"key": "What happens", "value": what_happens(declaration)[0]},
            self.row("Why it is voided", self.all_cleaned()["reason"], "reason"),
        ]

    def done(self):
        try:
            voided = services.void_by_staff(
                declaration=self.declaration, by=self.request.user, reason=self.all_cleaned()["reason"]
            )
        except services.VoidRefused as refusal:
            return refused_page(
                self.request,
                caption=self.caption,
                heading="We could not void the declaration",
                reason=str(refusal),
                return_url=declaration_url(self.declaration),
                return_to="the declaration",
                wizard=self,
            )
        if voided.clawback_status == ClawbackStatus.AWAITING_CLAWBACK:
            messages.success(
                self.request,
                f"Declaration voided: it is clawed back on the {voided.clawback_statement.month_year} statement",
            )
        else:
            messages.success(self.request, "Declaration voided")
        return redirect(declaration_url(self.declaration))


@method_decorator(finance_staff_only, name="dispatch")
class VoidView(WizardView):
    def get_wizard(self, request, *, declaration_id):
        declaration = queries.declaration_for(declaration_id)
        problem = why_it_cannot_be_voided(declaration)
        if problem:
            return refused_page(
                request,
                caption=f"{declaration.teacher.full_name}",
                heading="You cannot void this declaration",
                reason=problem,
                return_url=declaration_url(declaration),
                return_to="the declaration",
            )
        return VoidWizard(request, declaration=declaration)
