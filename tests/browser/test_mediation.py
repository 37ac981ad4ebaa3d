"""Dispute mediation in the browser: a village cadre registers a dispute on a phone through the
menu; the village cannot settle it in time and the daily check hands it to the township; the
township clerk settles it with an agreement (.docx downloaded, signed scan uploaded); the
statistics show it settled within the township, the number opens the list with it, and that list
downloads as Excel."""

import datetime as dt

import pytest
from django.core.management import call_command

from doudi.mediation.models import Dispute

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser

V1 = "990121100001"
PDF = b"%PDF-1.4\n%signed\n" + b"0" * 64


def test_village_registers_township_settles_statistics_show(phone, page, live_world, screenshot, tmp_path):
    log_in(phone, "village1", PASSWORD)
    phone.goto("/")
    assert menu(phone, "/mediation/") <= 3
    phone.wait_for_selector("#dispute-list")
    assert phone.is_visible("#export-link")
    screenshot(phone, "mediation-00-list-phone")
    phone.click("#register-link")
    phone.select_option("#id_kind", "neighbours")
    phone.fill("#id_description", "两户因院墙滴水发生争执，多次协商未果。")
    phone.fill("#id_place", "村东组")
    phone.fill("#id_party-0-name", "张大山")
    phone.fill("#id_party-0-id_number", "110105194912310025")  # a wrong check character first
    phone.fill("#id_party-1-name", "李小河")
    phone.fill("#id_party-1-phone", "13912345678")
    screenshot(phone, "mediation-01-register-phone")
    # the form fits the phone: nothing wider than the viewport
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.click("#dispute-form button[type=submit]")
    phone.wait_for_selector(".messages")
    assert "校验位" in phone.inner_text(".messages")
    assert not Dispute.objects.exists()
    phone.fill("#id_party-0-id_number", "")
    phone.click("#dispute-form button[type=submit]")
    phone.wait_for_selector("#dispute-number")
    d = Dispute.objects.get()
    assert d.village_id == V1 and d.tier == "village"
    assert "村调解委员会" in phone.inner_text("#dispute-tier")
    screenshot(phone, "mediation-02-dispute-phone")

    # sixteen days pass without a settlement; the morning's check hands it to the township
    past = d.registered_on - dt.timedelta(days=16)
    Dispute.objects.filter(pk=d.pk).update(
        registered_on=past, tier_since=past, due_on=past + dt.timedelta(days=15)
    )
    call_command("mediation-daily", user="county", now=True)
    d.refresh_from_db()
    assert d.tier == "township"
    phone.reload()
    assert "乡镇调解委员会" in phone.inner_text("#dispute-tier")
    assert phone.query_selector("#conclude") is None  # the village no longer records the outcome

    log_in(page, "town1", PASSWORD)
    page.goto("/notifications/")
    assert d.number in page.inner_text("#notification-list")
    page.click("#notification-list tr.unread button")
    page.wait_for_selector("#conclude")
    page.select_option("#id_status", "settled")
    page.fill("#id_mediator_name", "王调解")
    page.fill("#id_terms", "张大山家加装排水槽，费用双方各半；李小河不再追究。")
    page.click("#conclude button[type=submit]")
    page.wait_for_selector("#outcome")
    assert "调解成功" in page.inner_text("#outcome") and "乡镇调解委员会" in page.inner_text("#outcome")
    with page.expect_download() as info:
        page.click("#agreement-link")
    docx = tmp_path / "agreement.docx"
    info.value.save_as(docx)
    from doudi.core.documents import docx_text

    text = "\n".join(docx_text(docx.read_bytes()))
    assert "人民调解协议书" in text and "加装排水槽" in text and "青石镇人民调解委员会" in text
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(PDF)
    page.click("#scan summary")
    page.set_input_files("#id_scan", str(scan))
    page.click("#scan button[type=submit]")
    page.wait_for_selector("#scan-link")
    screenshot(page, "mediation-03-settled")

    page.goto("/mediation/statistics/")
    page.wait_for_selector("#kind-chart[data-ready='1']")
    assert page.inner_text("#fig-township .num").startswith("1")
    assert page.inner_text("#fig-village .num").startswith("0")
    screenshot(page, "mediation-04-statistics")
    page.click("#fig-township")
    page.wait_for_selector("#dispute-list")
    assert d.number in page.inner_text("#dispute-list")
    # the list that number opened, as Excel: the same filter, the parties, no full ID number
    with page.expect_download() as info:
        page.click("#export-link")
    assert "within_township=1" in info.value.url
    sheet = tmp_path / "disputes.xlsx"
    info.value.save_as(sheet)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "案件编号" and [r[0] for r in rows[2:]] == [d.number]
    assert "张大山" in rows[2][4] and "李小河" in rows[2][4]
    page.goto("/mediation/committees/")
    screenshot(page, "mediation-05-coverage")
    phone.goto("/mediation/statistics/")
    phone.wait_for_selector("#kind-chart[data-ready='1']")
    screenshot(phone, "mediation-06-statistics-phone")

    # the county's own agreement template: the settings page says the default is in use
    page.context.clear_cookies()
    log_in(page, "county", PASSWORD)
    page.wait_for_load_state()
    page.goto("/mediation/settings/990121000000/")
    page.wait_for_selector("#agreement-template")
    assert "默认模板" in page.inner_text("#template-active")
    screenshot(page, "mediation-07-template")
