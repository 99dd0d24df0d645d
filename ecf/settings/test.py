import os

from ecf.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Serve static files from the finders so tests need no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Email: through the real GOV.UK Notify client, but only ever to the fake Notify
# (tests/fakes/notify.py), whose fixture points NOTIFY_BASE_URL at itself. Without it nothing
# listens at this address, so no test can reach the real Notify.
EMAIL_DELIVERY = "notify"
NOTIFY_BASE_URL = "http://127.0.0.1:9"
NOTIFY_API_KEY = "test_key-137df033-714c-444f-b6da-afc01d6e4d14-b4c2eecf-fbcd-4e67-ab7c-f91ebcbbaa38"
NOTIFY_TEMPLATE_IDS = {
    "sign_in_link": "ab88b4bc-2567-4c46-a0c8-b0ea1076525a",
    "nomination_link": "df1dc515-460d-49d9-af57-4e46274ea212",
    "induction_tutor_nominated": "491683f6-c3f8-4c72-8a14-3cc5aa69dbce",
    "induction_tutor_replaced": "6c3d43e4-dfda-4a88-b64e-0c3e5813fd11",
    "colleague_added": "7eccf1b3-d37e-46f0-b6d9-fdebe5bc2542",
    "appropriate_body_access_given": "c5d1e8a2-7b3f-4e6a-9d2c-8f1b4a7e3d52",
    "school_left_lead_provider": "0b6f4e3a-5a2d-4f0e-9a57-3c1d2e8b7f41",
    "ect_registered": "38de8b10-7940-48f3-98a3-c1e955449563",
    "mentor_registered": "5c1a7e2d-93b4-4f6e-8d2a-6b0f4c3e9a17",
    "participant_transferred": "9d2f6b1c-4e7a-4c3b-8f1d-2a6e5c7b9d40",
    "ect_moved_school": "e4b7c2a9-1f3d-4a6e-9c8b-5d2f7a1e3c60",
    "partnership_confirmed": "3b8e1f57-6c2d-4a9b-8e4f-1d7c5a2b9e63",
    "partnership_changed": "a7c4e9d2-5b1f-4e8a-9c3d-6f2b8e1a4d75",
}
NOTIFY_TIMEOUT = 5
# Teachers: only the fake TRS (tests/fakes/trs.py) answers; its fixture points TRS_API_URL at it.
TRS_API_URL = "http://127.0.0.1:9"
TRS_API_KEY = "test-only-not-a-trs-key"
TRS_API_TIMEOUT_SECONDS = 5
# Tasks the tests queue go to their own queue, never to a `bin/dev serve` worker on the same Redis.
CELERY_TASK_DEFAULT_QUEUE = "ecf-tests"
# An embedded test worker must leave the root logger (and pytest's log capture) alone.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

API_SANDBOX = True
