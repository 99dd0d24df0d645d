"""Removing an adjustment from a statement that is not yet paid: why, then check answers
(finance.services.remove_adjustment)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from core.wizard import Step, Wizard, WizardView
from finance import queries, services
from finance.access import finance_staff_only
from finance.calculator.money import pounds
from finance.forms import RemoveAdjustmentForm
from finance.journeys.adjustment import paid_already
from finance.journeys.common import refused_page, statement_caption, statement_url
from finance.models import StatementStatus


class RemoveAdjustmentWizard(Wizard):
    steps = [Step("reason", RemoveAdjustmentForm)]
    url_name = "finance_remove_adjustment"
    check_answers_template = "finance/remove_adjustment_check_answers.html"

    def __init__(self, request, *, statement, adjustment):
        super().__init__(request, key=f"{statement.pk}:{adjustment.pk}")
        self.statement, self.adjustment = statement, adjustment
        self.caption = statement_caption(statement)

    def url_kwargs(self):
        return {"statement_id": self.statement.pk, "adjustment_id": self.adjustment.pk}

    def back_url_before_first_step(self):
        return statement_url(self.statement)

    def summary_rows(self):
        adjustment = self.adjustment
        return [
            {"key": "Adjustment", "value": adjustment.name},
            {"key": "Amount", "value": pounds(adjustment.amount)},
            {"key": "Why it was added", "value": adjustment.reason},
            {"key": "Added by", "value": str(adjustment.created_by)},
            self.row("Why it is removed", self.all_cleaned()["reason"], "reason"),
        ]

    def done(self):
        try:
            services.remove_adjustment(
                adjustment=self.adjustment, by=self.request.user, reason=self.all_cleaned()["reason"]
            )
        except services.StatementRefused as refusal:
            return refused_page(
                self.request,
                caption=self.caption,
                heading="We could not remove the adjustment",
                reason=str(refusal),
                return_url=statement_url(self.statement),
                return_to="the statement",
                wizard=self,
            )
        messages.success(self.request, f"Adjustment removed: {self.adjustment.name}")
        return redirect(statement_url(self.statement))


@method_decorator(finance_staff_only, name="dispatch")
class RemoveAdjustmentView(WizardView):
    def get_wizard(self, request, *, statement_id, adjustment_id):
        statement = queries.statement_for(statement_id)
        adjustment = queries.adjustment_for(statement, adjustment_id)
        if statement.status == StatementStatus.PAID:
            return paid_already(request, statement)
        return RemoveAdjustmentWizard(request, statement=statement, adjustment=adjustment)
