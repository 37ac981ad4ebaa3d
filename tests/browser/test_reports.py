"""A county officer runs a month-end: both townships submit, the county reviews the changes, sends
one township back with a comment, the township resubmits, the county closes the month. Then the
home dashboard's charts and the map (villages at their coordinates) are drawn offline."""

import datetime as dt

import pytest

from doudi.core.models import Region
from doudi.eligibility.models import Assessment
from doudi.reports.models import MonthReport

from ..conftest import PASSWORD, _loop_person  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser


def _as(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)


def _click(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_a_county_officer_runs_a_month_end(page, live_world, screenshot):
    w = live_world
    since = dt.date.today() - dt.timedelta(days=400)
    for i, (village, level) in enumerate(
        ((w.v1, "none"), (w.v1b, "partial"), (w.v1b, "full"), (w.v2, "full"))
    ):
        p = _loop_person(village, f"对象{i}", supported_since=since)
        ok = level == "full"
        Assessment.objects.create(
            person=p, assessed_on=since, assessor="评估员", eating=ok, dressing=ok, bed_transfer=ok,
            toileting=ok, indoor_walking=ok, bathing=ok, level=level,
        )  # fmt: skip
    for code, lon, lat in (
        (w.v1.code, 104.10, 30.60),
        (w.v1b.code, 104.18, 30.66),
        (w.v2.code, 104.30, 30.55),
    ):
        Region.objects.filter(code=code).update(longitude=lon, latitude=lat)
    month = dt.date.today().replace(day=1)
    m = f"{month:%Y-%m}"

    for user, town in (("town1", w.t1), ("town2", w.t2)):
        _as(page, user)
        page.goto(f"/reports/closing/?region={town.code}&month={m}")
        assert page.locator("#submit-table").count() == 1
        if user == "town1":
            screenshot(page, "reports-01-township-before-submit")
        _click(page, "#submit-month")
        assert MonthReport.objects.get(region=town, month=month).status == "submitted"

    _as(page, "county")
    page.goto(f"/reports/closing/?region={w.county.code}&month={m}")
    assert page.locator("#closing-table tr[data-township]").count() == 2
    screenshot(page, "reports-02-county-all-submitted")
    row = page.locator(f"#closing-table tr[data-township='{w.t2.code}']")
    row.locator("input[name=comment]").fill("敬老院人数与台账不符，请核对")
    _click(page, f"#closing-table tr[data-township='{w.t2.code}'] button")
    assert MonthReport.objects.get(region=w.t2, month=month).status == "returned"
    assert page.locator("#close-month").is_disabled()
    screenshot(page, "reports-03-county-sent-back")

    _as(page, "town2")
    page.goto(f"/reports/closing/?region={w.t2.code}&month={m}")
    assert "敬老院人数与台账不符" in page.locator("#return-comment").inner_text()
    _click(page, "#submit-month")
    assert MonthReport.objects.get(region=w.t2, month=month).version == 2

    _as(page, "county")
    page.goto(f"/reports/closing/?region={w.county.code}&month={m}")
    _click(page, "#close-month")
    assert MonthReport.objects.get(region=w.county, month=month).status == "closed"
    assert page.locator("#county-status strong").count() == 1
    screenshot(page, "reports-04-county-closed")

    page.goto(f"/reports/monthly/?region={w.county.code}&month={m}")
    assert page.locator("#frozen-note").count() == 1
    total = page.locator(f"#monthly-table a[data-key='total'][data-region='{w.county.code}']")
    assert total.inner_text() == "4"
    screenshot(page, "reports-05-monthly-table")
    _click(page, f"#monthly-table a[data-key='level_full'][data-region='{w.county.code}']")
    assert page.locator("#cell-list tbody tr").count() == 2

    page.goto("/")
    page.wait_for_selector("#reports-dashboard[data-ready='1']")
    page.wait_for_timeout(600)  # chart animations
    assert page.locator("#chart-mix canvas").count() == 1
    screenshot(page, "reports-06-dashboard")

    page.goto(f"/reports/map/?month={m}&key=total")
    page.wait_for_selector("#map[data-ready='1']")
    page.wait_for_timeout(600)
    assert page.locator("#map canvas").count() == 1
    screenshot(page, "reports-07-map")
