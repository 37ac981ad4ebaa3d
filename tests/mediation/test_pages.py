"""The mediation pages and API as a user meets them: registration by form, the statistics whose
every number opens a list of exactly that many disputes, coverage, the map figure, OpenAPI."""

import re

from doudi.core.models import AuditEntry
from doudi.mediation import services as svc
from doudi.mediation.models import Dispute

V1 = "990121100001"


def _form(**extra):
    data = {
        "village": V1,
        "kind": "neighbours",
        "description": "鸡鸭啄食邻居菜地",
        "place": "三组",
        "party-0-side": "applicant",
        "party-0-name": "陈一",
        "party-1-side": "respondent",
        "party-1-name": "陈二",
    }
    for i in (2, 3):
        data[f"party-{i}-side"] = "respondent"
    return data | extra


def test_a_village_registers_a_dispute_by_form(login, mw):
    client = login(mw.world.users.village1)
    page = client.get("/mediation/disputes/new/").content.decode()
    assert 'name="party-3-name"' in page and "<script>" not in page
    r = client.post("/mediation/disputes/new/", _form())
    d = Dispute.objects.get(description="鸡鸭啄食邻居菜地")
    assert r.status_code == 302 and r["Location"] == f"/mediation/disputes/{d.pk}/"
    assert list(d.parties.values_list("name", flat=True)) == ["陈一", "陈二"]
    detail = client.get(r["Location"]).content.decode()
    assert d.number in detail and "陈一" in detail


def test_a_bad_form_says_why_in_chinese_and_writes_nothing(login, mw):
    client = login(mw.world.users.village1)
    before = (Dispute.objects.count(), AuditEntry.objects.count())
    r = client.post("/mediation/disputes/new/", _form(**{"party-1-name": "", "party-0-id_number": "123"}))
    assert r.status_code == 422
    text = r.content.decode()
    assert "身份证号应为18位" in text
    assert (Dispute.objects.count(), AuditEntry.objects.count()) == before
    r = client.post("/mediation/disputes/new/", _form(**{"party-1-name": ""}))
    assert "至少要有一位申请人和一位被申请人" in r.content.decode()
    assert Dispute.objects.count() == before[0]


def _numbers(html):
    """{link: number} of the statistics cards and table cells."""
    return {
        href.replace("&amp;", "&"): int(n)
        for href, n in re.findall(
            r'<a (?:class="stat" id="[^"]+" )?href="(/mediation/\?[^"]+)"[^>]*>(?:<span>[^<]*</span><span class="num">)?(\d+)',
            html,
        )
    }


def test_every_statistics_number_opens_a_list_of_that_many(login, mw):
    w = mw.world
    svc.dispute_conclude(
        actor=w.users.village1, dispute=mw.open1, status="settled", terms="和解", mediator_name="赵"
    )
    client = login(w.users.county)
    html = client.get("/mediation/statistics/").content.decode()
    numbers = _numbers(html)
    assert len(numbers) >= 8
    for href, n in numbers.items():
        listed = client.get(href).content.decode()
        shown = int(re.search(r'data-count="(\d+)"', listed).group(1))
        assert shown == n, href
    stats = client.get("/api/v1/mediation/statistics").json()
    # 4 disputes: open1 settled in the village, settled1/2 in the townships, open2 open
    assert (stats["total"], stats["settled_in_village"], stats["settled_in_township"]) == (4, 1, 3)
    assert (stats["village_share"], stats["township_share"]) == (25.0, 75.0)
    assert stats["by_kind_and_tier"]["family"]["township"] == 2
    assert 'src="/static/mediation/statistics.js"' in html and "<script>" not in html


def test_coverage_shows_missing_and_short_committees(login, mw):
    client = login(mw.world.users.town1)
    html = client.get("/mediation/committees/").content.decode()
    # town1: its own township (missing), 青石社区 (one member: short), 东山村 (missing)
    assert re.search(r'id="count-missing"><span>[^<]*</span><span class="num">2<', html)
    assert re.search(r'id="count-short"><span>[^<]*</span><span class="num">1<', html)
    short = client.get("/mediation/committees/?problem=short").content.decode()
    assert 'data-region="990121100001"' in short and 'data-region="990121100201"' not in short
    page = client.get(f"/mediation/committees/{V1}/").content.decode()
    assert "成员不足" in page and "缺兼职调解员" in page


def test_committee_built_up_by_pages_meets_the_rule(login, mw):
    client = login(mw.world.users.village1)
    for name, mediator in (("孙委员", "part_time"), ("周委员", "")):
        client.post(
            f"/mediation/committees/{mw.committee1.pk}/members/",
            {"name": name, "role": "member", "mediator": mediator},
        )
    page = client.get(f"/mediation/committees/{V1}/").content.decode()
    assert "成员不足" not in page and "缺兼职调解员" not in page
    assert mw.committee1.members.count() == 3


def test_map_colours_villages_by_open_disputes(login, mw):
    from doudi.core.models import Region

    Region.objects.filter(code__in=[V1, "990121101201"]).update(longitude=113.2, latitude=35.6)
    client = login(mw.world.users.town1)
    page = client.get("/reports/map/").content.decode()
    assert 'value="mediation_open"' in page
    data = client.get("/reports/map/data.json?key=mediation_open").json()
    assert data["label"] in ("调解中的纠纷", "Disputes being mediated")
    assert [(p["code"], p["value"][2]) for p in data["points"]] == [(V1, 1)]  # town2's village not shown
    county = login(mw.world.users.county).get("/reports/map/data.json?key=mediation_open").json()
    assert sorted((p["code"], p["value"][2]) for p in county["points"]) == [(V1, 1), ("990121101201", 1)]


def test_openapi_lists_the_mediation_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/mediation/disputes" in paths
    assert "/api/v1/mediation/disputes/{dispute_id}/outcome" in paths
    assert "/api/v1/mediation/statistics" in paths


def test_api_register_escalate_and_settle(login, mw):
    w = mw.world
    client = login(w.users.village1)
    body = {"village": V1, "kind": "land", "description": "地界", "parties": mw.parties()}
    r = client.post("/api/v1/mediation/disputes", body, content_type="application/json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["parties"][0]["id_number"].count("*") == 8
    r = client.post(
        f"/api/v1/mediation/disputes/{d['id']}/escalate",
        {"to_tier": "judicial", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "不能从当前层级" in r.json()["detail"]
    r = client.post(
        f"/api/v1/mediation/disputes/{d['id']}/escalate",
        {"to_tier": "township", "reason": "调不成"},
        content_type="application/json",
    )
    assert r.json()["tier"] == "township"
    r = login(w.users.town1).post(
        f"/api/v1/mediation/disputes/{d['id']}/outcome",
        {"status": "settled", "terms": "x", "mediator_name": "王"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["settled_tier"] == "township"


def test_agreement_download_is_a_docx_and_logged(login, mw):
    client = login(mw.world.users.town1)
    r = client.get(f"/mediation/disputes/{mw.settled1.pk}/agreement.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert AuditEntry.objects.filter(
        action="view", object_type="mediation.dispute", object_id=str(mw.settled1.pk)
    ).exists()
    r = client.get(f"/mediation/disputes/{mw.open1.pk}/agreement.docx")
    assert r.status_code == 302


def test_statistics_by_area_for_the_county_and_a_township(login, mw):
    county = login(mw.world.users.county).get("/mediation/statistics/").content.decode()
    rows = re.findall(r'<tr data-region="(\d+)">', county)
    assert rows == ["990121100000", "990121101000"]  # the townships
    town = login(mw.world.users.town1).get("/mediation/statistics/").content.decode()
    assert re.findall(r'<tr data-region="(\d+)">', town) == ["990121100001", "990121100201"]  # its villages
    # a township cannot look into another one through ?region=
    other = login(mw.world.users.town1).get("/mediation/statistics/?region=990121101000").content.decode()
    assert re.search(r'id="fig-total"[^>]*><span>[^<]*</span><span class="num">0<', other)


def test_county_coverage_opens_per_township(login, mw):
    client = login(mw.world.users.county)
    html = client.get("/mediation/committees/").content.decode()
    assert re.findall(r'<tr data-region="(\d+)">', html) == ["990121100000", "990121101000"]
    town2 = client.get("/mediation/committees/?region=990121101000").content.decode()
    assert re.findall(r'<tr data-region="(\d+)" class', town2) == ["990121101000", "990121101201"]
    # town2's township committee has one member (short), its village none (missing)
    assert re.search(r'id="count-missing"><span>[^<]*</span><span class="num">1<', town2)
    assert re.search(r'id="count-short"><span>[^<]*</span><span class="num">1<', town2)
    # a township clerk cannot widen or move the narrowing
    other = login(mw.world.users.town1).get("/mediation/committees/?region=990121101000").content.decode()
    assert 'data-region="990121101201"' not in other


def test_the_person_page_lists_the_persons_disputes(login, mw, lf):
    w = mw.world
    p = lf.person(w.v1, "王五")
    d = svc.dispute_register(
        actor=w.users.village1,
        village=w.v1,
        kind="damages",
        description="牛踩坏庄稼",
        parties=[
            {"side": "respondent", "name": "王五", "id_number": p.id_number},
            {"side": "applicant", "name": "赵六"},
        ],
    )
    html = login(w.users.village1).get(f"/persons/{p.pk}/").content.decode()
    assert 'id="disputes"' in html and d.number in html
    other = lf.person(w.v1, "钱七")
    assert 'id="disputes"' not in login(w.users.village1).get(f"/persons/{other.pk}/").content.decode()


def test_the_chair_is_listed_first(login, mw):
    svc.member_add(actor=mw.world.users.village1, committee=mw.committee1, name="阿委员", role="member")
    html = login(mw.world.users.village1).get("/mediation/committees/990121100001/").content.decode()
    assert html.index("赵主任") < html.index("阿委员")
