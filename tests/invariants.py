"""Helpers for tests that prove Postgres itself rejects a write."""

import contextlib

import pytest
from django.db import IntegrityError, transaction


@contextlib.contextmanager
def rejected_by_database(*constraint_names: str):
    """Expect the block to fail with IntegrityError naming one of the given constraints.

    The write runs in a savepoint so the test can go on using the connection.
    """
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    constraint = excinfo.value.__cause__.diag.constraint_name
    assert constraint in constraint_names, f"rejected by {constraint!r}, expected one of {constraint_names}"
