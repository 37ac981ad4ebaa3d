"""Configurable ledgers (台账 templates): the column definitions and the check of one cell.

Every plan asks for ledgers (plan 1, task 6: "组织开展农村生活污水治理现状调查……包括村庄名称、居民户数、
常住人口数量……"; plan 4: "建立一个‘一村一品’台账"; plan 7: "建立工作台帐"). A county administrator
defines a template as data: columns with a type, a required flag and validation; who fills it (per
village, township or unit) and by when. The same check serves the phone form and the Excel upload,
so a value means the same wherever it was entered.

Column types: text, integer, decimal (with a unit of measure), date, choice (a list), yesno,
region (a village or township of the filler's area, by name), unit (by name), person (a registry
ID number), attachment (the file's name or a note; the file itself is kept beside the row in a
later version).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal

from doudi.core.tabular import CellError, cell_date, cell_decimal, cell_int, cell_text

TYPES = ("text", "integer", "decimal", "date", "choice", "yesno", "region", "unit", "person", "attachment")
FILLERS = ("village", "township", "unit")
YES, NO = ("是", "有", "yes", "y", "true", "1", "√"), ("否", "无", "no", "n", "false", "0", "×")


@dataclass
class Column:
    key: str
    label: str
    type: str = "text"
    required: bool = False
    measure: str = ""  # unit of measure of a number (户, 人, 吨/日, 万元/年)
    choices: list[str] = field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    pattern: str = ""

    def header(self) -> str:
        return f"{self.label}（{self.measure}）" if self.measure else self.label

    def as_dict(self) -> dict:
        d = {"key": self.key, "label": self.label, "type": self.type, "required": self.required}
        if self.measure:
            d["measure"] = self.measure
        if self.choices:
            d["choices"] = self.choices
        if self.min is not None:
            d["min"] = str(self.min)
        if self.max is not None:
            d["max"] = str(self.max)
        if self.pattern:
            d["pattern"] = self.pattern
        return d


def column_from(d: dict, i: int) -> Column:
    """A column from its stored or written form; ValueError (Chinese) when it is not usable."""
    label = str(d.get("label", "")).strip()
    if not label:
        raise ValueError(f"第 {i} 列没有名称。")
    kind = str(d.get("type", "text")).strip()
    if kind not in TYPES:
        raise ValueError(f"“{label}”的类型“{kind}”未知（{'、'.join(TYPES)}）。")
    choices = [str(c).strip() for c in d.get("choices", []) if str(c).strip()]
    if kind == "choice" and not choices:
        raise ValueError(f"选项列“{label}”没有列出选项。")
    pattern = str(d.get("pattern", "") or "")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"“{label}”的格式要求不是有效的正则表达式。") from exc
    bounds = []
    for k in ("min", "max"):
        v = d.get(k)
        try:
            bounds.append(Decimal(str(v)) if v not in (None, "") else None)
        except ArithmeticError as exc:
            raise ValueError(f"“{label}”的{k}不是数字。") from exc
    return Column(
        key=str(d.get("key") or f"c{i}"),
        label=label,
        type=kind,
        required=bool(d.get("required", False)),
        measure=str(d.get("measure", "") or "").strip(),
        choices=choices,
        min=bounds[0],
        max=bounds[1],
        pattern=pattern,
    )


def columns_from_lines(text: str) -> list[Column]:
    """The administrator's column list, one per line: 名称; 类型; 必填; 单位; 选项1/选项2; 最小; 最大; 格式
    (e.g. "常住人口; integer; 必填; 人; ; 0"). Raises ValueError listing the first problem."""
    cols = []
    for i, line in enumerate([x for x in text.splitlines() if x.strip()], start=1):
        parts = [p.strip() for p in re.split(r"[;；]", line)] + [""] * 8
        cols.append(
            column_from(
                {
                    "key": f"c{i}",
                    "label": parts[0],
                    "type": parts[1] or "text",
                    "required": parts[2] in ("必填", "是", "required", "y", "1"),
                    "measure": parts[3],
                    "choices": [c for c in re.split(r"[/／、]", parts[4]) if c],
                    "min": parts[5],
                    "max": parts[6],
                    "pattern": parts[7],
                },
                i,
            )
        )
    if not cols:
        raise ValueError("台账至少要有一列。")
    if len({c.label for c in cols}) != len(cols):
        raise ValueError("两列名称相同。")
    return cols


def lines_from_columns(cols: list[Column]) -> str:
    return "\n".join(
        "; ".join(
            [
                c.label,
                c.type,
                "必填" if c.required else "",
                c.measure,
                "/".join(c.choices),
                "" if c.min is None else str(c.min),
                "" if c.max is None else str(c.max),
                c.pattern,
            ]
        ).rstrip("; ")
        for c in cols
    )


def load_template(text: str) -> dict:
    """A shipped ledger template (data/ledger-*.toml): [ledger] key, name, filled_by, due; [[columns]]."""
    data = tomllib.loads(text)
    head = data["ledger"]
    cols = [column_from(c, i) for i, c in enumerate(data.get("columns", []), start=1)]
    if head.get("filled_by") not in FILLERS:
        raise ValueError("filled_by 应为 village、township 或 unit。")
    return {**head, "columns": cols}


def check(
    col: Column,
    value,
    *,
    regions: dict[str, str] | None = None,
    units: dict[str, int] | None = None,
    persons=None,
):
    """The stored (JSON) value of one cell, or CellError in Chinese. Empty → None (or an error if required).

    `regions` maps the names of the filler's villages/townships to their codes, `units` the names
    of the units in their scope to ids, `persons(id_number)` answers whether a person is in scope.
    """
    text = (
        cell_text(value) if not isinstance(value, int | float | Decimal) or isinstance(value, bool) else value
    )
    if value is None or (isinstance(text, str) and not text.strip()):
        if col.required:
            raise CellError(f"“{col.label}”必须填写")
        return None
    what = col.label
    if col.type == "integer":
        n = cell_int(value, what=what, minimum=None)
        _bounds(col, Decimal(n))
        return n
    if col.type == "decimal":
        d = cell_decimal(value, places=4, what=what, negative=True)
        _bounds(col, d)
        return format(d.normalize(), "f")
    if col.type == "date":
        return cell_date(value).isoformat()
    s = str(text).strip()
    if col.type == "choice":
        if s not in col.choices:
            raise CellError(f"“{col.label}”应为以下之一：{'、'.join(col.choices)}（填的是“{s}”）")
        return s
    if col.type == "yesno":
        if s.lower() in YES:
            return True
        if s.lower() in NO:
            return False
        raise CellError(f"“{col.label}”应填“是”或“否”（填的是“{s}”）")
    if col.type == "region":
        code = (regions or {}).get(s)
        if code is None:
            raise CellError(f"“{s}”不在您的辖区内")
        return code
    if col.type == "unit":
        if s not in (units or {}):
            raise CellError(f"没有名为“{s}”的单位")
        return s
    if col.type == "person":
        if persons is None or not persons(s):
            raise CellError(f"身份证号“{s}”不是您辖区内在册人员")
        return s
    if col.pattern and not re.fullmatch(col.pattern, s):
        raise CellError(f"“{col.label}”格式不符（“{s}”）")
    return s


def _bounds(col: Column, d: Decimal) -> None:
    if col.min is not None and d < col.min:
        raise CellError(f"“{col.label}”不能小于 {col.min.normalize():f}（填的是 {d.normalize():f}）")
    if col.max is not None and d > col.max:
        raise CellError(f"“{col.label}”不能大于 {col.max.normalize():f}（填的是 {d.normalize():f}）")


def shown(col: Column, value, region_names: dict[str, str] | None = None) -> str:
    if value is None:
        return ""
    if col.type == "yesno":
        return "是" if value else "否"
    if col.type == "region":
        return (region_names or {}).get(value, value)
    return str(value)


def ratio(rows: list[dict], numerator: str, denominator: str | None, scale: Decimal) -> Decimal | None:
    """A target metric computed from a ledger: sum(numerator) / sum(denominator) × scale, or the
    numerator's sum alone. Plan 1's 处理率 = 实际处理水量 / 污水产生量 × 100."""
    num = sum((Decimal(str(r[numerator])) for r in rows if r.get(numerator) is not None), Decimal(0))
    if not denominator:
        return num
    den = sum((Decimal(str(r[denominator])) for r in rows if r.get(denominator) is not None), Decimal(0))
    if not den:
        return None
    return (num / den * scale).quantize(Decimal("0.01"))
