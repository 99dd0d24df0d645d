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


@pytest.fixture(scope="session")
def permission_groups(django_db_setup, django_db_blocker) -> dict[str, list[tuple[str, str]]]:
    """The staff groups the migrations made, with their permissions, read once while the test
    database is as migrated (before any transactional test empties it)."""
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        return {
            group.name: list(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        }


@pytest.fixture
def staff_groups(permission_groups, django_db_blocker):
    """The staff groups as the migrations left them, for a transactional test: another such test
    empties every table when it finishes, and the groups (data, not schema) go with it; the
    permissions themselves are made again by Django after the emptying."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name, grants in permission_groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for app_label, codename in grants:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return permission_groups


@pytest.fixture(autouse=True, scope="session")
def _groups_read_before_any_test_empties_them(request):
    """Reads the groups at the start of any run that has database tests."""
    if any(item.get_closest_marker("django_db") for item in request.session.items):
        request.getfixturevalue("permission_groups")
