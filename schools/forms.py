from django import forms
from django.db.models import Case, When
from django.urls import reverse_lazy

from core.forms import EmailAddressField, FullNameField, GovukForm, GovukTextField
from participants.queries import ECT_STATUSES, MENTOR_STATUSES
from providers.models import AppropriateBody, LeadProvider
from providers.queries import active_lead_providers, independent_schools_body, teaching_school_hubs
from schools.models import ExpectsECTs, YearProgramme


class FindSchoolForm(GovukForm):
    page_heading_field = "q"
    q = GovukTextField(
        widget=forms.TextInput(
            attrs={"data-school-search": reverse_lazy("nominate_search_json"), "autocomplete": "off"}
        ),
        label="Find your school",
        help_text="Search by name, URN or postcode",
        name="School name, URN or postcode",
        max_length=100,
        required_message="Enter your school's name, URN or postcode",
    )


class ExpectsECTsForm(GovukForm):
    page_heading_field = "expects_ects"
    expects_ects = forms.ChoiceField(
        label="Do you expect any early career teachers to join your school this academic year?",
        help_text="These are teachers who have finished their initial teacher training.",
        choices=ExpectsECTs.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you expect any early career teachers to join your school",
            "invalid_choice": "Select whether you expect any early career teachers to join your school",
        },
    )


class InductionTutorNameForm(GovukForm):
    page_heading_field = "full_name"
    full_name = FullNameField(
        label="What is the full name of your induction tutor?",
        required_message="Enter the induction tutor's full name",
    )


class InductionTutorEmailForm(GovukForm):
    page_heading_field = "email"
    email = EmailAddressField(
        label="What is your induction tutor's email address?",
        help_text="We'll email them a link to sign in. Use their work email address.",
        required_message="Enter the induction tutor's email address",
    )


class ColleagueForm(GovukForm):
    title = "Give a colleague access"

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    colleague_name = FullNameField(label="Full name", required_message="Enter your colleague's full name")
    colleague_email = EmailAddressField(
        label="Email address",
        help_text="We'll email them a link to sign in.",
        required_message="Enter your colleague's email address",
    )

    def clean_colleague_email(self):
        email = self.cleaned_data["colleague_email"].strip().lower()
        if self.school.access.filter(user__email=email, ended_at__isnull=True).exists():
            raise forms.ValidationError(f"This person can already manage training at {self.school.name}")
        return email


# --- Setting up a year's training --------------------------------------------------------------


class ChangeProviderForm(GovukForm):
    page_heading_field = "change_provider"
    change_provider = forms.ChoiceField(
        label="Are you planning to change your current training provider?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you're planning to change your training provider",
            "invalid_choice": "Select whether you're planning to change your training provider",
        },
    )

    def __init__(self, *args, lead_provider, delivery_partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "change_provider"
        ].help_text = (
            f"Your DfE-funded lead provider is {lead_provider}. Your delivery partner is {delivery_partner}."
        )


PROGRAMME_OPTIONS = {
    YearProgramme.PROVIDER_LED: "Use a training provider, funded by the DfE",
    YearProgramme.SCHOOL_LED: "Deliver your own programme based on the Early Career Framework",
    YearProgramme.NO_ECTS: "We do not expect any early career teachers to join",
}


class ProgrammeForm(GovukForm):
    page_heading_field = "programme"
    programme = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you want to run your training",
            "invalid_choice": "Select one of the ways of running training listed",
        },
    )

    def __init__(self, *args, academic_year, funding_refusal: str | None, explanation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        field.label = f"How do you want to run your training in {academic_year}?"
        field.choices = [
            (value, label)
            for value, label in PROGRAMME_OPTIONS.items()
            if not (funding_refusal and value == YearProgramme.PROVIDER_LED)
        ]
        hints = [explanation] if explanation else []
        if funding_refusal:
            hints.append(f"Your school cannot use a DfE-funded training provider because {funding_refusal}.")
        field.help_text = " ".join(hints)


class LeadProviderForm(GovukForm):
    page_heading_field = "lead_provider"
    lead_provider = forms.ModelChoiceField(
        queryset=LeadProvider.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which training provider do you want to work with?",
        error_messages={
            "required": "Select a training provider",
            "invalid_choice": "Select a training provider from the list",
        },
    )

    def __init__(self, *args, contract_period, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lead_provider"]
        field.queryset = active_lead_providers(contract_period)
        field.help_text = (
            f"These are the DfE-funded lead providers in {contract_period}. "
            "The provider you choose will confirm which of its delivery partners will work with you."
        )


class AppropriateBodyForm(GovukForm):
    page_heading_field = "appropriate_body"
    appropriate_body = forms.ModelChoiceField(
        queryset=AppropriateBody.objects.none(),
        label="Which appropriate body will check your early career teachers' induction?",
        empty_label="",
        error_messages={
            "required": "Select an appropriate body",
            "invalid_choice": "Select an appropriate body from the list",
        },
    )

    def __init__(self, *args, independent_school: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["appropriate_body"]
        field.widget.attrs["data-autocomplete-select"] = ""
        hubs = teaching_school_hubs()
        if independent_school:
            istip = independent_schools_body()
            field.queryset = AppropriateBody.objects.filter(
                pk__in=[*hubs.values_list("pk", flat=True)] + ([istip.pk] if istip else [])
            ).order_by(
                Case(When(body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS, then=0), default=1), "name"
            )
            field.help_text = (
                "Independent schools can use the Independent Schools Teacher Induction Panel (ISTIP) "
                "or a teaching school hub."
            )
        else:
            field.queryset = hubs
            field.help_text = "Choose a teaching school hub."


class NewInductionTutorForm(GovukForm):
    title = "Who is your new induction tutor?"
    new_tutor_name = FullNameField(
        label="Full name", required_message="Enter the new induction tutor's full name"
    )
    new_tutor_email = EmailAddressField(
        label="Email address",
        help_text="We'll email them a link to sign in. Use their work email address.",
        required_message="Enter the new induction tutor's email address",
    )

    def __init__(self, *args, current_tutor, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_tutor = current_tutor

    def clean_new_tutor_email(self):
        email = self.cleaned_data["new_tutor_email"].strip().lower()
        if self.current_tutor is not None and self.current_tutor.email == email:
            raise forms.ValidationError(f"{self.current_tutor.full_name} is already your induction tutor")
        return email


class ParticipantFilterForm(GovukForm):
    """The filters above a dashboard list (a GET form: bad values are ignored, not errors)."""

    status = forms.ChoiceField(
        label="Status", required=False, error_messages={"invalid_choice": "Select a status from the list"}
    )
    q = GovukTextField(label="Search by name or TRN", name="Search", required=False, max_length=100)

    def __init__(self, *args, showing: str, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = MENTOR_STATUSES if showing == "mentors" else ECT_STATUSES
        self.fields["status"].choices = [("", "All"), *statuses]

    def chosen(self) -> tuple[str, str]:
        """(status, search) as chosen, or blank for whatever was not valid."""
        if not self.is_valid():
            return (self.cleaned_data.get("status", ""), self.cleaned_data.get("q", ""))
        return self.cleaned_data["status"], self.cleaned_data["q"]
