"""Induction writes through our TRS client to the fake TRS over real HTTP: what is sent, what the
fake remembers and lists, and each way TRS answers (taken, refused, unknown TRN, unavailable)."""

import datetime

import pytest
import requests

from participants.models import InductionStatus
from participants.trs import TRSRefused, TRSUnavailable, find_teacher, induction_write, record_induction
from tests.dates import TEST_DAY, moment
from tests.participants.trs_writes import COMPLETED, STARTED

MODIFIED = moment(TEST_DAY)


def body(status=InductionStatus.PASSED, started_on=STARTED, completed_on=COMPLETED, modified_at=MODIFIED):
    return induction_write(
        status=status, started_on=started_on, completed_on=completed_on, modified_at=modified_at
    )


def fake_writes(fake_trs) -> list[dict]:
    response = requests.get(f"{fake_trs.url}/_fake/induction-writes", timeout=5)
    assert response.status_code == 200
    return response.json()["writes"]


def test_the_body_is_trs_set_cpd_induction_status_request():
    assert body() == {
        "status": "Passed",
        "startDate": STARTED.isoformat(),
        "completedDate": COMPLETED.isoformat(),
        "cpdModifiedOn": MODIFIED.isoformat(),
    }
    with pytest.raises(ValueError):
        body(status=InductionStatus.EXEMPT)


def test_a_write_is_taken_remembered_and_listed(fake_trs):
    assert record_induction(trn="9990001", body=body()) == 204

    [request] = [r for r in fake_trs.requests if r.method == "PUT"]
    assert request.path == "/v3/persons/9990001/cpd-induction"
    assert request.headers["authorization"] == f"Bearer {fake_trs.api_key}"
    assert request.headers["x-api-version"] == "20260120"
    assert fake_writes(fake_trs) == [{"trn": "9990001", "body": body(), "status": 204}]
    # What TRS was told is what it answers afterwards.
    record = find_teacher(trn="9990001")
    assert record.induction_status == InductionStatus.PASSED


def test_an_outcome_over_a_different_one_is_refused_with_trs_problem(fake_trs):
    with pytest.raises(TRSRefused) as refused:
        record_induction(trn="9990006", body=body(status=InductionStatus.FAILED))  # TRS has Passed

    assert refused.value.status_code == 400
    assert refused.value.error_code == 10052
    assert refused.value.answer["title"] == "The person's induction is already completed."
    assert "already completed" in str(refused.value)
    assert fake_writes(fake_trs) == [
        {"trn": "9990006", "body": body(status=InductionStatus.FAILED), "status": 400}
    ]
    # The same outcome again is taken: sending a write twice does no harm.
    assert record_induction(trn="9990006", body=body()) == 204


def test_an_older_write_than_the_last_taken_is_refused(fake_trs):
    record_induction(trn="9990002", body=body(status=InductionStatus.IN_PROGRESS, completed_on=None))
    older = body(
        status=InductionStatus.IN_PROGRESS, completed_on=None, modified_at=MODIFIED - datetime.timedelta(1)
    )
    with pytest.raises(TRSRefused) as refused:
        record_induction(trn="9990002", body=older)
    assert refused.value.error_code == 10051


@pytest.mark.parametrize(
    "wrong",
    [
        {"status": "Exempt"},
        {"startDate": None},
        {"completedDate": None},
        {"status": "InProgress"},  # with a completed date
        {"completedDate": "1999-01-01"},  # before the start
        {"cpdModifiedOn": "yesterday"},
    ],
)
def test_a_write_the_fake_cannot_take_is_a_validation_refusal(fake_trs, wrong):
    with pytest.raises(TRSRefused) as refused:
        record_induction(trn="9990001", body={**body(), **wrong})
    assert refused.value.error_code == 10050
    assert fake_trs.inductions == {}


def test_an_unknown_trn_is_refused_as_not_found(fake_trs):
    with pytest.raises(TRSRefused) as refused:
        record_induction(trn="1234567", body=body())
    assert refused.value.status_code == 404
    assert refused.value.error_code == 10001


@pytest.mark.parametrize("status", [500, 502, 503, 401])
def test_an_outage_or_a_refused_key_is_unavailable(fake_trs, status):
    fake_trs.fail_next(1, status=status)
    with pytest.raises(TRSUnavailable) as unavailable:
        record_induction(trn="9990001", body=body())
    assert unavailable.value.status_code == status
    assert fake_trs.inductions == {}


def test_a_timeout_is_unavailable(fake_trs, settings):
    settings.TRS_API_TIMEOUT_SECONDS = 0.2
    fake_trs.delay_next(1)
    with pytest.raises(TRSUnavailable, match="did not answer"):
        record_induction(trn="9990001", body=body())


def test_no_trs_at_all_is_unavailable(settings):
    settings.TRS_API_URL = "http://127.0.0.1:9"
    with pytest.raises(TRSUnavailable, match="could not be reached"):
        record_induction(trn="9990001", body=body())


def test_the_fake_takes_writes_only_by_put_with_the_key(fake_trs):
    url = f"{fake_trs.url}/v3/persons/9990001/cpd-induction"
    headers = {"X-Api-Version": "20260120"}
    assert requests.put(url, json=body(), headers=headers, timeout=5).status_code == 401
    authorised = {**headers, "Authorization": f"Bearer {fake_trs.api_key}"}
    assert requests.get(url, headers=authorised, timeout=5).status_code == 405
    assert requests.put(url, data=b"{", headers=authorised, timeout=5).status_code == 400
    assert fake_trs.inductions == {}
