"""The questions of registering a teacher. The teacher-record questions check TRS as they validate
and keep only the outcome: the date of birth and National Insurance number are forgotten once
checked (see `answer_to_keep`)."""

import dataclasses
import datetime
import re

from django import forms
from django.utils.functional import lazy

from core import clock
from core.forms import (
    DateQuestionForm,
    EmailAddressField,
    FullNameField,
    GovukDateField,
    GovukForm,
    GovukTextField,
)
from participants import trs
from participants.models import WorkingPattern

TRS_UNAVAILABLE = (
    "We could not check the Teaching Record System just now. Wait a few minutes and try again: "
    "your answers are kept."
)
CHECKED = "checked"  # the key under which a checked answer keeps its outcome
TRN_FORMAT = "Enter a TRN in the correct format: 7 digits, like 1234567"
NATIONAL_INSURANCE_NUMBER_FORMAT = "Enter a National Insurance number, like QQ 12 34 56 C"
# Two letters, six digits and a final letter A to D (spaces and hyphens removed first).
NATIONAL_INSURANCE_NUMBER = re.compile(r"[A-Z]{2}[0-9]{6}[A-D]")


def record_to_keep(record: trs.TeacherRecord) -> dict:
    """What we keep of a teacher's record while registering them: no date of birth or NI number."""
    return {
        "trn": record.trn,
        "first_name": record.first_name,
        "middle_name": record.middle_name,
        "last_name": record.last_name,
        "qts_awarded_on": _isoformat(record.qts_awarded_on),
        "induction_status": str(record.induction_status),
        "induction_started_on": _isoformat(record.induction_started_on),
        "prohibited_from_teaching": record.prohibited_from_teaching,
        "has_other_alerts": record.has_other_alerts,
        "fetched_at": _isoformat(record.fetched_at),
    }


def _isoformat(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def kept_record(kept: dict) -> trs.TeacherRecord:
    """A TeacherRecord rebuilt from what we kept (its date of birth and NI number are unknown)."""
    fields = {field.name for field in dataclasses.fields(trs.TeacherRecord)}
    values = {name: value for name, value in kept.items() if name in fields}
    for name in ("qts_awarded_on", "induction_started_on"):
        if values.get(name):
            values[name] = datetime.date.fromisoformat(values[name])
    if values.get("fetched_at"):
        values["fetched_at"] = datetime.datetime.fromisoformat(values["fetched_at"])
    defaults = {"date_of_birth": None, "national_insurance_number": None, "has_other_alerts": False}
    return trs.TeacherRecord(**{name: values.get(name, defaults.get(name)) for name in fields})


def for_example(*, month: int, day: int, before: str = "", in_this_academic_year: bool = False) -> str:
    """A date hint whose example is the next `day` of `month`, worked out each time it is shown,
    so the example never lies in the past; or, for a start date, that day in the academic year
    today is in, so the example is always a date the service takes (a later academic year is not
    open for registration until its contract period starts)."""

    def hint() -> str:
        today = clock.today()
        if in_this_academic_year:
            academic_year = clock.academic_year_of(today)
            year = academic_year if month >= 9 else academic_year + 1
        else:
            year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
        return f"{before}For example, {day} {month} {year}"

    return lazy(hint, str)()


class CheckedAnswerForm(GovukForm):
    """A question answered by a check against TRS. Bound to what the user typed, it checks; bound to
    a kept answer (which has `CHECKED`), it is valid as it stands and checks nothing again."""

    def __init__(self, data=None, **kwargs):
        self.kept = data.get(CHECKED) if data is not None and CHECKED in data else None
        super().__init__(data=None if self.kept is not None else data, **kwargs)
        if self.kept is not None:
            self.initial.update({name: data.get(name, "") for name in self.fields if name in data})

    def is_valid(self):
        if self.kept is not None:
            self.cleaned_data = {**{name: self.initial.get(name) for name in self.fields}, CHECKED: self.kept}
            return True
        return super().is_valid()

    def answer_to_keep(self) -> dict:
        return {**self.visible_answer(), CHECKED: self.cleaned_data[CHECKED]}

    def visible_answer(self) -> dict:
        return {}


class WhoToAddForm(GovukForm):
    page_heading_field = "who"
    who = forms.ChoiceField(
        label="Who do you want to add?",
        choices=[
            ("ect", "An early career teacher (ECT)"),
            ("mentor", "A mentor"),
            ("yourself", "Yourself, as a mentor"),
        ],
        widget=forms.RadioSelect,
        help_text=(
            "A teacher moving from another school is added in the same way. When you enter their teacher "
            "reference number (TRN), we'll find where they trained before and ask only what the move "
            "does not tell us."
        ),
        error_messages={"required": "Select who you want to add"},
    )


class FindTeacherForm(CheckedAnswerForm):
    title = "Find the teacher's record"
    trn = GovukTextField(
        label="Teacher reference number (TRN)",
        help_text="Must be 7 digits long",
        name="TRN",
        max_length=20,
        required_message="Enter the teacher reference number (TRN)",
        error_messages={"max_length": TRN_FORMAT},
    )
    date_of_birth = GovukDateField(
        label="Date of birth", name="Date of birth", help_text="For example, 31 3 1995"
    )

    def clean_trn(self):
        try:
            return trs.normalise_trn(self.cleaned_data["trn"])
        except trs.InvalidTRN:
            raise forms.ValidationError(TRN_FORMAT) from None

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = clock.today()
        if born.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        if born > today.replace(year=today.year - 16):
            raise forms.ValidationError("Enter a date of birth for someone old enough to teach")
        return born

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            record = trs.find_teacher(trn=cleaned["trn"])
        except (trs.TeacherNotFound, trs.TeacherDeactivated, trs.TeacherMerged):
            cleaned[CHECKED] = {"found": False}
            return cleaned
        except trs.TRSUnavailable:
            raise forms.ValidationError(TRS_UNAVAILABLE) from None
        cleaned[CHECKED] = {
            "found": True,
            "date_of_birth_matches": record.matches_date_of_birth(cleaned["date_of_birth"]),
            "record": record_to_keep(record),
        }
        return cleaned

    def visible_answer(self):
        return {"trn": self.cleaned_data["trn"]}


class NationalInsuranceNumberForm(CheckedAnswerForm):
    page_heading_field = "national_insurance_number"
    national_insurance_number = GovukTextField(
        label="What is their National Insurance number?",
        help_text="We could not match the date of birth with their teacher record. "
        "It's on their payslip or P60, for example QQ 12 34 56 C.",
        name="National Insurance number",
        max_length=20,
        required_message="Enter their National Insurance number",
        error_messages={"max_length": NATIONAL_INSURANCE_NUMBER_FORMAT},
    )

    def __init__(self, *args, trn: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.trn = trn

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            number = trs.normalise_national_insurance_number(cleaned["national_insurance_number"])
        except ValueError:
            number = ""
        if not NATIONAL_INSURANCE_NUMBER.fullmatch(number):
            self.add_error("national_insurance_number", NATIONAL_INSURANCE_NUMBER_FORMAT)
            return cleaned
        try:
            record = trs.find_teacher(trn=self.trn, national_insurance_number=number)
        except (trs.TeacherNotFound, trs.TeacherDeactivated, trs.TeacherMerged):
            cleaned[CHECKED] = {"found": False}
            return cleaned
        except trs.TRSUnavailable:
            raise forms.ValidationError(TRS_UNAVAILABLE) from None
        cleaned[CHECKED] = {"found": True, "record": record_to_keep(record)}
        return cleaned


class CannotContinueForm(GovukForm):
    """The form of a page that stops the journey: it has no answer, so the path ends there."""

    def is_valid(self):
        return False


class ConfirmNameForm(GovukForm):
    title = "Check the teacher's name"
    name_is_right = forms.ChoiceField(
        label="Is this the name they use?",
        choices=[("yes", "Yes"), ("no", "No, they use a different name")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is the name they use"},
    )
    corrected_name = FullNameField(
        label="If not, what name do they use?",
        help_text="For example, a shorter first name or a married name. Do not use this to register someone else.",
        name="The name they use",
        required_message="Enter the name they use",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("name_is_right")
        if answer == "yes":
            # The box is only for "no" (it is hidden otherwise): what it holds is not checked or kept.
            self._errors.pop("corrected_name", None)
            cleaned["corrected_name"] = ""
        # Only an empty box is missing a name: a name refused (too long, say) already says why.
        elif answer == "no" and "corrected_name" not in self.errors and not cleaned.get("corrected_name"):
            self.add_error("corrected_name", "Enter the name they use")
        return cleaned


class TeacherEmailForm(GovukForm):
    page_heading_field = "email"
    email = EmailAddressField(
        label="What is their email address?",
        help_text="We'll use this to tell them they've been registered. Their training provider uses it too.",
        required_message="Enter their email address",
    )

    def __init__(self, *args, email_in_use, label: str | None = None, help_text: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_in_use = email_in_use
        if label:
            self.fields["email"].label = label
        if help_text:
            self.fields["email"].help_text = help_text

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.email_in_use(email):
            raise forms.ValidationError(
                "Another teacher uses this email address. Enter this teacher's own email address"
            )
        return email


class StartDateForm(DateQuestionForm):
    page_heading_field = "started_on"
    started_on = GovukDateField(
        label="When did or will they start as an ECT at your school?",
        name="Start date",
        help_text=for_example(month=9, day=2, in_this_academic_year=True),
    )


class WorkingPatternForm(GovukForm):
    page_heading_field = "working_pattern"
    working_pattern = forms.ChoiceField(
        label="Do they work full time or part time?",
        choices=WorkingPattern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they work full time or part time"},
    )


class UsePreviousChoicesForm(GovukForm):
    page_heading_field = "use_previous_choices"
    use_previous_choices = forms.ChoiceField(
        label="Do you want to use the same choices as last time?",
        choices=[("yes", "Yes"), ("no", "No, choose for this ECT")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to use the same choices as last time"},
    )

    def __init__(self, *args, summary: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "use_previous_choices"
        ].help_text = f"What your school chose for its last ECT, or for this year's training. {summary}"


class ECTProgrammeForm(GovukForm):
    page_heading_field = "training_programme"
    training_programme = forms.ChoiceField(
        label="How will they be trained?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they will be trained",
            "invalid_choice": "Select one of the ways of training listed",
        },
    )

    def __init__(self, *args, funding_refusal: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        options = [
            ("provider_led", "By a training provider, funded by the DfE"),
            ("school_led", "By your school, with its own programme"),
        ]
        field = self.fields["training_programme"]
        field.choices = [
            option for option in options if not (funding_refusal and option[0] == "provider_led")
        ]
        if funding_refusal:
            field.help_text = (
                f"Your school cannot use a DfE-funded training provider because {funding_refusal}."
            )


class MovingSchoolForm(GovukForm):
    page_heading_field = "moving_school"
    moving_school = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they're moving to your school"},
    )

    def __init__(self, *args, teacher_name: str, school_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["moving_school"]
        field.label = f"Is {teacher_name} moving to your school from {school_name}?"
        field.help_text = (
            f"They're registered as an ECT at {school_name}. If they're moving to you, their time there "
            "ends the day before they start with you, and both schools will see it."
        )


class ChooseMentorForm(GovukForm):
    page_heading_field = "mentor"
    mentor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select a mentor",
            "invalid_choice": "Select one of your school's mentors",
        },
    )

    def __init__(self, *args, mentee_name: str, mentors, already_their_mentor, **kwargs):
        """`already_their_mentor(mentor)` says why choosing `mentor` would change nothing, or None."""
        super().__init__(*args, **kwargs)
        self.already_their_mentor = already_their_mentor
        field = self.fields["mentor"]
        field.queryset = mentors
        field.label = f"Who will mentor {mentee_name}?"
        field.label_from_instance = lambda mentor: mentor.name
        field.help_text = "Mentors registered at your school. A mentor can mentor several ECTs."

    def clean_mentor(self):
        mentor = self.cleaned_data["mentor"]
        if reason := self.already_their_mentor(mentor):
            raise forms.ValidationError(reason)
        return mentor


class MentorStartDateForm(DateQuestionForm):
    page_heading_field = "started_on"
    started_on = GovukDateField(
        label="When will they start mentoring at your school?",
        name="Start date",
        help_text=for_example(month=9, day=2, in_this_academic_year=True),
    )


class MentoringElsewhereForm(GovukForm):
    page_heading_field = "mentoring_elsewhere"
    mentoring_elsewhere = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they'll also keep mentoring at the other school"},
    )

    def __init__(self, *args, teacher_name: str, school_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        schools = " and ".join(school_names)
        field = self.fields["mentoring_elsewhere"]
        field.label = f"Will {teacher_name} keep mentoring at {schools}?"
        field.help_text = (
            f"They're registered as a mentor at {schools}. A mentor can mentor at more than one school."
        )
        field.choices = [
            ("both", "Yes, they'll mentor at both schools"),
            ("moving", f"No, they're moving to your school and will stop mentoring at {schools}"),
        ]


class LeavingDateForm(DateQuestionForm):
    page_heading_field = "leaving_on"
    leaving_on = GovukDateField(
        label="When did or will they leave your school?",
        name="Their leaving date",
        help_text=for_example(month=12, day=19, before="Their last day at your school. "),
    )

    def __init__(self, *args, teacher_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaving_on"].label = f"When did or will {teacher_name} leave your school?"


class MovingOnForm(GovukForm):
    page_heading_field = "moving_school"
    moving_school = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they're moving to another school"},
    )

    def __init__(self, *args, teacher_name: str, choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["moving_school"]
        field.label = f"Is {teacher_name} moving to another school?"
        field.help_text = "Their new school will register them, and their training can carry on there."
        field.choices = choices


class ChangeNameForm(GovukForm):
    title = "Change their name"
    name = FullNameField(
        label="What is their name now?",
        name="Their name",
        help_text="Only for a name they have changed, or one we have wrong. To add a different person, register them.",
        required_message="Enter their name",
    )
    reason = forms.ChoiceField(
        label="Why are you changing it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you're changing their name"},
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons


class TrainingFromForm(DateQuestionForm):
    page_heading_field = "starting_on"
    starting_on = GovukDateField(
        label="From what date will they train this way?",
        name="The date",
        help_text=for_example(
            month=1, day=6, before="Today or later. Their current training stops the day before. "
        ),
    )


class ContinueTrainingForm(GovukForm):
    page_heading_field = "continue_training"
    continue_training = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they'll continue with their current training programme"},
    )

    def __init__(self, *args, teacher_name: str, lead_provider, delivery_partner, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["continue_training"]
        field.label = f"Will {teacher_name} continue with their current training programme?"
        partner = (
            f"delivery partner {delivery_partner}"
            if delivery_partner
            else "no delivery partner confirmed yet"
        )
        field.help_text = (
            f"At their current school they train with {lead_provider} ({partner}). "
            "Where it can, their training should carry on with the same provider."
        )
        field.choices = [
            ("yes", f"Yes, they'll carry on with {lead_provider}"),
            ("no", "No, they'll train the way your school chooses"),
        ]
