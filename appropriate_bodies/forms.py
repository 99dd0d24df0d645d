from django import forms

from core.forms import GovukForm


class ChooseForm(GovukForm):
    """Which school or appropriate body to use, for a person with more than one."""

    page_heading_field = "use"
    use = forms.ChoiceField(
        label="Which do you want to use?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the school or appropriate body you want to use"},
    )

    def __init__(self, *args, schools, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["use"].choices = [
            (f"school-{school.urn}", f"{school.name} (school)") for school in schools
        ] + [(f"body-{body.pk}", f"{body.name} (appropriate body)") for body in bodies]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search by name or TRN", required=False, max_length=100)
