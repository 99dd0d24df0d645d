from django import forms

from core.forms import DateQuestionForm, GovukDateField, GovukForm, GovukTextField
from participants.forms import for_example
from schools.models import TrainingProgramme


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


# --- Claiming an ECT (journeys/claim_ect.py) ---------------------------------------------------


class TeacherRecordForm(GovukForm):
    """What the Teaching Record System says of the teacher: nothing to answer, only to read."""

    title = "Check their teacher record"


class InductionStartDateForm(DateQuestionForm):
    page_heading_field = "started_on"
    started_on = GovukDateField(
        label="When did or will their induction with you start?",
        name="Start date",
        help_text=for_example(month=9, day=2, in_this_academic_year=True),
    )


class InductionProgrammeForm(GovukForm):
    page_heading_field = "induction_programme"
    induction_programme = forms.ChoiceField(
        label="Which induction programme are they on?",
        choices=[
            (TrainingProgramme.PROVIDER_LED, "Provider-led: training from a DfE-funded lead provider"),
            (TrainingProgramme.SCHOOL_LED, "School-led: the school delivers the training itself"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which induction programme they are on",
            "invalid_choice": "Select one of the induction programmes listed",
        },
    )


class TeacherFilterForm(GovukForm):
    """The filters above a body's list of ECTs (a GET form: a value that is not valid is ignored)."""

    q = GovukTextField(label="Search by name or TRN", name="Search", required=False, max_length=100)
    standing = forms.ChoiceField(label="Status", required=False)
    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, standings, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standing"].choices = [("", "All"), *((s.slug, s.label) for s in standings)]
        self.fields["school"].choices = [("", "All schools"), *((s.urn, s.name) for s in schools)]

    def chosen(self) -> dict:
        """The filters as chosen, leaving out any that is not valid."""
        self.is_valid()
        return {
            "search": self.cleaned_data.get("q") or "",
            "standing": self.cleaned_data.get("standing") or "",
            "school_urn": self.cleaned_data.get("school"),
        }
