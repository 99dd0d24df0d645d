"""What /healthcheck checks: PostgreSQL and Redis answer. Cheap enough to be polled every few
seconds: one `SELECT 1` on the connection the worker already holds, and a PING on a Redis
connection kept from one check to the next."""

import functools

import redis
from django.conf import settings
from django.db import connection


def postgres_state() -> str:
    try:
        connection.ensure_connection()  # opens one only when the thread holds none
        # One SELECT 1 (Django's own check of a kept connection), not through a Django cursor,
        # whose CONN_HEALTH_CHECKS would run the same check first.
        if not connection.is_usable():
            connection.close()  # the next request opens a new one
            return "down: connection unusable"
        return "ok"
    except Exception as error:  # any failure to reach the database is "down", with why
        return f"down: {type(error).__name__}"


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """One client (and its connection pool, thread-safe and renewed after a fork) per address."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1, health_check_interval=0)


def redis_state() -> str:
    try:
        redis_client(settings.REDIS_URL).ping()
        return "ok"
    except redis.RedisError as error:
        return f"down: {type(error).__name__}"


def service_health() -> dict[str, str]:
    return {"postgres": postgres_state(), "redis": redis_state()}
