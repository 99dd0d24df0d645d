"""School.is_open is derived from the GIAS status by the database, so the two never disagree."""

import pytest
from django.db import DatabaseError, connection, transaction

from schools.eligibility import OPEN_STATUSES
from schools.models import School

pytestmark = pytest.mark.django_db

STATUSES = ["Open", "Open, but proposed to close", "Closed", "Proposed to open", ""]


def make_school(status: str) -> School:
    return School.objects.create(urn=995001, name="Fictional Primary School", status=status)


@pytest.mark.parametrize("status", STATUSES)
def test_is_open_follows_the_status(status):
    school = make_school(status)

    assert school.is_open is (status in OPEN_STATUSES)  # returned by the INSERT
    assert School.objects.get(pk=school.pk).is_open is (status in OPEN_STATUSES)
    assert School.objects.filter(is_open=status in OPEN_STATUSES).get() == school


def test_is_open_changes_when_the_status_does():
    school = make_school("Open")

    school.status = "Closed"
    school.save()
    school.refresh_from_db()
    assert school.is_open is False

    School.objects.filter(pk=school.pk).update(status="Open, but proposed to close")
    school.refresh_from_db()
    assert school.is_open is True


def test_is_open_cannot_be_set_against_the_status():
    school = make_school("Closed")

    school.is_open = True
    school.save()  # not written: the database computes the column
    school.refresh_from_db()
    assert school.is_open is False

    School.objects.filter(pk=school.pk).update(is_open=True)  # Django leaves generated fields out
    school.refresh_from_db()
    assert school.is_open is False

    with (
        pytest.raises(DatabaseError, match="generated column"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {School._meta.db_table} SET is_open = true WHERE id = %s", [school.pk])
