"""GOV.UK Design System forms, rendered by our own Django templates.

Use `GovukForm` (or `GovukModelForm`) as the base class; `{{ form }}` then renders every
field as its GOV.UK component, and base.html shows the error summary whenever the page's
`form` has errors. Set `page_heading_field` on a one-question form to make that field's
label or legend the page's <h1>, as the Design System asks.

Every message a user reads is the service's own, and a field shows one at a time: the first of
its rules that fails (`GovukForm` keeps only a field's first error). Every free-text box is a
`GovukTextField` (or `FullNameField`, `EmailAddressField`), which says in our words when the text
is too long or has hidden characters in it, before any rule of its own (decision 0019).
"""

import datetime
import unicodedata

from django import forms
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting

INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
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


# What Django says when a posted choice is not one offered ("Select a valid choice. … is not one of
# the available choices."): a choice field says its own "Select …" message instead.
WRONG_CHOICE_CODES = ("invalid_choice", "invalid_list", "invalid_pk_value")


def djangos_message(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is still Django's default."""
    defaults = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return code in defaults and field.error_messages.get(code) == defaults[code]


def in_service_words(field: forms.Field) -> forms.Field:
    """A choice field given a value it did not offer says its own "Select …" message, not Django's."""
    required = field.error_messages.get("required")
    if isinstance(field, forms.ChoiceField) and not djangos_message(field, "required"):
        for code in WRONG_CHOICE_CODES:
            if djangos_message(field, code):
                field.error_messages[code] = required
    return field


class OneErrorPerField:
    """Every message in the service's words, and one per field: the first rule that failed. A rule
    of the form's `clean()` about a field that already has an error adds nothing (GOV.UK shows one
    message per field, and a name too long is not also missing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            in_service_words(field)

    def add_error(self, field, error):
        if field is not None and field != NON_FIELD_ERRORS and field in self._errors:
            return
        super().add_error(field, error)

    def full_clean(self):
        super().full_clean()
        for field, errors in (self._errors or {}).items():
            if field != NON_FIELD_ERRORS:
                del errors[1:]


class GovukForm(OneErrorPerField, PageTitleMixin, forms.Form):
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


class GovukModelForm(OneErrorPerField, PageTitleMixin, forms.ModelForm):
    bound_field_class = GovukBoundField


# --- Free text ------------------------------------------------------------------------------------

# Unicode's categories of characters nobody can see, so nobody means to type: controls (NUL, tab,
# line feed: Cc); format characters (Cf: the text-direction embeddings, overrides, isolates and
# marks, U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, the Arabic letter mark U+061C, the
# zero-width space, word joiner, soft hyphen and byte order mark, the tag characters); line and
# paragraph separators (Zl, Zp); and halves of surrogate pairs (Cs). Letters, marks, digits,
# punctuation and spaces of every script are not among them.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Except the zero-width joiner and non-joiner where they are part of how a script writes a word
# (Malayalam and Sinhala after a virama; Persian and Urdu between two letters). The rule is
# IDNA's for the joiners in domain names (RFC 5892, appendix A.1 and A.2), as far as Python's
# unicodedata can tell: it has a letter's combining class, not its Arabic joining type.
ZERO_WIDTH_NON_JOINER = "\u200c"
ZERO_WIDTH_JOINER = "\u200d"
VIRAMA = 9  # the canonical combining class of a virama


def _joiner_belongs(text: str, index: int) -> bool:
    """Whether the character at `index` is a joiner in its place: after a virama, or (the
    non-joiner) between a letter, or its marks, and the next letter."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if text[index] not in (ZERO_WIDTH_NON_JOINER, ZERO_WIDTH_JOINER) or not before:
        return False
    if unicodedata.combining(before) == VIRAMA:
        return True
    return (
        text[index] == ZERO_WIDTH_NON_JOINER
        and unicodedata.category(before)[0] in "LM"
        and bool(after)
        and unicodedata.category(after)[0] == "L"
    )


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` that cannot be seen: by Unicode category, not by a list."""
    return [
        character
        for index, character in enumerate(text)
        if unicodedata.category(character) in HIDDEN_CATEGORIES and not _joiner_belongs(text, index)
    ]


def refuse_hidden_characters(value: str) -> None:
    """A validator: text with a character nobody can see in it (a text-direction override that
    shows a name backwards, a NUL) is refused. The field says so in its own words."""
    if hidden_characters(value):
        raise ValidationError("Enter this without hidden characters", code="hidden_characters")


def _rule_order(validator) -> int:
    """Which of a text field's rules speaks first: its length, then hidden characters, then the rest."""
    if isinstance(validator, validators.MaxLengthValidator):
        return 0
    if (
        isinstance(validator, validators.ProhibitNullCharactersValidator)
        or validator is refuse_hidden_characters
    ):
        return 1
    return 2


class GovukTextField(forms.CharField):
    """A text box whose every message is the service's own, one at a time: too long, then hidden
    characters (Django's "Null characters are not allowed." among them), then the field's own rules
    (an email address's format, say). `name` is how the messages refer to it: "Full name must be
    200 characters or less", "Full name must not include hidden characters"."""

    def __init__(
        self,
        *,
        name: str,
        max_length: int,
        required_message: str | None = None,
        error_messages: dict | None = None,
        **kwargs,
    ):
        hidden = f"{name} must not include hidden characters"
        messages = {
            "max_length": f"{name} must be {max_length} characters or less",
            "null_characters_not_allowed": hidden,
            "hidden_characters": hidden,
            **({"required": required_message} if required_message else {}),
            **(error_messages or {}),
        }
        super().__init__(max_length=max_length, error_messages=messages, **kwargs)
        if self.required and not required_message:
            raise TypeError(f"Say what to enter when {name} is missing: required_message")
        self.name_in_messages = name
        self.validators = sorted([*self.validators, refuse_hidden_characters], key=_rule_order)

    def run_validators(self, value):
        """The rules in order (see `_rule_order`); the first that fails is the field's one error."""
        if value in self.empty_values:
            return
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                first = error.error_list[0]
                if getattr(first, "code", None) in self.error_messages:
                    raise ValidationError(self.error_messages[first.code], code=first.code) from None
                raise ValidationError([first]) from None


FULL_NAME_MAX = 200
EMAIL_MAX = 254


class FullNameField(GovukTextField):
    """A person's name, in any script, with its hyphens, apostrophes and accents; never with a
    hidden character (a text-direction override would show it backwards)."""

    def __init__(self, *, label: str, required_message: str, name: str = "Full name", **kwargs):
        super().__init__(
            label=label, name=name, max_length=FULL_NAME_MAX, required_message=required_message, **kwargs
        )


class EmailAddressField(GovukTextField, forms.EmailField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            name="Email address",
            max_length=EMAIL_MAX,
            required_message=required_message,
            error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
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
