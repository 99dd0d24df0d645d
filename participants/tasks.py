from celery import shared_task

from participants.api_changes import record_date_driven_changes
from participants.services.trs_writes import (
    SEND_TRS_INDUCTION_UPDATE_TASK,
    Outcome,
    enqueue_due_trs_updates,
    send_trs_induction_update_now,
)


@shared_task(ignore_result=True)
def sweep_date_driven_changes():
    """Beat runs this every few minutes; it does its work once a day, just after midnight."""
    record_date_driven_changes()


# max_retries=None: the row's attempts decide when to give up (the sweep's attempts count too).
@shared_task(
    bind=True, name=SEND_TRS_INDUCTION_UPDATE_TASK, max_retries=None, acks_late=True, ignore_result=True
)
def send_trs_induction_update(self, update_id: str) -> str:
    """Send one induction update to TRS unless it was answered already; retry with backoff while
    TRS is unavailable."""
    attempt = send_trs_induction_update_now(update_id=update_id)
    if attempt.outcome == Outcome.RETRY:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.outcome.value


@shared_task(ignore_result=True)
def send_pending_trs_induction_updates() -> int:
    """Every minute (Celery beat): queue pending induction updates whose task was lost."""
    return enqueue_due_trs_updates()
