"""The cache keeps plain data as JSON (core/cache.py): what Redis hands back is never unpickled."""

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
