"""Pilot plans in the browser: the county imports a shipped plan, a township files its monthly
report on a phone, an overdue task shows its warning, the plan page shows the progress."""

import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from doudi.core import unit_services as us
from doudi.core.models import Unit
from doudi.programmes import planfile, planxlsx
from doudi.programmes.models import Funding, Plan, Report

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser


def test_import_report_warning_and_progress(page, phone, live_world, screenshot, tmp_path):
    w = live_world
    us.unit_create(actor=w.users.county, name="安和县生态环境局", kind=Unit.Kind.DEPARTMENT, region=w.county)
    year = timezone.localdate().year

    log_in(page, "county", PASSWORD)
    menu(page, "/programmes/")
    page.click("text=导入方案")
    page.select_option("#id_shipped", "sewage.toml")
    page.select_option("#id_region", w.county.code)
    page.fill("#id_year", str(year))
    page.click("main form button[type=submit]")
    page.wait_for_selector("#task-table")
    screenshot(page, "programmes-00-after-import")
    page.wait_for_selector("#plan-timeline[data-ready='1']", state="attached")
    plan = Plan.objects.get(key="sewage")
    assert "开展治理状况调查" in page.inner_text("#task-table")

    # the township clerk, on a phone: the worklist, then the report of task 13 with the rate
    log_in(phone, "town1", PASSWORD)
    phone.goto("/programmes/worklist/")
    assert "农村生活污水" in phone.inner_text("#worklist")
    task13 = plan.tasks.get(number="13")
    phone.goto(f"/programmes/tasks/{task13.pk}/")
    phone.click("text=填报进展")
    phone.select_option("#id_who", f"r:{w.t1.code}")
    phone.select_option("#id_period", f"{year}-01")
    phone.fill("#id_text", "完成2个村的管网铺设，1个村在建。")
    phone.fill(f"#id_t{task13.targets.get().pk}", "3.5")
    photo = tmp_path / "现场.png"
    Image.new("RGB", (40, 30), (20, 120, 200)).save(photo)
    phone.set_input_files("#id_files", str(photo))
    screenshot(phone, "programmes-02-phone-report")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("#reports")
    assert "完成2个村的管网铺设" in phone.inner_text("#reports")
    assert Report.objects.filter(task=task13, region=w.t1).exists()
    assert "现场.png" in phone.inner_text("#reports")

    # task 6 (the survey, due 30 April) is overdue today: its warning shows
    survey = plan.tasks.get(number="6")
    page.goto(f"/programmes/tasks/{survey.pk}/")
    status = page.inner_text("#task-status")
    if timezone.localdate() > survey.deadline:
        assert "逾期" in status and page.locator("[data-warning]").count() == 1

    page.goto(f"/programmes/{plan.pk}/")
    page.wait_for_selector("#plan-timeline[data-ready='1']")
    row = page.inner_text(f"tr[data-task='{task13.pk}']")
    assert "农村生活污水处理率：3.50 / 30%" in row
    shot = screenshot(page, "programmes-01-plan")
    shutil.copy(shot, "/tmp/programmes-01-plan.png")


def test_a_plan_workbook_is_imported_and_its_funding_recorded(page, live_world, screenshot, tmp_path):
    """The county uploads a plan as a workbook, checks the preview, imports it, then records what
    the province has paid and sees the totals on the plan page."""
    w = live_world
    year = timezone.localdate().year
    text = (Path(planfile.__file__).parent / "data" / "cadre-funds-221.toml").read_text(encoding="utf-8")
    book = tmp_path / "方案.xlsx"
    book.write_bytes(planxlsx.write(planfile.load(text, year=year)))

    log_in(page, "county", PASSWORD)
    page.goto("/programmes/import/")
    page.click("#import-xlsx-link")
    page.set_input_files("#id_file", str(book))
    page.select_option("#id_region", w.county.code)
    page.fill("#id_year", str(year))
    page.check("#id_create_missing_units")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#import-preview")
    assert "县委组织部" in page.inner_text("#preview-tasks")
    screenshot(page, "programmes-03-xlsx-preview")
    assert not Plan.objects.filter(title__contains="选派").exists()  # the preview writes nothing
    page.click("#confirm-import button[type=submit]")
    page.wait_for_selector("#task-table")
    plan = Plan.objects.get(year=year, region=w.county, title__contains="选派")
    assert page.locator("#funding-totals").count() == 1

    page.click("#funding-link")
    page.wait_for_selector("#funding-form")
    province = Funding.objects.get(task__plan=plan, level="省")
    page.fill(f"input[name='paid-{province.pk}']", "4000")
    screenshot(page, "programmes-04-funding")
    page.click("#funding-form button[type=submit]")
    page.wait_for_selector("#funding-totals")
    assert Funding.objects.get(pk=province.pk).paid == 4000
    page.goto(f"/programmes/{plan.pk}/")
    totals = page.inner_text("#funding-totals")
    assert "4000.00" in totals
    screenshot(page, "programmes-05-plan-funding")

    # the county moves task 2's deadline on a phone-sized page
    task = plan.tasks.get(number="2")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/programmes/tasks/{task.pk}/")
    page.click("#task-edit-link")
    page.fill("#id_deadline", f"{year}-11-30")
    screenshot(page, "programmes-06-task-edit")
    page.click("#task-edit button[type=submit]")
    page.wait_for_selector("#task-status")
    assert f"{year}-11-30" in page.inner_text("#task-status")


def test_a_village_uploads_the_ledger_with_its_photos_on_a_phone(phone, live_world, screenshot, tmp_path):
    """The Excel and a .zip of the photos its attachment column names: the rows and their files."""
    import zipfile

    import xlsxwriter

    from doudi.programmes import ledger_services as ls
    from doudi.programmes import ledgers
    from doudi.programmes.models import LedgerAttachment

    w = live_world
    cols = ledgers.columns_from_lines(
        "村庄; region; 必填\n保洁员人数; integer; 必填; 人\n公示照片; attachment"
    )
    t = ls.ledger_create(
        actor=w.users.county, region=w.county, name="保洁员公示台账", cols=cols, filled_by="village"
    )
    book = tmp_path / "台账.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet()
    for r, row in enumerate([["村庄", "保洁员人数（人）", "公示照片"], ["青石社区", 3, "公示.png"]]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    photo = tmp_path / "公示.png"
    Image.new("RGB", (40, 30), (200, 120, 20)).save(photo)
    bundle = tmp_path / "照片.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(photo, "照片/公示.png")

    log_in(phone, "town1", PASSWORD)
    phone.goto(f"/programmes/ledgers/{t.pk}/")
    phone.click("text=上传 Excel")
    assert "附件压缩包" in phone.inner_text("main form")
    phone.set_input_files("#id_file", str(book))
    phone.set_input_files("#id_files", str(bundle))
    screenshot(phone, "programmes-05-phone-ledger-upload")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("text=公示.png")
    item = LedgerAttachment.objects.get(row__template=t)
    assert item.name == "公示.png" and item.content_type == "image/png"
    assert phone.locator(f"a[href='/programmes/files/ledger/{item.pk}/']").count() == 1
