"""Pure rules of points schemes (积分制): scoring a period, warning lines, ABC grades, pay, the
red and black lists (no Django imports; docs/governance.md; domain/governance.md "Scores").

Seed document 3, plan 2, 三 2: "推行'双项积分、三色预警、四方督评'工作机制 … 明确农村（社区）基层
党组织从基本制度坚持、战斗堡垒作用、党员群众评议评价、一票否决四个方面量化积分；农村党员从参加党的
组织生活、先锋模范作用、一票否决三个方面量化积分" — a scheme's dimensions, with a veto (一票否决);
"每季度根据……积分情况，由低到高对应划出'红色提醒线'、'黄色提质线'、'蓝色提升线'进行预警，作出提醒、
提质、提升的相应安排。年底进行积分总评，并作为评选先进的重要依据" — the three lines, their follow-ups
and the year's total; "实行'县督县评、乡督乡评、村督村评、民督民评'" — four sources of points
(四方督评), each with its weight.
Plan 7, 11: "对环卫人员实行'ABC动态'管理办法，评出ABC三个档次，按档次下拨……保洁员工资；乡级实行
周督查、月考核" — monthly grades from thresholds, the month's pay by grade.
Plan 9, 1 and plan 10, 3: "农民群众'红黑榜'管理", "道德红黑榜" — monthly lists per village.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

RED, YELLOW, BLUE = "red", "yellow", "blue"
COLOURS = (RED, YELLOW, BLUE)
# The follow-up each colour requires (plan 2, 三 2: 红色提醒线 … 作出提醒、提质、提升的相应安排).
FOLLOW_UP = {RED: "remind", YELLOW: "improve", BLUE: "raise"}  # 提醒 / 提质 / 提升

# 四方督评: who may award points (县督县评、乡督乡评、村督村评、民督民评 → county and township
# inspection, the village, the members among themselves, the public).
SOURCES = ("county", "township", "village", "peer", "public")

GRADES = ("A", "B", "C")


class RuleError(ValueError):
    """A scheme's settings contradict themselves (e.g. warning lines that overlap)."""


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class ItemRule:
    code: str
    dimension: str
    veto: bool = False  # 一票否决: in the period, the score becomes the floor
    black: bool = False  # puts the subject on the month's black list (红黑榜)


@dataclass(frozen=True)
class SchemeRule:
    """What period_score needs of a scheme: dimension caps (None = no cap), items, source weights
    (a source not named weighs 1) and the floor a veto sets."""

    dimensions: Mapping[str, Decimal | None]
    items: Mapping[str, ItemRule]
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    floor: Decimal = Decimal(0)


@dataclass(frozen=True)
class EntryIn:
    """One awarded entry. `corrects` names an earlier entry this one replaces (a correction is a new
    entry, never an edit); a replaced entry no longer counts, its correction does."""

    id: int
    item: str
    points: Decimal
    source: str = "township"
    corrects: int | None = None


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    raw: Decimal  # the weighted sum before the cap
    score: Decimal  # after the cap
    capped: bool


@dataclass(frozen=True)
class Score:
    total: Decimal
    dimensions: tuple[DimensionScore, ...]
    vetoed: bool
    reasons: tuple[str, ...]  # codes: "cap:<dimension>", "veto:<item>", "corrected:<entry id>"
    counted: tuple[int, ...]  # the ids of the entries that count

    def by_dimension(self) -> dict[str, Decimal]:
        return {d.dimension: d.score for d in self.dimensions}


def effective_entries(entries: Iterable[EntryIn]) -> tuple[list[EntryIn], list[int]]:
    """The entries that count, and the ids replaced by a later correction. A correction of a
    correction replaces both (the chain ends at the last one)."""
    entries = list(entries)
    replaced = {e.corrects for e in entries if e.corrects is not None}
    return [e for e in entries if e.id not in replaced], sorted(replaced)


def period_score(entries: Iterable[EntryIn], scheme: SchemeRule) -> Score:
    """The score of one subject in one period (domain/governance.md, "Scores": "the sum of entries
    per dimension, each dimension capped at its cap (if any), then a veto item in the period sets
    the total to the scheme's floor (default 0) whatever else was earned").

    Each entry counts its points × the weight of its source (四方督评; a source without a weight
    counts fully). A cap bounds a dimension from above only: deductions are never capped away.
    Unknown items are an error (the caller checks items against the scheme on award).
    """
    counted, replaced = effective_entries(entries)
    sums: dict[str, Decimal] = {}
    veto_items: list[str] = []
    for e in counted:
        item = scheme.items.get(e.item)
        if item is None:
            raise RuleError(f"unknown item {e.item!r}")
        weight = _dec(scheme.weights.get(e.source, 1))
        sums[item.dimension] = sums.get(item.dimension, Decimal(0)) + _dec(e.points) * weight
        if item.veto:
            veto_items.append(item.code)
    score = score_from_sums(sums, veto_items, scheme)
    reasons = (*(f"corrected:{i}" for i in replaced), *score.reasons)
    return Score(score.total, score.dimensions, score.vetoed, reasons, tuple(e.id for e in counted))


def score_from_sums(sums: Mapping[str, object], veto_items: Iterable[str], scheme: SchemeRule) -> Score:
    """The second half of period_score, for callers that summed the weighted points per dimension
    in the database (services.period_close): caps per dimension, then the veto."""
    reasons: list[str] = []
    dims = []
    for name in (*scheme.dimensions, *(d for d in sums if d not in scheme.dimensions)):
        value = _dec(sums.get(name, 0))
        cap = scheme.dimensions.get(name)
        capped = cap is not None and value > _dec(cap)
        if capped:
            reasons.append(f"cap:{name}")
        dims.append(DimensionScore(name, value, _dec(cap) if capped else value, capped))
    total = sum((d.score for d in dims), Decimal(0))
    vetoes = sorted(set(veto_items))
    reasons.extend(f"veto:{code}" for code in vetoes)
    if vetoes:
        total = _dec(scheme.floor)
    return Score(total, tuple(dims), bool(vetoes), tuple(reasons), ())


SCORE, PERCENTILE = "score", "percentile"


def check_lines(lines: Mapping[str, object]) -> dict[str, Decimal]:
    """The three lines of 三色预警 as Decimals; refuses missing, unknown, overlapping or unordered
    lines (domain/governance.md: R < Y < B). The messages are Chinese: they reach the user.

    `lines` may name a `mode`: "score" (the default: lines are scores) or "percentile" (lines are
    shares of the ranking from the bottom, in per cent, 0 < R < Y < B ≤ 100; see rank_colour). The
    mode is not part of the returned dict (line_mode() reads it)."""
    mode = line_mode(lines)
    values = {k: v for k, v in lines.items() if k != "mode"}
    unknown = set(values) - set(COLOURS)
    if unknown:
        raise RuleError("预警线只有红、黄、蓝三条。")
    missing = [c for c in COLOURS if values.get(c) is None]
    if missing:
        raise RuleError("请填写红色、黄色、蓝色三条预警线。")
    try:
        r, y, b = (_dec(values[c]) for c in COLOURS)
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise RuleError("预警线必须是数字。") from exc
    if not (r < y < b):
        raise RuleError("预警线重叠或顺序不对：须红色提醒线 < 黄色提质线 < 蓝色提升线。")
    if mode == PERCENTILE and not (Decimal(0) < r and b <= Decimal(100)):
        raise RuleError("按排名百分比划线时，预警线须在 0 与 100 之间。")
    return {RED: r, YELLOW: y, BLUE: b}


def line_mode(lines: Mapping[str, object]) -> str:
    mode = lines.get("mode", SCORE) or SCORE
    if mode not in (SCORE, PERCENTILE):
        raise RuleError("预警线的划法只能是按分数或按排名百分比。")
    return mode


def rank_colour(rank: int, count: int, lines: Mapping[str, object]) -> str | None:
    """三色预警 by ranks (issue 14: "or by ranks/percentiles"): a subject's share from the bottom is
    (count − rank + 1) / count in per cent, with the competition rank from the top (ties share the
    better rank, so equal totals get the same colour and nobody is singled out among equals);
    share ≤ red line → "red", ≤ yellow → "yellow", ≤ blue → "blue", else None."""
    checked = check_lines(lines)
    if count < 1 or not 1 <= rank <= count:
        raise RuleError("rank out of range")
    share = Decimal(count - rank + 1) * 100 / Decimal(count)
    for colour in COLOURS:
        if share <= checked[colour]:
            return colour
    return None


def warning_colour(score, lines: Mapping[str, object]) -> str | None:
    """三色预警 (plan 2, 三 2; domain/governance.md): score < red line → "red", < yellow → "yellow",
    < blue → "blue", else None (above every line). Overlapping or unordered lines are refused."""
    if line_mode(lines) != SCORE:
        raise RuleError("these lines are by rank: use rank_colour")
    checked = check_lines(lines)
    value = _dec(score)
    for colour in COLOURS:
        if value < checked[colour]:
            return colour
    return None


def check_thresholds(thresholds: Mapping[str, object]) -> dict[str, Decimal]:
    if set(thresholds) != {"A", "B"}:
        raise RuleError("ABC 分档须填写 A 档和 B 档的分数线。")
    try:
        a, b = _dec(thresholds["A"]), _dec(thresholds["B"])
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise RuleError("分数线必须是数字。") from exc
    if not a > b:
        raise RuleError("A 档分数线须高于 B 档。")
    return {"A": a, "B": b}


def abc_grade(score, thresholds: Mapping[str, object]) -> str:
    """ABC动态管理 (plan 7, 11; domain/governance.md): score ≥ A line → "A", ≥ B line → "B", else "C"."""
    t = check_thresholds(thresholds)
    value = _dec(score)
    if value >= t["A"]:
        return "A"
    if value >= t["B"]:
        return "B"
    return "C"


def grade_pay(grade: str, pay: Mapping[str, object]) -> Decimal:
    """The month's pay of a sanitation worker by grade (plan 7, 11: 按档次下拨……保洁员工资); the
    amounts per grade are settings (DOUDI_GOVERNANCE_ABC_PAY)."""
    if grade not in GRADES:
        raise RuleError(f"unknown grade {grade!r}")
    if grade not in pay:
        raise RuleError(f"no pay set for grade {grade}")
    amount = _dec(pay[grade])
    if amount < 0:
        raise RuleError("pay cannot be negative")
    return amount.quantize(Decimal("0.01"))


def check_weights(weights: Mapping[str, object]) -> dict[str, Decimal]:
    """四方督评 weights: known sources, numbers between 0 and 1 inclusive."""
    out = {}
    for source, value in weights.items():
        if source not in SOURCES:
            raise RuleError(f"未知的评分来源“{source}”。")
        try:
            w = _dec(value)
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise RuleError("权重必须是数字。") from exc
        if not (Decimal(0) <= w <= Decimal(1)):
            raise RuleError("权重须在 0 与 1 之间。")
        out[source] = w
    return out


@dataclass(frozen=True)
class Ranked:
    subject: int
    total: Decimal
    rank: int  # 1 = best; equal totals share a rank (1, 2, 2, 4)


def rank(totals: Mapping[int, object]) -> list[Ranked]:
    """Ranking of a period's results, best first; ties share the better rank (competition
    ranking), ties listed by subject id so the order is stable."""
    ordered = sorted(((s, _dec(t)) for s, t in totals.items()), key=lambda x: (-x[1], x[0]))
    out: list[Ranked] = []
    for i, (subject, total) in enumerate(ordered):
        r = out[-1].rank if out and out[-1].total == total else i + 1
        out.append(Ranked(subject, total, r))
    return out


@dataclass(frozen=True)
class ListRule:
    """红黑榜 rules of a scheme: the top N on the red list, the bottom N on the black list, and any
    subject with a black-list item in the month on the black list whatever its total."""

    red_top: int = 3
    black_bottom: int = 0
    black_items: bool = True


@dataclass(frozen=True)
class ListEntry:
    subject: int
    board: str  # "red" | "black"
    total: Decimal
    reason: str  # "top" | "bottom" | "item"


def honour_lists(
    totals: Mapping[int, object], black_item_subjects: Iterable[int], rule: ListRule
) -> list[ListEntry]:
    """A village's monthly 红黑榜 (plan 9, 1; plan 10, 3). Red: the N best totals (ties for the last
    place all go on). Black: subjects with a black-list item, then the N lowest totals (ties for the
    last place all go on). Nobody is on both: a black-list item keeps a subject off the red list, and
    a subject on the red list is not put on the black list by its rank alone. Only subjects with
    points in the month are ranked (no one is black-listed for not having been scored)."""
    black_set = set(black_item_subjects) if rule.black_items else set()
    out: list[ListEntry] = []
    candidates = {s: _dec(t) for s, t in totals.items() if s not in black_set}
    red_ids: set[int] = set()
    if rule.red_top > 0 and candidates:
        ordered = sorted(candidates.items(), key=lambda x: (-x[1], x[0]))
        cut = ordered[min(rule.red_top, len(ordered)) - 1][1]
        for s, t in ordered:
            if t >= cut and t > 0:
                red_ids.add(s)
                out.append(ListEntry(s, "red", t, "top"))
    for s in sorted(black_set):
        out.append(ListEntry(s, "black", _dec(totals.get(s, 0)), "item"))
    if rule.black_bottom > 0:
        rest = sorted(((s, t) for s, t in candidates.items() if s not in red_ids), key=lambda x: (x[1], x[0]))
        if rest:
            cut = rest[min(rule.black_bottom, len(rest)) - 1][1]
            out.extend(ListEntry(s, "black", t, "bottom") for s, t in rest if t <= cut)
    return out


def balance_after(balance, price, quantity: int) -> Decimal:
    """积分超市: the balance after a redemption; refuses one that would make it negative."""
    if quantity < 1:
        raise RuleError("兑换数量至少为 1。")
    cost = _dec(price) * quantity
    after = _dec(balance) - cost
    if after < 0:
        raise RuleError(f"积分不足：需要 {cost.normalize()} 分，余额 {_dec(balance).normalize()} 分。")
    return after


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def period_label(kind: str, year: int, index: int) -> str:
    """ "2026-Q1", "2026-03", "2026": the label of a scheme's period."""
    if kind == "quarter":
        return f"{year}-Q{index}"
    if kind == "month":
        return f"{year}-{index:02d}"
    return str(year)


def last_ended(kind: str, today: date) -> str:
    """The label of the last period of this kind (month, quarter, year) that ended before today."""
    if kind == "month":
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return period_label("month", year, month)
    if kind == "quarter":
        q = quarter_of(today.month) - 1
        return period_label("quarter", today.year if q else today.year - 1, q or 4)
    return period_label("year", today.year - 1, 1)


def period_bounds(kind: str, year: int, index: int) -> tuple[date, date]:
    """The first and last day of a scheme's period (month, quarter or year)."""
    if kind == "month":
        first_month, months = index, 1
    elif kind == "quarter":
        first_month, months = (index - 1) * 3 + 1, 3
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    last_month = first_month + months - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return start, end


# ---- the weekly ABC summary (周督查、月考核) -----------------------------------------------------


def month_of(text: str) -> tuple[int, int]:
    """ "2026-03" → (2026, 3); anything else (or a year outside 2000–2100) is refused in Chinese."""
    try:
        year_text, month_text = (text or "").strip().split("-")
        if not (len(year_text) == 4 and year_text.isdigit() and 1 <= len(month_text) <= 2):
            raise ValueError(text)
        year, month = int(year_text), int(month_text)
    except ValueError as exc:
        raise RuleError(f"月份“{text}”格式不对，应为 2026-03。") from exc
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise RuleError(f"月份“{text}”格式不对，应为 2026-03。")
    return year, month


@dataclass(frozen=True)
class Week:
    """An ISO week (Monday to Sunday) touching a month; `start`–`end` is its part inside the month:
    the days whose entries count in this month's cell (the month is the scheme's period)."""

    year: int  # the ISO year (the first days of January may belong to the last year's week 52/53)
    week: int
    monday: date
    sunday: date
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def week_of(day: date) -> tuple[int, int]:
    """The ISO week of a date: (ISO year, week number); weeks run Monday to Sunday."""
    iso = day.isocalendar()
    return iso[0], iso[1]


def month_weeks(year: int, month: int) -> list[Week]:
    """The ISO weeks touching a month, in order (4 to 6 of them), each clipped to the month: plan
    7, 11 "乡级实行周督查、月考核" — the township inspects weekly, the month is graded."""
    first, last = period_bounds("month", year, month)
    monday = first - timedelta(days=first.weekday())
    out = []
    while monday <= last:
        sunday = monday + timedelta(days=6)
        iso_year, iso_week = week_of(monday)
        out.append(Week(iso_year, iso_week, monday, sunday, max(monday, first), min(sunday, last)))
        monday += timedelta(days=7)
    return out


@dataclass(frozen=True)
class WeeklyScore:
    """A subject's month in weeks. `weeks[i]` is the weighted sum of the entries that count dated
    in the i-th week's part of the month — uncapped: the caps are per period (the month), so they
    bound the month's total, not a week. `score` is period_score of the month's entries so far;
    sum(weeks) − score.total is what the caps took away (or what a veto set aside)."""

    weeks: tuple[Decimal, ...]
    entries: tuple[tuple[int, ...], ...]  # the ids of the entries that count, per week
    score: Score


def weekly_score(
    entries: Iterable[tuple[date, EntryIn]], scheme: SchemeRule, weeks: list[Week]
) -> WeeklyScore:
    """Split a subject's month by week (plan 7, 11: 周督查、月考核). `entries` are (date, entry)
    pairs; those outside the weeks' parts of the month are left out of both the cells and the
    total. A correction counts in the week of its date (it keeps the corrected entry's date)."""
    inside = [(on, e) for on, e in entries if weeks and weeks[0].start <= on <= weeks[-1].end]
    score = period_score((e for _on, e in inside), scheme)
    counted = set(score.counted)
    sums = [Decimal(0)] * len(weeks)
    ids: list[list[int]] = [[] for _ in weeks]
    for on, e in inside:
        if e.id not in counted:
            continue
        i = next(i for i, w in enumerate(weeks) if w.start <= on <= w.end)
        sums[i] += _dec(e.points) * _dec(scheme.weights.get(e.source, 1))
        ids[i].append(e.id)
    return WeeklyScore(tuple(sums), tuple(tuple(x) for x in ids), score)
