"""Whether an email address is in use is asked as each ECT and mentor is registered: the query the
ORM writes must be one PostgreSQL can answer from the any-case email indexes (participants
migration 0014), not by reading every period (37 ms a table on the England data, issue 19)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.queries import email_in_use
from tests.dates import THIS_YEAR

pytestmark = pytest.mark.django_db


def test_each_table_is_searched_by_its_email_index():

    with CaptureQueriesContext(connection) as captured:
        assert not email_in_use(
            "Someone@Example.com", today=datetime.date(THIS_YEAR, 9, 1), except_trn="1234567"
        )
    plans = []
    with connection.cursor() as cursor:
        # The tables are all but empty here, where reading them is cheapest: forbid that, so the
        # plan shows whether an index can serve the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert len(plans) == 2
    assert "ect_period_email_any_case" in plans[0]
    assert "mentor_period_email_any_case" in plans[1]
