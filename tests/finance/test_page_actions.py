"""Finance staff's actions (finance/journeys/): each checks its answers before anything is saved.
Adding an adjustment (errors by the field, keeping what was typed), removing one, authorising a
payable statement for payment (after which the page shows it paid, from what was written down),
and voiding a declaration (voided before payment; clawed back on the next open statement after)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import Event
from finance import services
from finance.models import ClawbackStatus, Declaration, PaymentStatus, Statement, StatementAdjustment
from tests.admin.conftest import staff_in
from tests.finance.helpers import pay
from tests.finance.test_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return staff_in("finance")


@pytest.fixture
def finance_client(client, staff):
    client.force_login(staff)
    return client


def _fresh(statement: Statement) -> Statement:
    return Statement.objects.get(pk=statement.pk)


# --- Adding an adjustment -----------------------------------------------------------------------------


def add_url(statement, step: str) -> str:
    return reverse("finance_add_adjustment", args=[statement.pk, step])


def test_adding_an_adjustment_checks_answers_before_saving(finance_client, staff, world):
    december = world.statement(12)
    start = finance_client.get(add_url(december, "start"))
    assert start["Location"] == add_url(december, "adjustment")
    page = finance_client.get(add_url(december, "adjustment"))
    assert "Add an adjustment" in text_of(page)
    assert (
        f'href="{reverse("finance_statement", args=[december.pk])}" class="govuk-back-link"'
        in page.content.decode()
    )

    answered = finance_client.post(
        add_url(december, "adjustment"),
        {
            "name": "Overpayment in October",
            "amount": "-£1,250.5",
            "reason": "Paid twice for one participant.",
        },
    )
    assert answered["Location"] == add_url(december, "check-answers")
    check = text_of(finance_client.get(add_url(december, "check-answers")))
    assert "Name Overpayment in October" in check
    assert "Amount −£1,250.50" in check
    assert "Reason Paid twice for one participant." in check
    assert not StatementAdjustment.objects.exists()  # nothing saved yet

    done = finance_client.post(add_url(december, "check-answers"))
    assert done["Location"] == reverse("finance_statement", args=[december.pk])
    adjustment = StatementAdjustment.objects.get()
    assert (adjustment.name, adjustment.amount, adjustment.reason, adjustment.created_by) == (
        "Overpayment in October",
        Decimal("-1250.50"),
        "Paid twice for one participant.",
        staff,
    )
    shown = text_of(finance_client.get(done["Location"]))
    assert "Adjustment added: Overpayment in October, −£1,250.50" in shown
    assert "Adjustments −£1,250.50" in shown
    # Posting check answers again adds nothing: the answers were cleared.
    finance_client.post(add_url(december, "check-answers"))
    assert StatementAdjustment.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the amount"),
        ("twelve", "Enter the amount in pounds and pence, like 250.00 or -250.00"),
        ("12.345", "Enter the amount in pounds and pence, like 250.00 or -250.00"),
        ("1,00", "Enter the amount in pounds and pence, like 250.00 or -250.00"),
        ("-0.00", "Enter an amount other than £0.00"),
        ("10000000000", "Enter an amount up to £9,999,999,999.99"),
    ],
)
def test_an_amount_that_is_not_pounds_and_pence_is_refused_by_the_field(
    finance_client, world, typed, message
):
    december = world.statement(12)
    finance_client.get(add_url(december, "start"))
    response = finance_client.post(
        add_url(december, "adjustment"), {"name": "Late data", "amount": typed, "reason": "Because"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert f'<a href="#id_amount">{message}</a>' in page
    assert 'id="id_amount-error"' in page
    assert f'value="{typed}"' in page if typed else True
    assert 'value="Late data"' in page  # what was typed stays


def test_every_missing_answer_is_named(finance_client, world):
    december = world.statement(12)
    page = finance_client.post(add_url(december, "adjustment"), {}).content.decode()
    for field, message in (
        ("name", "Enter a name for the adjustment"),
        ("amount", "Enter the amount"),
        ("reason", "Enter the reason for the adjustment"),
    ):
        assert f'<a href="#id_{field}">{message}</a>' in page


@pytest.mark.parametrize("typed", ["250", "250.5", "£250.50", "-250", "−250.00", "1,250,000.00"])
def test_amounts_as_people_type_them(finance_client, world, typed):
    december = world.statement(12)
    response = finance_client.post(
        add_url(december, "adjustment"), {"name": "Late data", "amount": typed, "reason": "Because"}
    )
    assert response.status_code == 302, typed


def test_a_paid_statement_takes_no_adjustment(finance_client, world):
    november = pay(world.statement(11))
    response = finance_client.get(add_url(november, "adjustment"))
    assert response.status_code == 409
    assert "This statement has been paid" in text_of(response)
    response = finance_client.post(add_url(november, "check-answers"))
    assert response.status_code == 409 and not StatementAdjustment.objects.exists()


# --- Removing one -------------------------------------------------------------------------------------


def test_removing_an_adjustment_asks_why_then_checks(finance_client, staff, world):
    december = world.statement(12)
    adjustment = services.add_adjustment(
        statement=december, name="Late data", amount=Decimal("25.50"), reason="Data late.", by=staff
    )
    url = lambda step: reverse("finance_remove_adjustment", args=[december.pk, adjustment.pk, step])  # noqa: E731
    statement_page = finance_client.get(reverse("finance_statement", args=[december.pk])).content.decode()
    assert url("start") in statement_page

    assert finance_client.get(url("start"))["Location"] == url("reason")
    missing = finance_client.post(url("reason"), {"reason": ""}).content.decode()
    assert "Enter why you are removing the adjustment" in missing
    assert finance_client.post(url("reason"), {"reason": "Data arrived after all."})["Location"] == url(
        "check-answers"
    )
    check = text_of(finance_client.get(url("check-answers")))
    assert "Adjustment Late data Amount £25.50 Why it was added Data late." in check
    assert "Why it is removed Data arrived after all." in check
    assert StatementAdjustment.objects.exists()

    done = finance_client.post(url("check-answers"))
    assert done["Location"] == reverse("finance_statement", args=[december.pk])
    assert not StatementAdjustment.objects.exists()
    event = Event.objects.get(event_type="statement_adjustment_removed")
    assert (event.reason, event.actor_user) == ("Data arrived after all.", staff)


def test_someone_elses_adjustment_on_another_statement_is_not_found(finance_client, staff, world):
    adjustment = services.add_adjustment(
        statement=world.statement(12), name="Late", amount=Decimal("1.00"), reason="Late", by=staff
    )
    url = reverse("finance_remove_adjustment", args=[world.statement(1).pk, adjustment.pk, "reason"])
    assert finance_client.get(url).status_code == 404


# --- Authorising for payment ---------------------------------------------------------------------------


def authorise_url(statement, step: str) -> str:
    return reverse("finance_authorise", args=[statement.pk, step])


def test_authorising_a_payable_statement_shows_its_total_then_pays_it(finance_client, staff, world):
    world.declare(world.ect(world.school()))
    november = world.statement(11)
    page = text_of(finance_client.get(reverse("finance_statement", args=[november.pk])))
    assert "Authorise for payment" not in page  # open: not yet
    assert finance_client.get(authorise_url(november, "check-answers")).status_code == 409

    services.mark_payable(today=november.deadline_date + datetime.timedelta(days=1))
    page = finance_client.get(reverse("finance_statement", args=[november.pk])).content.decode()
    assert authorise_url(november, "start") in page
    assert finance_client.get(authorise_url(november, "start"))["Location"] == authorise_url(
        november, "check-answers"
    )
    # One ECT in band A, started: £120, and the £100 service fee.
    check = text_of(finance_client.get(authorise_url(november, "check-answers")))
    assert "Lead provider Ambition Institute" in check
    assert (
        f"Statement November {november.year} statement ({november.year} to {november.year + 1} contract period)"
        in check
    )
    assert "Contract Version 1" in check
    assert "Total before VAT £220.00 VAT £0.00 Total £220.00" in check
    assert _fresh(november).paid_at is None

    done = finance_client.post(authorise_url(november, "check-answers"))
    assert done["Location"] == reverse("finance_statement", args=[november.pk])
    paid = _fresh(november)
    assert (paid.status, paid.paid_by) == ("paid", staff)
    assert paid.calculation["totals"]["total"] == "220.00"
    shown = text_of(finance_client.get(done["Location"]))
    assert (
        f"November {november.year} statement ({november.year} to {november.year + 1} contract period) "
        "authorised for payment: £220.00"
    ) in shown
    assert "Status Paid" in shown
    assert f"by {staff}" in shown
    assert Declaration.objects.get(payment_statement=november).payment_status == PaymentStatus.PAID

    # Once paid, there is nothing to authorise.
    again = finance_client.post(authorise_url(november, "check-answers"))
    assert again.status_code == 409 and "This statement has been paid" in text_of(again)


# --- Voiding a declaration --------------------------------------------------------------------------------


def void_url(declaration, step: str) -> str:
    return reverse("finance_void", args=[declaration.pk, step])


def test_voiding_an_unpaid_declaration(finance_client, staff, world):
    declaration = world.declare(world.ect(world.school()))
    assert finance_client.get(void_url(declaration, "start"))["Location"] == void_url(declaration, "reason")
    missing = finance_client.post(void_url(declaration, "reason"), {"reason": ""}).content.decode()
    assert "Enter why you are voiding the declaration" in missing and "<title>Error: " in missing
    finance_client.post(void_url(declaration, "reason"), {"reason": "Declared for the wrong teacher."})
    check = text_of(finance_client.get(void_url(declaration, "check-answers")))
    assert "What happens It is voided: it has not been paid, so nothing is clawed back." in check
    assert "Why it is voided Declared for the wrong teacher." in check
    assert Declaration.objects.get(pk=declaration.pk).payment_status == PaymentStatus.ELIGIBLE

    done = finance_client.post(void_url(declaration, "check-answers"))
    assert done["Location"] == reverse("finance_declaration", args=[declaration.pk])
    assert Declaration.objects.get(pk=declaration.pk).payment_status == PaymentStatus.VOIDED
    page = text_of(finance_client.get(done["Location"]))
    assert "Declaration voided" in page
    assert "State Voided" in page
    assert "Reason: Declared for the wrong teacher." in page
    assert "Void this declaration" not in page
    event = Event.objects.get(event_type="declaration_voided", subject_id=declaration.pk)
    assert event.actor_user == staff

    # Voided already: the journey says so.
    again = finance_client.get(void_url(declaration, "reason"))
    assert again.status_code == 409 and "It has already been voided." in text_of(again)


def test_voiding_a_paid_declaration_claws_it_back_on_the_next_statement(finance_client, world):
    declaration = world.declare(world.ect(world.school()))
    pay(world.statement(11))
    december = world.statement(12)
    finance_client.post(void_url(declaration, "reason"), {"reason": "Withdrew before starting."})
    check = text_of(finance_client.get(void_url(declaration, "check-answers")))
    assert f"It has been paid, so it is clawed back on the December {december.year} statement" in check

    done = finance_client.post(void_url(declaration, "check-answers"))
    declaration.refresh_from_db()
    assert (declaration.clawback_status, declaration.clawback_statement) == (
        ClawbackStatus.AWAITING_CLAWBACK,
        december,
    )
    assert f"it is clawed back on the December {december.year} statement" in text_of(
        finance_client.get(done["Location"])
    )
    statement = text_of(finance_client.get(reverse("finance_statement", args=[december.pk])))
    assert "Clawback: started, band A 1 declaration: Clawback: started, band A £120.00 −£120.00" in statement
