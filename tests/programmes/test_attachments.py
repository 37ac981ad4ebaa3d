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
