"""What the cache keeps, as JSON rather than Django's default pickle: anyone able to write to
Redis could otherwise make the web workers run code of their choosing when a value is read back
(decision 0043). Everything cached (sessions, signed JSON in the database too) is plain data.
The cache backend is Django's, with one client kept per connection pool."""

import json

from django.core.cache.backends import redis as redis_backend


class JSONSerializer:
    def dumps(self, value) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    def loads(self, data: bytes):
        return json.loads(data)


class RedisCacheClient(redis_backend.RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool. Django makes a new one
    for every cache call, and making one (it copies its table of reply callbacks) cost ~2% of the
    workers' time in issue 19's rush, where every tutor request reads its session from the cache.
    A `redis.Redis` is safe to share between threads: it takes a connection from the pool for
    each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis_backend.RedisCache):
    """Django's Redis cache with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
