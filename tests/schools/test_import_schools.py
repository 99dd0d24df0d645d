"""manage.py import_schools, end to end against PostgreSQL."""

import datetime
import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from audit.models import ActorType, Event
from core import clock
from schools import services
from schools.models import School
from tests.dates import THIS_YEAR
from tests.factories import SchoolFactory
from tests.schools.gias_files import BAD_ROWS, SAMPLE, gias_row, sample_rows, write_csv

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    """Run the command; return (stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_schools", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def all_school_rows():
    return [
        {**model_to_dict(school), "created_at": school.created_at, "updated_at": school.updated_at}
        for school in School.objects.order_by("urn")
    ]


def test_importing_the_sample_creates_every_school():
    output, _ = run_import(SAMPLE)

    assert School.objects.count() == 40
    assert output.strip().splitlines()[-1] == "40 created, 0 updated, 0 unchanged, 0 skipped"
    oakfield = School.objects.get(urn=990001)
    assert model_to_dict(oakfield, exclude=["id"]) == {
        "urn": 990001,
        "name": "Oakfield Primary School",
        "establishment_type": "Community school",
        "status": "Open",
        "phase": "Primary",
        "local_authority": "Leeds",
        "region": "Yorkshire and the Humber",
        "address_line": "Oakfield Road, Headingley",
        "town": "Leeds",
        "postcode": "LS99 2BJ",
        "contact_email": "office@oakfield-primary.example.org",
        "section_41_approved": False,
        "opened_on": None,
        "closed_on": None,
        "eligible_for_funding": True,
        "eligibility_decided_on": clock.today(),
        "last_chosen_training_programme": "",
        "last_chosen_lead_provider": None,
        "last_chosen_appropriate_body": None,
    }
    assert oakfield.is_open is True  # derived by the database (model_to_dict leaves it out)
    # The sample is cp1252, as GIAS writes it: curly apostrophes and accents survive.
    assert School.objects.get(urn=990002).name == "St Mary\u2019s Church of England Primary School"
    assert School.objects.get(urn=990032).name == "\u00c9cole Fran\u00e7aise de Fictionbury"


def test_importing_the_same_file_twice_leaves_identical_rows():
    run_import(SAMPLE)
    first = all_school_rows()

    output, _ = run_import(SAMPLE)

    assert all_school_rows() == first
    assert len(first) == 40
    assert output.strip() == "0 created, 0 updated, 40 unchanged, 0 skipped"


def test_a_reimport_with_a_changed_name_updates_that_school_only(tmp_path):
    run_import(SAMPLE)
    before = {row["urn"]: row for row in all_school_rows()}
    rows = sample_rows()
    rows[2]["EstablishmentName"] = "Brookside Academy and Sixth Form"

    output, _ = run_import(write_csv(tmp_path / "renamed.csv", rows))

    assert output.strip() == "0 created, 1 updated, 39 unchanged, 0 skipped"
    after = {row["urn"]: row for row in all_school_rows()}
    assert after.keys() == before.keys()
    brookside_before, brookside_after = before.pop(990003), after.pop(990003)
    assert brookside_after["name"] == "Brookside Academy and Sixth Form"
    assert brookside_after["updated_at"] > brookside_before["updated_at"]
    assert {**brookside_after, "name": None, "updated_at": None} == {
        **brookside_before,
        "name": None,
        "updated_at": None,
    }
    assert after == before


def test_statuses_decide_whether_a_school_is_open():
    run_import(SAMPLE)

    closed = School.objects.get(urn=990015)
    # The sample is a fixed extract: its dates are history, not relative to today.
    assert (closed.status, closed.is_open, closed.closed_on) == ("Closed", False, datetime.date(2024, 8, 31))
    proposed_to_close = School.objects.get(urn=990014)
    assert proposed_to_close.is_open is True
    assert proposed_to_close.closed_on == datetime.date(2026, 8, 31)
    proposed_to_open = School.objects.get(urn=990016)
    assert (proposed_to_open.is_open, proposed_to_open.opened_on) == (False, datetime.date(2026, 9, 1))


def test_an_open_school_that_closes_is_marked_closed_on_reimport(tmp_path):
    run_import(SAMPLE)
    rows = sample_rows()
    rows[0].update({"EstablishmentStatus (name)": "Closed", "CloseDate": f"31-12-{THIS_YEAR - 1}"})

    run_import(write_csv(tmp_path / "closed.csv", rows))

    oakfield = School.objects.get(urn=990001)
    assert (oakfield.status, oakfield.is_open, oakfield.closed_on) == (
        "Closed",
        False,
        datetime.date(THIS_YEAR - 1, 12, 31),
    )
    assert oakfield.eligible_for_funding is False


@pytest.mark.parametrize(
    ("urn", "eligible"),
    [
        (990001, True),  # community school
        (990003, True),  # academy converter
        (990014, True),  # open, but proposed to close
        (990015, False),  # closed
        (990016, False),  # proposed to open
        (990017, False),  # independent school
        (990018, True),  # section 41 approved independent special school
        (990019, False),  # Welsh establishment
        (990028, False),  # independent school, section 41 not approved
        (990040, False),  # British school overseas
    ],
)
def test_the_sample_schools_get_their_funding_eligibility(urn, eligible):
    run_import(SAMPLE)

    school = School.objects.get(urn=urn)
    assert school.eligible_for_funding is eligible
    assert school.eligibility_decided_on == clock.today()


def test_a_file_with_bad_rows_imports_the_good_ones_and_names_each_bad_line():
    output, _ = run_import(BAD_ROWS)

    assert sorted(School.objects.values_list("urn", flat=True)) == [991001, 991002, 991006, 991009]
    assert School.objects.get(urn=991001).name == "Good Row Primary School"  # not the later duplicate
    assert School.objects.get(urn=991006).address_line == "Long Lane, Upper Town"
    assert output.strip().splitlines() == [
        "Line 3: URN is missing",
        "Line 4: URN 'ABC123' is not a number",
        "Line 6: EstablishmentName is missing",
        "Line 7: OpenDate '31-02-2020' is not a date in the form dd-mm-yyyy",
        "Line 8: MainEmail 'not-an-email-address' is not a valid email address",
        "Line 9: URN 991001 is already on line 2",
        "Line 12: CloseDate 31-08-2019 is before OpenDate 01-09-2020",
        "Line 13: has 3 values but the header has 14 columns",
        "4 created, 0 updated, 0 unchanged, 8 skipped",
    ]


def test_a_changed_eligibility_on_reimport_is_updated_with_one_event(tmp_path):
    run_import(SAMPLE)
    School.objects.filter(urn=990001).update(eligibility_decided_on=datetime.date(THIS_YEAR - 2, 6, 1))
    rows = sample_rows()
    rows[0]["TypeOfEstablishment (name)"] = "Other independent school"  # was a community school

    output, _ = run_import(write_csv(tmp_path / "independent.csv", rows))

    school = School.objects.get(urn=990001)
    assert school.eligible_for_funding is False
    assert school.eligibility_decided_on == clock.today()
    event = Event.objects.get()
    assert event.event_type == "school_funding_eligibility_changed"
    assert event.school == school
    assert event.changes == {"eligible_for_funding": [True, False]}
    assert (event.actor_type, event.actor_name, event.actor_user) == (ActorType.SYSTEM, "GIAS import", None)
    assert event.heading == "No longer eligible for funded training after a GIAS update"
    assert "Other independent school" in event.reason
    assert output.strip() == "0 created, 1 updated, 39 unchanged, 0 skipped (1 funding eligibility changed)"

    # Importing the same file again changes nothing and records nothing more.
    run_import(tmp_path / "independent.csv")
    assert Event.objects.count() == 1


def test_a_school_becoming_eligible_records_the_change_the_other_way(tmp_path):
    SchoolFactory(
        urn=995001, eligible_for_funding=False, eligibility_decided_on=datetime.date(THIS_YEAR - 2, 6, 1)
    )

    run_import(write_csv(tmp_path / "one.csv", [gias_row(URN="995001")]))

    event = Event.objects.get()
    assert event.changes == {"eligible_for_funding": [False, True]}
    assert event.heading == "Became eligible for funded training after a GIAS update"
    school = School.objects.get(urn=995001)
    assert (school.eligible_for_funding, school.eligibility_decided_on) == (True, clock.today())


def test_an_unchanged_eligibility_keeps_the_date_it_was_decided(tmp_path):
    SchoolFactory(
        urn=995001, eligible_for_funding=True, eligibility_decided_on=datetime.date(THIS_YEAR - 2, 6, 1)
    )

    run_import(write_csv(tmp_path / "one.csv", [gias_row(URN="995001", EstablishmentName="Renamed")]))

    school = School.objects.get(urn=995001)
    assert (school.name, school.eligibility_decided_on) == ("Renamed", datetime.date(THIS_YEAR - 2, 6, 1))
    assert not Event.objects.exists()


def test_an_eligibility_change_and_its_event_are_one_transaction(tmp_path, monkeypatch):
    SchoolFactory(
        urn=995001, eligible_for_funding=True, eligibility_decided_on=datetime.date(THIS_YEAR - 2, 6, 1)
    )

    def broken_record_event(**kwargs):
        raise RuntimeError("the event log is unavailable")

    monkeypatch.setattr(services, "record_event", broken_record_event)

    with pytest.raises(RuntimeError):
        run_import(
            write_csv(
                tmp_path / "closed.csv", [gias_row(URN="995001", **{"EstablishmentStatus (name)": "Closed"})]
            )
        )

    school = School.objects.get(urn=995001)
    assert (school.status, school.eligible_for_funding) == ("Open", True)


def test_a_file_without_an_email_column_leaves_emails_empty_and_keeps_existing_ones(tmp_path):
    SchoolFactory(urn=995001, contact_email="head@existing.example.org")
    columns = [column for column in gias_row() if column != "MainEmail"]

    run_import(
        write_csv(
            tmp_path / "no-email.csv", [gias_row(URN="995001"), gias_row(URN="995002")], columns=columns
        )
    )

    assert School.objects.get(urn=995001).contact_email == "head@existing.example.org"
    assert School.objects.get(urn=995002).contact_email == ""


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
)
def test_non_ascii_names_import_from_cp1252_and_utf8_files(tmp_path, encoding, bom):
    names = [
        "St Mary\u2019s Catholic Primary School",
        "Ysgol Gymraeg Bro Dinefwr",
        "\u00c9cole Saint-Andr\u00e9",
    ]
    rows = [gias_row(URN=str(995001 + i), EstablishmentName=name) for i, name in enumerate(names)]
    path = tmp_path / "names.csv"
    path.write_bytes(bom + write_csv(path, rows, encoding=encoding).read_bytes())

    run_import(path)

    assert list(School.objects.order_by("urn").values_list("name", flat=True)) == names


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read"),
        (b"", "is empty"),
        (b"EstablishmentName,Town\r\nA School,Leeds\r\n", "has no URN, "),
        (
            b"URN,TypeOfEstablishment (name),EstablishmentStatus (name),GOR (name),Section41Approved (name)\r\n"
            b"995001,Community school,Open,London,Not applicable\r\n",
            "has no EstablishmentName column",
        ),
        (b"URN,EstablishmentName\r\n\x81\x8d\r\n", "is not Windows-1252"),
    ],
)
def test_a_file_that_cannot_be_imported_raises_command_error(tmp_path, content, message):
    path = tmp_path / "schools.csv"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run_import(path)
    assert not School.objects.exists()


def test_a_file_whose_every_row_is_bad_raises_command_error(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [gias_row(URN=""), gias_row(URN="X")])

    with pytest.raises(CommandError, match="No schools imported"):
        run_import(path)


def test_a_file_with_a_header_and_no_rows_raises_command_error(tmp_path):
    path = write_csv(tmp_path / "header-only.csv", [], columns=list(gias_row()))

    with pytest.raises(CommandError, match="has no rows"):
        run_import(path)


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(tmp_path, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as five_rows:
        run_import(write_csv(tmp_path / "five.csv", sample_rows()[:5]))
    School.objects.all().delete()

    # SAVEPOINT, SELECT ... FOR UPDATE, INSERT, RELEASE SAVEPOINT (the test runs in a transaction).
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as forty_rows:
        run_import(SAMPLE)
    assert School.objects.count() == 40
    assert len(five_rows) == len(forty_rows)

    rows = sample_rows()
    for row in rows:
        row["EstablishmentName"] += " (renamed)"
    with django_assert_max_num_queries(4):  # SAVEPOINT, SELECT, UPDATE, RELEASE SAVEPOINT
        run_import(write_csv(tmp_path / "renamed.csv", rows))
    assert School.objects.filter(name__endswith="(renamed)").count() == 40


def test_queries_grow_with_batches_not_rows():
    with CaptureQueriesContext(connection) as queries:
        output, _ = run_import(SAMPLE, "--batch-size", "10")

    assert output.strip() == "40 created, 0 updated, 0 unchanged, 0 skipped"
    assert len(queries) == 4 * 4  # four batches of 10 rows, four queries each
    assert School.objects.count() == 40


@pytest.mark.parametrize("batch_size", ["0", "-1"])
def test_a_batch_size_below_one_raises_command_error(batch_size):
    with pytest.raises(
        CommandError, match=f"--batch-size: the batch size must be at least 1, not {batch_size}"
    ):
        run_import(SAMPLE, "--batch-size", batch_size)
    assert not School.objects.exists()


def test_no_progress_bar_when_stderr_is_not_a_terminal_or_with_no_progress(capsys, monkeypatch):
    run_import(SAMPLE)
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_import(SAMPLE, "--no-progress")
    assert terminal.getvalue() == ""

    run_import(SAMPLE)
    assert "rows" in terminal.getvalue()
    assert "40/40" in terminal.getvalue()
