"""Two writes racing in real transactions, for the tests that prove exactly one wins."""

import threading

from django.db import connections

from appropriate_bodies.services import claims
from emails.tasks import send_email
from participants import services
from participants.services import common, ects, leaving, mentors
from tests.participants.test_concurrent_writes import wait_until_a_backend_waits_on_a_lock


def race(monkeypatch, first, second, *, hold_after: str) -> dict[str, str]:
    """Run two writes in their own threads and transactions, overlapping: the first does everything
    up to and including its call to `<hold_after>` (its last write, a function the services
    modules call by that name), then holds its
    transaction open until the second is seen waiting on a lock, then commits. Returns what happened
    to each: "done", or the class name of the refusal it raised."""
    first_written = threading.Event()
    second_is_waiting = threading.Event()
    calling = [module for module in (common, ects, mentors, leaving, claims) if hasattr(module, hold_after)]
    last_write = getattr(calling[0], hold_after)

    def last_write_then_hold_open(**kwargs):
        result = last_write(**kwargs)
        if threading.current_thread().name == "first":
            first_written.set()
            assert second_is_waiting.wait(timeout=15)
        return result

    for module in calling:
        monkeypatch.setattr(module, hold_after, last_write_then_hold_open)
    monkeypatch.setattr(send_email, "apply_async", lambda *args, **kwargs: None)  # no Redis needed
    outcomes = {}

    def attempt(name, write):
        try:
            write()
            outcomes[name] = "done"
        except services.Refused as refusal:
            outcomes[name] = type(refusal).__name__
        except Exception as error:  # an IntegrityError here is the bug these tests look for
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = {
        name: threading.Thread(target=attempt, args=(name, write), name=name)
        for name, write in (("first", first), ("second", second))
    }
    threads["first"].start()
    assert first_written.wait(timeout=15)
    threads["second"].start()
    wait_until_a_backend_waits_on_a_lock()
    second_is_waiting.set()
    for thread in threads.values():
        thread.join(timeout=30)
    return outcomes
