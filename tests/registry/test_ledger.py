"""The ledger import and export service (the package registry/ledger/): what a clerk's file does."""

import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry
from doudi.registry import ledger
from doudi.registry.idcard import make_id_number, mask_id_number
from doudi.registry.models import DuplicateCandidate, Person

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import COL, HEADERS, realistic_rows, write_file  # noqa: E402

TODAY = dt.date(2026, 11, 1)


def idn(seq, birth=dt.date(1950, 3, 1)):
    return make_id_number("990121", birth, seq)


def row(name, number, village, **cells):
    """A row in HEADERS order; cells by header name (村(居)区划代码 is filled from `village`)."""
    values = [""] * len(HEADERS)
    values[COL["姓名"]] = name
    values[COL["身份证号"]] = number
    values[COL["村(居)区划代码"]] = village.code
    for header, value in cells.items():
        values[COL[header]] = value
    return values


def run(world, path, actor=None, **kwargs):
    kwargs.setdefault("today", TODAY)
    return ledger.ledger_import(actor=actor or world.users.town1, path=path, **kwargs)


def errors_of(report):
    return [(e["row"], e["column"], e["message"]) for e in report.errors]


# ---- a good file ---------------------------------------------------------------------------


def test_a_good_file_creates_persons_and_reimport_changes_nothing(world, tmp_path):
    rows = [
        row("张三", idn(11), world.v1, 联系电话="13800000001", 供养方式="集中", 申请日期="2024-01-05"),
        row("李四", idn(22, dt.date(1961, 7, 8)), world.v1b, 残疾类别="肢体", 残疾等级="二级"),
    ]
    path = write_file(tmp_path / "l.xlsx", rows, title="青石镇特困人员台账")
    preview = run(world, path)
    assert (preview.rows, preview.created, preview.errors, preview.committed) == (2, 2, [], False)
    assert not Person.objects.exists()

    report = run(world, path, commit=True)
    assert (report.created, report.updated, report.unchanged, report.committed) == (2, 0, 0, True)
    zhang = Person.objects.get(id_number=idn(11))
    assert (zhang.name, zhang.village_id, zhang.phone, zhang.placement) == (
        "张三",
        world.v1.code,
        "13800000001",
        "centralized",
    )
    assert (zhang.birth_date, zhang.sex) == (dt.date(1950, 3, 1), "M")  # from the ID number
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsan", "zs")
    assert zhang.id_reversed == idn(11)[::-1]
    assert zhang.applied_on == dt.date(2024, 1, 5) and zhang.status == "active"
    assert zhang.created_by == world.users.town1
    li = Person.objects.get(name="李四")
    assert (li.disability_kind, li.disability_grade, li.sex) == ("physical", 2, "F")

    again = run(world, path, commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(object_type="registry.person").count() == 2


def test_each_imported_person_gets_an_audit_entry_with_before_and_after(world, tmp_path):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1, 住址="青石社区1组")])
    run(world, path, commit=True, source={"ledger_import": 7, "file": "l.xlsx"})
    person = Person.objects.get()
    entry = AuditEntry.objects.get(object_type="registry.person", object_id=str(person.pk))
    assert entry.action == "import" and entry.actor == world.users.town1
    assert entry.region_code == world.v1.code and entry.object_repr == "张三"
    assert entry.changes["name"] == [None, "张三"]
    assert entry.changes["address"] == [None, "青石社区1组"]
    assert entry.changes["village"] == [None, world.v1.code]
    assert entry.changes["birth_date"] == [None, "1950-**-**"]  # the year only: the ID mask hides the rest
    assert entry.changes["id_number"] == [None, mask_id_number(idn(11))]  # never a full number
    assert idn(11) not in str(entry.changes) and idn(11)[::-1] not in str(entry.changes)
    assert entry.extra == {"ledger_import": 7, "file": "l.xlsx", "row": 2, "created": True}

    changed = row("张三", idn(11), world.v1b, 住址="东山村2组", 备注="迁入东山村")
    report = run(world, write_file(tmp_path / "l2.xlsx", [changed]), commit=True)
    assert (report.updated, report.created) == (1, 0)
    update = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("-seq").first()
    assert update.action == "import"
    assert update.changes == {
        "village": [world.v1.code, world.v1b.code],
        "address": ["青石社区1组", "东山村2组"],
        "notes": ["", "迁入东山村"],
    }
    person.refresh_from_db()
    assert (person.village_id, person.notes) == (world.v1b.code, "迁入东山村")


def test_the_person_history_says_imported(world, tmp_path):
    from doudi.registry.history import describe

    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1, 联系电话="13800000001")])
    run(world, path, commit=True)
    run(
        world,
        write_file(tmp_path / "l2.xlsx", [row("张三", idn(11), world.v1, 联系电话="13900000000")]),
        commit=True,
    )
    entries = AuditEntry.objects.filter(object_type="registry.person").order_by("seq")
    from django.utils import translation

    with translation.override("en"):
        created, changed = (describe(e) for e in entries)
    assert "by importing a ledger" in created[0]
    assert "imported changes from a ledger" in changed[0] and "139****0000" in changed[1]


def test_dates_in_every_form_a_clerk_types(world, tmp_path):
    serial = (dt.date(2024, 1, 5) - dt.date(1899, 12, 30)).days
    rows = [
        row("甲", idn(1), world.v1, 申请日期="2024-01-05"),
        row("乙", idn(2), world.v1, 申请日期="2024/1/5"),
        row("丙", idn(3), world.v1, 申请日期="2024年1月5日"),
        row("丁", idn(4), world.v1, 申请日期=float(serial)),
        row("戊", idn(5), world.v1, 申请日期=dt.date(2024, 1, 5)),
    ]
    report = run(world, write_file(tmp_path / "d.xlsx", rows), commit=True)
    assert report.errors == []
    assert set(Person.objects.values_list("applied_on", flat=True)) == {dt.date(2024, 1, 5)}


def test_choice_columns_take_chinese_labels_and_common_synonyms(world, tmp_path):
    rows = [
        row(
            "甲",
            idn(1),
            world.v1,
            残疾类别="智力残疾",
            残疾等级="1",
            民事行为能力="无",
            婚姻状况="离婚",
            供养方式="分散供养",
            状态="申请中",
        ),
        row(
            "乙",
            idn(2),
            world.v1,
            残疾类别="视力",
            残疾等级="三级",
            民事行为能力="限制民事行为能力",
            婚姻状况="丧偶",
            状态="在册",
        ),
    ]
    assert run(world, write_file(tmp_path / "c.xlsx", rows), commit=True).errors == []
    a, b = Person.objects.order_by("id_number")
    assert (
        a.disability_kind,
        a.disability_grade,
        a.civil_capacity,
        a.marital_status,
        a.placement,
        a.status,
    ) == (
        "intellectual",
        1,
        "none",
        "divorced",
        "dispersed",
        "applying",
    )
    assert (b.disability_kind, b.disability_grade, b.civil_capacity, b.marital_status) == (
        "visual",
        3,
        "limited",
        "widowed",
    )


def test_a_wrong_choice_names_the_allowed_values(world, tmp_path):
    report = run(world, write_file(tmp_path / "c.xlsx", [row("甲", idn(1), world.v1, 供养方式="敬老院")]))
    assert errors_of(report) == [(2, "供养方式", "“敬老院”不是有效的供养方式，可填：集中、分散")]


def test_absent_columns_are_left_alone_and_blank_cells_clear(world, tmp_path, register):
    person = register(
        world.users.town1,
        world.v1,
        "张三",
        phone="13800000001",
        address="老地址",
        placement="centralized",
        notes="重点关注",
    )
    headers = ["姓名", "身份证号", "村(居)区划代码", "住址", "供养方式"]
    path = write_file(
        tmp_path / "p.xlsx", [["张三", person.id_number, world.v1.code, "", ""]], headers=headers
    )
    report = run(world, path, commit=True)
    assert (report.updated, report.errors) == (1, [])
    person.refresh_from_db()
    assert person.phone == "13800000001" and person.notes == "重点关注"  # no such columns: untouched
    assert person.address == ""  # a blank cell clears
    assert person.placement == "centralized"  # blank 供养方式 keeps a registered person's value


# ---- whole-file problems ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"not a spreadsheet", "l.xlsx", "不是有效的 .xlsx 文件"),
        (b"PK\x03\x04 broken zip", "l.xlsx", "不是有效的 .xlsx 文件"),
        (b"%PDF-1.4", "l.pdf", "请上传 Excel"),
    ],
)
def test_unreadable_files_get_a_clear_error(world, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ledger.TableError, match=message):
        run(world, path)


def test_a_truncated_xlsx_is_reported_not_crashed(world, tmp_path):
    good = write_file(tmp_path / "g.xlsx", [row("张三", idn(11), world.v1)])
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(ledger.TableError):
        run(world, broken)


def test_an_empty_sheet(world, tmp_path):
    path = tmp_path / "e.xlsx"
    xlsxwriter.Workbook(str(path)).close()
    with pytest.raises(ledger.TableError, match="空"):
        run(world, path)


def test_missing_required_columns(world, tmp_path):
    path = write_file(tmp_path / "m.xlsx", [["张三", world.v1.code]], headers=["姓名", "村(居)区划代码"])
    with pytest.raises(ledger.TableError, match="缺少必填列：“身份证号”"):
        run(world, path)
    path = write_file(tmp_path / "v.xlsx", [["张三", idn(1)]], headers=["姓名", "身份证号"])
    with pytest.raises(ledger.TableError, match="村\\(居\\)区划代码"):
        run(world, path)


def test_unknown_columns_are_ignored_and_reported(world, tmp_path):
    headers = ["序号", "姓名", "身份证号", "村(居)区划代码", "性别", "出生日期", "户主"]
    path = write_file(
        tmp_path / "u.xlsx",
        [["1", "张三", idn(11), world.v1.code, "女", "1990-01-01", "张三"]],
        headers=headers,
    )
    report = run(world, path, commit=True)
    assert report.errors == [] and report.created == 1
    assert report.ignored_columns == ["序号", "性别", "出生日期", "户主"]
    assert Person.objects.get().sex == "M"  # from the ID number, not the 性别 column


def test_a_csv_file_in_gbk_works_too(world, tmp_path):
    path = tmp_path / "l.csv"
    text = f"姓名,身份证号,村(居)委会,供养方式\n张三,{idn(11)},青石社区,集中\n"
    path.write_bytes(text.encode("gb18030"))
    report = run(world, path, commit=True)
    assert report.errors == [] and Person.objects.get().placement == "centralized"


def test_loose_headers_match(world, tmp_path):
    headers = [" 姓 名 ", "身份证号码（18位）", "村（居）区划代码", "联系\n电话"]
    path = write_file(tmp_path / "h.xlsx", [["张三", idn(11), world.v1.code, "13800000001"]], headers=headers)
    report = run(world, path, commit=True)
    assert report.errors == [] and Person.objects.get().phone == "13800000001"


def test_formulas_in_the_header(world, tmp_path):
    """Excel stores a formula's last value, which is what the reader sees."""
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_formula(0, 0, '="姓"&"名"', None, "姓名")
    ws.write_formula(0, 1, '=CONCATENATE("身份证","号")', None, "身份证号")
    ws.write_string(0, 2, "村(居)区划代码")
    ws.write_row(1, 0, ["张三", idn(11), world.v1.code])
    wb.close()
    report = run(world, path, commit=True)
    assert report.errors == [] and report.created == 1


def test_a_formula_header_saved_without_its_value_is_a_missing_column(world, tmp_path):
    """openpyxl writes formulas without a cached value: the header cell reads as empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(['="姓名"', "身份证号", "村(居)区划代码"])
    ws.append(["张三", idn(11), world.v1.code])
    path = tmp_path / "o.xlsx"
    wb.save(path)
    with pytest.raises(ledger.TableError, match="缺少必填列：“姓名”"):
        run(world, path)


def test_merged_title_and_a_two_row_header_with_merged_group_cells(world, tmp_path):
    """Row 1: a merged title. Row 2: group titles merged across columns (基本信息 over 姓名 and
    身份证号, 残疾情况 over 残疾类别 and 残疾等级) and single titles merged down two rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "青石镇特困人员台账"
    ws.merge_cells("A1:F1")
    ws["A2"], ws["C2"], ws["E2"], ws["F2"] = "基本信息", "残疾情况", "村(居)区划代码", "备注"
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:E3")
    ws.merge_cells("F2:F3")
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = "姓名", "身份证号", "残疾类别", "残疾等级"
    ws.append(["张三", idn(11), "肢体", "一级", world.v1.code, "独居"])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    report = run(world, path, commit=True)
    assert report.errors == [] and report.rows == 1
    person = Person.objects.get()
    assert (person.disability_kind, person.disability_grade, person.notes) == ("physical", 1, "独居")


def test_the_header_row_itself_with_merged_cells_above_columns(world, tmp_path):
    """A header whose own first row already names the required columns, followed by a row of
    sub-column names (merged group 残疾情况 in row 1)."""
    path = tmp_path / "s.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range(0, 0, 1, 0, "姓名")
    ws.merge_range(0, 1, 1, 1, "身份证号")
    ws.merge_range(0, 2, 1, 2, "村(居)区划代码")
    ws.merge_range(0, 3, 0, 4, "残疾情况")
    ws.write_row(1, 3, ["残疾类别", "残疾等级"])
    ws.write_row(2, 0, ["张三", idn(11), world.v1.code, "精神", "二级"])
    wb.close()
    report = run(world, path, commit=True)
    assert report.errors == [] and report.rows == 1
    assert Person.objects.get().disability_kind == "mental"


# ---- row problems ----------------------------------------------------------------------------


def test_an_invalid_check_character(world, tmp_path):
    bad = idn(11)[:17] + ("0" if idn(11)[17] != "0" else "1")
    report = run(world, write_file(tmp_path / "i.xlsx", [row("张三", bad, world.v1)]))
    [(r, column, message)] = errors_of(report)
    assert (r, column) == (2, "身份证号") and "校验位错误" in message


def test_an_impossible_birth_date_in_the_id_number(world, tmp_path):
    first17 = "99012119500230011"  # 30 February
    from doudi.registry.idcard import check_character

    report = run(
        world, write_file(tmp_path / "i.xlsx", [row("张三", first17 + check_character(first17), world.v1)])
    )
    assert errors_of(report) == [(2, "身份证号", "身份证号中的出生日期“19500230”不存在")]


def test_an_id_number_excel_stored_as_a_number(world, tmp_path):
    number = make_id_number("990121", dt.date(1950, 3, 1), 12)  # ends in a digit
    assert number[-1].isdigit()
    path = write_file(tmp_path / "n.xlsx", [row("张三", number, world.v1)], id_as_text=False)
    report = run(world, path)
    [(r, column, message)] = errors_of(report)
    assert (r, column) == (2, "身份证号")
    assert "存成了数字" in message and "文本" in message


def test_an_id_number_shown_in_scientific_notation(world, tmp_path):
    report = run(world, write_file(tmp_path / "n.xlsx", [row("张三", "9.90121E+17", world.v1)]))
    assert "存成了数字" in report.errors[0]["message"]


def test_a_masked_id_number_from_an_export(world, tmp_path):
    report = run(world, write_file(tmp_path / "n.xlsx", [row("张三", mask_id_number(idn(11)), world.v1)]))
    assert "脱敏" in report.errors[0]["message"]


def test_the_same_id_number_twice(world, tmp_path):
    rows = [row("张三", idn(11), world.v1), row("李四", idn(22), world.v1), row("张三", idn(11), world.v1b)]
    report = run(world, write_file(tmp_path / "d.xlsx", rows))
    assert errors_of(report) == [(4, "身份证号", f"身份证号 {mask_id_number(idn(11))} 与第2行重复")]
    assert (report.created, report.skipped) == (2, 1)


def test_a_village_outside_the_users_area(world, tmp_path):
    rows = [row("张三", idn(11), world.v1), row("王五", idn(33), world.v2)]
    report = run(world, write_file(tmp_path / "o.xlsx", rows), commit=True)  # town1 imports
    assert errors_of(report) == [
        (3, "村(居)区划代码", f"村(居)区划代码 {world.v2.code} 不存在，或不在您的管辖范围内")
    ]
    assert report.committed is False and not Person.objects.exists()  # all or nothing


def test_village_codes_that_do_not_exist_or_are_malformed(world, tmp_path):
    rows = [row("甲", idn(1), world.v1), row("乙", idn(2), world.v1), row("丙", idn(3), world.v1)]
    rows[0][COL["村(居)区划代码"]] = "990121100999"
    rows[1][COL["村(居)区划代码"]] = "99012110020"
    rows[2][COL["村(居)区划代码"]] = world.t1.code  # a township, not a village
    report = run(world, write_file(tmp_path / "v.xlsx", rows))
    assert [e["message"] for e in report.errors] == [
        "村(居)区划代码 990121100999 不存在，或不在您的管辖范围内",
        "村(居)区划代码“99012110020”应为12位数字",
        f"村(居)区划代码 {world.t1.code} 不存在，或不在您的管辖范围内",
    ]


def test_village_name_alone_or_checked_against_the_code(world, tmp_path):
    headers = ["姓名", "身份证号", "村(居)委会"]
    path = write_file(
        tmp_path / "n.xlsx",
        [["张三", idn(11), "东山村村民委员会"], ["李四", idn(22), "无名村"]],
        headers=headers,
    )
    report = run(world, path)
    assert errors_of(report) == [
        (3, "村(居)委会", "在您的管辖范围内找不到村(居)委会“无名村”，请填写村(居)区划代码")
    ]
    report = run(world, path, commit=True, all_or_nothing=False)
    assert Person.objects.get().village_id == world.v1b.code

    mismatch = row("王五", idn(33), world.v1, **{"村(居)委会": "东山村"})
    report = run(world, write_file(tmp_path / "m.xlsx", [mismatch]))
    assert errors_of(report) == [
        (2, "村(居)委会", f"村(居)委会“东山村”与区划代码 {world.v1.code}（青石社区）不一致，请核对")
    ]
    fine = row("王五", idn(33), world.v1, **{"村(居)委会": "青石社区居委会"})
    assert run(world, write_file(tmp_path / "f.xlsx", [fine])).errors == []


def test_a_blank_village_mentions_merged_cells(world, tmp_path):
    r = row("张三", idn(11), world.v1)
    r[COL["村(居)区划代码"]] = ""
    report = run(world, write_file(tmp_path / "b.xlsx", [r]))
    assert "合并单元格" in report.errors[0]["message"]


def test_inconsistent_dates_and_disability(world, tmp_path):
    rows = [
        row("甲", idn(1), world.v1, 申请日期="1940-01-01"),
        row("乙", idn(2), world.v1, 供养开始日期="2024-05-01", 终止日期="2024-04-01", 状态="已终止"),
        row("丙", idn(3), world.v1, 终止日期="2024-04-01", 状态="在册"),
        row("丁", idn(4), world.v1, 残疾等级="二级"),
        row("戊", idn(5), world.v1, 申请日期="2027-01-01"),
        row("己", idn(6), world.v1, 申请日期="2024-02-30"),
    ]
    report = run(world, write_file(tmp_path / "c.xlsx", rows))
    assert errors_of(report) == [
        (2, "申请日期", "申请日期早于出生日期（1950-03-01）"),
        (3, "终止日期", "终止日期早于供养开始日期"),
        (4, "状态", "填写了终止日期，状态应为“已终止”，实际为“在册”"),
        (5, "残疾类别", "填写了残疾等级，但未填写残疾类别"),
        (6, "申请日期", "申请日期“2027-01-01”晚于今天"),
        (
            7,
            "申请日期",
            "日期“2024-02-30”不存在。日期可写成 2024-01-05、2024/1/5 或 2024年1月5日，也可以是 Excel 日期。",
        ),
    ]


def test_every_error_of_a_row_is_reported(world, tmp_path):
    r = row("", "123", world.v1, 联系电话="call me", 婚姻状况="保密")
    report = run(world, write_file(tmp_path / "e.xlsx", [r]))
    assert {e["column"] for e in report.errors} == {"姓名", "身份证号", "联系电话", "婚姻状况"}
    assert report.skipped == 1


def test_text_too_long(world, tmp_path):
    report = run(world, write_file(tmp_path / "t.xlsx", [row("张" * 51, idn(1), world.v1)]))
    assert errors_of(report) == [(2, "姓名", "姓名不能超过50个字，实际为51个字")]


def test_free_text_keeps_full_width_punctuation(world, tmp_path):
    path = write_file(
        tmp_path / "t.xlsx", [row("张三", idn(11), world.v1, 住址="青石社区（东）1组", 备注="独居，需复查")]
    )
    run(world, path, commit=True)
    person = Person.objects.get()
    assert (person.address, person.notes) == ("青石社区（东）1组", "独居，需复查")


def test_text_that_copy_must_escape_is_stored_as_written(world, tmp_path, monkeypatch):
    """On PostgreSQL new persons are written as COPY text formatted by the importer itself
    (ledger._PersonInserter.copy_text): backslashes, tabs and line breaks inside a cell must
    arrive as they were written, a literal \\N must not become NULL, and the rows around them,
    taken by the fast path, must be unaffected."""
    monkeypatch.setattr(ledger, "BATCH", 3)
    awkward = [
        ("东山村\\3组", "第一行\n第二行"),
        ("a\tb", "\\N"),
        ("c:\\d\re", "\\"),
        ("青石社区（东）1组", ""),
    ]
    rows = [row(f"张{i}", idn(20 + i), world.v1, 住址=a, 备注=n) for i, (a, n) in enumerate(awkward)]
    rows.insert(
        1,
        row(
            "李四", idn(40), world.v1, 住址="普通地址", 备注="普通备注", 残疾类别="视力残疾", 残疾等级="二级"
        ),
    )
    run(world, write_file(tmp_path / "t.xlsx", rows), commit=True)
    stored = {p.name: (p.address, p.notes) for p in Person.objects.all()}
    assert stored == {**{f"张{i}": v for i, v in enumerate(awkward)}, "李四": ("普通地址", "普通备注")}
    li = Person.objects.get(name="李四")
    assert (li.disability_grade, li.applied_on, li.created_by_id) == (2, None, world.users.town1.pk)


def test_a_person_registered_in_another_township_is_refused_naming_the_office(world, tmp_path, people):
    report = run(
        world, write_file(tmp_path / "w.xlsx", [row("王五", people.wang.id_number, world.v1)]), commit=True
    )
    assert errors_of(report) == [
        (
            2,
            "身份证号",
            "此身份证号的人员已在柳河镇登记，不在您的管辖范围内，不能在此导入；如需迁入，请联系柳河镇民政办",
        )
    ]
    people.wang.refresh_from_db()
    assert people.wang.village_id == world.v2.code


# ---- commit modes --------------------------------------------------------------------------


def test_all_or_nothing_writes_nothing_and_valid_rows_writes_the_rest(world, tmp_path):
    rows = [row("张三", idn(11), world.v1), row("坏", "123", world.v1), row("李四", idn(22), world.v1b)]
    path = write_file(tmp_path / "m.xlsx", rows)
    report = run(world, path, commit=True)
    assert report.committed is False and report.created == 2 and len(report.errors) == 1
    assert (
        not Person.objects.exists() and not AuditEntry.objects.filter(object_type="registry.person").exists()
    )

    report = run(world, path, commit=True, all_or_nothing=False)
    assert (report.committed, report.created, report.skipped) == (True, 2, 1)
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "李四"}


@pytest.mark.parametrize("read_ahead", [True, False])
def test_batches_and_an_error_in_a_late_batch(world, tmp_path, monkeypatch, read_ahead):
    """Without the read-ahead (and, by the threads' timing, sometimes with it) the first batches are
    written before the bad row is read: the import is still refused whole, the audit chain's head
    left where it was."""
    monkeypatch.setattr(ledger, "BATCH", 3)
    monkeypatch.setattr(ledger, "READ_AHEAD", read_ahead)
    rows = [row(f"人{i}", idn(i), world.v1) for i in range(1, 11)]
    rows[8][COL["身份证号"]] = "bad"
    path = write_file(tmp_path / "b.xlsx", rows)
    report = run(world, path, commit=True)
    assert report.committed is False and not Person.objects.exists()
    report = run(world, path, commit=True, all_or_nothing=False)
    assert (report.created, Person.objects.count()) == (9, 9)
    assert AuditEntry.objects.filter(object_type="registry.person", action="import").count() == 9


def test_duplicates_are_queued_for_review(world, tmp_path, register):
    register(world.users.town1, world.v1, "张三", birth=dt.date(1950, 3, 1), seq=11)
    homophone = row("章三", idn(13), world.v1)  # same pinyin, same birth date, another ID
    report = run(world, write_file(tmp_path / "d.xlsx", [homophone]), commit=True)
    assert report.duplicates == 1
    assert DuplicateCandidate.objects.count() == 1


def test_a_clerk_without_the_right_cannot_import(world, tmp_path):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1)])
    with pytest.raises(PermissionDenied):
        run(world, path, actor=world.users.village1)


# ---- volume --------------------------------------------------------------------------------


def test_queries_do_not_grow_with_rows(world, tmp_path, monkeypatch):
    """Persons and villages are looked up in bulk: the query count depends on the number of
    batches, never on the number of rows."""
    monkeypatch.setattr(ledger, "BATCH", 50)

    def queries(n, name, seq):
        rows = [
            row(f"人{i}", make_id_number("990121", dt.date(1940, 1, 1) + dt.timedelta(days=i), seq), world.v1)
            for i in range(n)
        ]
        path = write_file(tmp_path / name, rows)
        with CaptureQueriesContext(connection) as ctx:
            report = run(world, path, commit=True)
        assert report.created == n
        return len(ctx)

    small, large = queries(50, "s.xlsx", 1), queries(500, "l.xlsx", 3)
    assert large <= small * 10  # 10× the batches, not 10× per row
    assert large < 250


def test_a_100000_row_file_is_read_as_a_stream(world, tmp_path, monkeypatch):
    """100,000 rows: checked batch by batch (never more than BATCH rows held), with one lookup
    query per batch. The full import of such a file is measured in bench/import_persons.py."""
    villages = [world.v1, world.v1b]
    start = dt.date(1930, 1, 1)
    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["姓名", "身份证号", "村(居)区划代码", "供养方式"])
    for i in range(100_000):
        number = make_id_number("990121", start + dt.timedelta(days=i // 500), (i % 500) * 2 + 1)
        ws.write_row(i + 1, 0, ["张三", number, villages[i % 2].code, "分散"])
    wb.close()

    seen = []
    original = ledger._Apply.__call__

    def spy(self, batch, *args, **kwargs):
        seen.append(len(batch))
        return original(self, batch, *args, **kwargs)

    monkeypatch.setattr(ledger._Apply, "__call__", spy)
    with CaptureQueriesContext(connection) as ctx:
        report = run(world, path)
    assert (report.rows, report.created, report.errors) == (100_000, 100_000, [])
    assert max(seen) == ledger.BATCH and sum(seen) == 100_000
    assert len(ctx) <= 100_000 // ledger.BATCH + 5


def _reader_threads():
    import threading

    return [t for t in threading.enumerate() if t.name == "ledger-reader"]


def _rows(world, n, seq=1):
    return [
        row(f"人{i}", make_id_number("990121", dt.date(1940, 1, 1) + dt.timedelta(days=i), seq), world.v1)
        for i in range(n)
    ]


def test_each_new_persons_audit_entry_names_that_person(world, tmp_path, monkeypatch, people):
    """New persons are written in bulk (COPY / executemany) and their ids worked out from the
    sequence (PostgreSQL) or the last rowid (SQLite): every audit entry must name its own person,
    with the values that person was created with, and the chain must verify."""
    from doudi.core import audit

    monkeypatch.setattr(ledger, "BATCH", 7)
    rows = [
        row(
            f"{'张李王赵'[i % 4]}{i}",
            idn(100 + i, dt.date(1940, 1, 1) + dt.timedelta(days=i)),
            [world.v1, world.v1b][i % 2],
        )
        for i in range(40)
    ]
    report = run(world, write_file(tmp_path / "l.xlsx", rows), commit=True)
    assert report.created == 40
    entries = AuditEntry.objects.filter(action="import", object_type="registry.person")
    assert entries.count() == 40
    persons = {str(p.pk): p for p in Person.objects.all()}
    for e in entries:
        p = persons[e.object_id]
        assert (e.object_repr, e.region_code) == (p.name, p.village_id)
        assert e.changes["name"] == [None, p.name] and e.changes["birth_date"] == [
            None,
            f"{p.birth_date.year}-**-**",
        ]
        assert e.changes["id_number"] == [None, mask_id_number(p.id_number)]
        assert e.extra["row"] == next(i for i, r in enumerate(rows, start=2) if r[1] == p.id_number)
    assert audit.verify_chain().ok


def test_an_error_while_reading_ahead_reaches_the_caller_and_nothing_is_written(world, tmp_path, monkeypatch):
    """Rows are read and checked in a thread (ledger._read_ahead) while the database writes: a
    failure there is raised by ledger_import, the transaction rolls back, the thread is gone."""
    monkeypatch.setattr(ledger, "BATCH", 10)
    path = write_file(tmp_path / "l.xlsx", _rows(world, 60))
    original = ledger._Parser.parse
    calls = []

    def failing(self, values):
        calls.append(1)
        if len(calls) == 45:
            raise RuntimeError("disk gone")
        return original(self, values)

    monkeypatch.setattr(ledger._Parser, "parse", failing)
    with pytest.raises(RuntimeError, match="disk gone"):
        run(world, path, commit=True)
    assert not Person.objects.exists() and not AuditEntry.objects.exists()
    assert _reader_threads() == []


def test_a_failed_write_stops_the_reader(world, tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "BATCH", 10)
    path = write_file(tmp_path / "l.xlsx", _rows(world, 200))
    original = ledger._Apply.__call__
    batches = []

    def failing(self, batch, *args, **kwargs):
        batches.append(len(batch))
        if len(batches) == 2:
            raise RuntimeError("database gone")
        return original(self, batch, *args, **kwargs)

    monkeypatch.setattr(ledger._Apply, "__call__", failing)
    with pytest.raises(RuntimeError, match="database gone"):
        run(world, path, commit=True)
    assert not Person.objects.exists()
    assert _reader_threads() == []


def test_the_import_leaves_no_cyclic_garbage_and_the_collector_on(world, tmp_path):
    """The cyclic garbage collector is off during an import (ledger._gc_frozen): that is only
    safe while rows make no reference cycles, or memory would grow with the file."""
    import gc

    path = write_file(tmp_path / "l.xlsx", _rows(world, 3000))
    gc.collect()
    report = run(world, path, commit=True)
    assert report.created == 3000
    assert gc.isenabled()
    assert gc.collect() < 300  # a cycle per row would leave thousands


def test_reading_ahead_or_not_gives_the_same_result(world, tmp_path, monkeypatch):
    rows = _rows(world, 30) + [row("坏", "990121", world.v1)] + _rows(world, 30, seq=3)
    path = write_file(tmp_path / "l.xlsx", rows)
    monkeypatch.setattr(ledger, "BATCH", 7)
    ahead = run(world, path)
    monkeypatch.setattr(ledger, "READ_AHEAD", False)
    inline = run(world, path)
    assert ahead.as_dict() == inline.as_dict()
    assert (ahead.rows, ahead.created, len(ahead.errors)) == (61, 60, 1)


def _writer_threads():
    import threading

    return [t for t in threading.enumerate() if t.name.startswith("ledger-writer")]


def _chain_state():
    from doudi.core.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else None


def test_a_failed_batch_write_in_the_writer_thread_rolls_everything_back(world, tmp_path, monkeypatch):
    """On PostgreSQL each batch's COPYs run in a writer thread while the next batch is built
    (ledger._Writer): a failure there reaches the caller, nothing of the file is written, the
    audit chain's head is where it was, and no thread is left behind. (On SQLite the same job
    runs inline and must behave the same.)"""
    from doudi.core import audit

    monkeypatch.setattr(ledger, "BATCH", 10)
    audit.record(world.users.county, "update", world.t1, changes={"name": ["a", "b"]})
    before = _chain_state()
    path = write_file(tmp_path / "l.xlsx", _rows(world, 60))
    original = ledger._PersonInserter.write if connection.vendor == "postgresql" else audit.write_rows
    jobs = []

    def failing(*args):
        jobs.append(1)
        if len(jobs) == 3:
            raise RuntimeError("server gone")
        return original(*args)

    if connection.vendor == "postgresql":
        monkeypatch.setattr(ledger._PersonInserter, "write", failing)
    else:
        monkeypatch.setattr(audit, "write_rows", failing)
    with pytest.raises(RuntimeError, match="server gone"):
        run(world, path, commit=True)
    assert not Person.objects.exists()
    assert AuditEntry.objects.count() == 1 and _chain_state() == before
    assert _reader_threads() == [] and _writer_threads() == []
    assert audit.verify_chain().ok


def test_a_person_written_by_someone_else_meanwhile_fails_the_import_cleanly(world, tmp_path, monkeypatch):
    """The writer's COPY is where a conflict with another writer shows (an ID number registered
    between the lookup and the write): the database's error reaches the caller, nothing of the
    file stays."""
    from django.db import IntegrityError

    monkeypatch.setattr(ledger, "BATCH", 10)
    rows = _rows(world, 30)
    path = write_file(tmp_path / "l.xlsx", rows)
    original = ledger._Apply.__call__
    calls = []

    def meanwhile(self, batch, *args, **kwargs):
        plan = original(self, batch, *args, **kwargs)
        calls.append(1)
        if len(calls) == 2:  # after batch 2 was looked up, its last person is registered elsewhere
            number = batch[-1][2].number
            Person.objects.create(
                name="别人", id_number=number, birth_date=dt.date(1950, 3, 1), sex="M", village=world.v1
            )
        return plan

    monkeypatch.setattr(ledger._Apply, "__call__", meanwhile)
    with pytest.raises(IntegrityError):
        run(world, path, commit=True)
    assert not Person.objects.exists()
    assert _writer_threads() == []


def test_writing_in_a_thread_or_inline_gives_the_same_persons_and_chain(world, tmp_path, monkeypatch):
    from doudi.core import audit

    monkeypatch.setattr(ledger, "BATCH", 7)
    rows = _rows(world, 40)
    path = write_file(tmp_path / "l.xlsx", rows)
    threaded = run(world, path, commit=True)
    first = {p.id_number: (p.name, p.village_id, p.birth_date) for p in Person.objects.all()}
    entries = list(AuditEntry.objects.order_by("seq").values_list("object_repr", "changes", "extra"))
    Person.objects.all().delete()
    monkeypatch.setattr(ledger, "PIPELINE", False)
    inline = run(world, path, commit=True)
    assert threaded.as_dict() == inline.as_dict() and threaded.created == 40
    assert {p.id_number: (p.name, p.village_id, p.birth_date) for p in Person.objects.all()} == first
    again = list(AuditEntry.objects.order_by("seq").values_list("object_repr", "changes", "extra"))
    assert again[40:] == entries and len(again) == 80
    assert audit.verify_chain().ok
    assert _writer_threads() == []


# ---- export --------------------------------------------------------------------------------


def test_export_masks_id_numbers_and_logs_itself(world, tmp_path, people):
    path = tmp_path / "e.xlsx"
    n = ledger.ledger_export(actor=world.users.county, region=world.t1, target=str(path))
    assert n == 2
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[1] == HEADERS  # row 1 is the title
    ids = {r[1] for r in sheet[2:]}
    assert ids == {mask_id_number(people.zhang.id_number), mask_id_number(people.li.id_number)}
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.users.county and entry.region_code == world.t1.code
    assert entry.extra["full_ids"] is False and entry.extra["rows"] == 2


def test_full_id_numbers_need_the_right(world, tmp_path, people):
    with pytest.raises(PermissionDenied):
        ledger.ledger_export(
            actor=world.users.inspector, region=world.county, target=str(tmp_path / "x.xlsx"), full_ids=True
        )
    ledger.ledger_export(
        actor=world.users.county, region=world.county, target=str(tmp_path / "f.xlsx"), full_ids=True
    )
    sheet = CalamineWorkbook.from_path(str(tmp_path / "f.xlsx")).get_sheet_by_index(0).to_python()
    assert people.wang.id_number in {r[1] for r in sheet[2:]}
    assert AuditEntry.objects.get(action="export").extra["full_ids"] is True


def test_export_by_status(world, tmp_path, people, register):
    register(world.users.town1, world.v1, "赵六", seq=66, status="applying")
    path = tmp_path / "s.xlsx"
    assert ledger.ledger_export(actor=world.users.town1, target=str(path), status="applying") == 1
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in sheet[2:]] == ["赵六"] and sheet[2][HEADERS.index("状态")] == "申请中"


def test_an_export_outside_the_area_is_refused(world, tmp_path, people):
    with pytest.raises(PermissionDenied):
        ledger.ledger_export(actor=world.users.town1, region=world.t2, target=str(tmp_path / "x.xlsx"))


def test_an_export_reimports_unchanged(world, tmp_path):
    rows = list(
        realistic_rows(
            60, [(world.v1.code, world.v1.name), (world.v1b.code, world.v1b.name)], seed=3, today=TODAY
        )
    )
    rows[0][COL["备注"]] = "独居，需复查（东）"
    rows[1][COL["联系电话"]] = "0371-12345678"
    report = run(world, write_file(tmp_path / "in.xlsx", rows), commit=True)
    assert report.errors == [] and report.created == 60
    before = list(Person.objects.order_by("pk").values())

    out = tmp_path / "out.xlsx"
    ledger.ledger_export(actor=world.users.town1, region=world.t1, target=str(out), full_ids=True)
    again = run(world, out, commit=True)
    assert (again.rows, again.created, again.updated, again.unchanged, again.errors) == (60, 0, 0, 60, [])
    assert list(Person.objects.order_by("pk").values()) == before


def test_the_template_explains_each_column(world, tmp_path):
    path = tmp_path / "t.xlsx"
    ledger.ledger_template(str(path), actor=world.users.town1)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["台账", "填写说明", "区划代码"]
    assert book.get_sheet_by_index(0).to_python() == [HEADERS]
    guide = book.get_sheet_by_name("填写说明").to_python()
    explained = {r[0]: r for r in guide[1 : len(HEADERS) + 1]}
    assert list(explained) == HEADERS
    assert explained["供养方式"][3] == "集中、分散"
    assert explained["状态"][3] == "申请中、在册、已终止、不予认定、不予受理"
    codes = book.get_sheet_by_name("区划代码").to_python()
    assert codes[1:] == [
        [world.v1.code, world.v1.name],
        [world.v1b.code, world.v1b.name],
    ]  # town1's area only


def test_an_empty_template_imports_as_nothing(world, tmp_path):
    path = tmp_path / "t.xlsx"
    ledger.ledger_template(str(path), actor=world.users.town1)
    report = run(world, path, commit=True)
    assert (report.rows, report.errors) == (0, [])


def test_the_layout_covers_every_field_a_clerk_maintains():
    from doudi.registry.services import PERSON_FIELDS

    keys = {c.key for c in ledger.COLUMNS} - {"village_name", "village_code"} | {"village"}
    assert keys == set(PERSON_FIELDS)
    for column in ledger.COLUMNS:
        if column.values:
            field = Person._meta.get_field(column.key)
            stored = {str(v) for v, _ in field.choices}
            assert {str(v) for v in column.values} == stored, column.header


# ---- the same rules as the registration form ------------------------------------------------


def test_the_import_refuses_what_the_form_refuses(world, tmp_path):
    """An abolished village for a new person, a disability kind without its grade, and support
    starting before the application: errors, as services.person_create gives them."""
    from doudi.core.models import Region

    Region.objects.filter(pk=world.v1b.pk).update(is_active=False)
    rows = [
        row("新人", idn(71), world.v1b),
        row("王五", idn(72), world.v1, 残疾类别="肢体"),
        row("赵六", idn(73), world.v1, 申请日期="2025-03-01", 供养开始日期="2025-01-01"),
        row("孙七", idn(74), world.v1),
    ]
    report = run(world, write_file(tmp_path / "l.xlsx", rows), commit=True, all_or_nothing=False)
    messages = {e["row"]: e["message"] for e in report.errors}
    assert "已撤销或合并" in messages[2] and "未填写残疾等级" in messages[3]
    assert "供养开始日期早于申请日期" in messages[4] and 5 not in messages
    assert set(Person.objects.values_list("name", flat=True)) == {"孙七"}


def test_a_person_already_in_an_abolished_village_may_stay(world, tmp_path):
    from doudi.core.models import Region

    first = run(world, write_file(tmp_path / "a.xlsx", [row("老李", idn(75), world.v1b)]), commit=True)
    assert first.errors == [] and first.created == 1
    Region.objects.filter(pk=world.v1b.pk).update(is_active=False)
    again = run(
        world, write_file(tmp_path / "b.xlsx", [row("老李", idn(75), world.v1b, 联系电话="139")]), commit=True
    )
    assert again.errors == [] and again.updated == 1
