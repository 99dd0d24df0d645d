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
    parts = kept(school, page, varies_by=varies_by, work_out=render)
    return {name: mark_safe(html) for name, html in parts.items()}


def kept(
    school: School, page: str, *, varies_by: tuple | None, work_out: Callable[[School], dict[str, str]]
) -> dict[str, str]:
    """What `work_out(school)` gives (names → strings, from the school's data and today alone),
    from the cache under the school's page version, else worked out and kept (not kept when
    `varies_by` is None)."""
    key = None if varies_by is None else page_key(school, page, varies_by)
    if key is None:
        return work_out(school)
    found = cache.get(key)
    if found is None:
        # The school as it is now: `school` was read before its version was, and what is kept
        # under a version must show at least what that version stands for.
        found = work_out(queries.school_now(school.pk))
        cache.set(key, found, CACHE_SECONDS)
    return found
