"""GOV.UK Design System forms, rendered by our own Django templates.

Use `GovukForm` (or `GovukModelForm`) as the base class; `{{ form }}` then renders every
field as its GOV.UK component, and base.html shows the error summary whenever the page's
`form` has errors. Set `page_heading_field` on a one-question form to make that field's
label or legend the page's <h1>, as the Design System asks.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
}
CHOICE_WIDGETS = {"radioselect", "checkboxselectmultiple"}


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
    def error_anchor(self) -> str:
        """Where the error summary links to: the first radio or checkbox of a group, else the field."""
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
        if self.is_choice_group:
            return (
                attrs  # the group's fieldset carries aria-describedby; each option is styled by the template
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
