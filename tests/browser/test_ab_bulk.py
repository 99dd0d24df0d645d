"""An appropriate body claims ECTs in bulk: a file it cannot use gets a message by the file field;
a mixed file of good and bad rows is checked (progress, then every problem by row and column),
confirmed, applied (progress to the end) and its results downloaded. A real Celery worker runs the
tasks; the fake TRS answers. axe on every page."""

import datetime
import time

import pytest
from playwright.sync_api import expect

from appropriate_bodies.services import bulk
from core import clock
from participants.models import InductionPeriod
from tests.browser.conftest import assert_accessible
from tests.browser.test_set_up_training import sign_in
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.emails.conftest import running_worker
from tests.factories import AppropriateBodyAccessFactory, AppropriateBodyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

START = f"01/09/{THIS_YEAR}"
MIXED_FILE = "\r\n".join(
    [
        "TRN,Date of birth,Induction start date,Induction programme",
        f"9990001,21/04/1996,{START},provider-led",
        f"9990004,01/01/1990,{START},provider-led",  # TRS has no such teacher
        "",  # a blank line: skipped
        f"9990002,03/11/1998,01/06/{LAST_YEAR},school-led",  # before their QTS
        f"9990003,30/01/1999,{START},school-led",
        f"12AB,30/01/1999,{START},online",
    ]
).encode()


def slowly(function, seconds: float):
    def slowed(**kwargs):
        time.sleep(seconds)
        return function(**kwargs)

    return slowed


def test_a_body_uploads_a_mixed_claims_file_confirms_it_and_downloads_the_results(
    page, live_server, fake_trs, monkeypatch
):
    body = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    user = UserFactory(full_name="Ada Reviewer", privacy_notice_accepted_at=clock.now())
    AppropriateBodyAccessFactory(user=user, appropriate_body=body)
    # Slow enough to see each progress page (the worker runs in this process).
    monkeypatch.setattr(bulk.trs, "find_teacher", slowly(bulk.trs.find_teacher, 0.7))
    monkeypatch.setattr(bulk.claims, "claim_ect", slowly(bulk.claims.claim_ect, 1.5))
    sign_in(page, user, live_server)

    page.goto(f"{live_server.url}/appropriate-bodies/{body.pk}")
    page.get_by_role("link", name="Upload a CSV file of claims or outcomes").click()
    expect(page.locator("h1")).to_have_text("Claim ECTs or record outcomes in bulk")
    assert_accessible(page)
    page.get_by_role("link", name="Claim ECTs").click()
    expect(page.locator("h1")).to_have_text("Upload a CSV file of claims")
    assert_accessible(page)

    with page.expect_download() as template:
        page.get_by_role("link", name="Download a template CSV file of claims").click()
    assert template.value.path().read_text(encoding="utf-8-sig").startswith("TRN,Date of birth,")

    page.get_by_label("Upload a CSV file of claims").set_input_files(
        files=[{"name": "notes.csv", "mimeType": "text/csv", "buffer": b"Name,Email\nAda,ada@example.org\n"}]
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The first row must be the column headings")
    expect(page.locator(".govuk-error-message")).to_contain_text("TRN, Date of birth")
    assert_accessible(page)

    with running_worker():
        page.get_by_label("Upload a CSV file of claims").set_input_files(
            files=[{"name": "september.csv", "mimeType": "text/csv", "buffer": MIXED_FILE}]
        )
        page.get_by_role("button", name="Upload and check the file").click()
        expect(page.locator("h1")).to_have_text("Checking your file")
        expect(page.get_by_text("Rows checked:")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Refresh to see progress").click()  # without JavaScript, a link

        # The page asks for progress by itself and moves on when checking is done.
        expect(page.locator("h1")).to_have_text("Check your file before you confirm it", timeout=20_000)
        problems = page.get_by_role("table", name="Problems in the file, by row and column")
        expect(problems).to_contain_text("Row 3")
        expect(problems).to_contain_text("We cannot find a teacher record with this TRN")
        expect(problems).to_contain_text("Row 5")
        expect(problems).to_contain_text("Induction start date")
        expect(problems).to_contain_text("The TRN must be 7 digits")
        ready = page.get_by_role("table", name="Rows ready to apply")
        expect(ready).to_contain_text("Amara Okafor")
        expect(ready).to_contain_text("Ellie Marsh")
        assert_accessible(page)
        assert not InductionPeriod.objects.exists()  # nothing saved before confirming

        page.get_by_role("button", name="Confirm and claim these ECTs").click()
        expect(page.locator("h1")).to_have_text("Applying your file")
        expect(page.get_by_text("Rows applied:")).to_be_visible()
        assert_accessible(page)
        expect(page.locator("h1")).to_have_text("Your file has been applied", timeout=20_000)

    assert_accessible(page)
    expect(page.get_by_role("table", name="What happened to each row")).to_contain_text("Claimed")
    with page.expect_download() as results:
        page.get_by_role("link", name="Download the results (CSV)").click()
    lines = results.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Row,TRN,Induction start date,Induction programme,Name,Result,Details"
    assert lines[1] == f"2,9990001,{START},provider-led,Amara Okafor,Claimed,"
    assert lines[4] == f"6,9990003,{START},school-led,Ellie Marsh,Claimed,"
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3", "5", "6", "7"]
    assert sorted(InductionPeriod.objects.values_list("teacher__trn", "started_on")) == [
        ("9990001", datetime.date(THIS_YEAR, 9, 1)),
        ("9990003", datetime.date(THIS_YEAR, 9, 1)),
    ]

    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("link", name="september.csv")).to_be_visible()
    assert_accessible(page)
