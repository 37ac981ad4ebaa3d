"""Access matrix for the account-security routes (issue 16): two-step verification and API tokens.

Own-account pages (enrolment, the code step, recovery codes, one's tokens) have no object of
another township; revoking a token and resetting two-step verification do, and answer 404 outside
the actor's area — for a clerk of another township and for an administrator of another county."""

import pytest

from doudi.core import services
from doudi.core.models import ApiToken, AuditEntry

ROUTES = {
    "second_factor_enrol": {"url": lambda w: "/account/2fa/", "methods": ["get", "post"]},
    "second_factor_verify": {"url": lambda w: "/account/2fa/verify/", "methods": ["get", "post"]},
    "recovery_codes": {"url": lambda w: "/account/recovery-codes/", "methods": ["get", "post"]},
    "token_list": {"url": lambda w: "/account/tokens/", "methods": ["get"]},
    "token_revoke": {
        "url": lambda w: f"/account/tokens/{w.token2.pk}/revoke/",
        "methods": ["post"],
        "object": True,
    },
    "token_admin_list": {"url": lambda w: "/users/tokens/", "methods": ["get"], "cap": True},
    "second_factor_reset": {
        "url": lambda w: f"/users/{w.users.town2.pk}/2fa-reset/",
        "methods": ["post"],
        "cap": True,
        "object": True,
    },
}


@pytest.fixture
def w(world):
    services.token_issue(user=world.users.town2)
    world.token2 = ApiToken.objects.get(user=world.users.town2)
    return world


@pytest.fixture
def admin2(make, w):
    other = make.region("990122000000", "邻县", 3, w.city)
    return make.user("admin2", other, ["county_admin"])


@pytest.mark.routes()
def test_anonymous_users_are_sent_to_login(client, access, w, route):
    access.expect_login(client, route, w)


@pytest.mark.routes("cap")
def test_clerks_get_403_for_administrator_routes(login, access, w, route):
    access.expect(login(w.users.town1), route, w, status=403)


def test_a_clerk_cannot_revoke_another_townships_token(login, access, w):
    before = AuditEntry.objects.count()
    access.expect(login(w.users.town1), "token_revoke", w, status=404)
    w.token2.refresh_from_db()
    assert w.token2.revoked_at is None and AuditEntry.objects.count() == before


@pytest.mark.routes("object")
def test_an_administrator_of_another_county_gets_404(login, access, w, admin2, route):
    before = AuditEntry.objects.count()
    access.expect(login(admin2), route, w, status=404)
    w.token2.refresh_from_db()
    assert w.token2.revoked_at is None and AuditEntry.objects.count() == before


def test_the_area_administrator_revokes_and_resets(login, access, w):
    county = login(w.users.county)
    access.expect(county, "token_revoke", w, status=302)
    w.token2.refresh_from_db()
    assert w.token2.revoked_by == w.users.county
    access.expect(county, "second_factor_reset", w, status=302)


@pytest.mark.routes(without=("object",))
def test_the_county_reaches_its_pages(login, access, w, route):
    """GET pages answer (the code page and recovery codes send a user who owes nothing on: 302)."""
    ok = {"second_factor_verify": 302, "recovery_codes": 302}
    access.expect_get(login(w.users.county), route, w, status=ok.get(route, 200))
