from celery import shared_task

from participants.api_changes import record_date_driven_changes


@shared_task(ignore_result=True)
def sweep_date_driven_changes():
    """Beat runs this every few minutes; it does its work once a day, just after midnight."""
    record_date_driven_changes()
