"""Importing units from Excel: a good file, its re-import, and each kind of row error (in
Chinese, with row and column); any error writes nothing."""

from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry, Unit, UnitFigures
from doudi.core.unit_services import TEMPLATE_HEADERS, unit_import

H = TEMPLATE_HEADERS  # 单位名称 单位类型 上级单位 所在区划 统一社会信用代码 年度 资产总额（元） 主营业务收入（元） 分支机构数


def write(path, rows, header=H, numbers=True):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("单位")
    ws.merge_range(0, 0, 0, len(header) - 1, "安和县单位名录（2026年）")
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, int | float) and numbers:
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


GOOD = [
    ["安和县教育局", "党政机关部门", "", "990121000000", "", "", "", "", ""],
    ["安和县第一中学", "学校", "安和县教育局", "", "", "", "", "", ""],
    ["安和县水务投资有限公司", "国有企业", "安和县财政局", "安和县", "", 2025, 5000000, 1200000.5, 2],
    ["水务青石分公司", "分公司", "安和县水务投资有限公司", "青石镇", "", 2025, 300000, "120,000.00", 0],
    [
        "水务柳河分公司",
        "分支机构",
        "安和县财政局/安和县水务投资有限公司",
        "990121101000",
        "",
        2025,
        200000,
        80000,
        0,
    ],
]


def test_a_good_file_imports_in_one_go_and_reimport_changes_nothing(world, units, tmp_path):
    path = write(tmp_path / "u.xlsx", GOOD)
    preview = unit_import(actor=world.users.county, path=path, commit=False)
    assert preview.errors == [] and (preview.rows, preview.created) == (5, 5)
    assert [row[5] for row in preview.preview] == ["新增"] * 5
    assert not Unit.objects.filter(name="安和县教育局").exists()  # a preview writes nothing

    report = unit_import(actor=world.users.county, path=path)
    assert report.errors == [] and report.created == 5
    school = Unit.objects.get(name="安和县第一中学")
    assert school.parent.name == "安和县教育局" and school.region == world.county and school.kind == "school"
    company = Unit.objects.get(name="安和县水务投资有限公司")
    assert company.parent == units.czj
    b = Unit.objects.get(name="水务柳河分公司")
    assert b.parent == company and b.region == world.t2 and b.tree_path.startswith(company.tree_path)
    f = UnitFigures.objects.get(unit=company, year=2025)
    assert (f.total_assets, f.main_revenue, f.branches) == (Decimal("5000000.00"), Decimal("1200000.50"), 2)
    assert UnitFigures.objects.get(unit__name="水务青石分公司").main_revenue == Decimal("120000.00")
    assert AuditEntry.objects.filter(object_type="core.unit", action="create").count() == 9 + 5

    n = AuditEntry.objects.count()
    again = unit_import(actor=world.users.county, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5) and AuditEntry.objects.count() == n


def test_reimport_updates_filled_cells_and_adds_a_year(world, units, tmp_path):
    rows = [
        ["安和县城市建设投资集团有限公司", "国有企业", "安和县财政局", "", "", 2026, 1100000, 250000, 2],
        ["青石分公司", "分公司", "安和县城市建设投资集团有限公司", "", "", 2025, 50000, 0, 0],
        ["安和县民政局", "事业单位", "", "", "", "", "", "", ""],
    ]
    report = unit_import(actor=world.users.county, path=write(tmp_path / "u.xlsx", rows))
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 3, 0)
    assert set(UnitFigures.objects.filter(unit=units.ct).values_list("year", flat=True)) == {2025, 2026}
    assert Unit.objects.get(pk=units.mzj.pk).kind == "public_institution"
    assert Unit.objects.get(pk=units.b1.pk).region == world.t1  # an empty cell keeps the region


def errors(report):
    return [(e["row"], e["column"], e["message"]) for e in report.errors]


@pytest.mark.parametrize(
    "row, column, message",
    [
        (
            ["新单位", "党政机关部门", "不存在的局", "", "", "", "", "", ""],
            "上级单位",
            "上级单位“不存在的局”不存在",
        ),
        (
            ["新单位", "党政机关部门", "", "990122000000", "", "", "", "", ""],
            "所在区划",
            "区划代码 990122000000 不存在",
        ),
        (["新单位", "党政机关部门", "", "99012110", "", "", "", "", ""], "所在区划", "应为12位数字"),
        (
            ["新单位", "党政机关部门", "", "外县", "", "", "", "", ""],
            "所在区划",
            "不存在或不在您的管辖范围内",
        ),
        (
            ["新单位", "局", "", "", "", "", "", "", ""],
            "单位类型",
            "单位类型“局”无法识别，可填：党政机关部门",
        ),
        (["新单位", "", "", "", "", "", "", "", ""], "单位类型", "单位类型不能为空"),
        (
            ["新单位", "国有企业", "", "", "", 2025, "一百万", "", ""],
            "资产总额（元）",
            "资产总额“一百万”不是有效的数字",
        ),
        (["新单位", "国有企业", "", "", "", 2025, -5, "", ""], "资产总额（元）", "资产总额不能为负数"),
        (
            ["新单位", "国有企业", "", "", "", 2025, "", "-0.01", ""],
            "主营业务收入（元）",
            "主营业务收入不能为负数",
        ),
        (["新单位", "国有企业", "", "", "", 2025, 1.234, "", ""], "资产总额（元）", "最多保留2位小数"),
        (["新单位", "国有企业", "", "", "", 2025, "", "", 2.5], "分支机构数", "分支机构数“2.5”不是整数"),
        (["新单位", "国有企业", "", "", "", "", 100, "", ""], "年度", "必须填写年度"),
        (["新单位", "国有企业", "", "", "", 1800, 100, "", ""], "年度", "不能小于1900"),
        (["新单位", "国有企业", "", "", "123", "", "", "", ""], "统一社会信用代码", "应为18位"),
        (["", "国有企业", "", "", "", "", "", "", ""], "单位名称", "单位名称不能为空"),
    ],
)
def test_each_bad_cell_names_its_row_and_column_and_nothing_is_written(
    world, units, tmp_path, row, column, message
):
    rows = [GOOD[0], row]
    report = unit_import(actor=world.users.county, path=write(tmp_path / "u.xlsx", rows))
    assert len(report.errors) == 1, report.errors
    (number, col, text) = errors(report)[0]
    assert (number, col) == (4, column) and message in text, text
    assert not Unit.objects.filter(name__in=["安和县教育局", "新单位"]).exists()


def test_duplicate_names_under_one_parent(world, units, tmp_path):
    rows = [
        GOOD[0],
        ["办公室", "其他", "安和县教育局", "", "", "", "", "", ""],
        ["办公室", "其他", "安和县教育局", "", "", "", "", "", ""],
    ]
    report = unit_import(actor=world.users.county, path=write(tmp_path / "u.xlsx", rows))
    assert errors(report) == [(5, "单位名称", "与第4行重复：同一上级单位下不能有同名的单位“办公室”")]


def test_the_same_name_under_two_parents_needs_a_path(world, units, tmp_path):
    rows = [
        ["办公室", "其他", "安和县民政局", "", "", "", "", "", ""],
        ["办公室", "其他", "安和县财政局", "", "", "", "", "", ""],
        ["档案室", "其他", "办公室", "", "", "", "", "", ""],
        ["文印室", "其他", "安和县财政局/办公室", "", "", "", "", "", ""],
    ]
    report = unit_import(actor=world.users.county, path=write(tmp_path / "u.xlsx", rows))
    assert len(report.errors) == 1
    assert (
        report.errors[0]["row"] == 5
        and "有2个同名单位（文件中：第3行、第4行）" in report.errors[0]["message"]
    )
    del rows[2]
    assert unit_import(actor=world.users.county, path=write(tmp_path / "v.xlsx", rows)).errors == []
    assert Unit.objects.get(name="文印室").parent.parent == units.czj


def test_a_cycle_in_the_file_is_an_error(world, units, tmp_path):
    rows = [["甲", "其他", "乙", "", "", "", "", "", ""], ["乙", "其他", "甲", "", "", "", "", "", ""]]
    report = unit_import(actor=world.users.county, path=write(tmp_path / "u.xlsx", rows))
    assert any("循环" in e["message"] for e in report.errors) and len(report.errors) == 2


def test_a_clerk_cannot_place_units_outside_their_township(world, units, tmp_path, make):
    officer = make.user("t1officer", world.t1, ["inspector"])
    officer.roles = ["county_officer"]  # a county role bound to a township: only for this test
    rows = [
        ["青石镇综治办", "乡镇站所", "青石镇人民政府", "", "", "", "", "", ""],
        ["柳河镇综治办", "乡镇站所", "柳河镇人民政府", "", "", "", "", "", ""],
        ["青石分站", "其他", "青石镇人民政府", "990121101000", "", "", "", "", ""],
    ]
    report = unit_import(actor=officer, path=write(tmp_path / "u.xlsx", rows))
    assert errors(report) == [
        (4, "上级单位", "上级单位“柳河镇人民政府”不存在：既不在文件中，也不在您可管理的单位中"),
        (5, "所在区划", "所在区划 990121101000 不在您的管辖范围内"),
    ]


def test_staff_of_a_unit_import_only_under_their_unit(world, units, tmp_path):
    rows = [
        ["青石营业网点", "分支机构", "青石分公司", "", "", "", "", "", ""],
        ["新公司", "国有企业", "", "", "", "", "", "", ""],
        ["财政局下属", "其他", "安和县财政局", "", "", "", "", "", ""],
    ]
    report = unit_import(actor=units.ct_officer, path=write(tmp_path / "u.xlsx", rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [(4, "上级单位"), (5, "上级单位")]
    assert "本单位及其下属单位" in report.errors[0]["message"]


def test_the_downloaded_template_reads_back(login, world, units, tmp_path):
    response = login(world.users.county).get("/units/import/template.xlsx")
    assert response.status_code == 200
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names[0] == "单位" and "填写说明" in wb.sheet_names
    header = wb.get_sheet_by_index(0).to_python()[0]
    assert header == H
    # the kind column offers the kinds as a drop-down list
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert any("党政机关部门" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)
    report = unit_import(actor=world.users.county, path=path, commit=False)
    # it lists the units the importer manages, so a re-import of it as downloaded changes nothing
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (0, 0, 9)
