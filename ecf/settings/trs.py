"""The Teaching Record System (TRS) API, where teachers are checked. Used by participants/trs/."""

import os

TRS_API_URL = os.environ.get("TRS_API_URL", "").rstrip("/")
TRS_API_KEY = os.environ.get("TRS_API_KEY", "")
# Seconds to connect, and to wait between bytes of the answer, before counting TRS as unavailable.
TRS_API_TIMEOUT_SECONDS = float(os.environ.get("TRS_API_TIMEOUT_SECONDS", "10"))

# Induction writes (participants.TRSInductionUpdate, docs/decisions/0023): a write TRS could not
# take now is retried after 2, 4, 8 … seconds (at most TRS_WRITE_RETRY_MAX_DELAY); after
# TRS_WRITE_MAX_ATTEMPTS it is marked failed, a problem support sees in admin and can send again.
TRS_WRITE_MAX_ATTEMPTS = 10
TRS_WRITE_RETRY_MAX_DELAY = 300
# The sweep queues pending writes this long past their next attempt (their task was lost), a
# batch at a time, and leaves each it queued alone for the lease.
TRS_WRITE_SWEEP_GRACE_SECONDS = 30
TRS_WRITE_SWEEP_BATCH_SIZE = 500
TRS_WRITE_SWEEP_LEASE_SECONDS = 300
