"""Persons for the registry tests: 张三 in v1 and 李四 in v1b (town1's township), 王五 in v2
(town2's township), registered through the services by the clerks."""

import datetime as dt
from types import SimpleNamespace

import pytest

from doudi.registry import services
from doudi.registry.idcard import make_id_number


def id_number(birth=dt.date(1950, 3, 1), seq=11):
    return make_id_number("990121", birth, seq)


@pytest.fixture
def register():
    """register(actor, village, name, birth=..., seq=..., **fields) → Person via the service."""

    def _register(actor, village, name, birth=dt.date(1950, 3, 1), seq=11, **fields):
        return services.person_create(
            actor=actor, name=name, id_number=id_number(birth, seq), village=village, **fields
        )

    return _register


@pytest.fixture
def people(world, register):
    u = world.users
    return SimpleNamespace(
        zhang=register(u.town1, world.v1, "张三", dt.date(1948, 5, 6), 11, phone="13800000001"),
        li=register(u.town1, world.v1b, "李四", dt.date(1961, 7, 8), 22),
        wang=register(u.town2, world.v2, "王五", dt.date(1939, 1, 2), 33),
    )
