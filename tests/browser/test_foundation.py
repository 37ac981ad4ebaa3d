import pytest

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser


def test_town1_logs_in_switches_language_and_sees_only_own_township(page, live_world, screenshot):
    log_in(page, "town1", PASSWORD)
    page.wait_for_selector("text=青石镇")
    assert "退出" in page.inner_text("header")  # Chinese by default

    menu(page, "/regions/")
    page.wait_for_selector("h1:has-text('青石镇')")
    tree = page.inner_text("#tree")
    assert "青石社区" in tree and "东山村" in tree
    assert "西河村" not in tree and "柳河镇" not in page.content()
    screenshot(page, "regions-town1-zh")

    page.click("button[data-lang=en]")
    page.wait_for_selector("text=Log out")
    assert "Subordinate units" in page.content()
    screenshot(page, "regions-town1-en")

    # Forged URL of another township's village: 404, nothing shown.
    response = page.goto(f"/regions/{live_world.v2.code}/")
    assert response.status == 404
    assert "西河村" not in page.content()


def test_admin_creates_an_account_on_a_phone(phone, live_world, screenshot):
    log_in(phone, "county", PASSWORD)
    phone.wait_for_selector("text=安和县")
    phone.goto("/users/new/")
    phone.fill("#id_username", "town1c")
    phone.fill("#id_name", "孙七")
    phone.select_option("#id_region", live_world.t1.code)
    phone.check("input[name=roles][value=township_clerk]")
    phone.fill("#id_password", "a-strong-pass-2026")
    screenshot(phone, "user-create-phone")
    phone.click("form.card button[type=submit]")
    phone.wait_for_selector("text=账号 town1c 已创建。")
    assert "孙七" in phone.inner_text("table")


def test_county_expands_the_region_tree(page, live_world, screenshot):
    log_in(page, "county", PASSWORD)
    page.goto("/regions/")
    page.wait_for_selector("h1:has-text('安和县')")
    node = page.locator(".tree-node", has_text="青石镇").first
    node.locator("button.toggle").click()
    node.locator(".sub >> text=东山村").wait_for()
    assert "西河村" not in node.inner_text()
    screenshot(page, "regions-county-expanded")
