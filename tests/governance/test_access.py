"""Access matrix for points schemes: every route, anonymous, another township (404 for 柳河镇's ids
from a 青石镇 clerk and a village of 青石镇), roles without the capability; forged ids in bodies."""

import pytest
from django.utils import timezone

from doudi.core.models import AuditEntry
from doudi.core.roles import Role
from doudi.governance import services
from doudi.governance.models import Entry, Goods, HonourList, PeriodClose, Redemption, Scheme, Subject


def item(scheme, code):
    return scheme.items.get(code=code)


@pytest.fixture
def t2(gw):
    """柳河镇's objects: a closed quarter, an entry with an appeal, goods, a drafted list."""
    from .test_services import (
        last_month,
        last_quarter,
    )  # not at the top: test_route_coverage loads this alone

    u, w = gw.u, gw.world
    label, start, _end = last_quarter()
    o = gw
    o.entry2 = services.entry_award(
        actor=u.town2,
        subject=gw.branch_v2,
        item=item(gw.org2, "key-task"),
        source="township",
        occurred_on=start,
    )
    o.close2 = services.period_close(actor=u.town2, scheme=gw.org2, period=label)
    m_label, m_start, _e = last_month()
    o.entry2m = services.entry_award(
        actor=u.town2,
        subject=gw.zhao2,
        item=item(gw.market2, "filial"),
        source="township",
        occurred_on=m_start,
    )
    o.appeal2 = services.appeal_file(actor=u.town2, entry=o.entry2m, reason="不服")
    o.goods2 = services.goods_save(
        actor=u.town2, scheme=gw.market2, village=w.v2, name="油", price=5, stock=3
    )
    o.list2 = services.honour_list_draft(actor=u.town2, scheme=gw.market2, village=w.v2, month=m_label)
    abc2 = services.scheme_instantiate(actor=u.town2, region=w.t2, example="sanitation-abc")
    o.abc2 = abc2
    services.subject_add(actor=u.town2, scheme=abc2, village=w.v2, name="西河保洁员")
    o.abc_close2 = services.period_close(actor=u.town2, scheme=abc2, period=m_label)
    return o


ROUTES = {
    "governance_schemes": {"url": lambda o: "/governance/", "methods": ["get"]},
    "governance_scheme_new": {"url": lambda o: "/governance/new/", "methods": ["post"], "manage": True},
    "governance_scheme": {"url": lambda o: f"/governance/{o.org2.pk}/", "methods": ["get"], "object": True},
    "governance_scheme_lines": {
        "url": lambda o: f"/governance/{o.org2.pk}/lines/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "governance_scheme_close": {
        "url": lambda o: f"/governance/{o.org2.pk}/close/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "governance_subject_add": {
        "url": lambda o: f"/governance/{o.org2.pk}/subjects/",
        "methods": ["post"],
        "object": True,
    },
    "governance_goods_save": {
        "url": lambda o: f"/governance/{o.market2.pk}/goods/",
        "methods": ["post"],
        "object": True,
    },
    "governance_ledger_xlsx": {
        "url": lambda o: f"/governance/{o.market2.pk}/redemptions.xlsx",
        "methods": ["get"],
        "object": True,
    },
    "governance_abc_weeks": {
        "url": lambda o: f"/governance/{o.abc2.pk}/weeks/",
        "methods": ["get"],
        "object": True,
    },
    "governance_abc_weeks_xlsx": {
        "url": lambda o: f"/governance/{o.abc2.pk}/weeks.xlsx",
        "methods": ["get"],
        "object": True,
    },
    "governance_close": {
        "url": lambda o: f"/governance/periods/{o.close2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "governance_payroll_xlsx": {
        "url": lambda o: f"/governance/periods/{o.abc_close2.pk}/payroll.xlsx",
        "methods": ["get"],
        "object": True,
    },
    "governance_award": {"url": lambda o: "/governance/award/", "methods": ["get"]},
    "governance_subject": {
        "url": lambda o: f"/governance/subjects/{o.branch_v2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "governance_entry_correct": {
        "url": lambda o: f"/governance/entries/{o.entry2m.pk}/correct/",
        "methods": ["post"],
        "object": True,
    },
    "governance_entry_appeal": {
        "url": lambda o: f"/governance/entries/{o.entry2m.pk}/appeal/",
        "methods": ["post"],
        "object": True,
    },
    "governance_appeals": {"url": lambda o: "/governance/appeals/", "methods": ["get"]},
    "governance_appeal_decide": {
        "url": lambda o: f"/governance/appeals/{o.appeal2.pk}/decide/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "governance_market": {"url": lambda o: "/governance/market/", "methods": ["get"]},
    "governance_redeem": {"url": lambda o: "/governance/market/redeem/", "methods": ["post"]},
    "governance_lists": {"url": lambda o: "/governance/lists/", "methods": ["get"]},
    "governance_list_draft": {"url": lambda o: "/governance/lists/draft/", "methods": ["post"]},
    "governance_list": {
        "url": lambda o: f"/governance/lists/{o.list2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "governance_list_publish": {
        "url": lambda o: f"/governance/lists/{o.list2.pk}/publish/",
        "methods": ["post"],
        "object": True,
        "manage": True,
    },
    "api:governance_api_schemes": {
        "url": lambda o: "/api/v1/governance/schemes",
        "methods": ["get"],
        "api": True,
    },
    "api:governance_api_scheme": {
        "url": lambda o: f"/api/v1/governance/schemes/{o.org2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:governance_api_results": {
        "url": lambda o: f"/api/v1/governance/schemes/{o.org2.pk}/results/{o.close2.period}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:governance_api_abc_weeks": {
        "url": lambda o: f"/api/v1/governance/schemes/{o.abc2.pk}/abc-weeks",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:governance_api_entries": {
        "url": lambda o: f"/api/v1/governance/subjects/{o.branch_v2.pk}/entries",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:governance_api_award": {
        "url": lambda o: "/api/v1/governance/entries",
        "methods": ["post"],
        "api": True,
    },
}

DATA = {
    "red": "1",
    "yellow": "2",
    "blue": "3",
    "period": "2020-Q1",
    "village": "990121101201",
    "name": "伪造",
    "price": "1",
    "stock": "1",
    "points": "0",
    "note": "x",
    "reason": "x",
    "decision": "x",
    "upheld": "1",
    "month": "2020-01",
}


def _state():
    return (
        Entry.objects.count(),
        Subject.objects.count(),
        Goods.objects.count(),
        Redemption.objects.count(),
        PeriodClose.objects.count(),
        HonourList.objects.filter(status="published").count(),
        Scheme.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, t2, access, route):
    access.expect_login(client, route, t2)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, t2, access, route):
    access.expect(client, route, t2, status=401)


@pytest.mark.routes("object")
@pytest.mark.parametrize("who", ["town1", "village1"])
def test_other_township_gets_404_and_nothing_changes(login, t2, access, route, who):
    before = _state()
    client = login(getattr(t2.u, who))
    expected = {404}
    if who == "village1" and access.routes[route].get("manage"):
        expected = {403, 404}  # a village has no right to manage at all
    for method, response in access.answers(client, route, t2, data=DATA).items():
        assert response.status_code in expected, (route, method, response.status_code)
    assert _state() == before


@pytest.mark.routes(without=("object",))
def test_own_area_pages_answer(login, t2, access, route):
    access.expect_get(login(t2.u.town2), route, t2)


@pytest.mark.routes("object", without=("api",))
def test_own_township_sees_its_objects(login, t2, access, route):
    access.expect_get(login(t2.u.town2), route, t2)


def test_forged_ids_in_bodies_are_404_and_write_nothing(login, t2):
    before = _state()
    client = login(t2.u.village1)
    assert (
        client.post("/governance/market/redeem/", {"subject": t2.zhao2.pk, "goods": t2.goods2.pk}).status_code
        == 404
    )
    assert (
        client.post("/governance/market/redeem/", {"subject": t2.wang.pk, "goods": t2.goods2.pk}).status_code
        == 404
    )
    assert client.post("/governance/market/redeem/", {"subject": "x", "goods": "1"}).status_code == 404
    assert (
        client.post(
            "/governance/lists/draft/",
            {"scheme": t2.market2.pk, "village": t2.world.v2.code, "month": "2020-01"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/governance/lists/draft/",
            {"scheme": t2.market1.pk, "village": t2.world.v2.code, "month": "2020-01"},
        ).status_code
        == 404
    )
    r = client.post(
        "/governance/award/",
        {
            "scheme": t2.market1.pk,
            "subject": t2.zhao2.pk,
            "item": item(t2.market1, "filial").pk,
            "source": "village",
        },
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/governance/entries",
        {
            "subject": t2.zhao2.pk,
            "item": item(t2.market2, "filial").pk,
            "source": "village",
            "occurred_on": "2020-01-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 404
    assert _state() == before


def test_an_item_of_another_scheme_is_refused_with_a_message(login, t2):
    before = _state()
    client = login(t2.u.village1)
    r = client.post(
        "/governance/award/",
        {
            "scheme": t2.market1.pk,
            "subject": t2.wang.pk,
            "item": item(t2.market2, "filial").pk,
            "source": "village",
            "occurred_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "该积分项不属于这个方案" in r.content.decode()
    assert _state() == before


def test_roles_without_the_capability_are_refused(login, t2, make):
    other = make.user("member1", t2.world.v1, [Role.SUPERVISION_MEMBER])
    client = login(other)
    for url in ("/governance/", "/governance/award/", "/governance/market/", "/governance/lists/"):
        assert client.get(url).status_code == 403, url
    leader = make.user("leader1", t2.world.county, [Role.LEADER])
    client = login(leader)
    assert client.get("/governance/").status_code == 200
    assert client.get("/governance/award/").status_code == 403
    before = _state()
    assert client.post(f"/governance/{t2.org2.pk}/close/", {"period": "2020-Q1"}).status_code == 403
    assert _state() == before


def test_lists_and_api_leave_out_other_townships(login, t2):
    client = login(t2.u.town1)
    page = client.get("/governance/").content.decode()
    assert "青石镇" in page and "柳河镇" not in page
    assert {s["region"] for s in client.get("/api/v1/governance/schemes").json()} == {t2.world.t1.code}
    county = login(t2.u.county)
    results = county.get(f"/api/v1/governance/schemes/{t2.org2.pk}/results/{t2.close2.period}").json()
    assert [r["name"] for r in results] == ["西河村党支部"] and results[0]["colour"] == "red"
    village = login(t2.u.village1).get(f"/governance/{t2.org1.pk}/").content.decode()
    assert "青石社区党支部" in village and "东山村党支部" not in village


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/governance/schemes",
        "/api/v1/governance/schemes/{scheme_id}/results/{period}",
        "/api/v1/governance/subjects/{subject_id}/entries",
        "/api/v1/governance/schemes/{scheme_id}/abc-weeks",
        "/api/v1/governance/entries",
    ):
        assert p in paths, p


def test_award_through_the_api(login, t2):
    from django.utils import timezone

    client = login(t2.u.village1)
    body = {
        "subject": t2.wang.pk,
        "item": item(t2.market1, "filial").pk,
        "source": "village",
        "occurred_on": timezone.localdate().isoformat(),
    }
    r = client.post("/api/v1/governance/entries", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["points"] == "10.00"
    r = client.post(
        "/api/v1/governance/entries", {**body, "source": "county"}, content_type="application/json"
    )
    assert r.status_code == 422 and "评分来源" in r.json()["detail"]
