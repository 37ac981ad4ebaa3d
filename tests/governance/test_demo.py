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
    governance_demo_step(random.Random(2), ctx)  # idempotent
    assert Scheme.objects.count() == 4
