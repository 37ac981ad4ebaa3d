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
