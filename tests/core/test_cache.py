"""The cache keeps plain data as JSON (core/cache.py): what Redis hands back is never unpickled."""

import threading

import pytest
from django.core.cache import cache


def test_plain_data_goes_in_and_comes_back():
    value = {"_auth_user_id": "7", "wizard:RegisterECTWizard:1": {"email": {"email": "a@b.example"}}, "n": 3}
    cache.set("test_cache:plain", value, 10)
    assert cache.get("test_cache:plain") == value
    cache.delete("test_cache:plain")


def test_anything_else_is_refused_rather_than_pickled():
    with pytest.raises(TypeError):
        cache.set("test_cache:object", object(), 10)


def test_each_thread_keeps_one_client_for_all_its_calls():
    # Django gives each thread its own cache object: each keeps its client across calls.
    clients_by_thread = {}

    def use_the_cache(n):
        clients = []  # the clients themselves: an id alone could be a freed one's, reused
        for _ in range(3):
            cache.set(f"test_cache:thread{n}", n, 10)
            assert cache.get(f"test_cache:thread{n}") == n
            clients += [cache._cache.get_client(), cache._cache.get_client(write=True)]
        cache.delete(f"test_cache:thread{n}")
        clients_by_thread[n] = {id(client) for client in clients}

    threads = [threading.Thread(target=use_the_cache, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [len(clients) for clients in clients_by_thread.values()] == [1, 1, 1, 1]
