"""The `fake_trs` fixture: a running fake Teaching Record System with settings pointing at it.

The fake itself lives beside our client, in participants/trs/fake.py, because `bin/dev serve` runs
it for development too.
"""

import secrets

import pytest

from participants.trs.fake import FakeTRS


@pytest.fixture
def fake_trs(settings):
    """A fake TRS serving the fictional teachers of participants/trs/fake_teachers.json, with
    TRS_API_URL, TRS_API_KEY and TRS_API_TIMEOUT_SECONDS set for it."""
    with FakeTRS(api_key=secrets.token_urlsafe(24)) as fake:
        settings.TRS_API_URL = fake.url
        settings.TRS_API_KEY = fake.api_key
        settings.TRS_API_TIMEOUT_SECONDS = 5
        yield fake
