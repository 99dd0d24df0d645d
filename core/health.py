import redis
from django.conf import settings
from django.db import connection


def postgres_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure to reach the database is "down", with why
        return f"down: {type(error).__name__}"


def redis_state() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return "ok"
    except redis.RedisError as error:
        return f"down: {type(error).__name__}"
    finally:
        client.close()


def service_health() -> dict[str, str]:
    return {"postgres": postgres_state(), "redis": redis_state()}
