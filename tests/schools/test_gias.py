import datetime
import re

import pytest

from schools import gias
from tests.dates import THIS_YEAR
from tests.schools.gias_files import COLUMNS, csv_bytes, gias_row

# --- parse_row ----------------------------------------------------------------------------------


def test_parse_row_maps_gias_columns_to_school_fields():
    school = gias.parse_row(
        gias_row(
            URN=" 995001 ",
            EstablishmentName="  Fictional   Primary School ",
            Street="1 Fictional Road",
            Locality="Headingley",
            OpenDate="01-09-2012",
            CloseDate=f"31/08/{THIS_YEAR + 4}",
            **{
                "Section41Approved (name)": "Approved",
                "EstablishmentStatus (name)": "Open, but proposed to close",
            },
        )
    )

    assert school == gias.GiasSchool(
        urn=995001,
        name="Fictional Primary School",
        establishment_type="Community school",
        status="Open, but proposed to close",
        region="Yorkshire and the Humber",
        section_41_approved=True,
        phase="Primary",
        local_authority="Leeds",
        address_line="1 Fictional Road, Headingley",
        town="Leeds",
        postcode="LS99 9ZZ",
        contact_email="office@fictional-primary.example.org",
        opened_on=datetime.date(2012, 9, 1),
        closed_on=datetime.date(THIS_YEAR + 4, 8, 31),
    )
    assert school.is_open is True
    assert school.funding_eligibility.eligible is True
    assert school.provided == {
        "urn", "name", "establishment_type", "status", "region", "section_41_approved",
        "phase", "local_authority", "address_line", "town", "postcode", "contact_email",
        "opened_on", "closed_on",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("status", "is_open"),
    [("Open", True), ("Open, but proposed to close", True), ("Closed", False), ("Proposed to open", False)],
)
def test_parse_row_decides_whether_the_school_is_open(status, is_open):
    school = gias.parse_row(gias_row(**{"EstablishmentStatus (name)": status}))

    assert school.is_open is is_open
    assert "is_open" not in school.school_values()  # the database derives it from the status


@pytest.mark.parametrize("value", ["Not approved", "Not applicable", ""])
def test_only_approved_counts_as_section_41_approved(value):
    assert gias.parse_row(gias_row(**{"Section41Approved (name)": value})).section_41_approved is False


def test_a_row_without_the_email_column_does_not_provide_an_email():
    row = gias_row()
    del row["MainEmail"]

    school = gias.parse_row(row)

    assert school.contact_email == ""
    assert "contact_email" not in school.provided
    assert "contact_email" not in school.school_values()


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"URN": ""}, "URN is missing"),
        ({"URN": "   "}, "URN is missing"),
        ({"URN": "ABC123"}, "URN 'ABC123' is not a number"),
        ({"URN": "-5"}, "URN '-5' is not a number"),
        ({"URN": "12.5"}, "URN '12.5' is not a number"),
        ({"URN": "0"}, "URN 0 is out of range"),
        ({"URN": "99999999999"}, "URN 99999999999 is out of range"),
        ({"EstablishmentName": ""}, "EstablishmentName is missing"),
        ({"EstablishmentName": "x" * 256}, "EstablishmentName is longer than 255 characters"),
        ({"Postcode": "LS99 9ZZ 123"}, "Postcode is longer than 10 characters"),
        (
            {"OpenDate": f"31-02-{THIS_YEAR - 6}"},
            f"OpenDate '31-02-{THIS_YEAR - 6}' is not a date in the form dd-mm-yyyy",
        ),
        (
            {"CloseDate": f"{THIS_YEAR - 2}-08-31"},
            f"CloseDate '{THIS_YEAR - 2}-08-31' is not a date in the form dd-mm-yyyy",
        ),
        ({"MainEmail": "not an email"}, "MainEmail 'not an email' is not a valid email address"),
        ({"MainEmail": "office@"}, "MainEmail 'office@' is not a valid email address"),
        (
            {"OpenDate": f"01-09-{THIS_YEAR - 6}", "CloseDate": f"31-08-{THIS_YEAR - 7}"},
            f"CloseDate 31-08-{THIS_YEAR - 7} is before OpenDate 01-09-{THIS_YEAR - 6}",
        ),
    ],
)
def test_parse_row_rejects_a_bad_row_with_a_short_reason(values, reason):
    with pytest.raises(gias.GiasRowError) as error:
        gias.parse_row(gias_row(**values))

    assert str(error.value) == reason


def test_parse_row_rejects_rows_with_too_many_or_too_few_values():
    too_long = {**gias_row(), None: ["extra", "values"]}
    too_short = {**gias_row(), "Section41Approved (name)": None, "GOR (name)": None}

    with pytest.raises(gias.GiasRowError, match="has 19 values but the header has 17 columns"):
        gias.parse_row(too_long)
    with pytest.raises(gias.GiasRowError, match="has 15 values but the header has 17 columns"):
        gias.parse_row(too_short)


# --- read_csv -----------------------------------------------------------------------------------


def test_read_csv_numbers_rows_by_the_line_they_start_on():
    data = csv_bytes(
        [
            gias_row(URN="995001"),
            gias_row(URN="995002", Street="Long Lane,\r\nUpper Town"),
            gias_row(URN="995003"),
        ]
    )
    data = data + b"\r\n" + csv_bytes([gias_row(URN="995004")]).split(b"\r\n", 1)[1]  # a blank line

    gias_csv = gias.read_csv(data)

    assert gias_csv.columns == tuple(COLUMNS)
    assert [(line, row["URN"]) for line, row in gias_csv.rows] == [
        (2, "995001"),
        (3, "995002"),
        (5, "995003"),
        (7, "995004"),
    ]


def test_read_csv_marks_short_and_long_rows_as_csv_dictreader_does():
    data = b"URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),GOR (name),Section41Approved (name)\r\n995001,Short\r\n995002,Long,a,b,c,d,e,f\r\n"

    rows = list(gias.read_csv(data).rows)

    assert rows[0][1]["GOR (name)"] is None
    assert rows[1][1][None] == ["e", "f"]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
)
def test_read_csv_reads_cp1252_and_utf8_with_or_without_a_bom(encoding, prefix):
    name = "St Mary\u2019s \u00c9cole"
    data = prefix + csv_bytes([gias_row(EstablishmentName=name)], encoding=encoding)

    gias_csv = gias.read_csv(data)

    assert gias_csv.columns[0] == "URN"
    assert [row["EstablishmentName"] for _, row in gias_csv.rows] == [name]


def test_read_csv_can_be_told_the_encoding():
    data = csv_bytes([gias_row(EstablishmentName="Caf\u00e9 School")], encoding="utf-8")

    [(_, row)] = gias.read_csv(data, encoding="cp1252").rows

    assert row["EstablishmentName"] == "Caf\u00c3\u00a9 School"  # what UTF-8 bytes read as cp1252 look like


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n", "is empty"),
        (
            b"URN,EstablishmentName\r\n\x81\x8d\r\n",
            "is not Windows-1252 (cp1252) text: line 2 has a byte that cannot be decoded",
        ),
        (b"URN,EstablishmentName\0\r\n", "contains NUL bytes"),
        (
            b"EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),GOR (name),"
            b"Section41Approved (name)\r\n",
            "has no URN column",
        ),
        (b"URN\r\n1\r\n", "has no EstablishmentName, TypeOfEstablishment (name), "),
        (b"URN;EstablishmentName\r\n", "has no URN, EstablishmentName, "),
    ],
)
def test_read_csv_rejects_files_it_cannot_import(data, message):
    with pytest.raises(gias.GiasFileError, match=re.escape(message)):
        gias.read_csv(data)


def test_read_csv_rejects_an_unknown_encoding():
    with pytest.raises(gias.GiasFileError, match="unknown encoding"):
        gias.read_csv(csv_bytes([gias_row()]), encoding="latin-9")


def test_read_csv_checks_the_encoding_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(gias, "CHUNK_SIZE", 5)  # splits the 3 bytes of a UTF-8 curly apostrophe
    names = [f"St Mary\u2019s {i}" for i in range(5)]
    data = csv_bytes(
        [gias_row(URN=str(995001 + i), EstablishmentName=name) for i, name in enumerate(names)],
        encoding="utf-8",
    )

    gias_csv = gias.read_csv(data)

    assert gias_csv.encoding == "utf-8"
    assert gias_csv.approximate_row_count == 5
    assert [row["EstablishmentName"] for _, row in gias_csv.rows] == names


def test_read_csv_says_which_line_has_a_byte_it_cannot_decode(monkeypatch):
    monkeypatch.setattr(gias, "CHUNK_SIZE", 7)
    data = csv_bytes([gias_row(URN="995001"), gias_row(URN="995002", Town="Le\x81ds")], encoding="latin-1")

    with pytest.raises(gias.GiasFileError, match=r"cp1252\) text: line 3 has a byte"):
        gias.read_csv(data)
    with pytest.raises(gias.GiasFileError, match=r"is not UTF-8 text: line 3 has a byte"):
        gias.read_csv(data, encoding="utf-8")
