from celery import shared_task

from schools.services import collapse_page_changes


@shared_task(ignore_result=True)
def collapse_school_page_changes():
    collapse_page_changes()
