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
