"""A queryset's SQL built by the ORM once per process, then run with each request's values.

Building a heavily annotated queryset (subqueries, CASE, EXISTS) and compiling it to SQL costs
Django several milliseconds per request, more than PostgreSQL takes to run it. A
`PrecompiledQuery` builds its queryset once, from stand-in values, and remembers the SQL and
which of its parameters were the stand-ins; each call then runs that SQL as a raw query with the
call's values in their place. The rows are the model's instances with the queryset's
annotations, as the queryset gives them (no `select_related`: its columns would clash by name).

Compiling even a plain lookup (a join, a filter, an order) costs Django ~0.5 ms, several times
what PostgreSQL takes to answer it: the lookups made on every page of a school's journeys (the
school's access check, what the registration wizard checks about a teacher) are built once too,
with `@precompiled`, which names each stand-in by the keyword argument it stands for.

The rows are read without `RawQuerySet`, which works out again on every call which column is which
field (from the cursor's description) and builds a compiler for the converters: ~10% of a worker's
time in issue 19's rush, on lookups PostgreSQL answers in a fraction of a millisecond. The
columns are the same on every call of one SQL, so that is worked out once (`RowShape`) and each
row becomes an instance as `RawQuerySet` would make it: `Model.from_db` with the fields' values
converted, and each other column set as an attribute of its name.
"""

import contextlib
import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Model, QuerySet
from django.db.models.sql import Query


@dataclass(frozen=True)
class RowShape:
    """Which column of a query's rows is which of the model's fields, and which are annotations."""

    model: type[Model]
    field_names: list[str]  # the model's fields the query selects, in the model's order
    field_positions: list[int]  # where each of those is in a row
    annotations: list[tuple[str, int]]  # every other column: the attribute it becomes, and where
    converters: dict[int, tuple[list, Any]]  # as the ORM's compiler gives them, by position

    @classmethod
    def of(cls, model: type[Model], description: Sequence) -> "RowShape":
        """The shape of rows a cursor with this `description` gives."""
        to_column = connection.introspection.identifier_converter
        columns = [to_column(column[0]) for column in description]
        by_column = {to_column(f.column): f for f in model._meta.concrete_fields}
        fields = [f for f in model._meta.fields if to_column(f.column) in columns]
        if model._meta.pk not in fields:
            raise ValueError(f"A precompiled query of {model.__name__} must select its primary key")
        compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, DEFAULT_DB_ALIAS)
        selected = [by_column.get(column) for column in columns]
        return cls(
            model=model,
            field_names=[f.attname for f in fields],
            field_positions=[columns.index(to_column(f.column)) for f in fields],
            annotations=[(column, pos) for pos, column in enumerate(columns) if column not in by_column],
            converters=compiler.get_converters(
                [f.get_col(f.model._meta.db_table) if f else None for f in selected]
            ),
        )

    def instances(self, rows: Sequence[tuple]) -> list[Model]:
        if self.converters:
            rows = list(self._converted(rows))
        made = []
        for row in rows:
            instance = self.model.from_db(
                DEFAULT_DB_ALIAS, self.field_names, [row[pos] for pos in self.field_positions]
            )
            for name, pos in self.annotations:
                setattr(instance, name, row[pos])
            made.append(instance)
        return made

    def _converted(self, rows):
        for row in rows:
            row = list(row)
            for pos, (converters, expression) in self.converters.items():
                for convert in converters:
                    row[pos] = convert(row[pos], expression, connection)
            yield row


class PreparingCursor(ServerBindingCursor):
    """Binds values on the server, not into the SQL's text, and has the SQL prepared on its
    connection the first time it runs there: PostgreSQL then plans it once (decision 0047)."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)

    def _send_query_prepared(self, name, pgq, *, binary=None):
        # psycopg keeps the query it ran only when it was not prepared; Django's log of queries (in
        # tests, and with DEBUG) reads it: the SQL with $1, $2 … in place of the values.
        super()._send_query_prepared(name, pgq, binary=binary)
        self._query = pgq


@contextlib.contextmanager
def plan_keeping_cursor():
    """Django's cursor (its health check, its check of the thread, its log of queries in tests),
    preparing its SQL: for SQL built once from stand-ins, the same text on every call."""
    with connection.cursor() as cursor:
        cursor.cursor.close()
        cursor.cursor = PreparingCursor(connection.connection)
        yield cursor


class PreparedSQL:
    """Hand-written SQL run prepared (`plan_keeping_cursor`): PostgreSQL plans it once per
    connection, not on every run. `rows(params)` gives its rows as tuples; with a `model`,
    `instances(params)` gives them as the model's instances (`RowShape`), as `Model.objects.raw`
    would, each other column an attribute of its name. Its parameters are `%s` or `%(name)s`."""

    def __init__(self, sql: str, model: type[Model] | None = None):
        self.sql = sql
        self.model = model
        self._shape: RowShape | None = None

    def rows(self, params) -> list[tuple]:
        return self._fetch(params)[0]

    def instances(self, params) -> list[Model]:
        if self.model is None:
            raise TypeError("instances() needs the model the rows are of")
        rows, description = self._fetch(params)
        if self._shape is None:
            self._shape = RowShape.of(self.model, description)
        return self._shape.instances(rows)

    def _fetch(self, params) -> tuple[list[tuple], Sequence]:
        with plan_keeping_cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall(), cursor.description


class PrecompiledQuery:
    """`build()` makes the queryset from stand-in values; `stand_ins` are the SQL parameters
    those become (each equal to no constant of the query). `run(values)` puts `values[stand-in]`
    in place of each of them and keeps every other parameter."""

    def __init__(self, build: Callable[[], QuerySet], stand_ins: list[Hashable]):
        self.build = build
        self.stand_ins = set(stand_ins)
        self._compiled: tuple[PreparedSQL, list, list[bool]] | None = None

    def _compile(self) -> tuple[PreparedSQL, list, list[bool]]:
        queryset = self.build()
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        slots = [isinstance(param, Hashable) and param in self.stand_ins for param in params]
        unused = self.stand_ins - {param for param, slot in zip(params, slots, strict=True) if slot}
        if unused:
            raise ValueError(f"Stand-ins that are none of the query's parameters: {unused}")
        return PreparedSQL(sql, queryset.model), list(params), slots

    def run(self, values: dict[Hashable, object]) -> list[Model]:
        """`values` maps each stand-in to the value this call runs with."""
        if self._compiled is None:
            self._compiled = self._compile()
        prepared, params, slots = self._compiled
        return prepared.instances(
            [values[param] if slot else param for param, slot in zip(params, slots, strict=True)]
        )


class PrecompiledLookup:
    """A function building a queryset from keyword arguments, built once from stand-ins (see
    `precompiled`). Calling it runs that SQL with the call's arguments in their place."""

    def __init__(self, build: Callable[..., QuerySet], stand_ins: dict[str, Hashable]):
        functools.update_wrapper(self, build)
        self.stand_ins = stand_ins
        self.query = PrecompiledQuery(lambda: build(**stand_ins), list(stand_ins.values()))

    def __call__(self, **arguments) -> list[Model]:
        if arguments.keys() != self.stand_ins.keys():
            raise TypeError(f"{self.__name__}() takes {sorted(self.stand_ins)}, not {sorted(arguments)}")
        return self.query.run({self.stand_ins[name]: value for name, value in arguments.items()})

    def first(self, **arguments):
        """The first row, or None."""
        rows = self(**arguments)
        return rows[0] if rows else None

    def exists(self, **arguments) -> bool:
        return self.first(**arguments) is not None


def precompiled(**stand_ins: Hashable) -> Callable[[Callable[..., QuerySet]], PrecompiledLookup]:
    """Decorates a function building a queryset from keyword arguments: it is built once, with these
    stand-ins as its arguments, and each call runs that SQL with the call's arguments in their place
    (or `.first(…)`, `.exists(…)`).

        @precompiled(school_id=SCHOOL_STAND_IN, trn=TRN_STAND_IN)
        def _ects_named(*, school_id, trn):
            return ECTAtSchoolPeriod.objects.filter(school_id=school_id, teacher__trn=trn)[:1]
    """

    if len(set(stand_ins.values())) < len(stand_ins):
        raise ValueError(f"Two arguments share a stand-in: {stand_ins}")
    # A stand-in equal to a constant the query holds would be replaced too: these are in many.
    if common := [value for value in stand_ins.values() if value in (0, 1, "", None)]:
        raise ValueError(f"Stand-ins too common to be told from the query's constants: {common}")
    return lambda build: PrecompiledLookup(build, stand_ins)
