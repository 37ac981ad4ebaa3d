"""Inspections (督导检查): checklist editing, planning, findings → rectification tasks, documents."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from doudi.core.audit import verify_chain
from doudi.oversight import inspection_selectors as sel
from doudi.oversight import inspections as svc
from doudi.oversight import services as task_svc
from doudi.oversight.models import Finding, Inspection, RectificationTask


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_the_standard_checklist_covers_the_problems_of_seed_document_5(ov):
    titles = [i.title for i in ov.checklist.items.all()]
    assert len(titles) == 5
    text = " ".join(f"{i.title}{i.guidance}" for i in ov.checklist.items.all())
    for phrase in ("视觉上的贫困", "监护", "千篇一律", "精准", "物尽其用"):
        assert phrase in text


def test_a_problem_becomes_a_rectification_task_for_the_township(ov):
    f = ov.finding2
    task = f.task
    assert task.source_kind == "inspection" and task.source_id == str(f.pk)
    assert task.region_id == ov.world.t2.code and task.owner == ov.world.users.town2
    assert task.person == ov.loop.p2 and "被褥脏乱" in task.title
    assert ov.insp2.findings.filter(ok=True).count() == 4 and f.photos.count() == 1
    # Recording again does not open a second task for the same finding.
    svc.inspection_record(
        actor=ov.world.users.inspector,
        inspection=ov.insp2,
        owner=ov.world.users.town2,
        results={
            fi.item_id: {"ok": fi.ok, "note": fi.note, "person": fi.person} for fi in ov.insp2.findings.all()
        },
    )
    assert RectificationTask.objects.filter(source_kind="inspection", source_id=str(f.pk)).count() == 1
    assert verify_chain().ok


def test_closing_the_task_shows_on_the_inspection(ov, login):
    task = ov.itask2
    task_svc.task_close(
        actor=ov.world.users.town2, task=task, evidence="已更换被褥并打扫", version=task.version
    )
    row = sel.inspections(ov.world.users.county).get(pk=ov.insp2.pk)
    assert row.n_problems == 1 and row.n_open == 0
    page = login(ov.world.users.town2).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert "第四季度督查" in page  # the task links back to its inspection


def test_recording_validates_the_results(ov, results):
    insp = svc.inspection_plan(
        actor=ov.world.users.inspector,
        round="复查",
        checklist=ov.checklist,
        planned_on=ov.loop.today,
        regions=[ov.world.v1b],
    )[0]
    inspector, town1 = ov.world.users.inspector, ov.world.users.town1
    r = results(ov.checklist, {"台账": ""})
    with pytest.raises(ValidationError, match="须写明"):
        svc.inspection_record(actor=inspector, inspection=insp, owner=town1, results=r)
    r = results(ov.checklist)
    r.pop(next(iter(r)))
    with pytest.raises(ValidationError, match="还没有填写"):
        svc.inspection_record(actor=inspector, inspection=insp, owner=town1, results=r)
    with pytest.raises(ValidationError, match="不在被督查"):
        svc.inspection_record(
            actor=inspector,
            inspection=insp,
            owner=town1,
            results=results(ov.checklist, {"台账": "千篇一律"}, person=ov.loop.p2),
        )
    with pytest.raises(ValidationError, match="责任人"):
        svc.inspection_record(
            actor=inspector, inspection=insp, owner=None, results=results(ov.checklist, {"台账": "千篇一律"})
        )
    with pytest.raises(PermissionDenied):
        svc.inspection_record(actor=town1, inspection=insp, owner=town1, results=results(ov.checklist))
    assert not Finding.objects.filter(inspection=insp).exists()
    svc.inspection_record(actor=inspector, inspection=insp, owner=town1, results=results(ov.checklist))
    insp.refresh_from_db()
    assert (
        insp.status == Inspection.Status.DONE
        and not RectificationTask.objects.filter(source_kind="inspection", region=ov.world.v1b).exists()
    )


def test_planning_needs_townships_or_villages_in_the_inspectors_area(ov, make):
    inspector = ov.world.users.inspector
    with pytest.raises(ValidationError, match="乡镇或村"):
        svc.inspection_plan(
            actor=inspector,
            round="x",
            checklist=ov.checklist,
            planned_on=ov.loop.today,
            regions=[ov.world.county],
        )
    inspector1 = make.user("inspector1", ov.world.t1, ["inspector"])
    with pytest.raises(PermissionDenied):
        svc.inspection_plan(
            actor=inspector1,
            round="x",
            checklist=ov.checklist,
            planned_on=ov.loop.today,
            regions=[ov.world.t2],
        )
    (nursing,) = svc.inspection_plan(
        actor=inspector1,
        round="敬老院专项",
        checklist=ov.checklist,
        planned_on=ov.loop.today,
        institutions=[ov.loop.inst1],
    )
    assert nursing.region_id == ov.loop.inst1.region_id


@pytest.mark.parametrize("who", ["admin", "county"])
def test_county_administrator_and_officer_edit_the_checklist(ov, login, make, who):
    user = make.user("admin", ov.world.county, ["county_admin"]) if who == "admin" else ov.world.users.county
    client = login(user)
    r = client.post(
        f"/oversight/checklists/{ov.checklist.pk}/",
        {"title": "住房安全", "guidance": "是否危房", "active": "on"},
    )
    assert r.status_code == 302
    assert ov.checklist.items.filter(title="住房安全", active=True).exists()
    item = ov.checklist.items.get(title__startswith="物资")
    r = client.post(
        f"/oversight/checklists/{ov.checklist.pk}/items/{item.pk}/",
        {f"i{item.pk}-title": "物资发放", f"i{item.pk}-guidance": "", f"i{item.pk}-order": 5},
    )
    item.refresh_from_db()
    assert (item.title, item.active, item.order) == ("物资发放", False, 5)
    # A retired item is not asked any more; earlier findings keep it.
    assert ov.insp2.findings.filter(item=item).exists()
    form_page = (
        login(ov.world.users.inspector).get(f"/oversight/inspections/{ov.insp1.pk}/record/").content.decode()
    )
    assert "住房安全" in form_page and f'class="card finding-block" data-item="{item.pk}"' not in form_page
    r = client.post("/oversight/checklists/", {"name": "敬老院督查清单", "standard": "on"})
    assert r.status_code == 302


def test_the_clerk_cannot_edit_the_checklist_service(ov):
    with pytest.raises(PermissionDenied):
        svc.checklist_item_save(actor=ov.world.users.town1, checklist=ov.checklist, title="x")


def test_report_docx_lists_the_findings(ov, login):
    r = login(ov.world.users.county).get(f"/oversight/inspections/{ov.insp2.pk}/report/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(r.content)
    assert "柳河镇督查情况报告" in text and "第四季度督查" in text
    assert "不符合" in text and "走访对象2被褥脏乱" in text and "整改中" in text
    assert "本次督查共检查5项，符合4项，不符合1项" in text


def test_circular_ranks_townships(ov, login, results):
    # A third inspection in town1 with no problem: town1 has 1 problem over 2 units, town2 1 over 1.
    (extra,) = svc.inspection_plan(
        actor=ov.world.users.inspector,
        round="第四季度督查",
        checklist=ov.checklist,
        planned_on=ov.loop.today,
        regions=[ov.world.v1b],
    )
    svc.inspection_record(
        actor=ov.world.users.inspector, inspection=extra, owner=None, results=results(ov.checklist)
    )
    ranking = sel.township_ranking(ov.world.users.county, round="第四季度督查")
    assert [(r.name, r.units, r.problems, r.open_tasks) for r in ranking] == [
        ("青石镇", 2, 1, 1),
        ("柳河镇", 1, 1, 1),
    ]
    client = login(ov.world.users.county)
    page = client.get("/oversight/inspections/circular/?round=第四季度督查").content.decode()
    assert page.index("青石镇") < page.index("柳河镇")
    r = client.get("/oversight/inspections/circular/", {"round": "第四季度督查", "download": "1"})
    text = docx_text(r.content)
    assert "关于第四季度督查情况的通报" in text
    assert "1 | 青石镇 | 2 | 1 | 0.5 | 1 | 0" in text and "2 | 柳河镇 | 1 | 1 | 1.0 | 1 | 0" in text
    assert "青石镇工作扎实" in text and "视觉贫困" in text
    # A township's clerk sees only their own township in the ranking.
    assert [r.name for r in sel.township_ranking(ov.world.users.town2)] == ["柳河镇"]


def test_documents_without_libreoffice_fall_back_to_docx(ov, login, monkeypatch):
    monkeypatch.setattr("doudi.core.documents.soffice_path", lambda: None)
    r = login(ov.world.users.county).get(f"/oversight/inspections/{ov.insp1.pk}/report/?format=pdf")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
