"""Reading a bulk CSV file: what makes a whole file unusable (a message for the file field), and
each row's problems by column. No database, no TRS."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appropriate_bodies import bulk_csv
from appropriate_bodies.bulk_csv import CLAIMS, OUTCOMES, UnreadableFile, parse_row, read_file
from appropriate_bodies.services.terms import terms_problem
from tests.dates import THIS_YEAR

CLAIMS_HEADINGS = "TRN,Date of birth,Induction start date,Induction programme"
OUTCOMES_HEADINGS = "TRN,Date of birth,Induction end date,Number of terms,Outcome"


def claims_file(*lines: str, headings: str = CLAIMS_HEADINGS) -> bytes:
    return "\r\n".join([headings, *lines]).encode()


def parsed(kind: str, content: bytes) -> list[bulk_csv.ParsedRow]:
    rows = [parse_row(kind, row) for row in read_file(kind, content)]
    bulk_csv.repeated_trns(rows)
    return rows


def unreadable(kind: str, content: bytes) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_file(kind, content)
    return str(refused.value)


def test_a_good_claims_file_reads_into_values():
    (row,) = parsed(CLAIMS, claims_file(f"9990001,21/04/1996,01/09/{THIS_YEAR},Provider-led"))
    assert row.number == 2
    assert row.problems == []
    assert row.values == {
        "trn": "9990001",
        "date_of_birth": datetime.date(1996, 4, 21),
        "started_on": datetime.date(THIS_YEAR, 9, 1),
        "induction_programme": "provider_led",
    }
    assert "date_of_birth" not in row.typed  # what was typed is kept for the results, never the date of birth
    assert row.typed == {
        "trn": "9990001",
        "started_on": f"01/09/{THIS_YEAR}",
        "induction_programme": "Provider-led",
    }


def test_excels_byte_order_mark_headings_in_any_order_case_and_old_programme_names_are_accepted():
    content = "\ufeffinduction programme, dob ,TRN,Start date\r\nFIP,1996-04-21,99-90001,2026-09-01\r\n"
    (row,) = parsed(CLAIMS, content.encode())
    assert row.problems == []
    assert row.values["trn"] == "9990001"
    assert row.values["induction_programme"] == "provider_led"
    assert row.values["date_of_birth"] == datetime.date(1996, 4, 21)


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = claims_file(
        "",
        f"9990001,21/04/1996,01/09/{THIS_YEAR},school-led",
        ",,,",
        f"9990002,03/11/1998,01/09/{THIS_YEAR},DIY",
        "",
    )
    assert [row.number for row in parsed(CLAIMS, content)] == [3, 5]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (b"\r\n\r\n  \r\n", "The selected file is empty"),
        (CLAIMS_HEADINGS.encode(), "The selected file has no teachers in it"),
        (CLAIMS_HEADINGS.encode() + b"\r\n,,,\r\n", "The selected file has no teachers in it"),
        (b"x" * (100 * 1024 + 1), "The selected file must be smaller than 100 KB"),
        ("TRN,Date de naissance\n1234567,\xe9t\xe9\n".encode("latin-1"), "must be saved as UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "The selected file must be a CSV"),
        (b'TRN,"Date of birth\n', "The selected file must be a CSV"),
        (
            b"name,email\nAda,ada@example.org\n",
            "The first row must be the column headings TRN, Date of birth",
        ),
        (
            b"TRN,Date of birth,Induction start date\n1234567,1/1/1990,1/9/2025\n",
            "has no Induction programme",
        ),
        (claims_file(headings=CLAIMS_HEADINGS + ",Notes"), "remove the column Notes"),
        (claims_file(headings=CLAIMS_HEADINGS + ",TRN"), "each heading once"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(content, message):
    assert message in unreadable(CLAIMS, content)


def test_more_than_a_thousand_teachers_is_refused_but_a_thousand_is_fine():
    row = f"9990001,21/04/1996,01/09/{THIS_YEAR},provider-led"
    assert len(read_file(CLAIMS, claims_file(*[row] * 1000))) == 1000
    assert "at most 1,000 teachers; it has 1,001" in unreadable(CLAIMS, claims_file(*[row] * 1001))


def test_the_outcome_headings_are_asked_of_an_outcomes_file():
    assert "Induction end date, Number of terms, Outcome" in unreadable(OUTCOMES, claims_file())


def problems(kind: str, line: str, headings: str) -> list[dict[str, str]]:
    (row,) = parsed(kind, claims_file(line, headings=headings))
    return row.problems


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (f",21/04/1996,01/09/{THIS_YEAR},provider-led", "TRN", "Enter the TRN"),
        (f"12AB,21/04/1996,01/09/{THIS_YEAR},provider-led", "TRN", "The TRN must be 7 digits, like 1234567"),
        (f"9990001,,01/09/{THIS_YEAR},provider-led", "Date of birth", "Enter the date of birth"),
        (
            f"9990001,21st April,01/09/{THIS_YEAR},provider-led",
            "Date of birth",
            "Enter the date of birth as a date",
        ),
        (
            f"9990001,31/02/1996,01/09/{THIS_YEAR},provider-led",
            "Date of birth",
            "Enter the date of birth as a date",
        ),
        (f"9990001,01/01/{THIS_YEAR},01/09/{THIS_YEAR},provider-led", "Date of birth", "old enough to teach"),
        (
            "9990001,21/04/1996,September,provider-led",
            "Induction start date",
            "Enter the induction start date as",
        ),
        (f"9990001,21/04/1996,01/09/{THIS_YEAR},", "Induction programme", "Enter the induction programme"),
        (
            f"9990001,21/04/1996,01/09/{THIS_YEAR},online",
            "Induction programme",
            "must be provider-led or school-led",
        ),
        (
            f"9990001,21/04/1996,01/09/{THIS_YEAR},provider-led,extra",
            "",
            "more cells than there are column headings",
        ),
    ],
)
def test_each_claims_cell_that_cannot_be_used_is_a_problem_in_its_column(line, column, message):
    (problem,) = problems(CLAIMS, line, CLAIMS_HEADINGS)
    assert problem["column"] == column
    assert message in problem["message"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "Enter the number of terms"),
        ("six", "Number of terms must be a number, like 6 or 5.5"),
        ("1e1", "Number of terms must be a number, like 6 or 5.5"),
        ("Infinity", "Number of terms must be a number, like 6 or 5.5"),
        ("1_0", "Number of terms must be a number, like 6 or 5.5"),
        ("\u0661\u0662", "Number of terms must be a number, like 6 or 5.5"),  # Arabic-Indic 12
        ("5.25", "Number of terms can have at most one decimal place, like 5.5"),
        ("-1", "Number of terms must be between 0 and 16"),
        ("16.5", "Number of terms must be between 0 and 16"),
    ],
)
def test_the_number_of_terms_is_0_to_16_with_one_decimal_place(cell, message):
    (problem,) = problems(OUTCOMES, f"9990001,21/04/1996,18/07/{THIS_YEAR},{cell},pass", OUTCOMES_HEADINGS)
    assert problem == {"column": "Number of terms", "message": message}


@pytest.mark.parametrize(
    ("cell", "terms"), [(".5", "0.5"), ("5.", "5"), ("5.50", "5.5"), ("16", "16"), ("-0", "0")]
)
def test_the_number_of_terms_is_read_as_the_single_journeys_read_it(cell, terms):
    """One rule (services.terms): what the outcome and extension pages take, a file takes."""
    assert terms_problem(cell, least=Decimal(0)) is None
    (row,) = parsed(
        OUTCOMES, claims_file(f"9990001,21/04/1996,18/07/{THIS_YEAR},{cell},pass", headings=OUTCOMES_HEADINGS)
    )
    assert row.problems == []
    assert row.values["number_of_terms"] == Decimal(terms)


def test_an_outcomes_row_reads_terms_and_the_outcome():
    (row,) = parsed(
        OUTCOMES,
        claims_file(f"9990001,21/04/1996,{THIS_YEAR}-07-18,5.5,Released", headings=OUTCOMES_HEADINGS),
    )
    assert row.problems == []
    assert row.values["number_of_terms"] == Decimal("5.5")
    assert row.values["outcome"] == "release"
    (problem,) = problems(OUTCOMES, f"9990001,21/04/1996,18/07/{THIS_YEAR},6,deferred", OUTCOMES_HEADINGS)
    assert problem == {"column": "Outcome", "message": "The outcome must be pass, fail or release"}


def test_a_teacher_twice_in_one_file_is_a_problem_on_the_second_row():
    line = f"9990001,21/04/1996,01/09/{THIS_YEAR},provider-led"
    first, second = parsed(CLAIMS, claims_file(line, line.replace("9990001", "999-0001")))
    assert first.problems == []
    assert second.problems == [
        {"column": "TRN", "message": "This TRN is also in row 2: give each teacher one row"}
    ]


def test_the_template_reads_back_without_problems_and_the_results_never_start_a_formula():
    for kind in (CLAIMS, OUTCOMES):
        (row,) = parsed(kind, bulk_csv.template_csv(kind).encode())
        assert row.problems == []
    text = bulk_csv.as_csv(["TRN"], [["=HYPERLINK(1)"], ["\t=1+1"], ["\r=1+1"], ["1234567"]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["TRN"],
        ["'=HYPERLINK(1)"],
        ["'\t=1+1"],
        ["'\r=1+1"],
        ["1234567"],
    ]


# Anything at all uploaded is either read into rows or refused with a message: never another error.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.lists(
            st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), max_size=6),
            max_size=8,
        ).map(
            lambda rows: "\n".join([CLAIMS_HEADINGS] + [",".join(cells) for cells in rows]).encode("utf-8")
        ),
    )
)
def test_any_file_is_read_or_refused_with_a_message(content):
    try:
        rows = read_file(CLAIMS, content)
    except UnreadableFile as refused:
        assert str(refused)
        return
    for row in rows:
        parsed_row = parse_row(CLAIMS, row)
        assert all(problem["message"] for problem in parsed_row.problems)
        if any(value is None for value in parsed_row.values.values()):
            assert parsed_row.problems  # a value we could not read always says why
