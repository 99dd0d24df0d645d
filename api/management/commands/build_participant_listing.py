"""manage.py build_participant_listing: build each lead provider's participant listing from
nothing (api.listing), as after a deploy that adds it or a bulk load that records no changes."""

import time

from django.core.management.base import BaseCommand

from api import listing
from providers.models import LeadProvider


class Command(BaseCommand):
    help = "Build every lead provider's participant listing (GET /api/v3/participants) from nothing."

    def handle(self, *args, **options):
        started = time.monotonic()
        for lead_provider in LeadProvider.objects.order_by("name"):
            began = time.monotonic()
            count = listing.build(lead_provider=lead_provider)
            self.stdout.write(
                f"{lead_provider.name}: {count:,} participants ({time.monotonic() - began:.1f} s)"
            )
        listing.vacuum()
        self.stdout.write(f"Built in {time.monotonic() - started:.1f} s")
