"""Adding an adjustment to a statement that is not yet paid: its name, amount and reason on one
page, then check answers (finance.services.add_adjustment)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from core.wizard import Step, Wizard, WizardView
from finance import queries, services
from finance.access import finance_staff_only
from finance.calculator.money import pounds
from finance.forms import AdjustmentForm
from finance.journeys.common import refused_page, statement_caption, statement_url
from finance.models import StatementStatus


class AddAdjustmentWizard(Wizard):
    steps = [Step("adjustment", AdjustmentForm)]
    url_name = "finance_add_adjustment"
    check_answers_template = "finance/adjustment_check_answers.html"

    def __init__(self, request, *, statement):
        super().__init__(request, key=str(statement.pk))
        self.statement = statement
        self.caption = statement_caption(statement)

    def url_kwargs(self):
        return {"statement_id": self.statement.pk}

    def back_url_before_first_step(self):
        return statement_url(self.statement)

    def summary_rows(self):
        answers = self.all_cleaned()
        return [
            self.row("Name", answers["name"], "adjustment"),
            self.row("Amount", pounds(answers["amount"]), "adjustment"),
            self.row("Reason", answers["reason"], "adjustment"),
        ]

    def done(self):
        answers = self.all_cleaned()
        try:
            services.add_adjustment(statement=self.statement, by=self.request.user, **answers)
        except services.StatementRefused as refusal:
            return refused_page(
                self.request,
                caption=self.caption,
                heading="We could not add the adjustment",
                reason=str(refusal),
                return_url=statement_url(self.statement),
                return_to="the statement",
                wizard=self,
            )
        messages.success(self.request, f"Adjustment added: {answers['name']}, {pounds(answers['amount'])}")
        return redirect(statement_url(self.statement))


def paid_already(request, statement):
    return refused_page(
        request,
        caption=statement_caption(statement),
        heading="This statement has been paid",
        reason="Its adjustments cannot change once it has been authorised for payment.",
        return_url=statement_url(statement),
        return_to="the statement",
    )


@method_decorator(finance_staff_only, name="dispatch")
class AddAdjustmentView(WizardView):
    def get_wizard(self, request, *, statement_id):
        statement = queries.statement_for(statement_id)
        if statement.status == StatementStatus.PAID:
            return paid_already(request, statement)
        return AddAdjustmentWizard(request, statement=statement)
