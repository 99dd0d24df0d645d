"""Keeping what we hold of a teacher's record in the Teaching Record System (TRS) up to date."""

from django.db import transaction

from accounts.models import User
from audit.services import Actor, record_event
from participants import trs
from participants.models import Teacher
from participants.services.common import Refused, _heading, _locked_teacher, _refresh_teacher
from participants.trs.client import TeacherRecord


def locked_teacher_from_record(*, record: TeacherRecord) -> tuple[Teacher, dict | None]:
    """For a write in the caller's transaction (an appropriate body claiming an ECT): the teacher
    with the record's TRN, locked until that transaction ends. A teacher we did not know is
    created from the record (changes None); one we knew is brought up to date with it, keeping the
    name their school knows them by, and what changed is returned, {field: [before, after]}."""
    teacher, created = _locked_teacher(record, corrected_name="")
    if created:
        return teacher, None
    return teacher, _refresh_teacher(teacher, record, corrected_name=teacher.corrected_name)


class CannotRefreshFromTRS(Refused):
    """TRS gave no record to refresh from. Nothing was saved; str() is a sentence for support staff."""


def refresh_from_trs(*, teacher: Teacher, refreshed_by: User) -> dict:
    """Bring the teacher's names, QTS date and induction status up to date with TRS, for support
    staff, and record it on their timeline (with what changed, or that nothing had).

    TRS is asked first, outside the transaction, so that a slow answer holds no lock; the facts
    and the event are then written in one transaction. The name the school knows them by
    (`corrected_name`) is kept, unless TRS now has that very name. Returns what changed,
    {field: [before, after]}. Refused with CannotRefreshFromTRS when TRS does not answer, has no
    such teacher, has deactivated the record, or has merged it into another TRN (a different
    teacher's record, as far as we are concerned: nothing is changed here).
    """
    try:
        record = trs.find_teacher(trn=teacher.trn)
    except trs.TRSUnavailable:
        raise CannotRefreshFromTRS(
            "The Teaching Record System (TRS) did not answer. Nothing has changed: try again later."
        ) from None
    except trs.TeacherNotFound:
        raise CannotRefreshFromTRS(
            f"TRS has no teacher with TRN {teacher.trn}. Nothing has changed."
        ) from None
    except trs.TeacherDeactivated:
        raise CannotRefreshFromTRS(
            f"TRS has deactivated its record for TRN {teacher.trn}. Nothing has changed."
        ) from None
    except trs.TeacherMerged as merged:
        raise CannotRefreshFromTRS(
            f"TRS has merged TRN {teacher.trn} into TRN {merged.new_trn}. Nothing has changed."
        ) from None
    if record.trn != teacher.trn:
        raise CannotRefreshFromTRS(
            f"TRS has merged TRN {teacher.trn} into TRN {record.trn}. Nothing has changed."
        )

    with transaction.atomic():
        locked = Teacher.objects.select_for_update().get(pk=teacher.pk)
        name_before = locked.full_name
        changes = _refresh_teacher(locked, record, corrected_name=locked.corrected_name)
        labels = ", ".join(str(Teacher._meta.get_field(name).verbose_name) for name in changes)
        record_event(
            actor=Actor.dfe_staff(refreshed_by),
            event_type="teacher_refreshed_from_trs",
            heading=_heading(
                f"Support staff refreshed {name_before}'s record from TRS: "
                + (f"{labels} changed" if changes else "nothing had changed")
            ),
            subject=locked,
            teacher=locked,
            changes=changes,
        )
    return changes
