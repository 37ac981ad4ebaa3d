"""API token lifecycle (issue 16): expiry, revocation by the owner or the area's administrator,
a clear Chinese 401 for an expired or revoked token, and the last use written at most once a
minute."""

import datetime as dt

from django.utils import timezone

from doudi.core import services
from doudi.core.models import ApiToken, AuditEntry


def _bearer(client, key, url="/api/v1/me"):
    return client.get(url, headers={"Authorization": f"Bearer {key}"})


def _issue(user):
    key = services.token_issue(user=user)
    return key, ApiToken.objects.get(key_hash=ApiToken.hash_key(key))


def test_a_token_expires_after_the_configured_days(client, world, settings):
    _key, token = _issue(world.users.town1)
    assert abs(token.expires_at - token.created_at - dt.timedelta(days=90)) < dt.timedelta(seconds=5)
    settings.DOUDI_API_TOKEN_DAYS = 7
    _key, token = _issue(world.users.town1)
    assert abs(token.expires_at - timezone.now() - dt.timedelta(days=7)) < dt.timedelta(seconds=5)


def test_an_expired_token_is_refused_with_a_clear_message(client, world):
    key, token = _issue(world.users.town1)
    assert _bearer(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    r = _bearer(client, key)
    assert r.status_code == 401 and "已过期" in r.json()["detail"]
    assert _bearer(client, key, "/api/v1/regions").status_code == 401


def test_a_revoked_token_is_refused_with_a_clear_message(login, world):
    key, token = _issue(world.users.town1)
    client = login(world.users.town1)
    page = client.get("/account/tokens/").content.decode()
    assert f'data-token="{token.pk}" data-status="active"' in page
    r = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.users.town1 and token.revoked_at is not None
    client.logout()
    r = _bearer(client, key)
    assert r.status_code == 401 and "已被撤销" in r.json()["detail"]
    entry = AuditEntry.objects.filter(
        object_type="core.apitoken", object_id=str(token.pk), action="update"
    ).get()
    assert entry.changes == {"revoked": [False, True]} and entry.region_code == world.t1.code
    assert 'data-status="revoked"' in login(world.users.town1).get("/account/tokens/").content.decode()


def test_an_unknown_token_gets_the_plain_401(client, world):
    r = _bearer(client, "not-a-token")
    assert r.status_code == 401 and "撤销" not in r.content.decode()


def test_a_user_sees_only_their_own_tokens(login, world):
    _k1, own = _issue(world.users.town1)
    _k2, other = _issue(world.users.town2)
    page = login(world.users.town1).get("/account/tokens/").content.decode()
    assert f'data-token="{own.pk}"' in page and f'data-token="{other.pk}"' not in page


def test_the_administrator_lists_and_revokes_the_tokens_of_the_area(login, world, make):
    _k, token2 = _issue(world.users.town2)
    other = make.region("990122000000", "邻县", 3, world.city)
    outsider = make.user("outsider", other, ["county_officer"])
    _k, token_out = _issue(outsider)
    admin = login(world.users.county)
    page = admin.get("/users/tokens/").content.decode()
    assert f'data-token="{token2.pk}"' in page and f'data-token="{token_out.pk}"' not in page
    assert admin.post(f"/account/tokens/{token_out.pk}/revoke/").status_code == 404
    r = admin.post(f"/account/tokens/{token2.pk}/revoke/")
    assert r.status_code == 302 and r["Location"] == "/users/tokens/"
    token2.refresh_from_db()
    token_out.refresh_from_db()
    assert token2.revoked_by == world.users.county and token_out.revoked_at is None
    # A second revocation changes nothing and writes nothing.
    before = AuditEntry.objects.count()
    admin.post(f"/account/tokens/{token2.pk}/revoke/")
    assert AuditEntry.objects.count() == before


def test_the_last_use_is_written_at_most_once_a_minute(client, world):
    key, token = _issue(world.users.town1)
    assert token.last_used_at is None
    _bearer(client, key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=5)
    _bearer(client, key)  # within the minute: unchanged
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(seconds=30))
    _bearer(client, key)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at > dt.timedelta(seconds=29)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    _bearer(client, key)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < dt.timedelta(seconds=5)


def test_a_call_within_the_minute_writes_nothing(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key, _token = _issue(world.users.town1)
    _bearer(client, key)
    with CaptureQueriesContext(connection) as ctx:
        assert _bearer(client, key).status_code == 200
    assert not [q for q in ctx.captured_queries if "UPDATE" in q["sql"] and "core_apitoken" in q["sql"]]
    ApiToken.objects.filter(pk=_token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    with CaptureQueriesContext(connection) as ctx:
        _bearer(client, key)
    assert [q for q in ctx.captured_queries if "UPDATE" in q["sql"] and "core_apitoken" in q["sql"]]


def test_the_token_list_shows_expiry_and_last_use(login, world):
    key, token = _issue(world.users.town1)
    client = login(world.users.town1)
    _bearer(client, key)
    token.refresh_from_db()
    page = client.get("/account/tokens/").content.decode()
    local = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert local in page and timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page
