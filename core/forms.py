"""GOV.UK Design System forms, rendered by our own Django templates.

Use `GovukForm` (or `GovukModelForm`) as the base class; `{{ form }}` then renders every
field as its GOV.UK component, and base.html shows the error summary whenever the page's
`form` has errors. Set `page_heading_field` on a one-question form to make that field's
label or legend the page's <h1>, as the Design System asks.
"""

import datetime

from django import forms
from django.forms.renderers import TemplatesSetting

INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
}
CHOICE_WIDGETS = {"radioselect", "checkboxselectmultiple"}
FIELDSET_WIDGETS = CHOICE_WIDGETS | {"govukdate"}  # a group of inputs under one legend


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the templates in templates/forms/govuk/."""

    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"


class GovukBoundField(forms.BoundField):
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def is_choice_group(self) -> bool:
        return self.widget_type in CHOICE_WIDGETS

    @property
    def is_page_heading(self) -> bool:
        return self.name == getattr(self.form, "page_heading_field", None)

    @property
    def is_date(self) -> bool:
        return self.widget_type == "govukdate"

    @property
    def date_boxes(self) -> list[dict]:
        """The day, month and year boxes of a date: each with its name, id and what was typed."""
        value = self.value()
        widget = self.field.widget
        boxes = widget.get_context(self.html_name, value, {"id": self.auto_id})["widget"]["subwidgets"]
        for box, suffix in zip(boxes, widget.widgets_names, strict=True):
            box["attrs"]["id"] = f"{self.auto_id}{suffix}"  # id_started_on_day, as the name, not _0
        return boxes

    @property
    def error_anchor(self) -> str:
        """Where the error summary links to: the first radio or checkbox of a group, the day box of
        a date, else the field."""
        if self.is_date:
            return f"{self.auto_id}_day"
        return f"{self.auto_id}_0" if self.is_choice_group else self.auto_id

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.widget_type in FIELDSET_WIDGETS:
            return (
                attrs  # the group's fieldset carries aria-describedby; each input is styled by the template
            )
        attrs.pop("aria-describedby", None)
        if self.described_by:
            attrs["aria-describedby"] = self.described_by
        css = INPUT_CLASSES.get(self.widget_type, "govuk-input")
        if self.errors and css != "govuk-checkboxes__input":
            css += f" {css}--error"
        attrs["class"] = f"{css} {attrs['class']}" if attrs.get("class") else css
        return attrs


class PageTitleMixin:
    """A page's title: the page-heading field's label, or the form's `title` when it asks several things."""

    page_heading_field: str | None = None
    title: str = ""

    @property
    def page_title(self) -> str:
        return str(self.fields[self.page_heading_field].label) if self.page_heading_field else self.title


class GovukForm(PageTitleMixin, forms.Form):
    bound_field_class = GovukBoundField


class DateQuestionForm(GovukForm):
    """A page asking one date (the field named by `page_heading_field`), checked by the journey's
    rule: `date_problem(date)` says why the date cannot be used, in words, or returns None."""

    def __init__(self, *args, date_problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_problem = date_problem

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get(self.page_heading_field)
        if date is not None and self.date_problem is not None and (problem := self.date_problem(date)):
            self.add_error(self.page_heading_field, problem)
        return cleaned


class GovukModelForm(PageTitleMixin, forms.ModelForm):
    bound_field_class = GovukBoundField


FULL_NAME_MAX = 200
EMAIL_MAX = 254


class FullNameField(forms.CharField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            max_length=FULL_NAME_MAX,
            error_messages={
                "required": required_message,
                "max_length": f"Full name must be {FULL_NAME_MAX} characters or fewer",
            },
            **kwargs,
        )


class EmailAddressField(forms.EmailField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            max_length=EMAIL_MAX,
            error_messages={
                "required": required_message,
                "invalid": "Enter an email address in the correct format, like name@example.com",
                "max_length": f"Email address must be {EMAIL_MAX} characters or fewer",
            },
            **kwargs,
        )
        # Off: these ask for someone else's address, which the browser must not fill with yours.
        self.widget.attrs.update(autocomplete="off", spellcheck="false")


class GovukDateWidget(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes, posted as `<name>_day`, `_month`, `_year`."""

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__(
            widgets={
                "day": forms.TextInput(attrs={**box, "maxlength": 2}),
                "month": forms.TextInput(attrs={**box, "maxlength": 2}),
                "year": forms.TextInput(attrs={**box, "maxlength": 4}),
            },
            attrs=attrs,
        )

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class GovukDateField(forms.Field):
    """A date typed in three boxes, with the Design System's messages for what is missing or wrong.
    `name` is how the messages refer to it ("Date of birth must include a month")."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, name: str, **kwargs):
        super().__init__(label=label, **kwargs)
        self.name_in_messages = name

    def clean(self, value):
        day, month, year = (str(part or "").strip() for part in (value or ["", "", ""]))
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(f"Enter {self.name_in_messages.lower()}", code="required")
            return None
        missing = [part for part, typed in (("day", day), ("month", month), ("year", year)) if not typed]
        if missing:
            raise forms.ValidationError(
                f"{self.name_in_messages} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.name_in_messages} must be a real date", code="invalid")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"{self.name_in_messages} must be a real date", code="invalid"
            ) from None
        self.run_validators(value)
        return value

    def bound_data(self, data, initial):
        return data


def posted_keys(field_name: str, field: forms.Field) -> list[str]:
    """The request keys a field's widget reads: its name, or one per box of a multi-box widget."""
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [field_name + suffix for suffix in widget.widgets_names]
    return [field_name]
