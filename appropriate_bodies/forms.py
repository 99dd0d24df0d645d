from django import forms

from appropriate_bodies import bulk_csv
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
