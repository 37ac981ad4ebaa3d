"""Campaigns: scope, self-inspection forms (online and Excel), missing forms, selection, findings,
rectification and the transfer to the lawful books, the summary documents."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from doudi.core.documents import docx_text
from doudi.integrity import rules, selfcheck, services
from doudi.integrity.models import FormLine, SelectionChange
from doudi.oversight.models import RectificationTask

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lines(**found):
    out = {code: {"found": False, "count": 0, "amount": "0", "corrected": "0"} for code in rules.FORM_CODES}
    for code, (count, amount, corrected) in found.items():
        out[code] = {"found": True, "count": count, "amount": amount, "corrected": corrected}
    return out


def test_a_campaign_covers_the_units_under_the_parent_with_five_phases(iw):
    assert {e.unit for e in iw.campaign.units.all()} == {iw.b1, iw.b2}
    assert [p.phase for p in iw.campaign.phases.all()] == [p for p, _ in iw.campaign.Phase.choices]
    assert services.current_phase(iw.campaign) == "rectification"


def test_unit_officer_fills_the_form_online(login, iw):
    client = login(iw.unit1)
    assert client.get("/integrity/forms/").status_code == 200
    data = {"head_name": "李经理", "signed_on": timezone.localdate().isoformat()}
    data.update(
        {
            "false_documents-found": "1",
            "false_documents-count": "2",
            "false_documents-amount": "3500.50",
            "false_documents-corrected": "3500.50",
        }
    )
    r = client.post(f"/integrity/forms/{iw.e1.pk}/", data)
    assert r.status_code == 302
    iw.e1.refresh_from_db()
    assert iw.e1.submitted_at and iw.e1.head_name == "李经理"
    line = iw.e1.lines.get(code="false_documents")
    assert line.amount == Decimal("3500.50") and line.count == 2


def test_a_negative_amount_gives_a_chinese_error_and_saves_nothing(login, iw):
    client = login(iw.unit1)
    data = {"head_name": "李经理", "signed_on": timezone.localdate().isoformat()}
    data.update(
        {
            "false_documents-found": "1",
            "false_documents-count": "1",
            "false_documents-amount": "-10",
            "false_documents-corrected": "0",
        }
    )
    r = client.post(f"/integrity/forms/{iw.e1.pk}/", data)
    assert r.status_code == 400 and "金额不能为负数" in r.content.decode()
    iw.e1.refresh_from_db()
    assert iw.e1.submitted_at is None and not FormLine.objects.filter(entry=iw.e1).exists()


def test_excel_upload_reads_the_template_and_refuses_bad_rows_whole(login, iw, tmp_path):
    client = login(iw.unit1)
    r = client.get(f"/integrity/forms/{iw.e1.pk}/template.xlsx")
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python())
    assert rows[1][:2] == ["项目代码", "类别"] and len(rows) == 2 + len(rules.FORM_ITEMS)

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    sheet.cell(row=3, column=4, value="是")
    sheet.cell(row=3, column=5, value=3)
    sheet.cell(row=3, column=6, value=12000.5)
    sheet.cell(row=3, column=7, value=12000.5)
    sheet.cell(row=4, column=6, value=-5)
    bad = io.BytesIO()
    book.save(bad)
    data = {"upload": "1", "head_name": "李经理", "signed_on": timezone.localdate().isoformat()}
    r = client.post(
        f"/integrity/forms/{iw.e1.pk}/", {**data, "file": SimpleUploadedFile("f.xlsx", bad.getvalue(), XLSX)}
    )
    body = r.content.decode()
    assert r.status_code == 400 and "第4行" in body and "不能为负数" in body
    assert not FormLine.objects.filter(entry=iw.e1).exists()
    sheet.cell(row=4, column=6, value=0)
    good = io.BytesIO()
    book.save(good)
    r = client.post(
        f"/integrity/forms/{iw.e1.pk}/", {**data, "file": SimpleUploadedFile("f.xlsx", good.getvalue(), XLSX)}
    )
    assert r.status_code == 302
    assert iw.e1.lines.get(code=rules.FORM_CODES[0]).amount == Decimal("12000.50")


def test_a_wrong_file_type_is_refused_in_chinese(login, iw):
    client = login(iw.unit1)
    r = client.post(
        f"/integrity/forms/{iw.e1.pk}/",
        {
            "upload": "1",
            "head_name": "x",
            "signed_on": "2026-11-01",
            "file": SimpleUploadedFile("f.doc", b"xx"),
        },
    )
    assert r.status_code == 400 and "请上传 Excel" in r.content.decode()


def test_missing_forms_are_listed(login, iw):
    services.form_submit(
        actor=iw.unit1, entry=iw.e1, lines=lines(), head_name="李", signed_on=timezone.localdate()
    )
    page = login(iw.runner).get(f"/integrity/campaigns/{iw.campaign.pk}/?missing=1").content.decode()
    assert f'data-entry="{iw.e2.pk}"' in page and f'data-entry="{iw.e1.pk}"' not in page


def test_selection_uses_the_rule_and_a_person_can_change_it_with_a_reason(login, iw):
    # Parent assets 1,000,000: 10% = 100,000. Both branches have a report: both selected.
    result = services.selection_run(actor=iw.runner, campaign=iw.campaign)
    assert set(result.selected) == {iw.e1.pk, iw.e2.pk}
    iw.e1.refresh_from_db()
    assert iw.e1.selected and "群众举报" in iw.e1.selection_reason
    client = login(iw.runner)
    r = client.post(f"/integrity/entries/{iw.e2.pk}/selection/", {"add": "0", "reason": ""})
    iw.e2.refresh_from_db()
    assert iw.e2.selected
    client.post(f"/integrity/entries/{iw.e2.pk}/selection/", {"add": "0", "reason": "已由上级另行检查"})
    iw.e2.refresh_from_db()
    assert not iw.e2.selected and iw.e2.manual
    assert SelectionChange.objects.get(entry=iw.e2).reason == "已由上级另行检查"
    services.selection_run(actor=iw.runner, campaign=iw.campaign)
    iw.e2.refresh_from_db()
    assert not iw.e2.selected  # a change by hand is kept
    assert r.status_code == 302


def test_findings_get_their_handling_category(iw):
    f = services.finding_record(
        actor=iw.runner, entry=iw.e1, description="自查发现", found_by="internal", amount="100"
    )
    assert f.category == "lenient" and f.internal_accountability
    f = services.finding_record(
        actor=iw.runner,
        entry=iw.e1,
        description="再设",
        found_by="self",
        amount="100",
        created_after_previous_campaign=True,
    )
    assert f.category == "severe" and f.removal_first
    with pytest.raises(ValidationError):
        services.finding_record(actor=iw.runner, entry=iw.e1, description="x", found_by="self", amount="-1")


def test_a_finding_becomes_a_rectification_task_and_its_funds_are_transferred(login, iw):
    client = login(iw.runner)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    r = client.post(
        f"/integrity/findings/{iw.f2.pk}/rectify/",
        {"owner": iw.world.users.county.pk, "deadline": deadline.isoformat()},
    )
    assert r.status_code == 302
    iw.f2.refresh_from_db()
    task = RectificationTask.objects.get(pk=iw.f2.task_id)
    assert task.source_kind == "campaign_finding" and task.source_id == str(iw.f2.pk)
    # The task's link back to the finding, through oversight's registry.
    from doudi.oversight import sources

    assert sources.link(iw.runner, task.source).url == f"/integrity/findings/{iw.f2.pk}/"
    assert sources.link(iw.world.users.town1, task.source) is None
    r = client.post(
        f"/integrity/findings/{iw.f2.pk}/transfer/",
        {"amount": "20000", "on": timezone.localdate().isoformat()},
    )
    iw.f2.refresh_from_db()
    assert iw.f2.transferred_amount is None
    client.post(
        f"/integrity/findings/{iw.f2.pk}/transfer/",
        {"amount": "12000", "on": timezone.localdate().isoformat()},
    )
    iw.f2.refresh_from_db()
    assert iw.f2.transferred_amount == Decimal("12000") and iw.f2.transferred_on == timezone.localdate()


def test_summary_documents(login, iw):
    services.form_submit(
        actor=iw.unit1,
        entry=iw.e1,
        lines=lines(false_documents=(2, "3000", "3000")),
        head_name="李",
        signed_on=timezone.localdate(),
    )
    client = login(iw.runner)
    r = client.get(f"/integrity/campaigns/{iw.campaign.pk}/summary.docx")
    text = "\n".join(docx_text(r.content))
    assert "已报送自查自纠情况报告表1个" in text and "12000.00" in text and "城投柳河分公司" in text
    r = client.get(f"/integrity/campaigns/{iw.campaign.pk}/summary.xlsx")
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python())
    total = rows[-1]
    assert total[0] == "合计" and total[1] == "1/2" and float(total[3]) == 3000 and float(total[6]) == 12000


def test_api_campaigns_forms_and_selection(login, iw):
    client = login(iw.runner)
    assert [c["id"] for c in client.get("/api/v1/integrity/campaigns").json()] == [iw.campaign.pk]
    assert len(client.get(f"/api/v1/integrity/campaigns/{iw.campaign.pk}/units").json()) == 2
    r = client.post(f"/api/v1/integrity/campaigns/{iw.campaign.pk}/selection")
    assert r.status_code == 200 and r.json()["short"] is False
    unit_client = login(iw.unit1)
    assert [e["id"] for e in unit_client.get("/api/v1/integrity/forms").json()] == [iw.e1.pk]
    body = {
        "head_name": "李",
        "signed_on": "2026-11-20",
        "lines": [{"code": "false_documents", "found": True, "count": 1, "amount": "-1"}],
    }
    r = unit_client.put(f"/api/v1/integrity/forms/{iw.e1.pk}", body, content_type="application/json")
    assert r.status_code == 422 and "不能为负数" in r.json()["detail"]
    body["lines"][0]["amount"] = "10"
    assert (
        unit_client.put(
            f"/api/v1/integrity/forms/{iw.e1.pk}", body, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        unit_client.put(
            f"/api/v1/integrity/forms/{iw.e2.pk}", body, content_type="application/json"
        ).status_code
        == 404
    )


def test_selfcheck_template_round_trip(tmp_path, iw):
    path = tmp_path / "t.xlsx"
    path.write_bytes(selfcheck.template(iw.e1))
    parsed = selfcheck.read(path, "t.xlsx")
    assert set(parsed) == set(rules.FORM_CODES)
