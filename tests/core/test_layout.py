"""The layout (templates/base.html): the parts the same on every page are drawn once per process
(`{% once %}`, core/templatetags/once.py); what depends on the viewer is drawn for each page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, RequestContext, Template
from django.urls import reverse

from tests.factories import UserFactory

BASE_HTML = Path(settings.BASE_DIR) / "templates" / "base.html"


def once_template():
    return Template("{% load once %}[{% once %}{{ n }}{% endonce %}] {{ n }}")


def test_what_is_inside_once_is_drawn_for_the_first_request_and_kept(rf):
    template = once_template()
    assert template.render(RequestContext(rf.get("/"), {"n": 1})) == "[1] 1"
    assert template.render(RequestContext(rf.get("/"), {"n": 2})) == "[1] 2"


def test_what_is_drawn_without_a_request_is_not_kept(rf):
    """Without a request the context processors have not run: the service's name would be missing."""
    template = once_template()
    assert template.render(Context({"n": 1})) == "[1] 1"
    assert template.render(RequestContext(rf.get("/"), {"n": 2})) == "[2] 2"
    assert template.render(RequestContext(rf.get("/"), {"n": 3})) == "[2] 3"


def test_a_setting_changed_forgets_what_was_drawn(rf, settings):
    template = once_template()
    assert template.render(RequestContext(rf.get("/"), {"n": 1})) == "[1] 1"
    settings.SERVICE_NAME = "Another name"  # as a test may: what is kept may have shown it
    assert template.render(RequestContext(rf.get("/"), {"n": 2})) == "[2] 2"


# Inside `once`, only what is the same for every page and every viewer: static files' and the
# service's own URLs, images with no template code in them, and two values from the settings.
TAGS_DRAWN_ONCE = {"static", "url", "include"}
VALUES_DRAWN_ONCE = {"service_name", "support_email"}


def test_the_layout_draws_once_nothing_that_depends_on_the_page_or_the_viewer():
    """A block inside `once` would be the first page's for every page after; the user, the
    request, a CSRF token, a form or a message would be the first viewer's."""
    drawn_once = re.findall(r"{%\s*once\s*%}(.*?){%\s*endonce\s*%}", BASE_HTML.read_text(), flags=re.DOTALL)
    assert len(drawn_once) >= 3  # the head's links, the header, the footer
    for part in drawn_once:
        assert set(re.findall(r"{%\s*(\w+)", part)) <= TAGS_DRAWN_ONCE, part
        assert set(re.findall(r"{{\s*([\w.|:\"']+)", part)) <= VALUES_DRAWN_ONCE, part
        for included in re.findall(r"{%\s*include\s+[\"']([^\"']+)[\"']", part):
            text = (BASE_HTML.parent / included).read_text()
            assert "{%" not in text and "{{" not in text, included


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
