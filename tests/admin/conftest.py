"""Fixtures for the admin tests: one row of every registered model, and staff in each group."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from tests.admin.helpers import build_graph
from tests.factories import UserFactory


@pytest.fixture
def graph(db):
    return build_graph()


def staff_in(group_name: str) -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def support_client(client, db):
    client.force_login(staff_in("support"))
    return client


@pytest.fixture
def finance_client(client, db):
    client.force_login(staff_in("finance"))
    return client
