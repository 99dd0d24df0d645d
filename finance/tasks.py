"""Celery tasks for finance: thin wrappers, the work is in finance.services."""

from celery import shared_task

from core import clock
from finance import services


@shared_task(ignore_result=True)
def mark_statements_payable() -> int:
    """Daily (Celery beat): statements whose deadline has passed become payable. Safe to run again."""
    return services.mark_payable(today=clock.today())
