from django import forms
from django.urls import reverse_lazy

from core.forms import EmailAddressField, FullNameField, GovukForm
from schools.models import ExpectsECTs


class FindSchoolForm(GovukForm):
    page_heading_field = "q"
    q = forms.CharField(
        widget=forms.TextInput(
            attrs={"data-school-search": reverse_lazy("nominate_search_json"), "autocomplete": "off"}
        ),
        label="Find your school",
        help_text="Search by name, URN or postcode",
        max_length=100,
        error_messages={
            "required": "Enter your school's name, URN or postcode",
            "max_length": "School name, URN or postcode must be 100 characters or fewer",
        },
    )


class ExpectsECTsForm(GovukForm):
    page_heading_field = "expects_ects"
    expects_ects = forms.ChoiceField(
        label="Do you expect any early career teachers to join your school this academic year?",
        help_text="These are teachers who have finished their initial teacher training.",
        choices=ExpectsECTs.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you expect any early career teachers to join your school"
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
