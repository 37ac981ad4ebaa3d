"""Lookups the ORM lacks."""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignKey, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    """`field__any_of=values`: the rows whose field is one of `values`, given as stored (no
    conversion). On PostgreSQL it is `field IN (SELECT unnest(%s::type[]))` with the values as
    ONE array parameter; `field__in` would send thousands of placeholders for the driver to
    split and the ORM to prepare one by one (~15 µs a value, docs/performance.md). On SQLite
    it is `IN (SELECT value FROM json_each(%s))` with the values as one JSON array (str and int
    values); elsewhere `IN (…)`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", (*params, *self.rhs)

    def as_sqlite(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        # one JSON array parameter: no limit on the number of values (SQLite caps placeholders)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.rhs))

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        # a semi-join on the unnested array: for thousands of values several times faster
        # than `= ANY(array)`, whose index scan sorts and probes the array element by element
        array = f"{self.lhs.output_field.cast_db_type(connection)}[]"
        return f"{lhs} IN (SELECT unnest(%s::{array}))", (*params, self.rhs)


ForeignKey.register_lookup(AnyOf)  # related fields keep their own lookups: ids, as stored
