"""Extensions to a teacher's induction: added, changed and removed by the body with an open
induction period, 0.1 to 16 terms with a reason, each an event; the database holds the range."""

import datetime
from decimal import Decimal

import pytest

from appropriate_bodies.models import InductionExtension
from appropriate_bodies.services.extensions import (
    CannotChangeExtension,
    add_extension,
    change_extension,
    remove_extension,
)
from audit.models import ActorType, Event
from tests.dates import LAST_YEAR
from tests.factories import InductionPeriodFactory, TeacherFactory
from tests.invariants import rejected_by_database

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(body):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor")
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=datetime.date(LAST_YEAR, 9, 1))
    return teacher


@pytest.fixture
def extension(body, teacher, body_user):
    return add_extension(
        body=body,
        teacher=teacher,
        number_of_terms="1.5",
        reason="Not yet meeting the standards",
        added_by=body_user,
    )


def test_adding_one_records_terms_and_reason_and_an_event(extension, body, teacher, body_user):
    assert (extension.teacher, extension.appropriate_body, extension.number_of_terms, extension.reason) == (
        teacher,
        body,
        Decimal("1.5"),
        "Not yet meeting the standards",
    )
    event = Event.objects.get(event_type="induction_extension_added")
    assert (event.teacher, event.appropriate_body, event.actor_type, event.actor_user) == (
        teacher,
        body,
        ActorType.APPROPRIATE_BODY_USER,
        body_user,
    )
    assert event.heading == "Riverside Teaching School Hub extended Amara Okafor's induction by 1.5 terms"


def test_changing_one_records_what_changed(extension, body, body_user):
    changed = change_extension(
        body=body,
        extension=extension,
        number_of_terms=2,
        reason="Not yet meeting the standards",
        changed_by=body_user,
    )
    assert changed.number_of_terms == Decimal(2)
    event = Event.objects.get(event_type="induction_extension_changed")
    assert event.changes == {"number_of_terms": ["1.5", "2"]}


def test_removing_one(extension, body, body_user):
    remove_extension(body=body, extension=extension, removed_by=body_user)
    assert not InductionExtension.objects.exists()
    assert Event.objects.get(event_type="induction_extension_removed").changes == {
        "number_of_terms": ["1.5", None]
    }


@pytest.mark.parametrize(
    ("terms", "reason", "problem"),
    [
        (0, "Reason", "between 0.1 and 16"),
        ("16.5", "Reason", "between 0.1 and 16"),
        ("1.25", "Reason", "at most one decimal place"),
        ("lots", "Reason", "must be a number"),
        (1, "  ", "Enter the reason"),
    ],
)
def test_each_rule_refuses_with_nothing_saved(body, teacher, body_user, terms, reason, problem):
    with pytest.raises(CannotChangeExtension, match=problem):
        add_extension(body=body, teacher=teacher, number_of_terms=terms, reason=reason, added_by=body_user)
    assert not InductionExtension.objects.exists() and not Event.objects.exists()


def test_the_edges_are_allowed(body, teacher, body_user):
    for terms in ("0.1", 16):
        add_extension(body=body, teacher=teacher, number_of_terms=terms, reason="Reason", added_by=body_user)
    assert InductionExtension.objects.count() == 2


def test_only_with_an_open_induction_period_with_the_body(other_body, teacher, extension, body, body_user):
    with pytest.raises(CannotChangeExtension, match="no open induction period with Hillside"):
        add_extension(
            body=other_body, teacher=teacher, number_of_terms=1, reason="Reason", added_by=body_user
        )
    teacher.induction_periods.update(finished_on=datetime.date(LAST_YEAR, 12, 31), number_of_terms=1)
    with pytest.raises(CannotChangeExtension, match="no open induction period"):
        change_extension(
            body=body, extension=extension, number_of_terms=1, reason="Reason", changed_by=body_user
        )
    with pytest.raises(CannotChangeExtension, match="no open induction period"):
        remove_extension(body=body, extension=extension, removed_by=body_user)


def test_a_body_changes_only_its_own_extensions(other_body, teacher, extension, body_user):
    teacher.induction_periods.update(finished_on=datetime.date(LAST_YEAR, 12, 31), number_of_terms=1)
    InductionPeriodFactory(
        teacher=teacher, appropriate_body=other_body, started_on=datetime.date(LAST_YEAR + 1, 1, 1)
    )
    with pytest.raises(CannotChangeExtension, match="added by another appropriate body"):
        change_extension(
            body=other_body, extension=extension, number_of_terms=1, reason="Reason", changed_by=body_user
        )
    with pytest.raises(CannotChangeExtension, match="added by another appropriate body"):
        remove_extension(body=other_body, extension=extension, removed_by=body_user)


@pytest.mark.parametrize("terms", [Decimal(0), Decimal("16.1"), Decimal(-1)])
def test_the_database_holds_the_range(body, teacher, terms):
    with rejected_by_database("induction_extension_terms_from_0_1_to_16"):
        InductionExtension.objects.create(
            teacher=teacher, appropriate_body=body, number_of_terms=terms, reason="Reason"
        )


def test_the_database_wants_a_reason(body, teacher):
    with rejected_by_database("induction_extension_has_a_reason"):
        InductionExtension.objects.create(
            teacher=teacher, appropriate_body=body, number_of_terms=1, reason=""
        )
