"""Ledger writes and exports: templates, rows from the phone form, the Excel upload (every problem
by row and column, nothing half-written), completeness, the merged export, the template .xlsx."""

from __future__ import annotations

import io
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doudi.core import attachments, audit, regions
from doudi.core.models import Region, Unit
from doudi.core.roles import Cap
from doudi.core.scope import scoped, within
from doudi.core.tabular import CellError, TableError, map_columns, open_table, write_xlsx

from . import ledgers, planfile
from .models import LedgerAttachment, LedgerRow, LedgerTemplate, Plan, TargetSource, TaskUnit

BATCH = 2000  # rows checked, then written, at a time by the upload (as registry.ledger.BATCH)


class LedgerError(Exception):
    """Every problem of a row or a file: a list of (row, column, reason); row 0 = the whole file."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__("; ".join(f"{r} {c} {m}" for r, c, m in errors))
        self.errors = errors


def columns(template: LedgerTemplate) -> list[ledgers.Column]:
    return [ledgers.column_from(c, i) for i, c in enumerate(template.columns, start=1)]


def ledger_create(
    *,
    actor,
    region: Region,
    name: str,
    cols: list[ledgers.Column],
    filled_by: str,
    due: date | None = None,
    plan: Plan | None = None,
    task=None,
    key: str = "",
) -> LedgerTemplate:
    if not actor.can(Cap.MANAGE_PLANS) or actor.unit_id is not None:
        raise PermissionDenied
    if not scoped(Region, actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        t = LedgerTemplate.objects.create(
            region=region,
            plan=plan,
            task=task,
            key=key,
            name=name.strip(),
            filled_by=filled_by,
            due=due,
            columns=[c.as_dict() for c in cols],
        )
        audit.record(actor, "create", t, extra={"columns": [c.label for c in cols], "filled_by": filled_by})
    return t


def ledger_import_shipped(*, actor, plan: Plan, text: str) -> LedgerTemplate:
    """A shipped template (data/ledger-*.toml) for a plan: linked to its task, feeding its target."""
    spec = ledgers.load_template(text)
    due = spec.get("due")
    due = date.fromisoformat(planfile.fill_year(due, plan.year)) if due else None
    task = plan.tasks.filter(number=spec.get("task", "")).first()
    with transaction.atomic():
        t = ledger_create(
            actor=actor,
            region=plan.region,
            name=spec["name"],
            cols=spec["columns"],
            filled_by=spec["filled_by"],
            due=due,
            plan=plan,
            task=task,
            key=spec["key"],
        )
        feeds = spec.get("feeds")
        if feeds:
            target = plan.tasks.filter(number=feeds["task"]).first()
            target = target and target.targets.filter(metric=feeds["metric"]).first()
            if target:
                TargetSource.objects.create(
                    target=target,
                    ledger=t,
                    numerator=feeds["numerator"],
                    denominator=feeds.get("denominator", ""),
                    scale=Decimal(feeds.get("scale", "1")),
                )
    return t


def fillers(template: LedgerTemplate, user) -> list[tuple[str, str, int | None]]:
    """The expected fillers the user sees: (name, region code, unit id)."""
    if template.filled_by == LedgerTemplate.FilledBy.UNIT:
        units = (
            scoped(Unit, user).filter(
                pk__in=TaskUnit.objects.filter(task__plan=template.plan).values("unit_id")
            )
            if template.plan_id
            else Unit.objects.none()
        )
        return [(u.name, u.region_id, u.pk) for u in units.order_by("name")]
    level = regions.VILLAGE if template.filled_by == LedgerTemplate.FilledBy.VILLAGE else regions.TOWNSHIP
    qs = (
        within(scoped(Region, user), template.region.prefix)
        .filter(level=level, is_active=True)
        .order_by("code")
    )
    return [(r.name, r.code, None) for r in qs]


def _context(actor, template: LedgerTemplate):
    """What checking a row needs, loaded once: the fillers' names, the units' names, and (when a
    column names persons) the ID numbers in the actor's scope — so that checking a row of an
    upload queries nothing."""
    names = {}
    for name, code, _unit in fillers(template, actor):
        if _unit is None:
            names.setdefault(name, code)
    unit_names = {u.name: u.pk for u in scoped(Unit, actor)}
    known: set[str] | None = None
    if any(c.get("type") == "person" for c in template.columns):
        from doudi.registry.models import Person

        known = set(scoped(Person, actor).values_list("id_number", flat=True))

    def persons(id_number: str) -> bool:
        return known is not None and id_number.upper() in known

    return names, unit_names, persons


def _filler(actor, template: LedgerTemplate, cols, data: dict, names: dict) -> tuple[Region, Unit | None]:
    if template.filled_by == LedgerTemplate.FilledBy.UNIT:
        if actor.unit_id is None:
            raise CellError(_("Only a unit's staff fill this ledger."))
        return actor.unit.region, actor.unit
    region_col = next((c for c in cols if c.type == "region"), None)
    code = data.get(region_col.key) if region_col else actor.region_id
    if not code or code not in names.values():
        raise CellError(_("The row's village or township is not one of this ledger's in your area."))
    # the row needs only the code (a Region's key): no query per row in an upload
    return Region(code=code), None


def _check_row(actor, template, cols, raw: dict, ctx) -> tuple[dict, list[tuple[str, str]]]:
    names, unit_names, persons = ctx
    data, errors = {}, []
    for c in cols:
        try:
            data[c.key] = ledgers.check(c, raw.get(c.key), regions=names, units=unit_names, persons=persons)
        except CellError as exc:
            errors.append((c.header(), str(exc)))
    return data, errors


def ledger_row_save(
    *,
    actor,
    template: LedgerTemplate,
    raw: dict,
    row: LedgerRow | None = None,
    files: dict[str, attachments.Clean] | None = None,
) -> LedgerRow:
    """One row from the phone form; LedgerError with the column and reason of each problem.
    `files`: the checked file (core/attachments.py) of each attachment column that got one; the
    cell then holds the file's name, and the file is kept beside the row."""
    if not actor.can(Cap.REPORT_PROGRESS):
        raise PermissionDenied
    cols = columns(template)
    files = files or {}
    kinds = {c.key: c.type for c in cols}
    for key, item in files.items():
        if kinds.get(key) != "attachment":
            raise LedgerError([(1, key, _("This column takes no file."))])
        raw = {**raw, key: item.name}
    ctx = _context(actor, template)
    data, errors = _check_row(actor, template, cols, raw, ctx)
    if errors:
        raise LedgerError([(1, c, m) for c, m in errors])
    try:
        region, unit = _filler(actor, template, cols, data, ctx[0])
    except CellError as exc:
        raise LedgerError([(1, "", str(exc))]) from exc
    with transaction.atomic():
        if row is None:
            row = LedgerRow.objects.create(
                template=template, region=region, unit=unit, data=data, updated_by=actor
            )
            audit.record(actor, "create", row, extra={"ledger": template.name})
        else:
            before = row.data
            row.region, row.unit, row.data, row.updated_by = region, unit, data, actor
            row.save()
            audit.record(actor, "update", row, changes=audit.diff(before, data))
        for key, item in files.items():
            row.attachments.filter(column=key).delete()
            kept = LedgerAttachment.objects.create(
                row=row,
                column=key,
                name=item.name,
                content_type=item.content_type,
                size=len(item.data),
                path=attachments.store(item.data, "programmes"),
                uploaded_by=actor,
            )
            audit.record(actor, "create", kept, extra={"file": item.name, "column": key})
    return row


def _bundle_files(actor, template, cols, files_path, files_name):
    """The .zip of files beside an upload: every file checked and stored (core/attachments.py),
    before the rows are read. Returns (the zip's file names, {name: LedgerAttachment fields} of
    the good ones, the problems); the caller removes the stored files when the upload is refused."""
    if not any(c.type == "attachment" for c in cols):
        raise LedgerError([(0, "", "这个台账没有附件列，不需要上传附件压缩包。")])
    try:
        bundle = attachments.Bundle(files_path, files_name)
    except ValidationError as exc:
        raise LedgerError([(0, "", m) for m in exc.messages]) from exc
    stored, errors, names = {}, [], set(bundle.names())
    try:
        for name in sorted(names):
            try:
                item = bundle.read(name)
            except ValidationError as exc:
                errors += [(0, "", m) for m in exc.messages]
                continue
            stored[name] = {
                "name": item.name,
                "content_type": item.content_type,
                "size": len(item.data),
                "path": attachments.store(item.data, "programmes"),
            }
    except BaseException:
        for kept in stored.values():
            attachments.remove(kept["path"])
        raise
    finally:
        bundle.close()
    return names, stored, errors


def ledger_upload(
    *, actor, template: LedgerTemplate, path, filename: str, files_path=None, files_name: str = ""
) -> int:
    """The template's Excel, filled: every row checked; one problem anywhere and nothing is written.
    The rows replace the uploader's earlier rows of the same villages/townships (or unit).

    The file is read as a stream and written in batches of BATCH rows inside the one transaction,
    as the person ledger's import does (registry/ledger), so memory does not grow with the rows
    (docs/performance.md; its reader thread was measured slower here and is not used). The earlier rows of a village are deleted when its first row
    arrives. After the first problem nothing more is written, every further row is still checked,
    and the transaction is rolled back with the complete list of problems.

    `files_path`: a .zip (`files_name`) of the files the attachment columns name. Each file is
    checked as on the phone form (core/attachments.py: type from the content, 10 MB, images
    re-encoded); then every filled attachment cell must name a file of the zip, and every file of
    the zip must be named by a cell. Refused, the files stored for it are removed."""
    if not actor.can(Cap.REPORT_PROGRESS):
        raise PermissionDenied
    cols = columns(template)
    try:
        table = open_table(path, filename)
        spec = {c.key: [c.header(), c.label] for c in cols}
        cmap = map_columns(table.headers, spec, [c.key for c in cols if c.required])
    except TableError as exc:
        raise LedgerError([(0, "", str(exc))]) from exc
    ctx = _context(actor, template)
    members, stored = None, {}
    errors: list[tuple[int, str, str]] = []
    if files_path is not None:
        members, stored, errors = _bundle_files(actor, template, cols, files_path, files_name)
    try:
        return _upload_rows(actor, template, cols, table, cmap, ctx, filename, members, stored, errors)
    except BaseException:
        for kept in stored.values():
            attachments.remove(kept["path"])
        raise


def _upload_rows(actor, template, cols, table, cmap, ctx, filename, members, stored, errors) -> int:
    """ledger_upload's rows; `members`: the names of the zip's files (None: no zip), `stored`
    those that passed the checks, `errors` the zip's problems so far."""
    region_header = next((c.header() for c in cols if c.type == "region"), "")
    file_cols = [c for c in cols if c.type == "attachment"] if members is not None else []
    named: set[str] = set()

    def batches():
        """Check the rows; yield the valid ones per BATCH with the files they name, none once a
        problem is found."""
        batch, refs = [], []
        for number, values in table.rows:
            raw = {c.key: cmap.get(values, c.key) for c in cols}
            data, problems = _check_row(actor, template, cols, raw, ctx)
            files = []
            for c in file_cols:
                name = data.get(c.key)
                if name:
                    named.add(name)
                    if name in stored:
                        files.append((c.key, name))
                    elif name not in members:  # (a file refused by its check: said above)
                        problems.append((c.header(), f"附件压缩包中没有名为“{name}”的文件"))
            if problems:
                errors.extend((number, c, m) for c, m in problems)
                continue
            try:
                region, unit = _filler(actor, template, cols, data, ctx[0])
            except CellError as exc:
                errors.append((number, region_header, str(exc)))
                continue
            if errors:
                continue  # nothing will be written: keep checking, hold no rows
            refs += [(len(batch), key, name) for key, name in files]
            batch.append(LedgerRow(template=template, region=region, unit=unit, data=data, updated_by=actor))
            if len(batch) >= BATCH:
                yield batch, refs
                batch, refs = [], []
        if batch and not errors:
            yield batch, refs

    earlier = scoped(LedgerRow, actor).filter(template=template)
    if template.filled_by == LedgerTemplate.FilledBy.UNIT:
        earlier = earlier.filter(unit=actor.unit)
    written = replaced = kept = 0
    seen: set[str] = set()
    with transaction.atomic():
        with closing(batches()) as items:
            for batch, refs in items:
                new = {r.region_id for r in batch} - seen
                if new:
                    seen |= new
                    old = earlier.filter(region__in=new)
                    replaced += old.count()
                    old.delete()
                LedgerRow.objects.bulk_create(batch, batch_size=BATCH)
                if refs:
                    LedgerAttachment.objects.bulk_create(
                        LedgerAttachment(row=batch[i], column=key, uploaded_by=actor, **stored[name])
                        for i, key, name in refs
                    )
                    kept += len(refs)
                written += len(batch)
        if members is not None:
            errors += [
                (0, "", f"附件压缩包中的“{name}”没有在任何一行的附件列中填写")
                for name in sorted(members - named)
            ]
        if errors:
            errors.sort(key=lambda e: e[0])  # the file's problems first, then the rows' in order
            raise LedgerError(errors)
        extra = {"file": filename, "rows": written, "replaced": replaced}
        if members is not None:
            extra["attachments"] = kept
        audit.record(actor, "import", template, extra=extra)
    return written


@dataclass
class Completeness:
    name: str
    code: str
    unit: int | None
    rows: int


def completeness(user, template: LedgerTemplate) -> tuple[list[Completeness], int, int]:
    counts: dict = {}
    for code, unit in scoped(LedgerRow, user).filter(template=template).values_list("region_id", "unit_id"):
        key = unit if template.filled_by == LedgerTemplate.FilledBy.UNIT else code
        counts[key] = counts.get(key, 0) + 1
    out = [
        Completeness(n, c, u, counts.get(u if u is not None else c, 0)) for n, c, u in fillers(template, user)
    ]
    return out, sum(1 for x in out if x.rows), len(out)


def template_xlsx(user, template: LedgerTemplate) -> bytes:
    """The template to fill in Excel: one column per definition, drop-downs for choices, yes/no and
    the user's villages; a second sheet explains each column."""
    cols = columns(template)
    names = [n for n, _c, _u in fillers(template, user)]
    choices = {}
    for i, c in enumerate(cols):
        if c.type == "choice":
            choices[i] = c.choices
        elif c.type == "yesno":
            choices[i] = ["是", "否"]
        elif c.type == "region" and 0 < len(names) <= 200 and sum(len(n) + 1 for n in names) < 255:
            choices[i] = names
    notes = [
        f"{c.header()}：{'必填' if c.required else '选填'}，{c.type}"
        + (f"，选项：{'、'.join(c.choices)}" if c.choices else "")
        for c in cols
    ]
    buf = io.BytesIO()
    rows = [[n] + [""] * (len(cols) - 1) for n in names] if cols and cols[0].type == "region" else []
    write_xlsx(
        buf,
        template.name,
        [c.header() + ("*" if c.required else "") for c in cols],
        rows,
        choices=choices,
        notes=notes,
    )
    return buf.getvalue()


def merged_xlsx(user, template: LedgerTemplate) -> bytes:
    cols = columns(template)
    region_names = dict(
        Region.objects.filter(pk__startswith=template.region.prefix).values_list("code", "name")
    )
    rows = [
        [region_names.get(r.region_id, r.region_id), r.unit.name if r.unit else ""]
        + [ledgers.shown(c, r.data.get(c.key), region_names) for c in cols]
        for r in scoped(LedgerRow, user)
        .filter(template=template)
        .select_related("unit")
        .order_by("region_id", "id")
    ]
    buf = io.BytesIO()
    write_xlsx(
        buf, template.name, ["填报区划", "填报单位"] + [c.header() for c in cols], rows, title=template.name
    )
    return buf.getvalue()


def computed_value(user, source: TargetSource) -> dict[str, Decimal]:
    """The target's value from its ledger, as the user sees the rows: {"" : overall} and, per
    township code, that township's value."""
    rows = list(scoped(LedgerRow, user).filter(template=source.ledger).values_list("region_id", "data"))
    out = {}
    overall = ledgers.ratio([d for _c, d in rows], source.numerator, source.denominator, source.scale)
    if overall is not None:
        out[""] = overall
    by_township: dict[str, list] = {}
    for code, d in rows:
        by_township.setdefault(code[:9] + "000", []).append(d)
    for code, ds in by_township.items():
        v = ledgers.ratio(ds, source.numerator, source.denominator, source.scale)
        if v is not None:
            out[code] = v
    return out
