"""Organisation units on top of the shared world (tests/conftest.py).

county ─ 安和县民政局 (mzj) ─ 安和县社会福利院 (fly)
       ─ 安和县财政局 (czj) ─ 安和县城市建设投资集团有限公司 (ct) ─ 青石分公司 (b1, in t1)
                                                               └ 柳河分公司 (b2, in t2)
t1     ─ 青石镇人民政府 (gov1) ─ 青石镇民政办 (mzb1)
t2     ─ 柳河镇人民政府 (gov2)

Accounts bound to units: mzj_officer (county officer, 民政局), ct_officer (county officer, the
company), b1_leader (read-only leader in t1, the 青石 branch).
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from doudi.core import unit_services as us
from doudi.core.models import Unit
from doudi.core.roles import Role

from ..conftest import make_user  # noqa: TID252

K = Unit.Kind


def build_units(world):
    actor = world.users.county

    def make(name, kind, region, parent=None):
        return us.unit_create(actor=actor, name=name, kind=kind, region=region, parent=parent)

    u = SimpleNamespace()
    u.mzj = make("安和县民政局", K.DEPARTMENT, world.county)
    u.fly = make("安和县社会福利院", K.PUBLIC_INSTITUTION, world.county, u.mzj)
    u.czj = make("安和县财政局", K.DEPARTMENT, world.county)
    u.ct = make("安和县城市建设投资集团有限公司", K.STATE_COMPANY, world.county, u.czj)
    u.b1 = make("青石分公司", K.BRANCH, world.t1, u.ct)
    u.b2 = make("柳河分公司", K.BRANCH, world.t2, u.ct)
    u.gov1 = make("青石镇人民政府", K.TOWNSHIP, world.t1)
    u.mzb1 = make("青石镇民政办", K.TOWNSHIP_OFFICE, world.t1, u.gov1)
    u.gov2 = make("柳河镇人民政府", K.TOWNSHIP, world.t2)
    u.f_ct = us.unit_figures_set(
        actor=actor,
        unit=u.ct,
        year=2025,
        total_assets=Decimal("1000000.00"),
        main_revenue=Decimal("200000"),
        branches=2,
    )
    u.f_b2 = us.unit_figures_set(
        actor=actor,
        unit=u.b2,
        year=2025,
        total_assets=Decimal("80000"),
        main_revenue=Decimal("30000.5"),
        branches=0,
    )

    def bound(username, region, roles, unit):
        user = make_user(username, region, roles)
        user.unit = unit
        user.save(update_fields=["unit"])
        return user

    u.mzj_officer = bound("mzj_officer", world.county, [Role.COUNTY_OFFICER], u.mzj)
    u.ct_officer = bound("ct_officer", world.county, [Role.COUNTY_OFFICER], u.ct)
    u.b1_leader = bound("b1_leader", world.t1, [Role.LEADER], u.b1)
    return u


@pytest.fixture
def units(world):
    return build_units(world)
