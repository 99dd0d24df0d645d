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
"""

import functools
from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import RawQuerySet


class PrecompiledQuery:
    """`build()` makes the queryset from stand-in values; `stand_ins` are the SQL parameters
    those become (each equal to no constant of the query). `run(values)` puts `values[stand-in]`
    in place of each of them and keeps every other parameter."""

    def __init__(self, build: Callable[[], QuerySet], stand_ins: list[Hashable]):
        self.build = build
        self.stand_ins = set(stand_ins)
        self._compiled: tuple | None = None

    def _compile(self):
        queryset = self.build()
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        slots = [isinstance(param, Hashable) and param in self.stand_ins for param in params]
        unused = self.stand_ins - {param for param, slot in zip(params, slots, strict=True) if slot}
        if unused:
            raise ValueError(f"Stand-ins that are none of the query's parameters: {unused}")
        return queryset.model, sql, list(params), slots

    def run(self, values: dict[Hashable, object]) -> RawQuerySet:
        """`values` maps each stand-in to the value this call runs with."""
        if self._compiled is None:
            self._compiled = self._compile()
        model, sql, params, slots = self._compiled
        return model.objects.raw(
            sql, [values[param] if slot else param for param, slot in zip(params, slots, strict=True)]
        )


class PrecompiledLookup:
    """A function building a queryset from keyword arguments, built once from stand-ins (see
    `precompiled`). Calling it runs that SQL with the call's arguments in their place."""

    def __init__(self, build: Callable[..., QuerySet], stand_ins: dict[str, Hashable]):
        functools.update_wrapper(self, build)
        self.stand_ins = stand_ins
        self.query = PrecompiledQuery(lambda: build(**stand_ins), list(stand_ins.values()))

    def __call__(self, **arguments) -> RawQuerySet:
        if arguments.keys() != self.stand_ins.keys():
            raise TypeError(f"{self.__name__}() takes {sorted(self.stand_ins)}, not {sorted(arguments)}")
        return self.query.run({self.stand_ins[name]: value for name, value in arguments.items()})

    def first(self, **arguments):
        """The first row, or None."""
        return next(iter(self(**arguments)), None)

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
