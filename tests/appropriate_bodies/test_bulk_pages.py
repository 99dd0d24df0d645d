"""The bulk pages: the file field's messages for a file we cannot use (never a 500), templates, the
preview, confirming (with the appeal confirmation), progress and results; and another body's
upload is a 404 on every page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from appropriate_bodies.models import BulkUpload
from core import clock
from ecf.celery import app as celery_app
from participants.models import InductionPeriod
from tests.accounts.test_sign_in import sign_in
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import InductionPeriodFactory, TeacherFactory

pytestmark = pytest.mark.django_db

HEADINGS = "TRN,Date of birth,Induction start date,Induction programme"
GOOD = f"9990001,21/04/1996,01/09/{THIS_YEAR},provider-led"


@pytest.fixture
def signed_in(client, body_user, monkeypatch):
    monkeypatch.setattr(celery_app, "send_task", lambda *args, **kwargs: None)  # tasks are run by the tests
    sign_in(client, body_user)
    return client


def upload_url(body, kind="claims"):
    return reverse("appropriate_body_bulk_upload", kwargs={"body_id": body.pk, "kind": kind})


def post_file(client, body, content: bytes, name="ects.csv", kind="claims"):
    return client.post(upload_url(body, kind), {"csv_file": SimpleUploadedFile(name, content, "text/csv")})


def file_url(body, upload, page="appropriate_body_bulk_file"):
    return reverse(page, kwargs={"body_id": body.pk, "upload_id": upload.pk})


def test_the_home_page_links_to_bulk_uploads_and_each_kind_has_a_template(signed_in, body):
    home = signed_in.get(reverse("appropriate_body_home", kwargs={"body_id": body.pk})).content.decode()
    assert reverse("appropriate_body_bulk", kwargs={"body_id": body.pk}) in home
    template = signed_in.get(
        reverse("appropriate_body_bulk_template", kwargs={"body_id": body.pk, "kind": "outcomes"})
    )
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template.content.decode("utf-8-sig").startswith(
        "TRN,Date of birth,Induction end date,Number of terms,Outcome\r\n"
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "", "Select a CSV file"),
        (b"", "ects.csv", "The selected file is empty"),
        (b"\xff\xfeT\x00R\x00N\x00", "ects.csv", "must be saved as UTF-8"),
        (HEADINGS.encode(), "ects.xlsx", "The selected file must be a CSV"),
        (b"a,b\n1,2\n", "ects.csv", "The first row must be the column headings"),
        ((HEADINGS + "\n" + GOOD + "\n").encode() * 3000, "ects.csv", "smaller than 100 KB"),
    ],
)
def test_a_file_we_cannot_use_gets_a_message_by_the_file_field(signed_in, body, content, name, message):
    data = {} if content is None else {"csv_file": SimpleUploadedFile(name, content, "text/csv")}
    response = signed_in.post(upload_url(body), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_csv_file"' in page
    assert 'class="govuk-error-message"' in page and message in page
    assert not BulkUpload.objects.exists()


def test_upload_preview_confirm_and_results(signed_in, body, body_user, fake_trs):
    response = post_file(
        signed_in, body, f"{HEADINGS}\n{GOOD}\n9990004,01/01/1990,01/09/{THIS_YEAR},FIP\n".encode()
    )
    upload = BulkUpload.objects.get()
    assert response["Location"] == file_url(body, upload)
    checking = signed_in.get(file_url(body, upload)).content.decode()
    assert "Checking your file" in checking and "Refresh to see progress" in checking
    assert signed_in.get(file_url(body, upload, "appropriate_body_bulk_progress")).json() == {
        "status": "checking",
        "done": 0,
        "of": 2,
    }

    from appropriate_bodies.services import bulk

    bulk.check_upload(upload_id=upload.pk)
    preview = signed_in.get(file_url(body, upload)).content.decode()
    assert "Check your file before you confirm it" in preview
    assert "Row 3" in preview and "We cannot find a teacher record with this TRN" in preview
    assert "Amara Okafor" in preview
    assert not InductionPeriod.objects.exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        confirmed = signed_in.post(file_url(body, upload, "appropriate_body_bulk_confirm"))
    assert confirmed.status_code == 302
    assert "Applying your file" in signed_in.get(file_url(body, upload)).content.decode()
    bulk.apply_upload(upload_id=upload.pk)

    results = signed_in.get(file_url(body, upload)).content.decode()
    assert "Your file has been applied" in results
    download = signed_in.get(file_url(body, upload, "appropriate_body_bulk_results"))
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,TRN,Induction start date,Induction programme,Name,Result,Details"
    assert lines[1] == f"2,9990001,01/09/{THIS_YEAR},provider-led,Amara Okafor,Claimed,"
    assert lines[2].startswith("3,9990004,")
    assert "Not done" in lines[2] and "We cannot find a teacher record" in lines[2]
    assert "1996" not in download.content.decode()  # no date of birth, anywhere


def test_failing_someone_asks_for_the_appeal_confirmation_on_the_confirm_page(signed_in, body, fake_trs):
    InductionPeriodFactory(
        teacher=TeacherFactory(trn="9990001"),
        appropriate_body=body,
        started_on=datetime.date(LAST_YEAR, 9, 1),
    )
    end = f"01/09/{THIS_YEAR}"
    post_file(
        signed_in,
        body,
        f"TRN,Date of birth,Induction end date,Number of terms,Outcome\n9990001,21/04/1996,{end},6,fail\n".encode(),
        kind="outcomes",
    )
    upload = BulkUpload.objects.get()
    from appropriate_bodies.services import bulk

    bulk.check_upload(upload_id=upload.pk)
    preview = signed_in.get(file_url(body, upload)).content.decode()
    assert "has been told of their right to appeal" in preview
    refused = signed_in.post(file_url(body, upload, "appropriate_body_bulk_confirm"))
    assert refused.status_code == 400
    assert "There is a problem" in refused.content.decode()
    assert "Confirm that each ECT failing their induction has been told" in refused.content.decode()
    signed_in.post(file_url(body, upload, "appropriate_body_bulk_confirm"), {"told_of_appeal": "on"})
    upload.refresh_from_db()
    assert (upload.status, upload.told_of_appeal) == ("applying", True)


def test_another_bodys_upload_is_a_404_on_every_page(signed_in, body, other_body, body_user):
    theirs = BulkUpload.objects.create(
        appropriate_body=other_body, kind="claims", uploaded_by=body_user, file_name="x.csv", row_count=1
    )
    for page in (
        "appropriate_body_bulk_file",
        "appropriate_body_bulk_progress",
        "appropriate_body_bulk_results",
    ):
        assert signed_in.get(file_url(body, theirs, page)).status_code == 404
        assert signed_in.get(file_url(other_body, theirs, page)).status_code == 404
    assert signed_in.post(file_url(body, theirs, "appropriate_body_bulk_confirm")).status_code == 404
    assert signed_in.get(upload_url(other_body)).status_code == 404
    assert signed_in.get(upload_url(body, kind="extensions")).status_code == 404


def test_a_file_checked_over_7_days_ago_asks_to_be_uploaded_again_and_a_stopped_one_says_so(
    signed_in, body, body_user, fake_trs, service_clock
):
    from appropriate_bodies.services import bulk

    post_file(
        signed_in, body, f"{HEADINGS}\n{GOOD}\n9990002,03/11/1998,01/09/{THIS_YEAR},school-led\n".encode()
    )
    upload = BulkUpload.objects.get()
    bulk.check_upload(upload_id=upload.pk)
    service_clock.shift(datetime.timedelta(days=8))
    sign_in(signed_in, body_user)  # the session has ended meanwhile
    preview = signed_in.get(file_url(body, upload)).content.decode()
    assert "can no longer be confirmed" in preview and "Confirm and claim" not in preview
    refused = signed_in.post(file_url(body, upload, "appropriate_body_bulk_confirm"))
    assert refused.status_code == 400 and "upload it again" in refused.content.decode()

    BulkUpload.objects.filter(pk=upload.pk).update(checked_at=clock.now())  # as if checked today
    bulk.confirm_upload(upload=upload, confirmed_by=body_user)
    bulk.apply_row(row_id=upload.rows.get(row_number=2).pk)
    bulk.stop_upload(upload_id=upload.pk, reason=bulk.GAVE_UP)
    stopped = signed_in.get(file_url(body, upload)).content.decode()
    assert "Your file stopped before it finished" in stopped
    assert "Not done: this file stopped before this row" in stopped
