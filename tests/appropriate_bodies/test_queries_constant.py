"""The bulk pages take as many queries for many uploads, and uploads of many rows, as for a few:
the list of the body's uploads, and an upload's page while it waits to be confirmed (its rows
ready and its rows with problems) and once applied (what happened to each). The body's other
lists are held to their counts in test_pages.py and test_records.py."""

import re

import pytest
from django.urls import reverse

from appropriate_bodies.models import BulkUpload, BulkUploadRow
from core import clock
from tests.factories import UserFactory
from tests.query_counts import assert_same_number, queries_of

pytestmark = pytest.mark.django_db


def upload_of(body, *, status: str, rows: int) -> BulkUpload:
    """A claims file of `rows` rows, every third with a problem, checked; applied when `status`
    is done. Each by someone else."""
    now = clock.now()
    problems = [n for n in range(rows) if n % 3 == 2]
    applied = status == BulkUpload.Status.DONE
    confirmer = UserFactory() if applied else None
    upload = BulkUpload.objects.create(
        appropriate_body=body,
        kind=BulkUpload.Kind.CLAIMS,
        uploaded_by=UserFactory(),
        file_name="ects.csv",
        status=status,
        row_count=rows,
        ready_count=rows - len(problems),
        problem_count=len(problems),
        checked_at=now,
        confirmed_by=confirmer,
        confirmed_at=now if applied else None,
        finished_at=now if applied else None,
    )
    BulkUploadRow.objects.bulk_create(
        BulkUploadRow(
            upload=upload,
            row_number=n + 2,
            trn=f"{9990000 + n}",
            teacher_name=f"Teacher {n}",
            induction_programme="provider_led",
            checked_at=now,
            problems=[{"column": "TRN", "message": "We cannot find a teacher record with this TRN"}]
            if n in problems
            else [],
            result=""
            if n in problems or not applied
            else (BulkUploadRow.Result.CLAIMED if n % 2 else BulkUploadRow.Result.ALREADY_CLAIMED),
            applied_at=now if applied and n not in problems else None,
        )
        for n in range(rows)
    )
    return upload


def home(world):
    return reverse("appropriate_body_bulk", kwargs={"body_id": world["body"].pk})


def file_page(status):
    def address(world):
        return reverse(
            "appropriate_body_bulk_file", kwargs={"body_id": world["body"].pk, "upload_id": world[status].pk}
        )

    return address


# (what, its address, a pattern each row of its list matches)
PAGES = [
    ("the uploads", home, r'/bulk/\d+"'),
    ("a file to confirm", file_page(BulkUpload.Status.CHECKED), r">Row \d+<"),
    ("a file applied", file_page(BulkUpload.Status.DONE), r">Row \d+<"),
]


@pytest.mark.parametrize(("what", "address", "row"), PAGES, ids=[page[0] for page in PAGES])
def test_a_bulk_page_takes_the_same_queries_however_many_rows(client, body, body_user, what, address, row):
    client.force_login(body_user)

    def make(uploads: int, rows: int) -> dict:
        made = [
            upload_of(body, status=status, rows=rows)
            for status in ("checked", "done")
            for _ in range(uploads)
        ]
        return {"body": body, "checked": made[uploads - 1], "done": made[-1]}

    def counted(world):
        queries, response = queries_of(lambda: client.get(address(world)))
        assert response.status_code == 200
        return queries, len(re.findall(row, response.content.decode()))

    few, few_rows = counted(make(1, 4))
    many, many_rows = counted(make(4, 40))
    assert 0 < few_rows < many_rows
    assert_same_number(few, many, what)
