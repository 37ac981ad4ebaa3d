"""Every role's home page at phone and desktop size (screenshots in artifacts/screenshots/
nav-<role>-<size>.png), and every menu entry within two clicks: on a phone ☰ shows every group
laid out; on a desktop a group's label shows its entries."""

import pytest

from doudi.core.roles import Role

from ..conftest import PASSWORD, make_user  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser

ROLES = [
    Role.COUNTY_OFFICER,
    Role.COUNTY_ADMIN,
    Role.TOWNSHIP_CLERK,
    Role.VILLAGE_STAFF,
    Role.INSPECTOR,
    Role.DISCIPLINE,
    Role.LEADER,
    Role.PROVIDER_STAFF,
]


def region_for(world, role):
    if role in (Role.TOWNSHIP_CLERK, Role.PROVIDER_STAFF):
        return world.t1
    if role == Role.VILLAGE_STAFF:
        return world.v1
    return world.county


@pytest.mark.parametrize("role", ROLES, ids=[str(r) for r in ROLES])
def test_every_menu_entry_is_two_clicks_away_on_a_phone_and_a_desktop(
    page, phone, live_world, screenshot, role
):
    make_user(f"r_{role}", region_for(live_world, role), [role])
    for pg, size in ((page, "desktop"), (phone, "phone")):
        log_in(pg, f"r_{role}", PASSWORD)
        pg.wait_for_selector("nav.mainnav", state="attached")
        if pg.locator("#reports-dashboard").count():  # the charts drawn, or each box saying 暂无数据
            pg.wait_for_selector("#reports-dashboard[data-ready='1']")
            for box in pg.locator("#reports-dashboard .chart").all():
                drawn = box.locator("canvas").count() > 0
                assert drawn or "暂无数据" in box.inner_text(), (role, size, box.get_attribute("id"))
                assert drawn or box.bounding_box()["height"] < 120, (role, size, box.get_attribute("id"))
        hrefs = pg.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and hrefs[0] == "/", (role, hrefs)
        screenshot(pg, f"nav-{role}-{size}")
        if size == "phone":
            assert not pg.locator("nav.mainnav").is_visible()
            pg.click("label.nav-toggle-label")  # click 1
            for href in hrefs:  # click 2 is the entry itself
                assert pg.locator(f"nav.mainnav a[href='{href}']").is_visible(), (role, href)
            screenshot(pg, f"nav-{role}-{size}-open")
            pg.click("label.nav-toggle-label")
        else:
            for group in pg.locator("nav.mainnav .navgroup").all():
                group.locator(".navgroup-label").click()  # click 1
                for link in group.locator(".navmenu a").all():
                    assert link.is_visible(), (role, link.get_attribute("href"))
            if pg.locator("nav.mainnav .navgroup").count():
                pg.locator("nav.mainnav .navgroup").first.locator(".navgroup-label").click()
                screenshot(pg, f"nav-{role}-{size}-open")
        # and one entry opened through the menu, as a user does
        target = hrefs[-1]
        assert menu(pg, target) <= 2
        pg.wait_for_url(f"**{target}")
