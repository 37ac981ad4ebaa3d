"""A small integrity world on top of `world`: units (纪委, 财政局, a state company with a branch in
each township), handlers, unit finance officers, a report about each branch, a campaign over the
company with a finding in town2's branch."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from doudi.core.models import User
from doudi.core.roles import Role
from doudi.core.unit_services import unit_create, unit_figures_set
from doudi.integrity import services
from doudi.integrity.models import Campaign

YEAR = 2026


def make_user(username, region, roles):
    user = User(username=username, name=username, region=region, roles=[str(r) for r in roles])
    user.set_password("doudi-test-pw")
    user.save()
    return user


def phases(today=None):
    today = today or timezone.localdate()
    out, day = {}, today - dt.timedelta(days=35)
    for phase, _label in Campaign.Phase.choices:
        out[phase] = (day, day + dt.timedelta(days=9))
        day += dt.timedelta(days=10)
    return out


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 49.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def build(world):
    cache.clear()
    county_officer = world.users.county
    u = SimpleNamespace(world=world)
    u.jw = unit_create(actor=county_officer, name="安和县纪委监委", kind="department", region=world.county)
    u.czj = unit_create(actor=county_officer, name="安和县财政局", kind="department", region=world.county)
    u.company = unit_create(
        actor=county_officer, name="安和县城投集团", kind="state_company", region=world.county, parent=u.czj
    )
    u.b1 = unit_create(
        actor=county_officer, name="城投青石分公司", kind="branch", region=world.t1, parent=u.company
    )
    u.b2 = unit_create(
        actor=county_officer, name="城投柳河分公司", kind="branch", region=world.t2, parent=u.company
    )
    for unit, assets, revenue, branches in (
        (u.company, "1000000", "500000", 2),
        (u.b1, "60000", "30000", 3),
        (u.b2, "50000", "10000", 0),
    ):
        unit_figures_set(
            actor=county_officer,
            unit=unit,
            year=YEAR,
            total_assets=assets,
            main_revenue=revenue,
            branches=branches,
        )

    def user(name, region, roles, unit=None):
        made = make_user(name, region, roles)
        if unit is not None:
            made.unit = unit
            made.save()
        return made

    u.handler = user("handler1", world.county, [Role.REPORT_HANDLER], u.jw)
    # Campaigns are run by someone over the units: a county discipline inspector bound to no unit.
    u.runner = user("runner", world.county, [Role.DISCIPLINE])
    u.handler_t1 = user("handler_t1", world.t1, [Role.REPORT_HANDLER, Role.DISCIPLINE])
    u.handler_t2 = user("handler_t2", world.t2, [Role.REPORT_HANDLER, Role.DISCIPLINE])
    u.conflicted = user("handler_company", world.county, [Role.REPORT_HANDLER, Role.DISCIPLINE], u.company)
    u.unit1 = user("unit1", world.t1, [Role.UNIT_FINANCE], u.b1)
    u.unit2 = user("unit2", world.t2, [Role.UNIT_FINANCE], u.b2)
    u.r1, u.receipt1 = services.report_file(
        category="slush_fund", region=None, unit=u.b1, text="青石分公司账外收取手续费。"
    )
    u.r2, u.receipt2 = services.report_file(
        category="slush_fund",
        region=None,
        unit=u.b2,
        text="柳河分公司虚列费用。",
        name="王某",
        contact="13900001111",
    )
    u.campaign = services.campaign_create(
        actor=u.runner, title="2026年“小金库”专项治理", parent_unit=u.company, year=YEAR, phases=phases()
    )
    u.e1 = u.campaign.units.get(unit=u.b1)
    u.e2 = u.campaign.units.get(unit=u.b2)
    u.f2 = services.finding_record(
        actor=u.runner, entry=u.e2, description="账外存放手续费收入", found_by="inspection", amount="12000.00"
    )
    return u


@pytest.fixture
def iw(world):
    return build(world)


@pytest.fixture
def gps_jpeg():
    return jpeg_with_gps()
