"""Two-factor sign-in (issue 16): who needs it, enrolment, the code step, recovery codes, lockout
after wrong codes, the administrator's reset, and the sweep proving that no page is reachable with
the password alone."""

import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.core import second_factor
from doudi.core.models import AuditEntry, RecoveryCode
from doudi.core.roles import ROLE_CAPS, SECOND_FACTOR_CAPS, Cap, Role, needs_second_factor

PASSWORD = "doudi-test-pw"
LOCKED = "登录失败次数过多"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.DOUDI_REQUIRE_2FA = True


def code_for(device, ahead=0):
    """The code the app shows now (or `ahead` steps later: a code is accepted once per step)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(client, username="town1", ip="10.0.0.1"):
    r = client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)
    assert r.status_code == 302, r.status_code
    return r


def enrol(client, user):
    """Enrol through the pages; returns (device, recovery codes)."""
    page = client.get("/account/2fa/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.content.decode()).group(1)
    assert secret == second_factor.secret_text(device).replace(" ", "")
    r = client.post("/account/2fa/", {"code": code_for(device), "next": "/persons/"})
    assert r.status_code == 302 and r["Location"].startswith("/account/recovery-codes/")
    shown = client.get(r["Location"]).content.decode()
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", shown)
    device.refresh_from_db()
    assert device.confirmed and len(codes) == 10
    return device, codes


@pytest.fixture
def login2fa(client):
    """A client signed in with the password and a right code."""

    def _login(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)[0]
        client.force_login(user)
        assert client.post("/account/2fa/verify/", {"code": code_for(device)}).status_code == 302
        return client

    return _login


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    codes = second_factor._new_recovery_codes(user)
    return device, codes


# ---- who ----------------------------------------------------------------------------------------


def test_the_roles_that_need_it_follow_from_their_capabilities():
    for role, caps in ROLE_CAPS.items():
        assert needs_second_factor([role]) == bool(caps & SECOND_FACTOR_CAPS), role
    assert {Cap.VIEW_FULL_ID, Cap.DECRYPT_REPORTER, Cap.MANAGE_USERS, Cap.CONFIRM_ELIGIBILITY} == set(
        SECOND_FACTOR_CAPS
    )
    for role in (Role.COUNTY_OFFICER, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN, Role.REPORT_HANDLER):
        assert needs_second_factor([role]), role
    for role in (Role.VILLAGE_STAFF, Role.LEADER, Role.INSPECTOR, Role.SUPERVISION_MEMBER):
        assert not needs_second_factor([role]), role


def test_a_role_without_those_capabilities_signs_in_with_the_password(client, world):
    password_login(client, "village1")
    assert client.get("/").status_code == 200


def test_off_the_password_is_enough_as_in_the_demo(client, world, settings):
    settings.DOUDI_REQUIRE_2FA = False
    password_login(client)
    assert client.get("/").status_code == 200


def test_a_user_without_a_second_factor_costs_no_device_query_after_the_first_page(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    password_login(client, "village1")
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp" in q["sql"]]


def test_a_session_from_before_the_enrolment_is_asked_within_minutes(client, world):
    password_login(client, "village1")
    assert client.get("/").status_code == 200
    enrolled(world.users.village1)  # in another session
    session = client.session
    pk, seen = session[second_factor.NO_DEVICE_KEY]
    session[second_factor.NO_DEVICE_KEY] = [pk, seen - second_factor.NO_DEVICE_RECHECK]
    session.save()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/verify/")


def test_the_openapi_document_names_the_code_field(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    otp = schema["components"]["schemas"]["TokenIn"]["properties"]["otp"]
    assert "recovery code" in otp["description"] and "6-digit code" in otp["description"]


def test_an_enrolled_user_is_asked_for_the_code_even_when_not_required(client, world, settings):
    settings.DOUDI_REQUIRE_2FA = False
    enrolled(world.users.village1)
    password_login(client, "village1")
    assert client.get("/").status_code == 302


# ---- the sweep ------------------------------------------------------------------------------------

SAMPLE = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001", "str": "x", "slug": "x", "path": "x"}
# Open by design: signing in and out, the code pages themselves, language, health, the API's own
# documents and token endpoint (which checks the code itself).
OPEN = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "second_factor_enrol",
    "second_factor_verify",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:issue_token",
}


def _routes(patterns, prefix="", ns=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, route, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
            yield f"{ns}{p.name}", "/" + path


def routes():
    return sorted({(n, u) for n, u in _routes(get_resolver().url_patterns) if n not in OPEN})


def test_the_sweep_sees_every_app():
    found = {u.split("/")[1] for _n, u in routes()}
    assert {"persons", "care", "reports", "integrity", "village", "api", "users", "account"} <= found
    assert len(routes()) > 150


@pytest.mark.parametrize("state", ["not_enrolled", "enrolled"])
def test_no_page_answers_a_password_only_sign_in(client, world, state):
    """Every GET route of the resolver — including those future apps add — sends a user who owes
    the second factor to enrolment or to the code page; the API answers 401."""
    if state == "enrolled":
        enrolled(world.users.town1)
    target = "/account/2fa/verify/" if state == "enrolled" else "/account/2fa/"
    password_login(client)
    anonymous = Client()
    leaks = []
    for name, url in routes():
        r = client.get(url)
        if url.startswith("/api/"):  # as for no session at all: 401 (or 405/404 where public)
            if r.status_code != anonymous.get(url).status_code or r.status_code == 200:
                leaks.append((name, url, r.status_code))
        elif r.status_code != 302 or not r["Location"].startswith(target):
            leaks.append((name, url, r.status_code, r.get("Location")))
    assert not leaks, leaks


def test_the_sweep_can_fail_a_verified_session_reaches_the_pages(client, world):
    device, _codes = enrolled(world.users.town1)
    password_login(client)
    assert client.post("/account/2fa/verify/", {"code": code_for(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/persons/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


# ---- enrolment and sign-in -------------------------------------------------------------------------


def test_enrolment_then_sign_in_with_a_code(client, world):
    user = world.users.town1
    password_login(client)
    r = client.get("/persons/")
    assert r.status_code == 302 and r["Location"] == "/account/2fa/?next=%2Fpersons%2F"
    device, codes = enrol(client, user)
    assert client.get("/persons/").status_code == 200  # this session is verified by the enrolment
    assert client.get("/account/recovery-codes/").status_code == 302  # shown once only
    entry = AuditEntry.objects.filter(object_id=str(user.pk), extra__second_factor_enrolled=True)
    assert entry.exists()
    hashes = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & hashes
    assert not any(c in h for c in codes for h in hashes)

    client.post("/logout/")
    password_login(client)
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/verify/")
    assert client.post("/account/2fa/verify/", {"code": "000000"}).status_code in (400, 302)
    r = client.post("/account/2fa/verify/", {"code": code_for(device, ahead=1), "next": "/persons/"})
    assert r.status_code == 302 and r["Location"] == "/persons/"
    login = AuditEntry.objects.filter(action="login", extra__second_factor="totp").get()
    assert login.actor == user


def test_a_code_is_accepted_once(client, world):
    device, _codes = enrolled(world.users.town1)
    code = code_for(device)
    password_login(client)
    assert client.post("/account/2fa/verify/", {"code": code}).status_code == 302
    client.post("/logout/")
    password_login(client)
    r = client.post("/account/2fa/verify/", {"code": code})
    assert r.status_code == 400 and 'id="code-error"' in r.content.decode()


def test_a_wrong_first_code_does_not_enrol(client, world):
    password_login(client)
    client.get("/account/2fa/")
    r = client.post("/account/2fa/", {"code": "12345"})
    assert r.status_code == 400
    assert not TOTPDevice.objects.filter(user=world.users.town1, confirmed=True).exists()
    assert not RecoveryCode.objects.filter(user=world.users.town1).exists()


def test_recovery_codes_are_single_use(client, world):
    user = world.users.town1
    _device, codes = enrolled(user)
    password_login(client)
    r = client.post("/account/2fa/verify/", {"code": codes[0].lower().replace("-", " ")})
    assert r.status_code == 302 and client.get("/").status_code == 200
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9
    assert AuditEntry.objects.filter(action="login", extra__second_factor="recovery_code").exists()
    client.post("/logout/")
    password_login(client)
    assert client.post("/account/2fa/verify/", {"code": codes[0]}).status_code == 400
    assert client.get("/").status_code == 302
    assert client.post("/account/2fa/verify/", {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old(client, world):
    user = world.users.town1
    device, old = enrolled(user)
    password_login(client)
    client.post("/account/2fa/verify/", {"code": code_for(device)})
    r = client.post("/account/recovery-codes/")
    new = re.findall(r"<code>([A-Z0-9-]{19})</code>", client.get(r["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout/")
    password_login(client)
    assert client.post("/account/2fa/verify/", {"code": old[2]}).status_code == 400
    assert client.post("/account/2fa/verify/", {"code": new[2]}).status_code == 302


# ---- throttling ---------------------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_account_like_wrong_passwords(client, world):
    user = world.users.town1
    device, codes = enrolled(user)
    password_login(client)
    for _ in range(2):
        assert client.post("/account/2fa/verify/", {"code": "000001"}).status_code == 400
    r = client.post("/account/2fa/verify/", {"code": "AAAA-AAAA-AAAA-AAAA"})
    assert r.status_code == 429 and LOCKED in r.content.decode()
    assert "_auth_user_id" not in client.session  # the half sign-in is over
    r = client.post("/login/", {"username": "town1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert r.status_code == 429  # even the right password, from elsewhere
    entry = AuditEntry.objects.filter(action="lockout").order_by("seq").first()
    assert entry.object_id == str(user.pk) and entry.extra["ip"] == "127.0.0.1"
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_password_alone_does_not_reset_the_count_of_wrong_codes(client, world):
    enrolled(world.users.town1)
    password_login(client)
    for _ in range(2):
        client.post("/account/2fa/verify/", {"code": "000001"})
    client.post("/logout/")
    password_login(client)  # the right password again
    r = client.post("/account/2fa/verify/", {"code": "000001"})
    assert r.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_right_code_resets_the_count(client, world):
    device, _codes = enrolled(world.users.town1)
    password_login(client)
    for _ in range(2):
        client.post("/account/2fa/verify/", {"code": "000001"})
    assert client.post("/account/2fa/verify/", {"code": code_for(device)}).status_code == 302
    client.post("/logout/")
    password_login(client)
    for _ in range(2):
        assert client.post("/account/2fa/verify/", {"code": "000001"}).status_code == 400


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_first_codes_at_enrolment_are_throttled_too(client, world):
    password_login(client)
    client.get("/account/2fa/")
    assert [client.post("/account/2fa/", {"code": "000001"}).status_code for _ in range(3)] == [400, 400, 429]


# ---- the administrator's reset ------------------------------------------------------------------------


def test_the_administrator_resets_and_it_is_audited(client, login2fa, world):
    user = world.users.town1
    from doudi.core import services

    enrolled(user)
    services.token_issue(user=user)
    admin = login2fa(world.users.county)
    page = admin.get(f"/users/{user.pk}/").content.decode()
    assert 'id="second-factor-reset"' in page
    r = admin.post(f"/users/{user.pk}/2fa-reset/")
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert not user.api_tokens.filter(revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.filter(extra__second_factor_reset=True).get()
    assert (entry.actor, entry.object_id, entry.region_code) == (
        world.users.county,
        str(user.pk),
        world.t1.code,
    )
    assert entry.extra["devices_removed"] == 1 and entry.extra["tokens_revoked"] == 1
    admin.post("/logout/")
    password_login(client)
    assert client.get("/")["Location"].startswith("/account/2fa/")  # enrols again


def test_only_an_administrator_of_the_area_resets(login2fa, world, make):
    user = world.users.town2
    enrolled(user)
    other = make.region("990122000000", "邻县", 3, world.city)
    admin2 = make.user("admin2", other, ["county_admin"])
    assert login2fa(admin2).post(f"/users/{user.pk}/2fa-reset/").status_code == 404
    assert login2fa(world.users.town1).post(f"/users/{user.pk}/2fa-reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not AuditEntry.objects.filter(extra__second_factor_reset=True).exists()


# ---- the API ---------------------------------------------------------------------------------------------


def _token(client, otp=None, username="town1", ip="10.0.0.1"):
    data = {"username": username, "password": PASSWORD}
    if otp is not None:
        data["otp"] = otp
    return client.post("/api/v1/auth/token", data, content_type="application/json", REMOTE_ADDR=ip)


def test_a_token_needs_the_code_for_a_two_factor_account(client, world):
    r = _token(client)
    assert r.status_code == 401 and "两步验证" in r.json()["detail"]  # not enrolled yet
    device, _codes = enrolled(world.users.town1)
    r = _token(client)
    assert r.status_code == 401 and "otp" in r.json()["detail"]
    assert _token(client, otp="000001").status_code == 401
    r = _token(client, otp=code_for(device))
    assert r.status_code == 200 and r.json()["token"]
    assert _token(client, username="village1").status_code == 200  # no second factor needed


def test_a_recovery_code_gets_a_token_once(client, world):
    user = world.users.town1
    _device, codes = enrolled(user)
    r = _token(client, otp=codes[3].lower().replace("-", " "))  # typed as on the page
    assert r.status_code == 200 and r.json()["token"]
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9
    used = AuditEntry.objects.get(action="update", extra__recovery_code_used=True)
    assert used.extra["recovery_codes_left"] == 9
    login = AuditEntry.objects.get(action="login", extra__second_factor="recovery_code")
    assert login.extra["api"] is True and login.object_id == str(user.pk)
    again = _token(client, otp=codes[3])
    assert again.status_code == 401
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9
    assert AuditEntry.objects.filter(extra__recovery_code_used=True).count() == 1
    assert _token(client, otp=codes[4]).status_code == 200  # another code still works


def test_a_wrong_recovery_code_gets_the_answer_of_a_wrong_code(client, world):
    user = world.users.town1
    device, codes = enrolled(user)
    wrong_totp = _token(client, otp="000001")
    wrong_recovery = _token(client, otp="ABCD-EFGH-JKLM-NPQR")
    used_elsewhere = second_factor._new_recovery_codes(world.users.town2)[0]  # another account's
    other = _token(client, otp=used_elsewhere)
    assert wrong_totp.status_code == wrong_recovery.status_code == other.status_code == 401
    assert wrong_totp.json() == wrong_recovery.json() == other.json()
    assert "恢复码" in wrong_totp.json()["detail"]
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10
    assert not AuditEntry.objects.filter(action="login").exists()
    assert _token(client, otp=code_for(device)).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_recovery_codes_on_the_token_endpoint_are_throttled(client, world):
    _device, codes = enrolled(world.users.town1)
    assert [_token(client, otp="ABCD-EFGH-JKLM-NPQR").status_code for _ in range(3)] == [401, 401, 429]
    assert _token(client, otp=codes[0], ip="10.0.0.9").status_code == 429
    assert RecoveryCode.objects.filter(user=world.users.town1, used_at__isnull=True).count() == 10


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_on_the_token_endpoint_are_throttled(client, world):
    device, _codes = enrolled(world.users.town1)
    assert [_token(client, otp="000001").status_code for _ in range(3)] == [401, 401, 429]
    assert _token(client, otp=code_for(device), ip="10.0.0.9").status_code == 429


def test_the_session_api_needs_the_second_factor(client, world):
    password_login(client)
    assert client.get("/api/v1/me").status_code == 401


# ---- production mode turns it on -------------------------------------------------------------------------


@pytest.mark.parametrize("https, expected", [(True, "True"), (False, "False")])
def test_production_mode_requires_it_by_default(tmp_path, https, expected):
    from .test_production_mode import _doudi

    r = _doudi(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DOUDI_REQUIRE_2FA)",
        https=https,
    )
    assert r.stdout.strip().splitlines()[-1] == expected, r.stderr
