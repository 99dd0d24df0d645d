"""How production serves: gunicorn's settings (gunicorn.conf.py, the image's command), database
connections kept warm, and the health check answered over plain HTTP behind the TLS redirect."""

import importlib
import runpy
import sys
from pathlib import Path

import pytest
from django.test import Client
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENVIRONMENT = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "manage-ecf.example",
    "SERVICE_URL": "https://manage-ecf.example",
    "TRS_API_URL": "https://trs.example",
    "TRS_API_KEY": "key",
}


def gunicorn_settings(monkeypatch, **environment) -> Config:
    """gunicorn.conf.py as gunicorn reads it, every name checked against gunicorn's own settings."""
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name.startswith("_") or callable(value) or isinstance(value, type(sys)):
            continue
        assert name in config.settings, f"gunicorn has no setting {name!r}"
        config.set(name, value)
    return config


def test_gunicorn_runs_threaded_workers_sized_for_two_cores(monkeypatch):
    config = gunicorn_settings(monkeypatch)
    assert config.worker_class_str == "gthread"
    assert (config.workers, config.threads) == (4, 3)
    assert config.preload_app
    assert config.max_requests > 0 and config.max_requests_jitter > 0
    assert config.bind == ["0.0.0.0:8000"]


def test_gunicorn_is_sized_from_the_environment_on_another_machine(monkeypatch):
    config = gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="5", GUNICORN_THREADS="2", GUNICORN_BIND="127.0.0.1:9000"
    )
    assert (config.workers, config.threads, config.bind) == (5, 2, ["127.0.0.1:9000"])


def test_the_image_and_compose_serve_with_that_configuration():
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert "gunicorn --config gunicorn.conf.py ecf.wsgi" in (ROOT / "docker-compose.yml").read_text()


@pytest.fixture
def production(monkeypatch):
    for name, value in PRODUCTION_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("ecf.settings.production", None)
    yield importlib.import_module("ecf.settings.production")
    sys.modules.pop("ecf.settings.production", None)


def test_production_keeps_database_connections_and_checks_them(production, settings):
    database = production.DATABASES["default"]
    assert database["CONN_MAX_AGE"] is None
    assert database["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60  # the tests' own, untouched


def test_production_sessions_are_not_written_on_every_request(production):
    assert production.SESSION_SAVE_EVERY_REQUEST is False
    assert "core.sessions.SessionMiddleware" in production.MIDDLEWARE
    assert production.SESSION_REFRESH_AFTER < production.SESSION_COOKIE_AGE / 10


@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http_while_pages_redirect_to_https(production, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    client = Client()
    assert client.get("/").status_code == 301
    assert client.get("/healthcheck").status_code == 200
