"""Schools' pupil premium and sparsity flags from a CSV file: every problem a file can have, by
row and column; what an import adds and changes (and leaves alone); importing again; the event;
the management command; and the sample file in the repository.

The years here are contract rules, not dates: flags are for contract periods up to
LAST_YEAR_WITH_UPLIFTS, whatever day the tests run."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import ActorType, Event
from audit.services import Actor
from demo.named_schools import NAMED_SCHOOLS
from participants.models import ParticipantChange
from providers.models import LAST_YEAR_WITH_UPLIFTS
from schools import funding_flags, services
from schools.funding_flags import Problem, UnreadableFile
from schools.models import FundingFlagsUpload, SchoolFundingFlags
from tests.factories import ContractPeriodFactory, ECTAtSchoolPeriodFactory, SchoolFactory, UserFactory

LAST = LAST_YEAR_WITH_UPLIFTS  # the last contract period that paid uplifts
EARLIER = LAST - 1
HEADINGS = "URN,Contract period,Pupil premium uplift,Sparsity uplift"
SAMPLE = Path(__file__).resolve().parents[2] / "schools" / "data" / "funding_flags_sample.csv"


def csv_file(*lines: str, headings: str = HEADINGS) -> bytes:
    return "\r\n".join([headings, *lines]).encode()


def problems_of(content: bytes) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in funding_flags.check_file(content).problems]


def unreadable(content: bytes) -> str:
    with pytest.raises(UnreadableFile) as refused:
        funding_flags.read_file(content)
    return str(refused.value)


@pytest.fixture
def periods(db):
    return ContractPeriodFactory(year=EARLIER), ContractPeriodFactory(year=LAST)


@pytest.fixture
def ashby(db):
    return SchoolFactory(urn=100001, name="Ashby Primary School")


@pytest.fixture
def brook(db):
    return SchoolFactory(urn=100002, name="Brook Academy")


@pytest.fixture
def finance_user(db):
    return UserFactory(is_staff=True, full_name="Fin Ance")


def flags() -> set[tuple[int, int, bool, bool]]:
    return set(
        SchoolFundingFlags.objects.values_list(
            "school__urn", "contract_period_id", "pupil_premium", "sparsity"
        )
    )


def import_file(content: bytes, *, user=None, file_name="flags.csv"):
    upload = services.save_funding_flags_upload(content=content, file_name=file_name, uploaded_by=user)
    actor = Actor.dfe_staff(user) if user else services.FUNDING_FLAGS_COMMAND
    return services.import_funding_flags(upload=upload, actor=actor)


# --- The file as a whole ---------------------------------------------------------------------------


def test_headings_in_any_order_case_or_spacing_and_the_dfes_own_names_are_read():
    ecf1 = csv_file(
        f"100001,1,0,{LAST}", headings="urn,Pupil Premium Incentive,Sparsity Incentive,Contract Period"
    )
    ecf2 = csv_file(
        f"{LAST},100001,true,false",
        headings="contract_period_year,school_urn,pupil_premium_uplift,sparsity_uplift",
    )
    for content in (ecf1, ecf2):
        rows, problems = funding_flags.read_file(content)
        assert problems == []
        assert [(r.number, r.urn, r.year, r.pupil_premium, r.sparsity) for r in rows] == [
            (2, 100001, LAST, True, False)
        ]


def test_a_byte_order_mark_is_not_a_heading():
    rows, problems = funding_flags.read_file(b"\xef\xbb\xbf" + csv_file(f"100001,{LAST},no,yes"))
    assert problems == []
    assert [(r.urn, r.pupil_premium, r.sparsity) for r in rows] == [(100001, False, True)]


@pytest.mark.parametrize(
    "content",
    [
        csv_file(f"100001,{LAST},no,no", f"100002,{LAST},sí,no").replace(
            "í".encode(), b"\xed"
        ),  # Windows-1252
        "\ufeff".encode("utf-16-le") + csv_file(f"100001,{LAST},no,no").decode().encode("utf-16-le"),
    ],
    ids=["cp1252", "utf-16"],
)
def test_a_file_not_saved_as_utf_8_is_refused(content):
    assert unreadable(content) == (
        "The selected file must be saved as UTF-8: in Excel, choose “CSV UTF-8” when you save it"
    )


def test_a_file_over_5_mb_is_refused():
    row = f"100001,{LAST},no,no\r\n".encode()
    content = csv_file() + b"\r\n" + row * (funding_flags.MAX_BYTES // len(row) + 1)
    assert unreadable(content) == "The selected file must be smaller than 5 MB"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (b"\r\n , \r\n", "The selected file is empty"),
        (
            csv_file(),
            "The selected file has no schools in it: add a row for each school and contract period below the headings",
        ),
        (b"PK\x03\x04\x00\x00 a spreadsheet", "The selected file must be a CSV"),
        (
            csv_file(f'100001,"{LAST},no,no'),
            "The selected file must be a CSV: we could not read its rows",
        ),
    ],
    ids=["empty", "blank", "headings only", "binary", "bad quotes"],
)
def test_a_file_that_is_not_a_csv_of_schools_is_refused(content, message):
    assert unreadable(content) == message


HEADINGS_WANTED = (
    "The first row must be the column headings URN, Contract period, Pupil premium uplift, Sparsity uplift"
)


@pytest.mark.parametrize(
    ("headings", "message"),
    [
        ("school,when,free meals,rural", f"{HEADINGS_WANTED}: use the template"),
        (
            "URN,Contract period,Pupil premium uplift",
            f"{HEADINGS_WANTED}: the file has no Sparsity uplift column",
        ),
        ("URN,Pupil premium,Sparsity", f"{HEADINGS_WANTED}: the file has no Contract period column"),
        (f"{HEADINGS},Notes", f"{HEADINGS_WANTED}: remove the column Notes"),
        (f"{HEADINGS},Sparsity", f"{HEADINGS_WANTED}: each heading once"),
    ],
    ids=["none", "missing", "misspelt", "unknown", "repeated"],
)
def test_wrong_or_missing_headings_are_refused(headings, message):
    assert unreadable(csv_file(f"100001,{LAST},no,no", headings=headings)) == message


# --- Each row ------------------------------------------------------------------------------------


def test_every_problem_in_a_row_is_listed_by_row_and_column_with_blank_lines_keeping_their_numbers():
    content = csv_file(
        f"100001,{LAST},yes,no",  # row 2: good
        "",  # row 3: blank, skipped
        f",{LAST},yes,no",  # row 4
        f"10000A,{LAST},yes,no",  # row 5
        "100003,,yes,no",  # row 6
        "100004,twenty,yes,no",  # row 7
        f"100005,{LAST + 1},yes,no",  # row 8: a contract period that pays no uplifts
        f"100006,{LAST},,maybe",  # row 9
        f"100007,{LAST},no,no,extra",  # row 10
        f"100001,{LAST},no,no",  # row 11: row 2's school and year again
        f"100001,{EARLIER},no,no",  # row 12: the same school another year is fine
    )

    rows, problems = funding_flags.read_file(content)

    assert [row.number for row in rows] == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert (rows[0].urn, rows[0].year, rows[0].pupil_premium, rows[0].sparsity) == (100001, LAST, True, False)
    assert (rows[1].urn, rows[1].year) == (None, LAST)  # what could be read of a row with a problem
    assert [(p.row, p.column, p.message) for p in problems] == [
        (4, "URN", "Enter the school’s URN"),
        (5, "URN", "The URN must be a number, like 100000, not “10000A”"),
        (6, "Contract period", f"Enter the contract period, like {LAST}"),
        (7, "Contract period", f"The contract period must be the year it starts, like {LAST}, not “twenty”"),
        (
            8,
            "Contract period",
            f"Contract period {LAST + 1} pays no uplifts: these flags are for contract periods up to {LAST}",
        ),
        (9, "Pupil premium uplift", "Enter yes or no for the pupil premium uplift"),
        (9, "Sparsity uplift", "The sparsity uplift must be yes or no (or 1 or 0), not “maybe”"),
        (10, "", "This row has more cells than there are column headings"),
        (
            11,
            "URN",
            f"URN 100001 is also in row 2 for contract period {LAST}: give each school one row a year",
        ),
    ]
    assert str(problems[0]) == "Row 4, URN: Enter the school’s URN"
    assert str(problems[7]) == "Row 10: This row has more cells than there are column headings"


@pytest.mark.parametrize("answer", ["yes", "YES", "y", "1", "true", "True"])
def test_yes_is_written_in_several_ways(answer):
    rows, problems = funding_flags.read_file(csv_file(f"100001,{LAST},{answer},no"))
    assert problems == [] and rows[0].pupil_premium is True


def test_an_unknown_school_or_contract_period_is_a_problem_on_its_row(periods, ashby):
    ContractPeriodFactory(year=EARLIER - 2)  # a period we hold; EARLIER - 1 we do not
    content = csv_file(
        f"100001,{LAST},yes,no",
        f"999999,{LAST},yes,no",
        f"100001,{EARLIER - 1},yes,no",
        f"999999,{EARLIER - 1},no,no",
    )

    assert problems_of(content) == [
        (3, "URN", "We have no school with URN 999999: check it in GIAS, or remove the row"),
        (4, "Contract period", f"There is no contract period {EARLIER - 1}"),
        (5, "URN", "We have no school with URN 999999: check it in GIAS, or remove the row"),
        (5, "Contract period", f"There is no contract period {EARLIER - 1}"),
    ]


def test_a_file_with_any_problem_imports_nothing(periods, ashby, finance_user):
    upload = FundingFlagsUpload.objects.create(
        uploaded_by=finance_user,
        file_name="flags.csv",
        content=csv_file(f"100001,{LAST},yes,no", f"999999,{LAST},yes,no").decode(),
        sha256="0" * 64,
    )

    with pytest.raises(services.FundingFlagsFileHasProblems) as refused:
        services.import_funding_flags(upload=upload, actor=Actor.dfe_staff(finance_user))

    assert [str(p) for p in refused.value.checked.problems] == [
        "Row 3, URN: We have no school with URN 999999: check it in GIAS, or remove the row"
    ]
    assert flags() == set()
    assert not Event.objects.filter(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT).exists()
    upload.refresh_from_db()
    assert upload.imported_at is None


# --- Importing --------------------------------------------------------------------------------------


def test_what_a_file_would_change_is_worked_out_before_anything_is_written(periods, ashby, brook):
    SchoolFundingFlags.objects.create(school=ashby, contract_period=periods[1], pupil_premium=True)
    SchoolFundingFlags.objects.create(school=brook, contract_period=periods[1], sparsity=True)
    SchoolFactory(urn=100003).funding_flags.create(contract_period=periods[1], pupil_premium=True)

    checked = funding_flags.check_file(
        csv_file(f"100001,{LAST},yes,no", f"100002,{LAST},yes,no", f"100002,{EARLIER},no,yes")
    )

    assert checked.problems == []
    assert [(c.number, c.urn, c.year, c.before, c.after) for c in checked.changes] == [
        (3, 100002, LAST, (False, True), (True, False)),
        (4, 100002, EARLIER, None, (False, True)),
    ]
    earlier, last = checked.years
    assert (earlier.year, earlier.rows, earlier.added, earlier.changed, earlier.unchanged) == (
        EARLIER,
        1,
        1,
        0,
        0,
    )
    assert (last.year, last.rows, last.added, last.changed, last.unchanged) == (LAST, 2, 0, 1, 1)
    # Over every school: 100003, not in the file, keeps its pupil premium flag.
    assert (last.pupil_premium_before, last.pupil_premium_after) == (2, 3)
    assert (last.sparsity_before, last.sparsity_after) == (1, 0)
    assert (earlier.sparsity_before, earlier.sparsity_after) == (0, 1)
    assert SchoolFundingFlags.objects.count() == 3  # nothing written


def test_an_import_adds_and_changes_flags_and_schools_not_in_the_file_keep_theirs(
    periods, ashby, brook, finance_user
):
    SchoolFundingFlags.objects.create(school=ashby, contract_period=periods[1], pupil_premium=True)
    SchoolFundingFlags.objects.create(school=brook, contract_period=periods[1], sparsity=True)
    SchoolFactory(urn=100003).funding_flags.create(contract_period=periods[0], sparsity=True)

    checked = import_file(
        csv_file(
            f"100001,{LAST},no,no",  # changed: its uplift taken away
            f"100002,{LAST},yes,yes",  # changed
            f"100001,{EARLIER},yes,no",  # added
            f"100002,{EARLIER},no,no",  # added, with neither flag, as the file says
        ),
        user=finance_user,
    )

    assert (len(checked.added), len(checked.changed), checked.unchanged) == (2, 2, 0)
    assert flags() == {
        (100001, LAST, False, False),
        (100002, LAST, True, True),
        (100001, EARLIER, True, False),
        (100002, EARLIER, False, False),
        (100003, EARLIER, False, True),  # not in the file: kept as it was
    }


def test_an_import_records_one_event_with_each_periods_counts_before_and_after(
    periods, ashby, brook, finance_user
):
    SchoolFundingFlags.objects.create(school=ashby, contract_period=periods[1], pupil_premium=True)

    import_file(
        csv_file(f"100001,{LAST},yes,no", f"100002,{LAST},yes,yes", f"100002,{EARLIER},no,yes"),
        user=finance_user,
        file_name="pupil-premium-and-sparsity.csv",
    )

    event = Event.objects.get(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT)
    upload = FundingFlagsUpload.objects.get()
    assert event.heading == (
        "Pupil premium and sparsity flags imported: 2 added, 0 changed, 1 already so, "
        "from pupil-premium-and-sparsity.csv"
    )
    assert (event.actor_type, event.actor_user) == (ActorType.DFE_STAFF, finance_user)
    assert (event.subject_type, event.subject_id) == ("fundingflagsupload", upload.pk)
    assert event.changes == {
        f"{EARLIER} pupil premium schools": [0, 0],
        f"{EARLIER} sparsity schools": [0, 1],
        f"{LAST} pupil premium schools": [1, 2],
        f"{LAST} sparsity schools": [0, 1],
    }
    assert upload.imported_at is not None
    assert upload.file_name == "pupil-premium-and-sparsity.csv"
    assert len(upload.sha256) == 64


def test_importing_the_same_file_again_changes_nothing_and_tells_no_lead_provider(
    periods, ashby, finance_user
):
    teacher = ECTAtSchoolPeriodFactory(school=ashby).teacher
    content = csv_file(f"100001,{LAST},yes,no", f"100001,{EARLIER},no,yes")
    changes_before = ParticipantChange.objects.filter(teacher=teacher).count()

    import_file(content, user=finance_user)
    after_first = flags()
    changes_after_first = ParticipantChange.objects.filter(teacher=teacher).count()
    checked = import_file(content, user=finance_user)

    assert changes_after_first > changes_before  # the school's teachers are stamped for the API
    assert flags() == after_first == {(100001, LAST, True, False), (100001, EARLIER, False, True)}
    assert (len(checked.added), len(checked.changed), checked.unchanged) == (0, 0, 2)
    assert ParticipantChange.objects.filter(teacher=teacher).count() == changes_after_first
    assert Event.objects.filter(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT).count() == 2


def test_an_upload_is_imported_once(periods, ashby, finance_user):
    upload = services.save_funding_flags_upload(
        content=csv_file(f"100001,{LAST},yes,no"), file_name="flags.csv", uploaded_by=finance_user
    )
    services.import_funding_flags(upload=upload, actor=Actor.dfe_staff(finance_user))

    with pytest.raises(services.FundingFlagsAlreadyImported):
        services.import_funding_flags(upload=upload, actor=Actor.dfe_staff(finance_user))
    assert Event.objects.filter(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT).count() == 1


def test_a_newer_upload_replaces_the_same_persons_upload_not_yet_imported(periods, ashby, finance_user):
    other = UserFactory(is_staff=True)
    first = services.save_funding_flags_upload(
        content=csv_file(f"100001,{LAST},yes,no"), file_name="first.csv", uploaded_by=finance_user
    )
    theirs = services.save_funding_flags_upload(
        content=csv_file(f"100001,{LAST},no,no"), file_name="theirs.csv", uploaded_by=other
    )
    second = services.save_funding_flags_upload(
        content=b"\xef\xbb\xbf" + csv_file(f"100001,{LAST},no,yes"),
        file_name="second.csv",
        uploaded_by=finance_user,
    )

    assert set(FundingFlagsUpload.objects.all()) == {theirs, second}
    assert not FundingFlagsUpload.objects.filter(pk=first.pk).exists()
    assert second.content == csv_file(f"100001,{LAST},no,yes").decode()  # kept without the byte order mark


# --- The management command ------------------------------------------------------------------------


def test_the_command_imports_a_file_with_the_same_service(periods, ashby, brook, tmp_path):
    SchoolFundingFlags.objects.create(school=ashby, contract_period=periods[1], pupil_premium=True)
    path = tmp_path / "flags.csv"
    path.write_bytes(csv_file(f"100001,{LAST},no,yes", f"100002,{LAST},yes,no"))
    out = StringIO()

    call_command("import_funding_flags", str(path), stdout=out)

    assert flags() == {(100001, LAST, False, True), (100002, LAST, True, False)}
    assert out.getvalue().splitlines() == [
        f"Contract period {LAST}: 2 rows, 1 added, 1 changed, 0 already so; pupil premium schools 1 → 1, "
        "sparsity schools 0 → 1",
        "Imported. 1 added, 1 changed, 0 already so.",
    ]
    event = Event.objects.get(event_type=services.FUNDING_FLAGS_IMPORTED_EVENT)
    assert (event.actor_type, event.actor_name) == (ActorType.SYSTEM, "import_funding_flags command")
    assert FundingFlagsUpload.objects.get().uploaded_by is None


def test_the_command_only_checks_with_check(periods, ashby, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_bytes(csv_file(f"100001,{LAST},yes,no"))
    out = StringIO()

    call_command("import_funding_flags", str(path), "--check", stdout=out)

    assert flags() == set()
    assert (
        out.getvalue().splitlines()[-1]
        == "Checked: nothing imported. 1 would be added, 0 would be changed, 0 already so."
    )
    assert not FundingFlagsUpload.objects.exists()


def test_the_command_lists_every_problem_and_imports_nothing(periods, ashby, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_bytes(csv_file(f"100001,{LAST},yes,no", f"999999,{LAST},maybe,no"))
    err = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_funding_flags", str(path), stderr=err)

    assert str(refused.value) == f"Nothing imported: {path} has 2 problems (listed above)"
    assert err.getvalue().splitlines() == [
        "Row 3, URN: We have no school with URN 999999: check it in GIAS, or remove the row",
        "Row 3, Pupil premium uplift: The pupil premium uplift must be yes or no (or 1 or 0), not “maybe”",
    ]
    assert flags() == set()


def test_the_command_refuses_an_unreadable_or_missing_file(db, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_bytes("URN;Année\r\n".encode("cp1252"))

    with pytest.raises(CommandError, match="must be saved as UTF-8"):
        call_command("import_funding_flags", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_funding_flags", str(tmp_path / "missing.csv"))


# --- The sample in the repository ------------------------------------------------------------------


def test_the_sample_file_flags_the_readmes_named_schools_up_to_the_last_year_with_uplifts(db):
    rows = list(csv.DictReader(SAMPLE.read_text().splitlines()))
    named = {school.urn for school in NAMED_SCHOOLS}
    assert {int(row["URN"]) for row in rows} <= named
    assert max(int(row["Contract period"]) for row in rows) == LAST

    for year in sorted({int(row["Contract period"]) for row in rows}):
        ContractPeriodFactory(year=year)
    for urn in {int(row["URN"]) for row in rows}:
        SchoolFactory(urn=urn)
    out = StringIO()
    call_command("import_funding_flags", str(SAMPLE), stdout=out)

    assert SchoolFundingFlags.objects.count() == len(rows)
    assert out.getvalue().splitlines()[-1] == f"Imported. {len(rows)} added, 0 changed, 0 already so."


def test_problem_text_reads_as_a_sentence():
    assert str(Problem(3, "URN", "Enter the school’s URN")) == "Row 3, URN: Enter the school’s URN"
