"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

from tests.fakes.notify import fake_notify  # noqa: F401 - a fixture for any test that sends email
from tests.fakes.trs import fake_trs  # noqa: F401 - a fixture for any test that looks teachers up in TRS
