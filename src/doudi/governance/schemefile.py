"""Scheme files (TOML): the shipped examples in data/ that a township or county instantiates.

[scheme] key, name, subject_kind, purpose, period, floor, sources, lines, thresholds, weights,
red_top, black_bottom; [[dimensions]] key, name, cap, items = [{code, name, points, veto, black}].
Every problem is collected with where it is, in Chinese (SchemeFileError).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import rules

DATA = Path(__file__).parent / "data"

SUBJECT_KINDS = ("organisation", "member", "household", "villager", "sanitation", "provider")
PURPOSES = ("ranking", "market", "abc")
PERIODS = ("month", "quarter", "year")


class SchemeFileError(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{w}: {m}" for w, m in errors))
        self.errors = errors


@dataclass
class ItemSpec:
    code: str
    name: str
    points: Decimal
    veto: bool = False
    black: bool = False


@dataclass
class DimensionSpec:
    key: str
    name: str
    cap: Decimal | None
    items: list[ItemSpec] = field(default_factory=list)


@dataclass
class SchemeSpec:
    key: str
    name: str
    subject_kind: str
    purpose: str
    period: str
    floor: Decimal
    sources: list[str]
    lines: dict
    thresholds: dict
    weights: dict
    red_top: int
    black_bottom: int
    dimensions: list[DimensionSpec]


def examples() -> list[tuple[str, str]]:
    """(file key, scheme name) of the shipped examples."""
    out = []
    for path in sorted(DATA.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.append((path.stem, data["scheme"]["name"]))
    return out


def example_text(key: str) -> str:
    if key not in {k for k, _ in examples()}:
        raise SchemeFileError([("example", "没有这个示例方案。")])
    return (DATA / f"{key}.toml").read_text(encoding="utf-8")


def _dec(value, where, errors) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append((where, f"“{value}”不是数字。"))
        return None


def load(text: str) -> SchemeSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeFileError([("file", f"文件格式不正确：{exc}")]) from exc
    errors: list[tuple[str, str]] = []
    head = data.get("scheme") or {}
    for name in ("key", "name", "subject_kind", "purpose", "period"):
        if not str(head.get(name, "")).strip():
            errors.append(("[scheme]", f"缺少 {name}。"))
    if head.get("subject_kind") and head["subject_kind"] not in SUBJECT_KINDS:
        errors.append(("[scheme]", f"未知的评分对象“{head['subject_kind']}”。"))
    if head.get("purpose") and head["purpose"] not in PURPOSES:
        errors.append(("[scheme]", f"未知的用途“{head['purpose']}”。"))
    if head.get("period") and head["period"] not in PERIODS:
        errors.append(("[scheme]", f"未知的周期“{head['period']}”。"))
    sources = list(head.get("sources") or ["township", "village"])
    for s in sources:
        if s not in rules.SOURCES:
            errors.append(("[scheme] sources", f"未知的评分来源“{s}”。"))
    lines, thresholds, weights = dict(head.get("lines") or {}), dict(head.get("thresholds") or {}), {}
    try:
        if head.get("purpose") == "ranking" or lines:
            mode = rules.line_mode(lines)
            lines = {k: str(v) for k, v in rules.check_lines(lines).items()}
            if mode != rules.SCORE:
                lines["mode"] = mode
        if head.get("purpose") == "abc" or thresholds:
            thresholds = {k: str(v) for k, v in rules.check_thresholds(thresholds).items()}
    except rules.RuleError as exc:
        errors.append(("[scheme]", str(exc)))
    try:
        weights = {k: str(v) for k, v in rules.check_weights(head.get("weights") or {}).items()}
    except rules.RuleError as exc:
        errors.append(("[scheme] weights", str(exc)))
    dims: list[DimensionSpec] = []
    keys, codes = set(), set()
    for i, d in enumerate(data.get("dimensions") or [], start=1):
        where = f"[[dimensions]] 第{i}项"
        key, name = str(d.get("key", "")).strip(), str(d.get("name", "")).strip()
        if not key or not name:
            errors.append((where, "维度须有 key 和 name。"))
            continue
        if key in keys:
            errors.append((where, f"维度“{key}”重复。"))
        keys.add(key)
        cap = _dec(d["cap"], where, errors) if d.get("cap") is not None else None
        dim = DimensionSpec(key, name, cap)
        for j, it in enumerate(d.get("items") or [], start=1):
            w = f"{where} items 第{j}项"
            code, label = str(it.get("code", "")).strip(), str(it.get("name", "")).strip()
            if not code or not label or "points" not in it:
                errors.append((w, "积分项须有 code、name 和 points。"))
                continue
            if code in codes:
                errors.append((w, f"积分项“{code}”重复。"))
            codes.add(code)
            points = _dec(it["points"], w, errors)
            if points is not None:
                dim.items.append(ItemSpec(code, label, points, bool(it.get("veto")), bool(it.get("black"))))
        dims.append(dim)
    if not dims:
        errors.append(("[[dimensions]]", "方案至少要有一个维度。"))
    if errors:
        raise SchemeFileError(errors)
    return SchemeSpec(
        key=head["key"],
        name=head["name"],
        subject_kind=head["subject_kind"],
        purpose=head["purpose"],
        period=head["period"],
        floor=Decimal(str(head.get("floor", 0))),
        sources=sources,
        lines=lines,
        thresholds=thresholds,
        weights=weights,
        red_top=int(head.get("red_top", 3)),
        black_bottom=int(head.get("black_bottom", 0)),
        dimensions=dims,
    )
