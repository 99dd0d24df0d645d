"""Whether an email address is in use is asked as each ECT and mentor is registered: each table's
query must compare the expression its any-case email index is built on (participants migration
0014), or PostgreSQL reads every period to answer it (37 ms a table on the England data, issue 19).

The plan itself is not asserted: on the all but empty tables of a test database the planner
rightly prefers other ways, whatever the indexes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.queries import email_in_use
from tests.dates import THIS_YEAR

pytestmark = pytest.mark.django_db

INDEXES = {
    "participants_ectatschoolperiod": "ect_period_email_any_case",
    "participants_mentoratschoolperiod": "mentor_period_email_any_case",
}


def test_each_table_is_asked_by_the_expression_its_email_index_is_built_on():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(INDEXES.values())],
        )
        built_on = {table: (name, definition) for table, name, definition in cursor.fetchall()}
    with CaptureQueriesContext(connection) as captured:
        assert not email_in_use(
            "Someone@Example.com", today=datetime.date(THIS_YEAR, 9, 1), except_trn="1234567"
        )
    assert len(captured.captured_queries) == len(INDEXES)
    for table, query in zip(INDEXES, captured.captured_queries, strict=True):
        name, definition = built_on[table]
        assert name == INDEXES[table] and definition.endswith("USING btree (upper((email)::text))")
        assert f'UPPER("{table}"."email"::text) = UPPER(' in query["sql"]
