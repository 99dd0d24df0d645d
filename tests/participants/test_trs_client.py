"""Our TRS client against the fake TRS over real HTTP: every fictional teacher, the headers sent, the
National Insurance number's second try, merges, and each way TRS can fail. Then the fake itself
keeps to TRS's protocol, so that passing against it means something."""

import datetime
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
import requests

from core import clock
from participants.models import InductionStatus
from participants.trs import (
    InvalidTRN,
    TeacherDeactivated,
    TeacherMerged,
    TeacherNotFound,
    TRSUnavailable,
    find_teacher,
    normalise_trn,
)
from participants.trs.fake import FAKE_TEACHERS_FILE, load_fake_teachers
from tests.dates import NEXT_YEAR, THIS_YEAR, in_year, moment

ROOT = Path(__file__).resolve().parents[2]
TEACHERS_FILE = json.loads(FAKE_TEACHERS_FILE.read_text())


# Every case in the file


@pytest.mark.parametrize(
    "teacher",
    [teacher for teacher in load_fake_teachers() if not teacher.deactivated and not teacher.merged_into],
    ids=lambda teacher: teacher.trn,
)
def test_every_active_fictional_teacher_is_found_as_the_file_describes(fake_trs, teacher):
    record = find_teacher(trn=teacher.trn)

    assert record.trn == teacher.trn
    assert record.first_name == teacher.record["firstName"]
    assert record.last_name == teacher.record["lastName"]
    assert record.date_of_birth == datetime.date.fromisoformat(teacher.record["dateOfBirth"])
    assert record.merged_from_trn is None


@pytest.mark.parametrize("trn", [entry["trn"] for entry in TEACHERS_FILE["trnsWithNoRecord"]])
def test_a_trn_with_no_record_is_not_found(fake_trs, trn):
    with pytest.raises(TeacherNotFound) as raised:
        find_teacher(trn=trn)

    assert raised.value.trn == trn


def test_everyday_teacher_gives_every_field(fake_trs):
    record = find_teacher(trn="9990001")

    assert record.trn == "9990001"
    assert (record.first_name, record.middle_name, record.last_name) == ("Amara", "", "Okafor")
    assert record.full_name == "Amara Okafor"
    assert record.date_of_birth == datetime.date(1996, 4, 21)
    assert record.national_insurance_number == "QQ100001A"
    assert record.qts_awarded_on == datetime.date(THIS_YEAR - 2, 7, 15)
    assert record.has_qts
    assert record.induction_status == InductionStatus.IN_PROGRESS
    assert record.prohibited_from_teaching is False
    assert record.has_other_alerts is False


def test_the_fakes_records_keep_their_place_as_the_years_pass(fake_trs, service_clock):
    """A year on, the everyday teacher got QTS a year later: still two summers before the
    academic year today is in. Her date of birth stays as it was."""
    service_clock.move_to(moment(in_year(9, 1, NEXT_YEAR)))
    record = find_teacher(trn="9990001")
    assert record.qts_awarded_on == datetime.date(NEXT_YEAR - 2, 7, 15)
    assert record.date_of_birth == datetime.date(1996, 4, 21)


@pytest.mark.parametrize(
    ("trn", "status"),
    [
        ("9990001", InductionStatus.IN_PROGRESS),
        ("9990002", InductionStatus.REQUIRED_TO_COMPLETE),
        ("9990003", InductionStatus.NONE),
        ("9990006", InductionStatus.PASSED),
        ("9990007", InductionStatus.FAILED),
        ("9990008", InductionStatus.FAILED),  # TRS's FailedInWales
        ("9990009", InductionStatus.EXEMPT),
    ],
)
def test_induction_status_is_ours_for_each_of_trss(fake_trs, trn, status):
    record = find_teacher(trn=trn)

    assert record.induction_status == status
    assert record.induction_status in InductionStatus.values


@pytest.mark.parametrize(
    ("trn", "started_on"),
    [
        ("9990001", datetime.date(THIS_YEAR - 2, 9, 2)),  # in progress since two Septembers ago
        ("9990014", datetime.date(THIS_YEAR - 4, 9, 1)),
        ("9990006", datetime.date(THIS_YEAR - 7, 9, 2)),  # passed: the start stays on the record
        ("9990002", None),  # required to complete: no start
        ("9990003", None),  # TRS holds no induction
    ],
)
def test_the_induction_start_trs_holds_is_read(fake_trs, trn, started_on):
    assert find_teacher(trn=trn).induction_started_on == started_on


def test_the_induction_start_moves_on_with_the_fakes_records(fake_trs, service_clock):
    service_clock.move_to(moment(in_year(9, 1, NEXT_YEAR)))
    assert find_teacher(trn="9990001").induction_started_on == datetime.date(NEXT_YEAR - 2, 9, 2)


def test_no_qts_means_no_award_date(fake_trs):
    record = find_teacher(trn="9990010")

    assert record.qts_awarded_on is None
    assert not record.has_qts


@pytest.mark.parametrize(
    ("trn", "prohibited", "other_alerts"),
    [
        pytest.param("9990011", True, False, id="open prohibition"),
        pytest.param("9990012", False, False, id="prohibition that ended"),
        pytest.param("9990013", True, False, id="prohibition ending in 2099"),
        pytest.param("9990014", False, True, id="open alert of another kind"),
        pytest.param("9990001", False, False, id="no alerts"),
    ],
)
def test_prohibition_is_an_alert_of_its_category_that_has_not_ended(fake_trs, trn, prohibited, other_alerts):
    record = find_teacher(trn=trn)

    assert record.prohibited_from_teaching is prohibited
    assert record.has_other_alerts is other_alerts


def test_a_prohibition_ending_today_has_ended(fake_trs):
    alert = _alert(category_id="b2b19019-b165-47a3-8745-3297ff152581", end_date=clock.today())
    fake_trs.send_raw_next(body=json.dumps(_person(alerts=[alert])).encode())

    assert find_teacher(trn="9990001").prohibited_from_teaching is False


def test_a_prohibition_whose_end_date_cannot_be_read_still_counts(fake_trs):
    alert = _alert(category_id="b2b19019-b165-47a3-8745-3297ff152581", end_date="soon")
    fake_trs.send_raw_next(body=json.dumps(_person(alerts=[alert])).encode())

    assert find_teacher(trn="9990001").prohibited_from_teaching is True


def test_alerts_written_as_null_mean_none(fake_trs):
    fake_trs.send_raw_next(body=json.dumps(_person(alerts=None)).encode())

    record = find_teacher(trn="9990001")

    assert record.prohibited_from_teaching is False
    assert record.has_other_alerts is False


def test_names_as_trs_holds_them(fake_trs):
    assert find_teacher(trn="9990015").full_name == "Mohammed Khan"
    middle = find_teacher(trn="9990016")
    assert (middle.first_name, middle.middle_name, middle.last_name) == ("Siobhan", "Marie", "O'Neill")
    assert middle.full_name == "Siobhan Marie O'Neill"


def test_the_record_keeps_date_of_birth_and_ni_number_out_of_its_repr(fake_trs):
    text = repr(find_teacher(trn="9990005"))

    assert "9990005" in text
    assert "1994" not in text
    assert "QQ123456C" not in text


# What the client sends


def test_sends_the_key_the_version_and_what_to_include(fake_trs):
    find_teacher(trn="9990001")

    [request] = fake_trs.requests
    assert request.method == "GET"
    assert request.path == "/v3/persons/9990001"
    assert request.headers["authorization"] == f"Bearer {fake_trs.api_key}"
    assert request.headers["x-api-version"] == "20260120"
    assert request.headers["accept"] == "application/json"
    assert request.query == {"include": "Induction,Alerts"}


def test_never_sends_the_date_of_birth_and_checks_it_itself(fake_trs):
    record = find_teacher(trn="9990005")

    assert record.matches_date_of_birth(datetime.date(1994, 3, 12))
    assert not record.matches_date_of_birth(datetime.date(1994, 12, 3))
    assert "dateOfBirth" not in fake_trs.requests[0].query


# TRNs as people type them


@pytest.mark.parametrize(
    ("typed", "trn"),
    [
        ("9990001", "9990001"),
        (" 999 0001 ", "9990001"),
        ("999-0001", "9990001"),
        ("99/90001", "9990001"),
        ("99901", "0099901"),
        ("099901", "0099901"),
    ],
)
def test_trns_are_normalised_to_seven_digits(typed, trn):
    assert normalise_trn(typed) == trn


def test_a_short_trn_finds_the_teacher_with_leading_zeros(fake_trs):
    record = find_teacher(trn="99901")

    assert record.trn == "0099901"
    assert fake_trs.requests[0].path == "/v3/persons/0099901"


@pytest.mark.parametrize("typed", ["", "1234", "12345678", "RP99/12345", "999000A", "١٢٣٤٥٦٧"])
def test_what_cannot_be_a_trn_is_refused_before_calling(fake_trs, typed):
    with pytest.raises(InvalidTRN):
        find_teacher(trn=typed)

    assert fake_trs.requests == []


# The National Insurance number's second try


def test_wrong_date_of_birth_then_the_right_ni_number_finds_the_teacher(fake_trs):
    first = find_teacher(trn="9990005")
    assert not first.matches_date_of_birth(datetime.date(1994, 3, 21))  # what the school typed

    second = find_teacher(trn="9990005", national_insurance_number="qq 12 34 56 c")

    assert second.trn == "9990005"
    assert second.full_name == "Priya Raman"
    request = fake_trs.requests[-1]
    assert request.query == {"nationalInsuranceNumber": "QQ123456C", "include": "Induction,Alerts"}
    assert request.headers["authorization"] == f"Bearer {fake_trs.api_key}"


@pytest.mark.parametrize(
    ("trn", "national_insurance_number"),
    [
        pytest.param("9990005", "QQ654321C", id="another NI number"),
        pytest.param("9990002", "QQ100002A", id="record has no NI number"),
    ],
)
def test_an_ni_number_that_does_not_match_is_not_found(fake_trs, trn, national_insurance_number):
    with pytest.raises(TeacherNotFound):
        find_teacher(trn=trn, national_insurance_number=national_insurance_number)


def test_an_empty_ni_number_is_refused_before_calling(fake_trs):
    with pytest.raises(ValueError):
        find_teacher(trn="9990005", national_insurance_number=" - ")

    assert fake_trs.requests == []


# Deactivated and merged records


def test_a_deactivated_record_is_said_so(fake_trs):
    with pytest.raises(TeacherDeactivated) as raised:
        find_teacher(trn="9990017")

    assert raised.value.trn == "9990017"


def test_a_merged_record_is_followed_to_the_one_trs_kept(fake_trs):
    record = find_teacher(trn="9990018")

    assert record.trn == "9990019"
    assert record.merged_from_trn == "9990018"
    assert record.induction_status == InductionStatus.IN_PROGRESS
    assert [(r.path, r.status) for r in fake_trs.requests] == [
        ("/v3/persons/9990018", 308),
        ("/v3/persons/9990019", 200),
    ]
    assert all(r.headers["authorization"] == f"Bearer {fake_trs.api_key}" for r in fake_trs.requests)


def test_the_ni_number_is_checked_against_the_record_trs_kept(fake_trs):
    record = find_teacher(trn="9990018", national_insurance_number="QQ100019A")

    assert record.trn == "9990019"
    assert fake_trs.requests[-1].query["nationalInsuranceNumber"] == "QQ100019A"
    with pytest.raises(TeacherNotFound):
        find_teacher(trn="9990018", national_insurance_number="QQ999999A")


def test_only_one_merge_is_followed(fake_trs):
    with pytest.raises(TeacherMerged) as raised:
        find_teacher(trn="9990020")

    assert (raised.value.trn, raised.value.new_trn) == ("9990018", "9990019")
    assert len(fake_trs.requests) == 2


def test_a_merge_into_an_unreadable_location_is_unavailable(fake_trs):
    fake_trs.send_raw_next(status=308, body=b"")

    with pytest.raises(TRSUnavailable):
        find_teacher(trn="9990018")


def test_a_record_merged_into_itself_is_not_followed_round(fake_trs):
    fake_trs.send_raw_next(status=308, body=b"", location="/v3/persons/9990018")

    with pytest.raises(TRSUnavailable, match="merged into itself"):
        find_teacher(trn="9990018")

    assert len(fake_trs.requests) == 1


# When TRS cannot answer


def test_a_slow_trs_times_out_quickly(fake_trs, settings):
    settings.TRS_API_TIMEOUT_SECONDS = 0.2
    fake_trs.delay_next(3)

    started = time.monotonic()
    with pytest.raises(TRSUnavailable, match=r"did not answer within 0\.2 seconds"):
        find_teacher(trn="9990001")

    assert time.monotonic() - started < 1.5


def test_an_outage_is_unavailable_and_the_next_try_works(fake_trs):
    fake_trs.fail_next(1, status=503)

    with pytest.raises(TRSUnavailable) as raised:
        find_teacher(trn="9990001")

    assert raised.value.status_code == 503
    assert find_teacher(trn="9990001").trn == "9990001"


def test_a_refused_key_is_unavailable_not_not_found(fake_trs, settings):
    settings.TRS_API_KEY = "not-the-key"

    with pytest.raises(TRSUnavailable) as raised:
        find_teacher(trn="9990001")

    assert raised.value.status_code == 401
    assert fake_trs.requests[0].status == 401


def test_a_404_that_is_not_person_not_found_is_unavailable(fake_trs, settings):
    settings.TRS_API_URL = f"{fake_trs.url}/wrong-prefix"

    with pytest.raises(TRSUnavailable) as raised:
        find_teacher(trn="9990001")

    assert raised.value.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html>Service Unavailable</html>", id="not JSON"),
        pytest.param(b'{"trn": "9990001", "firstName"', id="cut short"),
        pytest.param(b"[]", id="not an object"),
    ],
)
def test_malformed_json_is_unavailable(fake_trs, body):
    fake_trs.send_raw_next(body=body)

    with pytest.raises(TRSUnavailable):
        find_teacher(trn="9990001")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"alerts": ...}, id="alerts missing"),
        pytest.param({"induction": ...}, id="induction missing"),
        pytest.param({"induction": {"status": "Pending"}}, id="unknown induction status"),
        pytest.param({"dateOfBirth": "1996-21-04"}, id="unreadable date of birth"),
        pytest.param({"lastName": None}, id="no last name"),
        pytest.param({"qts": {"holdsFrom": "July"}}, id="unreadable QTS date"),
        pytest.param(
            {"induction": {"status": "InProgress", "startDate": "September"}}, id="unreadable induction start"
        ),
    ],
)
def test_a_person_missing_what_we_rely_on_is_unavailable(fake_trs, change):
    person = _person(alerts=[])
    for name, value in change.items():
        if value is ...:
            del person[name]
        else:
            person[name] = value
    fake_trs.send_raw_next(body=json.dumps(person).encode())

    with pytest.raises(TRSUnavailable) as raised:
        find_teacher(trn="9990001")

    assert "1996-21-04" not in str(raised.value)


def test_unreachable_trs_is_unavailable_and_the_traceback_holds_no_ni_number(settings):
    settings.TRS_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.TRS_API_KEY = "any"
    settings.TRS_API_TIMEOUT_SECONDS = 2

    with pytest.raises(TRSUnavailable) as raised:
        # In lower case here, so that only the URL requests built would hold "QQ123456C".
        find_teacher(trn="9990005", national_insurance_number="qq123456c")

    assert "QQ123456C" not in "".join(traceback.format_exception(raised.value))


# The fake keeps to TRS's protocol


def _get(fake, trn, *, params=None, headers=None):
    sent = {"Authorization": f"Bearer {fake.api_key}", "X-Api-Version": "20260120"}
    sent.update(headers or {})
    return requests.get(
        f"{fake.url}/v3/persons/{trn}",
        params=params,
        headers={name: value for name, value in sent.items() if value is not None},
        timeout=5,
        allow_redirects=False,
    )


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic abc"])
def test_fake_refuses_a_missing_or_wrong_key(fake_trs, authorization):
    assert _get(fake_trs, "9990001", headers={"Authorization": authorization}).status_code == 401


def test_fake_has_no_such_path_without_a_version_and_refuses_an_unknown_one(fake_trs):
    missing = _get(fake_trs, "9990001", headers={"X-Api-Version": None})
    assert missing.status_code == 404
    assert missing.content == b""
    assert _get(fake_trs, "9990001", headers={"X-Api-Version": f"{THIS_YEAR}"}).status_code == 400
    assert _get(fake_trs, "9990001", headers={"X-Api-Version": "20250627"}).status_code == 400


def test_fake_refuses_date_of_birth_and_ni_number_together(fake_trs):
    params = {"dateOfBirth": "1994-03-12", "nationalInsuranceNumber": "QQ123456C"}

    assert _get(fake_trs, "9990005", params=params).status_code == 400


def test_fake_checks_a_date_of_birth_with_trss_not_found(fake_trs):
    assert _get(fake_trs, "9990005", params={"dateOfBirth": "1994-03-12"}).status_code == 200
    wrong = _get(fake_trs, "9990005", params={"dateOfBirth": "1994-03-13"})
    assert wrong.status_code == 404
    assert wrong.headers["Content-Type"].startswith("application/problem+json")
    assert wrong.json()["errorCode"] == 10001


def test_fake_answers_deactivated_and_merged_as_trs(fake_trs):
    gone = _get(fake_trs, "9990017")
    assert (gone.status_code, gone.json()["errorCode"]) == (410, 10058)
    merged = _get(fake_trs, "9990018")
    assert (merged.status_code, merged.headers["Location"]) == (308, "/v3/persons/9990019")


def test_fake_leaves_out_sections_not_asked_for(fake_trs):
    base = _get(fake_trs, "9990015").json()
    assert set(base) == {
        "trn", "firstName", "middleName", "lastName", "dateOfBirth", "nationalInsuranceNumber",
        "emailAddress", "qts", "eyts", "qtlsStatus",
    }  # fmt: skip
    some = _get(fake_trs, "9990015", params={"include": "alerts,PreviousNames"}).json()
    assert set(some) - set(base) == {"alerts", "previousNames"}
    everything = _get(fake_trs, "9990015", params={"include": "All"}).json()
    assert everything["routesToProfessionalStatuses"] == []
    assert _get(fake_trs, "9990015", params={"include": "Induction,Nonsense"}).status_code == 400


# The fake on its own, for development


def test_fake_runs_on_its_own_without_django():
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "participants.trs.fake", "--port", "0", "--api-key", "dev-key"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.split()[3]
        answer = requests.get(
            f"{url}/v3/persons/9990001",
            params={"include": "Induction,Alerts"},
            headers={"Authorization": "Bearer dev-key", "X-Api-Version": "20260120"},
            timeout=5,
        )
        assert answer.json()["firstName"] == "Amara"
    finally:
        process.terminate()
        process.wait(timeout=5)
    imports = subprocess.run(
        [sys.executable, "-c", "import sys, participants.trs.fake; print('django' in sys.modules)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert imports.stdout.strip() == "False"


def test_fake_on_its_own_serves_the_teachers_of_the_file_it_is_given(tmp_path):
    made_up = {**TEACHERS_FILE["teachers"][0]["record"], "trn": "8700001", "firstName": "Ngozi"}
    teachers = tmp_path / "teachers.json"
    teachers.write_text(json.dumps({"teachers": [{"record": made_up}]}))
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "participants.trs.fake",
            "--port",
            "0",
            "--api-key",
            "dev-key",
            "--teachers",
            teachers,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[3]

        def first_name(trn):
            answer = requests.get(
                f"{url}/v3/persons/{trn}",
                params={"include": "Induction,Alerts"},
                headers={"Authorization": "Bearer dev-key", "X-Api-Version": "20260120"},
                timeout=5,
            )
            return answer.status_code, answer.json().get("firstName")

        assert first_name("8700001") == (200, "Ngozi")
        assert first_name("9990001") == (404, None)  # instead of fake_teachers.json, not as well
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_fake_refuses_to_run_beside_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "participants.trs.fake", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ecf.settings.production"},
        capture_output=True,
        text=True,
        timeout=10,
    )

    assert result.returncode == 1
    assert "production" in result.stderr


def _person(*, alerts):
    """A TRS answer for a made-up teacher, for tests that send it with send_raw_next."""
    return {
        "trn": "9990001",
        "firstName": "Amara",
        "middleName": "",
        "lastName": "Okafor",
        "dateOfBirth": "1996-04-21",
        "nationalInsuranceNumber": None,
        "emailAddress": None,
        "qts": {"holdsFrom": f"{THIS_YEAR - 2}-07-15", "routes": []},
        "eyts": None,
        "qtlsStatus": "None",
        "induction": {
            "status": "InProgress",
            "startDate": None,
            "completedDate": None,
            "exemptionReasons": [],
        },
        "alerts": alerts,
    }


def _alert(*, category_id, end_date):
    return {
        "alertId": "00000000-0000-4000-8000-0000000000aa",
        "alertType": {
            "alertTypeId": "00000000-0000-4000-8000-0000000000ab",
            "alertCategory": {"alertCategoryId": category_id, "name": "Fictional"},
            "name": "Fictional",
        },
        "details": None,
        "startDate": f"{THIS_YEAR - 6}-01-01",
        "endDate": str(end_date),
    }
