"""Looking a teacher up in the Teaching Record System (TRS), the DfE's record of every teacher.

`find_teacher(trn=…)` calls `GET {TRS_API_URL}/v3/persons/{trn}?include=Induction,Alerts` at API
version 20260120 and returns a `TeacherRecord`, or raises:

- `InvalidTRN` before calling, for a TRN that cannot be one (see `normalise_trn`);
- `TeacherNotFound` (404): no such TRN, or the National Insurance number given does not match;
- `TeacherDeactivated` (410): TRS has switched the record off;
- `TeacherMerged` (308): TRS merged the record into another. `find_teacher` follows one merge itself
  and returns the record TRS kept (with `merged_from_trn` set); it raises `TeacherMerged` only when
  that record was merged too, so a chain (or a loop) of merges never means a chain of calls;
- `TRSUnavailable`: anything that means "try again later" — a timeout, no connection, a 5xx, our key
  refused (401/403), a 404 that is not TRS's "person not found", or an answer we cannot read.

Date of birth: we never send `dateOfBirth`. TRS answers a wrong one with the same 404 as an unknown
TRN, and the school journey must tell those apart: a TRN that exists but whose date of birth
differs leads to asking for the National Insurance number (`record.matches_date_of_birth(…)`, then
`find_teacher(trn=…, national_insurance_number=…)`). TRS refuses both at once anyway.

Personal data: the record carries the date of birth and NI number only so that the caller can
check them; the service must not store either. Neither appears in the record's repr, in our
exceptions or in their tracebacks (the NI number travels in the URL, which `requests` puts in its
own error messages).
"""

import dataclasses
import datetime
import logging
import re
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core import clock
from participants.models import InductionStatus

logger = logging.getLogger(__name__)

API_VERSION = "20260120"
# What we read beyond the base record: induction status, and alerts (for prohibition).
INCLUDE = "Induction,Alerts"
# TRS's "Prohibition from teaching" alert category. Other categories (including older GTC
# prohibitions) do not stop someone being registered, as in the DfE's own service.
PROHIBITION_FROM_TEACHING_CATEGORY_ID = "b2b19019-b165-47a3-8745-3297ff152581"
# TRS's errorCode for "person not found". A 404 without it is a wrong URL or a missing version
# header, which must not tell a school that their teacher does not exist.
PERSON_NOT_FOUND_ERROR_CODE = 10001

INDUCTION_STATUSES = {
    "None": InductionStatus.NONE,
    "RequiredToComplete": InductionStatus.REQUIRED_TO_COMPLETE,
    "InProgress": InductionStatus.IN_PROGRESS,
    "Passed": InductionStatus.PASSED,
    "Failed": InductionStatus.FAILED,
    # Failing induction in Wales rules out induction in England just the same.
    "FailedInWales": InductionStatus.FAILED,
    "Exempt": InductionStatus.EXEMPT,
}

# ASCII digits only: Python's \d would also accept other scripts' digits.
TRN_DIGITS = re.compile(r"[0-9]{5,7}", re.ASCII)
# People copy TRNs with spaces, hyphens or the old "12/34567" slash.
TRN_SEPARATORS = re.compile(r"[\s/-]")
RETAINED_TRN_IN_LOCATION = re.compile(r"/v3/persons/([0-9]{7})$")


class InvalidTRN(ValueError):
    """Not something TRS could know as a TRN; nothing was sent."""


class TRSError(Exception):
    """Anything find_teacher raises about TRS's answer (not InvalidTRN)."""


class TeacherNotFound(TRSError):
    def __init__(self, trn: str):
        super().__init__(f"TRS has no teacher with TRN {trn} (and the details given)")
        self.trn = trn


class TeacherDeactivated(TRSError):
    def __init__(self, trn: str):
        super().__init__(f"TRS's record for TRN {trn} is deactivated")
        self.trn = trn


class TeacherMerged(TRSError):
    def __init__(self, trn: str, *, new_trn: str):
        super().__init__(f"TRS merged the record for TRN {trn} into TRN {new_trn}")
        self.trn = trn
        self.new_trn = new_trn


class TRSRefused(TRSError):
    """TRS understood a write and refused it (400, or 404 for a TRN it does not know): sending it
    again will not help; someone must put it right. `answer` is TRS's problem body."""

    def __init__(self, reason: str, *, status_code: int, error_code: int | None = None, answer=None):
        super().__init__(reason)
        self.status_code = status_code
        self.error_code = error_code
        self.answer = answer


class TRSUnavailable(TRSError):
    """TRS could not give an answer now; trying again later may work."""

    def __init__(self, reason: str, *, status_code: int | None = None):
        super().__init__(reason)
        self.status_code = status_code


@dataclasses.dataclass(frozen=True)
class TeacherRecord:
    """What TRS holds about one teacher, as far as registering them needs."""

    trn: str
    first_name: str
    middle_name: str  # "" when they have none
    last_name: str
    # Only for checking what a school entered; never stored, never shown in a repr or a log.
    date_of_birth: datetime.date = dataclasses.field(repr=False)
    national_insurance_number: str | None = dataclasses.field(repr=False)
    qts_awarded_on: datetime.date | None
    induction_status: InductionStatus
    prohibited_from_teaching: bool
    # An alert of another kind that has not ended; it does not stop registration.
    has_other_alerts: bool
    # The TRN asked for, when TRS had merged it into this record.
    merged_from_trn: str | None = None
    # When TRS says their induction began (`induction.startDate`); None when it holds no start.
    induction_started_on: datetime.date | None = None
    # When TRS was asked: a record kept a while (in a session, a checked bulk upload) is older than
    # what we may have heard since. None for a record made in code, taken as fetched just now.
    fetched_at: datetime.datetime | None = None

    @property
    def full_name(self) -> str:
        return " ".join(name for name in (self.first_name, self.middle_name, self.last_name) if name)

    @property
    def has_qts(self) -> bool:
        return self.qts_awarded_on is not None

    def matches_date_of_birth(self, date_of_birth: datetime.date) -> bool:
        return self.date_of_birth == date_of_birth


def normalise_trn(trn: str) -> str:
    """The 7-digit TRN TRS knows, from what someone typed.

    Spaces, hyphens and slashes are dropped. Older TRNs have leading zeros that people leave out, so
    5 or 6 digits are padded with zeros, as the DfE's own service does. Anything else (letters,
    fewer than 5 or more than 7 digits) raises InvalidTRN.
    """
    digits = TRN_SEPARATORS.sub("", trn or "")
    if not TRN_DIGITS.fullmatch(digits):
        raise InvalidTRN("A TRN is 7 digits (or 5 or 6, with the leading zeros left out)")
    return digits.zfill(7)


def normalise_national_insurance_number(national_insurance_number: str) -> str:
    """Without spaces or hyphens, in capitals: as TRS compares it. The format is the form's to check."""
    normalised = re.sub(r"[\s-]", "", national_insurance_number).upper()
    if not normalised:
        raise ValueError("national_insurance_number is empty")
    return normalised


def find_teacher(*, trn: str, national_insurance_number: str | None = None) -> TeacherRecord:
    """The teacher TRS holds under `trn` (and, when given, this National Insurance number)."""
    requested_trn = normalise_trn(trn)
    checks = {}
    if national_insurance_number is not None:
        checks["nationalInsuranceNumber"] = normalise_national_insurance_number(national_insurance_number)
    # A session per lookup: requests.Session is not thread-safe, and following a merge reuses its
    # connection.
    with requests.Session() as session:
        try:
            return _get_person(session, trn=requested_trn, checks=checks)
        except TeacherMerged as merged:
            retained_trn = merged.new_trn
        if retained_trn == requested_trn:
            raise TRSUnavailable(f"TRS says TRN {requested_trn} was merged into itself")
        # The NI number, if given, is checked against the record TRS kept.
        record = _get_person(session, trn=retained_trn, checks=checks)
    return dataclasses.replace(record, merged_from_trn=requested_trn)


def _get_person(session: requests.Session, *, trn: str, checks: dict[str, str]) -> TeacherRecord:
    base_url = settings.TRS_API_URL
    if not base_url:
        raise ImproperlyConfigured("TRS_API_URL is not set")
    timeout = settings.TRS_API_TIMEOUT_SECONDS
    try:
        response = session.get(
            f"{base_url.rstrip('/')}/v3/persons/{trn}",
            params={**checks, "include": INCLUDE},
            headers={
                "Authorization": f"Bearer {settings.TRS_API_KEY}",
                "X-Api-Version": API_VERSION,
                "Accept": "application/json",
            },
            timeout=(timeout, timeout),  # to connect, and between bytes of the answer
            # A merge is a 308: we read the retained TRN from it rather than have requests follow it.
            allow_redirects=False,
        )
    # `from None`: requests' messages quote the URL, NI number and all.
    except requests.Timeout:
        raise TRSUnavailable(f"TRS did not answer within {timeout} seconds") from None
    except requests.RequestException as error:
        raise TRSUnavailable(f"TRS could not be reached ({type(error).__name__})") from None

    status = response.status_code
    if status == 200:
        return _teacher_record(_json_object(response))
    if status == 404 and _error_code(response) == PERSON_NOT_FOUND_ERROR_CODE:
        raise TeacherNotFound(trn)
    if status == 410:
        raise TeacherDeactivated(trn)
    if status == 308:
        raise TeacherMerged(trn, new_trn=_retained_trn(response))
    if status < 500:
        # A refused key, a bad request or a path TRS does not know: ours to put right, not TRS's.
        logger.error(
            "TRS answered %s (errorCode %s): check TRS_API_URL and TRS_API_KEY", status, _error_code(response)
        )
    raise TRSUnavailable(f"TRS answered {status}", status_code=status)


def _json_object(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        raise TRSUnavailable("TRS's answer was not JSON", status_code=response.status_code) from None
    if not isinstance(body, dict):
        raise TRSUnavailable("TRS's answer was not a JSON object", status_code=response.status_code)
    return body


def _error_code(response: requests.Response) -> int | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("errorCode") if isinstance(body, dict) else None


def _retained_trn(response: requests.Response) -> str:
    # TRS sends a path ("/v3/persons/1234567"); an absolute URL would do as well.
    match = RETAINED_TRN_IN_LOCATION.search(urlsplit(response.headers.get("Location", "")).path)
    if not match:
        raise TRSUnavailable("TRS said the record was merged but not into which", status_code=308)
    return match[1]


class _Unreadable(Exception):
    """A field of TRS's answer is missing or not what the API promises."""


def _teacher_record(person: dict) -> TeacherRecord:
    try:
        induction = person["induction"]
        if not isinstance(induction, dict) or induction.get("status") not in INDUCTION_STATUSES:
            raise _Unreadable("induction status")
        # We asked for alerts, so none at all (KeyError) must not pass for "not prohibited"; TRS
        # writes an included but empty section as null.
        alerts = person["alerts"] or []
        if not isinstance(alerts, list) or not all(isinstance(alert, dict) for alert in alerts):
            raise _Unreadable("alerts")
        qts = person.get("qts") or {}
        return TeacherRecord(
            trn=_text(person, "trn"),
            first_name=_text(person, "firstName"),
            middle_name=_text(person, "middleName", optional=True),
            last_name=_text(person, "lastName"),
            date_of_birth=_date(person.get("dateOfBirth"), field="dateOfBirth"),
            national_insurance_number=_text(person, "nationalInsuranceNumber", optional=True) or None,
            qts_awarded_on=_date(qts.get("holdsFrom"), field="qts.holdsFrom", optional=True),
            induction_status=INDUCTION_STATUSES[induction["status"]],
            induction_started_on=_date(
                induction.get("startDate"), field="induction.startDate", optional=True
            ),
            prohibited_from_teaching=any(_is_prohibition(alert) and _is_open(alert) for alert in alerts),
            has_other_alerts=any(not _is_prohibition(alert) and _is_open(alert) for alert in alerts),
            fetched_at=clock.now(),
        )
    except (_Unreadable, KeyError, AttributeError) as error:
        # Names the field, never its value (which may be a date of birth).
        field = error.args[0] if isinstance(error, _Unreadable | KeyError) else "a section"
        logger.error("TRS sent a person we could not read: %s", field)
        raise TRSUnavailable(f"TRS sent a person we could not read ({field})", status_code=200) from None


def _text(person: dict, name: str, *, optional: bool = False) -> str:
    value = person.get(name)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not (value.strip() or optional):
        raise _Unreadable(name)
    return value.strip()


def _date(value, *, field: str, optional: bool = False) -> datetime.date | None:
    if value is None and optional:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Unreadable(field) from None


def _is_prohibition(alert: dict) -> bool:
    category = (alert.get("alertType") or {}).get("alertCategory") or {}
    return category.get("alertCategoryId") == PROHIBITION_FROM_TEACHING_CATEGORY_ID


def _is_open(alert: dict) -> bool:
    """An alert with no end date, or one still to come, is in force. An end date we cannot read
    counts as still in force: wrongly refusing a registration can be put right, the opposite not."""
    end_date = alert.get("endDate")
    if end_date is None:
        return True
    try:
        return datetime.date.fromisoformat(end_date) > clock.today()
    except (TypeError, ValueError):
        return True


# What TRS calls each induction status we may write (the appropriate body's claim and outcomes).
INDUCTION_STATUSES_WRITTEN = {
    InductionStatus.REQUIRED_TO_COMPLETE: "RequiredToComplete",
    InductionStatus.IN_PROGRESS: "InProgress",
    InductionStatus.PASSED: "Passed",
    InductionStatus.FAILED: "Failed",
}


def induction_write(
    *,
    status: InductionStatus,
    started_on: datetime.date | None,
    completed_on: datetime.date | None,
    modified_at: datetime.datetime,
) -> dict:
    """The body of `PUT /v3/persons/{trn}/cpd-induction` (TRS's SetCpdInductionStatus request)."""
    if status not in INDUCTION_STATUSES_WRITTEN:
        raise ValueError(f"TRS takes no induction status {status!r} from us")
    return {
        "status": INDUCTION_STATUSES_WRITTEN[status],
        "startDate": started_on.isoformat() if started_on else None,
        "completedDate": completed_on.isoformat() if completed_on else None,
        # TRS refuses a write older than the last one it took from us, so order is kept there too.
        "cpdModifiedOn": modified_at.isoformat(),
    }


def record_induction(*, trn: str, body: dict) -> int:
    """Tell TRS a teacher's induction (`PUT /v3/persons/{trn}/cpd-induction`); answers TRS's status (204).

    Raises TRSRefused when TRS refuses the write (400 with its problem, or 404 "person not
    found"): sending it again will not help. Raises TRSUnavailable for anything that may pass
    (a timeout, no connection, a 5xx, our key refused, an answer we cannot read).
    """
    base_url = settings.TRS_API_URL
    if not base_url:
        raise ImproperlyConfigured("TRS_API_URL is not set")
    trn = normalise_trn(trn)
    timeout = settings.TRS_API_TIMEOUT_SECONDS
    try:
        response = requests.put(
            f"{base_url.rstrip('/')}/v3/persons/{trn}/cpd-induction",
            json=body,
            headers={
                "Authorization": f"Bearer {settings.TRS_API_KEY}",
                "X-Api-Version": API_VERSION,
                "Accept": "application/json",
            },
            timeout=(timeout, timeout),
            allow_redirects=False,
        )
    except requests.Timeout:
        raise TRSUnavailable(f"TRS did not answer within {timeout} seconds") from None
    except requests.RequestException as error:
        raise TRSUnavailable(f"TRS could not be reached ({type(error).__name__})") from None

    status = response.status_code
    if status in (200, 204):
        return status
    error_code = _error_code(response)
    if status == 400 or (status == 404 and error_code == PERSON_NOT_FOUND_ERROR_CODE):
        try:
            answer = response.json()
        except ValueError:
            answer = {"body": response.text[:2000]}
        problem = answer if isinstance(answer, dict) else {}
        message = " ".join(str(problem[key]) for key in ("title", "detail") if problem.get(key))
        raise TRSRefused(
            f"TRS refused the induction for TRN {trn} ({status}): {message or 'no reason given'}",
            status_code=status,
            error_code=error_code,
            answer=answer,
        )
    if status < 500:
        logger.error("TRS answered %s (errorCode %s) to an induction write", status, error_code)
    raise TRSUnavailable(f"TRS answered {status}", status_code=status)
