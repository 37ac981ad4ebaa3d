import csv
import json

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.core.models import AuditEntry, Job, Region
from doudi.core.services import region_import
from doudi.core.tabular import TableError

HEADER = ["区划代码", "名称", "城乡分类代码"]
GOOD = [
    ["990121000000", "安和县", ""],
    ["990121102000", "双桥镇", ""],
    ["990121102001", "双桥社区", "121"],
    ["990121102201", "前进村", "220"],
]


def write_xlsx(path, rows, header=HEADER, title=None):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    r = 0
    if title:
        ws.merge_range(0, 0, 0, len(header) - 1, title)
        r = 1
    ws.write_row(r, 0, header)
    for i, row in enumerate(rows, start=r + 1):
        for c, v in enumerate(row):
            ws.write_string(i, c, str(v))
    wb.close()
    return path


def write_csv(path, rows, header=HEADER, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_a_good_file_imports_and_reimport_changes_nothing(world, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", GOOD, title="安和县区划代码（2026年）")
    report = region_import(actor=world.users.county, path=path)
    assert report.errors == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 3, 0, 1)
    village = Region.objects.get(code="990121102201")
    assert village.parent_id == "990121102000" and village.level == 5 and village.is_urban is False
    assert Region.objects.get(code="990121102001").is_urban is True
    assert AuditEntry.objects.filter(action="create", object_type="core.region").count() == 3

    again = region_import(actor=world.users.county, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_csv_in_gbk_with_loose_headers(world, tmp_path):
    path = write_csv(
        tmp_path / "r.csv", GOOD, header=[" 区划代码 ", "名 称", "城乡分类代码（3位）"], encoding="gb18030"
    )
    report = region_import(actor=world.users.county, path=path)
    assert report.errors == [] and report.created == 3


def test_a_bad_code_names_the_row_and_nothing_is_written(world, tmp_path):
    rows = GOOD + [["99012110220", "短码村", "220"]]
    report = region_import(actor=world.users.county, path=write_xlsx(tmp_path / "r.xlsx", rows))
    assert report.errors == [{"row": 6, "column": "区划代码", "message": "区划代码“99012110220”应为12位数字"}]
    assert not Region.objects.filter(code="990121102000").exists()


def test_an_orphan_names_the_row(world, tmp_path):
    rows = [["990121103201", "孤村", "220"]]  # township 103 exists neither in file nor system
    report = region_import(actor=world.users.county, path=write_xlsx(tmp_path / "r.xlsx", rows))
    assert len(report.errors) == 1
    assert report.errors[0]["row"] == 2
    assert "上级区划 990121103000 不存在" in report.errors[0]["message"]


def test_a_duplicate_names_both_rows(world, tmp_path):
    rows = GOOD + [["990121102201", "前进村", "220"]]
    report = region_import(actor=world.users.county, path=write_xlsx(tmp_path / "r.xlsx", rows))
    assert report.errors == [{"row": 6, "column": "区划代码", "message": "区划代码 990121102201 与第5行重复"}]


def test_village_needs_a_valid_urban_rural_code(world, tmp_path):
    rows = GOOD[:2] + [["990121102201", "前进村", "999"]]
    report = region_import(actor=world.users.county, path=write_xlsx(tmp_path / "r.xlsx", rows))
    assert report.errors[0]["row"] == 4 and "城乡分类代码“999”无效" in report.errors[0]["message"]


def test_a_clerk_cannot_import_outside_their_area(world, tmp_path):
    report = region_import(actor=world.users.town1, path=write_xlsx(tmp_path / "r.xlsx", GOOD[1:]))
    assert {e["message"] for e in report.errors} == {
        "区划代码 990121102000 不在您的管辖范围内",
        "区划代码 990121102001 不在您的管辖范围内",
        "区划代码 990121102201 不在您的管辖范围内",
    }


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"not a spreadsheet", "r.xlsx", "不是有效的 .xlsx 文件"),
        (b"PK\x03\x04 broken zip", "r.xlsx", "不是有效的 .xlsx 文件"),
        (b"whatever", "r.pdf", "请上传 Excel"),
    ],
)
def test_unreadable_files_get_a_clear_error(world, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        region_import(actor=world.users.county, path=path)


def test_empty_sheet_and_missing_column(world, tmp_path):
    with pytest.raises(TableError, match="空"):
        region_import(actor=world.users.county, path=write_xlsx(tmp_path / "e.xlsx", [], header=[]))
    with pytest.raises(TableError, match="缺少必填列：“名称”"):
        region_import(
            actor=world.users.county,
            path=write_xlsx(
                tmp_path / "m.xlsx", [["990121102000", "121"]], header=["区划代码", "城乡分类代码"]
            ),
        )


def test_cli_prints_json_and_fails_on_errors(world, tmp_path, capsys):
    call_command("import-regions", str(write_xlsx(tmp_path / "r.xlsx", GOOD)), "--actor", "county")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 3
    with pytest.raises(CommandError, match="未导入"):
        call_command("import-regions", str(write_xlsx(tmp_path / "b.xlsx", [["1", "x", ""]])))


def test_upload_page_imports_small_files_inline(world, login, tmp_path):
    client = login(world.users.county)
    with open(write_xlsx(tmp_path / "r.xlsx", GOOD), "rb") as fh:
        response = client.post("/regions/import/", {"file": fh}, follow=True)
    assert response.status_code == 200
    assert Region.objects.filter(code="990121102201").exists()


def test_upload_page_shows_errors_and_writes_nothing(world, login, tmp_path):
    client = login(world.users.county)
    with open(write_xlsx(tmp_path / "r.xlsx", GOOD + [["990121102201", "重复", "220"]]), "rb") as fh:
        response = client.post("/regions/import/", {"file": fh})
    body = response.content.decode()
    assert "与第5行重复" in body
    assert not Region.objects.filter(code="990121102000").exists()


def test_large_files_run_as_a_job_with_progress(
    world, login, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.DOUDI_INLINE_IMPORT_MAX_ROWS = 2
    client = login(world.users.county)
    with django_capture_on_commit_callbacks(execute=True):
        with open(write_xlsx(tmp_path / "r.xlsx", GOOD), "rb") as fh:
            response = client.post("/regions/import/", {"file": fh})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["created"] == 3 and job.upload.original_name == "r.xlsx"
    page = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "100%" in page.content.decode()
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
