import datetime

import pytest
from django import forms
from django.template import Context, Template

from core.forms import GovukDateField, GovukForm
from tests.dates import THIS_YEAR


class ExpectForm(GovukForm):
    page_heading_field = "expect_ects"
    expect_ects = forms.ChoiceField(
        label="Do you expect any early career teachers to join your school this academic year?",
        choices=[("yes", "Yes"), ("no", "No"), ("unknown", "We do not know yet")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you expect any early career teachers"},
    )


class NameForm(GovukForm):
    full_name = forms.CharField(
        label="Full name",
        help_text="As it appears on their teacher record",
        error_messages={"required": "Enter the induction tutor's full name"},
    )
    email = forms.EmailField(
        label="Email address", error_messages={"invalid": "Enter an email address in the correct format"}
    )


def render(form):
    return Template("{{ form }}").render(Context({"form": form}))


def test_text_input_keeps_what_was_typed_and_links_hint_and_error():
    form = NameForm(data={"full_name": "", "email": "not-an-email"})
    assert not form.is_valid()
    html = render(form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label" for="id_full_name">Full name</label>' in html
    assert (
        '<div id="id_full_name-hint" class="govuk-hint">As it appears on their teacher record</div>' in html
    )
    assert (
        '<p id="id_full_name-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Enter the induction tutor&#x27;s full name</p>"
    ) in html
    assert 'aria-describedby="id_full_name-hint id_full_name-error"' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'value="not-an-email"' in html


def test_valid_field_has_no_error_styles():
    form = NameForm(data={"full_name": "Hugo Furst", "email": "hugo@example.com"})
    assert form.is_valid()
    html = render(form)
    assert "govuk-form-group--error" not in html
    assert "govuk-input--error" not in html
    assert 'aria-describedby="id_full_name-hint"' in html


def test_radios_are_a_fieldset_whose_legend_is_the_page_heading():
    form = ExpectForm(data={})
    assert not form.is_valid()
    html = render(form)
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_expect_ects-error">' in html
    assert '<h1 class="govuk-fieldset__heading">Do you expect any early career teachers' in html
    assert html.count('class="govuk-radios__input"') == 3
    assert 'id="id_expect_ects_0"' in html and 'for="id_expect_ects_2"' in html
    assert form["expect_ects"].error_anchor == "id_expect_ects_0"


def test_chosen_radio_stays_checked():
    html = render(ExpectForm(data={"expect_ects": "unknown"}))
    assert 'value="unknown" checked' in html
    assert 'value="yes" checked' not in html


def test_error_summary_links_each_error_to_its_field():
    form = ExpectForm(data={})
    form.is_valid()
    html = Template('{% include "forms/govuk/error_summary.html" %}').render(Context({"form": form}))
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<a href="#id_expect_ects_0">Select whether you expect any early career teachers</a>' in html


class StartForm(GovukForm):
    page_heading_field = "started_on"
    started_on = GovukDateField(
        label="When did they start?", name="Start date", help_text=f"For example, 1 9 {THIS_YEAR}"
    )


def start(day="", month="", year=""):
    return StartForm(data={"started_on_day": day, "started_on_month": month, "started_on_year": year})


def test_a_date_is_typed_in_three_boxes_under_one_legend():
    form = start("1", "9", f"{THIS_YEAR}")
    assert form.is_valid()
    assert form.cleaned_data["started_on"] == datetime.date(THIS_YEAR, 9, 1)
    html = render(start("31", "2", f"{THIS_YEAR}"))
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_started_on-hint id_started_on-error">'
        in html
    )
    for box, width in (("day", 2), ("month", 2), ("year", 4)):
        assert f'id="id_started_on_{box}" name="started_on_{box}"' in html
        assert f"govuk-input--width-{width}" in html
    assert 'value="31"' in html  # what was typed stays


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter start date"),
        (("1", "", f"{THIS_YEAR}"), "Start date must include a month"),
        (("", "", f"{THIS_YEAR}"), "Start date must include a day and a month"),
        (("31", "2", f"{THIS_YEAR}"), "Start date must be a real date"),
        (("1", "9", "26"), "Start date must be a real date"),
        (("a", "9", f"{THIS_YEAR}"), "Start date must be a real date"),
    ],
)
def test_a_date_says_what_is_missing_or_wrong(typed, message):
    form = start(*typed)
    assert not form.is_valid()
    assert form.errors["started_on"] == [message]
    assert form["started_on"].error_anchor == "id_started_on_day"
