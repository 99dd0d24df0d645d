"""The participant listing: each lead provider's participants as GET /api/v3/participants lists
them, so that a page is read from an index instead of being built from every training period
(docs/decisions/0039).

A row (api.models.ParticipantListing) is a participant's JSON exactly as
api.resources.participant_json writes it, encoded once as JsonResponse encodes it, with what the
list sorts and filters by. The copy is kept from the record of participant changes (participants
migration 0003): every write to anything a participant's JSON shows appends a ParticipantChange
in its own transaction, and each provider's ParticipantListingState says up to which change its
copy holds. A list request

1. finds where it stands (`position`): the settled time and the last change recorded by then,
   as `updated_since` and the change feed take them (docs/decisions/0016);
2. brings the provider's copy up to that change (`catch_up`), holding the provider's lock: each
   changed teacher the provider trains is written again by the same serialiser, those it no
   longer trains are taken out. At most a budget of teachers; past it, the request is answered
   the old way (api.queries) and the rest left to the next request or the background task;
3. reads its page (`page_rows`): OFFSET over the index of its order, then those rows' JSON. A
   participant's status moves on with the calendar, so each row says which days its JSON holds
   on; a row on the page written for another day is written again first.

Rows are only ever written again from what the database holds now, under the provider's lock,
so a row is never older than its provider's change mark: two readers catch up one after the
other, and a write committing while one does is a later change, caught next time.

api.tasks.refresh_participant_listings does steps 2 and 3 for every provider in the background;
`build` makes a provider's copy from nothing (after a bulk load, which records no changes, and
from `manage.py build_participant_listing`)."""

import datetime
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q

from api import queries
from api.pages import FURTHEST_OFFSET, Page
from api.resources import declaration_json, participant_json
from core import clock
from finance.models import Declaration
from participants.models import MentorshipPeriod, Teacher
from providers.models import LeadProvider

# Teachers a request may write again before it answers; more, and it answers the old way.
INLINE_BUDGET = 500
# Changes read at once, and teachers written per transaction when building or in the background.
CHANGES_READ = 20_000
CHUNK = 2_000
# How long a request waits for another process bringing the same provider's copy up to date.
LOCK_WAIT_MS = 3_000
ONE_DAY = datetime.timedelta(days=1)

TABLE = "api_participantlisting"
DECLARATIONS = "api_declarationlisting"
STATE = "api_participantlistingstate"
COLUMNS = (
    "lead_provider_id",
    "teacher_id",
    "created_at",
    "updated_at",
    "cohorts",
    "training_statuses",
    "enrolments",
    "valid_from",
    "valid_until",
    "json",
)
SORT_COLUMNS = {"created_at": "created_at", "updated_at": "updated_at"}


@dataclass(frozen=True)
class Position:
    """Where a list request stands, from api_participant_listing_position (api migration 0004)."""

    settled_at: datetime.datetime  # every change stamped before this has committed
    up_to: int  # the last change recorded by then
    change_id: int | None  # the provider's copy holds every change up to this (None: never built)
    bulk_loads: int
    built_after_bulk_loads: int | None

    @property
    def built(self) -> bool:
        """Built, and since no bulk load (which records no changes) has written anything."""
        return self.change_id is not None and self.built_after_bulk_loads == self.bulk_loads

    @property
    def current(self) -> bool:
        return self.built and self.change_id >= self.up_to


def position(lead_provider: LeadProvider) -> Position:
    """Wait until every participant change already stamped has committed; then where the
    provider's copy stands against the last change recorded (one round trip)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_participant_listing_position(%s)", [lead_provider.pk])
        return Position(*cursor.fetchone())


# --- Writing rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    teacher_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    cohorts: list[int]
    training_statuses: list[str]
    enrolments: list[str]
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    json: str


def encode(data) -> str:
    """As JsonResponse encodes it: the bytes a client receives."""
    return json.dumps(data, cls=DjangoJSONEncoder)


def serialise(
    teacher_ids: Iterable[int], lead_provider: LeadProvider, *, today: datetime.date
) -> dict[int, Row]:
    """The rows of those teachers the lead provider trains or trained, by teacher id, written as
    the API writes them on `today`; a fixed number of queries however many teachers."""
    teachers = list(Teacher.objects.filter(pk__in=list(teacher_ids)).order_by())
    queries.with_enrolments(teachers, lead_provider, today=today)
    listed = [teacher for teacher in teachers if teacher.enrolments]
    days = _days_it_changes(listed)
    rows = {}
    for teacher in listed:
        data = participant_json(teacher, today=today)
        enrolments = data["attributes"]["ecf_enrolments"]
        valid_from, valid_until = _days_around(today, days.get(teacher.pk, ()))
        rows[teacher.pk] = Row(
            teacher_id=teacher.pk,
            created_at=teacher.created_at,
            updated_at=teacher.api_updated_at,
            cohorts=[int(e["cohort"]) for e in enrolments],
            training_statuses=[e["training_status"] for e in enrolments],
            enrolments=[f"{e['cohort']}/{e['training_status']}" for e in enrolments],
            valid_from=valid_from,
            valid_until=valid_until,
            json=encode(data),
        )
    return rows


def _days_it_changes(teachers: list[Teacher]) -> dict[int, set[datetime.date]]:
    """The days on which each teacher's JSON may read differently from the day before, with
    nothing written: their enrolments' training starting or finishing (participant_status), and
    an ECT's mentorships starting or having finished the day before (mentor_id)."""
    days: dict[int, set[datetime.date]] = {teacher.pk: set() for teacher in teachers}
    ect_periods = {}
    for teacher in teachers:
        for enrolment in teacher.enrolments:
            training = enrolment.training
            days[teacher.pk].update(day for day in (training.started_on, training.finished_on) if day)
            if enrolment.role == "ect":
                ect_periods[enrolment.at_school.pk] = teacher.pk
    mentorships = MentorshipPeriod.objects.filter(mentee__in=list(ect_periods)).values_list(
        "mentee_id", "started_on", "finished_on"
    )
    for mentee_id, started_on, finished_on in mentorships:
        days[ect_periods[mentee_id]].update(
            day for day in (started_on, finished_on and finished_on + ONE_DAY) if day
        )
    return days


def _days_around(today: datetime.date, days) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and the day after the last day around `today` on which none of `days` falls
    (None: no limit that way)."""
    before = [day for day in days if day <= today]
    after = [day for day in days if day > today]
    return (max(before) if before else None, min(after) if after else None)


def holds_on(
    today: datetime.date, valid_from: datetime.date | None, valid_until: datetime.date | None
) -> bool:
    return (valid_from is None or valid_from <= today) and (valid_until is None or today < valid_until)


def _write(lead_provider: LeadProvider, rows: dict[int, Row], *, remove: Iterable[int] = ()) -> None:
    """Write the rows (replacing the teachers' rows there were) and take out the teachers of
    `remove` that have no row among them."""
    gone = [teacher_id for teacher_id in remove if teacher_id not in rows]
    with connection.cursor() as cursor:
        if gone:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE lead_provider_id = %s AND teacher_id = ANY(%s::bigint[])",
                [lead_provider.pk, gone],
            )
        if rows:
            updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS[2:])
            cursor.executemany(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)})"
                f" VALUES (%s, %s, %s, %s, %s::integer[], %s::text[], %s::text[], %s, %s, %s)"
                f" ON CONFLICT (lead_provider_id, teacher_id) DO UPDATE SET {updates}",
                _row_values(lead_provider, rows.values()),
            )


def _row_values(lead_provider: LeadProvider, rows: Iterable[Row]) -> list[tuple]:
    return [
        (
            lead_provider.pk,
            row.teacher_id,
            row.created_at,
            row.updated_at,
            row.cohorts,
            row.training_statuses,
            row.enrolments,
            row.valid_from,
            row.valid_until,
            row.json,
        )
        for row in rows
    ]


def _copy(table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    """COPY rows in (a provider's copy built from nothing: there is nothing to replace)."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in values:
            copy.write_row(row)


@dataclass(frozen=True)
class DeclarationRow:
    declaration_id: int
    teacher_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    cohort: int | None
    participant_api_id: uuid.UUID
    delivery_partner_api_id: uuid.UUID | None
    json: str


_COHORT = "training_period__school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period"


# What declaration_json reads of a declaration, fetched as values rather than model instances
# (five times faster to write a provider's copy from nothing), and where it reads each.
_DECLARATION_FIELDS = {
    "pk": "pk",
    "api_id": "api_id",
    "teacher_id": "teacher_id",
    "declaration_type": "declaration_type",
    "declaration_date": "declaration_date",
    "course_identifier": "course_identifier",
    "clawback_status": "clawback_status",
    "payment_status": "payment_status",
    "updated_at": "updated_at",
    "created_at": "created_at",
    "uplift_paid": "uplift_paid",
    "evidence_type": "evidence_type",
    "listing_cohort": "listing_cohort",
    "teacher__api_id": "teacher.api_id",
    "lead_provider__name": "lead_provider.name",
    "payment_statement__api_id": "payment_statement.api_id",
    "payment_statement__marked_payable_at": "payment_statement.marked_payable_at",
    "delivery_partner__api_id": "delivery_partner.api_id",
    "clawback_statement__api_id": "clawback_statement.api_id",
    "mentor__api_id": "mentor.api_id",
}


def _as_declaration(values: dict) -> SimpleNamespace:
    """A declaration as declaration_json reads it, from its values: each related row a namespace
    of what is read of it, or None when there is none (all of it None: every field read of a
    related row is NOT NULL)."""
    declaration, related = SimpleNamespace(), {}
    for field, path in _DECLARATION_FIELDS.items():
        owner, _, name = path.rpartition(".")
        if owner:
            related.setdefault(owner, {})[name] = values[field]
        else:
            setattr(declaration, name, values[field])
    for owner, fields in related.items():
        present = any(value is not None for value in fields.values())
        setattr(declaration, owner, SimpleNamespace(**fields) if present else None)
    return declaration


def serialise_declarations(teacher_ids: Iterable[int], lead_provider: LeadProvider) -> list[DeclarationRow]:
    """The declarations the lead provider sees of those teachers, written as the API writes them;
    one query however many."""
    declarations = (
        queries.declarations(lead_provider, teacher_ids=list(teacher_ids))
        .annotate(listing_cohort=F(_COHORT))
        .order_by()
        .values(*_DECLARATION_FIELDS)
    )
    rows = []
    for values in declarations:
        declaration = _as_declaration(values)
        rows.append(
            DeclarationRow(
                declaration_id=declaration.pk,
                teacher_id=declaration.teacher_id,
                created_at=declaration.created_at,
                updated_at=declaration.updated_at,
                cohort=declaration.listing_cohort,
                participant_api_id=declaration.teacher.api_id,
                delivery_partner_api_id=declaration.delivery_partner.api_id
                if declaration.delivery_partner
                else None,
                json=encode(declaration_json(declaration)),
            )
        )
    return rows


_DECLARATION_COLUMNS = (
    "lead_provider_id",
    "declaration_id",
    "teacher_id",
    "created_at",
    "updated_at",
    "cohort",
    "participant_api_id",
    "delivery_partner_api_id",
    "json",
)


def _write_declarations(
    lead_provider: LeadProvider, rows: list[DeclarationRow], *, teacher_ids: Iterable[int]
) -> None:
    """Replace the declarations of those teachers the provider sees by `rows`."""
    teacher_ids = list(teacher_ids)
    with connection.cursor() as cursor:
        if teacher_ids:
            cursor.execute(
                f"DELETE FROM {DECLARATIONS} WHERE lead_provider_id = %s AND teacher_id = ANY(%s::bigint[])",
                [lead_provider.pk, teacher_ids],
            )
        if rows:
            updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in _DECLARATION_COLUMNS[2:])
            cursor.executemany(
                f"INSERT INTO {DECLARATIONS} ({', '.join(_DECLARATION_COLUMNS)})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                f" ON CONFLICT (lead_provider_id, declaration_id) DO UPDATE SET {updates}",
                _declaration_values(lead_provider, rows),
            )


def _declaration_values(lead_provider: LeadProvider, rows: Iterable[DeclarationRow]) -> list[tuple]:
    return [
        (
            lead_provider.pk,
            row.declaration_id,
            row.teacher_id,
            row.created_at,
            row.updated_at,
            row.cohort,
            row.participant_api_id,
            row.delivery_partner_api_id,
            row.json,
        )
        for row in rows
    ]


def _lock(lead_provider: LeadProvider, wait_ms: int = LOCK_WAIT_MS) -> bool:
    """Take the provider's listing lock until the transaction ends; False if another process
    held it for longer than `wait_ms`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_participant_listing_lock(%s, %s)", [lead_provider.pk, wait_ms])
        return cursor.fetchone()[0]


def _state(lead_provider: LeadProvider) -> tuple[int, int] | None:
    """(change_id, bulk_loads) of the provider's copy as committed now, or None: never built."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT change_id, bulk_loads FROM {STATE} WHERE lead_provider_id = %s", [lead_provider.pk]
        )
        return cursor.fetchone()


def _set_state(lead_provider: LeadProvider, *, change_id: int, bulk_loads: int | None = None) -> None:
    with connection.cursor() as cursor:
        if bulk_loads is None:
            cursor.execute(
                f"UPDATE {STATE} SET change_id = %s WHERE lead_provider_id = %s",
                [change_id, lead_provider.pk],
            )
        else:
            cursor.execute(
                f"INSERT INTO {STATE} (lead_provider_id, change_id, bulk_loads, built_at) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (lead_provider_id) DO UPDATE"
                " SET change_id = EXCLUDED.change_id, bulk_loads = EXCLUDED.bulk_loads, built_at = EXCLUDED.built_at",
                [lead_provider.pk, change_id, bulk_loads, clock.now()],
            )


def _listed_teacher_ids(lead_provider: LeadProvider, *, limit: int | None = None) -> list[int]:
    """The teachers either listing may hold a row of: those the provider trains or trained, and
    those it declared for."""
    ids = (
        queries.participants(lead_provider)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Declaration.objects.filter(lead_provider=lead_provider)
            .order_by()
            .values_list("teacher_id", flat=True)
        )
    )
    return list(ids[:limit] if limit is not None else ids)


def _write_teachers(
    lead_provider: LeadProvider, teacher_ids, today: datetime.date, *, remove=()
) -> dict[int, Row]:
    """Write both listings' rows of those teachers again; take out those of `remove` (and of
    them) that no longer have any. The participants' rows, by teacher id."""
    teacher_ids = list(teacher_ids)
    rows = serialise(teacher_ids, lead_provider, today=today)
    _write(lead_provider, rows, remove={*remove, *teacher_ids})
    _write_declarations(
        lead_provider, serialise_declarations(teacher_ids, lead_provider), teacher_ids={*remove, *teacher_ids}
    )
    return rows


def _build_from(
    lead_provider: LeadProvider, teacher_ids: list[int], at: Position, today: datetime.date
) -> None:
    """Replace the provider's copy by these teachers' rows: as of change `at.up_to` (every
    change up to it committed before these reads)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE lead_provider_id = %s", [lead_provider.pk])
        cursor.execute(f"DELETE FROM {DECLARATIONS} WHERE lead_provider_id = %s", [lead_provider.pk])
    for start in range(0, len(teacher_ids), CHUNK):
        chunk = teacher_ids[start : start + CHUNK]
        _copy(
            TABLE, COLUMNS, _row_values(lead_provider, serialise(chunk, lead_provider, today=today).values())
        )
        _copy(
            DECLARATIONS,
            _DECLARATION_COLUMNS,
            _declaration_values(lead_provider, serialise_declarations(chunk, lead_provider)),
        )
    _set_state(lead_provider, change_id=at.up_to, bulk_loads=at.bulk_loads)


# --- Bringing a copy up to date ------------------------------------------------------------------------


def catch_up(
    *, lead_provider: LeadProvider, at: Position, today: datetime.date, budget: int | None = None
) -> bool:
    """Bring the provider's copy up to change `at.up_to`, writing at most `budget` teachers again
    (a copy never built is built when it has at most `budget` participants); whether it got
    there. What it did is kept even when it did not get there."""
    if at.current:
        return True
    budget = INLINE_BUDGET if budget is None else budget
    with transaction.atomic():
        if not _lock(lead_provider):
            return False
        state = _state(lead_provider)
        if state is None or state[1] != at.bulk_loads:
            teacher_ids = _listed_teacher_ids(lead_provider, limit=budget + 1)
            if len(teacher_ids) > budget:
                return False
            _build_from(lead_provider, teacher_ids, at, today)
            return True
        change_id = state[0]
        if change_id >= at.up_to:
            return True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, teacher_id FROM participants_participantchange WHERE id > %s AND id <= %s"
                " ORDER BY id LIMIT %s",
                [change_id, at.up_to, CHANGES_READ],
            )
            changes = cursor.fetchall()
        # Teachers either listing holds a row of: trained by the provider, or declared for by it.
        trained = set(
            Teacher.objects.filter(pk__in={teacher_id for _, teacher_id in changes})
            .filter(
                queries.enrolled(lead_provider, queries.ParticipantFilters(), each=True)
                | Q(Exists(Declaration.objects.filter(lead_provider=lead_provider, teacher=OuterRef("pk"))))
            )
            .values_list("pk", flat=True)
        )
        # Changes in order, as many as the budget of teachers allows: the mark moves to the last.
        taken, seen, through = set(), set(), change_id
        for change, teacher_id in changes:
            if teacher_id in trained and teacher_id not in taken:
                if len(taken) == budget:
                    break
                taken.add(teacher_id)
            seen.add(teacher_id)
            through = change
        else:
            if (
                len(changes) < CHANGES_READ
            ):  # every change up to at.up_to (ids of rolled-back writes are never seen)
                through = at.up_to
        _write_teachers(lead_provider, taken, today, remove=seen)
        _set_state(lead_provider, change_id=through)
    return through >= at.up_to


def build(*, lead_provider: LeadProvider, today: datetime.date | None = None) -> int:
    """Make the provider's copy from nothing, in one transaction; how many participants it holds."""
    today = today or clock.today()
    at = position(lead_provider)
    with transaction.atomic():
        _lock(lead_provider, wait_ms=10 * 60 * 1000)
        teacher_ids = _listed_teacher_ids(lead_provider)
        _build_from(lead_provider, teacher_ids, at, today)
    return len(teacher_ids)


def refresh(*, lead_provider: LeadProvider, today: datetime.date | None = None) -> None:
    """Bring the provider's copy up to date and write again the rows whose JSON no longer holds
    today (the background task): in transactions of as many teachers as a request may write, so
    a request waiting for the provider's lock meanwhile waits briefly."""
    today = today or clock.today()
    while True:
        at = position(lead_provider)
        if not at.built:
            build(lead_provider=lead_provider, today=today)
            return
        if catch_up(lead_provider=lead_provider, at=at, today=today, budget=INLINE_BUDGET):
            break
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT teacher_id FROM {TABLE} WHERE lead_provider_id = %s"
                " AND (valid_from > %s OR valid_until <= %s) LIMIT %s",
                [lead_provider.pk, today, today, INLINE_BUDGET],
            )
            due = [teacher_id for (teacher_id,) in cursor.fetchall()]
        if not due or write_again(lead_provider=lead_provider, teacher_ids=due, today=today) is None:
            return


def write_again(
    *, lead_provider: LeadProvider, teacher_ids: list[int], today: datetime.date
) -> dict[int, str] | None:
    """Write those teachers' rows again as they are today (taking out any the provider no longer
    trains); their JSON by teacher id, or None when another process held the lock too long."""
    with transaction.atomic():
        if not _lock(lead_provider):
            return None
        rows = serialise(teacher_ids, lead_provider, today=today)
        _write(lead_provider, rows, remove=teacher_ids)
    return {teacher_id: row.json for teacher_id, row in rows.items()}


# --- Reading a page ------------------------------------------------------------------------------------


def _where(lead_provider: LeadProvider, filters: queries.ParticipantFilters) -> tuple[str, list]:
    where, params = ["lead_provider_id = %s"], [lead_provider.pk]
    if filters.updated_since:
        where.append("updated_at >= %s")
        params.append(filters.updated_since)
    if filters.from_participant_ids is not None:
        where.append(
            "teacher_id IN (SELECT teacher_id FROM participants_teacheridchange WHERE from_api_id = ANY(%s::uuid[]))"
        )
        params.append(filters.from_participant_ids)
    # One enrolment must match both a cohort and a training status asked for (api.queries.enrolled).
    if filters.cohorts is not None and filters.training_status:
        where.append("enrolments && %s::text[]")
        params.append([f"{year}/{filters.training_status}" for year in filters.cohorts])
    elif filters.cohorts is not None:
        where.append("cohorts && %s::integer[]")
        params.append(filters.cohorts)
    elif filters.training_status:
        where.append("training_statuses && %s::text[]")
        params.append([filters.training_status])
    return " AND ".join(where), params


def _order(sort: tuple[str, ...], table: str = "") -> str:
    keys = [
        f"{table}{SORT_COLUMNS[key.lstrip('-')]} {'DESC' if key.startswith('-') else 'ASC'}" for key in sort
    ]
    return ", ".join([*keys, f"{table}teacher_id ASC"])


def page_rows(
    *, lead_provider: LeadProvider, filters: queries.ParticipantFilters, page: Page, today: datetime.date
) -> list[str] | None:
    """The JSON of the page's participants, in order, from the provider's copy (which must be up
    to date); None when a row written for another day turned out to be gone (to answer the old
    way)."""
    if page.offset > FURTHEST_OFFSET:
        return []
    where, params = _where(lead_provider, filters)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row.teacher_id, row.json, row.valid_from, row.valid_until"
            f" FROM (SELECT teacher_id, created_at, updated_at FROM {TABLE} WHERE {where}"
            f" ORDER BY {_order(filters.sort)} OFFSET %s LIMIT %s) AS page"
            f" JOIN {TABLE} row ON row.lead_provider_id = %s AND row.teacher_id = page.teacher_id"
            f" ORDER BY {_order(filters.sort, 'page.')}",
            [*params, page.offset, page.per_page, lead_provider.pk],
        )
        rows = cursor.fetchall()
    due = [
        teacher_id
        for teacher_id, _, valid_from, valid_until in rows
        if not holds_on(today, valid_from, valid_until)
    ]
    if not due:
        return [text for _, text, _, _ in rows]
    again = write_again(lead_provider=lead_provider, teacher_ids=due, today=today)
    if again is None or any(teacher_id not in again for teacher_id in due):
        return None
    return [again.get(teacher_id, text) for teacher_id, text, _, _ in rows]


def declaration_page_rows(
    *,
    lead_provider: LeadProvider,
    page: Page,
    cohorts: list[int] | None = None,
    participant_ids: list[uuid.UUID] | None = None,
    delivery_partner_ids: list[uuid.UUID] | None = None,
    updated_since: datetime.datetime | None = None,
) -> list[str]:
    """The JSON of the page's declarations, oldest first, from the provider's copy (which must be
    up to date), filtered as api.queries.declarations filters them."""
    if page.offset > FURTHEST_OFFSET:
        return []
    where, params = ["lead_provider_id = %s"], [lead_provider.pk]
    for column, values, cast in (
        ("cohort", cohorts, "integer"),
        ("participant_api_id", participant_ids, "uuid"),
        ("delivery_partner_api_id", delivery_partner_ids, "uuid"),
    ):
        if values is not None:
            where.append(f"{column} = ANY(%s::{cast}[])")
            params.append(values)
    if updated_since:
        where.append("updated_at >= %s")
        params.append(updated_since)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row.json FROM (SELECT declaration_id, created_at FROM {DECLARATIONS}"
            f" WHERE {' AND '.join(where)} ORDER BY created_at, declaration_id OFFSET %s LIMIT %s) AS page"
            f" JOIN {DECLARATIONS} row ON row.lead_provider_id = %s AND row.declaration_id = page.declaration_id"
            " ORDER BY page.created_at, page.declaration_id",
            [*params, page.offset, page.per_page, lead_provider.pk],
        )
        return [text for (text,) in cursor.fetchall()]


def as_data(rows: list[str]) -> bytes:
    """{"data": [rows]} as JsonResponse would encode the list of them."""
    return ('{"data": [' + ", ".join(rows) + "]}").encode()


def vacuum() -> None:
    """VACUUM (ANALYZE) the listing, so a page's index-only scan reads no table pages: after a
    build, outside any transaction."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in (TABLE, DECLARATIONS):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
