"""Access matrix for the registry routes (DESIGN.md promise 1), in the pattern of
tests/core/test_access.py.

ROUTES maps each URL name to a function building the URL of an object in town2's township
(or the page itself when it has no object), the HTTP methods it answers, whether it needs a
capability only county-level roles have ("cap"), and whether it is an API route ("api").
"""

import datetime as dt

import pytest

from doudi.core.models import AuditEntry
from doudi.registry.models import DuplicateCandidate, Person

ROUTES = {
    "person_list": {"url": lambda w: "/persons/", "methods": ["get"]},
    "person_create": {"url": lambda w: "/persons/new/", "methods": ["get", "post"]},
    "person_detail": {"url": lambda w: f"/persons/{w.p2.pk}/", "methods": ["get"], "object": True},
    "person_edit": {"url": lambda w: f"/persons/{w.p2.pk}/edit/", "methods": ["get", "post"], "object": True},
    "person_reveal_id": {
        "url": lambda w: f"/persons/{w.p2.pk}/id-number/",
        "methods": ["post"],
        "object": True,
    },
    "duplicate_list": {"url": lambda w: "/persons/duplicates/", "methods": ["get"], "cap": True},
    "duplicate_detail": {
        "url": lambda w: f"/persons/duplicates/{w.pair2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "duplicate_merge": {
        "url": lambda w: f"/persons/duplicates/{w.pair2.pk}/merge/",
        "methods": ["post"],
        "object": True,
    },
    "duplicate_dismiss": {
        "url": lambda w: f"/persons/duplicates/{w.pair2.pk}/dismiss/",
        "methods": ["post"],
        "object": True,
    },
    "api:persons": {"url": lambda w: "/api/v1/persons", "methods": ["get"], "api": True},
    "api:person_create": {"url": lambda w: "/api/v1/persons", "methods": ["post"], "api": True},
    "api:person": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:person_update": {
        "url": lambda w: f"/api/v1/persons/{w.p2.pk}",
        "methods": ["patch"],
        "api": True,
        "object": True,
    },
}


@pytest.fixture
def w(world, register):
    u = world.users
    world.p1 = register(u.town1, world.v1, "张三", dt.date(1948, 5, 6), 11)
    world.p1b = register(u.town1, world.v1b, "李四", dt.date(1961, 7, 8), 22)
    world.p2 = register(u.town2, world.v2, "王五", dt.date(1939, 1, 2), 33)
    register(u.town2, world.v2, "王五", dt.date(1950, 1, 2), 35)  # a namesake: a pair in town2
    world.pair2 = DuplicateCandidate.objects.get()
    return world


def _call(client, method, url):
    if method in ("post", "patch"):
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url)


def _state():
    return (
        list(Person.objects.order_by("pk").values_list("pk", "name", "phone", "placement", "updated_at")),
        list(DuplicateCandidate.objects.values_list("pk", "status", "other_id")),
        AuditEntry.objects.count(),
    )


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, w, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, w, route):
    access.expect(client, route, w, status=401)


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.get("object")))
def test_town1_gets_404_for_town2_objects_and_changes_nothing(login, w, name):
    client = login(w.users.town1)
    before = _state()
    for method in {"get", *ROUTES[name]["methods"]}:
        if ROUTES[name].get("api") and method == "get" and "get" not in ROUTES[name]["methods"]:
            continue
        response = _call(client, method, ROUTES[name]["url"](w))
        if method not in ROUTES[name]["methods"]:
            assert response.status_code in (404, 405), (name, method)
        else:
            assert response.status_code == 404, (name, method)
    assert _state() == before


@pytest.mark.routes("object")
def test_village_staff_get_404_for_another_township(login, access, w, route):
    access.expect(login(w.users.village1), route, w, status=404)


@pytest.mark.parametrize(
    "name", sorted(n for n, r in ROUTES.items() if r.get("object") and "get" in r["methods"])
)
def test_county_sees_town2_objects(login, w, name):
    assert login(w.users.county).get(ROUTES[name]["url"](w)).status_code == 200


@pytest.mark.routes("cap")
def test_clerks_get_403_for_county_pages(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=403)


def test_a_clerk_cannot_decide_a_pair_in_their_own_township(login, w, register):
    register(w.users.town1, w.v1, "张三", dt.date(1970, 1, 1), 15)
    pair = DuplicateCandidate.objects.get(person=w.p1)
    client = login(w.users.town1)
    assert client.get(f"/persons/duplicates/{pair.pk}/").status_code == 403
    assert client.post(f"/persons/duplicates/{pair.pk}/merge/", {"keep": w.p1.pk}).status_code == 403
    assert DuplicateCandidate.objects.get(pk=pair.pk).status == "open"


def test_village_staff_see_only_their_village(login, w):
    client = login(w.users.village1)
    body = client.get("/persons/").content.decode()
    assert "张三" in body and "李四" not in body and "王五" not in body
    assert client.get(f"/persons/{w.p1.pk}/").status_code == 200
    assert client.get(f"/persons/{w.p1b.pk}/").status_code == 404
    assert {p["name"] for p in client.get("/api/v1/persons").json()["items"]} == {"张三"}
    assert client.get(f"/api/v1/persons/{w.p1b.pk}").status_code == 404


def test_village_staff_may_not_write(login, w):
    client = login(w.users.village1)
    assert client.get("/persons/new/").status_code == 403
    assert client.get(f"/persons/{w.p1.pk}/edit/").status_code == 403
    assert client.post(f"/persons/{w.p1.pk}/id-number/").status_code == 403
    response = client.patch(f"/api/v1/persons/{w.p1.pk}", {"phone": "1"}, content_type="application/json")
    assert response.status_code == 403


def test_a_clerk_sees_their_township_only(login, w):
    client = login(w.users.town1)
    body = client.get("/persons/").content.decode()
    assert "张三" in body and "李四" in body and "王五" not in body
    assert {p["name"] for p in client.get("/api/v1/persons").json()["items"]} == {"张三", "李四"}


def test_county_sees_everyone(login, w):
    client = login(w.users.county)
    body = client.get("/persons/").content.decode()
    assert all(name in body for name in ("张三", "李四", "王五"))
    assert client.get("/api/v1/persons").json()["count"] == 4
    assert w.pair2.person.name in client.get("/persons/duplicates/").content.decode()


def test_a_pair_across_townships_is_hidden_from_both_clerks_pages(login, w, register):
    twin = register(w.users.county, w.v1, "王五", dt.date(1939, 1, 2), 37)  # same pinyin and birth as p2
    pair = DuplicateCandidate.objects.get(other=twin)
    assert login(w.users.county).get(f"/persons/duplicates/{pair.pk}/").status_code == 200
    body = login(w.users.town1).get(f"/persons/{twin.pk}/").content.decode()
    assert "王五" in body and f"/persons/{w.p2.pk}/" not in body  # the other side is not linked
