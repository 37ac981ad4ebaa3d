"""The 监护照料协议: generation from the Word template, signing, lifecycle, reminders."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from doudi.core.models import AuditEntry, Job, Upload
from doudi.guardianship import documents, services
from doudi.guardianship.models import Agreement


def _docx_text(agreement) -> str:
    with agreement.docx_file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(parts)


def test_generated_docx_lists_every_ticked_duty_and_both_parties(care):
    text = _docx_text(care.a1)
    assert "张建国" in text  # the guardian
    assert "青石镇人民政府" in text  # the township government
    assert "东山村民委员会" in text  # the village committee
    assert "张福生" in text  # the ward
    assert "☑ 日常看护：每天上午看望一次，查看门窗、火炉" in text
    assert "☑ 住院陪护：被监护人患病时及时送医" in text
    assert "☑ 保护人身和财产权益：" in text and "除为维护被监护人利益外，不得处分被监护人的财产" in text
    assert "☐ 生活照料" in text and "☑ 生活照料" not in text
    assert "每周上门探视不少于3次" in text and "1. 拨打120" in text
    assert "{{" not in text and "{%" not in text
    assert care.a1.status == "generated"


def test_an_agreement_without_duties_is_refused(care, world, f):
    with pytest.raises(ValidationError, match="至少明确一项具体职责"):
        services.agreement_create(actor=world.users.town1, guardianship=care.g1, **f.terms(duties=[]))
    # nor can a stored one lose its duties and still be generated
    Agreement.objects.filter(pk=care.a1.pk).update(duties=[], status="draft")
    care.a1.refresh_from_db()
    with pytest.raises(ValidationError, match="至少明确一项具体职责"):
        services.agreement_generate(actor=world.users.town1, agreement=care.a1)


def test_the_form_refuses_an_agreement_with_no_duty_ticked(care, world, login):
    client = login(world.users.town1)
    response = client.post(
        f"/care/persons/{care.p1.pk}/agreements/new/",
        {
            "visit_frequency": "每周2次",
            "contact": "电话",
            "emergency_steps": "拨打120",
            "start_on": "2025-01-01",
            "end_on": "2027-12-31",
        },
    )
    assert response.status_code == 200
    assert "至少明确一项具体职责" in response.content.decode()
    assert Agreement.objects.filter(person=care.p1).count() == 1


def test_term_must_end_after_it_starts(care, world, f):
    with pytest.raises(ValidationError, match="晚于起始日期"):
        services.agreement_create(
            actor=world.users.town1,
            guardianship=care.g1,
            **f.terms(end_on=dt.date.today() - dt.timedelta(days=1)),
        )


def test_signed_scan_must_be_a_pdf_or_image_of_limited_size(care, world, f):
    clerk = world.users.town1
    with pytest.raises(ValidationError, match="PDF 文件或图片"):
        services.agreement_sign(
            actor=clerk, agreement=care.a1, scan=SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf")
        )
    big = SimpleUploadedFile("scan.pdf", f.PDF + b"0" * (services.SCAN_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="文件过大"):
        services.agreement_sign(actor=clerk, agreement=care.a1, scan=big)
    assert not Upload.objects.filter(kind="guardian_agreement_scan").exists()
    services.agreement_sign(actor=clerk, agreement=care.a1, scan=SimpleUploadedFile("签字.png", f.PNG))
    care.a1.refresh_from_db()
    assert care.a1.status == "active" and care.a1.signed_scan.original_name == "签字.png"
    assert care.a1.signed_scan.region_id == care.p1.village_id


def test_lifecycle_through_the_pages(care, world, login, f):
    client = login(world.users.town1)
    page = client.get(f"/care/agreements/{care.a1.pk}/").content.decode()
    assert 'id="download-docx"' in page and 'id="sign-form"' in page and "☑ 日常看护" in page
    assert care.p1.id_number not in page  # masked in the preview; full only in the logged download
    response = client.get(f"/care/agreements/{care.a1.pk}/file/docx/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(
        action="export", object_id=str(care.a1.pk), object_type="guardianship.agreement"
    ).exists()
    assert client.get(f"/care/agreements/{care.a1.pk}/file/pdf/").status_code == 404  # no LibreOffice here

    response = client.post(
        f"/care/agreements/{care.a1.pk}/sign/",
        {"scan": SimpleUploadedFile("scan.txt", b"hello"), "signed_on": dt.date.today().isoformat()},
        follow=True,
    )
    assert "签字扫描件必须是 PDF 文件或图片" in response.content.decode()
    client.post(
        f"/care/agreements/{care.a1.pk}/sign/",
        {"scan": SimpleUploadedFile("scan.pdf", f.PDF), "signed_on": dt.date.today().isoformat()},
    )
    care.a1.refresh_from_db()
    assert care.a1.status == "active"
    assert client.get(f"/care/agreements/{care.a1.pk}/file/scan/").status_code == 200

    response = client.post(f"/care/agreements/{care.a1.pk}/renew/")
    renewal = Agreement.objects.get(renewal_of=care.a1)
    assert response["Location"] == f"/care/agreements/{renewal.pk}/"
    assert renewal.status == "draft" and renewal.start_on == care.a1.end_on + dt.timedelta(days=1)
    assert renewal.duties == care.a1.duties


def test_edit_after_generation_returns_to_draft(care, world, f):
    services.agreement_update(
        actor=world.users.town1, agreement=care.a1, **f.terms(visit_frequency="每日看望1次")
    )
    care.a1.refresh_from_db()
    assert care.a1.status == "draft" and care.a1.visit_frequency == "每日看望1次"


def test_a_future_agreement_comes_into_force_and_later_expires(care, world, f):
    clerk = world.users.town1
    today = dt.date.today()
    services.agreement_sign(actor=clerk, agreement=care.a1, scan=SimpleUploadedFile("s.pdf", f.PDF))
    later = services.agreement_renew(actor=clerk, agreement=care.a1)
    services.agreement_generate(actor=clerk, agreement=later)
    services.agreement_sign(actor=clerk, agreement=later, scan=SimpleUploadedFile("s.pdf", f.PDF))
    later.refresh_from_db()
    assert later.status == "signed"
    counts = services.agreements_refresh(actor=clerk, region_prefix=world.t1.prefix, today=later.start_on)
    assert counts["activated"] == 1
    later.refresh_from_db()
    care.a1.refresh_from_db()
    assert later.status == "active" and care.a1.status == "ended"
    services.agreements_refresh(
        actor=clerk, region_prefix=world.t1.prefix, today=later.end_on + dt.timedelta(days=1)
    )
    later.refresh_from_db()
    assert later.status == "expired"
    assert today < later.start_on


def test_reminder_job_lists_agreements_expiring_within_30_days(
    care, world, login, f, django_capture_on_commit_callbacks
):
    clerk = world.users.town1
    today = dt.date.today()
    for agreement in (care.a1, care.a2):
        Agreement.objects.filter(pk=agreement.pk).update(
            status="active", start_on=today - dt.timedelta(days=700), end_on=today + dt.timedelta(days=10)
        )
    client = login(clerk)
    page = client.get("/care/agreements/expiring/").content.decode()
    assert 'id="expiring-count">1<' in page and "张福生" in page and "李长根" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/care/agreements/expiring/")
    job = Job.objects.get(kind="care_agreement_reminders")
    assert job.status == "succeeded" and job.region_id == world.t1.code
    assert job.result["count"] == 1
    assert job.result["agreements"][0]["person_name"] == "张福生"
    assert job.result["agreements"][0]["days_left"] == 10
    assert (
        "1 expiring" in client.get("/care/agreements/expiring/").content.decode() or job.result["count"] == 1
    )


def test_village_staff_cannot_start_the_reminder_job(care, world, login):
    assert login(world.users.village1).post("/care/agreements/expiring/").status_code == 403


def test_pdf_is_produced_where_libreoffice_is_installed(care, world, with_pdf):
    services.agreement_update(
        actor=world.users.town1,
        agreement=care.a1,
        **{
            "duties": care.a1.duties,
            "visit_frequency": "每周2次",
            "contact": care.a1.contact,
            "emergency_steps": care.a1.emergency_steps,
            "other_terms": "",
            "start_on": care.a1.start_on,
            "end_on": care.a1.end_on,
        },
    )
    services.agreement_generate(actor=world.users.town1, agreement=care.a1)
    care.a1.refresh_from_db()
    with care.a1.pdf_file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_default_template_renders_sample_data_completely():
    lines = documents.docx_text(documents.check_template(documents.default_template_path()))
    assert lines[0] == "特困人员监护照料协议"
    assert any(line.startswith("甲方（乡镇人民政府）：青石镇人民政府") for line in lines)


def test_a_county_template_replaces_the_default_and_a_broken_one_is_refused(care, world, login):
    from doudi.guardianship.agreement_template import DEFAULT_PATH

    client = login(world.users.county)
    response = client.post(
        "/care/agreement-templates/",
        {"name": "坏模板", "file": SimpleUploadedFile("bad.docx", b"not a zip")},
    )
    assert "不是有效的 Word" in response.content.decode()
    doc = Document(str(DEFAULT_PATH))
    doc.add_paragraph("安和县民政局监制 {{ ward_name }}")
    buf = io.BytesIO()
    doc.save(buf)
    response = client.post(
        "/care/agreement-templates/",
        {"name": "安和县模板", "file": SimpleUploadedFile("county.docx", buf.getvalue())},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "安和县民政局监制 张福生" in preview
    services.agreement_update(
        actor=world.users.town1,
        agreement=care.a1,
        **{
            "duties": care.a1.duties,
            "visit_frequency": "每周2次",
            "contact": care.a1.contact,
            "emergency_steps": care.a1.emergency_steps,
            "other_terms": "",
            "start_on": care.a1.start_on,
            "end_on": care.a1.end_on,
        },
    )
    services.agreement_generate(actor=world.users.town1, agreement=care.a1)
    care.a1.refresh_from_db()
    assert "安和县民政局监制 张福生" in _docx_text(care.a1)
    broken = Document(str(DEFAULT_PATH))
    broken.add_paragraph("{{ unclosed ")
    buf = io.BytesIO()
    broken.save(buf)
    response = client.post(
        "/care/agreement-templates/", {"file": SimpleUploadedFile("b.docx", buf.getvalue())}
    )
    assert "模板无法生成协议" in response.content.decode()


def test_a_second_agreement_beside_an_open_one_is_refused(care, world, f, login):
    with pytest.raises(ValidationError, match="already has an agreement|已有"):
        services.agreement_create(actor=world.users.town1, guardianship=care.g1, **f.terms())
    page = login(world.users.town1).get(f"/care/persons/{care.p1.pk}/guardianship/").content.decode()
    assert 'id="open-agreement"' in page and 'id="new-agreement"' not in page


def test_no_confirm_button_when_nobody_can_be_proposed(world, login, f):
    ward = f.person(world.v1, "孤老汉")
    page = login(world.users.town1).get(f"/care/persons/{ward.pk}/guardianship/").content.decode()
    assert 'id="confirm-guardian"' not in page
