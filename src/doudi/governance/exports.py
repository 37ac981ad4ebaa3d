"""Spreadsheets of points schemes: the monthly redemption ledger and the sanitation payroll (.xlsx
through core.tabular.write_xlsx), read through the selectors (the scope)."""

from __future__ import annotations

import io

from django.utils import timezone

from doudi.core.tabular import write_xlsx

from . import selectors


def redemption_ledger(user, scheme, month: str) -> io.BytesIO:
    rows = [
        [
            timezone.localtime(r.redeemed_at).strftime("%Y-%m-%d %H:%M"),
            r.village.name,
            r.subject.name,
            r.goods.name,
            r.quantity,
            float(r.points),
            float(r.balance_after),
            r.redeemed_by.name or r.redeemed_by.username,
        ]
        for r in selectors.redemptions(user, scheme, month).order_by("village", "redeemed_at", "pk")
    ]
    total = sum(r[5] for r in rows)
    rows.append(["合计", "", "", "", sum(r[4] for r in rows), total, "", ""])
    buf = io.BytesIO()
    write_xlsx(
        buf,
        "兑换台账",
        ["兑换时间", "村", "农户", "商品", "数量", "消耗积分", "兑换后余额", "经办人"],
        rows,
        title=f"{scheme.name} {month} 积分超市兑换台账",
    )
    buf.seek(0)
    return buf


def payroll(user, close) -> io.BytesIO:
    rows = [
        [r.village.name, r.subject.name, float(r.total), r.grade, float(r.pay or 0)]
        for r in selectors.results(user, close).order_by("village", "subject__name")
    ]
    rows.append(["合计", "", "", "", sum(r[4] for r in rows)])
    buf = io.BytesIO()
    write_xlsx(
        buf,
        "工资表",
        ["村", "保洁员", "考核得分", "档次", "应发工资（元）"],
        rows,
        title=f"{close.scheme.name} {close.period} 保洁员工资表",
    )
    buf.seek(0)
    return buf


def abc_weeks(summary) -> io.BytesIO:
    """The weekly ABC summary (selectors.abc_weeks) as a sheet: one row per worker, a column per
    week of the month (the week's points; its deductions listed in the last column), the month's
    total, the grade and the pay (provisional until the month is closed)."""
    weeks = summary.weeks
    headers = [
        "村",
        "保洁员",
        *(f"{w.label}（{w.start:%m-%d}至{w.end:%m-%d}）" for w in weeks),
        "本月累计",
        "档次",
        "应发工资（元）",
        "状态",
        "扣分明细",
    ]
    rows = []
    for village in summary.villages:
        for r in village.rows:
            deductions = "；".join(
                f"{on:%m-%d} {name} {points.normalize():f}"
                for cell in r.cells
                for on, name, points in cell.items
                if points < 0
            )
            rows.append(
                [
                    r.village_name,
                    r.name,
                    *(float(c.points) for c in r.cells),
                    float(r.total),
                    r.grade,
                    float(r.pay) if r.pay is not None else "",
                    ("已结算" if r.closed else "预估") + ("（一票否决）" if r.vetoed else ""),
                    deductions,
                ]
            )
        counts = village.counts
        rows.append(
            [
                f"{village.name}小计",
                f"{village.workers}人",
                *("" for _ in weeks),
                "",
                f"A{counts['A']} B{counts['B']} C{counts['C']}",
                float(sum((r.pay or 0) for r in village.rows)),
                "",
                "",
            ]
        )
    buf = io.BytesIO()
    write_xlsx(
        buf,
        "周汇总",
        headers,
        rows,
        title=f"{summary.scheme.name} {summary.label} 保洁员周考核汇总",
    )
    buf.seek(0)
    return buf
