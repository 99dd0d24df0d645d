"""Settings shared by every environment. Environment modules import * from here and override."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SERVICE_NAME = "Manage training for early career teachers"
# How many proxies of ours stand in front of the app and append to X-Forwarded-For (0: none,
# so REMOTE_ADDR is the client). Rate limits per IP address rely on it.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

# The service's own address, for links in emails.
SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:8000").rstrip("/")
SUPPORT_EMAIL = os.environ.get(
    "SUPPORT_EMAIL", "continuing-professional-development@digital.education.gov.uk"
)


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. In development, run through `bin/dev`, which sets what is needed "
            "(and starts an embedded PostgreSQL and Redis when DATABASE_URL and REDIS_URL are unset)."
        )
    return value


DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # so the template renderer finds Django's own widget templates
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "emails",
    "schools",
    "providers",
    "participants",
    "audit",
    "api",
    "finance",
    "appropriate_bodies",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.sessions.SessionMiddleware",  # Django's, saving an unchanged session only now and then
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "ecf.urls"
WSGI_APPLICATION = "ecf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]
# Form fields render as GOV.UK Frontend components through our own renderer templates
# (docs/decisions/0002-forms-rendered-by-our-own-templates.md).
FORM_RENDERER = "core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(required_env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)
}
# PostgreSQL's JIT compiles a query it expects to be costly: 100-150 ms spent compiling the
# appropriate bodies' lists, which run in 10-50 ms without it. Our queries are short, page-sized
# reads; none gains from JIT (decision 0030).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# The SQL built once (core.precompiled) is prepared on each connection, and PostgreSQL keeps its
# plan: planning took 0.1-2 ms a query, running it 0.01-0.7 ms (decision 0047). psycopg prepares
# only on a connection with a threshold; every other query binds its values into its text, as
# Django does, and is never prepared.
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# static/ holds what `npm run build` writes (GOV.UK Frontend and our CSS); collectstatic
# gathers it with the admin's files into staticfiles/, which WhiteNoise serves.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

REDIS_URL = required_env("REDIS_URL")
# The lead provider API's sandbox: a request may say what time it is (X-With-Server-Date), so
# providers can test declarations against future milestones. Never on in production's own data.
API_SANDBOX = os.environ.get("API_SANDBOX", "") == "true"

# The cache (sessions, decision 0043): a Redis of its own where REDIS_CACHE_URL names one (in
# production: an instance or database that may evict, apart from Celery's queue, which must not),
# else Celery's, its keys apart by prefix. Kept as JSON, so nothing read back can run code; a
# Redis that does not answer in a second fails the request rather than holding a worker.
CACHES = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": os.environ.get("REDIS_CACHE_URL") or REDIS_URL,
        "KEY_PREFIX": "ecf-cache",
        "OPTIONS": {
            "serializer": "core.cache.JSONSerializer",
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
        },
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True

# Signed out after 2 hours without activity (the cookies page says so). The expiry moves on when a
# request uses a session last saved over SESSION_REFRESH_AFTER seconds ago, not with a write per
# request (core/sessions.py, docs/decisions/0040).
SESSION_COOKIE_AGE = 60 * 60 * 2
# Read from Redis, written to Redis and the database (decision 0043): loading one from the database
# was a tenth of a tutor request's CPU in issue 19's rush.
SESSION_ENGINE = "core.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_AFTER = 60 * 5
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# seed_demo may build or wipe demo data only where this is True (development and test).
DEMO_DATA_ALLOWED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}


# Settings by concern, each in its own module.
from ecf.settings.auth import *  # noqa: E402,F403
from ecf.settings.emails import *  # noqa: E402,F403
from ecf.settings.trs import *  # noqa: E402,F403
