"""Sessions that end after SESSION_COOKIE_AGE without activity, written only now and then.

Django either writes a session when it changes (its expiry then fixed from that write: someone
busy for two hours would be signed out mid-journey) or on every request
(SESSION_SAVE_EVERY_REQUEST: an UPDATE of `django_session` for each page anyone signed in views).
This middleware keeps the idle timeout without the write per request: a session the request used
is saved again, moving its expiry to SESSION_COOKIE_AGE from now, once its last save is
SESSION_REFRESH_AFTER seconds old. Someone is signed out between SESSION_COOKIE_AGE minus
SESSION_REFRESH_AFTER and SESSION_COOKIE_AGE after their last request (docs/decisions/0040).

Sessions are read from the cache (Redis) in front of the database: Django's `cached_db` engine,
which writes both and reads the database only when the cache has lost one (decision 0043). Its
row is written in one statement (decision 0048).
"""

from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import cached_db, db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, connections, router, transaction

from core import clock

# When the session was last saved, in whole seconds since the epoch (kept in the session itself).
SAVED_AT = "_saved_at"


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # Only a session the request read: one it never touched stays unloaded and unwritten (an
        # API call, a health check). An empty one (signed out, expired) is not saved by Django.
        if session is not None and session.accessed and not session.is_empty():
            now = int(clock.now().timestamp())
            last = session.get(SAVED_AT)
            if session.modified or last is None or now - last >= settings.SESSION_REFRESH_AFTER:
                session[SAVED_AT] = now  # marks it modified: Django saves it below, with a new expiry
        return super().process_response(request, response)


class RowWrittenInOneStatement(db.SessionStore):
    """Django's database session, its row written by one statement sent on its own: Django's
    writes it through the ORM inside a transaction, which is three round trips to PostgreSQL
    (begin, update, commit) and the UPDATE's SQL compiled afresh, for each page that answers a
    question of a journey (5% of a worker's time in issue 19's rush). One statement needs no
    transaction of its own (inside someone else's, it gets a savepoint, as Django's write does).
    What Django's save promises is kept: a new session's key must not be taken (else CreateError,
    and `create()` tries another), and a session updated must still have its row (else
    UpdateError: it was deleted meanwhile, say by signing out elsewhere)."""

    INSERT_SQL = (
        "INSERT INTO {table} (session_key, session_data, expire_date) VALUES (%s, %s, %s)"
        " ON CONFLICT (session_key) DO NOTHING"
    )
    UPDATE_SQL = "UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s"

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self.encode(self._get_session(no_load=must_create))
        expire_date = self.get_expiry_date()
        connection = connections[router.db_for_write(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        # Inside a caller's transaction (a sign-in cycling the key), in a savepoint as Django does:
        # a failed write must not leave that transaction unusable.
        in_savepoint = (
            transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()
        )
        try:
            with in_savepoint, connection.cursor() as cursor:
                if must_create:
                    cursor.execute(self.INSERT_SQL.format(table=table), [self.session_key, data, expire_date])
                else:
                    cursor.execute(self.UPDATE_SQL.format(table=table), [data, expire_date, self.session_key])
                written = cursor.rowcount == 1
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        if not written:
            raise CreateError if must_create else UpdateError


class SessionStore(cached_db.SessionStore, RowWrittenInOneStatement):
    """Django's `cached_db` session, over by the service clock as a database row is: the cache
    drops an entry SESSION_COOKIE_AGE after its save in real time, which a clock moved on (a test,
    `bin/as_if_today`) does not reach, and the database's expiry is not read on a cache hit."""

    def load(self):
        data = super().load()
        # Signed in through a backend since renamed: still signed in, through its new name.
        if renamed := settings.AUTHENTICATION_BACKENDS_RENAMED.get(data.get(BACKEND_SESSION_KEY)):
            data[BACKEND_SESSION_KEY] = renamed
        saved_at = data.get(SAVED_AT)
        if saved_at is not None and clock.now().timestamp() - saved_at >= settings.SESSION_COOKIE_AGE:
            self._session_key = None  # as Django does for an expired row: a new session, empty
            return {}
        return data
