"""Access matrix for the unit routes (DESIGN.md promise 1), with the unit dimension of the scope.

ROUTES maps each URL name to a function building the URL of an object — 柳河分公司 (b2), a
branch of the county's company sitting in town2's township — or the page itself, the methods it
answers, whether it needs Cap.MANAGE_UNITS ("manage") and whether it is an API route.
"""

import pytest

from doudi.core.models import AuditEntry, Unit, UnitFigures
from doudi.core.roles import Role

ROUTES = {
    "unit_list": {"url": lambda w, u: "/units/", "methods": ["get"]},
    "unit_create": {"url": lambda w, u: "/units/new/", "methods": ["get", "post"], "manage": True},
    "unit_import": {"url": lambda w, u: "/units/import/", "methods": ["get", "post"], "manage": True},
    "unit_template": {"url": lambda w, u: "/units/import/template.xlsx", "methods": ["get"], "manage": True},
    "unit_detail": {"url": lambda w, u: f"/units/{u.b2.pk}/", "methods": ["get"], "object": True},
    "unit_edit": {
        "url": lambda w, u: f"/units/{u.b2.pk}/edit/",
        "methods": ["get", "post"],
        "object": True,
        "manage": True,
    },
    "unit_figures": {
        "url": lambda w, u: f"/units/{u.b2.pk}/figures/",
        "methods": ["get", "post"],
        "object": True,
        "manage": True,
    },
    "api:units": {"url": lambda w, u: "/api/v1/units", "methods": ["get"], "api": True},
    "api:unit": {
        "url": lambda w, u: f"/api/v1/units/{u.b2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
}

OBJECT = sorted(n for n, r in ROUTES.items() if r.get("object"))
VIEW_OBJECT = sorted(n for n in OBJECT if not ROUTES[n].get("manage"))
MANAGE = sorted(n for n, r in ROUTES.items() if r.get("manage"))


def call(client, method, url):
    return getattr(client, method)(url)


@pytest.fixture
def other_officer(world, make):
    other = make.region("990122000000", "邻县", 3, world.city)
    return make.user("officer2", other, [Role.COUNTY_OFFICER])


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, world, units, route):
    access.expect_login(client, route, world, units)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, world, units, route):
    access.expect(client, route, world, units, status=401)


@pytest.mark.routes("object")
def test_an_officer_of_another_county_gets_404(login, access, world, units, other_officer, route):
    access.expect(login(other_officer), route, world, units, status=404)


@pytest.mark.parametrize("name", VIEW_OBJECT)
def test_another_township_gets_404(login, world, units, name):
    assert login(world.users.town1).get(ROUTES[name]["url"](world, units)).status_code == 404
    assert login(world.users.town2).get(ROUTES[name]["url"](world, units)).status_code == 200


@pytest.mark.routes("object")
def test_staff_of_another_unit_get_404(login, access, world, units, route):
    """民政局's officer has every right a county officer has, but b2 is the company's."""
    access.expect(login(units.mzj_officer), route, world, units, status=404)


@pytest.mark.parametrize("name", VIEW_OBJECT)
def test_staff_of_a_sibling_unit_get_404(login, world, units, make, name):
    sibling = make.user("b2_sibling", world.t2, [Role.LEADER])  # same township as b2, bound to b1's unit
    sibling.unit = units.b1
    sibling.region = world.county
    sibling.save()
    assert login(sibling).get(ROUTES[name]["url"](world, units)).status_code == 404
    assert login(units.b1_leader).get(ROUTES[name]["url"](world, units)).status_code == 404


@pytest.mark.parametrize("name", OBJECT)
def test_staff_of_the_parent_unit_and_the_county_see_the_child(login, world, units, name):
    for user in (units.ct_officer, world.users.county):
        assert login(user).get(ROUTES[name]["url"](world, units)).status_code == 200, (name, user)


@pytest.mark.routes("manage")
def test_roles_without_the_right_get_403(login, access, world, units, route):
    for user in (world.users.town2, world.users.inspector):
        access.expect(login(user), route, world, units, status=403)


def test_village_staff_do_not_see_units(login, world, units):
    client = login(world.users.village1)
    assert client.get("/units/").status_code == 403
    assert client.get("/api/v1/units").status_code == 403
    assert "/units/" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/units/99999999/",
        "/units/99999999/edit/",
        "/units/99999999/figures/",
        "/api/v1/units/99999999",
        "/units/new/?parent=abc",
        "/units/new/?parent=99999999",
    ],
)
def test_forged_ids_are_404(login, world, units, url):
    assert login(world.users.county).get(url).status_code == 404


def test_a_forged_parent_of_another_unit_is_404_and_writes_nothing(login, world, units):
    client = login(units.mzj_officer)
    n = Unit.objects.count()
    assert client.get(f"/units/new/?parent={units.ct.pk}").status_code == 404
    # posting the company as parent: not a choice of the form, nothing created
    response = client.post(
        "/units/new/", {"name": "偷建", "kind": "branch", "parent": units.ct.pk, "region": world.county.code}
    )
    assert response.status_code == 200 and Unit.objects.count() == n


def test_a_forged_upload_id_is_404(login, world, units):
    from doudi.core.models import Upload

    client = login(world.users.county)
    assert client.post("/units/import/", {"upload": "not-a-uuid"}).status_code == 404
    assert (
        client.post("/units/import/", {"upload": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}).status_code == 404
    )
    assert not Upload.objects.exists()


def test_lists_show_only_what_is_in_scope(login, world, units):
    body = login(units.b1_leader).get("/units/").content.decode()
    assert "青石分公司" in body and "柳河分公司" not in body and "安和县财政局" not in body
    names = {u["name"] for u in login(units.ct_officer).get("/api/v1/units").json()}
    assert names == {"安和县城市建设投资集团有限公司", "青石分公司", "柳河分公司"}
    names = {u["name"] for u in login(world.users.town1).get("/api/v1/units").json()}
    assert names == {"青石分公司", "青石镇人民政府", "青石镇民政办"}


def test_figures_of_a_unit_out_of_scope_are_not_written(login, world, units):
    before = (UnitFigures.objects.count(), AuditEntry.objects.count())
    login(units.mzj_officer).post(f"/units/{units.b2.pk}/figures/", {"year": 2026, "branches": 1})
    assert (UnitFigures.objects.count(), AuditEntry.objects.count()) == before
