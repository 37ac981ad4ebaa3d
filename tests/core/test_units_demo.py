"""The demo county's units: departments, townships' governments and offices, the company with
its branches and two years of figures; the step is idempotent."""

import random

from doudi.core import demo
from doudi.core.models import AuditEntry, Unit, UnitFigures
from doudi.core.scope import scoped


def test_demo_units(db):
    ctx = {"seed": 1}
    rng = random.Random(1)
    demo.core_step(rng, ctx)
    demo.units_step(rng, ctx)
    county = ctx["users"]["county"]
    names = set(scoped(Unit, county).values_list("name", flat=True))
    assert {"安和县民政局", "安和县财政局", "安和县纪委监委", "安和县教育局", "安和县农业农村局"} <= names
    assert {"青石镇人民政府", "青石镇民政办", "城关街道办事处", "杏花乡人民政府"} <= names
    company = Unit.objects.get(name=demo.COMPANY)
    assert company.parent.name == "安和县财政局" and len(company.credit_code) == 18
    branches = company.children.all()
    assert branches.count() == 4 and {b.kind for b in branches} == {"branch"}
    assert UnitFigures.objects.filter(unit__in=[company, *branches]).count() == 10
    assert set(UnitFigures.objects.values_list("year", flat=True)) == {2025, 2026}
    town1 = ctx["users"]["town1"]  # 青石镇
    assert set(scoped(Unit, town1).values_list("name", flat=True)) == {
        "青石镇人民政府",
        "青石镇民政办",
        f"{demo.COMPANY}青石分公司",
    }
    n = (Unit.objects.count(), UnitFigures.objects.count(), AuditEntry.objects.count())
    demo.units_step(rng, ctx)
    assert (Unit.objects.count(), UnitFigures.objects.count(), AuditEntry.objects.count()) == n
