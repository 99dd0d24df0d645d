"""What every list endpoint shares: pages (past the end is empty, more than 3,000 is 3,000, a page
that is not a positive number is a 400, as the DfE's API answers), an updated_since that cannot be
read a 400, and a 401 without a token. Each list holds one row of the caller's when these run.
tests/api/test_query_parameters.py has the rest of what each parameter does."""

import pytest

from finance import services as finance
from tests.dates import THIS_YEAR

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v3/participants": {},
    "/api/v3/participants/transfers": {},
    "/api/v3/participants/changes": {},
    "/api/v3/partnerships": {},
    "/api/v3/schools": {"filter[cohort]": f"{THIS_YEAR}"},
    "/api/v3/delivery-partners": {},
    "/api/v3/participant-declarations": {},
    "/api/v3/statements": {},
    "/api/v3/unfunded-mentors": {},
}


@pytest.fixture
def something_in_each_list(api, amara, partnership, ambition_this_year):
    finance.add_statements(ambition_this_year, months=1)


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_end_is_empty(api, something_in_each_list, path):
    response = api.get(path, {**LISTS[path], "page[page]": "999"})
    assert response.status_code == 200
    if path != "/api/v3/participants/changes":  # the feed pages by cursor, not by number
        assert response.json()["data"] == []


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["0", "-1", "two", "0.8", ""])
def test_a_page_that_is_not_a_whole_number_of_1_or_more_is_a_400(api, path, value):
    response = api.get(path, {**LISTS[path], "page[per_page]": value})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "title": "Bad request",
                "detail": "page[page] and page[per_page] must each be a whole number of 1 or more.",
            }
        ]
    }


@pytest.mark.parametrize("path", LISTS)
def test_more_than_3000_a_page_is_taken_as_3000(api, something_in_each_list, path):
    assert api.get(path, {**LISTS[path], "page[per_page]": "5000"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [path for path in LISTS if path not in ("/api/v3/delivery-partners", "/api/v3/participants/changes")],
)
def test_a_bad_updated_since_is_a_400(api, path):
    response = api.get(path, {**LISTS[path], "filter[updated_since]": "last week"})
    assert response.status_code == 400
    assert [problem["title"] for problem in response.json()["errors"]] == ["Bad request"]


@pytest.mark.parametrize("path", LISTS)
def test_no_token_is_a_401(client, path):
    assert client.get(path, LISTS[path]).status_code == 401
