"""Bulk claims and outcomes (appropriate_bodies.services.bulk): every row checked as the single
journeys check it, nothing saved before confirming, each row applied on its own, and nothing done
twice, however often a file is uploaded or a task runs."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, OperationalError, transaction
from django.test import TestCase

from appropriate_bodies import bulk_csv
from appropriate_bodies.models import BulkUpload, BulkUploadRow
from appropriate_bodies.services import bulk, claims
from appropriate_bodies.tasks import apply_bulk_upload, check_bulk_upload, resume_stalled_bulk_uploads
from audit.models import Event
from core import clock
from ecf.celery import app as celery_app
from participants.models import InductionPeriod, TRSInductionUpdate
from participants.trs.client import TRSUnavailable
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import InductionPeriodFactory, TeacherFactory

pytestmark = pytest.mark.django_db

START = f"01/09/{THIS_YEAR}"
AMARA = f"9990001,21/04/1996,{START},provider-led"
TOMASZ = f"9990002,03/11/1998,{START},school-led"
ELLIE = f"9990003,30/01/1999,{START},provider-led"
CLAIMS_HEADINGS = "TRN,Date of birth,Induction start date,Induction programme"
OUTCOMES_HEADINGS = "TRN,Date of birth,Induction end date,Number of terms,Outcome"


@pytest.fixture
def queued(monkeypatch):
    """The tasks queued (name, upload id), instead of queuing them on Redis."""
    tasks = []

    def record(name, args=None, kwargs=None, **options):
        tasks.append((name, args[0]))

    monkeypatch.setattr(celery_app, "send_task", record)
    return tasks


def upload(body, user, *lines, kind=bulk_csv.CLAIMS, headings=CLAIMS_HEADINGS) -> BulkUpload:
    """Upload a file (as the page does) and run its checking."""
    content = "\n".join([headings, *lines]).encode()
    rows = [bulk_csv.parse_row(kind, row) for row in bulk_csv.read_file(kind, content)]
    with committed():
        new = bulk.start_upload(body=body, kind=kind, uploaded_by=user, file_name="ects.csv", rows=rows)
    check_bulk_upload.apply(args=[new.pk])
    new.refresh_from_db()
    return new


def committed():
    """Runs what the services queue on commit (the test's own transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def confirm_and_apply(upload_row, user, **confirm) -> BulkUpload:
    with committed():
        bulk.confirm_upload(upload=upload_row, confirmed_by=user, **confirm)
    apply_bulk_upload.apply(args=[upload_row.pk])
    upload_row.refresh_from_db()
    return upload_row


def row(upload_row, number) -> BulkUploadRow:
    return upload_row.rows.get(row_number=number)


def test_a_mixed_file_is_checked_row_by_row_and_nothing_is_saved_before_confirming(
    body, body_user, fake_trs, queued
):
    checked = upload(
        body,
        body_user,
        AMARA,
        "9990004,01/01/1990,01/09/2026,provider-led",  # no such TRN
        f"9990005,01/01/1990,{START},provider-led",  # a date of birth TRS does not have
        f"9990006,14/06/1990,{START},provider-led",  # passed already
        f"9990002,03/11/1998,01/06/{LAST_YEAR},school-led",  # before their QTS
        "12AB,03/11/1998,soon,online",  # cannot be read at all
        ELLIE,
    )
    assert queued[0] == (bulk.CHECK_TASK, checked.pk)
    assert checked.status == BulkUpload.Status.CHECKED
    assert (checked.row_count, checked.ready_count, checked.problem_count) == (7, 2, 5)
    assert row(checked, 3).problems == [
        {"column": "TRN", "message": "We cannot find a teacher record with this TRN"}
    ]
    assert row(checked, 4).problems == [
        {
            "column": "Date of birth",
            "message": "The date of birth does not match the teacher record with this TRN",
        }
    ]
    assert [problem["column"] for problem in row(checked, 5).problems] == ["TRN"]
    assert [problem["column"] for problem in row(checked, 6).problems] == ["Induction start date"]
    assert [problem["column"] for problem in row(checked, 7).problems] == [
        "TRN",
        "Induction start date",
        "Induction programme",
    ]
    assert row(checked, 2).teacher_name == "Amara Okafor"
    # The dates of birth were forgotten as each row was checked; nothing is claimed yet.
    assert not checked.rows.exclude(date_of_birth_digest="").exists()
    assert not InductionPeriod.objects.exists()

    applied = confirm_and_apply(checked, body_user)
    assert queued[-1] == (bulk.APPLY_TASK, checked.pk)
    assert applied.status == BulkUpload.Status.DONE
    assert row(applied, 2).result == row(applied, 8).result == BulkUploadRow.Result.CLAIMED
    assert set(InductionPeriod.objects.values_list("teacher__trn", "appropriate_body", "started_on")) == {
        ("9990001", body.pk, datetime.date(THIS_YEAR, 9, 1)),
        ("9990003", body.pk, datetime.date(THIS_YEAR, 9, 1)),
    }
    assert row(applied, 2).induction_period.teacher.trn == "9990001"
    assert not applied.rows.exclude(row_number__in=[2, 8]).exclude(result="").exists()
    assert TRSInductionUpdate.objects.count() == 2


def test_uploading_the_same_file_again_claims_no_one_twice(body, body_user, fake_trs, queued):
    confirm_and_apply(upload(body, body_user, AMARA, TOMASZ), body_user)

    again = upload(body, body_user, AMARA, TOMASZ, ELLIE)
    assert (again.ready_count, again.problem_count) == (3, 0)
    assert row(again, 2).note == row(again, 3).note == "Already claimed by you"
    again = confirm_and_apply(again, body_user)

    assert [r.result for r in again.rows.all()] == ["already_claimed", "already_claimed", "claimed"]
    assert InductionPeriod.objects.count() == 3
    assert TRSInductionUpdate.objects.count() == 3  # one write to TRS per claim


def test_a_teacher_twice_in_one_file_is_claimed_once(body, body_user, fake_trs, queued):
    checked = upload(body, body_user, AMARA, AMARA)
    assert row(checked, 3).problems[0]["message"] == "This TRN is also in row 2: give each teacher one row"
    confirm_and_apply(checked, body_user)
    assert InductionPeriod.objects.count() == 1


def test_a_row_refused_when_applied_does_not_undo_the_others(body, body_user, fake_trs, queued, monkeypatch):
    checked = upload(body, body_user, AMARA, TOMASZ, ELLIE)
    real_claim = claims.claim_ect

    def refuse_tomasz(**kwargs):
        if kwargs["record"].trn == "9990002":
            real_claim(**kwargs)  # it writes, then is refused: its writes must be undone, and only its
            raise claims.CannotClaim("Tomasz Nowak was claimed by another body a moment ago")
        return real_claim(**kwargs)

    monkeypatch.setattr(claims, "claim_ect", refuse_tomasz)
    applied = confirm_and_apply(checked, body_user)

    assert [(r.result, r.result_message) for r in applied.rows.all()] == [
        ("claimed", ""),
        ("refused", "Tomasz Nowak was claimed by another body a moment ago"),
        ("claimed", ""),
    ]
    assert sorted(InductionPeriod.objects.values_list("teacher__trn", flat=True)) == ["9990001", "9990003"]
    assert applied.status == BulkUpload.Status.DONE


def test_an_apply_task_run_again_after_a_crash_skips_rows_already_applied(body, body_user, fake_trs, queued):
    checked = upload(body, body_user, AMARA, TOMASZ)
    bulk.confirm_upload(upload=checked, confirmed_by=body_user)
    bulk.apply_row(row_id=row(checked, 2).pk)  # the worker died after the first row

    apply_bulk_upload.apply(args=[checked.pk])
    apply_bulk_upload.apply(args=[checked.pk])  # and a duplicate task

    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.DONE
    assert [r.result for r in checked.rows.all()] == ["claimed", "claimed"]
    assert InductionPeriod.objects.count() == 2
    assert TRSInductionUpdate.objects.count() == 2


def test_checking_carries_on_where_it_stopped_when_trs_was_unavailable(body, body_user, fake_trs, queued):
    content = "\n".join([CLAIMS_HEADINGS, AMARA, TOMASZ, ELLIE]).encode()
    rows = [bulk_csv.parse_row("claims", r) for r in bulk_csv.read_file("claims", content)]
    new = bulk.start_upload(body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", rows=rows)
    bulk.check_row(row_id=row(new, 2).pk)
    fake_trs.fail_next(1)
    with pytest.raises(TRSUnavailable):
        bulk.check_upload(upload_id=new.pk)
    new.refresh_from_db()
    assert new.status == BulkUpload.Status.CHECKING
    assert new.rows.filter(checked_at__isnull=True).count() == 2
    assert row(new, 3).date_of_birth_digest  # kept until it can be checked

    bulk.check_upload(upload_id=new.pk)
    new.refresh_from_db()
    assert (new.status, new.ready_count) == (BulkUpload.Status.CHECKED, 3)
    assert len(fake_trs.requests_for("9990001")) == 1  # the row checked before was not asked again


def test_trs_unavailable_for_too_long_stops_the_upload_and_forgets_the_dates_of_birth(
    body, body_user, fake_trs
):
    content = "\n".join([CLAIMS_HEADINGS, AMARA]).encode()
    rows = [bulk_csv.parse_row("claims", r) for r in bulk_csv.read_file("claims", content)]
    new = bulk.start_upload(body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", rows=rows)
    bulk.stop_upload(upload_id=new.pk, reason=bulk.TRS_GAVE_UP)
    new.refresh_from_db()
    assert new.status == BulkUpload.Status.FAILED
    assert new.failure == bulk.TRS_GAVE_UP
    assert not new.rows.exclude(date_of_birth_digest="").exists()


def test_the_sweep_queues_again_an_upload_whose_task_was_lost(
    body, body_user, fake_trs, queued, service_clock
):
    content = "\n".join([CLAIMS_HEADINGS, AMARA]).encode()
    rows = [bulk_csv.parse_row("claims", r) for r in bulk_csv.read_file("claims", content)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            celery_app, "send_task", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("Redis down"))
        )
        with committed():
            lost = bulk.start_upload(
                body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", rows=rows
            )
    assert resume_stalled_bulk_uploads.apply().get() == 0  # not stalled yet
    service_clock.shift(datetime.timedelta(minutes=6))
    assert resume_stalled_bulk_uploads.apply().get() == 1
    assert resume_stalled_bulk_uploads.apply().get() == 0  # left alone a while once queued
    assert queued == [(bulk.CHECK_TASK, lost.pk)]
    service_clock.shift(datetime.timedelta(days=1))
    resume_stalled_bulk_uploads.apply()
    lost.refresh_from_db()
    assert lost.status == BulkUpload.Status.FAILED


# --- outcomes ------------------------------------------------------------------------------------


def claimed(body, trn: str):
    return InductionPeriodFactory(
        teacher=TeacherFactory(trn=trn), appropriate_body=body, started_on=datetime.date(LAST_YEAR, 9, 1)
    )


def outcomes(body, user, *lines):
    return upload(body, user, *lines, kind=bulk_csv.OUTCOMES, headings=OUTCOMES_HEADINGS)


def test_outcomes_pass_fail_and_release_with_the_appeal_confirmed_once_for_every_fail(
    body, other_body, body_user, fake_trs, queued
):
    for trn in ("9990001", "9990002", "9990003"):
        claimed(body, trn)
    claimed(other_body, "9990014")
    ended = clock.today() - datetime.timedelta(days=1)
    end = ended.strftime("%d/%m/%Y")
    checked = outcomes(
        body,
        body_user,
        f"9990001,21/04/1996,{end},6,pass",
        f"9990002,03/11/1998,{end},5.5,fail",
        f"9990003,30/01/1999,{end},2,release",
        f"9990014,19/07/1995,{end},6,pass",  # another body's ECT
    )
    assert (checked.ready_count, checked.problem_count) == (3, 1)
    assert "has no induction with you" in row(checked, 5).problems[0]["message"]
    assert bulk.needs_appeal_confirmation(checked)
    with pytest.raises(bulk.CannotConfirm, match="told of their right to appeal"):
        bulk.confirm_upload(upload=checked, confirmed_by=body_user)

    applied = confirm_and_apply(checked, body_user, told_of_appeal=True)
    assert applied.told_of_appeal
    assert [r.result for r in applied.rows.order_by("row_number")][:3] == ["recorded"] * 3
    periods = {p.teacher.trn: p for p in InductionPeriod.objects.filter(appropriate_body=body)}
    assert (periods["9990001"].outcome, periods["9990001"].finished_on) == ("pass", ended)
    assert (periods["9990002"].outcome, periods["9990002"].number_of_terms) == ("fail", Decimal("5.5"))
    assert (periods["9990003"].outcome, periods["9990003"].finished_on) == ("", ended)

    again = outcomes(
        body, body_user, f"9990001,21/04/1996,{end},6,pass", f"9990003,30/01/1999,{end},2,release"
    )
    assert [r.note for r in again.rows.all()] == ["Outcome already recorded"] * 2
    assert not bulk.needs_appeal_confirmation(again)
    again = confirm_and_apply(again, body_user)
    assert [r.result for r in again.rows.all()] == ["already_recorded"] * 2
    assert InductionPeriod.objects.filter(appropriate_body=body, finished_on=ended).count() == 3


def test_an_upload_is_confirmed_once_and_only_with_rows_to_apply(body, body_user, fake_trs, queued):
    nothing = upload(body, body_user, "9990004,01/01/1990,01/09/2026,provider-led")
    with pytest.raises(bulk.CannotConfirm, match="no rows that can be applied"):
        bulk.confirm_upload(upload=nothing, confirmed_by=body_user)
    checked = upload(body, body_user, AMARA)
    bulk.confirm_upload(upload=checked, confirmed_by=body_user)
    with pytest.raises(bulk.CannotConfirm, match="already been confirmed"):
        bulk.confirm_upload(upload=checked, confirmed_by=body_user)


def test_confirming_is_an_event_on_the_body(body, body_user, fake_trs, queued):
    checked = upload(body, body_user, AMARA, "9990004,01/01/1990,01/09/2026,provider-led")
    bulk.confirm_upload(upload=checked, confirmed_by=body_user)
    event = Event.objects.get(event_type="bulk_upload_confirmed")
    assert event.appropriate_body == body
    assert event.heading == "Claims file ects.csv confirmed by Ada Reviewer: 1 of 2 rows to apply"


def test_postgres_refuses_a_checked_row_with_a_date_of_birth_and_a_file_of_no_rows(body, body_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkUpload.objects.create(
            appropriate_body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", row_count=0
        )
    new = BulkUpload.objects.create(
        appropriate_body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", row_count=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkUploadRow.objects.create(
            upload=new, row_number=2, date_of_birth_digest="ab" * 32, checked_at=clock.now()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkUploadRow.objects.create(
            upload=new,
            row_number=2,
            problems=[{"column": "TRN", "message": "x"}],
            checked_at=clock.now(),
            result="claimed",
            applied_at=clock.now(),
        )


def _stored_text(rows) -> str:
    """Every value the rows keep in Postgres, as text."""
    return " ".join(str(value) for values in rows.values() for value in values.values())


def test_no_date_of_birth_is_stored_only_a_keyed_digest_forgotten_once_checked(body, body_user, fake_trs):
    content = "\n".join([CLAIMS_HEADINGS, AMARA, "9990005,01/01/1990,01/09/2026,provider-led"]).encode()
    rows = [bulk_csv.parse_row("claims", r) for r in bulk_csv.read_file("claims", content)]
    new = bulk.start_upload(body=body, kind="claims", uploaded_by=body_user, file_name="x.csv", rows=rows)

    assert "date_of_birth" not in {field.name for field in BulkUploadRow._meta.get_fields()}
    stored = _stored_text(new.rows)
    for born in ("1996-04-21", "21/04/1996", "1990-01-01", "01/01/1990"):
        assert born not in stored
    assert row(new, 2).date_of_birth_digest == bulk.date_of_birth_digest(
        "9990001", datetime.date(1996, 4, 21)
    )

    bulk.check_upload(upload_id=new.pk)
    assert not row(new, 2).problems  # TRS's date of birth matched the digest
    assert [problem["column"] for problem in row(new, 3).problems] == ["Date of birth"]
    assert not new.rows.exclude(date_of_birth_digest="").exists()  # forgotten once checked


# --- a row that fails does not stall the upload --------------------------------------------------


class _Deadlock(Exception):
    """What psycopg puts behind Django's OperationalError when Postgres broke a deadlock."""

    sqlstate = "40P01"


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _Deadlock()
    return error


def test_a_row_whose_check_fails_unexpectedly_is_a_problem_and_the_others_are_checked(
    body, body_user, fake_trs, queued, monkeypatch
):
    real_stop = claims.why_not_claimable

    def broken_for_tomasz(**kwargs):
        if kwargs["record"].trn == "9990002":
            raise ValueError("a bug")
        return real_stop(**kwargs)

    monkeypatch.setattr(claims, "why_not_claimable", broken_for_tomasz)
    checked = upload(body, body_user, AMARA, TOMASZ, ELLIE)

    assert checked.status == BulkUpload.Status.CHECKED
    assert (checked.ready_count, checked.problem_count) == (2, 1)
    assert row(checked, 3).problems == [{"column": "", "message": bulk.COULD_NOT_CHECK}]
    assert row(checked, 3).date_of_birth_digest == ""


def test_a_row_that_fails_unexpectedly_when_applied_is_not_done_and_the_others_are(
    body, body_user, fake_trs, queued, monkeypatch
):
    checked = upload(body, body_user, AMARA, TOMASZ, ELLIE)
    real_claim = claims.claim_ect

    def broken_for_tomasz(**kwargs):
        if kwargs["record"].trn == "9990002":
            raise InductionPeriod.DoesNotExist("a bug")
        return real_claim(**kwargs)

    monkeypatch.setattr(claims, "claim_ect", broken_for_tomasz)
    applied = confirm_and_apply(checked, body_user)

    assert applied.status == BulkUpload.Status.DONE
    assert [(r.result, r.result_message) for r in applied.rows.all()] == [
        ("claimed", ""),
        ("refused", bulk.COULD_NOT_APPLY),
        ("claimed", ""),
    ]


def test_a_deadlock_is_tried_once_more(body, body_user, fake_trs, queued, monkeypatch):
    checked = upload(body, body_user, AMARA, TOMASZ)
    real_claim = claims.claim_ect
    deadlocks = [_deadlock()]

    def deadlocked_once(**kwargs):
        if kwargs["record"].trn == "9990002" and deadlocks:
            raise deadlocks.pop()
        return real_claim(**kwargs)

    monkeypatch.setattr(claims, "claim_ect", deadlocked_once)
    applied = confirm_and_apply(checked, body_user)
    assert [r.result for r in applied.rows.all()] == ["claimed", "claimed"]


def test_an_upload_stopped_while_applying_says_which_rows_were_never_applied(
    body, body_user, fake_trs, queued, service_clock
):
    checked = upload(body, body_user, AMARA, TOMASZ, ELLIE)
    bulk.confirm_upload(upload=checked, confirmed_by=body_user)
    bulk.apply_row(row_id=row(checked, 2).pk)  # then the worker kept dying
    service_clock.shift(datetime.timedelta(days=1, minutes=1))
    resume_stalled_bulk_uploads.apply()

    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.STOPPED
    assert checked.failure == bulk.GAVE_UP
    assert [r.result for r in checked.rows.all()] == ["claimed", "not_applied", "not_applied"]
    assert bulk_csv.what_happened(row(checked, 3))[0] == "Not done: this file stopped before this row"


def test_a_checked_upload_not_confirmed_within_7_days_must_be_uploaded_again(
    body, body_user, fake_trs, queued, service_clock
):
    checked = upload(body, body_user, AMARA)
    service_clock.shift(bulk.CONFIRM_WITHIN + datetime.timedelta(minutes=1))
    with pytest.raises(bulk.CannotConfirm, match="upload it again"):
        bulk.confirm_upload(upload=checked, confirmed_by=body_user)
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.CHECKED
    assert bulk.expired(checked)


def test_applying_uses_what_trs_said_at_checking_only_when_it_is_newer_than_ours(
    body, body_user, fake_trs, queued, service_clock
):
    checked = upload(body, body_user, AMARA)
    heard_since = clock.now() + datetime.timedelta(minutes=5)
    teacher = TeacherFactory(trn="9990001", trs_last_name="Okafor-Smith", trs_data_refreshed_at=heard_since)
    service_clock.shift(datetime.timedelta(minutes=10))
    confirm_and_apply(checked, body_user)
    teacher.refresh_from_db()
    assert (teacher.trs_last_name, teacher.trs_data_refreshed_at) == ("Okafor-Smith", heard_since)
    assert teacher.induction_periods.count() == 1


def test_confirming_a_file_with_a_long_name_by_someone_with_a_long_name_fits_the_event_heading(
    body, body_user, fake_trs, queued
):
    content = "\n".join([CLAIMS_HEADINGS, AMARA]).encode()
    rows = [bulk_csv.parse_row("claims", r) for r in bulk_csv.read_file("claims", content)]
    long_file = bulk.start_upload(
        body=body, kind="claims", uploaded_by=body_user, file_name="x" * 251 + ".csv", rows=rows
    )
    bulk.check_upload(upload_id=long_file.pk)
    body_user.full_name = "Ada " + "Lovelace-" * 20
    body_user.save()
    bulk.confirm_upload(upload=BulkUpload.objects.get(pk=long_file.pk), confirmed_by=body_user)
    heading = Event.objects.get(event_type="bulk_upload_confirmed").heading
    assert len(heading) == 300 and heading.endswith("…")


# --- "already" is decided once the teacher is locked --------------------------------------------


def test_a_claim_made_while_the_row_waited_for_the_teacher_lock_is_already_claimed(
    body, body_user, fake_trs, queued, monkeypatch
):
    checked = upload(body, body_user, AMARA)
    real_lock = claims.locked_teacher_from_record

    def claimed_meanwhile(*, record):
        """Another apply of the same body claimed them, and committed, as this one waited for the lock."""
        InductionPeriodFactory(
            teacher=TeacherFactory(trn=record.trn),
            appropriate_body=body,
            started_on=datetime.date(THIS_YEAR, 9, 1),
        )
        return real_lock(record=record)

    monkeypatch.setattr(claims, "locked_teacher_from_record", claimed_meanwhile)
    applied = confirm_and_apply(checked, body_user)
    assert [(r.result, r.result_message) for r in applied.rows.all()] == [
        ("already_claimed", bulk.ALREADY_CLAIMED)
    ]


def test_an_outcome_recorded_while_the_row_waited_for_the_teacher_lock_is_already_recorded(
    body, body_user, fake_trs, queued, monkeypatch
):
    period = claimed(body, "9990001")
    ended = clock.today() - datetime.timedelta(days=1)
    checked = outcomes(body, body_user, f"9990001,21/04/1996,{ended:%d/%m/%Y},6,pass")
    real_record = bulk.outcomes.record_outcome

    def recorded_meanwhile(**kwargs):
        """Another apply recorded it, and committed, after this row was read, before its lock."""
        InductionPeriod.objects.filter(pk=period.pk).update(
            finished_on=ended, number_of_terms=6, outcome="pass"
        )
        return real_record(**kwargs)

    monkeypatch.setattr(bulk.outcomes, "record_outcome", recorded_meanwhile)
    applied = confirm_and_apply(checked, body_user)
    assert [(r.result, r.result_message) for r in applied.rows.all()] == [
        ("already_recorded", bulk.ALREADY_RECORDED)
    ]


def test_a_problem_is_filed_under_the_column_the_rule_says_not_by_words_in_a_name(
    body, body_user, fake_trs, queued
):
    teacher = TeacherFactory(trn="9990001", corrected_name="Terry Programme-Terms")
    InductionPeriodFactory(
        teacher=teacher,
        appropriate_body=body,
        started_on=datetime.date(LAST_YEAR, 9, 1),
        finished_on=datetime.date(LAST_YEAR, 12, 1),
        number_of_terms=1,
    )
    ended = clock.today() - datetime.timedelta(days=1)
    checked = outcomes(body, body_user, f"9990001,21/04/1996,{ended:%d/%m/%Y},6,pass")
    assert row(checked, 2).problems == [
        {
            "column": "TRN",
            "message": "Terry Programme-Terms has no open induction period with Riverside Teaching School Hub",
        }
    ]
