"""Expressions for the constraints that keep periods honest in Postgres.

Exclusion constraints compare an id for equality and date ranges for overlap. The usual
`id WITH =` needs the btree_gist extension, which the embedded PostgreSQL (pgserver) does
not ship and managed databases do not always allow; a one-point range `[id, id]` compared
WITH && means the same and needs only core GiST
(docs/decisions/0004-periods-with-invariants-in-postgres.md).

Each constraint carries a plain-English message: Django's own validation (model forms,
admin, full_clean) shows it when a row would break the constraint.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value


class DateRangeInclusive(Func):
    """daterange(start, end, '[]'): both days included; a NULL end means "ongoing"."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, Value("[]"))


class SameId(Func):
    """int8range(id, id, '[]'): overlaps another such range exactly when the ids are equal.

    Give the field's name ("teacher", not "teacher_id"): Django's own constraint validation
    substitutes the row's values by field name.
    """

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, field):
        super().__init__(F(field), F(field), Value("[]"))


PERIOD = DateRangeInclusive("started_on", "finished_on")


def no_overlapping_periods(
    name: str, *same: str, message: str, condition: Q | None = None
) -> ExclusionConstraint:
    """Rows that agree on every field in `same` may not have overlapping [started_on, finished_on]."""
    return ExclusionConstraint(
        name=name,
        expressions=[
            *((SameId(field), RangeOperators.OVERLAPS) for field in same),
            (PERIOD, RangeOperators.OVERLAPS),
        ],
        condition=condition,
        violation_error_message=message,
    )


def finishes_on_or_after_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("started_on")),
        name=name,
        violation_error_message="The finish date must be the same as or after the start date.",
    )
