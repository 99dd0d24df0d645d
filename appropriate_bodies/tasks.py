"""Celery tasks for bulk uploads. Each is a thin wrapper: appropriate_bodies.services.bulk does the
work, and each may run again (a retry, the sweep) without doing anything twice."""

from celery import shared_task

from appropriate_bodies.services import bulk
from participants.trs.client import TRSUnavailable

# TRS unavailable while checking: try again after 10, 20, 40 … seconds (at most 5 minutes), then stop.
CHECK_RETRIES = 10


@shared_task(bind=True, name=bulk.CHECK_TASK, max_retries=CHECK_RETRIES, acks_late=True, ignore_result=True)
def check_bulk_upload(self, upload_id: int) -> None:
    """Check an upload's rows against TRS and the rules, carrying on from the first not yet checked."""
    try:
        bulk.check_upload(upload_id=upload_id)
    except TRSUnavailable:
        if self.request.retries >= CHECK_RETRIES:
            bulk.stop_upload(upload_id=upload_id, reason=bulk.TRS_GAVE_UP)
            return
        raise self.retry(countdown=min(10 * 2**self.request.retries, 300)) from None


@shared_task(name=bulk.APPLY_TASK, acks_late=True, ignore_result=True)
def apply_bulk_upload(upload_id: int) -> None:
    """Apply a confirmed upload's rows, skipping those already applied."""
    bulk.apply_upload(upload_id=upload_id)


@shared_task(ignore_result=True)
def resume_stalled_bulk_uploads() -> int:
    """Every minute (Celery beat): queue again uploads whose task was lost."""
    return bulk.resume_stalled_uploads()
