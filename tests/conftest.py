"""Shared fixtures: a small world of two townships with the demo's account names.

county (county officer + administrator), town1 / town2 (clerks of two townships), village1
(staff of a village in town1's township), inspector (county inspector).

The access matrices (tests/<app>/test_*access*.py) share `access` and the `routes` marker below:
each module keeps its ROUTES dict (tests/test_route_coverage.py reads it), marks a test with
`@pytest.mark.routes("object", without=("api",))` to run it once per route name having every flag
and none of `without`, and asks `access` what each method answers.
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


_LOOP_SEQ = __import__("itertools").count(500)


def _loop_person(village, name="张福生", capacity="full", birth=None, **extra):
    import datetime as dt

    from doudi.registry.idcard import make_id_number
    from doudi.registry.models import Person

    birth = birth or dt.date(1948, 5, 6)
    return Person.objects.create(
        name=name,
        id_number=make_id_number(village.code, birth, next(_LOOP_SEQ)),
        birth_date=birth,
        sex="M",
        village=village,
        civil_capacity=capacity,
        **extra,
    )


# ---- the monthly care loop (issue 6) ---------------------------------------------------------------

JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def all_ok(**problems):
    """Six aspects, all normal except those given as key=note."""
    from doudi.care.rules import Aspect

    out = {k: {"ok": True, "note": ""} for k in Aspect.values}
    for key, note in problems.items():
        out[key] = {"ok": False, "note": note}
    return out


@pytest.fixture
def loop(world):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from doudi.care import services as svc
    from doudi.care.models import MaterialHandover
    from doudi.core.models import User
    from doudi.core.roles import Role
    from doudi.oversight.models import RectificationTask

    today = timezone.localdate()
    out = SimpleNamespace(world=world, today=today)
    for key, village, township, clerk in (
        ("1", world.v1b, world.t1, world.users.town1),
        ("2", world.v2, world.t2, world.users.town2),
    ):
        p = _loop_person(
            village, f"走访对象{key}", capacity="full", supported_since=today - dt.timedelta(days=400)
        )
        staff = User(
            username=f"provider{key}", name=f"服务员{key}", region=township, roles=[Role.PROVIDER_STAFF]
        )
        staff.set_password("x")
        staff.save()
        svc.member_add(actor=clerk, person=p, role="carer", name="周桂香", phone=f"1390000000{key}")
        member = svc.member_add(
            actor=clerk, person=p, role="volunteer", name="林涛", phone=f"1380000000{key}"
        )
        visit = svc.visit_record(
            actor=clerk,
            person=p,
            visited_on=today,
            aspects=all_ok(hygiene="屋内脏乱，被褥多日未洗"),
            notes=f"入户查看，老人{key}精神尚可，屋内较乱，已督促打扫。",
            photos=[SimpleUploadedFile("p.jpg", JPEG_BYTES, "image/jpeg")],
        )
        provider = svc.provider_create(actor=clerk, region=township, name=f"服务中心{key}")
        svc.provider_staff_link(actor=clerk, provider=provider, user=staff)
        contract = svc.contract_create(
            actor=clerk,
            provider=provider,
            region=township,
            number=f"HT-{key}",
            start_on=today.replace(day=1),
            end_on=today.replace(day=1) + dt.timedelta(days=365),
        )
        svc.budget_set(actor=clerk, person=p, contract=contract, monthly_amount=100)
        order = svc.order_create(
            actor=clerk, person=p, contract=contract, month=today, kind="cleaning", times=4, unit_price=25
        )
        delivery = svc.delivery_record(actor=staff, order=order, delivered_at=timezone.now(), done="打扫卫生")
        batch = svc.batch_create(
            actor=clerk, region=township, name="冬季物资", items=["棉被", "煤"], planned_on=today, persons=[p]
        )
        inst = svc.institution_create(
            actor=clerk, region=township, name=f"敬老院{key}", kind="nursing_home", beds=2
        )
        for name, value in (
            ("p", p),
            ("staff", staff),
            ("member", member),
            ("visit", visit),
            ("photo", visit.photos.get()),
            ("provider", provider),
            ("contract", contract),
            ("order", order),
            ("delivery", delivery),
            ("batch", batch),
            ("handover", MaterialHandover.objects.get(batch=batch)),
            ("task", RectificationTask.objects.get(source_kind="visit", source_id=str(visit.pk))),
            ("inst", inst),
        ):
            setattr(out, f"{name}{key}", value)
    return out


@pytest.fixture
def lf():
    return SimpleNamespace(
        all_ok=all_ok, JPEG=JPEG_BYTES, person=_loop_person, PNG=b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    )


# --- access matrices -------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "routes(*flags, without=()): parametrize `route` over the module's ROUTES names that have every "
        "flag set and none of `without`",
    )


def route_names(routes, *flags, without=()):
    """The names of `routes` (a ROUTES dict) with every flag truthy and every `without` flag falsy."""
    return sorted(
        n for n, r in routes.items() if all(r.get(f) for f in flags) and not any(r.get(f) for f in without)
    )


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("routes")
    if marker is not None and "route" in metafunc.fixturenames:
        metafunc.parametrize("route", route_names(metafunc.module.ROUTES, *marker.args, **marker.kwargs))


class Access:
    """What a matrix asks of its routes. A route is {"url": callable(*ctx) → path, "methods": [...],
    flags...}; `ctx` is whatever the module's url functions take (the world, a loop, units)."""

    def __init__(self, routes):
        self.routes = routes

    @staticmethod
    def call(client, method, url, data=None):
        """One request: API writes send JSON, page writes a form (empty unless `data`)."""
        if method == "get":
            return client.get(url)
        if url.startswith("/api/"):
            return getattr(client, method)(url, data=data or {}, content_type="application/json")
        return getattr(client, method)(url, data or {})

    def url(self, name, *ctx):
        return self.routes[name]["url"](*ctx)

    def answers(self, client, name, *ctx, data=None):
        """{method: response} for every method the route lists."""
        url = self.url(name, *ctx)
        return {m: self.call(client, m, url, data) for m in self.routes[name]["methods"]}

    def expect(self, client, name, *ctx, status, data=None):
        """Every method of the route answers `status`."""
        for method, response in self.answers(client, name, *ctx, data=data).items():
            assert response.status_code == status, (name, method, response.status_code)

    def expect_login(self, client, name, *ctx):
        """An anonymous caller is sent to the login page on every method."""
        for method, response in self.answers(client, name, *ctx).items():
            assert response.status_code == 302 and response["Location"].startswith("/login/"), (name, method)

    def expect_get(self, client, name, *ctx, status=200):
        """GET answers `status`; a POST-only route is skipped."""
        if "get" not in self.routes[name]["methods"]:
            pytest.skip("POST-only route")
        assert client.get(self.url(name, *ctx)).status_code == status, (name, getattr(client, "_user", ""))


@pytest.fixture
def access(request):
    """The access helpers over the test module's ROUTES."""
    return Access(request.module.ROUTES)
