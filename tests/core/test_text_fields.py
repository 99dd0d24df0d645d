"""The service's text boxes (core/forms.py, decision 0019): names in any script are taken, hidden
characters are refused, every message is ours and a field shows one at a time. The journeys
themselves are tried in test_text_in_every_journey.py."""

import copy
import importlib
import unicodedata

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from core.forms import (
    EmailAddressField,
    FullNameField,
    GovukForm,
    GovukModelForm,
    GovukTextField,
    djangos_message,
    hidden_characters,
    in_service_words,
)

TOO_LONG = "Full name must be 200 characters or less"
HIDDEN = "Full name must not include hidden characters"

# The Unicode text-direction controls: embeddings and overrides, isolates, and the marks.
BIDI_CONTROLS = (
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)


class NameForm(GovukForm):
    full_name = FullNameField(label="What is your full name?", required_message="Enter your full name")


def errors_for(value: str, form_class=NameForm, field="full_name") -> list[str]:
    form = form_class(data={field: value})
    form.is_valid()
    return form.errors.get(field, [])


@pytest.mark.parametrize(
    "name",
    [
        "Seán Ó Briain",  # Irish fadas
        "زينب الحسيني",  # Arabic
        "José-María O'Neill",
        "D’Arcy Smith-Jones",  # a typographer's apostrophe
        "Siân Llŷr",  # Welsh
        "王秀英",  # Chinese
        "Nguyễn Thị Ánh",  # Vietnamese, with stacked accents
        "דוד לוי",  # Hebrew
        "प्रिया शर्मा",  # Devanagari, with its vowel marks
        "مهدی\u200cزاده",  # Persian: a zero-width non-joiner between two letters is part of the name
        "\u0d28\u0d4d\u200d",  # Malayalam chillu: a zero-width joiner after a virama
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3 \u0dbd\u0d82\u0d9a\u0dcf",  # Sinhala: another after a virama
        "Zoë Ngā-Whānau",
    ],
)
def test_names_in_any_script_are_taken_as_typed(name):
    assert errors_for(name) == []
    form = NameForm(data={"full_name": f"  {name} "})
    assert form.is_valid() and form.cleaned_data["full_name"] == name


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_every_text_direction_control_is_refused(control):
    assert errors_for(f"Amara {control}Okafor") == [HIDDEN]


@pytest.mark.parametrize(
    "hidden",
    [
        "\x00",  # NUL, which PostgreSQL cannot store
        "\t",
        "\u200b",  # zero-width space
        "\u00ad",  # soft hyphen
        "\ufeff",  # byte order mark
        "\u2028",  # line separator
        "\U000e0041",  # a tag character
        "\u200c",  # a joiner not between letters
    ],
    ids=repr,
)
def test_other_characters_nobody_can_see_are_refused(hidden):
    assert errors_for(f"Amara{hidden} Okafor") == [HIDDEN]


@pytest.mark.parametrize(
    "misplaced",
    ["\u200c", "\u200d", "Amara\u200d", "\u200cAmara", "Amara \u200dOkafor", "Am\u200dara", "Amara\u200c "],
)
def test_a_joiner_belongs_only_after_a_virama_or_a_non_joiner_between_letters(misplaced):
    assert errors_for(misplaced) == [HIDDEN]


def test_too_long_is_said_first_and_alone():
    assert errors_for("A" * 201) == [TOO_LONG]
    assert errors_for("A" * 200) == []
    assert errors_for("\u202e" + "A" * 10_000 + "\x00") == [TOO_LONG]


def test_an_email_address_too_long_or_with_hidden_characters_gets_one_error_ours():
    class EmailForm(GovukForm):
        email = EmailAddressField(label="Email address", required_message="Enter your email address")

    assert errors_for("a" * 10_000, EmailForm, "email") == ["Email address must be 254 characters or less"]
    assert errors_for("a\x00@example.org", EmailForm, "email") == [
        "Email address must not include hidden characters"
    ]
    assert errors_for("not-an-email", EmailForm, "email") == [
        "Enter an email address in the correct format, like name@example.com"
    ]


def test_a_rule_of_the_form_adds_nothing_to_a_field_that_already_has_an_error():
    class StrictNameForm(NameForm):
        def clean(self):
            cleaned = super().clean()
            self.add_error("full_name", "Enter the name they use")
            return cleaned

    assert errors_for("A" * 10_000, StrictNameForm) == [TOO_LONG]
    assert errors_for("Amara Okafor", StrictNameForm) == ["Enter the name they use"]


def test_a_choice_not_offered_is_answered_with_the_fields_own_words():
    class PatternForm(GovukForm):
        pattern = forms.ChoiceField(
            choices=[("full_time", "Full time")],
            error_messages={"required": "Select whether they work full time or part time"},
        )

    assert errors_for("x" * 10_000, PatternForm, "pattern") == [
        "Select whether they work full time or part time"
    ]


def test_a_text_box_must_say_what_to_enter_when_it_is_required():
    with pytest.raises(TypeError):
        GovukTextField(label="Postcode", name="Postcode", max_length=8)


# --- Properties -----------------------------------------------------------------------------------

letters = st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo"])
letters_and_marks = st.tuples(letters, st.lists(st.characters(categories=["Mn", "Mc"]), max_size=2)).map(
    lambda parts: parts[0] + "".join(parts[1]) if not parts[1] or parts[0] else parts[0]
)
word = st.lists(letters_and_marks, min_size=1, max_size=12).map("".join)
separator = st.sampled_from([" ", "-", "'", "\u2019", " '", "-'"])
names = st.builds(
    lambda first, rest: first + "".join(sep + w for sep, w in rest),
    word,
    st.lists(st.tuples(separator, word), max_size=4),
).filter(lambda name: len(name) <= 200)


@given(name=names)
def test_any_name_of_letters_from_any_script_with_spaces_hyphens_and_apostrophes_is_taken(name):
    assert hidden_characters(name) == []
    assert errors_for(name) == []


@given(name=names, control=st.sampled_from(BIDI_CONTROLS), where=st.integers(min_value=0))
def test_any_name_with_a_text_direction_control_anywhere_is_refused(name, control, where):
    where %= len(name) + 1
    assert errors_for(name[:where] + control + name[where:]) == [HIDDEN]


@given(
    text=st.text(max_size=30),
    hidden=st.characters(categories=["Cc", "Cf", "Zl", "Zp"], exclude_characters="\u200c\u200d"),
    where=st.integers(min_value=0),
)
def test_any_text_with_a_control_or_format_character_in_it_has_it_found(text, hidden, where):
    where %= len(text) + 1
    found = hidden_characters(text[:where] + hidden + text[where:])
    assert hidden in found
    assert all(unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp", "Cs"} for character in found)


# --- Every form of the service ------------------------------------------------------------------


def every_form_of_the_service() -> list[type[forms.BaseForm]]:
    for module in (
        "accounts.forms",
        "schools.forms",
        "participants.forms",
        "appropriate_bodies.forms",
        "appropriate_bodies.induction_forms",
    ):
        importlib.import_module(module)
    found, waiting = [], [GovukForm, GovukModelForm]
    while waiting:
        form_class = waiting.pop()
        found.append(form_class)
        waiting.extend(form_class.__subclasses__())
    return [form_class for form_class in found if form_class.__module__.split(".")[0] != "tests"]


def djangos_words_in(field: forms.Field) -> list[str]:
    """The codes for which the field would still show Django's default message."""
    field = in_service_words(copy.deepcopy(field))
    codes = {"required"} if field.required else set()
    if isinstance(field, forms.ChoiceField):
        codes |= {"invalid_choice"}
    codes |= {getattr(validator, "code", None) for validator in field.validators} - {None}
    return sorted(
        code
        for code in codes
        if code not in field.error_messages or djangos_message(field, code)
        if not (code == "required" and type(field).clean is not forms.Field.clean)  # says its own
    )


def test_every_text_box_of_every_form_is_a_govuk_text_field_in_our_words():
    forms_found = every_form_of_the_service()
    assert len(forms_found) > 20
    problems = []
    for form_class in forms_found:
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, GovukTextField):
                problems.append(f"{form_class.__name__}.{name} is a plain {type(field).__name__}")
            if codes := djangos_words_in(field):
                problems.append(f"{form_class.__name__}.{name} says Django's words for {codes}")
    assert problems == []
