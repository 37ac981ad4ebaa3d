"""The ledger pages, driven through the Django test client as a clerk uses them."""

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from doudi.core.models import AuditEntry, Job
from doudi.registry.idcard import make_id_number, mask_id_number
from doudi.registry.models import LedgerImport, Person

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import COL, HEADERS, write_file  # noqa: E402


def idn(seq, birth=dt.date(1950, 3, 1)):
    return make_id_number("990121", birth, seq)


def row(name, number, village, **cells):
    values = [""] * len(HEADERS)
    values[COL["姓名"]], values[COL["身份证号"]], values[COL["村(居)区划代码"]] = name, number, village.code
    for header, value in cells.items():
        values[COL[header]] = value
    return values


def upload(client, path, mode="all"):
    with open(path, "rb") as fh:
        return client.post("/ledger/import/", {"file": fh, "mode": mode})


def body(response) -> str:
    return response.content.decode()


def test_upload_preview_errors_fix_commit_and_reimport(world, login, tmp_path):
    client = login(world.users.town1)
    assert client.get("/ledger/import/").status_code == 200

    bad = [
        row("张三", idn(11), world.v1),
        row("李四", idn(22)[:17] + "0", world.v1b),
        row("王五", idn(33), world.v2),
    ]
    if idn(22)[17] == "0":
        bad[1][COL["身份证号"]] = idn(22)[:17] + "1"
    response = upload(client, write_file(tmp_path / "台账.xlsx", bad))
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ledger/imports/{record.pk}/"
    page = body(client.get(response["Location"]))
    assert "校验位错误" in page and "不在您的管辖范围内" in page  # the error table, in Chinese
    assert "<td>3</td><td>身份证号</td>" in page and "<td>4</td><td>村(居)区划代码</td>" in page
    assert record.status == "checked" and (record.rows, record.created, record.error_count) == (3, 1, 2)
    assert not Person.objects.exists()  # a preview writes nothing
    assert record.upload.original_name == "台账.xlsx" and record.upload.kind == "person_ledger"

    good = [row("张三", idn(11), world.v1), row("李四", idn(22), world.v1b)]
    response = upload(client, write_file(tmp_path / "台账2.xlsx", good))
    fixed = LedgerImport.objects.latest("pk")
    page = body(client.get(response["Location"]))
    assert fixed.error_count == 0 and f'action="/ledger/imports/{fixed.pk}/commit/"' in page
    response = client.post(f"/ledger/imports/{fixed.pk}/commit/", follow=True)
    assert response.status_code == 200
    fixed.refresh_from_db()
    assert fixed.status == "done" and fixed.created == 2 and fixed.committed_at is not None
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "李四"}
    assert AuditEntry.objects.filter(action="import", object_type="registry.ledgerimport").count() == 1

    response = upload(client, write_file(tmp_path / "台账3.xlsx", good))
    again = LedgerImport.objects.latest("pk")
    client.post(f"/ledger/imports/{again.pk}/commit/")
    again.refresh_from_db()
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 0, 2)
    assert Person.objects.count() == 2


def test_all_or_nothing_preview_offers_to_import_only_the_correct_rows(world, login, tmp_path):
    client = login(world.users.town1)
    rows = [row("张三", idn(11), world.v1), row("坏", "x", world.v1)]
    response = upload(client, write_file(tmp_path / "l.xlsx", rows))
    page = body(client.get(response["Location"]))
    assert 'name="mode" value="valid"' in page
    record = LedgerImport.objects.get()
    client.post(f"/ledger/imports/{record.pk}/commit/", {"mode": "valid"})
    record.refresh_from_db()
    assert (record.status, record.mode, record.created, record.error_count) == ("done", "valid", 1, 1)
    assert Person.objects.get().name == "张三"


def test_probable_duplicates_are_announced(world, login, tmp_path, register):
    register(world.users.county, world.v1, "张三", birth=dt.date(1950, 3, 1), seq=11)
    client = login(world.users.county)
    upload(client, write_file(tmp_path / "l.xlsx", [row("章三", idn(13), world.v1)]))
    record = LedgerImport.objects.get()
    page = body(client.post(f"/ledger/imports/{record.pk}/commit/", follow=True))
    record.refresh_from_db()
    assert record.report["duplicates"] == 1
    assert '<p class="warn">' in page and "前往核查</a>" in body(client.get(f"/ledger/imports/{record.pk}/"))


def test_a_second_commit_is_refused(world, login, tmp_path):
    client = login(world.users.town1)
    upload(client, write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1)]))
    record = LedgerImport.objects.get()
    client.post(f"/ledger/imports/{record.pk}/commit/")
    response = client.post(f"/ledger/imports/{record.pk}/commit/", follow=True)
    assert response.status_code == 200 and Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="import", object_type="registry.person").count() == 1


def test_only_the_uploader_commits(world, login, tmp_path):
    upload(login(world.users.town1), write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1)]))
    record = LedgerImport.objects.get()
    county = login(world.users.county)
    assert county.get(f"/ledger/imports/{record.pk}/").status_code == 200
    assert county.post(f"/ledger/imports/{record.pk}/commit/").status_code == 403
    assert not Person.objects.exists()


def test_an_unreadable_upload_is_kept_and_explained(world, login, tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"this is not excel")
    response = upload(login(world.users.town1), path)
    assert response.status_code == 200 and "不是有效的 .xlsx 文件" in body(response)
    record = LedgerImport.objects.get()
    assert record.status == "failed" and record.upload.size == len(b"this is not excel")


def test_a_file_with_missing_columns_shows_why(world, login, tmp_path):
    client = login(world.users.town1)
    response = upload(
        client, write_file(tmp_path / "l.xlsx", [["张三", world.v1.code]], headers=["姓名", "村(居)区划代码"])
    )
    record = LedgerImport.objects.get()
    assert record.status == "failed"
    assert "缺少必填列" in body(client.get(response["Location"]))


def test_large_files_are_checked_and_imported_as_jobs(
    world, login, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.DOUDI_INLINE_IMPORT_MAX_ROWS = 2
    client = login(world.users.town1)
    rows = [row("张三", idn(11), world.v1), row("李四", idn(22), world.v1b), row("赵六", idn(44), world.v1)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, write_file(tmp_path / "big.xlsx", rows))
    record = LedgerImport.objects.get()
    check = Job.objects.get(kind="ledger_check")
    assert response["Location"] == f"/ledger/imports/{record.pk}/"
    assert check.status == Job.Status.SUCCEEDED, check.error
    assert check.result["created"] == 3 and check.upload == record.upload
    record.refresh_from_db()
    assert record.status == "checked" and not Person.objects.exists()
    partial = body(client.get(f"/ledger/imports/{record.pk}/", headers={"HX-Request": "true"}))
    assert 'id="ledger-status"' in partial and "hx-trigger" not in partial  # finished: no polling

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ledger/imports/{record.pk}/commit/")
    commit = Job.objects.get(kind="ledger_commit")
    assert commit.status == Job.Status.SUCCEEDED, commit.error
    record.refresh_from_db()
    assert record.status == "done" and record.job == commit and Person.objects.count() == 3
    job_page = body(client.get(f"/jobs/{commit.pk}/", headers={"HX-Request": "true"}))
    assert "100%" in job_page and "3" in job_page


def test_a_running_job_is_polled_with_its_progress_bar(world, login, tmp_path, settings):
    settings.DOUDI_INLINE_IMPORT_MAX_ROWS = 0
    client = login(world.users.town1)
    upload(client, write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1)]))  # job not run
    record = LedgerImport.objects.get()
    assert record.status == "checking" and record.job.status == Job.Status.QUEUED
    page = body(client.get(f"/ledger/imports/{record.pk}/"))
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "hx-disable" in page


def test_the_original_file_is_kept_and_its_download_logged(world, login, tmp_path):
    path = write_file(tmp_path / "原件.xlsx", [row("张三", idn(11), world.v1)])
    client = login(world.users.town1)
    upload(client, path)
    record = LedgerImport.objects.get()
    response = client.get(f"/ledger/imports/{record.pk}/original/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == path.read_bytes()
    assert AuditEntry.objects.filter(action="view", object_type="registry.ledgerimport").count() == 1


def test_template_download(world, login):
    response = login(world.users.town1).get("/ledger/template.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.get_sheet_by_index(0).to_python() == [HEADERS]


def _export(client, **data):
    response = client.post("/ledger/export/", data)
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, content


def test_export_page_masks_by_default_and_full_ids_are_logged(world, login, people):
    client = login(world.users.county)
    page = body(client.get("/ledger/export/"))
    assert 'name="full_ids"' in page and world.t2.name in page
    response, content = _export(client, region=world.t2.code)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [r[1] for r in sheet[2:]] == [mask_id_number(people.wang.id_number)]

    response, content = _export(client, region=world.county.code, full_ids="on")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert {r[1] for r in sheet[2:]} == {people.zhang.id_number, people.li.id_number, people.wang.id_number}
    logged = AuditEntry.objects.filter(action="export").order_by("seq")
    assert [e.extra["full_ids"] for e in logged] == [False, True]
    assert [e.region_code for e in logged] == [world.t2.code, world.county.code]


def test_the_full_id_tick_is_only_for_those_allowed(world, login, people):
    client = login(world.users.inspector)  # may export, may not see full numbers
    assert 'name="full_ids"' not in body(client.get("/ledger/export/"))
    response, _ = _export(client, region=world.county.code, full_ids="on")
    assert response.status_code == 403
    response, content = _export(client, region=world.county.code)
    assert response.status_code == 200 and people.wang.id_number.encode() not in content


def test_town1_cannot_export_town2(world, login, people):
    client = login(world.users.town1)
    assert world.t2.name not in body(client.get("/ledger/export/"))
    response, _ = _export(client, region=world.t2.code)
    assert response.status_code == 404
    response, _ = _export(client, region=world.county.code)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_town1_importing_town2_villages_gets_row_errors(world, login, tmp_path, people):
    client = login(world.users.town1)
    rows = [row("新人", idn(55), world.v2), row("王五", people.wang.id_number, world.v1)]
    response = upload(client, write_file(tmp_path / "l.xlsx", rows), mode="valid")
    page = body(client.get(response["Location"]))
    assert f"村(居)区划代码 {world.v2.code} 不存在，或不在您的管辖范围内" in page
    assert "此身份证号的人员已在柳河镇登记" in page
    assert world.v2.name not in page  # the office to contact, nothing more about the person
    record = LedgerImport.objects.get()
    assert record.created == 0 and record.error_count == 2


def test_the_person_page_shows_the_import(world, login, tmp_path):
    client = login(world.users.town1)
    upload(client, write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1)]))
    client.post(f"/ledger/imports/{LedgerImport.objects.get().pk}/commit/")
    person = Person.objects.get()
    page = body(client.get(f"/persons/{person.pk}/"))
    assert "通过导入台账登记了" in page


# ---- the command line ------------------------------------------------------------------------


def test_cli_checks_and_exits_1_on_errors(world, tmp_path, capsys):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1), row("坏", "x", world.v1)])
    with pytest.raises(CommandError, match="1 个错误"):
        call_command("import-persons", str(path))
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("rows", "created", "updated", "unchanged")} == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert out["errors"] == [{"row": 3, "column": "身份证号", "message": "身份证号应为18位，实际为1位"}]
    assert not Person.objects.exists()


def test_cli_commit_writes_the_valid_rows(world, tmp_path, capsys):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1), row("坏", "x", world.v1)])
    call_command("import-persons", str(path), "--commit")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 1 and out["committed"] is True and len(out["errors"]) == 1
    assert Person.objects.get().created_by is None
    assert AuditEntry.objects.get(object_type="registry.person").actor_username == ""


def test_cli_commit_all_or_nothing(world, tmp_path, capsys):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1), row("坏", "x", world.v1)])
    with pytest.raises(CommandError):
        call_command("import-persons", str(path), "--commit", "--all-or-nothing")
    assert json.loads(capsys.readouterr().out)["committed"] is False
    assert not Person.objects.exists()


def test_cli_with_an_actor_is_scoped_and_keeps_the_file(world, tmp_path, capsys):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1), row("王五", idn(33), world.v2)])
    call_command("import-persons", str(path), "--commit", "--actor", "town1")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 1 and out["errors"][0]["column"] == "村(居)区划代码"
    record = LedgerImport.objects.get()
    assert (record.status, record.created_by, record.upload.original_name) == (
        "done",
        world.users.town1,
        "l.xlsx",
    )
    entry = AuditEntry.objects.get(object_type="registry.person")
    assert entry.actor == world.users.town1 and entry.extra["ledger_import"] == record.pk


def test_cli_region_narrows_the_area(world, tmp_path, capsys):
    path = write_file(tmp_path / "l.xlsx", [row("张三", idn(11), world.v1), row("王五", idn(33), world.v2)])
    with pytest.raises(CommandError):
        call_command("import-persons", str(path), "--region", world.t2.code)
    out = json.loads(capsys.readouterr().out)
    assert [e["row"] for e in out["errors"]] == [2]


def test_cli_file_errors_are_json_too(world, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"nope")
    with pytest.raises(CommandError, match="不是有效的"):
        call_command("import-persons", str(path))
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0]["row"] == 0 and "不是有效的" in out["errors"][0]["message"]


def test_cli_export_round_trip_and_template(world, tmp_path, capsys, people):
    out = tmp_path / "e.xlsx"
    call_command("export-persons", str(out), "--region", world.county.code, "--full-ids", "--actor", "county")
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    call_command("import-persons", str(out), "--commit")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["unchanged"], summary["created"], summary["updated"], summary["errors"]) == (3, 0, 0, [])

    with pytest.raises(CommandError, match="--actor"):
        call_command("export-persons", str(out), "--full-ids")
    with pytest.raises(CommandError):
        call_command("export-persons", str(out), "--full-ids", "--actor", "inspector")

    template = tmp_path / "t.xlsx"
    call_command("export-persons", "--template", str(template))
    book = CalamineWorkbook.from_path(str(template))
    assert book.get_sheet_by_index(0).to_python() == [HEADERS] and "填写说明" in book.sheet_names
