"""The email templates: what each asks for and how it reads."""

import pytest

from emails.templates import TEMPLATES, EmailTemplate, get_template
from tests.emails.conftest import PERSONALISATION

SERVICE = "Manage training for early career teachers"


def test_the_templates_the_service_sends():
    assert set(TEMPLATES) == {
        "sign_in_link",
        "nomination_link",
        "induction_tutor_nominated",
        "induction_tutor_replaced",
        "colleague_added",
        "appropriate_body_access_given",
        "school_left_lead_provider",
        "ect_registered",
        "mentor_registered",
        "participant_transferred",
        "ect_moved_school",
        "partnership_confirmed",
        "partnership_changed",
    }
    assert {name: set(template.personalisation) for name, template in TEMPLATES.items()} == {
        name: set(keys) for name, keys in PERSONALISATION.items()
    }


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_each_email_names_the_service_and_leaves_no_placeholder_unfilled(name):
    rendered = TEMPLATES[name].render(PERSONALISATION[name])
    assert rendered.subject
    assert SERVICE in rendered.body
    assert "((" not in rendered.subject + rendered.body
    for value in PERSONALISATION[name].values():
        assert value in rendered.subject + rendered.body


def test_the_sign_in_email_reads_well_without_a_name():
    rendered = get_template("sign_in_link").render({**PERSONALISATION["sign_in_link"], "full_name": ""})
    assert rendered.body.splitlines()[0] == "Hello"
    assert "http://127.0.0.1:8000/sign-in/link/abc123" in rendered.body.splitlines()
    assert "60 minutes" in rendered.body


def test_links_that_work_as_credentials_are_marked_secret():
    assert TEMPLATES["sign_in_link"].secret == {"sign_in_url"}
    assert TEMPLATES["nomination_link"].secret == {"nomination_url"}


def test_a_template_must_declare_exactly_the_placeholders_it_uses():
    with pytest.raises(ValueError, match="declares"):
        EmailTemplate(
            name="x", subject="Hello ((name))", body="((link))", personalisation=frozenset({"name"})
        )


def test_every_link_in_every_email_is_kept_secret():
    from emails.templates import TEMPLATES

    for template in TEMPLATES.values():
        links = {key for key in template.personalisation if key.endswith("_url")}
        assert links <= template.secret, template.name
