"""Organisation units in the browser: the county officer opens 单位 from the menu, creates a
unit, adds a subordinate unit with its figures and views it; staff of another unit get 404."""

import shutil

import pytest

from ..conftest import PASSWORD  # noqa: TID252
from ..core.conftest import build_units  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser


def test_county_creates_a_unit_and_views_it(page, live_world, screenshot):
    w = live_world
    units = build_units(w)
    log_in(page, "county", PASSWORD)
    menu(page, "/units/")
    page.wait_for_selector("h1:has-text('单位')")
    assert "安和县城市建设投资集团有限公司" in page.inner_text("#units")
    shot = screenshot(page, "units-01-list")
    shutil.copy(shot, "/tmp/units-01-list.png")

    page.click("text=新增单位")
    page.fill("#id_name", "安和县交通运输局")
    page.select_option("#id_kind", "department")
    page.select_option("#id_region", w.county.code)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("h1:has-text('安和县交通运输局')")
    assert "单位 安和县交通运输局 已创建。" in page.inner_text(".messages")

    page.click("text=新增下属单位")
    page.fill("#id_name", "安和县公路管理段")
    page.select_option("#id_kind", "public_institution")
    page.select_option("#id_region", w.t1.code)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("h1:has-text('安和县公路管理段')")
    assert "安和县交通运输局" in page.inner_text("nav.breadcrumb")

    page.click("text=填写年度数据")
    page.fill("#id_year", "2026")
    page.fill("#id_total_assets", "3500000")
    page.fill("#id_main_revenue", "420000.5")
    page.fill("#id_branches", "2")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#figures")
    figures = page.inner_text("#figures")
    assert "3,500,000.00" in figures and "420,000.50" in figures
    shot = screenshot(page, "units-02-detail")
    shutil.copy(shot, "/tmp/units-02-detail.png")

    page.goto(f"/units/{units.ct.pk}/")
    page.wait_for_selector("#figures")
    shot = screenshot(page, "units-03-company")
    shutil.copy(shot, "/tmp/units-03-company.png")

    # Staff of 民政局 forge the company's URL: 404, nothing shown.
    page.context.clear_cookies()
    log_in(page, "mzj_officer", PASSWORD)
    page.wait_for_selector("text=安和县民政局")
    response = page.goto(f"/units/{units.ct.pk}/")
    assert response.status == 404 and "城市建设投资" not in page.content()
