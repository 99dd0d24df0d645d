"""Finance staff's forms."""

from django import forms

from core.forms import GovukForm
from finance.grants import TERMS, academic_year_label

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
