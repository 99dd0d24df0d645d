"""Authorising a payable statement for payment: what it will pay, checked, then
finance.services.authorise_for_payment, which writes the calculation down for good with who and
when. There is nothing to answer: the check page is the whole journey."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from core.wizard import Wizard, WizardView
from finance import queries, services
from finance.access import finance_staff_only
from finance.calculator.money import pounds
from finance.journeys.common import refused_page, statement_caption, statement_url
from finance.models import StatementStatus


class AuthoriseWizard(Wizard):
    steps = []
    url_name = "finance_authorise"
    check_answers_template = "finance/authorise_check_answers.html"

    def __init__(self, request, *, statement, contract):
        super().__init__(request, key=str(statement.pk))
        self.statement, self.contract = statement, contract
        self.caption = statement_caption(statement)
        self.calculation = queries.calculate(statement, contract=contract)

    def url_kwargs(self):
        return {"statement_id": self.statement.pk}

    def back_url_before_first_step(self):
        return statement_url(self.statement)

    def summary_rows(self):
        statement, totals = self.statement, self.calculation.totals
        return [
            {"key": "Lead provider", "value": statement.active_lead_provider.lead_provider.name},
            {"key": "Statement", "value": statement.full_name},
            {"key": "Payment date", "value": f"{statement.payment_date:%-d %B %Y}"},
            {"key": "Contract", "value": f"Version {self.contract.version}"},
            {"key": "Total before VAT", "value": pounds(totals.total_before_vat)},
            {"key": "VAT", "value": pounds(totals.vat)},
            {"key": "Total", "value": pounds(totals.total)},
        ]

    def done(self):
        try:
            paid = services.authorise_for_payment(statement=self.statement, by=self.request.user)
        except services.StatementRefused as refusal:
            return refused_page(
                self.request,
                caption=self.caption,
                heading="We could not authorise the statement for payment",
                reason=str(refusal),
                return_url=statement_url(self.statement),
                return_to="the statement",
            )
        total = queries.calculate(paid).totals.total
        messages.success(self.request, f"{paid.full_name} authorised for payment: {pounds(total)}")
        return redirect(statement_url(self.statement))


@method_decorator(finance_staff_only, name="dispatch")
class AuthoriseView(WizardView):
    def get_wizard(self, request, *, statement_id):
        statement = queries.statement_for(statement_id)
        caption = statement_caption(statement)
        back = {"return_url": statement_url(statement), "return_to": "the statement", "caption": caption}
        if statement.status == StatementStatus.PAID:
            return refused_page(
                request, heading="This statement has been paid", reason=_paid(statement), **back
            )
        if statement.status == StatementStatus.OPEN:
            return refused_page(
                request,
                heading="This statement is not payable yet",
                reason=f"It becomes payable the day after its deadline, {statement.deadline_date:%-d %B %Y}.",
                **back,
            )
        contract = queries.contract_for(statement)
        if contract is None:
            return refused_page(
                request,
                heading="This statement cannot be paid yet",
                reason=str(queries.NoContractInForce(statement)),
                **back,
            )
        return AuthoriseWizard(request, statement=statement, contract=contract)


def _paid(statement) -> str:
    return f"It was authorised for payment by {statement.paid_by} on {statement.paid_at:%-d %B %Y}."
