"""Configurable ledgers: a template without code, the phone form, the Excel upload with row and
column errors (nothing half-written), completeness, the merged export, a ledger feeding a target."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from python_calamine import CalamineWorkbook

from doudi.programmes import ledger_services as ls
from doudi.programmes import ledgers, selectors
from doudi.programmes.models import LedgerRow, LedgerTemplate


def _xlsx(rows):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v is not None:
                ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


HEAD = [
    "村庄名称*",
    "居民户数（户）*",
    "常住人口（人）*",
    "污水产生量（吨/日）*",
    "排放去向*",
    "实际处理水量（吨/日）",
]


def test_the_shipped_survey_has_the_columns_of_plan_1(pw):
    labels = [c.label for c in ls.columns(pw.ledger)]
    assert labels == [
        "村庄名称",
        "居民户数",
        "常住人口",
        "污水产生量",
        "污水排放量",
        "排放去向",
        "受纳水体类别",
        "排放标准",
        "已建设施设计规模",
        "实际处理水量",
        "处理工艺",
        "运维费用",
    ]
    assert pw.ledger.task == pw.survey and pw.ledger.due == dt.date(2026, 4, 30)


def test_a_ledger_defined_without_code(login, world, units):
    client = login(world.users.county)
    r = client.post(
        "/programmes/ledgers/new/",
        {
            "name": "保洁员配备台账",
            "filled_by": "village",
            "columns": "村庄; region; 必填\n保洁员人数; integer; 必填; 人; ; 0; 50\n是否签订合同; yesno\n等级; choice; ; ; A/B/C",
        },
    )
    t = LedgerTemplate.objects.get(name="保洁员配备台账")
    assert r.status_code == 302 and [c.type for c in ls.columns(t)] == [
        "region",
        "integer",
        "yesno",
        "choice",
    ]
    bad = client.post(
        "/programmes/ledgers/new/", {"name": "坏台账", "filled_by": "village", "columns": "等级; choice"}
    )
    assert "选项列“等级”没有列出选项。" in bad.content.decode()


def test_a_village_fills_a_row_on_its_phone(login, pw):
    client = login(pw.world.users.village1)
    url = f"/programmes/ledgers/{pw.ledger.pk}/rows/new/"
    ok = {
        "village": "青石社区",
        "households": "80",
        "residents": "260",
        "produced": "20",
        "destination": "村庄集中处理设施",
        "treated": "15",
    }
    assert client.post(url, ok).status_code == 302
    row = LedgerRow.objects.get(region=pw.world.v1)
    assert row.data["households"] == 80 and row.data["produced"] == "20"
    r = client.post(url, {**ok, "village": "西河村", "households": "八十", "destination": "随便"})
    page = r.content.decode()
    assert "“西河村”不在您的辖区内" in page and "不是整数" in page and "应为以下之一" in page
    assert LedgerRow.objects.count() == 2


def test_an_upload_lists_every_problem_and_writes_nothing(login, pw):
    client = login(pw.world.users.town1)
    data = _xlsx(
        [
            HEAD,
            ["青石社区", 80, "很多", 20, "村庄集中处理设施", 15],
            ["西河村", 10, 30, 2, "其他", 1],
            ["东山村", 50, 150, None, "其他", 3],
        ]
    )
    r = client.post(
        f"/programmes/ledgers/{pw.ledger.pk}/upload/", {"file": SimpleUploadedFile("t.xlsx", data)}
    )
    page = r.content.decode()
    assert "常住人口（人）" in page and "不是整数" in page  # row 2, wrong type
    assert "“西河村”不在您的辖区内" in page  # row 3, a village of another township
    assert "“污水产生量”必须填写" in page  # row 4, a required cell
    assert LedgerRow.objects.count() == 1
    missing = _xlsx([["村庄名称", "居民户数"], ["青石社区", 3]])
    r = client.post(
        f"/programmes/ledgers/{pw.ledger.pk}/upload/", {"file": SimpleUploadedFile("t.xlsx", missing)}
    )
    assert "缺少必填列" in r.content.decode() and LedgerRow.objects.count() == 1


@freeze_time("2026-07-01")
def test_an_upload_fills_completeness_and_feeds_the_target(login, pw):
    client = login(pw.world.users.town1)
    template = client.get(f"/programmes/ledgers/{pw.ledger.pk}/template.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "村庄名称*" and {r[0] for r in rows[1:]} == {"青石社区", "东山村"}
    data = _xlsx(
        [HEAD, ["青石社区", 80, 260, 20, "村庄集中处理设施", 15], ["东山村", 50, 150, 10, "分散处理设施", 0]]
    )
    r = client.post(
        f"/programmes/ledgers/{pw.ledger.pk}/upload/", {"file": SimpleUploadedFile("t.xlsx", data)}
    )
    assert r.status_code == 302 and LedgerRow.objects.count() == 3
    fill, filled, expected = ls.completeness(pw.world.users.county, pw.ledger)
    assert (filled, expected) == (3, 3)
    # 处理率 computed from the ledger: 青石镇 15/30 = 50 %, 柳河镇 6/30 = 20 %; the county's mean 35
    progress = selectors.plan_progress(pw.world.users.county, pw.sewage, dt.date(2026, 7, 1))
    rate = next(p for p in progress if p.task.number == "13").targets[0]
    assert rate.by_region == {pw.world.t1.code: Decimal("50.00"), pw.world.t2.code: Decimal("20.00")}
    assert rate.value == Decimal("35.00") and rate.regions_reached == 1
    merged = login(pw.world.users.county).get(f"/programmes/ledgers/{pw.ledger.pk}/export.xlsx")
    table = CalamineWorkbook.from_filelike(io.BytesIO(merged.content)).get_sheet_by_index(0).to_python()
    assert len(table) == 2 + 3 and {r[2] for r in table[2:]} == {"青石社区", "东山村", "西河村"}


def test_column_checks():
    col = ledgers.column_from({"label": "人数", "type": "integer", "min": "0", "max": "5"}, 1)
    with pytest.raises(ledgers.CellError):
        ledgers.check(col, 6)
    assert ledgers.check(ledgers.column_from({"label": "是否", "type": "yesno"}, 2), "是") is True
    pat = ledgers.column_from({"label": "编码", "type": "text", "pattern": r"\d{4}"}, 3)
    with pytest.raises(ledgers.CellError):
        ledgers.check(pat, "12a4")


# ---- the upload as a stream (docs/performance.md: written in batches, in one transaction) ---------


def _town1_rows(n, bad=()):
    """n rows of 青石镇's two villages, alternating; rows at the indexes in `bad` with a word
    where 常住人口 wants a number."""
    return [HEAD] + [
        [["青石社区", "东山村"][i % 2], 10 + i, "很多" if i in bad else 30 + i, 5, "其他", 1]
        for i in range(n)
    ]


def _upload(pw, rows, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(_xlsx(rows))
    return ls.ledger_upload(actor=pw.world.users.town1, template=pw.ledger, path=path, filename="t.xlsx")


def _spy_bulk(monkeypatch):
    sizes = []
    original = LedgerRow.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        sizes.append(len(objs))
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(LedgerRow.objects, "bulk_create", bulk_create)
    return sizes


def test_an_upload_is_written_in_batches_and_replaces_the_earlier_rows_once(pw, tmp_path, monkeypatch):
    from doudi.core.models import AuditEntry

    monkeypatch.setattr(ls, "BATCH", 10)
    assert _upload(pw, _town1_rows(4), tmp_path) == 4
    sizes = _spy_bulk(monkeypatch)
    assert _upload(pw, _town1_rows(45), tmp_path) == 45
    assert sizes == [10, 10, 10, 10, 5]  # never more than a batch of rows held for the database
    # both villages' four earlier rows replaced when their first row came; none of this upload's
    # rows of batch 1 deleted when the same villages came again in later batches
    rows = LedgerRow.objects.filter(template=pw.ledger, region__in=[pw.world.v1, pw.world.v1b])
    assert rows.count() == 45 and sorted(r.data["households"] for r in rows) == list(range(10, 55))
    assert LedgerRow.objects.filter(region=pw.world.v2).count() == 1  # 柳河镇's row untouched
    entry = AuditEntry.objects.filter(action="import").latest("id")
    assert entry.extra["rows"] == 45 and entry.extra["replaced"] == 4


def test_a_bad_row_after_written_batches_leaves_nothing_written(pw, tmp_path, monkeypatch):
    from doudi.core.models import AuditEntry

    monkeypatch.setattr(ls, "BATCH", 10)
    _upload(pw, _town1_rows(3), tmp_path)
    before = sorted(LedgerRow.objects.values_list("id", flat=True))
    imports = AuditEntry.objects.filter(action="import").count()
    sizes = _spy_bulk(monkeypatch)
    with pytest.raises(ls.LedgerError) as exc:
        _upload(pw, _town1_rows(60, bad={52, 57}), tmp_path)
    assert sizes == [10, 10, 10, 10, 10]  # five batches went to the database before row 54 …
    assert sorted(LedgerRow.objects.values_list("id", flat=True)) == before  # … and were rolled back
    assert AuditEntry.objects.filter(action="import").count() == imports
    # every problem, in row order, with the column and the reason in Chinese: the rows after the
    # first problem are still checked
    assert exc.value.errors == [
        (54, "常住人口（人）", "常住人口“很多”不是整数"),
        (59, "常住人口（人）", "常住人口“很多”不是整数"),
    ]


def test_an_upload_checks_persons_without_a_query_per_row(world, tmp_path, django_assert_max_num_queries):
    from tests.conftest import _loop_person

    person = _loop_person(world.v1)
    county = world.users.county
    cols = ledgers.columns_from_lines("村庄; region; 必填\n对象; person; 必填")
    t = ls.ledger_create(actor=county, region=world.county, name="走访对象", cols=cols, filled_by="village")
    path = tmp_path / "p.xlsx"
    path.write_bytes(_xlsx([["村庄", "对象"]] + [["青石社区", person.id_number.lower()]] * 50))
    with django_assert_max_num_queries(40):
        assert ls.ledger_upload(actor=county, template=t, path=path, filename="p.xlsx") == 50
    path.write_bytes(
        _xlsx([["村庄", "对象"], ["青石社区", person.id_number], ["西河村", "110101199003070000"]])
    )
    with pytest.raises(ls.LedgerError) as exc:
        ls.ledger_upload(actor=world.users.town1, template=t, path=path, filename="p.xlsx")
    assert exc.value.errors == [
        (3, "村庄", "“西河村”不在您的辖区内"),
        (3, "对象", "身份证号“110101199003070000”不是您辖区内在册人员"),
    ]
