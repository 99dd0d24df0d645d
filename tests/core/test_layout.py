"""The layout (templates/base.html): the parts the same on every page are drawn once per process
(`{% once %}`, core/templatetags/once.py); what depends on the viewer is drawn for each page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from tests.factories import UserFactory

BASE_HTML = Path(settings.BASE_DIR) / "templates" / "base.html"


def test_what_is_inside_once_is_drawn_the_first_time_and_kept():
    template = Template("{% load once %}[{% once %}{{ n }}{% endonce %}] {{ n }}")
    assert template.render(Context({"n": 1})) == "[1] 1"
    assert template.render(Context({"n": 2})) == "[1] 2"


def test_the_layout_draws_once_nothing_that_depends_on_the_page_or_the_viewer():
    """A block inside `once` would be the first page's for every page after; the user, the
    request, a CSRF token, a form or a message would be the first viewer's."""
    drawn_once = re.findall(r"{% once %}(.*?){% endonce %}", BASE_HTML.read_text(), flags=re.DOTALL)
    assert len(drawn_once) >= 3  # the head's links, the header, the footer
    for part in drawn_once:
        assert not re.search(r"{%\s*(block|csrf_token|if|for)\b", part), part
        variables = set(re.findall(r"{{\s*([\w.]+)", part))
        assert variables <= {"service_name", "support_email"}, variables


@pytest.mark.django_db
def test_each_viewer_sees_their_own_header_whoever_came_first(client):
    first = client.get(reverse("accessibility")).content.decode()  # a visitor draws the layout first
    assert "Sign out" not in first
    client.force_login(UserFactory())
    signed_in = client.get(reverse("accessibility")).content.decode()
    assert "Sign out" in signed_in
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in)[1]
    other = client.__class__()
    other.force_login(UserFactory())
    their_page = other.get(reverse("accessibility")).content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', their_page)[1] != token
    for page in (first, signed_in, their_page):  # and the parts drawn once are on every page
        assert page.count(settings.SERVICE_NAME) >= 2  # the title and the header
        assert 'class="govuk-footer"' in page and "app/application" in page and "app/init" in page
