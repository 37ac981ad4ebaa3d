"""The browser tests' CSP watch (conftest.csp_watch) can fail: an injected inline script is
blocked by the policy and reported, both to the test and to /csp-report/."""

import logging

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import csp_watch, log_in  # noqa: TID252


def test_an_inline_script_is_blocked_and_caught(chromium, live_server, live_world, caplog):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    violations = csp_watch(context)
    pg = context.new_page()
    try:
        log_in(pg, "town1", PASSWORD)
        pg.wait_for_url("**/")
        assert not violations, violations
        with caplog.at_level(logging.WARNING, logger="doudi.csp"):
            with pg.expect_response("**/csp-report/"):  # the server has logged it by then
                pg.evaluate(
                    """() => { const s = document.createElement("script");
                    s.textContent = "window.__ran = 1"; document.body.appendChild(s); }"""
                )
        assert pg.evaluate("() => window.__ran") is None  # it did not run
        assert any("script-src" in v for v in violations), violations
        assert any("script-src" in r.getMessage() for r in caplog.records if r.name == "doudi.csp")
    finally:
        context.close()


def test_the_pages_with_charts_and_handlers_keep_the_policy(page, live_world):
    """The pages whose inline scripts moved to static files still work under the policy (the
    `page` fixture fails on any violation)."""
    log_in(page, "town1", PASSWORD)
    page.wait_for_url("**/")
    page.wait_for_selector("#reports-dashboard[data-ready='1']")
    response = page.goto("/reports/map/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#map[data-ready='1']")


def test_the_declared_behaviours_replace_the_inline_handlers(page, live_world):
    """`<select data-autosubmit>` (was onchange=) submits its form, bound by core's site.js."""
    import datetime as dt

    from doudi.oversight import inspections as svc

    w = live_world
    checklist = svc.checklist_create(actor=w.users.county, region=w.county, name="督查清单")
    for name in ("2026年第三季度督查", "2026年第四季度督查"):
        svc.inspection_plan(
            actor=w.users.inspector,
            round=name,
            checklist=checklist,
            planned_on=dt.date.today(),
            regions=[w.t1],
        )
    log_in(page, "inspector", PASSWORD)
    page.goto("/oversight/inspections/")
    assert page.locator("#inspection-list tr[data-inspection]").count() == 2
    with page.expect_navigation():
        page.select_option("select[data-autosubmit]", "2026年第四季度督查")
    assert "round=" in page.url
    assert page.locator("#inspection-list tr[data-inspection]").count() == 1
