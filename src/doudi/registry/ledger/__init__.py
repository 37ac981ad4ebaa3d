"""The person ledger (特困人员台账) as an Excel file: the template, the import and the export.

One layout serves all three: the first sheet holds one header row of COLUMNS (an export adds a
title line above it, which the reader skips) and one person per row; a second sheet explains each
column in Chinese. An export therefore re-imports unchanged.

Import rules
- The key is the ID number (身份证号): a row whose number is already registered updates that
  person, any other row creates one. Birth date and sex always come from the number.
- The village is the 村(居)区划代码 column; 村(居)委会 (the name) is checked against it, and is
  used alone when a row has no code. A village outside the importer's area is a row error.
- A column absent from the file leaves that field alone. A blank cell clears the field, except
  民事行为能力, 供养方式 and 状态, where blank means "the default" for a new person and "keep"
  for a registered one.
- Every row is checked and every problem reported (row, column, reason in Chinese). When the
  same ID number appears twice, the later row is the error.
- Commit is one transaction per file: "all or nothing" writes nothing if any row has an error;
  "write the valid rows" skips the rows with errors. Each created or changed person gets an
  audit entry ("import") with before/after, written in batches in the same transaction.

The file is read once, as a stream of rows, in batches of BATCH rows: existing persons are
looked up per batch with one query, villages once per file; new persons are inserted with one
COPY (PostgreSQL) or executemany (SQLite) per batch, changed ones with bulk_update — never a
query per row (see docs/performance.md). Derived values use the same functions as
services.derived_fields(): idcard.parse_id_number, pinyin.name_keys, reversed_id.

The package. Each module imports only those listed before it, so no two import each other:
  columns.py   the layout: COLUMNS, the choices' labels and the texts they accept, the fields
  read.py      the cell readers, the row parser (_Parser), the header, the area's villages and
               the reader thread (_read_ahead)
  write.py     the transaction's settings, the writer thread (_Writer) and the insert of new
               persons as COPY text or executemany (_PersonInserter)
  compare.py   a batch compared with the registry, the changed persons updated, the batch's
               writes and audit entries built (_Apply)
  export.py    the written layout (write_ledger), the template and the export
  __init__.py  this: ledger_import, which puts the threads and the transaction together, and
               the import records the pages and jobs use (import_upload … import_commit); every
               name other code imports from doudi.registry.ledger is importable from here
               (imported `as` itself when this module does not use it: tests patch
               ledger._PersonInserter; the layout's labels are public names)
  views.py, urls.py  the pages; they import this package, which imports neither.
BATCH, READ_AHEAD and PIPELINE are read here, so a test patches them on the package; the other
settings are read where they are defined (write.SWITCH_INTERVAL, write.SQLITE_CACHE_KB,
export.CHUNK).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.services import ImportReport, upload_store
from doudi.core.tabular import TableError, open_table

from .. import pinyin
from ..models import LedgerImport
from ..pinyin import name_keys
from .columns import CAPACITY_LABELS as CAPACITY_LABELS
from .columns import COLUMN_BY_KEY as COLUMN_BY_KEY
from .columns import COLUMNS, HEADERS
from .columns import DERIVED_FIELDS as DERIVED_FIELDS
from .columns import DISABILITY_LABELS as DISABILITY_LABELS
from .columns import GRADE_LABELS as GRADE_LABELS
from .columns import LEDGER_FIELDS as LEDGER_FIELDS
from .columns import MARITAL_LABELS as MARITAL_LABELS
from .columns import PLACEMENT_LABELS as PLACEMENT_LABELS
from .columns import STATUS_LABELS as STATUS_LABELS
from .columns import Column as Column
from .compare import _Apply
from .export import ledger_export, ledger_template, write_ledger
from .read import _header, _Parser, _read_ahead, _scope_prefix, _villages
from .write import SQLITE_CACHE_KB as SQLITE_CACHE_KB
from .write import SWITCH_INTERVAL as SWITCH_INTERVAL
from .write import _checked_per_statement, _sqlite_cache, _switching, _Writer
from .write import _PersonInserter as _PersonInserter

BATCH = 2000  # rows per lookup query and per bulk write
READ_AHEAD = True  # read and check rows in a thread while the database writes (_read_ahead)
PIPELINE = True  # PostgreSQL: write batch N in a thread while batch N+1 is built (_Writer)
MAX_STORED_ERRORS = 1000  # errors kept with the import record and shown on the page
UPLOAD_KIND = "person_ledger"


# ---- the report -------------------------------------------------------------------------------


@dataclass
class LedgerReport(ImportReport):
    """ImportReport plus: rows skipped for errors, and whether anything was written."""

    skipped: int = 0
    committed: bool = False
    duplicates: int = 0  # probable duplicate pairs queued for review

    def stored(self) -> dict:
        """The report as kept with the import record and shown on pages: at most
        MAX_STORED_ERRORS errors, with the full count."""
        data = self.as_dict()
        data["error_count"] = len(self.errors)
        data["errors"] = sorted(self.errors, key=lambda e: e["row"])[:MAX_STORED_ERRORS]
        return data


# ---- the import -------------------------------------------------------------------------------


@contextmanager
def _gc_frozen():
    """Keep the cyclic garbage collector out of the import. Its full collections would rescan
    all of Django's objects and pypinyin's large dictionaries, and everything the import keeps
    until the end (the ID numbers seen, the new persons' keys for duplicate detection), again
    and again while the import allocates millions of short-lived containers: a quarter of the
    import's CPU time before gc.freeze(), and still ~15 % with it (docs/performance.md). The
    import makes no reference cycles per row, so reference counting frees its garbage; the
    collector runs again afterwards (tests/registry/test_ledger.py checks memory stays flat)."""
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def ledger_import(
    *,
    actor,
    path,
    filename: str | None = None,
    region: Region | None = None,
    commit: bool = False,
    all_or_nothing: bool = True,
    progress: Callable | None = None,
    source: dict | None = None,
    today: dt.date | None = None,
) -> LedgerReport:
    """Check (commit=False) or import a ledger file; see the module docstring for the rules.

    `region` narrows the area the file may touch (default: the actor's area; everything for a
    system import without an actor). `source` goes into each person's audit entry (which
    import, which file). Raises TableError when the file as a whole cannot be read.
    """
    today = today or timezone.localdate()
    if actor is not None and not actor.can(Cap.IMPORT_PERSONS):
        raise PermissionDenied(_("Your role does not allow this."))
    prefix = _scope_prefix(actor, region)
    with ThreadPoolExecutor(1, thread_name_prefix="ledger-open") as pool:
        # calamine reads the whole sheet without holding the GIL (about 1 s per 100,000 rows):
        # meanwhile this thread loads what the import needs
        opening = pool.submit(open_table, path, filename)
        villages = _villages(actor, prefix)
        if commit:
            pinyin.warm()
        table = opening.result()
    headers, cmap, rows = _header(table)
    report = LedgerReport(ignored_columns=cmap.unknown)
    parser = _Parser(headers, cmap, villages, today)
    apply = _Apply(
        actor=actor, prefix=prefix, report=report, parser=parser, source=source or {}, write=commit
    )
    total = table.total_rows or 0
    first_row: dict[str, int] = {}
    id_column = parser.column("id_number")
    message = _("Writing rows") if commit else _("Checking rows")

    keys = commit  # the pinyin keys of new persons, worked out while reading
    keys_of: dict[str, tuple[str, str]] = {}  # per file: names repeat (about half at 100,000 rows)

    def batches():
        """Read and check the rows; yield (valid rows, rows read so far) per BATCH valid rows.
        Runs in the reader thread: no database access, nothing but the report's counters."""
        batch: list = []
        for number, values in rows:
            report.rows += 1
            out, ident, errors = parser.parse(values)
            if ident is not None:
                seen = first_row.setdefault(ident.number, number)
                if seen != number:
                    errors.append((id_column, f"身份证号 {ident.masked} 与第{seen}行重复"))
            if errors:
                for column, text in errors:
                    report.error(number, column, text)
                continue
            if keys:
                name = out["name"]
                found = keys_of.get(name)
                if found is None:
                    found = keys_of[name] = name_keys(name)
                batch.append((number, out, ident, found))
            else:
                batch.append((number, out, ident, None))
            if len(batch) >= BATCH:
                yield batch, report.rows
                batch = []
        if batch:
            yield batch, report.rows

    def run(writer: _Writer):
        """Per batch: the registered persons it names (looked up by the writer, behind the
        previous batch's writes), then compare and build its writes and queue them; the next
        batch's lookup is queued first, so the writer always has work while this one is built."""
        with closing(_read_ahead(batches()) if READ_AHEAD else batches()) as items:
            current = next(items, None)
            found = writer.submit(apply.lookup, current[0]) if current else None
            while current is not None:
                batch, read = current
                current = next(items, None)
                registered = writer.result(found)
                if current is not None:
                    found = writer.submit(apply.lookup, current[0])
                plan = apply(batch, registered, keep=not (all_or_nothing and report.errors))
                if plan is not None:
                    writer.write(apply.build(plan))
                if progress and len(batch) >= BATCH:
                    progress(read, max(total, read), message)
        writer.drain()

    if commit:
        with _gc_frozen(), _switching(), _sqlite_cache(), transaction.atomic(), audit.appending() as chain:
            apply.chain = chain
            with (
                _checked_per_statement(apply.connection),
                _Writer(PIPELINE and apply.postgres, apply.connection) as writer,
            ):
                run(writer)
            if all_or_nothing and report.errors:
                transaction.set_rollback(True)
            else:
                report.duplicates = apply.finish()
                report.committed = True
    else:
        with _gc_frozen(), _Writer(False, apply.connection) as writer:
            run(writer)
    report.errors.sort(key=lambda e: e["row"])
    report.skipped = len({e["row"] for e in report.errors})
    if progress:
        progress(report.rows, report.rows, message, force=True)
    return report


# ---- import records (the pages and jobs) -------------------------------------------------------


def import_upload(*, actor, uploaded_file, mode: str) -> LedgerImport:
    """Keep the uploaded original and open an import record for it."""
    if not actor.can(Cap.IMPORT_PERSONS):
        raise PermissionDenied(_("Your role does not allow this."))
    upload = upload_store(actor=actor, region=actor.region, uploaded_file=uploaded_file, kind=UPLOAD_KIND)
    return LedgerImport.objects.create(upload=upload, region=actor.region, mode=mode, created_by=actor)


def import_count_rows(record: LedgerImport) -> int:
    """Rows in the file (from the sheet's dimensions), to decide between inline and background.
    Raises TableError for an unreadable file, and records the failure."""
    try:
        table = open_table(record.upload.file.path, record.upload.original_name)
    except TableError as exc:
        _fail(record, str(exc))
        raise
    return table.total_rows or 0


def _fail(record: LedgerImport, message: str):
    record.status = LedgerImport.Status.FAILED
    record.report = {"file_error": message}
    record.save(update_fields=["status", "report"])


def _store(record: LedgerImport, report: LedgerReport, status: str, **more):
    record.status = status
    record.rows, record.created, record.updated = report.rows, report.created, report.updated
    record.unchanged, record.error_count = report.unchanged, len(report.errors)
    record.report = report.stored()
    for k, v in more.items():
        setattr(record, k, v)
    record.save()


def _run(record: LedgerImport, **kwargs) -> LedgerReport:
    source = {"ledger_import": record.pk, "file": record.upload.original_name}
    return ledger_import(
        actor=record.created_by,
        path=record.upload.file.path,
        filename=record.upload.original_name,
        region=record.region,
        source=source,
        **kwargs,
    )


def import_check(record: LedgerImport, progress=None) -> LedgerReport | None:
    """The preview: read and check every row, count new/changed/unchanged, write nothing.
    Returns the full report, or None when the file cannot be read (the record says why)."""
    try:
        report = _run(record, commit=False, progress=progress)
    except TableError as exc:
        _fail(record, str(exc))
        return None
    except Exception:
        _fail(record, _("The check failed. Please try again or ask an administrator."))
        raise
    _store(record, report, LedgerImport.Status.CHECKED)
    return report


def import_begin_commit(record: LedgerImport, *, actor, mode: str) -> bool:
    """Claim a checked import for committing (a second click, or a second tab, gets False)."""
    if record.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can import it."))
    claimed = LedgerImport.objects.filter(pk=record.pk, status=LedgerImport.Status.CHECKED).update(
        status=LedgerImport.Status.COMMITTING, mode=mode
    )
    if claimed:
        record.status, record.mode = LedgerImport.Status.COMMITTING, mode
    return bool(claimed)


def import_commit(record: LedgerImport, progress=None) -> LedgerReport | None:
    """Write the file in one transaction, after import_begin_commit claimed the record, and log
    the import itself. Returns the full report, or None when the file cannot be read."""
    all_or_nothing = record.mode == LedgerImport.Mode.ALL_OR_NOTHING
    try:
        report = _run(record, commit=True, all_or_nothing=all_or_nothing, progress=progress)
    except TableError as exc:
        _fail(record, str(exc))
        return None
    except Exception:
        _fail(record, _("The import failed; nothing was written. Please try again or ask an administrator."))
        raise
    status = LedgerImport.Status.DONE if report.committed else LedgerImport.Status.REJECTED
    with transaction.atomic():
        _store(record, report, status, committed_at=timezone.now() if report.committed else None)
        audit.record(
            record.created_by,
            "import",
            record,
            extra={
                "file": record.upload.original_name,
                "mode": record.mode,
                "rows": report.rows,
                "created": report.created if report.committed else 0,
                "updated": report.updated if report.committed else 0,
                "errors": len(report.errors),
            },
        )
    return report


__all__ = [
    "COLUMNS",
    "HEADERS",
    "LedgerReport",
    "TableError",
    "import_begin_commit",
    "import_check",
    "import_commit",
    "import_count_rows",
    "import_upload",
    "ledger_export",
    "ledger_import",
    "ledger_template",
    "write_ledger",
]
