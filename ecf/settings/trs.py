"""The Teaching Record System (TRS) API, where teachers are checked. Used by participants/trs/."""

import os

TRS_API_URL = os.environ.get("TRS_API_URL", "").rstrip("/")
TRS_API_KEY = os.environ.get("TRS_API_KEY", "")
# Seconds to connect, and to wait between bytes of the answer, before counting TRS as unavailable.
TRS_API_TIMEOUT_SECONDS = float(os.environ.get("TRS_API_TIMEOUT_SECONDS", "10"))
