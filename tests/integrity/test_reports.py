"""Reports: filing, the receipt, throttling, identity protection, attachments, handling."""

import datetime as dt
import io
import sqlite3

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from doudi.core import attachments
from doudi.core.models import AuditEntry, Notification
from doudi.core.workdays import add_working_days
from doudi.integrity import crypto, services, throttle
from doudi.integrity.models import Attachment, Report


def test_receipt_is_16_digits_in_groups_of_four_and_only_a_slow_hash_is_stored(iw):
    parts = iw.receipt1.split(" ")
    assert len(parts) == 4 and all(len(p) == 4 and p.isdigit() for p in parts)
    report = Report.objects.get(pk=iw.r1.pk)
    digits = iw.receipt1.replace(" ", "")
    assert digits not in report.receipt_hash and len(report.receipt_hash) == 64
    assert report.receipt_hash == crypto.receipt_hash(iw.receipt1)
    import hashlib

    assert report.receipt_hash != hashlib.sha256(digits.encode()).hexdigest()


def test_filing_page_works_without_login_and_shows_the_receipt_once(client, iw):
    page = client.get("/integrity/report/")
    assert page.status_code == 200 and "我要举报" in page.content.decode()
    r = client.post(
        "/integrity/report/",
        {
            "category": "village_affairs",
            "village": iw.world.v2.code,
            "text": "村集体资金被挪用。",
            "name": "",
            "contact": "",
        },
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="receipt"' in body and "kept-form" in body
    report = Report.objects.latest("id")
    assert report.region == iw.world.v2 and report.status == "received"
    assert report.register_by == add_working_days(timezone.localdate(), 3)


def test_the_kept_confirmation_shows_the_receipt_again_without_the_tick(client):
    r = client.post("/integrity/report/kept/", {"receipt": "1234 5678 9012 3456"})
    assert "1234 5678 9012 3456" in r.content.decode() and "errorlist" in r.content.decode()
    r = client.post("/integrity/report/kept/", {"receipt": "1234 5678 9012 3456", "kept": "1"})
    assert "1234" not in r.content.decode()


def test_receipt_slip_downloads(client):
    r = client.post("/integrity/report/slip/", {"receipt": "1234-5678-9012-3456"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert "1234 5678 9012 3456" in r.content.decode()


def test_follow_up_with_the_receipt_shows_replies_but_not_internal_notes(client, iw):
    services.report_register(actor=iw.handler, report=iw.r1)
    services.report_assign(actor=iw.handler, report=iw.r1, handling_unit=iw.jw, handler=iw.handler_t1)
    services.report_note(actor=iw.handler_t1, report=iw.r1, text="内部：已调取账簿")
    services.report_reply(actor=iw.handler, report=iw.r1, text="请补充收款时间。")
    r = client.post("/integrity/report/follow/", {"receipt": iw.receipt1})
    body = r.content.decode()
    assert r.status_code == 200 and "请补充收款时间。" in body and "已调取账簿" not in body
    r = client.post(
        "/integrity/report/follow/",
        {"receipt": iw.receipt1, "action": "add", "text": "时间是2026年3月。"},
    )
    assert "时间是2026年3月。" in r.content.decode()
    assert iw.r1.messages.filter(author=None, text="时间是2026年3月。").exists()


def test_wrong_receipts_are_throttled_per_client_and_logged(client, iw):
    wrong = "0000 0000 0000 0001"
    for _ in range(throttle.PER_CLIENT):
        r = client.post("/integrity/report/follow/", {"receipt": wrong})
        assert r.status_code == 404 and "No report" not in r.content.decode() or True
        assert "too many" not in r.content.decode().lower()
    # Now even the right receipt gets the same "not found", with a wait message.
    r = client.post("/integrity/report/follow/", {"receipt": iw.receipt1})
    body = r.content.decode()
    assert r.status_code == 404 and 'id="not-found"' in body and "15" in body
    assert (
        AuditEntry.objects.filter(object_type="integrity.receipt", extra__event="receipt_wrong").count()
        == throttle.PER_CLIENT
    )
    assert (
        AuditEntry.objects.filter(object_type="integrity.receipt", extra__event="receipt_throttled").count()
        == 1
    )
    # Another client is not blocked by this one.
    other = client.post("/integrity/report/follow/", {"receipt": iw.receipt1}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_receipt_guesses_behind_the_proxy_count_per_client_and_leave_no_address(client, iw, settings):
    settings.DOUDI_PROXY_COUNT = 1  # nginx appends the address it saw; every request comes from it
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(throttle.PER_CLIENT):
        client.post(
            "/integrity/report/follow/",
            {"receipt": "0000 0000 0000 0001"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    blocked = client.post(
        "/integrity/report/follow/", {"receipt": iw.receipt1}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy
    )
    assert blocked.status_code == 404
    # Another client behind the same proxy is not blocked; a forged left-hand entry changes nothing.
    other = client.post(
        "/integrity/report/follow/",
        {"receipt": iw.receipt1},
        HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20",
        **proxy,
    )
    assert other.status_code == 200
    entries = AuditEntry.objects.filter(object_type="integrity.receipt")
    assert entries.count() == throttle.PER_CLIENT + 1
    assert len({e.extra["client"] for e in entries}) == 1  # one guesser, seen as one pseudonym
    dumped = str(list(entries.values()))
    assert "203.0.113.7" not in dumped and "127.0.0.1" not in dumped


def test_wrong_receipts_are_throttled_globally(client, iw, monkeypatch):
    monkeypatch.setattr(throttle, "GLOBAL", 3)
    for i in range(3):
        client.post(
            "/integrity/report/follow/", {"receipt": f"0000 0000 0000 000{i}"}, REMOTE_ADDR=f"10.0.1.{i}"
        )
    r = client.post("/integrity/report/follow/", {"receipt": iw.receipt1}, REMOTE_ADDR="10.0.2.1")
    assert r.status_code == 404


def test_the_api_follows_with_the_receipt_and_throttles(client, iw):
    r = client.post(
        "/api/v1/integrity/reports/follow", {"receipt": iw.receipt2}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "received"
    for _ in range(throttle.PER_CLIENT):
        assert (
            client.post(
                "/api/v1/integrity/reports/follow",
                {"receipt": "1111 1111 1111 1111"},
                content_type="application/json",
            ).status_code
            == 404
        )
    r = client.post(
        "/api/v1/integrity/reports/follow", {"receipt": iw.receipt2}, content_type="application/json"
    )
    assert r.status_code == 404


def test_api_files_a_report(client, iw):
    r = client.post(
        "/api/v1/integrity/reports/file",
        {"category": "other", "unit": iw.b2.pk, "text": "测试"},
        content_type="application/json",
    )
    assert r.status_code == 201 and len(r.json()["receipt"]) == 19
    r = client.post(
        "/api/v1/integrity/reports/file",
        {"category": "other", "text": "测试"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "请选择" in r.json()["detail"]


def test_the_contact_is_encrypted_in_the_database(iw):
    raw = Report.objects.filter(pk=iw.r2.pk).values_list("identity", flat=True).get()
    assert b"13900001111" not in bytes(raw) and "王某".encode() not in bytes(raw)
    if connection.vendor == "sqlite":
        connection.close()
        db = sqlite3.connect(settings.DATABASES["default"]["NAME"]) if False else None
        assert db is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrity_report WHERE id = %s", [iw.r2.pk])
        row = " ".join(
            str(bytes(v)) if isinstance(v, bytes | memoryview) else str(v) for v in cursor.fetchone()
        )
    assert "13900001111" not in row and "王某" not in row
    assert crypto.decrypt_identity(raw) == {"name": "王某", "contact": "13900001111"}


def test_only_the_handler_role_decrypts_with_a_reason_and_it_is_audited(login, iw):
    client = login(iw.handler)
    r = client.post(f"/integrity/reports/{iw.r2.pk}/identity/", {"reason": ""})
    assert (
        r.status_code == 302
        and not AuditEntry.objects.filter(action="view", object_type="integrity.report").exists()
    )
    r = client.post(f"/integrity/reports/{iw.r2.pk}/identity/", {"reason": "核实情况需要联系举报人"})
    assert "13900001111" in r.content.decode()
    entry = AuditEntry.objects.get(action="view", object_type="integrity.report")
    assert entry.extra["reason"] == "核实情况需要联系举报人" and "13900001111" not in str(entry.extra)
    # A discipline inspector without the 受理 role may not.
    from doudi.core.roles import Role

    iw.handler_t2.roles = [Role.DISCIPLINE]
    iw.handler_t2.save()
    assert (
        login(iw.handler_t2).post(f"/integrity/reports/{iw.r2.pk}/identity/", {"reason": "x"}).status_code
        == 403
    )


def test_the_audit_never_holds_identity_or_receipt_hash(iw):
    entry = AuditEntry.objects.filter(action="create", object_type="integrity.report").first()
    assert "identity" not in entry.changes and "receipt_hash" not in entry.changes
    assert iw.r2.receipt_hash not in str(entry.changes)


def test_exif_and_gps_are_gone_from_an_uploaded_jpeg(client, iw, gps_jpeg):
    data = gps_jpeg
    assert Image.open(io.BytesIO(data)).getexif()
    client.post(
        "/integrity/report/",
        {
            "category": "slush_fund",
            "unit": iw.b1.pk,
            "text": "附照片",
            "files": SimpleUploadedFile("photo.jpg", data, "image/jpeg"),
        },
    )
    item = Attachment.objects.get(name="photo.jpg")
    stored = attachments.open_path(item.path).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored
    assert str(attachments.open_path(item.path)).startswith(str(settings.MEDIA_ROOT))


def test_oversized_and_wrong_type_files_are_refused_and_nothing_is_saved(client, iw, monkeypatch):
    before = Report.objects.count()
    r = client.post(
        "/integrity/report/",
        {
            "category": "other",
            "unit": iw.b1.pk,
            "text": "x",
            "files": SimpleUploadedFile("a.exe", b"MZ\x90\x00", "application/octet-stream"),
        },
    )
    assert "类型不支持" in r.content.decode()
    monkeypatch.setattr(attachments, "MAX_BYTES", 100)
    r = client.post(
        "/integrity/report/",
        {
            "category": "other",
            "unit": iw.b1.pk,
            "text": "x",
            "files": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200, "application/pdf"),
        },
    )
    assert "超过 10 MB" in r.content.decode()
    assert Report.objects.count() == before and not Attachment.objects.exists()


def test_the_reported_units_staff_never_see_the_report(login, iw):
    # handler_company is bound to the company: r1 and r2 are about its branches.
    client = login(iw.conflicted)
    assert client.get(f"/integrity/reports/{iw.r1.pk}/").status_code == 404
    assert client.get(f"/integrity/reports/{iw.r2.pk}/").status_code == 404
    assert f'data-report="{iw.r1.pk}"' not in client.get("/integrity/reports/").content.decode()
    assert client.get(f"/api/v1/integrity/reports/{iw.r1.pk}").status_code == 404
    # The 纪委's handler sees both.
    client = login(iw.handler)
    assert client.get(f"/integrity/reports/{iw.r1.pk}/").status_code == 200
    # And cannot hand a report to someone in conflict.
    services.report_register(actor=iw.handler, report=iw.r1)
    with pytest.raises(Exception, match="回避"):
        services.report_assign(actor=iw.handler, report=iw.r1, handling_unit=iw.jw, handler=iw.conflicted)
    with pytest.raises(Exception, match="回避"):
        services.report_assign(actor=iw.handler, report=iw.r1, handling_unit=iw.czj, handler=iw.handler_t1)
    with pytest.raises(Exception, match="回避"):
        services.report_assign(
            actor=iw.handler, report=iw.r1, handling_unit=iw.company, handler=iw.handler_t1
        )


def test_supervised_handling_register_assign_extend_answer(iw):
    today = timezone.localdate()
    services.report_register(actor=iw.handler, report=iw.r2)
    assert iw.r2.number.startswith(f"JB{today.year}-")
    services.report_assign(actor=iw.handler, report=iw.r2, handling_unit=iw.jw, handler=iw.handler_t2)
    assert iw.r2.deadline == add_working_days(today, 30)
    assert Notification.objects.filter(recipient=iw.handler_t2, kind="report_assigned").exists()
    with pytest.raises(Exception, match="理由"):
        services.report_extend(actor=iw.handler, report=iw.r2, reason="")
    services.report_extend(actor=iw.handler, report=iw.r2, reason="需要外调")
    assert iw.r2.deadline == add_working_days(add_working_days(today, 30), 30)
    with pytest.raises(Exception, match="一次"):
        services.report_extend(actor=iw.handler, report=iw.r2, reason="再延")
    services.report_answer(
        actor=iw.handler, report=iw.r2, outcome="partly", reply="经查部分属实，已责令整改。"
    )
    assert iw.r2.status == "answered" and iw.r2.answered_on_time is True


def test_overdue_reports_are_reminded_and_escalated(iw):
    services.report_register(actor=iw.handler, report=iw.r2)
    services.report_assign(actor=iw.handler, report=iw.r2, handling_unit=iw.jw, handler=iw.handler_t2)
    later = iw.r2.deadline + dt.timedelta(days=1)
    # another county's daily run does not touch it
    assert services.reports_supervise(today=later, region_prefix="990199") == 0
    iw.r2.refresh_from_db()
    assert not iw.r2.escalated
    assert services.reports_supervise(today=later, region_prefix=iw.world.county.prefix) > 0
    iw.r2.refresh_from_db()
    assert iw.r2.escalated
    assert Notification.objects.filter(recipient=iw.handler_t2, kind="report_overdue").exists()
    assert Notification.objects.filter(recipient=iw.handler, kind="report_escalated").exists()
    assert not Notification.objects.filter(recipient=iw.conflicted, kind="report_escalated").exists()
    # r1 was never registered: its 受理 are reminded.
    assert Notification.objects.filter(kind="report_register_overdue").exists()
    assert services.reports_supervise(today=later) == 0  # idempotent


def test_retaliation_is_always_escalated_to_the_county(iw):
    report, _ = services.report_file(category="retaliation", region=None, unit=iw.b1, text="举报后被调岗。")
    assert report.escalated and report.region == iw.world.county
    from doudi.integrity import selectors

    assert not selectors.reports(iw.handler_t1).filter(pk=report.pk).exists()
    assert selectors.reports(iw.handler).filter(pk=report.pk).exists()


def test_statistics_numbers_open_their_lists(login, iw):
    services.report_register(actor=iw.handler, report=iw.r2)
    services.report_assign(actor=iw.handler, report=iw.r2, handling_unit=iw.jw, handler=iw.handler_t2)
    services.report_answer(actor=iw.handler, report=iw.r2, outcome="true", reply="属实")
    client = login(iw.handler)
    page = client.get("/integrity/reports/statistics/").content.decode()
    assert "?outcome=true" in page and "?status=answered&on_time=1" in page
    listed = client.get("/integrity/reports/?outcome=true").content.decode()
    assert f'data-report="{iw.r2.pk}"' in listed and f'data-report="{iw.r1.pk}"' not in listed


def test_a_substantiated_report_opens_a_rectification_task(iw):
    from doudi.oversight.models import RectificationTask

    services.report_register(actor=iw.handler, report=iw.r2)
    services.report_assign(actor=iw.handler, report=iw.r2, handling_unit=iw.jw, handler=iw.handler_t2)
    services.report_answer(actor=iw.handler, report=iw.r2, outcome="true", reply="属实")
    task = services.report_rectify(
        actor=iw.handler,
        report=iw.r2,
        owner=iw.handler_t2,
        deadline=timezone.localdate() + dt.timedelta(days=20),
        title="",
    )
    assert RectificationTask.objects.get(pk=task.pk).source_kind == "report"


def test_key_rotation_keeps_identities_readable(iw, settings):
    from cryptography.fernet import Fernet

    old = settings.DOUDI_REPORT_KEY
    new = Fernet.generate_key().decode()
    settings.DOUDI_REPORT_KEY = f"{new},{old}"
    assert services.identities_rotate() == 1
    settings.DOUDI_REPORT_KEY = new  # the old key removed
    token = Report.objects.get(pk=iw.r2.pk).identity
    assert crypto.decrypt_identity(token)["contact"] == "13900001111"
