"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Every test that shows a page to a person should call `assert_accessible(page)` on it.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import sync_playwright

# An appropriate body, a person who acts for it (`body_user`) and another body.
from tests.appropriate_bodies.conftest import body, body_user, other_body  # noqa: F401 - fixtures

# A lead provider's contract period with statements and a contract (`world`), for finance pages.
from tests.finance.conftest import world  # noqa: F401 - a fixture

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from the test body (which is not async code at all).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Flags that keep Chromium quiet on a machine without outside network, and allow root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_axe = Axe()

# `bin/dev test --today` moves every process's clock with libfaketime; Chromium spins under it,
# and the person's computer keeps its own clock anyway (cookies last by Max-Age, not by date).
_MOVED_CLOCK = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")


def browser_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in _MOVED_CLOCK}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    # Without the built front end, pages have no styles or scripts, and tests would check the wrong thing.
    if not (settings.BASE_DIR / "static" / "app" / "application.css").exists():
        pytest.fail("The front end is not built: run the tests with `bin/dev test`, which builds it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH, args=CHROMIUM_ARGS, env=browser_environment()
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Fail with axe's own report when the page has any accessibility violation."""
    page.wait_for_load_state("load")  # a click may have started a navigation that has not finished
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
