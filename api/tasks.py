"""Background work for the lead provider API."""

from celery import shared_task

from api import listing
from providers.models import LeadProvider


@shared_task(ignore_result=True)
def refresh_participant_listings():
    """Bring every lead provider's participant listing up to date (api.listing), so a request
    rarely finds changes to catch up with; beat runs it every minute."""
    for lead_provider in LeadProvider.objects.order_by("pk"):
        listing.refresh(lead_provider=lead_provider)
