"""The questions of the outcome and extension journeys (appropriate_bodies/journeys/)."""

from decimal import Decimal

from django import forms
from django.utils.functional import lazy

from appropriate_bodies.services.extensions import LEAST_EXTENSION, REASON_MAX
from appropriate_bodies.services.terms import as_terms, terms_in_words, terms_problem
from core import clock
from core.forms import DateQuestionForm, GovukDateField, GovukForm, GovukTextField


def _a_past_example() -> str:
    """A hint whose example end date is the latest 18 July on or before today: an end date is never
    in the future."""
    today = clock.today()
    year = today.year if (today.month, today.day) >= (7, 18) else today.year - 1
    return f"For example, 18 7 {year}"


class EndDateForm(DateQuestionForm):
    page_heading_field = "finished_on"
    finished_on = GovukDateField(
        label="When did their induction period with you end?",
        name="End date",
        help_text=lazy(_a_past_example, str)(),
    )

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finished_on"].label = question


class TermsField(GovukTextField):
    """A number of terms typed as text (5 or 5.5), checked by the services' rule from `least` to 16."""

    def __init__(self, *, least: Decimal, **kwargs):
        super().__init__(
            name="Number of terms",
            max_length=10,
            required_message="Enter the number of terms",
            error_messages={"max_length": "Enter the number of terms as a number, like 6 or 5.5"},
            widget=forms.TextInput(
                attrs={"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false"}
            ),
            **kwargs,
        )
        self.least = least

    def clean(self, value):
        value = super().clean(value)
        problem = terms_problem(value, least=self.least)
        if problem:
            raise forms.ValidationError(problem)
        return terms_in_words(as_terms(value))  # check answers shows "6" for "6." and "5.5" for "5.50"


class OutcomeTermsForm(GovukForm):
    page_heading_field = "number_of_terms"
    number_of_terms = TermsField(
        least=Decimal(0),
        label="How many terms of induction did they complete with you?",
        help_text="Full-time equivalent terms, from 0 to 16. Use a decimal for a part term, like 5.5.",
    )

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number_of_terms"].label = question


class ToldOfAppealForm(GovukForm):
    title = "Their right to appeal"
    told_of_appeal = forms.BooleanField(
        error_messages={"required": "Confirm that they have been told of their right to appeal"},
    )

    def __init__(self, *args, teacher_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["told_of_appeal"].label = (
            f"I confirm that {teacher_name} has been told in writing that they failed their induction "
            "and of their right to appeal"
        )


class ExtensionTermsForm(GovukForm):
    page_heading_field = "number_of_terms"
    number_of_terms = TermsField(
        least=LEAST_EXTENSION,
        label="How many terms are you extending their induction by?",
        help_text="Full-time equivalent terms, from 0.1 to 16. Use a decimal for a part term, like 1.5.",
    )

    def __init__(self, *args, teacher_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "number_of_terms"
        ].label = f"How many terms are you extending {teacher_name}'s induction by?"


class ExtensionReasonForm(GovukForm):
    page_heading_field = "reason"
    reason = GovukTextField(
        label="Why are you extending their induction?",
        name="Reason",
        max_length=REASON_MAX,
        required_message="Enter the reason for the extension",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, they have not yet met the Teachers' Standards.",
    )
