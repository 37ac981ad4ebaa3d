"""Access matrix of dispute mediation: every route and API endpoint, anonymous callers, the
cross-township 404s (town1 asks for town2's records), village against village in one township,
and the roles without the capability."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.mediation import services as svc
from doudi.mediation.models import (
    AgreementTemplate,
    CommitteeMember,
    Dispute,
    Escalation,
    FollowUp,
    MediationCommittee,
    MediationSetting,
)

COUNTY = "990121000000"
T2 = "990121101000"  # town2
V2 = "990121101201"  # town2's 西河村
V1B = "990121100201"  # town1's 东山村
PDF = b"%PDF-1.4\n" + b"0" * 64

ROUTES = {
    "mediation_home": {"url": lambda m: "/mediation/", "methods": ["get"]},
    "mediation_disputes_xlsx": {"url": lambda m: "/mediation/disputes.xlsx", "methods": ["get"]},
    "mediation_dispute_new": {"url": lambda m: "/mediation/disputes/new/", "methods": ["get", "post"]},
    "mediation_coverage": {"url": lambda m: "/mediation/committees/", "methods": ["get"]},
    "mediation_statistics": {"url": lambda m: "/mediation/statistics/", "methods": ["get"]},
    "mediation_dispute": {
        "url": lambda m: f"/mediation/disputes/{m.open2.pk}/",
        "methods": ["get"],
        "object": True,
    },
    "mediation_dispute_escalate": {
        "url": lambda m: f"/mediation/disputes/{m.open2.pk}/escalate/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_dispute_conclude": {
        "url": lambda m: f"/mediation/disputes/{m.open2.pk}/outcome/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_dispute_agreement": {
        "url": lambda m: f"/mediation/disputes/{m.settled2.pk}/agreement.docx",
        "methods": ["get"],
        "object": True,
    },
    "mediation_dispute_scan": {
        "url": lambda m: f"/mediation/disputes/{m.settled2.pk}/scan/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_dispute_scan_file": {
        "url": lambda m: f"/mediation/disputes/{m.settled2.pk}/scan/file/",
        "methods": ["get"],
        "object": True,
        "redirects": True,  # no scan yet: back to the dispute
    },
    "mediation_dispute_followup": {
        "url": lambda m: f"/mediation/disputes/{m.settled2.pk}/followup/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_committee": {
        "url": lambda m: f"/mediation/committees/{T2}/",
        "methods": ["get", "post"],
        "object": True,
    },
    "mediation_member_add": {
        "url": lambda m: f"/mediation/committees/{m.committee2.pk}/members/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_member_remove": {
        "url": lambda m: f"/mediation/members/{m.member2.pk}/remove/",
        "methods": ["post"],
        "object": True,
    },
    "mediation_setting": {
        "url": lambda m: f"/mediation/settings/{T2}/",
        "methods": ["get", "post"],
        "object": True,
    },
    # the county's agreement template: the county's own officers only (tests/mediation/test_template.py)
    "mediation_template_upload": {
        "url": lambda m: f"/mediation/settings/{COUNTY}/template/",
        "methods": ["post"],
        "object": True,
        "county": True,
    },
    "mediation_template_revert": {
        "url": lambda m: f"/mediation/settings/{COUNTY}/template/revert/",
        "methods": ["post"],
        "object": True,
        "county": True,
    },
    "mediation_template_current": {
        "url": lambda m: f"/mediation/settings/{COUNTY}/template/current.docx",
        "methods": ["get"],
        "object": True,
        "county": True,
    },
    "mediation_template_default": {
        "url": lambda m: f"/mediation/settings/{COUNTY}/template/default.docx",
        "methods": ["get"],
        "object": True,
        "county": True,
    },
    "api:mediation_api_disputes": {
        "url": lambda m: "/api/v1/mediation/disputes",
        "methods": ["get"],
        "api": True,
    },
    "api:mediation_api_disputes_xlsx": {
        "url": lambda m: "/api/v1/mediation/disputes.xlsx",
        "methods": ["get"],
        "api": True,
    },
    "api:mediation_api_dispute": {
        "url": lambda m: f"/api/v1/mediation/disputes/{m.open2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
    },
    "api:mediation_api_dispute_create": {
        "url": lambda m: "/api/v1/mediation/disputes",
        "methods": ["post"],
        "api": True,
    },
    "api:mediation_api_dispute_escalate": {
        "url": lambda m: f"/api/v1/mediation/disputes/{m.open2.pk}/escalate",
        "methods": ["post"],
        "api": True,
        "object": True,
    },
    "api:mediation_api_dispute_outcome": {
        "url": lambda m: f"/api/v1/mediation/disputes/{m.open2.pk}/outcome",
        "methods": ["post"],
        "api": True,
        "object": True,
    },
    "api:mediation_api_committees": {
        "url": lambda m: "/api/v1/mediation/committees",
        "methods": ["get"],
        "api": True,
    },
    "api:mediation_api_statistics": {
        "url": lambda m: "/api/v1/mediation/statistics",
        "methods": ["get"],
        "api": True,
    },
}

# A valid body for every write, so a 404 is the scope's answer and not the form's.
DATA = {
    "to_tier": "county",
    "reason": "移交",
    "status": "settled",
    "terms": "协议",
    "mediator_name": "某",
    "visited_on": "2026-01-01",
    "fulfilment": "fulfilled",
    "name": "某某",
    "role": "member",
    "village_days": "5",
    "township_days": "5",
    "county_days": "5",
}


def _state():
    return (
        list(Dispute.objects.order_by("pk").values_list("tier", "status", "signed_scan", "fulfilment")),
        Escalation.objects.count(),
        FollowUp.objects.count(),
        MediationCommittee.objects.count(),
        CommitteeMember.objects.count(),
        MediationSetting.objects.count(),
        AgreementTemplate.objects.count(),
    )


@pytest.mark.routes(without=("api",))
def test_anonymous_users_are_sent_to_login(client, access, mw, route):
    access.expect_login(client, route, mw)


@pytest.mark.routes("api")
def test_anonymous_api_calls_get_401(client, access, mw, route):
    access.expect(client, route, mw, status=401)


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2_records(login, access, mw, route):
    before = _state()
    access.expect(login(mw.world.users.town1), route, mw, status=404, data=DATA)
    assert _state() == before


@pytest.mark.routes("object", without=("redirects", "county"))
def test_town2_and_the_county_reach_the_same_records(login, access, mw, route):
    for user in (mw.world.users.town2, mw.world.users.county):
        access.expect_get(login(user), route, mw)


@pytest.mark.routes(without=("object", "api"))
def test_list_pages_answer_the_roles_with_the_capability(login, access, mw, route):
    for user in (mw.world.users.town1, mw.world.users.village1, mw.world.users.county):
        access.expect_get(login(user), route, mw)


def test_a_village_sees_its_own_disputes_only(login, mw):
    w = mw.world
    other = svc.dispute_register(
        actor=w.users.town1, village=w.v1b, kind="land", description="东山村地界", parties=mw.parties()
    )
    client = login(w.users.village1)  # 青石社区, the same township as 东山村
    assert client.get(f"/mediation/disputes/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/mediation/disputes/{other.pk}").status_code == 404
    assert (
        client.post(f"/mediation/disputes/{other.pk}/escalate/", DATA | {"to_tier": "township"}).status_code
        == 404
    )
    assert client.get(f"/mediation/committees/{V1B}/").status_code == 404
    listed = {d["id"] for d in client.get("/api/v1/mediation/disputes").json()}
    assert other.pk not in listed and mw.open1.pk in listed
    page = client.get("/mediation/").content.decode()
    assert mw.open1.number in page and other.number not in page
    # and the village cannot register in the other village, by page or API
    r = client.post(
        "/mediation/disputes/new/",
        {
            "village": V1B,
            "kind": "land",
            "description": "x",
            "party-0-side": "applicant",
            "party-0-name": "甲",
            "party-1-side": "respondent",
            "party-1-name": "乙",
        },
    )
    assert r.status_code == 422
    body = {"village": V1B, "kind": "land", "description": "x", "parties": mw.parties()}
    assert client.post("/api/v1/mediation/disputes", body, content_type="application/json").status_code == 404
    assert Dispute.objects.filter(village=w.v1b).count() == 1
    # the township sees both of its villages
    town = login(w.users.town1)
    assert town.get(f"/mediation/disputes/{other.pk}/").status_code == 200


def test_lists_leave_out_other_townships(login, mw):
    client = login(mw.world.users.town1)
    page = client.get("/mediation/").content.decode()
    assert mw.open1.number in page and mw.open2.number not in page
    stats = client.get("/api/v1/mediation/statistics").json()
    assert stats["total"] == 2
    assert {r["region"] for r in client.get("/api/v1/mediation/committees").json()} == {
        "990121100000",
        "990121100001",
        "990121100201",
    }


def test_the_leader_reads_but_cannot_write(login, mw):
    client = login(mw.leader)
    assert client.get(f"/mediation/disputes/{mw.open2.pk}/").status_code == 200
    before = _state()
    assert client.post(f"/mediation/disputes/{mw.open2.pk}/outcome/", DATA).status_code == 403
    assert client.get("/mediation/disputes/new/").status_code == 403
    r = client.post(
        f"/api/v1/mediation/disputes/{mw.open2.pk}/escalate", DATA, content_type="application/json"
    )
    assert r.status_code == 403
    assert client.post(f"/mediation/committees/{T2}/", {"name": "x"}).status_code == 403
    assert _state() == before


def test_roles_without_mediation_get_403(login, make, mw):
    from doudi.core.roles import Role

    agency = make.user("agency9", mw.world.t1, [Role.TOWNSHIP_AGENCY])
    client = login(agency)
    assert client.get("/mediation/").status_code == 403
    assert client.get("/api/v1/mediation/disputes").status_code == 403


def test_forged_ids_are_404(login, mw):
    client = login(mw.world.users.county)
    for url in (
        "/mediation/disputes/999999/",
        "/mediation/committees/abc/",
        "/mediation/committees/990121100999/",
    ):
        assert client.get(url).status_code == 404
    assert client.post("/mediation/disputes/999999/outcome/", DATA).status_code == 404
    assert client.get("/api/v1/mediation/disputes/999999").status_code == 404
    assert client.post("/mediation/members/999999/remove/").status_code == 404


def test_scan_file_is_served_in_scope_only(login, mw):
    svc.scan_attach(
        actor=mw.world.users.town2, dispute=mw.settled2, uploaded_file=SimpleUploadedFile("s.pdf", PDF)
    )
    url = f"/mediation/disputes/{mw.settled2.pk}/scan/file/"
    r = login(mw.world.users.town2).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert login(mw.world.users.town1).get(url).status_code == 404


def test_forged_filters_answer_empty_lists_not_errors(login, mw):
    client = login(mw.world.users.county)
    for q in (
        "?year=99999",
        "?year=0",
        "?region=abc",
        "?region=99999999999999",
        "?kind=x&tier=y&status=z",
        "?page=abc",
    ):
        r = client.get("/mediation/" + q)
        assert r.status_code == 200, q
    assert client.get("/api/v1/mediation/disputes?year=2099").json() == []
    assert client.get("/api/v1/mediation/disputes?year=99999").status_code == 422  # no such year
    assert client.get("/mediation/statistics/?year=abc&region=xyz").status_code == 200
    assert client.get("/mediation/committees/?region=abc&problem=zzz").status_code == 200
