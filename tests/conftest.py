"""Shared fixtures: a small world of two townships with the demo's account names.

county (county officer + administrator), town1 / town2 (clerks of two townships), village1
(staff of a village in town1's township), inspector (county inspector).
"""

from types import SimpleNamespace

import pytest

from doudi.core.models import Region, User
from doudi.core.roles import Role

PASSWORD = "doudi-test-pw"


def make_region(code, name, level, parent=None, urc=""):
    return Region.objects.create(code=code, name=name, level=level, parent=parent, urban_rural_code=urc)


def make_user(username, region, roles, name=None):
    user = User(username=username, name=name or username, region=region, roles=[str(r) for r in roles])
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world():
    prov = make_region("990000000000", "示例省", 1)
    city = make_region("990100000000", "示例市", 2, prov)
    county = make_region("990121000000", "安和县", 3, city)
    t1 = make_region("990121100000", "青石镇", 4, county)
    t2 = make_region("990121101000", "柳河镇", 4, county)
    v1 = make_region("990121100001", "青石社区", 5, t1, "121")
    v1b = make_region("990121100201", "东山村", 5, t1, "220")
    v2 = make_region("990121101201", "西河村", 5, t2, "220")
    users = SimpleNamespace(
        county=make_user("county", county, [Role.COUNTY_OFFICER, Role.COUNTY_ADMIN]),
        town1=make_user("town1", t1, [Role.TOWNSHIP_CLERK]),
        town2=make_user("town2", t2, [Role.TOWNSHIP_CLERK]),
        village1=make_user("village1", v1, [Role.VILLAGE_STAFF]),
        inspector=make_user("inspector", county, [Role.INSPECTOR]),
    )
    return SimpleNamespace(
        province=prov, city=city, county=county, t1=t1, t2=t2, v1=v1, v1b=v1b, v2=v2, users=users
    )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def live_world(transactional_db):
    """The same world, committed, for tests that drive a live server from a browser."""
    return build_world()


@pytest.fixture
def login(client):
    """login(user) → a Django test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def make():
    """Factories for tests that need more regions or users than `world` has."""
    return SimpleNamespace(region=make_region, user=make_user)
