"""Finance staff's pages (finance/views.py): who may see them, and what each shows, from the
statements of tests/finance/test_statement_counts.py worked out by hand there:

- November (paid): three ECTs started, places 1–3 (A £120, A £120, B £96) = £336, a mentor's
  started half of the £1,000 flat rate = £500, service fee £100: £936.00.
- December (open): three ECTs started, places 4–6 (B £96, C £60, C £60) = £216; one of
  November's voided, clawed back off the top (place 6, band C) = −£60; service fee £100;
  "Late data" £25.50: £281.50. Another ECT declared and voided before payment: £0.

The journeys (adjustments, authorising, voiding) are in test_page_actions.py."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from finance import services
from finance.models import Declaration, StatementAdjustment
from tests.admin.conftest import staff_in
from tests.dates import THIS_YEAR, moment
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyAccessFactory,
    ContractPeriodFactory,
    SchoolFactory,
    UserFactory,
)
from tests.finance.conftest import World
from tests.finance.helpers import add_contract, pay

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's words, tags dropped, entities read (a name like O'Sullivan is escaped in HTML)
    and spaces closed up, to read figures as a person does."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(a|span|strong)\b[^>]*>", "", page)  # inline: no gap
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip())


def school_user():
    from schools.models import SchoolAccess, SchoolRole

    user = UserFactory()
    SchoolAccess.objects.create(user=user, school=SchoolFactory(), role=SchoolRole.INDUCTION_TUTOR)
    return user


def body_user():
    return AppropriateBodyAccessFactory().user


@pytest.fixture
def finance_client(client, db):
    client.force_login(staff_in("finance"))
    return client


@pytest.fixture
def december(two_statements):
    return two_statements.statement(12)


@pytest.fixture
def november(two_statements):
    return two_statements.statement(11)


def every_page(world: World) -> list[str]:
    november, december = world.statement(11), world.statement(12)
    declaration = Declaration.objects.filter(payment_statement=december).first()
    adjustment = StatementAdjustment.objects.get(statement=december)
    provider, year = world.lead_provider.pk, world.year
    return [
        reverse("finance_home"),
        reverse("finance_provider", args=[provider]),
        reverse("finance_provider_statements", args=[provider, year]),
        reverse("finance_statement", args=[november.pk]),
        reverse("finance_statement", args=[december.pk]),
        reverse("finance_statement_declarations", args=[december.pk]),
        reverse("finance_statement_breakdown_csv", args=[december.pk]),
        reverse("finance_statement_declarations_csv", args=[december.pk]),
        reverse("finance_search") + f"?q={declaration.teacher.trn}",
        reverse("finance_declaration", args=[declaration.pk]),
        reverse("finance_contract_periods"),
        reverse("finance_contract_period", args=[year]),
        reverse("finance_add_adjustment", args=[december.pk, "adjustment"]),
        reverse("finance_remove_adjustment", args=[december.pk, adjustment.pk, "reason"]),
        reverse("finance_void", args=[declaration.pk, "reason"]),
    ]


def test_only_the_finance_group_may_see_the_pages(client, two_statements):
    pages = every_page(two_statements)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/?next="), path

    others = {
        "support staff": staff_in("support"),
        "staff in no group": UserFactory(is_staff=True),
        "a school user": school_user(),
        "an appropriate body user": body_user(),
    }
    for who, someone in others.items():
        client.force_login(someone)
        for path in pages:
            assert client.get(path).status_code == 403, (who, path)
        # Nor can they act: the journeys refuse a post as they refuse a page.
        assert client.post(pages[-3], {"name": "x", "amount": "1", "reason": "x"}).status_code == 403

    client.force_login(staff_in("finance"))
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_a_lead_providers_api_token_is_not_a_way_in(client, two_statements):
    """Lead providers have no accounts, only API tokens: a token opens no finance page."""
    response = client.get(reverse("finance_home"), HTTP_AUTHORIZATION="Bearer some-token")
    assert response.status_code == 302


def test_home_lists_the_lead_providers_periods_and_the_mentor_grant(finance_client, two_statements):
    response = finance_client.get(reverse("finance_home"))
    page = response.content.decode()
    assert reverse("finance_provider", args=[two_statements.lead_provider.pk]) in page
    assert reverse("finance_contract_period", args=[two_statements.year]) in page
    assert reverse("finance_mentor_grant") in page
    assert reverse("finance_search") in page
    assert "Ambition Institute" in page


def test_a_providers_periods_lead_to_its_statements_with_status_and_total(finance_client, two_statements):
    provider = finance_client.get(reverse("finance_provider", args=[two_statements.lead_provider.pk]))
    statements_url = reverse(
        "finance_provider_statements", args=[two_statements.lead_provider.pk, two_statements.year]
    )
    assert statements_url in provider.content.decode()

    statements = finance_client.get(statements_url)
    text = text_of(statements)
    november, december = two_statements.statement(11), two_statements.statement(12)
    assert (
        f"November {november.year} 30 November {november.year} 25 December {november.year} Paid £936.00"
        in text
    )
    assert (
        f"December {december.year} 31 December {december.year} 25 January {december.year + 1} Open £281.50"
        in text
    )
    assert reverse("finance_statement", args=[december.pk]) in statements.content.decode()
    assert "Contract version 1 is in force today" in text


def test_a_statement_shows_its_breakdown_and_totals(finance_client, december):
    response = finance_client.get(reverse("finance_statement", args=[december.pk]))
    text = text_of(response)
    assert "December" in text and "Open" in text
    assert "Version 1, in force from" in text
    # Output fees: places 4–6 of started, B then C, C.
    assert "Started, band B 1 declaration: Started, band B £96.00 £96.00" in text
    assert "Started, band C 2 declarations: Started, band C £60.00 £120.00" in text
    assert "Output fees £216.00" in text
    # The clawback off the top, at C's rate.
    assert "Clawback: started, band C 1 declaration: Clawback: started, band C £60.00 −£60.00" in text
    assert "The contract’s monthly service fee £100.00" in text
    # The adjustment, with its reason and who added it.
    assert "Late data Two participants' data arrived after the deadline." in text.replace("&#x27;", "'")
    totals = "Output fees £216.00 Service fee £100.00 Uplifts £0.00 Clawbacks −£60.00 Adjustments £25.50 Total before VAT £281.50 VAT £0.00 Not charged: the contract says VAT does not apply Total £281.50"
    assert totals in text
    page = response.content.decode()
    declarations = reverse("finance_statement_declarations", args=[december.pk])
    assert f'href="{declarations}?line=clawback:started:C"' in page
    assert "View the 5 declarations on this statement" in text
    assert reverse("finance_add_adjustment", args=[december.pk, "start"]) in page
    assert "Authorise for payment" not in text  # open, not payable


def test_a_service_fee_from_the_bands_shows_its_working_and_vat_its_rate(finance_client, world):
    """From December, a version with no monthly fee, a target of 5 and a £290 set-up fee: the
    service share (40%) of A 2 × £1,000, B 2 × £800, C 1 × £500 is £1,640; the target fills band
    A, so all £290 of the set-up fee comes off; £1,350 over 29 months is £46.551…, so £46.55."""
    add_contract(
        world.active,
        in_force_from=datetime.date(world.year, 12, 1),
        monthly_service_fee=None,
        recruitment_target=5,
        set_up_fee=Decimal("290.00"),
        vat_applicable=True,
    )
    text = text_of(finance_client.get(reverse("finance_statement", args=[world.statement(12).pk])))
    assert (
        "Worked out from the bands: the service share of their prices for the recruitment target of 5 "
        "participants (£1,640.00), less £290.00 of the set-up fee, in 29 monthly parts, rounded to the "
        "penny £46.55"
    ) in text
    assert "VAT £9.31 20% of the total before VAT" in text


def test_a_paid_statement_is_read_from_what_was_paid(finance_client, november):
    response = finance_client.get(reverse("finance_statement", args=[november.pk]))
    text = text_of(response)
    assert "Status Paid" in text
    assert f"Authorised for payment {november.paid_at:%-d %B %Y}" in text
    assert "Version 1, in force from" in text and "(as paid)" in text
    assert "Mentors: started 1 declaration: Mentors: started £500.00 £500.00" in text
    assert "Total £936.00" in text
    assert "Add an adjustment" not in text


def test_a_statement_without_a_contract_says_so(finance_client, db):
    active = ActiveLeadProviderFactory(contract_period=ContractPeriodFactory(year=THIS_YEAR))
    services.add_statements(active)
    statement = active.statements.order_by("deadline_date").first()
    response = finance_client.get(reverse("finance_statement", args=[statement.pk]))
    assert response.status_code == 200
    assert "No contract is in force on this statement’s cut-off" in text_of(response)
    assert (
        finance_client.get(reverse("finance_statement_breakdown_csv", args=[statement.pk])).status_code == 404
    )


# --- The declarations behind the figures ------------------------------------------------------------


def listed(response) -> list[str]:
    """The TRNs of the declarations listed, in order."""
    return re.findall(r"TRN (\d{7})", text_of(response))


def test_the_declarations_list_shows_each_with_what_it_adds(finance_client, december):
    response = finance_client.get(reverse("finance_statement_declarations", args=[december.pk]))
    text = text_of(response)
    assert "5 declarations" in text
    # In the order they were made: the clawback (made in November), then December's.
    assert "Awaiting clawback Clawback Band C −£60.00" in text
    assert "Eligible Payment Band B £96.00" in text
    assert text.count("Eligible Payment Band C £60.00") == 2
    assert "Voided Voided before payment £0.00" in text


def test_the_declarations_behind_a_line(finance_client, december):
    url = reverse("finance_statement_declarations", args=[december.pk])
    band_c = Declaration.objects.filter(payment_statement=december, payment_status="eligible").order_by(
        "created_at", "pk"
    )[1:]
    response = finance_client.get(url, {"line": "output:started:C"})
    assert listed(response) == [declaration.teacher.trn for declaration in band_c]
    assert "2 declarations matching these filters" in text_of(response)

    clawed = Declaration.objects.get(clawback_statement=december)
    assert listed(finance_client.get(url, {"line": "clawback:started:C"})) == [clawed.teacher.trn]
    assert listed(finance_client.get(url, {"state": "voided"})) == [
        Declaration.objects.get(payment_statement=december, payment_status="voided").teacher.trn
    ]
    assert len(listed(finance_client.get(url, {"declaration_type": "started"}))) == 5
    assert listed(finance_client.get(url, {"declaration_type": "completed"})) == []


@pytest.mark.parametrize("by", ["participant", "trn", "declaration"])
def test_the_declarations_list_is_searchable(finance_client, december, by):
    declaration = Declaration.objects.filter(payment_statement=december).first()
    q = {
        "participant": str(declaration.teacher.api_id),
        "trn": declaration.teacher.trn,
        "declaration": str(declaration.api_id),
    }[by]
    response = finance_client.get(reverse("finance_statement_declarations", args=[december.pk]), {"q": q})
    assert listed(response) == [declaration.teacher.trn]


def test_a_search_that_is_not_an_id_is_an_error_keeping_what_was_typed(finance_client, december):
    response = finance_client.get(
        reverse("finance_statement_declarations", args=[december.pk]), {"q": "Smith", "state": "nonsense"}
    )
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert 'href="#id_q"' in page and "Enter a declaration ID or participant ID like" in page
    assert "Select one of the states listed" in page
    assert 'value="Smith"' in page
    assert listed(response) == []  # nothing listed until the filters can be read


def test_the_declarations_list_shows_50_a_page(finance_client, world):
    school = world.school()
    for _ in range(51):
        world.declare(world.ect(school))
    statement = world.statement(11)
    url = reverse("finance_statement_declarations", args=[statement.pk])
    first = finance_client.get(url)
    assert len(listed(first)) == 50
    assert "51 declarations, page 1 of 2" in text_of(first)
    assert "?page=2" in first.content.decode()
    second = finance_client.get(url, {"page": 2})
    assert len(listed(second)) == 1


# --- CSV ------------------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_breakdown_as_csv(finance_client, december):
    response = finance_client.get(reverse("finance_statement_breakdown_csv", args=[december.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-ambition-institute-{december.year}-12-breakdown.csv"'
    )
    rows = csv_rows(response)
    assert [
        (r["Line"], r["Band"], r["Declarations"], r["Rate (£)"], r["Amount (£)"], r["Total (£)"])
        for r in rows
    ] == [
        ("Started, band B", "B", "1", "96.00", "96.00", ""),
        ("Started, band C", "C", "2", "60.00", "120.00", ""),
        ("Service fee", "", "", "", "100.00", ""),
        ("Clawback: started, band C", "C", "1", "60.00", "-60.00", ""),
        ("Late data", "", "", "", "25.50", ""),
        ("Output fees", "", "", "", "", "216.00"),
        ("Service fee", "", "", "", "", "100.00"),
        ("Uplifts", "", "", "", "", "0.00"),
        ("Clawbacks", "", "", "", "", "-60.00"),
        ("Adjustments", "", "", "", "", "25.50"),
        ("Total before VAT", "", "", "", "", "281.50"),
        ("VAT", "", "", "", "", "0.00"),
        ("Total", "", "", "", "", "281.50"),
    ]
    # The lines add up to the total before VAT: nothing is counted twice.
    assert sum(Decimal(r["Amount (£)"]) for r in rows if r["Amount (£)"]) == Decimal("281.50")


def test_every_declaration_as_csv_adds_up_to_the_statement(finance_client, december):
    response = finance_client.get(reverse("finance_statement_declarations_csv", args=[december.pk]))
    rows = csv_rows(response)
    assert len(rows) == 5
    # £216 output less £60 clawed back, no uplifts: what the declarations add.
    assert sum(Decimal(row["Amount (£)"]) for row in rows) == Decimal("156.00")
    assert sorted((row["On this statement"], row["Band"], row["Amount (£)"]) for row in rows) == [
        ("Clawback", "C", "-60.00"),
        ("Payment", "B", "96.00"),
        ("Payment", "C", "60.00"),
        ("Payment", "C", "60.00"),
        ("Voided before payment", "", "0.00"),
    ]
    first = rows[0]
    declaration = Declaration.objects.get(api_id=first["Declaration ID"])
    assert first["Participant ID"] == str(declaration.teacher.api_id)
    assert first["TRN"] == declaration.teacher.trn
    assert first["Course"] == "ECT"


# --- Finding a declaration ------------------------------------------------------------------------------


def test_search_across_providers_by_trn_participant_or_declaration(finance_client, two_statements):
    declaration = Declaration.objects.filter(payment_statement=two_statements.statement(12)).first()
    teacher = declaration.teacher
    for q in (teacher.trn, str(teacher.api_id), str(declaration.api_id)):
        response = finance_client.get(reverse("finance_search"), {"q": q})
        text = text_of(response)
        assert "1 declaration for" in text, q
        assert "Started, ECT" in text and "Ambition Institute" in text and "Eligible" in text
        assert reverse("finance_declaration", args=[declaration.pk]) in response.content.decode()

    # The other provider's participant is found too.
    other = Declaration.objects.exclude(lead_provider=two_statements.lead_provider).get()
    response = finance_client.get(reverse("finance_search"), {"q": other.teacher.trn})
    assert other.lead_provider.name in text_of(response)


def test_search_says_what_to_type(finance_client, db):
    response = finance_client.get(reverse("finance_search"), {"q": ""})
    assert "Enter a declaration ID, participant ID or TRN" in response.content.decode()
    response = finance_client.get(reverse("finance_search"), {"q": "123"})
    page = response.content.decode()
    assert "<title>Error: " in page and 'value="123"' in page
    response = finance_client.get(reverse("finance_search"), {"q": "1234567"})
    assert "No declarations match 1234567" in text_of(response)


def test_a_declarations_page_shows_it_and_offers_to_void_it(finance_client, december):
    declaration = Declaration.objects.filter(payment_statement=december, payment_status="eligible").first()
    response = finance_client.get(reverse("finance_declaration", args=[declaration.pk]))
    text = text_of(response)
    assert "Started declaration" in text
    assert f"Declaration ID {declaration.api_id}" in text
    assert "Lead provider Ambition Institute" in text
    assert f"Statement December {december.year} statement" in text
    assert "Ambition Institute declared" in text  # its history
    assert reverse("finance_void", args=[declaration.pk, "start"]) in response.content.decode()

    voided = Declaration.objects.get(payment_statement=december, payment_status="voided")
    response = finance_client.get(reverse("finance_declaration", args=[voided.pk]))
    assert "Void this declaration" not in text_of(response)


def test_the_back_link_returns_to_the_finance_page_it_came_from(finance_client, december):
    declaration = Declaration.objects.filter(payment_statement=december).first()
    url = reverse("finance_declaration", args=[declaration.pk])
    came_from = reverse("finance_search") + "?q=1234567"
    assert f'href="{came_from}" class="govuk-back-link"' in finance_client.get(
        url, {"back": came_from}
    ).content.decode().replace("&amp;", "&")
    away = finance_client.get(url, {"back": "https://example.com/finance"}).content.decode()
    assert "example.com" not in away


# --- Contract periods ------------------------------------------------------------------------------------


def test_the_contract_period_page_shows_bands_filled_against_the_target(finance_client, two_statements):
    """Started: 6 ECTs paid less 1 clawed back = 5 live: A 2 of 2, B 2 of 2, C 1 of 2; the
    mentor is on the flat rate. Target 6."""
    response = finance_client.get(reverse("finance_contract_period", args=[two_statements.year]))
    text = text_of(response)
    assert "Ambition Institute" in text
    assert "Recruitment target 6" in text
    assert "Started so far 5 of 6" in text
    assert "Started 2 of 2 2 of 2 1 of 2 0" in text
    assert "Mentors paid at the flat rate" in text
    assert "Version 1" in text


def test_the_contract_periods_list(finance_client, two_statements):
    response = finance_client.get(reverse("finance_contract_periods"))
    assert reverse("finance_contract_period", args=[two_statements.year]) in response.content.decode()
    assert finance_client.get(reverse("finance_contract_period", args=[1999])).status_code == 404


# --- Queries per page ------------------------------------------------------------------------------------


def a_statement_with(world: World, ects: int):
    """`ects` ECTs paid on November and as many again on December, with two of November's clawed
    back there and an adjustment."""
    from tests.finance.helpers import pay

    school = world.school()
    for _ in range(ects):
        world.declare(world.ect(school))
    world.declare(world.mentor(school), mentor=True)
    november = pay(world.statement(11))
    for _ in range(ects):
        world.declare(world.ect(school))
    for declaration in Declaration.objects.filter(
        payment_statement=november, course_identifier="ecf-induction"
    )[:2]:
        world.void(declaration)
    services.add_adjustment(
        statement=world.statement(12), name="Late", amount=Decimal("1.00"), reason="Late", by=UserFactory()
    )
    return world.statement(12)


@pytest.mark.parametrize("ects", [3, 12])
def test_the_statement_page_costs_the_same_queries_however_many_declarations(
    finance_client, world, ects, django_assert_num_queries
):
    statement = a_statement_with(world, ects)
    url = reverse("finance_statement", args=[statement.pk])
    finance_client.get(url)
    # user, group; statement; contract and bands; four counts; adjustments; how many (the session
    # is read from the cache, and an unchanged one is not saved again: core/sessions.py)
    with django_assert_num_queries(11):
        assert finance_client.get(url).status_code == 200


@pytest.mark.parametrize("ects", [3, 12])
def test_the_declarations_list_costs_the_same_queries_however_many_declarations(
    finance_client, world, ects, django_assert_num_queries
):
    statement = a_statement_with(world, ects)
    url = reverse("finance_statement_declarations", args=[statement.pk])
    finance_client.get(url)
    # user, group; statement; contract and bands; four counts; band ends; count; page (the session
    # is read from the cache, and an unchanged one is not saved again: core/sessions.py)
    with django_assert_num_queries(12):
        response = finance_client.get(url, {"declaration_type": "started"})
    assert len(listed(response)) == ects + 2


def test_the_statements_list_costs_the_same_queries_however_many_declarations(
    finance_client, world, django_assert_num_queries
):
    a_statement_with(world, 4)
    add_contract(ActiveLeadProviderFactory(contract_period_id=world.year))
    url = reverse("finance_provider_statements", args=[world.lead_provider.pk, world.year])
    # user, group; provider; statements; contracts and bands; 2 counts, 2 uplifts, adjustments;
    # the contract today and its bands; the session saved (3)
    with django_assert_num_queries(16):
        finance_client.get(url)


def test_a_declarations_page_shows_what_it_adds_to_each_statement_it_is_on(finance_client, two_statements):
    """November's first ECT was paid in band A (started: £120) and clawed back on December's,
    off the highest band December filled (C: £60). December's first new ECT fills band B's
    last place (£96); the mentor is on the flat rate (half of £1,000 on started)."""
    november, december = two_statements.statement(11), two_statements.statement(12)
    clawed = Declaration.objects.get(clawback_statement=december)
    text = text_of(finance_client.get(reverse("finance_declaration", args=[clawed.pk])))
    assert f"Amount November {november.year} statement: £120.00 (band A)" in text
    assert f"December {december.year} statement: −£60.00 (band C)" in text

    first_in_december = (
        Declaration.objects.filter(payment_statement=december, payment_status="eligible")
        .order_by("created_at", "pk")
        .first()
    )
    text = text_of(finance_client.get(reverse("finance_declaration", args=[first_in_december.pk])))
    assert f"Amount December {december.year} statement: £96.00 (band B)" in text

    mentor = Declaration.objects.get(
        lead_provider=two_statements.lead_provider, course_identifier="ecf-mentor"
    )
    text = text_of(finance_client.get(reverse("finance_declaration", args=[mentor.pk])))
    assert f"Amount November {november.year} statement: £500.00" in text

    voided = Declaration.objects.get(payment_statement=december, payment_status="voided")
    text = text_of(finance_client.get(reverse("finance_declaration", args=[voided.pk])))
    assert "nothing (voided before payment)" in text


def test_a_declaration_that_cannot_be_voided_says_why_instead_of_offering_to(
    finance_client, world, service_clock
):
    """Paid in November; after the period's last statement there is nowhere to claw it back."""
    paid = world.declare(world.ect(world.school()))
    pay(world.statement(11))
    url = reverse("finance_declaration", args=[paid.pk])
    assert "Void this declaration" in text_of(finance_client.get(url))

    service_clock.move_to(moment(datetime.date(world.year + 3, 7, 1)))
    finance_client.force_login(staff_in("finance"))  # a new session: the last one idled out
    text = text_of(finance_client.get(url))
    assert "Void this declaration" not in text
    assert "You cannot void this declaration. It has been paid, and there is no open statement" in text
