from django import forms

from appropriate_bodies import bulk_csv
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
            (f"school-{school.urn}", f"{school.name}, school") for school in schools
        ] + [(f"body-{body.pk}", f"{body.name}, appropriate body") for body in bodies]


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
    standing = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Select a status from the list"}
    )
    # Typed rather than chosen from a list: a national body's ECTs were at thousands of schools.
    school = GovukTextField(label="School name or URN", name="School", required=False, max_length=100)

    def __init__(self, *args, standings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standing"].choices = [("", "All"), *((s.slug, s.label) for s in standings)]

    def chosen(self) -> dict:
        """The filters as chosen, leaving out any that is not valid."""
        self.is_valid()
        return {
            "search": self.cleaned_data.get("q") or "",
            "standing": self.cleaned_data.get("standing") or "",
            "school": self.cleaned_data.get("school") or "",
        }


class BulkFileForm(GovukForm):
    """The CSV file of claims or outcomes. Valid once the whole file can be read: its rows (each
    with its own problems, if any) are then in `cleaned_data["rows"]`."""

    page_heading_field = "csv_file"
    csv_file = forms.FileField(
        label="Upload a CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "The selected file must be a CSV",
            "missing": "Select a CSV file",
        },
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["csv_file"].label = f"Upload a CSV file of {kind}"

    def clean_csv_file(self):
        uploaded = self.cleaned_data["csv_file"]
        if not uploaded.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        content = uploaded.read(bulk_csv.MAX_BYTES + 1)
        try:
            file_rows = bulk_csv.read_file(self.kind, content)
        except bulk_csv.UnreadableFile as unreadable:
            raise forms.ValidationError(str(unreadable)) from None
        self.cleaned_data["rows"] = [bulk_csv.parse_row(self.kind, row) for row in file_rows]
        return uploaded


class ConfirmBulkForm(GovukForm):
    """Confirming an upload; when it fails anyone, that each of them was told of their right to appeal."""

    told_of_appeal = forms.BooleanField(
        label="I confirm that each ECT with a fail outcome in this file has been told of their right to appeal",
        required=False,
    )

    def __init__(self, *args, appeal_needed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not appeal_needed:
            del self.fields["told_of_appeal"]
        else:
            self.fields["told_of_appeal"].required = True
            self.fields["told_of_appeal"].error_messages["required"] = (
                "Confirm that each ECT failing their induction has been told of their right to appeal"
            )
