"""A school's busiest pages (a year of its dashboard, an ECT's or mentor's page) kept rendered in
the cache under the school's page version, which the database moves with every write those pages
show (schools migration 0010, decision 0046): a page is rendered once per change to the school's
data, not once per look. Only the parts that depend on nothing but that data are kept (the title
and the main content); the layout around them (the header's sign-out form and its CSRF token,
messages, a back link that depends on the viewer) is rendered for each request."""

from collections.abc import Callable

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from core import clock
from schools import queries
from schools.models import School

# A day at most: the key names the day as well (statuses change with it), so an entry is not read
# after midnight; the time to live only frees the memory.
CACHE_SECONDS = 24 * 60 * 60


def page_key(school: School, page: str, varies_by: tuple) -> str | None:
    """The key of a page of `school`: its data's version (and the reference data's), today, and
    what else the page depends on besides the data (`varies_by`: which page, which filters, what
    this viewer may do). None when there is no version to keep it under."""
    version = queries.page_version(school.pk)
    if version is None:
        return None
    return ":".join(
        ["school-page", page, str(school.pk), version, clock.today().isoformat()]
        + [str(part) for part in varies_by]
    )


def page_parts(
    school: School, page: str, *, varies_by: tuple | None, render: Callable[[School], dict[str, str]]
) -> dict[str, SafeString]:
    """The parts of a page (name → HTML) from the cache, else `render(school)`-ed and kept;
    rendered and not kept when `varies_by` is None (a variant not worth keeping, say a search).
    `render` may raise Http404 (nothing is kept then). Its HTML is escaped as it was rendered."""
    key = None if varies_by is None else page_key(school, page, varies_by)
    if key is None:
        return {name: mark_safe(html) for name, html in render(school).items()}
    parts = cache.get(key)
    if parts is None:
        # The school as it is now: `school` was read before its version was, and a page kept under
        # a version must show at least what that version stands for.
        parts = render(School.objects.get(pk=school.pk))
        cache.set(key, parts, CACHE_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}
