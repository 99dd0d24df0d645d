import os

from ecf.settings.base import *  # noqa: F403
from ecf.settings.base import required_env

SECRET_KEY = required_env("SECRET_KEY")
ALLOWED_HOSTS = required_env("ALLOWED_HOSTS").split(",")
SERVICE_URL = required_env("SERVICE_URL").rstrip("/")
# Teachers are checked against the real TRS (pre-production: its preprod address).
TRS_API_URL = required_env("TRS_API_URL").rstrip("/")
TRS_API_KEY = required_env("TRS_API_KEY")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# On unless switched off, e.g. for docker-compose on a laptop without TLS.
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() not in {"false", "0", "no"}
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
