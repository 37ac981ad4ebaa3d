"""Photos and documents on progress reports and on ledger rows (core/attachments.py): checked,
images stored without EXIF/GPS, downloads scoped and audited, bad files refused with nothing saved."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from doudi.core import attachments
from doudi.core.models import AuditEntry
from doudi.programmes import ledger_services as ls
from doudi.programmes import ledgers
from doudi.programmes.models import LedgerAttachment, LedgerRow, Report, ReportAttachment


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (30, 160, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 49.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _report(client, pw, files, period="2026-02"):
    return client.post(
        f"/programmes/tasks/{pw.task_t2.pk}/report/",
        {"who": f"r:{pw.world.t2.code}", "period": period, "text": "污水管网铺设完成一半", "files": files},
    )


def test_a_report_keeps_its_photos_without_exif_and_its_documents(login, pw):
    client = login(pw.world.users.town2)
    files = [
        SimpleUploadedFile("现场.jpg", _jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("总结.docx", _docx(), "application/octet-stream"),
    ]
    r = _report(client, pw, files)
    assert r.status_code == 302, r.context["form"].errors
    report = Report.objects.get(period="2026-02")
    photo, doc = report.attachments.order_by("name")
    assert {photo.name, doc.name} == {"现场.jpg", "总结.docx"}
    photo = report.attachments.get(name="现场.jpg")
    stored = attachments.open_path(photo.path).read_bytes()
    assert b"PhoneMaker" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    assert photo.content_type == "image/jpeg" and photo.uploaded_by == pw.world.users.town2
    # listed on the task page, downloaded by the county; the download is audited
    page = login(pw.world.users.county).get(f"/programmes/tasks/{pw.task_t2.pk}/").content.decode()
    assert f"/programmes/files/report/{photo.pk}/" in page
    r = login(pw.world.users.county).get(f"/programmes/files/report/{photo.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == stored
    assert AuditEntry.objects.filter(
        action="view", object_type="programmes.reportattachment", object_id=str(photo.pk)
    ).exists()
    # town1 and another county do not reach town2's file
    assert login(pw.world.users.town1).get(f"/programmes/files/report/{photo.pk}/").status_code == 404
    assert login(pw.county2).get(f"/programmes/files/report/{photo.pk}/").status_code == 404
    # nor a unit's staff whose unit is not the task's (民政局 for 生态环境局's task)
    assert login(pw.units.mzj_staff).get(f"/programmes/files/report/{photo.pk}/").status_code == 404
    assert login(pw.world.users.county).get("/programmes/files/report/999999/").status_code == 404


def test_bad_files_are_refused_and_the_report_is_not_filed(login, pw, monkeypatch):
    client = login(pw.world.users.town2)
    before = (Report.objects.count(), ReportAttachment.objects.count())
    r = _report(client, pw, [SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not an image", "image/jpeg")])
    assert r.status_code == 200 and "类型不支持" in r.content.decode()
    fake_docx = SimpleUploadedFile("伪装.docx", b"PK\x03\x04 broken", "application/octet-stream")
    assert "类型不支持" in _report(client, pw, [fake_docx]).content.decode()
    too_many = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n", "application/pdf") for i in range(6)]
    assert "最多" in _report(client, pw, too_many).content.decode()
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 200, "application/pdf")
    assert "超过" in _report(client, pw, [big]).content.decode()
    assert (Report.objects.count(), ReportAttachment.objects.count()) == before


def test_a_ledger_rows_attachment_column_keeps_the_file(login, pw):
    county = pw.world.users.county
    cols = ledgers.columns_from_lines("村庄; region; 必填\n设施照片; attachment")
    t = ls.ledger_create(
        actor=county, region=pw.world.county, name="设施照片台账", cols=cols, filled_by="village"
    )
    client = login(pw.world.users.town2)
    page = client.get(f"/programmes/ledgers/{t.pk}/rows/new/").content.decode()
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    r = client.post(
        f"/programmes/ledgers/{t.pk}/rows/new/",
        {"c1": "西河村", "c2": SimpleUploadedFile("设施.jpg", _jpeg_with_gps(), "image/jpeg")},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    row = LedgerRow.objects.get(template=t)
    item = LedgerAttachment.objects.get(row=row)
    assert row.data["c2"] == "设施.jpg" and item.column == "c2"
    assert b"PhoneMaker" not in attachments.open_path(item.path).read_bytes()
    page = login(county).get(f"/programmes/ledgers/{t.pk}/").content.decode()
    assert f"/programmes/files/ledger/{item.pk}/" in page
    assert login(county).get(f"/programmes/files/ledger/{item.pk}/").status_code == 200
    assert login(pw.world.users.town1).get(f"/programmes/files/ledger/{item.pk}/").status_code == 404
    assert login(pw.county2).get(f"/programmes/files/ledger/{item.pk}/").status_code == 404
    # a text file in the attachment column: refused, no row written
    r = login(pw.world.users.town2).post(
        f"/programmes/ledgers/{t.pk}/rows/new/",
        {"c1": "西河村", "c2": SimpleUploadedFile("x.jpg", b"hello", "image/jpeg")},
    )
    assert "类型不支持" in r.content.decode() and LedgerRow.objects.filter(template=t).count() == 1


# ---- files with the Excel upload: the .xlsx and a .zip whose files the attachment column names ---------


def _xlsx(rows) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _photo_ledger(pw):
    cols = ledgers.columns_from_lines("村庄; region; 必填\n设施照片; attachment\n验收报告; attachment")
    return ls.ledger_create(
        actor=pw.world.users.county,
        region=pw.world.county,
        name="设施照片台账",
        cols=cols,
        filled_by="village",
    )


HEAD = ["村庄", "设施照片", "验收报告"]


def _stored_files():
    folder = attachments.open_path("programmes")
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _post(client, t, rows, files: dict[str, bytes] | None, zip_bytes: bytes | None = None):
    data = {"file": SimpleUploadedFile("台账.xlsx", _xlsx(rows))}
    if files is not None or zip_bytes is not None:
        data["files"] = SimpleUploadedFile("附件.zip", zip_bytes if zip_bytes is not None else _zip(files))
    return client.post(f"/programmes/ledgers/{t.pk}/upload/", data)


def _refused(r, t, before_files, *problems):
    page = r.content.decode()
    assert r.status_code == 200 and 'id="upload-errors"' in page
    for p in problems:
        assert p in page, p
    assert not LedgerRow.objects.filter(template=t).exists()
    assert not LedgerAttachment.objects.filter(row__template=t).exists()
    assert _stored_files() == before_files  # the files stored for the refused upload are gone
    return page


def test_an_upload_with_a_zip_keeps_each_rows_files(login, pw):
    t = _photo_ledger(pw)
    client = login(pw.world.users.town1)
    page = client.get(f"/programmes/ledgers/{t.pk}/upload/").content.decode()
    assert 'name="files"' in page and 'accept=".zip,application/zip"' in page
    rows = [HEAD, ["青石社区", "一号站.jpg", "验收.docx"], ["东山村", "照片/二号站.jpg", ""]]
    files = {"一号站.jpg": _jpeg_with_gps(), "验收.docx": _docx(), "照片/二号站.jpg": _jpeg_with_gps()}
    # a file in a folder of the zip is named by its name alone
    rows[2][1] = "二号站.jpg"
    r = _post(client, t, rows, files)
    assert r.status_code == 302, r.content.decode()[-3000:]
    qs = LedgerRow.objects.filter(template=t)
    first, second = qs.get(region=pw.world.v1), qs.get(region=pw.world.v1b)
    assert first.data == {"c1": pw.world.v1.code, "c2": "一号站.jpg", "c3": "验收.docx"}
    photo = first.attachments.get(column="c2")
    assert photo.content_type == "image/jpeg" and photo.uploaded_by == pw.world.users.town1
    assert b"PhoneMaker" not in attachments.open_path(photo.path).read_bytes()  # re-encoded
    assert first.attachments.get(column="c3").name == "验收.docx"
    assert [a.name for a in second.attachments.all()] == ["二号站.jpg"]
    entry = AuditEntry.objects.filter(action="import").latest("id")
    assert entry.extra["rows"] == 2 and entry.extra["attachments"] == 3
    detail = login(pw.world.users.county).get(f"/programmes/ledgers/{t.pk}/").content.decode()
    assert f"/programmes/files/ledger/{photo.pk}/" in detail
    assert login(pw.world.users.town2).get(f"/programmes/files/ledger/{photo.pk}/").status_code == 404


def test_a_named_file_missing_from_the_zip_or_a_file_no_row_names_refuses_the_upload(login, pw):
    t = _photo_ledger(pw)
    client = login(pw.world.users.town1)
    before = _stored_files()
    rows = [HEAD, ["青石社区", "一号站.jpg", "验收.docx"]]
    r = _post(client, t, rows, {"一号站.jpg": _jpeg_with_gps(), "多余.pdf": b"%PDF-1.4\n"})
    page = _refused(
        r,
        t,
        before,
        "附件压缩包中没有名为“验收.docx”的文件",
        "附件压缩包中的“多余.pdf”没有在任何一行的附件列中填写",
    )
    assert "<td>2</td><td>验收报告</td>" in page  # the row and the column of the missing file


def test_a_bad_file_in_the_zip_refuses_the_upload_and_keeps_nothing(login, pw):
    t = _photo_ledger(pw)
    client = login(pw.world.users.town1)
    before = _stored_files()
    rows = [HEAD, ["青石社区", "一号站.jpg", "病毒.docx"]]
    r = _post(client, t, rows, {"一号站.jpg": _jpeg_with_gps(), "病毒.docx": b"MZ\x90\x00 an exe"})
    page = _refused(r, t, before, "附件“病毒.docx”的类型不支持")
    assert "附件压缩包中没有名为" not in page  # the file is there: its own problem is said once
    # a clean file but a bad row: refused too, the stored photo removed
    r = _post(client, t, [HEAD, ["西河村", "一号站.jpg", ""]], {"一号站.jpg": _jpeg_with_gps()})
    _refused(r, t, before, "“西河村”不在您的辖区内")


def test_a_zip_with_a_path_out_of_the_folder_or_a_zip_bomb_is_refused(login, pw, monkeypatch):
    t = _photo_ledger(pw)
    client = login(pw.world.users.town1)
    before = _stored_files()
    rows = [HEAD, ["青石社区", "evil.pdf", ""]]
    r = _post(client, t, rows, {"../evil.pdf": b"%PDF-1.4\n"})
    _refused(r, t, before, "压缩包中的“../evil.pdf”的路径指向压缩包以外")
    r = _post(client, t, rows, {"/etc/evil.pdf": b"%PDF-1.4\n"})
    _refused(r, t, before, "路径指向压缩包以外")
    # 9 MB of zeros packs into a few KB: refused from the zip's directory, never unpacked
    bomb = _zip({"evil.pdf": b"%PDF-1.4\n" + b"\0" * (9 * 1024 * 1024)})
    assert len(bomb) < 100_000
    _refused(_post(client, t, rows, None, bomb), t, before, "疑似压缩炸弹")
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    big = _zip({"evil.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 2}, zipfile.ZIP_STORED)
    _refused(_post(client, t, rows, None, big), t, before, "附件“evil.pdf”超过 10 MB")
    _refused(_post(client, t, rows, None, b"PK\x03\x04 not a zip"), t, before, "不是 .zip 文件")
    dupes = _zip({"a/evil.pdf": b"%PDF-1.4\n", "b/evil.pdf": b"%PDF-1.4\n"})
    _refused(_post(client, t, rows, None, dupes), t, before, "压缩包中有两个名为“evil.pdf”的文件")


def test_a_zip_from_a_chinese_windows_names_its_files_in_gbk(login, pw):
    t = _photo_ledger(pw)
    raw = _zip({"abcd.pdf": b"%PDF-1.4\n"}, zipfile.ZIP_STORED)
    gbk = "照片.pdf".encode("gb18030")
    assert len(gbk) == len(b"abcd.pdf")
    raw = raw.replace(b"abcd.pdf", gbk)  # the names as such a tool writes them, no UTF-8 flag
    r = _post(login(pw.world.users.town1), t, [HEAD, ["青石社区", "照片.pdf", ""]], None, raw)
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert LedgerAttachment.objects.get(row__template=t).name == "照片.pdf"


def test_a_zip_for_a_ledger_without_an_attachment_column_is_refused(login, pw, tmp_path):
    path, bundle = tmp_path / "t.xlsx", tmp_path / "f.zip"
    from .test_ledgers import HEAD as SURVEY

    path.write_bytes(_xlsx([SURVEY, ["青石社区", 80, 260, 20, "村庄集中处理设施", 15]]))
    bundle.write_bytes(_zip({"a.pdf": b"%PDF-1.4\n"}))
    try:
        ls.ledger_upload(
            actor=pw.world.users.town1,
            template=pw.ledger,
            path=path,
            filename="t.xlsx",
            files_path=bundle,
            files_name="f.zip",
        )
    except ls.LedgerError as exc:
        assert exc.errors == [(0, "", "这个台账没有附件列，不需要上传附件压缩包。")]
    else:
        raise AssertionError("accepted")
    page = login(pw.world.users.town1).get(f"/programmes/ledgers/{pw.ledger.pk}/upload/").content.decode()
    assert 'name="file"' in page and 'name="files"' not in page  # and the page offers none
