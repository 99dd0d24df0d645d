from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders forms and fields with the GOV.UK templates in templates/forms/govuk/."""

    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"
