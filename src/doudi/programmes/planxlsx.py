"""A plan as an Excel workbook: the same plan as the TOML file (planfile.py), one sheet per table.

    方案   two columns (项目, 内容): 方案代号, 方案名称, 发文单位, 文号, 层级, 开始日期, 结束日期,
           出处, 临期提醒（工作日）, 逾期升级（工作日）
    阶段   名称, 开始日期, 结束日期
    任务   编号, 所属部分, 任务名称, 所属阶段, 牵头单位, 责任单位, 配合单位, 责任乡镇, 开始日期,
           截止日期, 任务内容
    指标   任务编号, 指标, 计量单位, 基数, 目标值, 完成时限, 分乡镇报送
    资金   任务编号, 分担比例, 承担层级, 总额, 依据
    报送   频次, 每月报送日, 任务编号, 说明
    填写说明  notes, never read

Names in a cell are separated by “、” (or “，”, “;”, a line break); 责任乡镇 “各乡镇” means every
township of the county. Dates may be date cells or text (2026-03-31, 2026年3月31日, {Y}-03-31 for
the year chosen on import). `read()` turns the workbook into the TOML file's tables and checks
them with planfile.check — the same rules — so every problem is reported with its sheet, row and
column, and nothing is imported while one remains (services.plan_import).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from doudi.core.tabular import CellError, cell_date, cell_text, normalize_header

from . import planfile, rules
from .planfile import Place, Places, PlanFileError, PlanSpec

PLAN_SHEET, PHASES, TASKS, TARGETS, FUNDING, SCHEDULES, NOTES = (
    "方案",
    "阶段",
    "任务",
    "指标",
    "资金",
    "报送",
    "填写说明",
)

# key → header, per sheet (the first header is the one written; the others are accepted too)
PLAN_FIELDS = {
    "key": ["方案代号"],
    "title": ["方案名称", "标题"],
    "issuer": ["发文单位", "印发单位"],
    "doc_number": ["文号"],
    "level": ["层级"],
    "start": ["开始日期"],
    "end": ["结束日期"],
    "source": ["出处", "来源"],
    "near_days": ["临期提醒（工作日）", "临期提醒"],
    "escalate_days": ["逾期升级（工作日）", "逾期升级"],
}
COLUMNS = {
    PHASES: {"name": ["名称", "阶段名称"], "start": ["开始日期"], "end": ["结束日期"]},
    TASKS: {
        "number": ["编号", "任务编号"],
        "section": ["所属部分"],
        "title": ["任务名称"],
        "phase": ["所属阶段"],
        "lead": ["牵头单位"],
        "responsible": ["责任单位"],
        "cooperating": ["配合单位"],
        "regions": ["责任乡镇", "责任主体"],
        "start": ["开始日期"],
        "deadline": ["截止日期", "完成时限"],
        "text": ["任务内容"],
    },
    TARGETS: {
        "task": ["任务编号"],
        "metric": ["指标"],
        "unit": ["计量单位", "单位"],
        "baseline": ["基数"],
        "value": ["目标值"],
        "by": ["完成时限"],
        "per_region": ["分乡镇报送"],
    },
    FUNDING: {
        "task": ["任务编号"],
        "ratio": ["分担比例"],
        "levels": ["承担层级"],
        "amount": ["总额"],
        "basis": ["依据"],
    },
    SCHEDULES: {
        "frequency": ["频次"],
        "day": ["每月报送日"],
        "task": ["任务编号"],
        "note": ["说明"],
    },
}
REQUIRED = {PHASES: ["name"], TASKS: ["number", "title"], TARGETS: ["task"], FUNDING: ["task"], SCHEDULES: []}

LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级", "village": "村级"}
FREQUENCY_NAMES = {
    rules.MONTHLY: "每月",
    rules.BIMONTHLY: "每两个月",
    rules.QUARTERLY: "每季度",
    rules.PHASE_END: "阶段结束时",
    rules.ONCE: "一次",
}
ALL_TOWNSHIPS = "各乡镇"
YES, NO = "是", "否"
_SPLIT = re.compile(r"[、,，;；\n]+")
_DATES = {"start", "end", "deadline", "by"}
_WHOLE = {"near_days", "escalate_days", "day"}
_NUMBERS = {"baseline", "value", "amount"}
_LISTS = {"lead", "responsible", "cooperating", "regions", "levels"}


# ---- places: sheet, row, column ---------------------------------------------------------------


def _at(sheet: str, row: int | None = None, column: str | None = None) -> str:
    if row is None:
        return _("sheet “%(sheet)s”") % {"sheet": sheet}
    if column is None:
        return _("sheet “%(sheet)s”, row %(row)s") % {"sheet": sheet, "row": row}
    return _("sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % {
        "sheet": sheet,
        "row": row,
        "column": column,
    }


class RowPlace(Place):
    """A row of a sheet; a key names its column."""

    def __init__(self, sheet: str, row: int | None, headers: dict[str, str]):
        super().__init__(_at(sheet, row))
        self.sheet, self.row, self.headers = sheet, row, headers

    def __call__(self, key: str | None = None) -> str:
        if key is None or self.row is None:
            return self.label
        return _at(self.sheet, self.row, self.headers.get(key, key))

    def name(self, key: str) -> str:
        return self.headers.get(key, key)


class PlanPlace(Place):
    """The plan sheet: one row per field."""

    def __init__(self, rows: dict[str, int]):
        super().__init__(_at(PLAN_SHEET))
        self.rows = rows

    def __call__(self, key: str | None = None) -> str:
        row = self.rows.get(key) if key else None
        if row is None:
            return self.label
        return _at(PLAN_SHEET, row, "内容")

    def name(self, key: str) -> str:
        return PLAN_FIELDS.get(key, [key])[0]


class SheetPlaces(Places):
    def __init__(self):
        self.plan_rows: dict[str, int] = {}
        self.rows: dict[tuple, int] = {}  # (sheet, i[, j]) → row number
        self.headers: dict[str, dict[str, str]] = {
            s: {k: v[0] for k, v in c.items()} for s, c in COLUMNS.items()
        }

    def _row(self, sheet, *index) -> RowPlace:
        return RowPlace(sheet, self.rows.get((sheet, *index)), self.headers[sheet])

    def plan(self):
        return PlanPlace(self.plan_rows)

    def phases(self):
        return RowPlace(PHASES, None, {})

    def phase(self, i):
        return self._row(PHASES, i)

    def tasks(self):
        return RowPlace(TASKS, None, {})

    def task(self, i, number):
        return self._row(TASKS, i)

    def target(self, i, number, j):
        return self._row(TARGETS, i, j)

    def funding(self, i, number, j):
        return self._row(FUNDING, i, j)

    def schedule(self, i):
        return self._row(SCHEDULES, i)


# ---- reading -----------------------------------------------------------------------------------


def _value(key: str, value, year: int):
    """A cell as the TOML file would hold it; a value that cannot be read is kept as it is, so
    that planfile.check reports it at its place."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if key in _DATES:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            value = planfile.fill_year(cell_text(value), year)
        try:
            return cell_date(value)
        except CellError:
            return cell_text(value)
    if key in _WHOLE:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = cell_text(value)
        return int(text) if text.isdigit() else text
    if key in _NUMBERS:
        if isinstance(value, bool):
            return cell_text(value)
        if isinstance(value, int | float):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return cell_text(value).replace(",", "")
    if key not in ("per_region", "level", "frequency"):  # free text keeps its full-width characters
        text = value.strip() if isinstance(value, str) else cell_text(value)
    else:
        text = cell_text(value)
    if key == "regions" and text == ALL_TOWNSHIPS:
        return planfile.ALL_TOWNSHIPS
    if key in _LISTS:
        return [n.strip() for n in _SPLIT.split(text) if n.strip()]
    if key == "per_region":
        if text in (YES, "true", "TRUE", "True", "1", "√"):
            return True
        if text in (NO, "false", "FALSE", "False", "0"):
            return False
        return text
    if key == "level":
        return next((code for code, name in LEVEL_NAMES.items() if text in (name, name[:-1])), text)
    if key == "frequency":
        return next((code for code, name in FREQUENCY_NAMES.items() if text == name), text)
    return text


def _sheet_rows(workbook, names: dict[str, str], sheet: str):
    """The sheet's rows as (row number, values), or None when the workbook has no such sheet."""
    actual = names.get(normalize_header(sheet))
    if actual is None:
        return None
    s = workbook.get_sheet_by_name(actual)
    first = (s.start[0] if s.start else 0) + 1
    return [(first + n, list(r)) for n, r in enumerate(s.to_python(skip_empty_area=False))]


def read(path: str | Path, *, year: int) -> PlanSpec:
    """Read a plan workbook and check it (planfile.check); raise PlanFileError listing every
    problem with its sheet, row and column."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise PlanFileError([(_("file"), _("Not a readable .xlsx file (damaged, or another kind of file)."))])
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = {normalize_header(n): n for n in workbook.sheet_names}
        sheets = {s: _sheet_rows(workbook, names, s) for s in (PLAN_SHEET, *COLUMNS)}
    except (CalamineError, OSError, ValueError) as exc:
        raise PlanFileError(
            [(_("file"), _("Not a readable .xlsx file: %(reason)s") % {"reason": exc})]
        ) from exc
    errors: list[tuple[str, str]] = []
    places = SheetPlaces()
    data: dict = {"plan": {}, "phases": [], "tasks": [], "schedules": []}

    for sheet in (PLAN_SHEET, TASKS):
        if sheets[sheet] is None:
            errors.append((_at(sheet), _("The workbook has no sheet “%(sheet)s”.") % {"sheet": sheet}))
    if errors:
        raise PlanFileError(errors)

    # 方案: a field name in the first column, its value in the second
    lookup = {normalize_header(a): k for k, aliases in PLAN_FIELDS.items() for a in aliases}
    for number, values in sheets[PLAN_SHEET]:
        key = lookup.get(normalize_header(values[0] if values else ""))
        if key is None:
            continue
        if key in places.plan_rows:
            errors.append((_at(PLAN_SHEET, number), _("“%(field)s” is given twice.") % {"field": values[0]}))
            continue
        places.plan_rows[key] = number
        value = _value(key, values[1] if len(values) > 1 else None, year)
        if value is not None:
            data["plan"][key] = value

    tables: dict[str, list[tuple[int, dict]]] = {}
    for sheet, spec in COLUMNS.items():
        rows = sheets[sheet]
        tables[sheet] = []
        if rows is None:
            continue
        header_at = next(
            (i for i, (_n, v) in enumerate(rows) if sum(1 for c in v if cell_text(c)) >= 1), None
        )
        if header_at is None:
            continue
        lookup = {normalize_header(a): k for k, aliases in spec.items() for a in aliases}
        index: dict[str, int] = {}
        for c, h in enumerate(rows[header_at][1]):
            key = lookup.get(normalize_header(h))
            if key and key not in index:
                index[key] = c
                places.headers[sheet][key] = cell_text(h)
        missing = [spec[k][0] for k in REQUIRED[sheet] if k not in index]
        if missing:
            errors.append(
                (
                    _at(sheet, rows[header_at][0]),
                    _("The sheet lacks the column(s) %(columns)s.")
                    % {"columns": "、".join(f"“{m}”" for m in missing)},
                )
            )
            continue
        for number, values in rows[header_at + 1 :]:
            if all(not cell_text(v) for v in values):
                continue
            item = {}
            for key, c in index.items():
                value = _value(key, values[c] if c < len(values) else None, year)
                if value is not None:
                    item[key] = value
            tables[sheet].append((number, item))
    if errors:
        raise PlanFileError(errors)

    for i, (number, item) in enumerate(tables[PHASES], start=1):
        places.rows[(PHASES, i)] = number
        data["phases"].append(item)
    by_number: dict[str, int] = {}
    for i, (number, item) in enumerate(tables[TASKS], start=1):
        places.rows[(TASKS, i)] = number
        item.setdefault("number", "")
        item["targets"], item["funding"] = [], []
        by_number.setdefault(str(item["number"]), i)
        data["tasks"].append(item)
    for sheet, key in ((TARGETS, "targets"), (FUNDING, "funding")):
        for number, item in tables[sheet]:
            task = str(item.pop("task", ""))
            i = by_number.get(task)
            if i is None:
                errors.append(
                    (
                        _at(sheet, number, places.headers[sheet]["task"]),
                        _("No task of the sheet “%(sheet)s” has the number “%(number)s”.")
                        % {"sheet": TASKS, "number": task},
                    )
                )
                continue
            owned = data["tasks"][i - 1][key]
            owned.append(item)
            places.rows[(sheet, i, len(owned))] = number
    for i, (number, item) in enumerate(tables[SCHEDULES], start=1):
        places.rows[(SCHEDULES, i)] = number
        data["schedules"].append(item)
    try:
        spec = planfile.check(data, year=year, places=places)
    except PlanFileError as exc:
        raise PlanFileError(errors + exc.errors) from exc
    if errors:
        raise PlanFileError(errors)
    return spec


# ---- writing -----------------------------------------------------------------------------------


def _names(values) -> str:
    return "、".join(values)


def _number(value: Decimal | None):
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def write(spec: PlanSpec | None) -> bytes:
    """The plan as a workbook; `read()` of it gives the same plan back. `None` writes the empty
    workbook (the template to fill in)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def sheet(name, headers, rows, *, widths=(), text_cols=(), lists=None):
        ws = wb.add_worksheet(name)
        for c, h in enumerate(headers):
            width = widths[c] if c < len(widths) else max(10, len(h) * 2 + 2)
            ws.set_column(c, c, width, text if c in text_cols else None)
            ws.write_string(0, c, h, bold)
        ws.freeze_panes(1, 0)
        for c, options in (lists or {}).items():
            ws.data_validation(
                1, c, 2000, c, {"validate": "list", "source": options, "error_type": "warning"}
            )
        for r, values in enumerate(rows, start=1):
            for c, v in enumerate(values):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    ws.write_string(r, c, v, text if c in text_cols else wrap if len(v) > 30 else None)
                elif isinstance(v, dt.date):
                    ws.write_string(r, c, v.isoformat())
                else:
                    ws.write_number(r, c, v)
        return ws

    head = spec or PlanSpec(key="", title="", issuer="", level="county", start=None, end=None)
    plan_rows = [
        ("key", head.key),
        ("title", head.title),
        ("issuer", head.issuer),
        ("doc_number", head.doc_number),
        ("level", LEVEL_NAMES.get(head.level, head.level)),
        ("start", head.start),
        ("end", head.end),
        ("source", head.source),
        ("near_days", head.near_days),
        ("escalate_days", head.escalate_days),
    ]
    ws = sheet(
        PLAN_SHEET,
        ["项目", "内容"],
        [[PLAN_FIELDS[k][0], v] for k, v in plan_rows],
        widths=(20, 60),
    )
    ws.data_validation(5, 1, 5, 1, {"validate": "list", "source": list(LEVEL_NAMES.values())})
    phases = spec.phases if spec else []
    sheet(PHASES, [v[0] for v in COLUMNS[PHASES].values()], [[p.name, p.start, p.end] for p in phases])
    tasks = spec.tasks if spec else []
    sheet(
        TASKS,
        [v[0] for v in COLUMNS[TASKS].values()],
        [
            [
                t.number,
                t.section,
                t.title,
                t.phase,
                _names(t.lead),
                _names(t.responsible),
                _names(t.cooperating),
                ALL_TOWNSHIPS if t.regions == planfile.ALL_TOWNSHIPS else _names(t.regions),
                t.start,
                t.deadline,
                t.text,
            ]
            for t in tasks
        ],
        widths=(8, 20, 36, 16, 24, 24, 24, 24, 12, 12, 60),
        text_cols={0},
    )
    sheet(
        TARGETS,
        [v[0] for v in COLUMNS[TARGETS].values()],
        [
            [
                t.number,
                g.metric,
                g.unit,
                _number(g.baseline),
                _number(g.value),
                g.by,
                YES if g.per_region else NO,
            ]
            for t in tasks
            for g in t.targets
        ],
        widths=(10, 36),
        text_cols={0},
        lists={6: [YES, NO]},
    )
    sheet(
        FUNDING,
        [v[0] for v in COLUMNS[FUNDING].values()],
        [
            [
                t.number,
                ":".join(format(r.normalize(), "f") for r in f.ratio),
                _names(f.levels),
                _number(f.amount),
                f.basis,
            ]
            for t in tasks
            for f in t.funding
        ],
        widths=(10, 12, 16, 12, 40),
        text_cols={0, 1},
    )
    sheet(
        SCHEDULES,
        [v[0] for v in COLUMNS[SCHEDULES].values()],
        [
            [FREQUENCY_NAMES.get(s.frequency, s.frequency), s.day, s.task, s.note]
            for s in (spec.schedules if spec else [])
        ],
        widths=(14, 12, 10, 40),
        text_cols={2},
        lists={0: list(FREQUENCY_NAMES.values())},
    )
    notes = wb.add_worksheet(NOTES)
    notes.set_column(0, 0, 100)
    for i, line in enumerate(NOTES_TEXT):
        notes.write_string(i, 0, line)
    wb.close()
    return out.getvalue()


NOTES_TEXT = [
    "试点方案工作簿：方案、阶段、任务、指标、资金、报送六张表，与方案文件（TOML）内容相同。",
    "方案表：每行一个项目，在“内容”列填写。层级填 县级、乡镇级、村级、市级 或 省级。",
    "日期写成 2026-03-31 或 2026年3月31日；写成 {Y}-03-31 时，年份在导入时选择。",
    "任务表：编号不能重复；牵头、责任、配合单位和责任乡镇可填多个，用“、”分隔；责任乡镇填“各乡镇”表示全县每个乡镇。",
    "任务的截止日期须在其所属阶段内；每项任务至少要有牵头单位、责任单位或责任乡镇之一。",
    "指标表、资金表：“任务编号”填任务表中的编号；每个指标都要有计量单位（%、个、人……）和目标值。",
    "资金表：分担比例写成 4:4:2，承担层级写成 省、市、县，个数与比例相同。",
    "报送表：频次填 每月、每两个月、每季度、阶段结束时 或 一次；每月报送日填 1–31。",
    "导入时逐表逐行检查，任何一处有问题都不会导入，请按提示的表、行、列修改后重新上传。",
]
