import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext

from core import health


@pytest.mark.django_db
def test_healthy_when_postgres_and_redis_answer(client):
    response = client.get("/healthcheck")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unavailable_when_redis_is_down(client, settings, unused_tcp_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_tcp_port}/0"
    response = client.get("/healthcheck")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["postgres"] == "ok"
    assert body["checks"]["redis"].startswith("down: ")


@pytest.mark.django_db
def test_unavailable_when_postgres_is_down(client, monkeypatch, unused_tcp_port):
    unreachable = DatabaseWrapper(
        {
            **connection.settings_dict,
            "HOST": "127.0.0.1",
            "PORT": unused_tcp_port,
            "CONN_HEALTH_CHECKS": False,
        }
    )
    monkeypatch.setattr(health, "connection", unreachable)
    response = client.get("/healthcheck")
    assert response.status_code == 503
    assert response.json()["checks"]["postgres"] == "down: OperationalError"
    assert response.json()["checks"]["redis"] == "ok"


@pytest.fixture
def unused_tcp_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_uptime_checkers_may_ask_with_head(client):
    assert client.head("/healthcheck").status_code == 200


@pytest.mark.django_db
def test_a_check_costs_one_trivial_query_and_reuses_its_redis_connection(client, monkeypatch):
    """Polled every few seconds: one SELECT 1 on the connection already held, one PING on a kept
    Redis connection, and nothing else (no session, no query through the ORM)."""
    pings = []
    is_usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: pings.append(1) or is_usable())
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/healthcheck").status_code == 200
        assert queries.captured_queries == []
    assert len(pings) == 5
    pool = health.redis_client(settings.REDIS_URL).connection_pool
    assert len(pool._available_connections) + len(pool._in_use_connections) == 1
