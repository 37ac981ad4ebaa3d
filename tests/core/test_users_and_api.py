import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.core import services
from doudi.core.models import ApiToken, AuditEntry, User

from ..conftest import PASSWORD  # noqa: TID252


def test_admin_creates_an_account_bound_to_a_region_and_role(login, world):
    client = login(world.users.county)
    response = client.post(
        "/users/new/",
        {
            "username": "town1b",
            "name": "赵六",
            "phone": "",
            "region": world.t1.code,
            "roles": ["township_clerk"],
            "password": "a-strong-pass-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="town1b")
    assert (
        user.region == world.t1
        and user.roles == ["township_clerk"]
        and user.check_password("a-strong-pass-2026")
    )
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.action == "create" and entry.changes["roles"] == [None, ["township_clerk"]]


def test_a_role_must_fit_the_region_level(login, world):
    client = login(world.users.county)
    response = client.post(
        "/users/new/",
        {
            "username": "bad",
            "name": "错",
            "region": world.v1.code,
            "roles": ["township_clerk"],
            "password": "a-strong-pass-2026",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="bad").exists()


def test_duplicate_username_is_refused(world):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=world.users.county,
            username="TOWN1",
            name="x",
            region=world.t1,
            roles=["township_clerk"],
            password="a-strong-pass-2026",
        )


def test_reset_password_revokes_tokens_and_is_audited(login, world):
    services.token_issue(user=world.users.town1)
    client = login(world.users.county)
    response = client.post(f"/users/{world.users.town1.pk}/password/", {"password": "new-pass-2026x"})
    assert response.status_code == 302
    world.users.town1.refresh_from_db()
    assert world.users.town1.check_password("new-pass-2026x")
    assert not ApiToken.objects.filter(user=world.users.town1).exists()
    assert AuditEntry.objects.filter(object_id=str(world.users.town1.pk), action="update").exists()


def test_deactivated_accounts_cannot_log_in(client, login, world):
    admin = login(world.users.county)
    admin.post(f"/users/{world.users.town2.pk}/active/", {"active": "0"})
    world.users.town2.refresh_from_db()
    assert not world.users.town2.is_active
    admin.logout()
    response = client.post("/login/", {"username": "town2", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_admin_cannot_deactivate_themselves(world):
    with pytest.raises(ValidationError):
        services.user_set_active(actor=world.users.county, user=world.users.county, active=False)


def test_clerks_cannot_manage_accounts(world):
    with pytest.raises(PermissionDenied):
        services.user_set_active(actor=world.users.town1, user=world.users.village1, active=False)


def test_login_is_audited_and_the_home_page_fits_the_role(client, world):
    response = client.post("/login/", {"username": "town1", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "青石镇" in body
    assert 'href="/users/"' not in body  # no account management for a clerk
    assert AuditEntry.objects.filter(action="login", actor_username="town1").exists()


def test_api_token_flow(client, world):
    bad = client.post(
        "/api/v1/auth/token", {"username": "town1", "password": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 401
    response = client.post(
        "/api/v1/auth/token", {"username": "town1", "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "town1" and me.json()["region"]["code"] == world.t1.code
    assert me.json()["roles"] == ["township_clerk"]
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_session_auth_works_for_the_api(login, world):
    assert login(world.users.county).get("/api/v1/me").json()["username"] == "county"


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/regions" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_audit_page_filters_by_user(login, world):
    services.user_update(
        actor=world.users.county,
        user=world.users.town1,
        name="改名",
        phone="",
        region=world.t1,
        roles=["township_clerk"],
    )
    client = login(world.users.county)
    assert "改名" in client.get("/audit/?username=county").content.decode()
    assert "改名" not in client.get("/audit/?username=nobody").content.decode()


def test_a_malformed_api_request_gets_a_chinese_422(client, world):
    response = client.post("/api/v1/auth/token", {"user": "town1"}, content_type="application/json")
    assert response.status_code == 422
    assert "请求数据不符合要求" in response.json()["detail"] and response.json()["errors"]


def test_the_menu_highlights_only_the_most_specific_entry(world):
    from doudi.core.navigation import NavItem, for_user, register

    register(NavItem("Regions import", "region_import", order=81))
    try:
        active = [e["url"] for e in for_user(world.users.county, "/regions/import/") if e["active"]]
        assert active == ["/regions/import/"]
    finally:
        from doudi.core import navigation

        navigation.ITEMS[:] = [i for i in navigation.ITEMS if i.url_name != "region_import"]
