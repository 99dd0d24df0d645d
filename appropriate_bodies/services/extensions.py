"""An appropriate body adds, changes or removes an extension to the induction of a teacher it has
an open induction period with. Each is one transaction with an event on the teacher's timeline.
A body changes or removes only the extensions it added."""

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from appropriate_bodies.models import InductionExtension
from appropriate_bodies.services.outcomes import open_period_with
from appropriate_bodies.services.terms import as_terms, terms_problem
from audit.services import Actor, record_event
from core import clock
from participants.models import Teacher
from participants.services import Refused
from participants.services.common import _heading
from providers.models import AppropriateBody

LEAST_EXTENSION = Decimal("0.1")
REASON_MAX = 1000


class CannotChangeExtension(Refused):
    """The extension cannot be added, changed or removed. Nothing was saved; str() says why."""


def extension_problem(*, body: AppropriateBody, teacher: Teacher, number_of_terms, reason: str) -> str | None:
    """Why this extension cannot be recorded as things stand, in words; None if it can."""
    if open_period_with(body, teacher) is None:
        return f"{teacher.full_name} has no open induction period with {body.name}"
    if not reason.strip():
        return "Enter the reason for the extension"
    return terms_problem(number_of_terms, least=LEAST_EXTENSION)


def _locked_teacher(body: AppropriateBody, teacher: Teacher, *, number_of_terms, reason: str) -> Teacher:
    locked = Teacher.objects.select_for_update().get(pk=teacher.pk)
    problem = extension_problem(body=body, teacher=locked, number_of_terms=number_of_terms, reason=reason)
    if problem:
        raise CannotChangeExtension(problem)
    return locked


def _locked_extension(extension: InductionExtension, body: AppropriateBody) -> InductionExtension:
    locked = (
        InductionExtension.objects.select_for_update().filter(pk=extension.pk, appropriate_body=body).first()
    )
    if locked is None:
        raise CannotChangeExtension(
            "This extension has been removed, or was added by another appropriate body"
        )
    return locked


def _record(
    extension: InductionExtension, *, actor: Actor, event_type: str, heading: str, changes: dict
) -> None:
    record_event(
        actor=actor,
        event_type=event_type,
        heading=_heading(heading),
        subject=extension,
        teacher=extension.teacher,
        appropriate_body=extension.appropriate_body,
        changes=changes,
        reason=extension.reason,
    )


@transaction.atomic
def add_extension(
    *, body: AppropriateBody, teacher: Teacher, number_of_terms, reason: str, added_by: User
) -> InductionExtension:
    """Extend the teacher's induction by `number_of_terms` (0.1 to 16) for `reason`."""
    locked = _locked_teacher(body, teacher, number_of_terms=number_of_terms, reason=reason)
    extension = InductionExtension.objects.create(
        teacher=locked,
        appropriate_body=body,
        number_of_terms=as_terms(number_of_terms),
        reason=reason.strip(),
    )
    _record(
        extension,
        actor=Actor.appropriate_body_user(added_by),
        event_type="induction_extension_added",
        heading=f"{body.name} extended {locked.full_name}'s induction by {extension.number_of_terms} terms",
        changes={"number_of_terms": [None, str(extension.number_of_terms)]},
    )
    return extension


@transaction.atomic
def change_extension(
    *, body: AppropriateBody, extension: InductionExtension, number_of_terms, reason: str, changed_by: User
) -> InductionExtension:
    """Give one of the body's extensions a new number of terms and reason."""
    locked_teacher = _locked_teacher(body, extension.teacher, number_of_terms=number_of_terms, reason=reason)
    locked = _locked_extension(extension, body)
    before = {"number_of_terms": str(locked.number_of_terms), "reason": locked.reason}
    locked.number_of_terms, locked.reason, locked.updated_at = (
        as_terms(number_of_terms),
        reason.strip(),
        clock.now(),
    )
    locked.save(update_fields=["number_of_terms", "reason", "updated_at"])
    after = {"number_of_terms": str(locked.number_of_terms), "reason": locked.reason}
    _record(
        locked,
        actor=Actor.appropriate_body_user(changed_by),
        event_type="induction_extension_changed",
        heading=f"{body.name} changed an extension of {locked_teacher.full_name}'s induction to {locked.number_of_terms} terms",
        changes={name: [before[name], after[name]] for name in before if before[name] != after[name]},
    )
    return locked


@transaction.atomic
def remove_extension(*, body: AppropriateBody, extension: InductionExtension, removed_by: User) -> None:
    """Remove one of the body's extensions (one recorded by mistake)."""
    locked_teacher = Teacher.objects.select_for_update().get(pk=extension.teacher_id)
    if open_period_with(body, locked_teacher) is None:
        raise CannotChangeExtension(
            f"{locked_teacher.full_name} has no open induction period with {body.name}"
        )
    locked = _locked_extension(extension, body)
    _record(
        locked,
        actor=Actor.appropriate_body_user(removed_by),
        event_type="induction_extension_removed",
        heading=f"{body.name} removed an extension of {locked.number_of_terms} terms from {locked_teacher.full_name}'s induction",
        changes={"number_of_terms": [str(locked.number_of_terms), None]},
    )
    locked.delete()
