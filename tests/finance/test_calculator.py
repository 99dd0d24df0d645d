"""The payment calculation from worked examples (docs/decisions/0035). Every expected figure is
worked out by hand in the comments from the rules, never by calling the code.

The small contract used throughout (up to 2024: ECTs and mentors share the bands):

    band  participants  price   output share  output per participant
    A     1–3           £1,000  60%           £600
    B     4–6           £800    60%           £480
    C     7–9           £600    60%           £360
    D     10–12         £500    100%          £500

Rate per declaration = output per participant × the type's share (started 20%, retained 15%):

    band  started  retained-1
    A     £120     £90
    B     £96      £72
    C     £72      £54
    D     £100     £75

Recruitment target 10, set-up fee £150, no monthly figure, so the service fee is worked out:
the target fills A (3), B (3), C (3) and one place of D; service shares 40% (D: 0%):
    A 3 × £1,000 × 40% = £1,200;  B 3 × £800 × 40% = £960;  C 3 × £600 × 40% = £720;  D £0
    = £2,880; less the set-up fee (the target fills all of A's 3 places, so all £150) = £2,730;
    ÷ 29 months = £94.137931… → £94.14.
Uplift £100. VAT applies."""

from decimal import Decimal

import pytest

from finance.calculator import (
    BEYOND,
    Adjustment,
    Band,
    ContractTerms,
    DeclarationCounts,
    RowKind,
    StatementInput,
    UpliftCounts,
    calculate_statement,
    monthly_service_fee,
    to_pence,
)

D = Decimal

BANDS = (
    Band("A", 1, 3, D("1000")),
    Band("B", 4, 6, D("800")),
    Band("C", 7, 9, D("600")),
    Band("D", 10, 12, D("500")),
)


def contract(**changes) -> ContractTerms:
    terms = {
        "type": "banded_with_uplifts",
        "recruitment_target": 10,
        "set_up_fee": D("150"),
        "monthly_service_fee": None,
        "uplift_amount": D("100"),
        "vat_applicable": True,
        "mentor_flat_rate": None,
        "bands": BANDS,
    }
    return ContractTerms(**(terms | changes))


def rows(calculation, kind) -> list[tuple]:
    """(description, count, rate, amount) of the rows of one kind, in order."""
    return [(row.description, row.count, row.rate, row.amount) for row in calculation.rows_of(kind)]


def fill(calculation, declaration_type) -> dict[str, tuple[int, int, int, int]]:
    """band → (opening, added, clawed back, closing) for one declaration type."""
    return {
        band.band: (band.opening, band.added, band.clawed_back, band.closing)
        for band in calculation.fill_for(declaration_type)
    }


# The first statement: 4 ECTs and 1 mentor start (they share the bands), 2 of the ECTs at
# pupil-premium or sparsity schools.
FIRST = StatementInput(
    declarations=(
        DeclarationCounts("ect", "started", billable=4),
        DeclarationCounts("mentor", "started", billable=1),
    ),
    uplifts=(UpliftCounts("ect", billable=2),),
)

# The second: the 5 started declarations of the first are earlier ones. 5 more ECTs and 1 more
# mentor start; 3 of the first statement's ECTs are voided (clawed back here), one of which had an
# uplift; one new starter has an uplift; 3 ECTs are retained; finance add £50.
SECOND = StatementInput(
    declarations=(
        DeclarationCounts("ect", "started", billable=5, refundable=3, earlier_billable=4),
        DeclarationCounts("mentor", "started", billable=1, earlier_billable=1),
        DeclarationCounts("ect", "retained-1", billable=3),
    ),
    uplifts=(UpliftCounts("ect", billable=1, refundable=1),),
    adjustments=(Adjustment("Late evidence accepted", D("50.00")),),
)


def test_first_statement_fills_band_a_then_band_b():
    calculation = calculate_statement(contract(), FIRST)

    # 5 started: the first 3 fill A (3 × £120 = £360), the next 2 go in B (2 × £96 = £192).
    assert rows(calculation, RowKind.OUTPUT) == [
        ("Started, band A", 3, D("120.00"), D("360.00")),
        ("Started, band B", 2, D("96.00"), D("192.00")),
    ]
    assert fill(calculation, "started") == {
        "A": (0, 3, 0, 3),
        "B": (0, 2, 0, 2),
        "C": (0, 0, 0, 0),
        "D": (0, 0, 0, 0),
        BEYOND: (0, 0, 0, 0),
    }
    # 2 uplifts × £100 = £200.
    assert rows(calculation, RowKind.UPLIFT) == [("Uplifts", 2, D("100.00"), D("200.00"))]
    totals = calculation.totals
    assert totals.output_fees == D("552.00")  # 360 + 192
    assert totals.service_fee == D("94.14")
    assert totals.uplifts == D("200.00")
    assert totals.clawbacks == D("0.00")
    assert totals.adjustments == D("0.00")
    # 552 + 94.14 + 200 = 846.14; VAT 20% = 169.228 → 169.23; total 1,015.37.
    assert totals.total_before_vat == D("846.14")
    assert totals.vat == D("169.23")
    assert totals.total == D("1015.37")


def test_second_statement_continues_from_the_first_and_claws_back_from_the_top():
    calculation = calculate_statement(contract(), SECOND)

    # Started: the earlier statement left A full (3) and 2 of B's 3. This one's 6 (5 ECTs + 1
    # mentor) take B's last place, all of C and 2 of D: positions 6 to 11. Its 3 clawbacks come
    # off the top: D's 2, then 1 of C. Each is priced at the band it comes off (D £100, C £72),
    # not at the £120 or £96 the voided declarations were paid.
    assert fill(calculation, "started") == {
        "A": (3, 0, 0, 3),
        "B": (2, 1, 0, 3),
        "C": (0, 3, 1, 2),
        "D": (0, 2, 2, 0),
        BEYOND: (0, 0, 0, 0),
    }
    # Retained-1 fills its own bands, from nothing: 3 in A at £90.
    assert fill(calculation, "retained-1")["A"] == (0, 3, 0, 3)
    assert rows(calculation, RowKind.OUTPUT) == [
        ("Started, band B", 1, D("96.00"), D("96.00")),
        ("Started, band C", 3, D("72.00"), D("216.00")),
        ("Started, band D", 2, D("100.00"), D("200.00")),
        ("Retained 1, band A", 3, D("90.00"), D("270.00")),
    ]
    assert rows(calculation, RowKind.CLAWBACK) == [
        ("Clawback: started, band C", 1, D("72.00"), D("-72.00")),
        ("Clawback: started, band D", 2, D("100.00"), D("-200.00")),
    ]
    # An uplift paid (£100) and one clawed back in full (−£100), whatever the band.
    assert rows(calculation, RowKind.UPLIFT) == [("Uplifts", 1, D("100.00"), D("100.00"))]
    assert rows(calculation, RowKind.UPLIFT_CLAWBACK) == [("Clawback: uplifts", 1, D("100.00"), D("-100.00"))]
    assert rows(calculation, RowKind.ADJUSTMENT) == [("Late evidence accepted", None, None, D("50.00"))]

    totals = calculation.totals
    assert totals.output_fees == D("782.00")  # 96 + 216 + 200 + 270
    assert totals.uplifts == D("100.00")
    assert totals.clawbacks == D("-372.00")  # −72 − 200 − 100
    assert totals.service_fee == D("94.14")
    assert totals.adjustments == D("50.00")
    # 782 + 100 − 372 + 94.14 + 50 = 654.14; VAT 130.828 → 130.83; total 784.97.
    assert totals.total_before_vat == D("654.14")
    assert totals.vat == D("130.83")
    assert totals.total == D("784.97")


def test_beyond_the_top_band_earns_nothing_and_is_clawed_back_first():
    # Earlier: 11 started paid, 3 clawed back: 8 live, so A 3, B 3, C 2. This statement: 6 more
    # start (positions 9 to 14): C's last place (£72), D's 3 (3 × £100), and 2 beyond D's max of
    # 12, which earn nothing. 3 are clawed back from the top: the 2 beyond (£0) and 1 of D
    # (−£100). 11 are live, and the bands hold 11 of them.
    statement = StatementInput(
        declarations=(
            DeclarationCounts(
                "ect", "started", billable=6, refundable=3, earlier_billable=11, earlier_refundable=3
            ),
        )
    )
    calculation = calculate_statement(contract(), statement)

    assert fill(calculation, "started") == {
        "A": (3, 0, 0, 3),
        "B": (3, 0, 0, 3),
        "C": (2, 1, 0, 3),
        "D": (0, 3, 1, 2),
        BEYOND: (0, 2, 2, 0),
    }
    assert rows(calculation, RowKind.OUTPUT) == [
        ("Started, band C", 1, D("72.00"), D("72.00")),
        ("Started, band D", 3, D("100.00"), D("300.00")),
        ("Started, beyond the top band", 2, D("0.00"), D("0.00")),
    ]
    assert rows(calculation, RowKind.CLAWBACK) == [
        ("Clawback: started, band D", 1, D("100.00"), D("-100.00")),
        ("Clawback: started, beyond the top band", 2, D("0.00"), D("0.00")),
    ]
    # 72 + 300 = 372 output; −100 clawed back; + 94.14 service = 366.14; VAT 73.228 → 73.23.
    assert calculation.totals.output_fees == D("372.00")
    assert calculation.totals.clawbacks == D("-100.00")
    assert calculation.totals.total_before_vat == D("366.14")
    assert calculation.totals.total == D("439.37")


def test_2025_mentors_are_paid_a_flat_rate_half_on_started_half_on_completed():
    # A 2025 contract: ECTs fill the bands alone, mentors are paid £1,000 each, £500 on started
    # and £500 on completed. The contract states a monthly service fee, £1,234.56, used as it
    # is. No uplifts, no VAT.
    terms = contract(
        type="ects_banded_mentors_flat",
        mentor_flat_rate=D("1000"),
        monthly_service_fee=D("1234.56"),
        uplift_amount=None,
        vat_applicable=False,
    )
    statement = StatementInput(
        declarations=(
            DeclarationCounts("ect", "started", billable=4),
            # Mentors fill no bands, however many there were before.
            DeclarationCounts("mentor", "started", billable=3, refundable=1, earlier_billable=20),
            DeclarationCounts("mentor", "completed", billable=1),
        ),
        # A mentor's flat rate carries no uplift.
        uplifts=(UpliftCounts("mentor", billable=2),),
    )
    calculation = calculate_statement(terms, statement)

    # ECTs: 4 started, A 3 × £120 = £360 and B 1 × £96 = £96.
    # Mentors: 3 started × £500 = £1,500, 1 completed × £500 = £500, 1 started clawed back −£500.
    assert rows(calculation, RowKind.OUTPUT) == [
        ("Started, band A", 3, D("120.00"), D("360.00")),
        ("Started, band B", 1, D("96.00"), D("96.00")),
        ("Mentors: started", 3, D("500.00"), D("1500.00")),
        ("Mentors: completed", 1, D("500.00"), D("500.00")),
    ]
    assert rows(calculation, RowKind.CLAWBACK) == [
        ("Clawback: mentors, started", 1, D("500.00"), D("-500.00"))
    ]
    assert rows(calculation, RowKind.UPLIFT) == []
    assert fill(calculation, "started")["B"] == (0, 1, 0, 1)
    # 360 + 96 + 1,500 + 500 = 2,456 output; −500; + 1,234.56 = 3,190.56; no VAT.
    assert calculation.totals.output_fees == D("2456.00")
    assert calculation.totals.service_fee == D("1234.56")
    assert calculation.totals.total_before_vat == D("3190.56")
    assert calculation.totals.vat == D("0.00")
    assert calculation.totals.total == D("3190.56")


def test_up_to_2024_mentors_share_the_bands_with_ects():
    # 2 ECTs and 2 mentors start on one statement: 4 in one stack, A 3 and B 1.
    statement = StatementInput(
        declarations=(
            DeclarationCounts("ect", "started", billable=2),
            DeclarationCounts("mentor", "started", billable=2),
        )
    )
    calculation = calculate_statement(contract(), statement)

    assert fill(calculation, "started")["A"] == (0, 3, 0, 3)
    assert fill(calculation, "started")["B"] == (0, 1, 0, 1)


def test_service_fee_nets_off_the_set_up_fee_for_the_first_bands_places_the_target_fills():
    # Target 2 fills 2 of A's 3 places: 2 × £1,000 × 40% = £800, less £150 × 2/3 = £100: £700;
    # ÷ 29 = £24.137931… → £24.14.
    assert monthly_service_fee(contract(recruitment_target=2)) == D("24.14")
    # Target 14 fills A, B, C and D (D's 3 places pay no service fee) and 2 beyond the bands,
    # which pay nothing: £2,880 − £150 = £2,730 ÷ 29 → £94.14, as with a target of 10.
    assert monthly_service_fee(contract(recruitment_target=14)) == D("94.14")


def test_a_monthly_service_fee_of_nothing_is_used_as_it_is():
    calculation = calculate_statement(contract(monthly_service_fee=D("0")), StatementInput())

    assert calculation.totals.service_fee == D("0.00")
    assert calculation.totals.total == D("0.00")


def test_a_rate_is_rounded_to_the_penny_half_up_and_a_row_is_its_count_times_the_rate():
    # Band A at £1,000.50: output £600.30; retained 15% = £90.045 → £90.05 (half up, not the
    # banker's £90.04); 3 retained-1 = 3 × £90.05 = £270.15 (not 3 × 90.045 = 270.135 → 270.14).
    # Started 20% = £120.06 exactly.
    bands = (Band("A", 0, 3, D("1000.50")),)
    terms = contract(bands=bands, recruitment_target=3, set_up_fee=D("0"), uplift_amount=None)
    statement = StatementInput(
        declarations=(
            DeclarationCounts("ect", "retained-1", billable=3),
            DeclarationCounts("ect", "started", billable=1),
        )
    )
    calculation = calculate_statement(terms, statement)

    assert rows(calculation, RowKind.OUTPUT) == [
        ("Started, band A", 1, D("120.06"), D("120.06")),
        ("Retained 1, band A", 3, D("90.05"), D("270.15")),
    ]
    # Service fee: 3 × £1,000.50 × 40% = £1,200.60 ÷ 29 = £41.4000… → £41.40.
    # 120.06 + 270.15 + 41.40 = 431.61; VAT 86.322 → 86.32; total 517.93.
    assert calculation.totals.service_fee == D("41.40")
    assert calculation.totals.vat == D("86.32")
    assert calculation.totals.total == D("517.93")


def test_vat_on_a_negative_statement_is_negative():
    # A statement of clawbacks only: 1 started clawed back at D's £100 (the earlier 10 filled A–C
    # and D's first place) and no service fee: −£100, VAT −£20, total −£120.
    statement = StatementInput(
        declarations=(DeclarationCounts("ect", "started", refundable=1, earlier_billable=10),)
    )
    calculation = calculate_statement(contract(monthly_service_fee=D("0")), statement)

    assert calculation.totals.total_before_vat == D("-100.00")
    assert calculation.totals.vat == D("-20.00")
    assert calculation.totals.total == D("-120.00")


def test_to_pence_rounds_half_a_penny_away_from_zero():
    assert to_pence(D("0.005")) == D("0.01")
    assert to_pence(D("0.0049")) == D("0.00")
    assert to_pence(D("-0.005")) == D("-0.01")
    assert to_pence(D("2.675")) == D("2.68")


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"set_up_fee": 150.0}, TypeError),  # a float is never money
        ({"uplift_amount": D("100.001")}, ValueError),  # nor a fraction of a penny
        ({"bands": (Band("A", 1, 3, D("1")), Band("B", 5, 6, D("1")))}, ValueError),  # a gap
        ({"bands": ()}, ValueError),
        ({"mentor_flat_rate": D("1000")}, ValueError),  # only from 2025
        ({"type": "ects_banded_mentors_flat"}, ValueError),  # 2025 needs the mentor rate
        ({"type": "something_else"}, ValueError),
    ],
)
def test_a_contract_that_makes_no_sense_is_refused(changes, problem):
    with pytest.raises(problem):
        contract(**changes)


def test_counts_that_cannot_happen_are_refused():
    with pytest.raises(ValueError, match="more clawbacks"):
        calculate_statement(
            contract(), StatementInput(declarations=(DeclarationCounts("ect", "started", refundable=1),))
        )
    with pytest.raises(ValueError, match="counted twice"):
        StatementInput(
            declarations=(
                DeclarationCounts("ect", "started"),
                DeclarationCounts("ect", "started", billable=1),
            )
        )
    with pytest.raises(ValueError, match="more uplifts"):
        StatementInput(uplifts=(UpliftCounts("ect", billable=1),))
    with pytest.raises(ValueError, match="flat rate"):
        terms = contract(type="ects_banded_mentors_flat", mentor_flat_rate=D("1000"))
        calculate_statement(
            terms, StatementInput(declarations=(DeclarationCounts("mentor", "retained-1", billable=1),))
        )


def test_the_calculator_needs_no_django():
    """It is a pure function of plain values: importing it loads nothing of Django's."""
    import subprocess
    import sys

    check = "import sys, finance.calculator; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
