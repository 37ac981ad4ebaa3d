"""Writing an import: the settings its transaction runs under (foreign keys checked per COPY on
PostgreSQL, a shorter GIL switch interval, SQLite's page cache), the writer thread (_Writer: the
database work of each batch, in order, on the driver's connection) and the insert of new persons
(_PersonInserter: COPY text on PostgreSQL, executemany on SQLite). What to write is decided in
compare.py; this module only writes it (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from operator import methodcaller

from django.db import connections, models, router
from django.utils import timezone

from doudi.core import audit, copytext
from doudi.core.models import AuditEntry

from ..models import Person
from .columns import _DEFAULTED

# ---- the transaction's settings ----------------------------------------------------------------


@contextmanager
def _checked_per_statement(connection):
    """PostgreSQL: check the foreign keys of the rows the import writes (a person's village and
    creator, an audit entry's actor) when each COPY ends rather than all at COMMIT. Django
    declares them DEFERRABLE INITIALLY DEFERRED, so 100,000 new persons would queue 100,000
    checks for the commit (~0.5 s, after everything else); checked per statement, they run in
    the writer thread while the next batch is built. Deferred again afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [Person._meta.db_table, AuditEntry._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferrable "
            "AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        names = ", ".join(connection.ops.quote_name(r[0]) for r in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield  # not restored after an error: the transaction is rolled back anyway
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


SWITCH_INTERVAL = 0.0002  # seconds; Python's default is 0.005


@contextmanager
def _switching():
    """A shorter GIL switch interval while importing. Three threads share the GIL: the reader,
    the builder and the writer, which only hands COPY text to the driver and then waits for
    the database. When the database is ready for more, the writer must win the GIL back; at the
    default 5 ms it queues behind the other two and the database idles (docs/performance.md)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


SQLITE_CACHE_KB = 32 * 1024  # SQLite's page cache while importing (its default is 2 MB)


@contextmanager
def _sqlite_cache():
    """On SQLite, a page cache that holds the indexes of a county's ledger while importing: with
    the default 2 MB, each of 100,000 inserts into the ten Person indexes (ID numbers arrive in
    random order) reads its pages back from the file (docs/performance.md). Restored after."""
    connection = connections[router.db_for_write(Person)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_CACHE_KB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# ---- the writer thread -------------------------------------------------------------------------


class _Writer:
    """The import's database work, in order, in a thread of its own (PostgreSQL): each batch's
    lookup of the persons already registered and, queued behind it, the previous batch's
    writes (COPY of the new persons and of the audit entries). While the thread waits for the
    server, the caller checks and builds the next batch, so the server and the importer's
    Python work at the same time instead of taking turns (docs/performance.md). It uses the
    driver's connection — thread-safe, in the import's transaction — never Django's per-thread
    wrapper. Not threaded (SQLite, whose engine runs in this process, a check, or PIPELINE
    off), each task runs at once. The first failure is the one raised, as Django's exception;
    leaving the block drops what is queued and waits for what is running."""

    def __init__(self, threaded: bool, connection):
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="ledger-writer") if threaded else None
        self.jobs: list[Future] = []  # writes not yet known to have succeeded, oldest first
        self.errors = connection.wrap_database_errors  # the driver's errors as Django's, as usual

    def submit(self, task: Callable, *args) -> Future:
        if self.pool is not None:
            return self.pool.submit(task, *args)
        future: Future = Future()
        try:
            future.set_result(task(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def write(self, job: Callable[[], None]) -> None:
        self.jobs.append(self.submit(job))
        self.check()

    def result(self, future: Future):
        """The task's result; a write queued before it that failed is raised first (the task
        itself then failed only because the transaction was aborted)."""
        try:
            future.exception()  # wait for it, and so for every write queued before it
        finally:
            self.check()
        with self.errors:
            return future.result()

    def check(self) -> None:
        while self.jobs and self.jobs[0].done():
            with self.errors:
                self.jobs.pop(0).result()

    def drain(self) -> None:
        for future in self.jobs:
            future.exception()
        self.check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


# ---- new persons: COPY text (PostgreSQL), executemany (SQLite) ---------------------------------


def _last_isoformat() -> Callable[[dt.datetime], str]:
    last: list = [None, ""]

    def convert(value):
        if value is not last[0]:
            last[0], last[1] = value, value.isoformat()
        return last[1]

    return convert


def _copy_converter(field) -> Callable[[object], str]:
    """A column's values (not None) as COPY text (core.copytext), for a column that is not plain
    text."""
    if isinstance(field, models.DateTimeField):  # the import's own timestamp, on every row
        return _last_isoformat()
    if isinstance(field, models.DateField):
        return methodcaller("isoformat")
    if isinstance(field, models.IntegerField) or (
        isinstance(field, models.ForeignKey) and isinstance(field.target_field, models.IntegerField)
    ):
        return int.__repr__
    return copytext.value


class _PersonInserter:
    """Insert new persons without the ORM's per-value overhead: COPY on PostgreSQL (with ids
    taken from the table's sequence), one executemany on SQLite. The columns come from the
    model, so a field added later is filled with its default; dates and timestamps go through
    the backend's own adapters. A row is a list of values in `index` order, made from
    `template` (every column's default, the ledger's defaults for a new person included)."""

    def __init__(self, actor):
        self.connection = connection = connections[router.db_for_write(Person)]
        self.postgres = postgres = connection.vendor == "postgresql"
        ops = connection.ops
        now = timezone.now()
        fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        template, adapted = [], []
        for i, f in enumerate(fields):
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = now
            elif f.attname == "created_by_id":
                default = getattr(actor, "pk", None)
            else:
                default = _DEFAULTED.get(f.attname, f.get_default())
            if isinstance(f, models.DateTimeField):
                adapt = None if postgres else ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                adapt = None if postgres else ops.adapt_datefield_value
            elif isinstance(f, models.CharField | models.TextField | models.IntegerField | models.ForeignKey):
                adapt = None
            else:
                adapt = (lambda field: lambda v: field.get_db_prep_save(v, connection))(f)
            template.append(default)
            if adapt is not None:
                adapted.append((i, adapt))
        self.template = template
        self.adapted = adapted
        self.index = {f.attname: i for i, f in enumerate(fields)}
        qn = ops.quote_name
        self.table = qn(Person._meta.db_table)
        pk = Person._meta.pk
        self.columns = [f.column for f in fields]
        if postgres:
            self.columns.insert(0, pk.column)
        self.column_sql = ", ".join(qn(c) for c in self.columns)
        if postgres:
            connection.ensure_connection()
            self.raw = connection.connection  # the driver's connection, for the writer thread
        # COPY text: the values of text columns are written as they are (checked for characters
        # that need escaping per row, in one pass); the others are converted column by column.
        self.converted = [
            (i, _copy_converter(f))
            for i, f in enumerate(fields)
            if not (isinstance(f, models.CharField | models.TextField) and not f.null)
        ]

    def copy_text(self, pks: list[int], rows: list[list]) -> str:
        """The new persons as COPY text (core.copytext), formatted in the building thread. A row
        whose text holds a tab, newline, carriage return or backslash is written by
        copytext.line(), which escapes them; the rest — nearly all — are simply joined."""
        converted, tabs, line, null = self.converted, len(self.template) - 1, copytext.line, copytext.NULL
        out = []
        for pk, values in zip(pks, rows, strict=True):
            row = values.copy()
            nulls = 0
            for i, convert in converted:
                value = row[i]
                if value is None:
                    row[i] = null
                    nulls += 1
                else:
                    row[i] = convert(value)
            text = "\t".join(row)
            # each NULL is one backslash; any other backslash, tab or line break needs escaping
            if text.count("\t") != tabs or text.count("\\") != nulls or "\n" in text or "\r" in text:
                out.append(line([pk, *values]))
            else:
                out.append(f"{pk}\t{text}\n")
        return "".join(out)

    def write(self, persons: bytes, entries: bytes) -> None:
        """A batch's writes on PostgreSQL (a _Writer job, possibly in another thread): the new
        persons, then their audit entries, as COPY text formatted and encoded beforehand. It uses the
        driver's connection (thread-safe; the import's transaction), not Django's per-thread
        wrapper, and holds the GIL only to hand the text over."""
        with self.raw.cursor() as cursor:
            if persons:
                with cursor.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                    copy.write(persons)
            audit.copy_write(cursor, entries)

    def insert(self, rows: list[list]) -> list[int]:
        """Insert the rows at once (SQLite); return their primary keys in order."""
        adapted = self.adapted
        tuples = []
        for values in rows:
            values = values.copy()
            for i, adapt in adapted:
                if values[i] is not None:
                    values[i] = adapt(values[i])
            tuples.append(values)
        marks = ", ".join(["%s"] * len(self.template))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({marks})", tuples)
            # Inside the import's transaction SQLite lets no one else write, so the rows got
            # consecutive rowids (the primary key) ending with the last one inserted.
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
        return list(range(last - len(rows) + 1, last + 1))
