"""Pilot plans on top of the shared world (tests/conftest.py): the county's departments as units,
and accounts bound to two of them (the unit dimension of the scope)."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from doudi.core import unit_services as us
from doudi.core.models import Unit
from doudi.core.roles import Role
from doudi.programmes import planfile

from ..conftest import make_user  # noqa: TID252

PLANS = Path(planfile.__file__).parent / "data"


def plan_text(name: str) -> str:
    return (PLANS / name).read_text(encoding="utf-8")


@pytest.fixture
def units(world):
    actor = world.users.county

    def make(name, kind=Unit.Kind.DEPARTMENT, region=None, parent=None):
        return us.unit_create(actor=actor, name=name, kind=kind, region=region or world.county, parent=parent)

    u = SimpleNamespace()
    u.sthj = make("安和县生态环境局")
    u.mzj = make("安和县民政局")
    u.zzb = make("中共安和县委组织部")
    u.sfj = make("安和县司法局")
    u.gaj = make("安和县公安局")
    u.sthj_staff = make_user("sthj", world.county, [Role.COUNTY_OFFICER], name="生态环境局干部")
    u.sthj_staff.unit = u.sthj
    u.sthj_staff.save()
    u.mzj_staff = make_user("mzj", world.county, [Role.COUNTY_OFFICER], name="民政局干部")
    u.mzj_staff.unit = u.mzj
    u.mzj_staff.save()
    return u


SMALL = """
[plan]
key = "small"
title = "柳河镇试点小方案"
level = "county"
start = "{Y}-01-01"
end = "{Y}-12-31"

[[phases]]
name = "组织实施阶段"
start = "{Y}-01-01"
end = "{Y}-12-31"

[[tasks]]
number = "1"
title = "柳河镇污水治理"
phase = "组织实施阶段"
lead = ["生态环境局"]
regions = ["柳河镇"]
deadline = "{Y}-06-30"

[[tasks.targets]]
metric = "农村生活污水处理率"
unit = "%"
value = "30"
by = "{Y}-12-31"
per_region = true

[[tasks]]
number = "2"
title = "民政局建立工作台账"
lead = ["民政局"]
deadline = "{Y}-03-31"

[[schedules]]
frequency = "monthly"
day = 5
"""


@pytest.fixture
def pw(world, units, make):
    """Programme world: the sewage plan (every township), a small plan whose task 1 is 柳河镇's
    (t2) only and whose task 2 is 民政局's only, a report of t2, and another county's officer."""
    import datetime as dt

    from doudi.programmes import services

    county = world.users.county
    w = SimpleNamespace(world=world, units=units)
    w.sewage = services.plan_import(
        actor=county, region=world.county, text=plan_text("sewage.toml"), year=2026
    )
    w.small = services.plan_import(actor=county, region=world.county, text=SMALL, year=2026)
    w.task_t2 = w.small.tasks.get(number="1")
    w.task_mzj = w.small.tasks.get(number="2")
    w.survey = w.sewage.tasks.get(number="6")
    w.report_t2 = services.report_file(
        actor=world.users.town2,
        task=w.task_t2,
        region=world.t2,
        unit=None,
        period="2026-01",
        due=dt.date(2026, 2, 5),
        text="完成摸底",
        values={w.task_t2.targets.get().pk: __import__("decimal").Decimal("5")},
    )
    from doudi.programmes import ledger_services as ls

    w.ledger = ls.ledger_import_shipped(
        actor=county, plan=w.sewage, text=plan_text("ledger-sewage-survey.toml")
    )
    w.row_t2 = ls.ledger_row_save(
        actor=world.users.town2,
        template=w.ledger,
        raw={
            "village": "西河村",
            "households": 120,
            "residents": 400,
            "produced": "30",
            "destination": "分散处理设施",
            "treated": "6",
        },
    )
    from doudi.core import attachments
    from doudi.programmes.models import LedgerAttachment, ReportAttachment

    w.report_file = ReportAttachment.objects.create(
        report=w.report_t2,
        name="现场.pdf",
        content_type="application/pdf",
        size=9,
        path=attachments.store(b"%PDF-1.4\n", "programmes"),
        uploaded_by=world.users.town2,
    )
    w.ledger_file = LedgerAttachment.objects.create(
        row=w.row_t2,
        column="village",
        name="设施.pdf",
        content_type="application/pdf",
        size=9,
        path=attachments.store(b"%PDF-1.4\n", "programmes"),
        uploaded_by=world.users.town2,
    )
    other = make.region("990122000000", "平川县", 3, world.city)
    w.county2 = make.user("county2", other, [Role.COUNTY_OFFICER])
    return w
