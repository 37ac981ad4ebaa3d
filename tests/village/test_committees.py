"""The register, qualification review computed from it, the candidate list, township approval,
the election count with its preview, the filing form; and every page renders for its users."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from doudi.registry.idcard import make_id_number
from doudi.village import services as svc
from doudi.village.models import Candidate, Committee

V1 = "990121100001"


def _nominate(vw, committee, name, seq, birth=dt.date(1970, 1, 1), **facts):
    return svc.candidate_nominate(
        actor=vw.u.keeper1,
        committee=committee,
        name=name,
        id_number=make_id_number(V1, birth, seq),
        nomination="representatives",
        **facts,
    )


def test_relatives_and_offices_are_computed_from_the_register(vw):
    c = vw.committee1
    spouse = _nominate(vw, c, "王配偶", 201)
    in_law = _nominate(vw, c, "王姻亲", 202)
    keeper = _nominate(vw, c, "王报账", 203)
    svc.relative_add(
        actor=vw.u.keeper1,
        official=vw.official1,
        name="王配偶",
        relation="spouse",
        id_number=spouse.id_number,
    )
    svc.relative_add(
        actor=vw.u.keeper1,
        official=vw.official1,
        name="王姻亲",
        relation="spouse_sibling",
        id_number=in_law.id_number,
    )
    svc.official_add(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        term=2024,
        name="王报账",
        office="bookkeeper",
        id_number=keeper.id_number,
    )
    with pytest.raises(ValidationError, match="近亲属"):
        svc.candidate_review(actor=vw.u.keeper1, candidate=spouse, admit=True)
    svc.candidate_review(actor=vw.u.keeper1, candidate=spouse, admit=False)
    spouse.refresh_from_db()
    assert (
        spouse.status == "excluded"
        and "近亲属" in spouse.review_reason
        and spouse.reviewed_by == vw.u.keeper1
    )
    assert spouse.findings[0]["code"] == "close_relative"
    in_law = svc.candidate_review(actor=vw.u.keeper1, candidate=in_law, admit=True)
    assert in_law.status == "formal" and "不属于" in in_law.review_reason
    with pytest.raises(ValidationError, match="村报账员"):
        svc.candidate_review(actor=vw.u.keeper1, candidate=keeper, admit=True)


def test_an_exclusion_needs_a_reason(vw):
    with pytest.raises(ValidationError, match="理由"):
        svc.candidate_review(actor=vw.u.keeper1, candidate=vw.candidate1, admit=False, reason="")


def _full_election(vw, login):
    c = vw.committee1
    svc.candidate_review(actor=vw.u.keeper1, candidate=vw.candidate1, admit=True)
    for i, name in enumerate(["赵一", "钱二", "孙三"]):
        svc.candidate_review(actor=vw.u.keeper1, candidate=_nominate(vw, c, name, 300 + i), admit=True)
    return c


def test_the_list_must_exceed_the_seats_by_one_to_three(vw):
    c = vw.committee1
    svc.candidate_review(actor=vw.u.keeper1, candidate=vw.candidate1, admit=True)
    with pytest.raises(ValidationError, match="多1至3人"):
        svc.committee_submit(actor=vw.u.keeper1, committee=c)
    c.refresh_from_db()
    assert c.status == "nominating"


def test_election_flow_with_preview_and_filing(vw, login):
    c = _full_election(vw, login)
    with pytest.raises(PermissionDenied):
        svc.committee_approve(actor=vw.u.keeper1, committee=c)  # the branch cannot approve its own list
    svc.committee_submit(actor=vw.u.keeper1, committee=c)
    svc.committee_approve(actor=vw.u.party1, committee=Committee.objects.get(pk=c.pk))
    formal = list(Candidate.objects.filter(committee=c, status="formal").order_by("pk"))
    client = login(vw.u.keeper1)
    votes = {f"votes_{cand.pk}": v for cand, v in zip(formal, [20, 18, 12, 12], strict=True)}
    base = {"held_on": "2026-05-01", "representatives_total": "30", "present": "21", **votes}
    # a tie for the last seat: the preview explains it and nothing can be saved
    r = client.post(f"/village/committees/{c.pk}/election/", {**base, "action": "preview"})
    page = r.content.decode()
    assert r.status_code == 200 and "另行选举" in page and 'id="save-election"' not in page
    assert Committee.objects.get(pk=c.pk).status == "approved"
    # more votes than ballots: a Chinese error, nothing saved
    bad = {**base, f"votes_{formal[0].pk}": "25", "action": "preview"}
    r = client.post(f"/village/committees/{c.pk}/election/", bad)
    assert r.status_code == 200 and "超过了发出的选票数" in r.content.decode()
    # below two thirds: invalid
    r = client.post(
        f"/village/committees/{c.pk}/election/", {**base, "representatives_total": "40", "action": "preview"}
    )
    assert "选举无效" in r.content.decode()
    ok = {**base, f"votes_{formal[3].pk}": "5", "action": "preview"}
    r = client.post(f"/village/committees/{c.pk}/election/", ok)
    assert 'id="save-election"' in r.content.decode() and "选举有效" in r.content.decode()
    r = client.post(f"/village/committees/{c.pk}/election/", {**ok, "action": "save", "chair": formal[3].pk})
    assert r.status_code == 400 and Committee.objects.get(pk=c.pk).status == "approved"  # chair not elected
    r = client.post(f"/village/committees/{c.pk}/election/", {**ok, "action": "save", "chair": formal[1].pk})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "elected" and c.present == 21
    assert set(Candidate.objects.filter(committee=c, elected=True).values_list("pk", flat=True)) == {
        formal[0].pk,
        formal[1].pk,
        formal[2].pk,
    }
    assert Candidate.objects.get(pk=formal[1].pk).chair
    r = client.get(f"/village/committees/{c.pk}/filing/")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    table = "\n".join(
        cell.text for row in Document(io.BytesIO(r.content)).tables[0].rows for cell in row.cells
    )
    assert (
        "备案表" in text and "主任" in table and formal[1].name in table and formal[1].id_number not in table
    )
    login(vw.u.party1).post(f"/village/committees/{c.pk}/file/")
    assert Committee.objects.get(pk=c.pk).status == "filed"
    members = login(vw.u.party1).get(f"/api/v1/village/committees/{c.pk}/members").json()
    assert len(members) == 3 and members[0]["chair"]


@pytest.mark.parametrize(
    "who, url",
    [
        ("keeper1", "/village/{V1}/"),
        ("member1", "/village/{V1}/"),
        ("member1", "/village/{V1}/vouchers/"),
        ("agency1", "/village/{V1}/vouchers/?status=to_book"),
        ("keeper1", "/village/{V1}/vouchers/"),
        ("keeper1", "/village/{V1}/vouchers/import/"),
        ("keeper1", "/village/{V1}/vouchers/template/"),
        ("party1", "/village/"),
        ("party1", "/village/committees/{c1}/"),
        ("keeper1", "/village/committees/{c1}/"),
        ("keeper1", "/village/committees/{c1}/election/"),
        ("discipline", "/village/"),
        ("discipline", "/village/list/vouchers/"),
        ("discipline", "/village/list/committees/"),
        ("discipline", "/village/list/inquiries_overdue/"),
        ("discipline", "/village/list/overdue_reviews/?region=990121100000"),
        ("discipline", "/village/list/unreviewed_booked/"),
        ("party1", "/village/{V1}/poster/"),
    ],
)
def test_pages_render(login, vw, who, url):
    r = login(getattr(vw.u, who)).get(url.format(V1=V1, c1=vw.committee1.pk))
    assert r.status_code in (200, 302), r.status_code


def test_a_village_account_goes_to_its_village(login, vw):
    r = login(vw.u.member1).get("/village/")
    assert r.status_code == 302 and r["Location"] == f"/village/{V1}/"


def test_overview_counts(login, vw):
    rows = login(vw.u.discipline).get("/village/").content.decode()
    assert 'data-region="990121100000"' in rows and 'data-region="990121101000"' in rows
    page = login(vw.u.party1).get("/village/").content.decode()
    assert 'data-region="990121101201"' not in page  # town2's village is not in town1's overview
