"""Reports in the browser: a reporter files a report on a phone, keeps the receipt, a handler
registers, assigns and answers it, and the reporter follows it up with the receipt alone."""

import shutil

import pytest

from ..integrity.conftest import build  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser


def test_report_on_a_phone_keep_the_receipt_and_follow_up(phone, page, live_world, screenshot):
    iw = build(live_world)
    phone.goto("/integrity/report/")
    phone.wait_for_selector("h1:has-text('我要举报')")
    phone.select_option("#id_category", "slush_fund")
    phone.select_option("#id_unit", label=iw.b1.name)
    phone.fill("#id_text", "城投青石分公司把代办手续费存在出纳个人账户，没有入公司账。")
    phone.fill("#id_contact", "13912345678")
    shutil.copy(screenshot(phone, "integrity-01-file-phone"), "/tmp/integrity-01-file-phone.png")
    phone.click("#report-form button[type=submit]")
    phone.wait_for_selector("#receipt")
    receipt = phone.inner_text("#receipt").strip()
    assert len(receipt.replace(" ", "")) == 16
    shutil.copy(screenshot(phone, "integrity-02-receipt-phone"), "/tmp/integrity-02-receipt-phone.png")
    phone.click("#kept-form button[type=submit]")  # without the tick: the receipt again
    phone.wait_for_selector("#kept-form .errorlist")
    assert phone.inner_text("#receipt").strip() == receipt
    phone.check("#kept")
    phone.click("#kept-form button[type=submit]")
    phone.wait_for_selector("h1:has-text('谢谢您')")

    log_in(page, "handler1", "doudi-test-pw")
    page.goto("/integrity/reports/")
    page.click("#report-list tbody tr:first-child a")
    page.click("#register")
    page.wait_for_selector("#assign-form")
    page.select_option("#id_handling_unit", label=iw.jw.name)
    page.select_option("#id_handler", label="handler1")
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#answer-form")
    page.select_option("#id_outcome", "true")
    page.fill("#answer-form #id_reply", "经查属实，已责令将手续费收入如数转入公司账簿。")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#status:has-text('已答复')")
    shutil.copy(screenshot(page, "integrity-03-handler"), "/tmp/integrity-03-handler.png")

    phone.goto("/integrity/report/follow/")
    phone.fill("#id_receipt", receipt)
    phone.click("#follow-form button[type=submit]")
    phone.wait_for_selector("#thread")
    assert "经查属实" in phone.inner_text("#thread")
    assert "属实" in phone.inner_text("#outcome")
    phone.fill("#id_text", "谢谢，另外物业公司也有类似情况。")
    phone.click("#add-form button[type=submit]")
    phone.wait_for_selector("#thread:has-text('物业公司也有类似情况')")
    shutil.copy(screenshot(phone, "integrity-04-follow-phone"), "/tmp/integrity-04-follow-phone.png")
