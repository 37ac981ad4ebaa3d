"""The dispute list as Excel (page and API): the rows and columns, the list page's filters, the
area scope (another township's disputes never appear; a forged region is 404), masked ID numbers
and the audit entry."""

import io

from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry
from doudi.mediation import services as svc

T1, T2 = "990121100000", "990121101000"
V1B = "990121100201"


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    headers = sheet[1]  # a title line above the headers
    return [dict(zip(headers, r, strict=False)) for r in sheet[2:]], sheet[0][0]


def test_the_file_holds_the_list_with_masked_id_numbers(login, mw):
    rows, title = _rows(login(mw.world.users.town1).get("/mediation/disputes.xlsx"))
    assert "青石镇" in title and "共2件" in title
    by_number = {r["案件编号"]: r for r in rows}
    assert set(by_number) == {mw.open1.number, mw.settled1.number}
    open_row, settled_row = by_number[mw.open1.number], by_number[mw.settled1.number]
    assert open_row["村（社区）"] == "青石社区" and open_row["乡镇"] == "青石镇"
    assert open_row["纠纷类型"] == "邻里纠纷"
    assert open_row["状态"] == "调解中" and open_row["期限"]
    number = mw.open1.parties.get(side="applicant").id_number
    assert "张大山1" in open_row["当事人"] and "李小河1" in open_row["当事人"]
    assert number not in open_row["当事人"] and number[:6] + "********" + number[-4:] in open_row["当事人"]
    assert settled_row["调结层级"] == "乡镇调解委员会"
    assert settled_row["调解员"] == "王调解" and settled_row["办结日期"]
    assert settled_row["期限"] in ("", None)  # a settled case has no deadline any more


def test_numbers_typed_into_the_description_are_masked(login, mw):
    w = mw.world
    number = mw.open1.parties.get(side="applicant").id_number
    d = svc.dispute_register(
        actor=w.users.village1,
        village=w.v1,
        kind="land",
        description=f"申请人身份证{number}，电话13912345678",
        parties=mw.parties(),
    )
    rows, _title = _rows(login(w.users.village1).get("/mediation/disputes.xlsx?kind=land"))
    assert [r["案件编号"] for r in rows] == [d.number]
    assert number not in rows[0]["纠纷简况"] and "13912345678" not in rows[0]["纠纷简况"]
    assert "139****5678" in rows[0]["纠纷简况"]


def test_the_filters_of_the_list_page_apply(login, mw):
    client = login(mw.world.users.county)
    everything, _t = _rows(client.get("/mediation/disputes.xlsx"))
    assert len(everything) == 4
    settled, _t = _rows(client.get("/mediation/disputes.xlsx?status=settled"))
    assert {r["案件编号"] for r in settled} == {mw.settled1.number, mw.settled2.number}
    town2, title = _rows(client.get(f"/mediation/disputes.xlsx?region={T2}&tier=village"))
    assert [r["案件编号"] for r in town2] == [mw.open2.number] and "柳河镇" in title
    within, _t = _rows(client.get(f"/mediation/disputes.xlsx?within_township=1&region={T1}"))
    assert [r["案件编号"] for r in within] == [mw.settled1.number]
    # the same numbers as the list page shows with the same query
    query = "status=open&kind=neighbours"
    page = client.get(f"/mediation/?{query}")
    rows, _t = _rows(client.get(f"/mediation/disputes.xlsx?{query}"))
    assert page.context["count"] == len(rows) == 2
    assert client.get("/mediation/disputes.xlsx?overdue=1").status_code == 200
    # the list page links to the download with its own filters
    assert 'href="/mediation/disputes.xlsx?status=open&amp;kind=neighbours"' in page.content.decode()


def test_another_townships_disputes_never_appear_and_a_forged_region_is_404(login, mw):
    client = login(mw.world.users.town1)
    rows, _t = _rows(client.get("/mediation/disputes.xlsx"))
    numbers = {r["案件编号"] for r in rows}
    assert mw.open2.number not in numbers and mw.settled2.number not in numbers
    before = AuditEntry.objects.filter(action="export").count()
    for region in (T2, "990121101201", "abc", "999999999999"):
        assert client.get(f"/mediation/disputes.xlsx?region={region}").status_code == 404, region
        assert client.get(f"/api/v1/mediation/disputes.xlsx?region={region}").status_code == 404, region
    assert AuditEntry.objects.filter(action="export").count() == before
    # a village of the same township sees its own only
    rows, _t = _rows(login(mw.world.users.village1).get("/mediation/disputes.xlsx"))
    assert {r["村（社区）"] for r in rows} == {"青石社区"}
    assert login(mw.world.users.village1).get(f"/mediation/disputes.xlsx?region={V1B}").status_code == 404


def test_the_export_is_audited_with_its_filters(login, mw):
    client = login(mw.world.users.town2)
    client.get("/mediation/disputes.xlsx?status=open&region=990121101201&page=3")
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor_id == mw.world.users.town2.pk
    assert entry.object_type == "mediation.dispute" and entry.region_code == "990121101201"
    assert entry.extra == {"filters": {"status": "open", "region": "990121101201"}, "rows": 1}


def test_the_api_gives_the_same_workbook(login, mw):
    client = login(mw.world.users.county)
    rows, _t = _rows(client.get(f"/api/v1/mediation/disputes.xlsx?region={T1}&status=open"))
    assert [r["案件编号"] for r in rows] == [mw.open1.number]
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.extra["filters"] == {"region": T1, "status": "open"}
    assert client.get("/api/v1/mediation/disputes.xlsx?year=99999").status_code == 422
    rows, _t = _rows(client.get("/api/v1/mediation/disputes.xlsx?year=2099"))
    assert rows == []
