"""DfE support correct a mistaken induction period in admin: change it or delete it, always with a
reason (decision 0027).

Each correction is one transaction: the teacher's row is locked first (as every write of a
teacher's induction does), the period changed or deleted, the event recorded on the teacher's
timeline, and, when what the Teaching Record System should hold of their induction has changed
because of it, an induction update queued for TRS. A change the database refuses (periods that
overlap, terms out of range) is a `CorrectionRefused` in words, never an IntegrityError.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.services import Actor, record_event
from participants.models import InductionPeriod, Teacher
from participants.services.common import Refused, _as_text, _constraint, _day, _heading
from participants.services.trs_writes import TRSInduction, induction_for_trs_of, queue_trs_induction_of

# What each constraint on induction periods means, in the words support read.
CONSTRAINT_MESSAGES = {
    "induction_periods_do_not_overlap": "This teacher already has an induction period on these dates.",
    "induction_period_finishes_after_start": "The finish date must be the same as or after the start date.",
    "induction_period_finished_has_number_of_terms": "A finished induction period needs its number of "
    "terms, and an open one has none.",
    "induction_period_number_of_terms_range": "The number of terms must be between 0 and 16.",
    "induction_period_outcome_only_when_finished": "Only a finished induction period can have an outcome.",
}
# Support may change these; the teacher is fixed (a period for the wrong teacher is deleted and
# the right one's added).
CORRECTABLE = (
    "appropriate_body",
    "started_on",
    "finished_on",
    "induction_programme",
    "number_of_terms",
    "outcome",
)


class CorrectionRefused(Refused):
    """The corrected period would break a rule the database keeps; nothing was saved."""


@transaction.atomic
def correct_induction_period(
    *, period: InductionPeriod, values: dict, reason: str, corrected_by: User
) -> InductionPeriod:
    """Change the period's `values` (fields of CORRECTABLE) because of `reason`: an event by DfE
    staff with before and after, and an update for TRS when what it should hold changes. Raises
    CorrectionRefused when the database refuses the change."""
    teacher, trs_before = _lock_teacher(period)
    locked = InductionPeriod.objects.select_related("appropriate_body").get(pk=period.pk)
    changes = {
        name: [_event_value(getattr(locked, name)), _event_value(value)]
        for name, value in values.items()
        if name in CORRECTABLE and getattr(locked, name) != value
    }
    if not changes:
        return locked
    for name in changes:
        setattr(locked, name, values[name])
    _save_or_refuse(locked)
    record_event(
        actor=Actor.dfe_staff(corrected_by),
        event_type="induction_period_corrected_by_support",
        heading=_heading(
            f"DfE support corrected the induction period with {locked.appropriate_body.name} "
            f"from {_day(locked.started_on)}: " + ", ".join(_label(name) for name in changes)
        ),
        subject=locked,
        teacher=teacher,
        appropriate_body=locked.appropriate_body,
        changes=changes,
        reason=reason,
    )
    _tell_trs_if_changed(teacher, trs_before)
    return locked


@transaction.atomic
def delete_induction_period(*, period: InductionPeriod, reason: str, deleted_by: User) -> None:
    """Delete a period recorded by mistake because of `reason`: an event by DfE staff keeping what
    it said, and an update for TRS when what it should hold changes (deleting the only period
    puts the teacher back to "required to complete")."""
    teacher, trs_before = _lock_teacher(period)
    locked = InductionPeriod.objects.select_related("appropriate_body").filter(pk=period.pk).first()
    if locked is None:
        raise CorrectionRefused("This induction period has already been deleted.")
    record_event(
        actor=Actor.dfe_staff(deleted_by),
        event_type="induction_period_deleted_by_support",
        heading=_heading(
            f"DfE support deleted the induction period with {locked.appropriate_body.name} "
            f"from {_day(locked.started_on)}"
        ),
        subject=locked,
        teacher=teacher,
        appropriate_body=locked.appropriate_body,
        changes={name: [_event_value(getattr(locked, name)), None] for name in CORRECTABLE},
        reason=reason,
    )
    locked.delete()
    _tell_trs_if_changed(teacher, trs_before)


def _lock_teacher(period: InductionPeriod) -> tuple[Teacher, TRSInduction]:
    """The period's teacher, locked until the transaction ends, and their induction as TRS should
    hold it before the correction."""
    teacher = Teacher.objects.select_for_update().get(pk=period.teacher_id)
    return teacher, induction_for_trs_of(teacher)


def _tell_trs_if_changed(teacher: Teacher, before: TRSInduction) -> None:
    """Queue an update for TRS when the correction changed what it should hold (a status, a start
    or completion date); a correction TRS would not notice (a body's name, a released period's
    end) sends nothing."""
    if induction_for_trs_of(teacher) != before:
        queue_trs_induction_of(teacher=teacher)


def _save_or_refuse(period: InductionPeriod) -> None:
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError as error:
        message = CONSTRAINT_MESSAGES.get(_constraint(error))
        if message is None:
            raise
        raise CorrectionRefused(message) from error


def _label(name: str) -> str:
    return str(InductionPeriod._meta.get_field(name).verbose_name)


def _event_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_meta"):
        return str(value)
    return _as_text(value)
