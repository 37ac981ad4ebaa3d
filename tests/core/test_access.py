"""Access matrix for the core routes (DESIGN.md promise 1).

ROUTES maps each URL name to a function building the URL of an object in town2's township
(or the page itself when it has no object), the HTTP methods it answers, and whether it needs a
capability that only county-level roles have ("cap").
"""

import pytest

from doudi.core import audit, jobs
from doudi.core.models import AuditEntry, Job, Region
from doudi.core.roles import Role

ROUTES = {
    "home": {"url": lambda w: "/", "methods": ["get"]},
    "region_list": {"url": lambda w: "/regions/", "methods": ["get"]},
    "region_detail": {"url": lambda w: f"/regions/{w.t2.code}/", "methods": ["get"], "object": True},
    "region_import": {"url": lambda w: "/regions/import/", "methods": ["get", "post"], "cap": True},
    "region_template": {"url": lambda w: "/regions/import/template.xlsx", "methods": ["get"], "cap": True},
    "job_detail": {"url": lambda w: f"/jobs/{w.job2.pk}/", "methods": ["get"], "object": True},
    "user_list": {"url": lambda w: "/users/", "methods": ["get"], "cap": True},
    "lockout_list": {"url": lambda w: "/users/lockouts/", "methods": ["get"], "cap": True},
    "lockout_unlock": {"url": lambda w: "/users/lockouts/unlock/", "methods": ["post"], "cap": True},
    "user_create": {"url": lambda w: "/users/new/", "methods": ["get", "post"], "cap": True},
    "user_edit": {"url": lambda w: f"/users/{w.users.town2.pk}/", "methods": ["get", "post"], "cap": True},
    "user_password": {
        "url": lambda w: f"/users/{w.users.town2.pk}/password/",
        "methods": ["post"],
        "cap": True,
    },
    "user_active": {"url": lambda w: f"/users/{w.users.town2.pk}/active/", "methods": ["post"], "cap": True},
    "audit_list": {"url": lambda w: "/audit/", "methods": ["get"], "cap": True},
    # An entry of town2's township; outside the area it is 404 (test_an_audit_entry_*).
    "audit_reveal": {"url": lambda w: f"/audit/{w.entry2.seq}/full/", "methods": ["post"], "cap": True},
    "api:me": {"url": lambda w: "/api/v1/me", "methods": ["get"], "api": True},
    "api:regions": {"url": lambda w: "/api/v1/regions", "methods": ["get"], "api": True},
    "api:region": {
        "url": lambda w: f"/api/v1/regions/{w.t2.code}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
}


@pytest.fixture
def w(world):
    world.job2 = Job.objects.create(
        kind="import_regions", title="t2 job", created_by=world.users.town2, region=world.t2
    )
    world.entry2 = audit.record(
        world.users.town2,
        "update",
        object_type="registry.person",
        object_id="7",
        object_repr="王五",
        region_code=world.v2.code,
        changes={"id_number": ["990121193901020331", "990121193901020358"]},  # as if written whole
    )
    return world


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, w, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, w, route):
    access.expect(client, route, w, status=401)


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2_objects(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=404)


@pytest.mark.routes("object")
def test_county_sees_town2_objects(login, access, w, route):
    access.expect_get(login(w.users.county), route, w)


@pytest.mark.routes("cap")
def test_clerks_get_403_for_county_admin_pages(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=403)


@pytest.mark.parametrize("route", ["user_edit", "user_password", "user_active"])
def test_an_administrator_of_another_county_gets_404(login, access, w, make, route):
    other = make.region("990122000000", "邻县", 3, w.city)
    admin2 = make.user("admin2", other, ["county_admin"])
    access.expect(login(admin2), route, w, status=404)


def test_village_staff_see_only_their_village(login, w):
    client = login(w.users.village1)
    assert client.get(f"/regions/{w.v1.code}/").status_code == 200
    assert client.get(f"/regions/{w.v1b.code}/").status_code == 404
    assert client.get(f"/regions/{w.t1.code}/").status_code == 404
    response = client.get("/regions/")
    assert response.status_code == 200 and w.v1.name in response.content.decode()


def test_the_region_tree_of_a_clerk_lists_only_their_township(login, w):
    body = login(w.users.town1).get("/regions/").content.decode()
    assert w.v1.name in body and w.v1b.name in body
    assert w.v2.name not in body and w.t2.name not in body


def test_api_regions_are_scoped(login, w):
    client = login(w.users.town1)
    codes = {r["code"] for r in client.get("/api/v1/regions").json()}
    assert codes == {w.t1.code, w.v1.code, w.v1b.code}
    county_codes = {r["code"] for r in login(w.users.county).get("/api/v1/regions").json()}
    assert w.v2.code in county_codes


def test_a_job_answers_only_inside_its_area(login, w):
    job = jobs.Job.objects.create(
        kind="import_regions", title="t1 job", created_by=w.users.town1, region=w.t1
    )
    assert login(w.users.town2).get(f"/jobs/{job.pk}/").status_code == 404
    assert login(w.users.county).get(f"/jobs/{job.pk}/").status_code == 200
    assert Region.objects.count() == 8


# ---- one audit entry shown whole (core.services.audit_entry_reveal) -----------------------------


def test_an_audit_entry_outside_the_area_is_404_even_with_the_right(login, w, make):
    """The reveal needs Cap.VIEW_AUDIT and Cap.VIEW_FULL_ID; holding both does not reach an entry
    of another township or county, and the refused request records nothing."""
    other = make.region("990122000000", "邻县", 3, w.city)
    cases = [
        make.user("officer2", other, [Role.COUNTY_OFFICER]),  # another county
        make.user("both1", w.t1, [Role.TOWNSHIP_CLERK, Role.DISCIPLINE]),  # another township
    ]
    before = AuditEntry.objects.count()
    for user in cases:
        response = login(user).post(f"/audit/{w.entry2.seq}/full/")
        assert response.status_code == 404, user.username
    assert AuditEntry.objects.count() == before


def test_an_audit_entry_inside_the_area_is_shown_to_a_township_user_with_the_right(login, w, make):
    both2 = make.user("both2", w.t2, [Role.TOWNSHIP_CLERK, Role.DISCIPLINE])
    response = login(both2).post(f"/audit/{w.entry2.seq}/full/")
    assert response.status_code == 200 and "990121193901020331" in response.content.decode()
    view = AuditEntry.objects.order_by("seq").last()
    assert (view.action, view.actor, view.extra) == (
        "view",
        both2,
        {"field": "id_number", "audit_entry": w.entry2.seq},
    )
    assert (view.object_type, view.object_id, view.region_code) == ("registry.person", "7", w.v2.code)
