"""Claims and outcomes in bulk, from a CSV file (decision 0028).

1. `start_upload` saves the file's rows (as read by `bulk_csv`) and queues the check task.
2. `check_upload` (in Celery) checks each row as the single journeys do: TRS by TRN and date of
   birth, then the claim or outcome rules. The date of birth is never stored: only a keyed digest
   of the TRN and it (`date_of_birth_digest`), compared with the digest of TRS's date of birth and
   forgotten in the transaction that records the check. Nothing is claimed or recorded yet. TRS unavailable stops it; the task
   tries again later and carries on from the first row not yet checked.
3. `confirm_upload` (the body, having seen every problem) queues the apply task.
4. `apply_upload` (in Celery) applies each row without problems in its own transaction, by
   `claims.claim_ect` or `outcomes.record_outcome`, recording the row's result in the same
   transaction: a row refused does not undo the others, and a task run again (a retry, the sweep,
   a duplicate) skips rows already applied.

Someone already claimed by this body is "already claimed by you", not claimed again; an outcome
already recorded with the same end date is "already recorded". So uploading a file again does
nothing twice.
"""

import datetime
import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q

from accounts.models import User
from appropriate_bodies import bulk_csv
from appropriate_bodies.models import BulkUpload, BulkUploadRow
from appropriate_bodies.services import claims, outcomes
from audit.services import Actor, record_event
from core import clock
from participants import trs
from participants.forms import kept_record, record_to_keep
from participants.models import Teacher
from participants.services.common import _heading
from providers.models import AppropriateBody

logger = logging.getLogger(__name__)

CHECK_TASK = "appropriate_bodies.tasks.check_bulk_upload"
APPLY_TASK = "appropriate_bodies.tasks.apply_bulk_upload"
# An upload whose task made no progress for this long is queued again by the sweep …
STALLED_AFTER = timedelta(minutes=5)
# … until this long after it was uploaded, when it is stopped with a message.
GIVE_UP_AFTER = timedelta(hours=24)
# A checked upload is applied with what TRS said when it was checked: not after this long.
CONFIRM_WITHIN = timedelta(days=7)
ALREADY_CLAIMED = "Already claimed by you"
ALREADY_RECORDED = "Outcome already recorded"
TRS_GAVE_UP = (
    "We could not check the Teaching Record System for a long time, so we stopped. "
    "Nothing in this file was saved: upload it again later."
)
CHECK_GAVE_UP = "We could not finish checking this file. Nothing in it was saved: upload it again."
GAVE_UP = (
    "This file stopped before it finished. The rows marked “Not done: this file stopped before this "
    "row” were not applied: upload them again in a new file."
)
# A row that failed in a way of ours, not a rule's: said plainly, the error logged for us.
COULD_NOT_CHECK = (
    "We could not check this row because of a problem on our side: upload it again in a new file"
)
COULD_NOT_APPLY = (
    "We could not save this row because of a problem on our side. Nothing was saved for it: "
    "upload it again in a new file."
)
# Postgres breaking a deadlock, or a serializable transaction that clashed: worth one more try.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


class CannotConfirm(Exception):
    """The upload cannot be applied as asked; the message says why."""


def enqueue(task_name: str, upload_id: int) -> bool:
    """Ask Celery to run a task for the upload. Never raises: the sweep queues it later if Redis is down."""
    try:
        current_app.send_task(task_name, args=[upload_id], retry=False)
    except Exception as error:  # whatever the broker raises, the upload waits for the sweep
        logger.warning(
            "Could not queue %s for bulk upload %s (the sweep will): %r", task_name, upload_id, error
        )
        return False
    return True


def date_of_birth_digest(trn: str, date_of_birth: datetime.date) -> str:
    """A keyed digest (HMAC-SHA256 with SECRET_KEY) of a normalised TRN and a date of birth: what a
    row keeps until it is checked, so that the date itself is never stored. Keyed, so that it
    cannot be reversed by trying every date without the key."""
    message = f"{trn}:{date_of_birth.isoformat()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _digest_of(row: bulk_csv.ParsedRow) -> str:
    trn, born = row.values.get("trn"), row.values.get("date_of_birth")
    return date_of_birth_digest(trn, born) if trn and born else ""


# --- uploading -----------------------------------------------------------------------------------


@transaction.atomic
def start_upload(
    *, body: AppropriateBody, kind: str, uploaded_by: User, file_name: str, rows: list[bulk_csv.ParsedRow]
) -> BulkUpload:
    """Save the file's rows, with the problems reading them found, and queue their checking."""
    bulk_csv.repeated_trns(rows)
    upload = BulkUpload.objects.create(
        appropriate_body=body,
        kind=kind,
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        row_count=len(rows),
    )
    BulkUploadRow.objects.bulk_create(
        BulkUploadRow(
            upload=upload,
            row_number=row.number,
            typed=row.typed,
            problems=row.problems,
            trn=row.values.get("trn") or "",
            date_of_birth_digest=_digest_of(row),
            started_on=row.values.get("started_on"),
            induction_programme=row.values.get("induction_programme") or "",
            finished_on=row.values.get("finished_on"),
            number_of_terms=row.values.get("number_of_terms"),
            outcome=row.values.get("outcome") or "",
        )
        for row in rows
    )
    transaction.on_commit(partial(enqueue, CHECK_TASK, upload.pk))
    return upload


# --- checking ------------------------------------------------------------------------------------


def check_upload(*, upload_id: int) -> None:
    """Check every row not yet checked, then count them. TRSUnavailable stops it part way."""
    unchecked = BulkUploadRow.objects.filter(upload_id=upload_id, checked_at__isnull=True)
    row_ids = unchecked.order_by("row_number").values_list("pk", flat=True)
    _row_by_row(row_ids, check_row, failed=_could_not_check)
    finish_checking(upload_id=upload_id)


def _row_by_row(row_ids, step: Callable[..., None], *, failed: Callable[..., None]) -> None:
    """`step` each row, in its own transaction. A deadlock or serialization failure is tried once
    more; any other error of one row (TRS being down is not one: it stops the task) is logged, the
    row is marked by `failed`, and the next row goes on, so one row never holds up the file."""
    for row_id in row_ids:
        try:
            _once_more_if_transient(partial(step, row_id=row_id))
        except trs.TRSUnavailable:
            raise
        except Exception:  # whatever it is, it is this row's alone: say so on the row, carry on
            logger.exception("Bulk upload row %s failed; marked as not done", row_id)
            failed(row_id=row_id)


def _once_more_if_transient(step: Callable[[], None]) -> None:
    try:
        step()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) not in TRANSIENT_SQLSTATES:
            raise
        logger.warning("Bulk upload row clashed with another transaction; trying once more: %r", error)
        step()


@transaction.atomic
def _could_not_check(*, row_id: int) -> None:
    row = BulkUploadRow.objects.select_for_update(skip_locked=True).filter(pk=row_id, checked_at=None).first()
    if row is None:
        return
    row.problems = [*row.problems, {"column": "", "message": COULD_NOT_CHECK}]
    row.date_of_birth_digest = ""
    row.checked_at = clock.now()
    row.save()
    BulkUpload.objects.filter(pk=row.upload_id).update(progressed_at=clock.now())


@transaction.atomic
def check_row(*, row_id: int) -> None:
    """Check one row against TRS and our records, and forget the digest of its date of birth."""
    row = BulkUploadRow.objects.select_for_update(skip_locked=True).filter(pk=row_id).first()
    if row is None or row.checked_at is not None:
        return  # another task holds it, or did it
    upload = row.upload
    record = _record_matching(row) if not _unreadable(row, "trn", "date_of_birth_digest") else None
    if record is not None:
        row.record = record_to_keep(record)
        row.teacher_name = record.full_name
        row.trn = record.trn  # the record TRS kept, when it had merged the TRN typed into another
        check = _check_claim if upload.kind == BulkUpload.Kind.CLAIMS else _check_outcome
        check(row, upload.appropriate_body, record)
    row.date_of_birth_digest = ""
    row.checked_at = clock.now()
    row.save()
    BulkUpload.objects.filter(pk=upload.pk).update(progressed_at=clock.now())


def _unreadable(row: BulkUploadRow, *fields: str) -> bool:
    """Whether one of these values could not be read from the file (its problem is said already)."""
    return any(getattr(row, name) in (None, "") for name in fields)


def _problem(row: BulkUploadRow, message: str, *, about: str = "trn") -> None:
    """A problem with the row, shown under the column `about` names (a field of the row)."""
    columns = {column.field: column.heading for column in bulk_csv.COLUMNS[row.upload.kind]}
    row.problems = [*row.problems, {"column": columns.get(about, ""), "message": message}]


def _record_matching(row: BulkUploadRow) -> trs.TeacherRecord | None:
    """The teacher's TRS record when the TRN and date of birth match it; else a problem, and None."""
    try:
        record = trs.find_teacher(trn=row.trn)
    except (trs.TeacherNotFound, trs.TeacherDeactivated, trs.TeacherMerged):
        _problem(row, "We cannot find a teacher record with this TRN")
        return None
    born = record.date_of_birth
    if born is None or not hmac.compare_digest(row.date_of_birth_digest, date_of_birth_digest(row.trn, born)):
        _problem(
            row, "The date of birth does not match the teacher record with this TRN", about="date_of_birth"
        )
        return None
    return record


def _check_claim(row: BulkUploadRow, body: AppropriateBody, record: trs.TeacherRecord) -> None:
    stop = claims.why_not_claimable(body=body, record=record)
    if stop and stop.reason == claims.CLAIMED_BY_YOU:
        row.note = ALREADY_CLAIMED
        return
    if stop:
        _problem(row, stop.message)  # about the teacher as a whole: under their TRN
    if row.started_on is not None:
        too_early_or_late = claims.start_date_problem(record=record, started_on=row.started_on)
        if too_early_or_late:
            _problem(row, too_early_or_late, about="started_on")


def _same_outcome_recorded(body: AppropriateBody, teacher: Teacher, row: BulkUploadRow) -> bool:
    """Whether this body's latest induction period of the teacher ended as this row says."""
    latest = teacher.induction_periods.filter(appropriate_body=body).order_by("-started_on").first()
    recorded = "" if row.outcome == "release" else row.outcome
    return bool(
        latest and latest.finished_on == row.finished_on and latest.outcome == recorded and row.outcome
    )


def _check_outcome(row: BulkUploadRow, body: AppropriateBody, record: trs.TeacherRecord) -> None:
    teacher = Teacher.objects.filter(trn=record.trn).first()
    if teacher is None or not teacher.induction_periods.filter(appropriate_body=body).exists():
        _problem(row, f"{record.full_name} has no induction with you: claim them before recording an outcome")
        return
    if outcomes.open_period_with(body, teacher) is None and _same_outcome_recorded(body, teacher, row):
        row.note = ALREADY_RECORDED
        return
    if _unreadable(row, "finished_on", "number_of_terms"):
        return
    problem = outcomes.why_outcome_cannot_be_recorded(
        body=body, teacher=teacher, finished_on=row.finished_on, number_of_terms=row.number_of_terms
    )
    if problem:
        _problem(row, problem.message, about=problem.about or "trn")


@transaction.atomic
def finish_checking(*, upload_id: int) -> BulkUpload | None:
    """Count the checked rows and show them to the body (once every row is checked)."""
    upload = BulkUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status != BulkUpload.Status.CHECKING or upload.rows.filter(checked_at__isnull=True).exists():
        return None
    counts = upload.rows.aggregate(ready=Count("pk", filter=Q(problems=[])), all=Count("pk"))
    upload.ready_count = counts["ready"]
    upload.problem_count = counts["all"] - counts["ready"]
    upload.status = BulkUpload.Status.CHECKED
    upload.checked_at = upload.progressed_at = clock.now()
    upload.save()
    return upload


@transaction.atomic
def stop_upload(*, upload_id: int, reason: str) -> None:
    """Give up on an upload that cannot be finished, saying why. Rows done stay done; rows not yet
    applied say so; unchecked rows forget the digests of their dates of birth."""
    upload = BulkUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status not in (BulkUpload.Status.CHECKING, BulkUpload.Status.APPLYING):
        return
    upload.rows.exclude(date_of_birth_digest="").update(date_of_birth_digest="")
    if upload.status == BulkUpload.Status.APPLYING:
        _mark_unapplied(upload.rows.all(), result=BulkUploadRow.Result.NOT_APPLIED, message="")
        upload.status, upload.finished_at = BulkUpload.Status.STOPPED, clock.now()
    else:
        upload.status = BulkUpload.Status.FAILED
    upload.failure = reason
    upload.save()


# --- confirming and applying ---------------------------------------------------------------------


def expired(upload: BulkUpload) -> bool:
    """Whether a checked upload was checked too long ago to be confirmed (CONFIRM_WITHIN)."""
    return upload.status == BulkUpload.Status.CHECKED and upload.checked_at < clock.now() - CONFIRM_WITHIN


def needs_appeal_confirmation(upload: BulkUpload) -> bool:
    """Whether the upload fails anyone, so the body must confirm they were told of their right to appeal."""
    return upload.rows.filter(problems=[], outcome="fail").exclude(note=ALREADY_RECORDED).exists()


@transaction.atomic
def confirm_upload(*, upload: BulkUpload, confirmed_by: User, told_of_appeal: bool = False) -> BulkUpload:
    """Apply the upload's rows without problems (in Celery). Raises CannotConfirm when it is not
    waiting to be confirmed, or fails someone without `told_of_appeal`."""
    upload = BulkUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != BulkUpload.Status.CHECKED:
        raise CannotConfirm("This file has already been confirmed")
    if expired(upload):
        raise CannotConfirm(
            "This file was checked more than 7 days ago, and teachers' records may have changed since: "
            "upload it again"
        )
    if not upload.ready_count:
        raise CannotConfirm("This file has no rows that can be applied: correct it and upload it again")
    if needs_appeal_confirmation(upload) and not told_of_appeal:
        raise CannotConfirm(
            "Confirm that each ECT failing their induction has been told of their right to appeal"
        )
    upload.status = BulkUpload.Status.APPLYING
    upload.confirmed_by = confirmed_by
    upload.confirmed_at = upload.progressed_at = clock.now()
    upload.told_of_appeal = upload.kind == BulkUpload.Kind.OUTCOMES and told_of_appeal
    upload.save()
    record_event(
        actor=Actor.appropriate_body_user(confirmed_by),
        event_type="bulk_upload_confirmed",
        heading=_heading(
            f"{upload.get_kind_display()} file {upload.file_name} confirmed by {confirmed_by.full_name}: "
            f"{upload.ready_count} of {upload.row_count} rows to apply"
        ),
        appropriate_body=upload.appropriate_body,
        subject=upload,
    )
    transaction.on_commit(partial(enqueue, APPLY_TASK, upload.pk))
    return upload


def apply_upload(*, upload_id: int) -> None:
    """Apply every row not yet applied, each in its own transaction, then mark the upload done."""
    to_apply = BulkUploadRow.objects.filter(upload_id=upload_id, problems=[], result="")
    _row_by_row(
        to_apply.order_by("row_number").values_list("pk", flat=True), apply_row, failed=_could_not_apply
    )
    finish_applying(upload_id=upload_id)


@transaction.atomic
def apply_row(*, row_id: int) -> None:
    """Claim, or record the outcome of, one row, and record what happened, in one transaction."""
    row = (
        BulkUploadRow.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("upload__appropriate_body", "upload__confirmed_by")
        .filter(pk=row_id, result="", problems=[])
        .first()
    )
    if row is None or row.upload.status != BulkUpload.Status.APPLYING:
        return  # applied already, held by another task, or the upload was stopped
    apply = _apply_claim if row.upload.kind == BulkUpload.Kind.CLAIMS else _apply_outcome
    row.result, row.result_message, row.induction_period = _refusals_kept(partial(apply, row))
    row.applied_at = clock.now()
    row.save()
    BulkUpload.objects.filter(pk=row.upload_id).update(progressed_at=clock.now())


def _could_not_apply(*, row_id: int) -> None:
    _mark_unapplied(
        BulkUploadRow.objects.filter(pk=row_id),
        result=BulkUploadRow.Result.REFUSED,
        message=COULD_NOT_APPLY,
    )


@transaction.atomic
def _mark_unapplied(rows, *, result: str, message: str) -> None:
    """Give these rows, if still to apply (and not held by a task), a result saying why they were not."""
    held = rows.select_for_update(skip_locked=True).filter(problems=[], result="")
    BulkUploadRow.objects.filter(pk__in=list(held.values_list("pk", flat=True))).update(
        result=result, result_message=message, applied_at=clock.now()
    )


def _refusals_kept(apply: Callable[[], tuple]) -> tuple:
    """The row's result; a refusal (or a clash with a write made at the same moment) undoes only
    its own savepoint, so the row still records why."""
    try:
        with transaction.atomic():
            return apply()
    except (claims.CannotClaim, outcomes.CannotRecordOutcome) as refusal:
        return BulkUploadRow.Result.REFUSED, str(refusal), None
    except IntegrityError:
        logger.warning("Bulk row clashed with another write", exc_info=True)
        return BulkUploadRow.Result.REFUSED, "Someone changed this teacher's induction at the same time", None


def _apply_claim(row: BulkUploadRow) -> tuple:
    """Claimed, or already claimed by this body: as claim_ect finds them once it holds the teacher's
    lock, so a claim made meanwhile (another upload, the single journey) is "already", not refused."""
    try:
        period = claims.claim_ect(
            body=row.upload.appropriate_body,
            record=kept_record(row.record),
            started_on=row.started_on,
            induction_programme=row.induction_programme,
            claimed_by=row.upload.confirmed_by,
        )
    except claims.CannotClaim as refusal:
        if refusal.reason == claims.CLAIMED_BY_YOU:
            return BulkUploadRow.Result.ALREADY_CLAIMED, ALREADY_CLAIMED, None
        raise
    return BulkUploadRow.Result.CLAIMED, "", period


def _apply_outcome(row: BulkUploadRow) -> tuple:
    """Recorded, or already recorded: decided when record_outcome, holding the teacher's lock, finds
    no open period (an outcome recorded meanwhile is then read as it was committed)."""
    body = row.upload.appropriate_body
    teacher = Teacher.objects.get(trn=row.trn)
    try:
        period = outcomes.record_outcome(
            body=body,
            teacher=teacher,
            outcome=row.outcome,
            finished_on=row.finished_on,
            number_of_terms=row.number_of_terms,
            recorded_by=row.upload.confirmed_by,
            told_of_appeal=row.upload.told_of_appeal and row.outcome == "fail",
        )
    except outcomes.CannotRecordOutcome as refusal:
        if refusal.reason == outcomes.NO_OPEN_PERIOD and _same_outcome_recorded(body, teacher, row):
            return BulkUploadRow.Result.ALREADY_RECORDED, ALREADY_RECORDED, None
        raise
    return BulkUploadRow.Result.RECORDED, "", period


@transaction.atomic
def finish_applying(*, upload_id: int) -> None:
    upload = BulkUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status != BulkUpload.Status.APPLYING or upload.rows.filter(problems=[], result="").exists():
        return
    upload.status = BulkUpload.Status.DONE
    upload.finished_at = upload.progressed_at = clock.now()
    upload.save()


# --- the sweep -----------------------------------------------------------------------------------


def resume_stalled_uploads() -> int:
    """Every minute (Celery beat): queue again the task of an upload that has made no progress for
    a while (its task was lost: Redis down, a worker killed), or stop it after a day. Returns how
    many were queued."""
    now = clock.now()
    stalled = BulkUpload.objects.filter(
        status__in=[BulkUpload.Status.CHECKING, BulkUpload.Status.APPLYING],
        progressed_at__lt=now - STALLED_AFTER,
    )
    queued = 0
    for upload in stalled:
        if upload.created_at < now - GIVE_UP_AFTER:
            checking = upload.status == BulkUpload.Status.CHECKING
            stop_upload(upload_id=upload.pk, reason=CHECK_GAVE_UP if checking else GAVE_UP)
            continue
        task = CHECK_TASK if upload.status == BulkUpload.Status.CHECKING else APPLY_TASK
        if not enqueue(task, upload.pk):
            break
        BulkUpload.objects.filter(pk=upload.pk).update(progressed_at=now)
        queued += 1
    return queued
