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
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, scoped, within
from doudi.core.services import ImportReport, upload_store
from doudi.core.tabular import TableError, open_table

from .. import idcard, pinyin
from ..models import LedgerImport, Person
from ..pinyin import name_keys
from .columns import (
    _DATE_HELP,
    CAPACITY_LABELS,
    COLUMNS,
    DISABILITY_LABELS,
    GRADE_LABELS,
    MARITAL_LABELS,
    PLACEMENT_LABELS,
    STATUS_LABELS,
)
from .compare import _Apply
from .read import _header, _Parser, _read_ahead, _scope_prefix, _villages
from .write import _checked_per_statement, _sqlite_cache, _switching, _Writer
from .write import _PersonInserter as _PersonInserter  # patched by tests as ledger._PersonInserter

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


# ---- writing the layout -----------------------------------------------------------------------


def _help_rows() -> list[list[str]]:
    rows = []
    for c in COLUMNS:
        if c.kind == "choice" or c.kind == "grade":
            allowed = "、".join(c.values.values())
        elif c.kind == "date":
            allowed = _DATE_HELP
        elif c.kind == "id":
            allowed = "18位数字，最后一位可以是X"
        elif c.key == "village_code":
            allowed = "12位数字"
        else:
            allowed = f"不超过{c.max_length}个字" if c.max_length else ""
        required = "必填" if c.required else ("二选一" if c.key.startswith("village_") else "选填")
        rows.append([c.header, required, c.help, allowed])
    return rows


_GENERAL_HELP = [
    "每行一名人员，表头请勿修改；列的顺序可以调整，不认识的列会被忽略并在预览中列出。",
    "以身份证号为准：系统中已有的人员会被更新，没有的会被新增；同一文件中同一身份证号只能出现一次。",
    "文件中没有的列不会改动系统中的数据；某个单元格留空表示清空该项（民事行为能力、供养方式、状态除外）。",
    "上传后先看预览：新增、修改、不变的人数和每个错误（行号、列名、原因），确认后再导入。",
    "可选择“全部正确才导入”（有任何错误则不写入）或“只导入正确的行”（有错误的行跳过）。",
]


def write_ledger(
    target,
    rows: Iterable[list],
    *,
    villages: Iterable[tuple[str, str]] = (),
    title: str | None = None,
) -> int:
    """Write the ledger layout with constant memory: sheet 1 the persons (`rows` in COLUMNS
    order; dates as date objects), sheet 2 the explanation of each column, sheet 3 the village
    codes of the area (code, name). Returns the number of person rows written."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("台账")
    head = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title:
        sheet.merge_range(
            0, 0, 0, len(COLUMNS) - 1, title, workbook.add_format({"bold": True, "font_size": 14})
        )
        r = 1
    for c, column in enumerate(COLUMNS):
        fmt = text if column.kind in ("id", "code", "phone") else (date if column.kind == "date" else None)
        sheet.set_column(c, c, column.width, fmt)
    for c, column in enumerate(COLUMNS):
        sheet.write_string(r, c, column.header, head)
    header_row = r
    sheet.freeze_panes(r + 1, 2)
    for c, column in enumerate(COLUMNS):
        if column.values:
            sheet.data_validation(
                header_row + 1,
                c,
                header_row + 100000,
                c,
                {
                    "validate": "list",
                    "source": list(column.values.values()),
                    "error_type": "warning",
                    "error_message": "请从下拉列表中选择：" + "、".join(column.values.values()),
                },
            )
    count = 0
    for values in rows:
        r += 1
        count += 1
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            kind = COLUMNS[c].kind
            if kind == "date":
                sheet.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date)
            elif kind in ("id", "code", "phone"):
                sheet.write_string(r, c, str(v), text)
            else:
                sheet.write_string(r, c, str(v))

    guide = workbook.add_worksheet("填写说明")
    guide.set_column(0, 0, 18)
    guide.set_column(1, 1, 8)
    guide.set_column(2, 2, 70, workbook.add_format({"text_wrap": True, "valign": "top"}))
    guide.set_column(3, 3, 40, workbook.add_format({"text_wrap": True, "valign": "top"}))
    guide.write_row(0, 0, ["列名", "是否必填", "填写说明", "可填的值"], head)
    for i, row in enumerate(_help_rows(), start=1):
        guide.write_row(i, 0, row)
    n = len(COLUMNS) + 2
    guide.write_string(n, 0, "总体说明", workbook.add_format({"bold": True}))
    for i, line in enumerate(_GENERAL_HELP, start=n + 1):
        guide.write_string(i, 0, f"{i - n}. {line}")

    codes = workbook.add_worksheet("区划代码")
    codes.set_column(0, 0, 16, text)
    codes.set_column(1, 1, 20)
    codes.write_row(0, 0, ["村(居)区划代码", "村(居)委会"], head)
    for i, (code, name) in enumerate(villages, start=1):
        codes.write_string(i, 0, code, text)
        codes.write_string(i, 1, name)
    workbook.close()
    return count


def ledger_template(target, *, actor=None, region: Region | None = None) -> None:
    """The empty template, with the village codes of the actor's (or the region's) area."""
    prefix = _scope_prefix(actor, region)
    villages = sorted((v.code, v.name) for v in _villages(actor, prefix).values() if v.is_active)
    write_ledger(target, [], villages=villages)


def _person_row(p: Person, full_ids: bool) -> list:
    return [
        p.name,
        p.id_number if full_ids else idcard.mask_id_number(p.id_number),
        p.phone,
        p.village.name,
        p.village_id,
        p.address,
        DISABILITY_LABELS.get(p.disability_kind, ""),
        GRADE_LABELS.get(p.disability_grade, ""),
        # it begins with the ID number: shown whole only with the full ID numbers
        p.disability_certificate if full_ids else idcard.mask_certificate_number(p.disability_certificate),
        CAPACITY_LABELS.get(p.civil_capacity, ""),
        p.civil_capacity_basis,
        MARITAL_LABELS.get(p.marital_status, ""),
        PLACEMENT_LABELS.get(p.placement, ""),
        STATUS_LABELS.get(p.status, ""),
        p.applied_on,
        p.supported_since,
        p.terminated_on,
        p.notes,
    ]


def ledger_export(
    *, actor, target, region: Region | None = None, full_ids: bool = False, status: str = ""
) -> int:
    """Write the ledger of `region` (default: the actor's whole area) in the import layout,
    read through the actor's area scope. ID numbers, and the disability certificate numbers that
    contain them, are masked unless `full_ids`, which needs Cap.VIEW_FULL_ID. Every export is
    logged (action "export"). `actor=None` is the command line run by the server operator: it
    reads everything, but full ID numbers need an actor. Returns the number of persons written."""
    if actor is None:
        if full_ids:
            raise PermissionDenied("导出完整身份证号须指定操作人（--actor），以便记入审计日志")
        qs = Person.objects.all()
    else:
        if not actor.can(Cap.EXPORT_PERSONS):
            raise PermissionDenied(_("Your role does not allow this."))
        if full_ids and not actor.can(Cap.VIEW_FULL_ID):
            raise PermissionDenied(_("Your role does not allow full ID numbers."))
        region = region or actor.region
        if region is None or not in_scope(actor, region.code):
            raise PermissionDenied(_("This region is outside your area."))
        qs = scoped(Person, actor)
    prefix = region.prefix if region else ""
    qs = within(qs, prefix).select_related("village").order_by("village_id", "name", "pk")
    if status:
        qs = qs.filter(status=status)
    villages = sorted((v.code, v.name) for v in _villages(actor, prefix).values() if v.is_active)
    place = region.name if region else ""
    title = f"{place}特困人员台账（导出于 {timezone.localdate().isoformat()}）"
    rows = (_person_row(p, full_ids) for p in qs.iterator(chunk_size=BATCH))
    count = write_ledger(target, rows, villages=villages, title=title)
    audit.record(
        actor,
        "export",
        None,
        object_type="registry.person",
        object_repr=f"特困人员台账：{place or '全部'}",
        region_code=region.code if region else "",
        extra={"rows": count, "full_ids": full_ids, "status": status, "format": "xlsx"},
    )
    return count


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
