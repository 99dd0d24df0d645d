"""Fixtures most participants tests share. A file needing a school set up differently (an
induction tutor's, a year set up) overrides `school` itself."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ContractPeriodFactory, SchoolFactory, UserFactory


@pytest.fixture
def this_year():
    """The 2026 contract period, open for registration."""
    return ContractPeriodFactory(
        year=2026, started_on=datetime.date(2026, 6, 1), finished_on=datetime.date(2027, 5, 31), enabled=True
    )


@pytest.fixture
def tutor():
    return UserFactory(full_name="Ada Lovelace", privacy_notice_accepted_at=timezone.now())


@pytest.fixture
def school():
    return SchoolFactory(name="Quillfeather Primary School")
