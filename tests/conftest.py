"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

import pytest
import time_machine

from tests.dates import TEST_DAY, moment
from tests.fakes.notify import fake_notify  # noqa: F401 - a fixture for any test that sends email
from tests.fakes.trs import fake_trs  # noqa: F401 - a fixture for any test that looks teachers up in TRS


@pytest.fixture(autouse=True)
def service_clock():
    """Every test starts at 9am on TEST_DAY (tests/dates.py), the clock ticking from there; a test
    about another day moves it with `service_clock.move_to(moment(day))`."""
    with time_machine.travel(moment(TEST_DAY), tick=True) as traveller:
        yield traveller
