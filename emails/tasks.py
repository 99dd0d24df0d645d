"""Celery tasks for the outbox. Each is a thin wrapper: emails.services does the work."""

from celery import shared_task

from emails.services import SEND_EMAIL_TASK, Outcome, enqueue_due_emails, send_email_now


# max_retries=None: the row's attempts decide when to give up (the sweep's attempts count too).
@shared_task(bind=True, name=SEND_EMAIL_TASK, max_retries=None, acks_late=True, ignore_result=True)
def send_email(self, email_id: str) -> str:
    """Send one outbox email unless it is already sent; retry with backoff after a failure."""
    attempt = send_email_now(email_id=email_id)
    if attempt.outcome == Outcome.RETRY:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.outcome.value


@shared_task(ignore_result=True)
def send_pending_emails() -> int:
    """Every minute (Celery beat): queue pending emails whose task was lost."""
    return enqueue_due_emails()
