"""Sessions end after two hours without activity (the cookies page says so), and are not written
on every request: a session in use is saved again only once its last save is
SESSION_REFRESH_AFTER old (core/sessions.py). A page reads its session from the cache."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.sessions import SessionMiddleware, SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Any page that needs someone signed in (it reads the session to find them).
SIGNED_IN_PAGE = "/privacy-notice"
REFRESH_AFTER = datetime.timedelta(seconds=settings.SESSION_REFRESH_AFTER)
IDLE_TIMEOUT = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    assert client.get(SIGNED_IN_PAGE).status_code == 200  # the first page stamps the session
    return client


def test_pages_viewed_one_after_another_do_not_write_the_session(signed_in, service_clock):
    for _ in range(3):
        service_clock.shift(REFRESH_AFTER / 4)
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(SIGNED_IN_PAGE).status_code == 200
        assert session_writes(queries.captured_queries) == []


def test_a_page_viewed_once_the_last_save_is_old_enough_moves_the_expiry_on(signed_in, service_clock):
    before = expiry(signed_in)
    service_clock.shift(REFRESH_AFTER + datetime.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(SIGNED_IN_PAGE)
    assert response.status_code == 200
    assert len(session_writes(queries.captured_queries)) == 1
    assert expiry(signed_in) > before
    assert abs(expiry(signed_in) - (clock.now() + IDLE_TIMEOUT)) < datetime.timedelta(seconds=5)
    # The cookie follows, so the browser keeps it as long as the server does.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_someone_active_for_longer_than_the_timeout_stays_signed_in(signed_in, service_clock):
    for _ in range(int(3 * IDLE_TIMEOUT / (REFRESH_AFTER * 3))):  # three timeouts' worth of activity
        service_clock.shift(REFRESH_AFTER * 3)
        assert signed_in.get(SIGNED_IN_PAGE).status_code == 200


def test_someone_idle_for_the_timeout_is_signed_out(signed_in, service_clock):
    service_clock.shift(REFRESH_AFTER / 2)
    assert signed_in.get(SIGNED_IN_PAGE).status_code == 200  # activity that did not write
    service_clock.shift(IDLE_TIMEOUT - REFRESH_AFTER / 2 + datetime.timedelta(seconds=1))
    response = signed_in.get(SIGNED_IN_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_changed_session_is_saved_at_once(rf: RequestFactory):
    def remember(request):
        request.session["answer"] = "yes"
        return HttpResponse()

    def read(request):
        return HttpResponse(request.session.get("answer", ""))

    request = rf.get("/")
    middleware = SessionMiddleware(remember)
    response = middleware(request)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=cookie).exists()

    again = rf.get("/")
    again.COOKIES[settings.SESSION_COOKIE_NAME] = cookie
    assert SessionMiddleware(read)(again).content == b"yes"


def test_a_request_that_never_reads_the_session_neither_loads_nor_writes_it(signed_in, service_clock):
    service_clock.shift(REFRESH_AFTER * 2)  # old enough to refresh, were it read
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get("/healthcheck").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_no_session_is_made_for_a_visitor_without_one(client):
    assert client.get("/healthcheck").status_code == 200
    assert client.get("/").status_code == 200
    assert not Session.objects.exists()


def test_a_page_reads_the_session_from_the_cache_not_the_database(signed_in):
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(SIGNED_IN_PAGE).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_session_the_cache_lost_is_read_from_the_database(signed_in):
    key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(SessionStore(key).cache_key)
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(SIGNED_IN_PAGE).status_code == 200  # still signed in
    assert [q for q in queries.captured_queries if "django_session" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(SIGNED_IN_PAGE).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]  # cached again


# --- the row, written in one statement (decision 0048) -------------------------------------------


@pytest.mark.django_db(transaction=True)  # as a request writes it: in no transaction of its own
def test_a_changed_session_is_written_to_its_row_in_one_statement_and_to_the_cache():
    session = SessionStore()
    session["answer"] = "yes"
    session.create()
    session["answer"] = "no"
    sent = []

    def in_a_transaction_of_its_own(execute, sql, params, many, context):
        sent.append((sql.split()[0], connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(in_a_transaction_of_its_own):
        session.save()
    # Django's save sends the UPDATE inside transaction.atomic(): BEGIN before it, COMMIT after.
    assert sent == [("UPDATE", False)]
    row = Session.objects.get(session_key=session.session_key)
    assert row.get_decoded()["answer"] == "no"
    assert abs(row.expire_date - (clock.now() + IDLE_TIMEOUT)) < datetime.timedelta(minutes=1)
    cache.delete(session.cache_key)  # read from the row, not the cache
    assert SessionStore(session.session_key).load()["answer"] == "no"


def test_a_new_session_is_never_written_over_one_whose_key_is_taken(monkeypatch):
    taken = SessionStore()
    taken["whose"] = "someone else's"
    taken.create()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session["whose"] = "mine"
    session.create()  # the taken key refused, the next tried
    assert session.session_key == "k" * 32
    assert Session.objects.get(session_key=taken.session_key).get_decoded()["whose"] == "someone else's"
    assert Session.objects.get(session_key="k" * 32).get_decoded()["whose"] == "mine"


def test_a_session_whose_row_was_deleted_meanwhile_is_not_written_again():
    session = SessionStore()
    session["answer"] = "yes"
    session.create()
    Session.objects.filter(session_key=session.session_key).delete()  # signed out elsewhere
    session["answer"] = "no"
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_a_write_that_fails_inside_a_transaction_leaves_the_transaction_usable():
    session = SessionStore()
    session["answer"] = "yes"
    session._session_key = "k" * 41  # one character longer than the column takes
    with pytest.raises(DatabaseError):
        session.save(must_create=True)
    assert not Session.objects.filter(session_key="k" * 41).exists()  # the test's transaction still works
