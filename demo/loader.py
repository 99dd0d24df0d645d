"""Fast loading: ids chosen in Python, rows streamed with COPY, sequences moved on after.

Choosing ids up front lets the generator wire every foreign key without reading anything
back. It is safe because the tables are locked (EXCLUSIVE: others may read, nobody may
write) for the whole transaction, and the id sequences are moved past what was used.
COPY goes through the same constraints and triggers as INSERT, so the database still
checks every invariant on every row.
"""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class Loader:
    def __init__(self, models: Sequence[type[Model]]):
        self.models = list(models)
        self._next: dict[type[Model], int] = {}
        self._first: dict[type[Model], int] = {}

    def lock(self) -> None:
        """Lock the tables and note the first free id of each. Call inside a transaction."""
        with connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(f"LOCK TABLE {table(model)} IN EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table(model)}")
                (max_id,) = cursor.fetchone()
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
                (sequence,) = cursor.fetchone()
                # A sequence can be ahead of MAX(id) (deleted rows); never hand out those ids
                # again, since audit events may name a removed period by id.
                cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
                (last_issued,) = cursor.fetchone()
                first = max(max_id, last_issued) + 1
                self._first[model] = self._next[model] = first

    def next_id(self, model: type[Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def used(self, model: type[Model]) -> int:
        return self._next[model] - self._first[model]

    def copy(self, model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """COPY rows (tuples in `columns` order) into the model's table; returns the count."""
        count = 0
        column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table(model)} ({column_list}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def advance_sequences(self) -> None:
        """Move each id sequence past the ids this load used."""
        with connection.cursor() as cursor:
            for model in self.models:
                if self.used(model):
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                        [model._meta.db_table, self._next[model] - 1],
                    )


def truncate(models: Sequence[type[Model]]) -> list[str]:
    """TRUNCATE the models' tables and, by CASCADE, every table that references them.

    Returns the names of the tables emptied. TRUNCATE is used (not DELETE) because the
    audit log refuses DELETE row by row, and because it is instant.
    """
    names = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        emptied = list(names)
        # Follow foreign keys backwards to name what CASCADE will take with it.
        frontier = list(names)
        while frontier:
            cursor.execute(
                """
                SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
                WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)
                """,
                [frontier],
            )
            frontier = [name for (name,) in cursor.fetchall() if name not in emptied]
            emptied.extend(frontier)
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checks queued by earlier
        # writes in this transaction would make TRUNCATE fail, so run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(table(m) for m in models)} RESTART IDENTITY CASCADE")
    return emptied
