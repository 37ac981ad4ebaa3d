"""Writing the ledger layout: write_ledger (the persons sheet, the help sheet explaining each
column, the area's village codes; constant memory), the empty template, and the export of an
area's persons through the actor's scope, ID numbers masked unless allowed, every export logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, scoped, within

from .. import idcard
from ..models import Person
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
from .read import _scope_prefix, _villages

CHUNK = 2000  # persons read per query while writing (as many as the import's BATCH)


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
    rows = (_person_row(p, full_ids) for p in qs.iterator(chunk_size=CHUNK))
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
