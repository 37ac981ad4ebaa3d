"""The cross-area sweep (issue 16, docs/security.md): every route whose path names an object is
requested, for another area's object, by a user of one township in every role, with GET and
POST (and PATCH, PUT, DELETE on the API); each answer must be 403, 404 or 405 (never 200 or a redirect into the object) and the
database must not change.

The routes come from the URL resolver, so a route a new module adds is swept without anyone
editing this file. What a path parameter names is found by convention: the URL path up to the
parameter, normalised (`care/visits/<int:pk>/` → `care/visits/<pk>`), is matched against the keys
of the dicts that each app's `tests/<app>/sweep.py` returns from `sweep(s)` (s offers the specs
below: `s.Obj(...)`, `s.Value(...)`, `s.Open(...)`), the longest matching suffix
winning (`village/candidates/<pk>` beats `candidates/<pk>`, which beats `<person_id>`); a key may
run on past the parameter to the next one (`care/consents/<pk>/document`) to name, for that
route, an object that has what the route serves. A
parameterised route none of them matches FAILS here: a new app registers its parameters in its
own sweep.py. A key maps to one of the specs below:

- `Obj("app.Model")`: an object of that model outside the township — found in the demo county
  (another township's, or another county's for a county-wide kind) or, when there is none, copied
  from one of the model's rows into the other county; `build=` (a function of the world, which
  offers `world.other("app.Model")`, `world.upload()`, a stored file, and `world.user2`, a user
  of the other county) makes one for
  a model the demo has no rows of;
- `Value("x")`: a parameter that names no object (a bucket, an action), given a valid value;
- `Open("why")`: the route is public by design; it is not swept.

The fixture world — the demo county plus a second county — is built once per module inside a
transaction that is rolled back at the end; each test's own writes roll back with the test.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from doudi.core.models import Region, User
from doudi.core.roles import Role
from doudi.core.scope import _lookup, within

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).parent
HOME = "990121001000"  # 城关街道: the township whose users make every request
OTHER_COUNTY = ("990122000000", "平川县")


@dataclass(frozen=True)
class Obj:
    model: str
    attr: str = "pk"
    level: int | None = None  # for core.Region: the level of the region to name
    build: Any = None  # callable(world) → an instance outside HOME (models without rows, or a file)


@dataclass(frozen=True)
class Value:
    value: Any


@dataclass(frozen=True)
class Open:
    why: str


def _load_registry() -> dict[str, Any]:
    registry: dict[str, Any] = {}
    owner: dict[str, Path] = {}
    for path in sorted(TESTS.glob("*/sweep.py")):
        spec = importlib.util.spec_from_file_location(f"_sweep_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        declare = getattr(module, "sweep", None)
        entries = declare(SimpleNamespace(Obj=Obj, Value=Value, Open=Open)) if declare else {}
        for key, value in entries.items():
            assert key not in registry, f"sweep key {key!r} registered twice: {owner[key]} and {path}"
            registry[key], owner[key] = value, path
    return registry


REGISTRY = _load_registry()
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _patterns(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}", prefix + str(p.pattern)


def parameterised_routes() -> dict[str, str]:
    """{route name: its path pattern} for every route with a path parameter."""
    return {
        name: pattern for name, pattern in _patterns(get_resolver().url_patterns) if PARAM.search(pattern)
    }


def spec_for(pattern: str, param: str):
    """The registered spec for `param` of a route: the longest registered suffix of the path up
    to the next parameter, else of the path up to this one, or None."""
    normal = PARAM.sub(r"<\1>", pattern)
    segments = [s for s in normal.split("/") if s]
    at = segments.index(f"<{param}>")
    after = next((j for j in range(at + 1, len(segments)) if segments[j].startswith("<")), len(segments))
    # A key running on to the next parameter first (`care/consents/<pk>/document`: a consent
    # with its scan), then the path up to the parameter (`care/consents/<pk>`).
    tails = ["/".join(segments[i:after]) for i in range(at + 1)] if after > at + 1 else []
    heads = ["/".join(segments[i : at + 1]) for i in range(at + 1)]
    for key in tails + heads:
        if key in REGISTRY:
            return REGISTRY[key]
    return None


ROUTES = parameterised_routes()


# ---- the world --------------------------------------------------------------------------------


def _ancestor_codes(region: Region) -> list[str]:
    codes, r = [], region.parent
    while r is not None:
        codes.append(r.code)
        r = r.parent
    return codes


def _scope_field(model):
    """The first hop of the model's scope path: (field, is_region)."""
    first = model.scope_path.split("__")[0]
    field = model._meta.get_field(first)
    return field, (not field.is_relation or field.related_model is Region)


def outside(model, world):
    """The model's rows neither in HOME nor an ancestor of it, another township's first."""
    qs = model._default_manager.exclude(pk__in=within(model, world.home).values("pk"))
    path = _lookup(model)
    qs = qs.exclude(**{f"{path}__in": world.ancestors})
    same_county = within(qs, world.county)
    return same_county if same_county.exists() else qs


def _copy_into_other_county(model, world):
    """A copy of one of the model's rows, moved into the other county (by its region, or by the
    copy of its parent object)."""
    original = model._default_manager.order_by("pk").first()
    if original is None:
        return None
    field, is_region = _scope_field(model)
    if is_region:
        code = getattr(original, field.attname)
        level = Region.objects.get(pk=code).level if code else None
        target = {3: world.county2, 4: world.township2, 5: world.village2}.get(level)
        if target is None:
            return None
        value = target.code
    else:
        parent = other_object(field.related_model, world)
        if parent is None:
            return None
        value = parent.pk
    original.pk = None
    original._state.adding = True
    setattr(original, field.attname, value)
    try:
        with transaction.atomic():
            original.save()
    except IntegrityError:
        return None
    return original


def _upload(world):
    """A stored file of the other county (a JPEG), for the routes that serve one."""
    from django.core.files.base import ContentFile

    from doudi.core.models import Upload

    data = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    return Upload.objects.create(
        file=ContentFile(data, name="sweep.jpg"),
        original_name="sweep.jpg",
        sha256="0" * 64,
        size=len(data),
        kind="photo",
        uploaded_by=world.user2,
        region=world.township2,
    )


def other_object(model, world, build=None):
    if build is not None:  # once per world: a route's siblings name the same object
        if build not in world.built:
            world.built[build] = build(world)
        return world.built[build]
    found = outside(model, world).order_by("pk").first()
    if found is not None:
        return found
    return _copy_into_other_county(model, world)


def other_units_object(model, world):
    """An object of a unit-scoped model in HOME itself but of a unit outside `world.unit`'s
    subtree (the township government, when the users are bound to its civil-affairs office):
    found, or copied from a row of the model with its unit (or unit-scoped parent) replaced."""
    from doudi.core.scope import _unit_lookup

    lookup = _unit_lookup(model)
    found = (
        within(model, world.home)
        .exclude(**{f"{lookup}__startswith": world.unit.tree_path})
        .exclude(**{lookup: None} if lookup != "tree_path" else {})
        .order_by("pk")
        .first()
    )
    if found is not None or model.unit_scope_path == "":
        return found
    first = model.unit_scope_path.split("__")[0]
    field = model._meta.get_field(first)
    original = model._default_manager.order_by("pk").first()
    if original is None:
        return None
    value = world.other_unit if field.related_model._meta.label == "core.Unit" else None
    if value is None:
        value = other_units_object(field.related_model, world)
        if value is None:
            return None
    original.pk = None
    original._state.adding = True
    setattr(original, field.name, value)
    try:
        with transaction.atomic():
            original.save()
    except IntegrityError:
        return None
    return original


def resolve_unit_variant(name: str, pattern: str, world) -> dict | None:
    """For a route whose objects all belong to units: the same route for another unit's object
    in HOME itself, asked by users bound to a unit there. None for other routes."""
    kwargs, objects = {}, []
    for param in PARAM.findall(pattern):
        spec = spec_for(pattern, param)
        if isinstance(spec, Value):
            kwargs[param] = spec.value
            continue
        if not isinstance(spec, Obj):
            return None
        model = apps.get_model(spec.model)
        if getattr(model, "unit_scope_path", None) is None:
            return None
        obj = other_units_object(model, world)
        if obj is None:
            return {"error": f"no {spec.model} of another unit in the township for <{param}>"}
        kwargs[param] = getattr(obj, spec.attr)
        objects.append(obj)
    return {"url": reverse(name, kwargs=kwargs), "objects": objects} if objects else None


def resolve(name: str, pattern: str, world) -> dict:
    """The route's kwargs and the objects they name, or why it is not swept."""
    kwargs, objects, missing = {}, [], []
    for param in PARAM.findall(pattern):
        spec = spec_for(pattern, param)
        if spec is None:
            missing.append(param)
        elif isinstance(spec, Open):
            return {"open": spec.why}
        elif isinstance(spec, Value):
            kwargs[param] = spec.value
        else:
            model = apps.get_model(spec.model)
            if spec.level is not None:
                obj = outside(model, world).filter(level=spec.level).order_by("pk").first()
            else:
                obj = other_object(model, world, spec.build)
            if obj is None:
                return {"error": f"no {spec.model} outside the township for <{param}>; give its Obj a build="}
            kwargs[param] = getattr(obj, spec.attr)
            objects.append(obj)
    if missing:
        return {"missing": missing}
    if not objects:
        return {"open": "its parameters name no object"}
    return {"url": reverse(name, kwargs=kwargs), "objects": objects}


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):
    from doudi.core import demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo.run()
            city = Region.objects.get(code=demo.CITY[0])
            county2 = Region.objects.create(code=OTHER_COUNTY[0], name=OTHER_COUNTY[1], level=3, parent=city)
            township2 = Region.objects.create(code="990122100000", name="平川镇", level=4, parent=county2)
            village2 = Region.objects.create(
                code="990122100201", name="平川村", level=5, parent=township2, urban_rural_code="220"
            )
            home = Region.objects.get(code=HOME)
            world = SimpleNamespace(
                home=home,
                county=home.parent,
                ancestors=_ancestor_codes(home),
                county2=county2,
                township2=township2,
                village2=village2,
            )
            world.built = {}
            world.user2 = User.objects.create(username="sweep-other", name="外县", region=township2)
            world.other = lambda label: other_object(apps.get_model(label), world)
            world.upload = lambda: _upload(world)
            world.clients = {}
            for role in Role:
                user = User(
                    username=f"sweep-{role.value}", name=str(role.label), region=home, roles=[role.value]
                )
                user.set_password("x")
                user.save()
                client = Client()
                client.force_login(user)
                world.clients[role.value] = client
            # The control: a user of the whole province in every role reaches the same URLs.
            everyone = User(
                username="sweep-all", name="全省", region=city.parent, roles=[r.value for r in Role]
            )
            everyone.set_password("x")
            everyone.save()
            world.control = Client()
            world.control.force_login(everyone)
            from doudi.core.models import Unit

            office = Unit.objects.filter(region=home, parent__isnull=False).order_by("pk").first()
            world.unit, world.other_unit = office, office.parent
            world.unit_clients = {}
            for role in Role:
                user = User(
                    username=f"sweep-unit-{role.value}",
                    name=str(role.label),
                    region=home,
                    unit=office,
                    roles=[role.value],
                )
                user.set_password("x")
                user.save()
                client = Client()
                client.force_login(user)
                world.unit_clients[role.value] = client
            # Area routes first: the objects their build= functions make are there to copy for the
            # unit variants.
            world.routes = {name: resolve(name, pattern, world) for name, pattern in ROUTES.items()}
            world.unit_routes = {
                name: variant
                for name, pattern in ROUTES.items()
                if (variant := resolve_unit_variant(name, pattern, world)) is not None
            }
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# ---- the sweep --------------------------------------------------------------------------------

IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def row_counts() -> dict[str, int]:
    tables = sorted(set(connection.introspection.table_names()) - IGNORED_TABLES)
    q = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def object_rows(objects: list[Model]) -> list:
    return [list(type(o)._default_manager.filter(pk=o.pk).values()) for o in objects]


ALLOWED = {403, 404, 405}
# The API validates a request's body before its handler runs, the same for every id, so a
# 422 says nothing about the object.
ALLOWED_API = ALLOWED | {422}


# The API's writes also come as PATCH, PUT and DELETE; pages answer only GET and POST.
API_METHODS = ("get", "post", "patch", "put", "delete")


def methods(url):
    return API_METHODS if url.startswith("/api/") else ("get", "post")


def ask(client, method, url):
    if method == "get":
        return client.get(url)
    if url.startswith("/api/"):
        return getattr(client, method)(url, data={}, content_type="application/json")
    return client.post(url, {})


def test_every_parameterised_route_has_a_factory(sweep):
    missing = {n: r["missing"] for n, r in sweep.routes.items() if "missing" in r}
    assert not missing, (
        "routes whose path parameters name nothing the sweep knows — register them in the app's "
        f"tests/<app>/sweep.py: {missing}"
    )


def test_the_sweep_covers_the_project():
    assert len(ROUTES) > 100
    assert "care_visit" in ROUTES and "api:person" in ROUTES and "village_committee" in ROUTES


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_another_areas_object_is_never_served(sweep, db, route):
    resolved = sweep.routes[route]
    if "open" in resolved:
        pytest.skip(resolved["open"])
    if "missing" in resolved:
        pytest.fail(f"no sweep factory for {resolved['missing']} (tests/<app>/sweep.py)")
    assert "error" not in resolved, resolved.get("error")
    sweep_one(resolved, sweep.clients)


def sweep_one(resolved, clients):
    url, objects = resolved["url"], resolved["objects"]
    allowed = ALLOWED_API if url.startswith("/api/") else ALLOWED
    counts, rows = row_counts(), object_rows(objects)
    leaks = []
    for role, client in clients.items():
        for method in methods(url):
            response = ask(client, method, url)
            if response.status_code not in allowed:
                leaks.append(f"{role} {method.upper()} {url} → {response.status_code}")
    assert not leaks, "another area's object answered:\n" + "\n".join(leaks)
    after = row_counts()
    assert after == counts, {t: (counts[t], after[t]) for t in counts if counts[t] != after[t]}
    assert object_rows(objects) == rows


UNIT_SCOPED = sorted(
    name
    for name, pattern in ROUTES.items()
    if any(
        isinstance(spec := spec_for(pattern, p), Obj)
        and getattr(apps.get_model(spec.model), "unit_scope_path", None) is not None
        for p in PARAM.findall(pattern)
    )
)


@pytest.mark.parametrize("route", UNIT_SCOPED)
def test_another_units_object_is_never_served(sweep, db, route):
    """Users bound to a unit (the township's civil-affairs office) ask for an object of another
    unit of their own township (its government)."""
    resolved = sweep.unit_routes.get(route)
    if resolved is None:
        pytest.skip("the route also names objects that belong to no unit")
    assert "error" not in resolved, resolved.get("error")
    sweep_one(resolved, sweep.unit_clients)


# Routes that answer the province-wide control 404 for a reason after the area check: a progress
# report only the responsible township or unit files. The sweep still asks them; only
# the control cannot tell their 404 from the area check's. Keep this list short.
CONTROL_UNREACHED = {"programmes_task_report"}


def test_the_sweep_asks_for_objects_that_exist(sweep):
    """The control that keeps the sweep honest: a user of the whole province, in every role, is
    not answered 404 on both methods of a swept URL — so the 404s above are the area check, not
    a URL that names nothing."""
    unreached = []
    variants = [(f"{n} (another unit)", r) for n, r in sweep.unit_routes.items()]
    for name, resolved in sorted(sweep.routes.items()) + sorted(variants):
        if "url" not in resolved or name in CONTROL_UNREACHED:
            continue
        with transaction.atomic():  # the control's POSTs may act (delete a candidate): undone
            codes = {m: ask(sweep.control, m, resolved["url"]).status_code for m in ("get", "post")}
            transaction.set_rollback(True)
        if all(c == 404 for c in codes.values()):
            unreached.append(f"{name} {resolved['url']}")
    assert not unreached, "URLs nobody reaches:\n" + "\n".join(unreached)
