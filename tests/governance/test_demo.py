"""The demo's governance step on the demo county: four schemes from the shipped examples, a year of
entries, closed quarters with more than one colour, closed months with grades, redemptions, and a
published 红黑榜 on the public page."""

import random

from doudi.core.demo import core_step
from doudi.governance.demo import governance_demo_step
from doudi.governance.models import HonourList, PeriodClose, Redemption, Result, Scheme


def test_demo_step(db, client):
    ctx = {}
    core_step(random.Random(1), ctx)
    governance_demo_step(random.Random(2), ctx)
    assert Scheme.objects.count() == 4
    assert PeriodClose.objects.filter(scheme__key="org-dual").count() >= 3
    colours = set(Result.objects.filter(close__scheme__key="member-dual").values_list("colour", flat=True))
    assert len(colours) >= 2, colours
    assert set(
        Result.objects.filter(close__scheme__key="sanitation-abc").values_list("grade", flat=True)
    ) <= {"A", "B", "C"}
    assert Redemption.objects.exists()
    hl = HonourList.objects.filter(status="published").first()
    page = client.get(f"/village/public/{hl.village_id}/").content.decode()
    assert 'id="honour-lists"' in page
    _weekly_abc_summary(ctx, client)
    governance_demo_step(random.Random(2), ctx)  # idempotent
    assert Scheme.objects.count() == 4


def _weekly_abc_summary(ctx, client):
    """The demo's sanitation workers in the weekly view: a township clerk sees the three villages'
    workers with points in the weeks, a village its own; last month is closed, this one provisional."""
    from django.utils import timezone

    from doudi.governance import selectors

    scheme = Scheme.objects.get(key="sanitation-abc")
    town1, village1 = ctx["users"]["town1"], ctx["users"]["village1"]
    today = timezone.localdate()
    last = (today.replace(day=1) - timezone.timedelta(days=1)).strftime("%Y-%m")
    summary = selectors.abc_weeks(town1, scheme, int(last[:4]), int(last[5:]))
    assert len(summary.villages) == 3 and len(summary.rows) == 6
    assert summary.close is not None and all(r.closed and r.grade for r in summary.rows)
    # every worker has the month's base in the first week (the 1st), and deductions show in their weeks
    assert all(any(name == "月度基础分" for _on, name, _p in r.cells[0].items) for r in summary.rows)
    now = selectors.abc_weeks(town1, scheme, today.year, today.month)
    assert now.close is None and all(r.grade in "ABC" and not r.closed for r in now.rows)
    mine = selectors.abc_weeks(village1, scheme, today.year, today.month)
    assert {r.village_code for r in mine.rows} == {village1.region_id}
    client.force_login(village1)
    page = client.get(f"/governance/{scheme.pk}/weeks/")
    assert page.status_code == 200 and "吴收运" in page.content.decode()
