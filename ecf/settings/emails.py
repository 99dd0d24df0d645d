"""Email: an outbox in Postgres, sent by Celery through a delivery adapter. Owned by emails/.

docs/decisions/0007-email-outbox.md explains the design. These are the production values;
development sends to the local inbox at /dev/emails, and the tests to a fake GOV.UK Notify.
"""

import json
import os
import tempfile

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

# Which adapter in emails/delivery.py sends email: "notify" (GOV.UK Notify) or "development"
# (nothing leaves the machine; /dev/emails shows what would have been sent). Only
# ecf/settings/development.py chooses "development", so no environment variable can switch
# production to an inbox anyone could read.
EMAIL_DELIVERY = "notify"

# A Notify API key: "{key name}-{service id}-{secret}". `manage.py check` (and so `migrate`)
# refuses to pass without it when EMAIL_DELIVERY is "notify".
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Seconds to wait for Notify before counting the attempt as failed (and retrying).
NOTIFY_TIMEOUT = 10
# Our template name (a key of emails.templates.TEMPLATES) -> the id of the same template in
# Notify, as JSON: NOTIFY_TEMPLATE_IDS='{"sign_in_link": "…uuid…", …}'.
try:
    NOTIFY_TEMPLATE_IDS = json.loads(os.environ.get("NOTIFY_TEMPLATE_IDS") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"NOTIFY_TEMPLATE_IDS is not valid JSON: {error}") from error

# A failed attempt is retried after 2, 4, 8 … seconds (at most EMAIL_RETRY_MAX_DELAY); after
# EMAIL_MAX_ATTEMPTS attempts the email is marked failed and support can send it again from admin.
EMAIL_MAX_ATTEMPTS = 8
EMAIL_RETRY_MAX_DELAY = 300

# The sweep enqueues pending emails this long past their next attempt time: long enough that it
# does not race the task queued when the row was committed (or the retry already scheduled).
EMAIL_SWEEP_GRACE_SECONDS = 30
EMAIL_SWEEP_BATCH_SIZE = 500
# Once the sweep has queued an email it leaves it alone this long (a backlog is not queued twice).
EMAIL_SWEEP_LEASE_SECONDS = 300

# Celery beat runs the sweep every minute (bin/dev serve runs beat inside its worker; production
# runs exactly one beat process).
CELERY_BEAT_SCHEDULE = {
    "send-pending-emails": {"task": "emails.tasks.send_pending_emails", "schedule": 60.0},
    # Participants whose status moves on with the calendar (participants.api_changes).
    "sweep-date-driven-changes": {"task": "participants.tasks.sweep_date_driven_changes", "schedule": 300.0},
    # Induction writes to TRS whose task was lost (participants.services.trs_writes).
    "send-pending-trs-induction-updates": {
        "task": "participants.tasks.send_pending_trs_induction_updates",
        "schedule": 60.0,
    },
    # Bulk uploads whose checking or applying task was lost (appropriate_bodies.services.bulk).
    "resume-stalled-bulk-uploads": {
        "task": "appropriate_bodies.tasks.resume_stalled_bulk_uploads",
        "schedule": 60.0,
    },
    # Each lead provider's participant listing caught up with the change record (api.listing,
    # decision 0039), so an API request rarely has changes to write first.
    "refresh-participant-listings": {"task": "api.tasks.refresh_participant_listings", "schedule": 60.0},
    # The changes behind each school's page version collapsed to a row a school (schools.page_cache).
    "collapse-school-page-changes": {
        "task": "schools.tasks.collapse_school_page_changes",
        "schedule": 3600.0,
    },
    # Statements whose deadline has passed become payable (finance.services.mark_payable): daily,
    # just after midnight London time; a missed day is caught up the next (it marks every one due).
    "mark-statements-payable": {
        "task": "finance.tasks.mark_statements_payable",
        "schedule": crontab(hour=0, minute=15),
    },
}
# Crontab schedules (above) are London times.
CELERY_TIMEZONE = "Europe/London"
# Beat keeps a little state on disk; somewhere a non-root container user can write.
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", os.path.join(tempfile.gettempdir(), "ecf-celerybeat-schedule")
)
# Queuing a task must fail fast when Redis is down (the sweep sends the email later), never hang
# the request that queued it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "max_retries": 0}
