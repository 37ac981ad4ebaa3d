"""Pure rules of the monthly report (no Django imports).

Seed document 5, 一、基本情况: supported persons in total; 集中 / 分散; 城市 / 农村; 全失能 / 半失能 /
全自理 — the table a township reports each month and the county adds up.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

# A change of a stock figure (persons) larger than this share of last month's value needs a reason
# from the township on submit (issue 7: "a reason required for large changes, e.g. >10%").
LARGE_CHANGE = 0.10

# The figures whose large changes need a reason: the persons on the books. Flows (visits done,
# rectifications opened…) swing from month to month by nature and are only highlighted.
STOCK_KEYS = (
    "total",
    "centralized",
    "dispersed",
    "urban",
    "rural",
    "level_none",
    "level_partial",
    "level_full",
)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> dt.date:
    """'2026-11' → date(2026, 11, 1); ValueError for anything else."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"月份“{text}”无效，应写成 2026-11")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month_end(month) + dt.timedelta(days=1)).replace(day=1)


def is_large_change(before: int | None, after: int) -> bool:
    """More than LARGE_CHANGE of last month's value; from 0 any new persons count as large."""
    if before is None:
        return False
    if before == 0:
        return after != 0
    return abs(after - before) / before > LARGE_CHANGE


def changes(before: dict | None, after: dict) -> dict[str, dict]:
    """Per figure: previous value, delta, and whether it is a large change needing a reason."""
    out = {}
    for key, value in after.items():
        prev = None if before is None else before.get(key)
        large = key in STOCK_KEYS and is_large_change(prev, value)
        out[key] = {"prev": prev, "delta": None if prev is None else value - prev, "large": large}
    return out


def reasons_missing(before: dict | None, after: dict, reasons: dict[str, str]) -> list[str]:
    """The stock figures with a large change and no reason given."""
    return [k for k, c in changes(before, after).items() if c["large"] and not (reasons.get(k) or "").strip()]


def add_up(rows: list[dict]) -> dict:
    total: dict = {}
    for row in rows:
        for k, v in row.items():
            total[k] = total.get(k, 0) + v
    return total
