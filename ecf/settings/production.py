import os

from ecf.settings.base import *  # noqa: F403
from ecf.settings.base import required_env

SECRET_KEY = required_env("SECRET_KEY")
ALLOWED_HOSTS = required_env("ALLOWED_HOSTS").split(",")
SERVICE_URL = required_env("SERVICE_URL").rstrip("/")
# Teachers are checked against the real TRS (pre-production: its preprod address).
TRS_API_URL = required_env("TRS_API_URL").rstrip("/")
TRS_API_KEY = required_env("TRS_API_KEY")
# Each gunicorn thread keeps its database connection from one request to the next (a new one
# cost 0.9-6 s after an idle minute with CONN_MAX_AGE=60); Django checks a kept one is still
# usable before a request's first query and opens another if not (docs/decisions/0040).
DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": True}}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.static.StaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# On unless switched off, e.g. for docker-compose on a laptop without TLS.
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() not in {"false", "0", "no"}
# Health probes ask over plain HTTP from inside the platform: they get the answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthcheck$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
