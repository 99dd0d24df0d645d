import os

os.environ.setdefault("SECRET_KEY", "development-only-not-secret")

from ecf.settings.base import *  # noqa: F403

# GOV.UK error pages, as people see them; DEBUG=true for Django's technical pages instead.
DEBUG = os.environ.get("DEBUG", "false").lower() == "true"
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
DEMO_DATA_ALLOWED = True

# Email: nothing leaves the machine; /dev/emails shows every email the service sent.
EMAIL_DELIVERY = "development"
