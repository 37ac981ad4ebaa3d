"""Points schemes on the shared world: 青石镇 (t1) and 柳河镇 (t2) each instantiate the shipped
examples; a few subjects in village1's village (v1), t1's other village (v1b) and t2's (v2)."""

from types import SimpleNamespace

import pytest

from doudi.governance import services


def _scheme(clerk, town, key):
    return services.scheme_instantiate(actor=clerk, region=town, example=key)


@pytest.fixture
def gw(world):
    u = world.users
    g = SimpleNamespace(world=world, u=u)
    g.org1 = _scheme(u.town1, world.t1, "org-dual")
    g.market1 = _scheme(u.town1, world.t1, "household-market")
    g.abc1 = _scheme(u.town1, world.t1, "sanitation-abc")
    g.org2 = _scheme(u.town2, world.t2, "org-dual")
    g.market2 = _scheme(u.town2, world.t2, "household-market")
    g.branch_v1 = services.subject_add(actor=u.town1, scheme=g.org1, village=world.v1, name="青石社区党支部")
    g.branch_v1b = services.subject_add(actor=u.town1, scheme=g.org1, village=world.v1b, name="东山村党支部")
    g.branch_v2 = services.subject_add(actor=u.town2, scheme=g.org2, village=world.v2, name="西河村党支部")
    g.wang = services.subject_add(actor=u.village1, scheme=g.market1, village=world.v1, name="王家")
    g.li = services.subject_add(actor=u.village1, scheme=g.market1, village=world.v1, name="李家")
    g.zhao2 = services.subject_add(actor=u.town2, scheme=g.market2, village=world.v2, name="赵家")
    g.cleaner = services.subject_add(actor=u.town1, scheme=g.abc1, village=world.v1, name="周保洁")
    return g


def item(scheme, code):
    return scheme.items.get(code=code)
