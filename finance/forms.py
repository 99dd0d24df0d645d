"""Finance staff's forms."""

import re
from decimal import Decimal

from django import forms

from core.forms import GovukForm, GovukTextField
from finance import queries
from finance.calculator.money import pounds
from finance.grants import TERMS, academic_year_label
from providers.models import DeclarationType

WHOLE_YEAR = "year"


class MentorGrantForm(GovukForm):
    """Which academic year and term the mentor grant file is for."""

    year = forms.TypedChoiceField(
        label="Academic year",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the academic year",
            "invalid_choice": "Select one of the academic years listed",
        },
    )
    term = forms.ChoiceField(
        label="Term",
        choices=[(term.value, term.label) for term in TERMS] + [(WHOLE_YEAR, "The whole year")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the term", "invalid_choice": "Select one of the terms listed"},
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, academic_year_label(year)) for year in years]


# --- Finding declarations -------------------------------------------------------------------------

SEARCH_EXAMPLE = (
    "a declaration ID or participant ID like 3fa85f64-5717-4562-b3fc-2c963f66afa6, or a 7-digit TRN"
)


class SearchField(GovukTextField):
    """A declaration ID, a participant ID (both as the API writes them) or a TRN: cleaned to a
    queries.Search."""

    def __init__(self, *, required: bool, **kwargs):
        super().__init__(
            name="The search",
            max_length=100,
            required=required,
            required_message="Enter a declaration ID, participant ID or TRN" if required else None,
            widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        search = queries.read_search(value)
        if search is None:
            raise forms.ValidationError(f"Enter {SEARCH_EXAMPLE}", code="invalid")
        return search


class SearchForm(GovukForm):
    """Find declarations across every lead provider."""

    page_heading_field = None
    q = SearchField(
        required=True,
        label="Declaration ID, participant ID or TRN",
        help_text="The lead provider API’s declaration or participant ID, or the teacher reference number.",
    )


ANY = ""


class StatementDeclarationsForm(GovukForm):
    """Narrow a statement's declarations: by participant or declaration (ID or TRN), type, state,
    and the line of the statement they make up."""

    q = SearchField(required=False, label="Declaration ID, participant ID or TRN")
    declaration_type = forms.ChoiceField(
        label="Declaration type",
        required=False,
        choices=[(ANY, "All types"), *DeclarationType.choices],
        error_messages={"invalid_choice": "Select one of the declaration types listed"},
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[(ANY, "All states"), *queries.STATES.items()],
        error_messages={"invalid_choice": "Select one of the states listed"},
    )
    line = forms.ChoiceField(
        label="Line of the statement",
        required=False,
        error_messages={"invalid_choice": "Select one of the lines listed"},
    )

    def __init__(self, *args, lines: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(ANY, "All lines"), *lines]

    def chosen(self) -> dict:
        """What was chosen, leaving out anything that was not valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, ANY)}


# --- Adjustments and voiding ----------------------------------------------------------------------

# Money is stored with 12 digits, 2 of them pence.
LARGEST_AMOUNT = Decimal("9999999999.99")
_AMOUNT = re.compile(r"^(?P<sign>[-−]?)£?(?P<pounds>\d{1,3}(,\d{3})+|\d+)(\.(?P<pence>\d{1,2}))?$")


class MoneyField(GovukTextField):
    """An amount in pounds and pence, positive or negative but not 0: 250, 250.5, £1,250.00,
    -250.00 (or with a minus sign). Cleaned to a Decimal with two places."""

    def __init__(self, **kwargs):
        super().__init__(
            name="Amount",
            max_length=20,
            required_message="Enter the amount",
            widget=forms.TextInput(
                attrs={"class": "govuk-input--width-10", "spellcheck": "false", "autocomplete": "off"}
            ),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        match = _AMOUNT.match(value.replace(" ", ""))
        if match is None:
            raise forms.ValidationError(
                "Enter the amount in pounds and pence, like 250.00 or -250.00", code="invalid"
            )
        amount = Decimal(f"{match['pounds'].replace(',', '')}.{(match['pence'] or '').ljust(2, '0')}")
        if amount == 0:
            raise forms.ValidationError("Enter an amount other than £0.00", code="zero")
        if amount > LARGEST_AMOUNT:
            raise forms.ValidationError(f"Enter an amount up to {pounds(LARGEST_AMOUNT)}", code="too_large")
        return -amount if match["sign"] else amount


REASON_MAX = 2000


def reason_field(*, label: str, required_message: str, help_text: str = "") -> GovukTextField:
    return GovukTextField(
        name="Reason",
        max_length=REASON_MAX,
        label=label,
        required_message=required_message,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AdjustmentForm(GovukForm):
    title = "Add an adjustment"
    name = GovukTextField(
        name="Name",
        max_length=200,
        label="Name",
        required_message="Enter a name for the adjustment",
        help_text="What it is for, as the statement will show it. For example, Late data for October.",
    )
    amount = MoneyField(
        label="Amount",
        help_text="In pounds and pence. To take money off the statement, start with a minus: -250.00.",
    )
    reason = reason_field(
        label="Reason",
        required_message="Enter the reason for the adjustment",
        help_text="Why it is added, for anyone checking the statement later.",
    )


class RemoveAdjustmentForm(GovukForm):
    page_heading_field = "reason"
    reason = reason_field(
        label="Why are you removing this adjustment?",
        required_message="Enter why you are removing the adjustment",
    )


class VoidReasonForm(GovukForm):
    page_heading_field = "reason"
    reason = reason_field(
        label="Why are you voiding this declaration?",
        required_message="Enter why you are voiding the declaration",
        help_text="The lead provider will see the declaration as voided in the API. Your reason is kept in the declaration’s history.",
    )
