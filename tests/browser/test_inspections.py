"""An inspection in the browser: plan → findings on a phone → rectification → closure → documents.

The county inspector plans a round for two townships on a desktop, records findings for 青石镇 on a
phone (one item 不符合, naming a person, with a photo); the problem becomes a rectification task
the township clerk sees and closes with evidence; the inspection page then shows it closed, and
the circular ranks the townships. Another township's clerk sees none of 青石镇's inspection.
"""

import datetime as dt
import io

import pytest
from docx import Document

from doudi.oversight import inspections as svc
from doudi.oversight.models import Finding, Inspection, RectificationTask

from ..conftest import JPEG_BYTES, PASSWORD, _loop_person  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser


def test_inspection_finding_rectification_closure(page, phone, live_world, screenshot, tmp_path):
    w = live_world
    today = dt.date.today()
    person = _loop_person(w.v1b, "韩守业", supported_since=today - dt.timedelta(days=400))
    checklist = svc.checklist_create(actor=w.users.county, region=w.county, name="特困人员监护照护督查清单")

    # ---- plan (desktop) --------------------------------------------------------------------------
    log_in(page, "inspector", PASSWORD)
    page.goto("/oversight/inspections/")
    page.click("#plan-link")
    page.fill("#id_round", "2026年第四季度督查")
    page.select_option("#id_checklist", str(checklist.pk))
    page.check(f"input[name=regions][value='{w.t1.code}']")
    page.check(f"input[name=regions][value='{w.t2.code}']")
    screenshot(page, "inspections-01-plan")
    page.click("#plan-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#inspection-list tr[data-inspection]").count() == 2
    screenshot(page, "inspections-02-list")
    insp = Inspection.objects.get(region=w.t1)

    # ---- findings (phone) ------------------------------------------------------------------------
    log_in(phone, "inspector", PASSWORD)
    phone.goto(f"/oversight/inspections/{insp.pk}/record/")
    items = list(checklist.items.all())
    for item in items:
        phone.check(f"input[name=item_{item.pk}_state][value=ok]")
    bad = items[0]
    phone.check(f"input[name=item_{bad.pk}_state][value=problem]")
    # Saving a problem without a note is refused with a message, nothing saved.
    phone.click("#record-submit")
    phone.wait_for_load_state("networkidle")
    assert "请" in phone.content() or "Write down" in phone.content()
    assert not Finding.objects.filter(inspection=insp).exists()
    phone.check(f"input[name=item_{bad.pk}_state][value=problem]")
    phone.fill(f"#id_item_{bad.pk}_note", "被褥多日未洗，屋内有异味")
    phone.select_option(f"#id_item_{bad.pk}_person", str(person.pk))
    photo = tmp_path / "bed.jpg"
    photo.write_bytes(JPEG_BYTES)
    phone.set_input_files(f"#id_item_{bad.pk}_photos", str(photo))
    phone.select_option("#id_owner", str(w.users.town1.pk))
    screenshot(phone, "inspections-03-phone-findings")
    phone.click("#record-submit")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#findings tr.problem").count() == 1
    screenshot(phone, "inspections-04-phone-done")
    task = RectificationTask.objects.get(source_kind="inspection")
    assert task.owner == w.users.town1 and task.person == person and task.region_id == w.t1.code

    # ---- rectification by the township (desktop) -------------------------------------------------
    page.context.clear_cookies()
    log_in(page, "town2", PASSWORD)
    assert page.goto(f"/oversight/inspections/{insp.pk}/").status == 404
    page.context.clear_cookies()
    log_in(page, "town1", PASSWORD)
    page.goto(f"/oversight/inspections/{insp.pk}/")
    page.click(".task-link")
    page.wait_for_load_state("networkidle")
    assert "被褥多日未洗" in page.locator("#task-title").inner_text()
    page.fill("#id_evidence", "已为韩守业更换被褥并清洗，村干部每周上门查看")
    page.click("#close-task")
    page.wait_for_load_state("networkidle")
    task.refresh_from_db()
    assert task.status == "closed"
    page.click("#task-inspection")
    page.wait_for_load_state("networkidle")
    assert page.locator(".task-link").get_attribute("data-status") == "closed"
    screenshot(page, "inspections-05-closed")

    # ---- documents (the inspector) ---------------------------------------------------------------
    page.context.clear_cookies()
    log_in(page, "inspector", PASSWORD)
    page.goto(f"/oversight/inspections/{insp.pk}/")
    with page.expect_download() as info:
        page.click("#report-link")
    text = _text(info.value.path())
    assert "青石镇督查情况报告" in text and "被褥多日未洗，屋内有异味" in text and "已销号" in text
    page.goto("/oversight/inspections/circular/")
    page.select_option("#id_round", "2026年第四季度督查")
    page.click("#circular-form button:not([name])")
    page.wait_for_load_state("networkidle")
    assert "青石镇" in page.locator("#ranking").inner_text()
    screenshot(page, "inspections-06-circular")
    with page.expect_download() as info:
        page.click("#circular-download")
    text = _text(info.value.path())
    assert "关于2026年第四季度督查情况的通报" in text and "青石镇" in text


def _text(path) -> str:
    doc = Document(io.BytesIO(open(path, "rb").read()))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [" | ".join(c.text for c in r.cells) for r in t.rows]
    return "\n".join(parts)
