"""Access matrix of village supervision: every route, anonymous users, cross-township and
cross-village 404s, and the separation of duties (the agency cannot stamp, a member cannot book,
a bookkeeper cannot review)."""

import datetime as dt

import pytest

from doudi.village.models import (
    Appeal,
    Candidate,
    Committee,
    Evaluation,
    EvaluationSubject,
    Inquiry,
    Meeting,
    Motion,
    Official,
    OpennessItem,
    VillageSetting,
    Voucher,
)

V2 = "990121101201"  # town2's 西河村
V1 = "990121100001"  # town1's 青石社区
T2 = "990121101000"  # town2 (柳河镇)

# "who": the town1 account with the route's capability, which must get 404 for town2's record.
ROUTES = {
    "village_home": {"url": lambda w: "/village/", "methods": ["get"]},
    "village_overview_list": {"url": lambda w: "/village/list/vouchers/", "methods": ["get"]},
    "village_public": {"url": lambda w: f"/village/public/{V2}/", "methods": ["get"], "public": True},
    "village_detail": {
        "url": lambda w: f"/village/{V2}/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_official_add": {
        "url": lambda w: f"/village/{V2}/officials/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_relative_add": {
        "url": lambda w: f"/village/officials/{w.official2.pk}/relatives/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_committee_create": {
        "url": lambda w: f"/village/{V2}/committees/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_committee": {
        "url": lambda w: f"/village/committees/{w.committee2.pk}/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_candidate_add": {
        "url": lambda w: f"/village/committees/{w.committee2.pk}/candidates/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_candidate_review": {
        "url": lambda w: f"/village/candidates/{w.candidate2.pk}/review/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_election": {
        "url": lambda w: f"/village/committees/{w.committee2.pk}/election/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_filing": {
        "url": lambda w: f"/village/committees/{w.committee2.pk}/filing/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_committee_action": {
        "url": lambda w: f"/village/committees/{w.committee2.pk}/approve/",
        "methods": ["post"],
        "object": True,
        "who": "party1",
    },
    "village_vouchers": {
        "url": lambda w: f"/village/{V2}/vouchers/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_voucher_import": {
        "url": lambda w: f"/village/{V2}/vouchers/import/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_voucher_template": {
        "url": lambda w: f"/village/{V2}/vouchers/template/",
        "methods": ["get"],
        "object": True,
        "who": "keeper1",
    },
    "village_voucher_review": {
        "url": lambda w: f"/village/vouchers/{w.pending2.pk}/review/",
        "methods": ["post"],
        "object": True,
        "who": "member1",
    },
    "village_voucher_decision": {
        "url": lambda w: f"/village/vouchers/{w.pending2.pk}/decision/",
        "methods": ["post"],
        "object": True,
        "who": "member1",
    },
    "village_voucher_book": {
        "url": lambda w: f"/village/vouchers/{w.stamped2.pk}/book/",
        "methods": ["post"],
        "object": True,
        "who": "agency1",
    },
    "village_inquiry_answer": {
        "url": lambda w: f"/village/inquiries/{w.inquiry2.pk}/answer/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_openness_submit": {
        "url": lambda w: f"/village/{V2}/openness/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_openness_review": {
        "url": lambda w: f"/village/openness/{w.item2.pk}/review/",
        "methods": ["post"],
        "object": True,
        "who": "member1",
    },
    "village_poster": {
        "url": lambda w: f"/village/{V2}/poster/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_settings": {"url": lambda w: "/village/settings/", "methods": ["get"]},
    "village_setting_edit": {
        "url": lambda w: f"/village/settings/{T2}/",
        "methods": ["get", "post"],
        "object": True,
        "who": "party1",
    },
    "village_meetings": {
        "url": lambda w: f"/village/{V2}/meetings/",
        "methods": ["get", "post"],
        "object": True,
        "who": "member1",
    },
    "village_meeting": {
        "url": lambda w: f"/village/meetings/{w.meeting2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "who": "member1",
    },
    "village_inquiries": {
        "url": lambda w: f"/village/{V2}/inquiries/",
        "methods": ["get", "post"],
        "object": True,
        "who": "member1",
    },
    "village_inquiry": {
        "url": lambda w: f"/village/inquiries/{w.inquiry2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_work_report": {
        "url": lambda w: f"/village/committees/{w.in_office2.pk}/report/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_work_ledger": {
        "url": lambda w: f"/village/committees/{w.in_office2.pk}/ledger/",
        "methods": ["get"],
        "object": True,
        "who": "party1",
    },
    "village_evaluations": {
        "url": lambda w: f"/village/{V2}/evaluations/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_evaluation": {
        "url": lambda w: f"/village/evaluations/{w.evaluation2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "who": "keeper1",
    },
    "village_evaluation_publish": {
        "url": lambda w: f"/village/evaluations/{w.evaluation2.pk}/publish/",
        "methods": ["post"],
        "object": True,
        "who": "keeper1",
    },
    "village_appeals": {"url": lambda w: "/village/appeals/", "methods": ["get"]},
    "village_appeal_new": {
        "url": lambda w: f"/village/{V2}/appeals/new/",
        "methods": ["get", "post"],
        "object": True,
        "who": "member1",
    },
    "village_appeal": {
        "url": lambda w: f"/village/appeals/{w.appeal2.pk}/",
        "methods": ["get", "post"],
        "object": True,
        "who": "party1",
    },
    "api:village_api_meetings": {
        "url": lambda w: "/api/v1/village/meetings",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_meeting": {
        "url": lambda w: f"/api/v1/village/meetings/{w.meeting2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
        "who": "party1",
    },
    "api:village_api_inquiries": {
        "url": lambda w: "/api/v1/village/inquiries",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_inquiry_create": {
        "url": lambda w: "/api/v1/village/inquiries",
        "methods": ["post"],
        "api": True,
    },
    "api:village_api_inquiry_answer": {
        "url": lambda w: f"/api/v1/village/inquiries/{w.inquiry2.pk}/answer",
        "methods": ["post"],
        "api": True,
        "object": True,
        "who": "keeper1",
    },
    "api:village_api_evaluations": {
        "url": lambda w: "/api/v1/village/evaluations",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_committees": {
        "url": lambda w: "/api/v1/village/committees",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_members": {
        "url": lambda w: f"/api/v1/village/committees/{w.committee2.pk}/members",
        "methods": ["get"],
        "api": True,
        "object": True,
        "who": "party1",
    },
    "api:village_api_vouchers": {
        "url": lambda w: "/api/v1/village/vouchers",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_voucher_create": {
        "url": lambda w: "/api/v1/village/vouchers",
        "methods": ["post"],
        "api": True,
    },
    "api:village_api_voucher": {
        "url": lambda w: f"/api/v1/village/vouchers/{w.pending2.pk}",
        "methods": ["get"],
        "api": True,
        "object": True,
        "who": "party1",
    },
    "api:village_api_voucher_review": {
        "url": lambda w: f"/api/v1/village/vouchers/{w.pending2.pk}/review",
        "methods": ["post"],
        "api": True,
        "object": True,
        "who": "member1",
    },
    "api:village_api_voucher_book": {
        "url": lambda w: f"/api/v1/village/vouchers/{w.stamped2.pk}/book",
        "methods": ["post"],
        "api": True,
        "object": True,
        "who": "agency1",
    },
    "api:village_api_openness": {
        "url": lambda w: "/api/v1/village/openness",
        "methods": ["get"],
        "api": True,
    },
    "api:village_api_public": {
        "url": lambda w: f"/api/v1/village/public/{V2}",
        "methods": ["get"],
        "api": True,
        "public": True,
    },
}

DATA = {
    "decision": "approve",
    "reason": "x",
    "answer": "已答复",
    "name": "某某",
    "office": "party_branch",
    "relation": "spouse",
    "term": "2030",
    "term_end": "2035-01-01",
    "seats": "3",
    "id_number": "",
    "nomination": "self",
    "category": "finance",
    "title": "x",
    "body": "x",
    "spent_on": "2026-01-01",
    "payee": "x",
    "amount": "1.00",
    "purpose": "x",
    "approved": "1",
    "publish": "1",
    "present": "20",
    "representatives_total": "30",
    "held_on": "2026-01-01",
    "action": "save",
    "kind": "inquiry",
    "subject": "x",
    "question": "x",
    "yes": "1",
    "no": "0",
    "abstain": "0",
    "cycle": "quarterly",
    "inquiry_days": "5",
    "appeal_days": "5",
    "year": "2025",
    "participants": "20",
    "occurred_on": "2026-01-01",
    "description": "x",
    "response": "x",
}


def _state():
    return (
        list(Voucher.objects.order_by("pk").values_list("status", "booked_at")),
        Official.objects.count(),
        Committee.objects.count(),
        list(Candidate.objects.values_list("status", flat=True)),
        list(OpennessItem.objects.values_list("status", flat=True)),
        list(Inquiry.objects.values_list("answer", flat=True)),
        Inquiry.objects.count(),
        Meeting.objects.count(),
        Motion.objects.count(),
        list(VillageSetting.objects.values_list("region_id", "cycle", "inquiry_days")),
        list(Evaluation.objects.values_list("recorded_at", "published_at")),
        list(EvaluationSubject.objects.values_list("satisfied", flat=True)),
        list(Appeal.objects.values_list("status", "response", "escalated_on")),
    )


@pytest.mark.routes(without=("api", "public"))
def test_anonymous_users_are_sent_to_login(client, vw, access, route):
    access.expect_login(client, route, vw)


@pytest.mark.routes("api", without=("public",))
def test_anonymous_api_calls_get_401(client, vw, access, route):
    access.expect(client, route, vw, status=401, data=DATA)


def test_anonymous_users_see_only_the_public_page(client, vw):
    assert client.get(f"/village/public/{V2}/").status_code == 200
    assert client.get(f"/api/v1/village/public/{V2}").status_code == 200
    assert client.get(f"/village/{V2}/").status_code == 302


@pytest.mark.routes("object")
def test_town1_gets_404_for_town2_records(login, vw, access, route):
    before = _state()
    access.expect(login(getattr(vw.u, ROUTES[route]["who"])), route, vw, status=404, data=DATA)
    assert _state() == before


def test_a_member_of_village_a_cannot_see_village_b(login, vw):
    client = login(vw.u.member1b)  # 东山村, the same township as 青石社区
    assert client.get(f"/village/{V1}/").status_code == 404
    assert client.get(f"/village/{V1}/vouchers/").status_code == 404
    assert (
        client.post(f"/village/vouchers/{vw.pending1.pk}/review/", {"decision": "approve"}).status_code == 404
    )
    assert client.get(f"/api/v1/village/vouchers/{vw.pending1.pk}").status_code == 404
    assert vw.pending1.pk not in {v["id"] for v in client.get("/api/v1/village/vouchers").json()}
    assert Voucher.objects.get(pk=vw.pending1.pk).status == "pending"


def test_forged_ids_are_404(login, vw):
    client = login(vw.u.agency1)
    for url in ("/village/vouchers/999999/book/", "/village/vouchers/abc/book/"):
        assert client.post(url).status_code == 404
    assert client.post("/api/v1/village/vouchers/999999/book").status_code == 404


def test_the_agency_cannot_stamp(login, vw):
    client = login(vw.u.agency1)
    assert (
        client.post(f"/village/vouchers/{vw.pending1.pk}/review/", {"decision": "approve"}).status_code == 403
    )
    r = client.post(
        f"/api/v1/village/vouchers/{vw.pending1.pk}/review",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert Voucher.objects.get(pk=vw.pending1.pk).status == "pending"


def test_a_member_cannot_book(login, vw):
    client = login(vw.u.member1)
    assert client.post(f"/village/vouchers/{vw.stamped1.pk}/book/").status_code == 403
    assert client.post(f"/api/v1/village/vouchers/{vw.stamped1.pk}/book").status_code == 403
    assert Voucher.objects.get(pk=vw.stamped1.pk).booked_at is None


def test_a_bookkeeper_cannot_review_and_a_member_cannot_enter(login, vw):
    keeper = login(vw.u.keeper1)
    assert (
        keeper.post(f"/village/vouchers/{vw.pending1.pk}/review/", {"decision": "approve"}).status_code == 403
    )
    member = login(vw.u.member1)
    assert member.post(f"/village/{V1}/vouchers/", DATA).status_code == 403
    assert (
        member.post(
            "/api/v1/village/vouchers", {"village": V1, **DATA}, content_type="application/json"
        ).status_code
        == 403
    )


def test_township_and_county_see_their_villages(login, vw):
    assert login(vw.u.party2).get(f"/village/{V2}/").status_code == 200
    assert login(vw.u.discipline).get(f"/village/{V2}/").status_code == 200
    assert login(vw.world.users.county).get(f"/village/{V1}/").status_code == 200
    assert login(vw.u.party1).get(f"/village/{V2}/").status_code == 404


# ---- appeals: only the township party committee, the county 纪委 and the member who filed ----------


def test_an_appeal_is_seen_only_by_its_handlers_and_its_member(login, vw, make):
    from doudi.core.roles import Role
    from doudi.oversight.models import RectificationTask
    from doudi.village import services as svc

    # escalated: the county 纪委's task must not tell anyone else about the appeal
    Appeal.objects.filter(pk=vw.appeal1.pk).update(due_on=vw.today - dt.timedelta(days=1))
    svc.appeals_overdue(actor=vw.world.users.county, region_prefix=V1[:6], today=vw.today)
    task = RectificationTask.objects.get(source_kind="village_appeal", source_id=str(vw.appeal1.pk))
    task_url = f"/oversight/rectification/{task.pk}/"
    url = f"/village/appeals/{vw.appeal1.pk}/"
    seen = {"member1": vw.u.member1, "party1": vw.u.party1, "discipline": vw.u.discipline}
    other_member = make.user("member1c", vw.world.v1, [Role.SUPERVISION_MEMBER])  # same village
    hidden = {
        "keeper1 (village official)": vw.u.keeper1,
        "agency1": vw.u.agency1,
        "member1c (another member of the same village)": other_member,
        "member1b (a member of another village)": vw.u.member1b,
        "party2 (another township)": vw.u.party2,
        "county officer": vw.world.users.county,
        "town1 (township clerk)": vw.world.users.town1,
    }
    for who, user in seen.items():
        client = login(user)
        assert client.get(url).status_code == 200, who
        assert "村主任拒绝提供工程合同" in client.get(url).content.decode()
        assert vw.appeal1.pk in _listed(client), who
    for who, user in hidden.items():
        client = login(user)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"response": "已处理"}).status_code == 404, who
        r = client.get("/village/appeals/")
        assert r.status_code == 403 or vw.appeal1.pk not in _listed(client), who
        # the task: outside the county's accounts a 404 (or no access to tasks at all); a county
        # officer sees that it exists, but neither the appeal's village, kind, content nor its link
        r = client.get(task_url)
        assert r.status_code in (403, 404) or who == "county officer", who
        if r.status_code == 200:
            for secret in (url, "村主任拒绝提供工程合同", "青石社区", "无理阻挠"):
                assert secret not in r.content.decode(), (who, secret)
    assert Appeal.objects.get(pk=vw.appeal1.pk).status == "open"


def _listed(client) -> set[int]:
    import re

    r = client.get("/village/appeals/")
    return (
        {int(x) for x in re.findall(r'data-appeal="(\d+)"', r.content.decode())}
        if r.status_code == 200
        else set()
    )


def test_a_member_cannot_handle_an_appeal_nor_file_one_for_another_village(login, vw):
    client = login(vw.u.member1)
    assert client.post(f"/village/appeals/{vw.appeal1.pk}/", {"response": "自己处理"}).status_code == 403
    assert client.get(f"/village/{vw.world.v1b.code}/appeals/new/").status_code == 404
    assert login(vw.u.keeper1).get(f"/village/{V1}/appeals/new/").status_code == 403


def test_the_audit_trail_never_holds_what_an_appeal_reports(vw):
    from doudi.core.models import AuditEntry

    entries = AuditEntry.objects.filter(object_type="village.appeal")
    assert entries.exists()
    for e in entries:
        assert "工程合同" not in str(e.changes) + str(e.extra) + e.object_repr
