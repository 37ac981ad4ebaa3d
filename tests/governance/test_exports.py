"""The monthly redemption ledger and the sanitation payroll are real .xlsx files, scoped."""

from decimal import Decimal as D

from django.utils import timezone

from doudi.core.models import AuditEntry
from doudi.core.tabular import open_table
from doudi.governance import services

from .conftest import item
from .test_services import last_month


def _exported(user, sheet):
    """The audit entries of the user's downloads of one sheet (DESIGN.md promise 4)."""
    return [
        e.extra
        for e in AuditEntry.objects.filter(action="export", actor=user)
        if e.extra.get("sheet") == sheet
    ]


def _read(tmp_path, response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "out.xlsx"
    path.write_bytes(response.content)
    table = open_table(path)
    return table.headers, [cells for _n, cells in table.rows]


def test_redemption_ledger(gw, login, tmp_path):
    today = timezone.localdate()
    v = gw.u.village1
    services.entry_award(
        actor=v, subject=gw.wang, item=item(gw.market1, "filial"), source="village", occurred_on=today
    )
    goods = services.goods_save(
        actor=v, scheme=gw.market1, village=gw.world.v1, name="毛巾", price=3, stock=9
    )
    services.redeem(actor=v, subject=gw.wang, goods=goods, quantity=2)
    month = today.strftime("%Y-%m")
    headers, rows = _read(
        tmp_path, login(v).get(f"/governance/{gw.market1.pk}/redemptions.xlsx?month={month}")
    )
    assert headers[:4] == ["兑换时间", "村", "农户", "商品"]
    assert rows[0][2:6] == ["王家", "毛巾", 2, 6]
    assert rows[-1][0] == "合计" and rows[-1][5] == 6
    assert _exported(v, "redemptions") == [{"sheet": "redemptions", "month": month}]
    # another township's clerk sees nothing of it (and 柳河镇's scheme is not theirs)
    assert (
        login(gw.u.town2).get(f"/governance/{gw.market1.pk}/redemptions.xlsx?month={month}").status_code
        == 404
    )
    assert login(v).get(f"/governance/{gw.market1.pk}/redemptions.xlsx?month=2026-13").status_code == 404
    assert _exported(gw.u.town2, "redemptions") == [] and len(_exported(v, "redemptions")) == 1


def test_payroll(gw, login, tmp_path):
    label, start, _end = last_month()
    t1 = gw.u.town1
    services.entry_award(
        actor=t1, subject=gw.cleaner, item=item(gw.abc1, "base"), source="township", occurred_on=start
    )
    services.entry_award(
        actor=t1, subject=gw.cleaner, item=item(gw.abc1, "week-good"), source="township", occurred_on=start
    )
    services.entry_award(
        actor=t1, subject=gw.cleaner, item=item(gw.abc1, "month-good"), source="township", occurred_on=start
    )
    close = services.period_close(actor=t1, scheme=gw.abc1, period=label)
    headers, rows = _read(tmp_path, login(t1).get(f"/governance/periods/{close.pk}/payroll.xlsx"))
    assert headers == ["村", "保洁员", "考核得分", "档次", "应发工资（元）"]
    assert rows[0] == ["青石社区", "周保洁", 90, "A", 2000]
    assert rows[-1][0] == "合计" and D(str(rows[-1][4])) == D(2000)
    assert _exported(t1, "payroll") == [{"sheet": "payroll", "period": label}]
