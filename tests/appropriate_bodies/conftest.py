"""Fixtures the appropriate bodies tests share: a body, a person who acts for it, and another body."""

import pytest

from core import clock
from tests.factories import AppropriateBodyAccessFactory, AppropriateBodyFactory, UserFactory
from tests.participants.trs_writes import queued_updates  # noqa: F401 - a fixture for TRS updates queued


@pytest.fixture
def body():
    return AppropriateBodyFactory(name="Riverside Teaching School Hub")


@pytest.fixture
def other_body():
    return AppropriateBodyFactory(name="Hillside Teaching School Hub")


@pytest.fixture
def body_user(body):
    user = UserFactory(full_name="Ada Reviewer", privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    return user
