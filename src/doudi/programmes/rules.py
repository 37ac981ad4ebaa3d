"""Pure rules of pilot plans (no Django imports).

Seed document 3 (第三篇, nine 乡村治理体系建设试点 plans) and the phases of documents 1, 2 and 4:
every plan has phases with dates, numbered tasks with a lead unit (牵头单位), responsible units
(责任单位) and responsible townships (责任主体), a deadline and often a numeric target; progress is
reported on a schedule (plan 1, task 18: "县级每月5日前将上月……进度情况报"; plan 5,
六 (六): "每月调度、半年督查、年终考核"); overdue work is warned and escalated (plan 7, 四 2:
"对工作进展缓慢的地方要分级约谈"); funding is split between levels (plan 7: "按2:2:1的比例，由省、
市、县财政分别承担"; plan 8: "由省市县按4:4:2的比例分级承担").
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

NOT_STARTED = "not_started"  # 未开始
IN_PROGRESS = "in_progress"  # 进行中
DONE = "done"  # 已完成
OVERDUE = "overdue"  # 逾期
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, OVERDUE)


def task_status(
    *, start: date | None, deadline: date | None, completed_on: date | None, reported: bool, today: date
) -> str:
    """未开始 / 进行中 / 已完成 / 逾期 of one task on `today`.

    Done once completed (even if late: the lateness shows in its completion date). Otherwise
    overdue the day after its deadline; in progress once its start (its phase's start) has come or
    anything was reported; else not started.
    """
    if completed_on is not None:
        return DONE
    if deadline is not None and today > deadline:
        return OVERDUE
    if reported or (start is not None and today >= start):
        return IN_PROGRESS
    return NOT_STARTED


NO_WARNING = ""
NEAR = "near"  # 临期: the deadline is within N working days
PASSED = "passed"  # 逾期: the deadline has passed, the responsible unit is warned
LEAD = "lead"  # escalated to the lead unit (牵头单位) after M more working days
COUNTY = "county"  # escalated to the county (县委农办) after M more working days again
WARNING_LEVELS = (NEAR, PASSED, LEAD, COUNTY)


def warning_level(
    *,
    deadline: date | None,
    done: bool,
    today: date,
    near_days: int,
    escalate_days: int,
    add_working_days: Callable[[date, int], date],
) -> str:
    """The warning a task carries on `today` (plan 7, 四 2: 分级约谈 when work lags).

    `near_days` (N) working days before the deadline it is near; the day after the deadline it is
    passed; `escalate_days` (M) working days after the deadline it goes to the lead unit, and M
    more working days later to the county. `add_working_days(d, n)` is core.workdays' (it skips
    weekends and holidays), passed in so this stays pure.
    """
    if done or deadline is None:
        return NO_WARNING
    if today > deadline:
        lead_from = add_working_days(deadline, escalate_days)
        county_from = add_working_days(lead_from, escalate_days)
        if today >= county_from:
            return COUNTY
        if today >= lead_from:
            return LEAD
        return PASSED
    if today >= add_working_days(deadline, -near_days):
        return NEAR
    return NO_WARNING


@dataclass(frozen=True)
class Trajectory:
    expected: Decimal  # where the linear path from baseline to target stands on the date
    actual: Decimal | None
    behind: bool
    share: Decimal | None  # progress from baseline to target, 0..1 (may pass 1), None without a report


def trajectory(
    *, baseline: Decimal, target: Decimal, start: date, by: date, on: date, actual: Decimal | None
) -> Trajectory:
    """Reported value against the linear path from the baseline (on `start`) to the target (on `by`).

    Behind when the reported value has not reached the path on that day. A falling target (a
    target below its baseline, e.g. 空置率) is behind when the value is above the path. Without a
    report nothing is behind yet; `expected` still shows the path.
    """
    if by <= start:
        fraction = Decimal(1) if on >= by else Decimal(0)
    else:
        days = min(max((on - start).days, 0), (by - start).days)
        fraction = Decimal(days) / Decimal((by - start).days)
    expected = (baseline + (target - baseline) * fraction).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if actual is None:
        return Trajectory(expected, None, False, None)
    span = target - baseline
    share = ((actual - baseline) / span).quantize(Decimal("0.0001"), ROUND_HALF_UP) if span else Decimal(1)
    behind = actual < expected if target >= baseline else actual > expected
    return Trajectory(expected, actual, behind, share)


def funding_split(total: Decimal, ratios: list[Decimal]) -> list[Decimal]:
    """Split `total` yuan by `ratios` (e.g. 4:4:2 or 2:2:1), in fen; the remainder goes to the last level.

    Plan 7: "每名选派干部每年安排1万元办公经费，按2:2:1的比例，由省、市、县财政分别承担" — 10 000
    yuan at 2:2:1 is 4 000, 4 000 and 2 000.
    """
    if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
        raise ValueError("ratios must be non-negative and not all zero")
    whole = sum(ratios)
    cent = Decimal("0.01")
    parts = [(total * r / whole).quantize(cent, ROUND_HALF_UP) for r in ratios[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return parts


def parse_ratio(text: str) -> list[Decimal]:
    """ "4:4:2" (or with full-width colons "4：4：2") as [4, 4, 2]."""
    parts = text.replace("：", ":").split(":")
    try:
        values = [Decimal(p.strip()) for p in parts]
    except ArithmeticError as exc:
        raise ValueError(text) from exc
    if len(values) < 2 or any(v < 0 for v in values) or sum(values) == 0:
        raise ValueError(text)
    return values


MONTHLY = "monthly"  # 每月 N 日前报上月
BIMONTHLY = "bimonthly"  # 每两个月
QUARTERLY = "quarterly"  # 每季度
PHASE_END = "phase_end"  # 阶段结束时一次
ONCE = "once"  # 一次, on a date
FREQUENCIES = (MONTHLY, BIMONTHLY, QUARTERLY, PHASE_END, ONCE)


@dataclass(frozen=True)
class Due:
    period: str  # "2026-03", "2026-Q1", a phase's name, or the date for a one-off report
    due: date


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_reports(
    *,
    frequency: str,
    day: int,
    start: date,
    end: date,
    phase_ends: list[tuple[str, date]] = (),
    once_on: date | None = None,
) -> list[Due]:
    """The reports a schedule asks for between the plan's start and end.

    Monthly: the report of a month is due on `day` of the next month ("每月5日前将上月……报");
    every two months and quarterly likewise after each period; at a phase end: on the phase's last
    day; once: on the date given.
    """
    if frequency == ONCE:
        return [Due(once_on.isoformat(), once_on)] if once_on else []
    if frequency == PHASE_END:
        return [Due(name, ends) for name, ends in phase_ends]
    step = {MONTHLY: 1, BIMONTHLY: 2, QUARTERLY: 3}[frequency]
    result = []
    y, m = start.year, start.month
    if frequency == QUARTERLY:
        m = (m - 1) // 3 * 3 + 1
    while date(y, m, 1) <= end:
        last_y, last_m = y, m + step - 1
        if last_m > 12:
            last_y, last_m = y + 1, last_m - 12
        due_y, due_m = (last_y + 1, 1) if last_m == 12 else (last_y, last_m + 1)
        if frequency == QUARTERLY:
            period = f"{y}-Q{(m - 1) // 3 + 1}"
        elif step == 1:
            period = f"{y}-{m:02d}"
        else:
            period = f"{y}-{m:02d}~{last_m:02d}"
        result.append(Due(period, _month_day(due_y, due_m, day)))
        y, m = (last_y + 1, 1) if last_m == 12 else (last_y, last_m + 1)
    return result


def completeness(filled: int, expected: int) -> Decimal:
    """Share of the expected fillers (villages, townships or units) who have submitted, 0..1."""
    return (Decimal(filled) / Decimal(expected)).quantize(Decimal("0.0001")) if expected else Decimal(0)


def days_late(due: date, filed: date | None, today: date) -> int:
    """Calendar days a report is late on `today` (0 when filed on time or not yet due)."""
    end = filed or today
    return max((end - due).days, 0)


def period_start(d: date) -> date:
    return d.replace(day=1)


def next_day(d: date) -> date:
    return d + timedelta(days=1)
