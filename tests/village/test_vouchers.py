"""Voucher review (复核) before booking: the service, the API and the page refuse an unstamped
voucher; amounts are Decimal with two decimals; a booked voucher is immutable; the import writes
nothing when a row is bad and keeps the original."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from doudi.core.models import AuditEntry, Upload
from doudi.village import services as svc
from doudi.village.models import Inquiry, Voucher

V1 = "990121100001"


def test_the_service_refuses_to_book_an_unstamped_voucher(vw):
    for status_voucher in (vw.pending1, Voucher.objects.get(village_id=V1, status="questioned")):
        with pytest.raises(svc.NotStamped) as e:
            svc.voucher_book(actor=vw.u.agency1, voucher=status_voucher)
        assert "未经村务监督委员会复核盖章" in e.value.messages[0]
    assert not Voucher.objects.filter(booked_at__isnull=False).exists()
    booked = svc.voucher_book(actor=vw.u.agency1, voucher=vw.stamped1)
    assert booked.booked_at and booked.booked_by == vw.u.agency1
    assert AuditEntry.objects.filter(action="book", object_id=str(booked.pk)).exists()
    with pytest.raises(ValidationError, match="已于"):
        svc.voucher_book(actor=vw.u.agency1, voucher=booked)


def test_the_database_refuses_a_booked_unstamped_voucher(vw):
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=vw.pending1.pk).update(booked_at=timezone.now())


def test_the_api_refuses_to_book_an_unstamped_voucher(login, vw):
    client = login(vw.u.agency1)
    r = client.post(f"/api/v1/village/vouchers/{vw.pending1.pk}/book")
    assert r.status_code == 422 and "未经村务监督委员会复核盖章" in r.json()["detail"]
    r = client.post(f"/api/v1/village/vouchers/{vw.stamped1.pk}/book")
    assert r.status_code == 200 and r.json()["booked_at"]
    assert Voucher.objects.get(pk=vw.pending1.pk).booked_at is None


def test_the_page_refuses_to_book_an_unstamped_voucher(login, vw):
    client = login(vw.u.agency1)
    r = client.post(f"/village/vouchers/{vw.pending1.pk}/book/", follow=True)
    assert "未经村务监督委员会复核盖章" in r.content.decode()
    assert Voucher.objects.get(pk=vw.pending1.pk).booked_at is None
    client.post(f"/village/vouchers/{vw.stamped1.pk}/book/")
    assert Voucher.objects.get(pk=vw.stamped1.pk).booked_at is not None


def test_review_stamps_with_reviewer_and_time_and_questions_open_an_inquiry(vw):
    v = svc.voucher_review(actor=vw.u.member1, voucher=vw.pending1, decision="approve")
    assert v.status == "stamped" and v.reviewed_by == vw.u.member1 and v.reviewed_at
    with pytest.raises(ValidationError, match="已"):
        svc.voucher_review(actor=vw.u.member1, voucher=v, decision="question", reason="x")
    q = Voucher.objects.get(village_id=V1, status="questioned")
    inquiry = Inquiry.objects.get(voucher=q)
    assert inquiry.due_on > inquiry.asked_on and inquiry.question == "招待费用途不明"


def test_a_reason_is_needed_to_question_or_dispute(vw):
    for decision in ("question", "dispute"):
        with pytest.raises(ValidationError, match="理由"):
            svc.voucher_review(actor=vw.u.member1, voucher=vw.pending1, decision=decision)


def test_a_disputed_voucher_waits_for_the_meeting(vw):
    v = svc.voucher_review(actor=vw.u.member1, voucher=vw.pending1, decision="dispute", reason="金额偏高")
    with pytest.raises(svc.NotStamped):
        svc.voucher_book(actor=vw.u.agency1, voucher=v)
    v = svc.voucher_meeting_decision(actor=vw.u.member1, voucher=v, approved=False, decision="代表会议否决")
    assert v.status == "rejected"
    with pytest.raises(svc.NotStamped):
        svc.voucher_book(actor=vw.u.agency1, voucher=v)


@pytest.mark.parametrize(
    "amount, word", [("-5.00", "负数"), ("12.345", "两位小数"), ("十元", "不是数字"), ("0", "大于0")]
)
def test_bad_amounts_are_refused_in_chinese(login, vw, amount, word):
    before = Voucher.objects.count()
    with pytest.raises(ValidationError, match=word):
        svc.voucher_create(
            actor=vw.u.keeper1, village=vw.world.v1, spent_on=vw.today, payee="x", amount=amount, purpose="x"
        )
    client = login(vw.u.keeper1)
    r = client.post(
        f"/village/{V1}/vouchers/", {"spent_on": vw.today, "payee": "x", "amount": amount, "purpose": "x"}
    )
    assert r.status_code == 400 and word in r.content.decode()
    r = client.post(
        "/api/v1/village/vouchers",
        {"village": V1, "spent_on": str(vw.today), "payee": "x", "amount": amount, "purpose": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and word in r.json()["detail"]
    assert Voucher.objects.count() == before


def test_amounts_are_decimal(vw):
    v = svc.voucher_create(
        actor=vw.u.keeper1, village=vw.world.v1, spent_on=vw.today, payee="x", amount="0.10", purpose="x"
    )
    v.refresh_from_db()
    assert v.amount == Decimal("0.10") and isinstance(v.amount, Decimal)


def test_a_correction_is_a_new_voucher_naming_the_booked_one(vw):
    booked = svc.voucher_book(actor=vw.u.agency1, voucher=vw.stamped1)
    fix = svc.voucher_create(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        spent_on=vw.today,
        payee="李师傅",
        amount="100.00",
        purpose="冲减",
        corrects=booked,
    )
    assert fix.corrects == booked and fix.status == "pending"
    with pytest.raises(ValidationError):
        svc.voucher_create(
            actor=vw.u.keeper1,
            village=vw.world.v1,
            spent_on=vw.today,
            payee="x",
            amount="1",
            purpose="x",
            corrects=vw.pending1,
        )


def _sheet(rows, headers=("凭证号", "日期", "收款人", "金额", "用途", "类别")):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers)
    for i, row in enumerate(rows, 1):
        ws.write_row(i, 0, row)
    wb.close()
    return SimpleUploadedFile("凭证.xlsx", buf.getvalue())


def test_import_writes_all_rows(vw):
    d = str(vw.today - dt.timedelta(days=1))
    report = svc.voucher_import(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        uploaded_file=_sheet(
            [["", d, "供电所", 215.3, "村部电费", "水电"], ["X-2", d, "文具店", "48.00", "办公用品", "办公"]]
        ),
    )
    assert report.created == 2 and not report.errors
    assert Voucher.objects.get(number="X-2").amount == Decimal("48.00")
    assert Voucher.objects.filter(payee="供电所", amount=Decimal("215.30")).exists()


def test_a_bad_sheet_writes_nothing_and_names_row_and_column(vw, login):
    before = Voucher.objects.count()
    d = str(vw.today - dt.timedelta(days=1))
    report = svc.voucher_import(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        uploaded_file=_sheet(
            [
                ["", d, "供电所", "215.30", "电费", "水电"],
                ["", d, "文具店", "-48", "办公", ""],
                ["", "昨天", "x", "1.005", "x", ""],
            ]
        ),
    )
    assert report.created == 0 and Voucher.objects.count() == before
    by_row = {(e["row"], e["column"]) for e in report.errors}
    assert (3, "金额") in by_row and (4, "日期") in by_row and (4, "金额") in by_row
    assert Upload.objects.filter(kind="voucher_import").count() == 1  # the original is kept
    missing = svc.voucher_import(
        actor=vw.u.keeper1,
        village=vw.world.v1,
        uploaded_file=_sheet([[d, "x", "y"]], headers=("日期", "收款人", "用途")),
    )
    assert "缺少必填列" in missing.errors[0]["reason"] and "金额" in missing.errors[0]["reason"]
    junk = svc.voucher_import(
        actor=vw.u.keeper1, village=vw.world.v1, uploaded_file=SimpleUploadedFile("a.xlsx", b"not excel")
    )
    assert junk.errors and junk.created == 0
    r = login(vw.u.keeper1).post(
        f"/village/{V1}/vouchers/import/", {"file": _sheet([["", d, "x", "-1", "x", ""]])}
    )
    assert r.status_code == 400 and "不能为负数" in r.content.decode()
    assert Voucher.objects.count() == before
