"""Authorising a statement for payment while a provider voids one of its declarations, in real
transactions: the void waits, then finds the declaration paid and claws it back, so what the
statement paid still matches its declarations."""

import datetime
import threading

import pytest
from django.db import connections

from finance import queries, services, snapshots
from finance.models import ClawbackStatus, Declaration, PaymentStatus
from tests.factories import UserFactory
from tests.participants.test_concurrent_writes import wait_until_a_backend_waits_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_void_while_the_statement_is_authorised_waits_and_claws_back(world, monkeypatch):
    school = world.school()
    declarations = [world.declare(world.ect(school)) for _ in range(2)]
    november = world.statement(11)
    services.mark_payable(today=datetime.date(world.year, 12, 1))
    staff = UserFactory(is_staff=True)

    written_down = threading.Event()
    void_is_waiting = threading.Event()
    write_down = snapshots.to_json

    def write_down_then_hold_open(*args, **kwargs):
        result = write_down(*args, **kwargs)
        written_down.set()
        assert void_is_waiting.wait(timeout=15)
        return result

    monkeypatch.setattr(snapshots, "to_json", write_down_then_hold_open)
    outcomes = {}

    def attempt(name, write):
        try:
            write()
            outcomes[name] = "done"
        except Exception as error:
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    authorising = threading.Thread(
        target=attempt,
        args=("authorise", lambda: services.authorise_for_payment(statement=november, by=staff)),
    )
    voiding = threading.Thread(target=attempt, args=("void", lambda: world.void(declarations[0])))
    authorising.start()
    assert written_down.wait(timeout=15)
    voiding.start()
    wait_until_a_backend_waits_on_a_lock()
    void_is_waiting.set()
    authorising.join(timeout=30)
    voiding.join(timeout=30)

    assert outcomes == {"authorise": "done", "void": "done"}
    voided = Declaration.objects.get(pk=declarations[0].pk)
    assert (voided.payment_status, voided.clawback_status, voided.clawback_statement) == (
        PaymentStatus.PAID,
        ClawbackStatus.AWAITING_CLAWBACK,
        world.statement(12),
    )
    paid = queries.calculate(world.statement(11))
    assert sum(row.count for row in paid.rows if row.kind == "output") == 2
