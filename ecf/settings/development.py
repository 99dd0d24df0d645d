import os

os.environ.setdefault("SECRET_KEY", "development-only-not-secret")

from ecf.settings.base import *  # noqa: F403

# GOV.UK error pages, as people see them; DEBUG=true for Django's technical pages instead.
DEBUG = os.environ.get("DEBUG", "false").lower() == "true"
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
DEMO_DATA_ALLOWED = True

# Email: nothing leaves the machine; /dev/emails shows every email the service queued, sent or not yet.
EMAIL_DELIVERY = "development"

# Teachers: the fake TRS that `bin/dev serve` starts (participants/trs/fake.py, fictional teachers
# in participants/trs/fake_teachers.json). Export TRS_API_URL and TRS_API_KEY to use another.
TRS_API_URL = os.environ.get("TRS_API_URL", "http://127.0.0.1:8010").rstrip("/")
TRS_API_KEY = os.environ.get("TRS_API_KEY", "development-only-fake-trs-api-key")

API_SANDBOX = True
