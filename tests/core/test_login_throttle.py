"""Sign-in throttling: per account and per client, on the login page and the token endpoint, with
one Chinese answer whether the account exists or not; audited; lifted by the area's administrator."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings

from doudi.core.models import AuditEntry
from doudi.core.security import client_ip

PASSWORD = "doudi-test-pw"
LOCKED = "登录失败次数过多"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_account_is_locked_after_failures_even_with_the_right_password(client, world):
    for _ in range(2):
        r = _login(client, "town1", "wrong")
        assert r.status_code == 200 and LOCKED not in r.content.decode()
    r = _login(client, "town1", "wrong")
    assert r.status_code == 429 and LOCKED in r.content.decode()
    r = _login(client, "town1", PASSWORD, ip="10.0.0.2")  # the right password, from elsewhere
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(action="lockout").order_by("seq").first()
    assert entry.object_id == str(world.users.town1.pk) and entry.region_code == world.t1.code
    assert entry.extra["ip"] == "10.0.0.1"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_unknown_account_gets_the_same_answer(client, world):
    answers = [_login(client, name, "wrong") for name in ("town1", "nobody-here")]
    for _ in range(2):
        answers += [_login(client, name, "wrong", ip="10.0.0.9") for name in ("town1", "nobody-here")]
    locked = [r for r in answers if r.status_code == 429]
    assert {r.content.decode().count(LOCKED) for r in locked} == {1}

    def page(r):  # the same page but for the CSRF tokens (masked anew on every response)
        return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', "", r.content.decode())

    assert page(_login(client, "nobody-here", "x", ip="10.0.0.8")) == page(
        _login(client, "town1", "x", ip="10.0.0.7")
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_one_client_trying_many_accounts_is_locked(client, world):
    for name in ("a1", "a2", "a3"):
        _login(client, name, "wrong", ip="10.9.9.9")
    assert _login(client, "town2", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(client, "town2", PASSWORD, ip="10.9.9.10").status_code == 302  # another client


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_token_endpoint_is_throttled_too(client, world):
    assert [_token(client, "town1", "wrong").status_code for _ in range(3)] == [401, 401, 429]
    r = _token(client, "town1", PASSWORD, ip="10.0.0.3")
    assert r.status_code == 429 and LOCKED in r.json()["detail"] and "token" not in r.json()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_area_administrator_unlocks_and_it_is_audited(client, login, world, make):
    for _ in range(3):
        _login(client, "town1", "wrong")
    other_county = make.region("990122000000", "邻县", 3, world.city)
    outsider = make.user("neighbour", other_county, ["county_admin", "county_officer"])
    for _ in range(3):
        _login(client, "neighbour", "wrong", ip="10.1.1.1")
    admin = login(world.users.county)
    page = admin.get("/users/lockouts/").content.decode()
    assert 'data-username="town1"' in page and 'data-username="neighbour"' not in page
    assert admin.post("/users/lockouts/unlock/", {"username": "neighbour"}).status_code == 404
    r = admin.post("/users/lockouts/unlock/", {"username": "town1"})
    assert r.status_code == 302 and not AccessAttempt.objects.filter(username="town1").exists()
    assert AuditEntry.objects.filter(action="unlock", object_id=str(world.users.town1.pk)).exists()
    assert AccessAttempt.objects.filter(username="neighbour").exists()
    assert outsider.is_active
    assert _login(client, "town1", PASSWORD, ip="10.0.0.5").status_code == 302


@pytest.mark.parametrize(
    "count, forwarded, remote, expected",
    [
        (0, "1.2.3.4", "10.0.0.1", "10.0.0.1"),  # no proxy: the header is ignored
        (1, "6.6.6.6, 1.2.3.4", "10.0.0.1", "1.2.3.4"),  # a forged left entry is ignored
        (1, "", "10.0.0.1", "10.0.0.1"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "10.0.0.1", "1.2.3.4"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, count, forwarded, remote, expected):
    settings.DOUDI_PROXY_COUNT = count
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected
