"""Village supervision in the browser, on a phone: a committee member reviews the month's
vouchers (stamps two, questions one); the township agency books the stamped ones and is refused
the rest; a published openness item appears on the public page, which needs no login."""

import shutil

import pytest

from doudi.village import services as svc
from doudi.village.models import Voucher

from ..conftest import PASSWORD  # noqa: TID252
from ..village.conftest import build_vw  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser

V1 = "990121100001"


def test_member_reviews_agency_books_public_page_shows(phone, live_world, screenshot):
    vw = build_vw(live_world)
    third = svc.voucher_create(
        actor=vw.u.keeper1,
        village=live_world.v1,
        spent_on=vw.today,
        payee="供电所",
        amount="215.30",
        purpose="村部电费",
    )
    log_in(phone, "member1", PASSWORD)
    phone.goto(f"/village/{V1}/vouchers/?status=pending")
    phone.wait_for_selector("#voucher-list")
    shot = screenshot(phone, "village-01-review")
    shutil.copy(shot, "/tmp/village-01-review.png")
    # stamp the first pending voucher, question the other
    phone.click(f"[data-voucher='{vw.pending1.pk}'] button[value=approve]")
    phone.wait_for_selector(".messages")
    assert "已复核" in phone.inner_text(".messages")
    phone.fill(f"[data-voucher='{third.pk}'] input[name=reason]", "电费单据缺少月份")
    phone.click(f"[data-voucher='{third.pk}'] button[value=question]")
    phone.wait_for_selector(".messages")
    assert Voucher.objects.get(pk=vw.pending1.pk).status == "stamped"
    assert Voucher.objects.get(pk=third.pk).status == "questioned"
    assert not phone.query_selector(f"[data-voucher='{vw.pending1.pk}'] .book-form")  # a member has no 入账
    # publish the submitted openness item
    phone.goto(f"/village/{V1}/")
    shutil.copy(screenshot(phone, "village-00-detail"), "/tmp/village-00-detail.png")
    phone.click(f"[data-item='{vw.item1.pk}'] button[value='1']")
    phone.wait_for_selector(".messages")
    phone.context.clear_cookies()

    log_in(phone, "agency1", PASSWORD)
    phone.goto(f"/village/{V1}/vouchers/")
    phone.wait_for_selector("#voucher-list")
    phone.click(f"[data-voucher='{vw.stamped1.pk}'] .book-form button")
    phone.wait_for_selector(".messages")
    assert "已入账" in phone.inner_text(".messages")
    phone.click(f"[data-voucher='{third.pk}'] .book-form button")
    phone.wait_for_selector(".messages")
    assert "未经村务监督委员会复核盖章" in phone.inner_text(".messages")
    shot = screenshot(phone, "village-02-agency")
    shutil.copy(shot, "/tmp/village-02-agency.png")
    assert Voucher.objects.get(pk=vw.stamped1.pk).booked_at is not None
    assert Voucher.objects.get(pk=third.pk).booked_at is None
    phone.context.clear_cookies()

    phone.goto(f"/village/public/{V1}/")
    phone.wait_for_selector("#public-items")
    assert "1月财务收支" in phone.inner_text("#public-items")
    shot = screenshot(phone, "village-03-public")
    shutil.copy(shot, "/tmp/village-03-public.png")


def test_member_records_a_meeting_and_an_inquiry_answered_by_the_officials(phone, live_world, screenshot):
    """On a phone: the member records this month's meeting (attendees ticked), puts two motions to the
    vote — one passes, one with more votes than members present is refused — and raises an inquiry;
    the bookkeeper answers it in writing."""
    from doudi.village.models import Inquiry, Meeting

    vw = build_vw(live_world)
    Meeting.objects.all().delete()  # the member records the month's first meeting here
    members = vw.members1
    log_in(phone, "member1", PASSWORD)
    phone.goto(f"/village/{V1}/meetings/")
    phone.wait_for_selector("#meeting-form")
    phone.uncheck(f"#meeting-form input[name=attendees][value='{members[2].pk}']")  # one member away
    phone.fill("#id_guests", "村党支部书记")
    phone.fill("#id_minutes", "通报上月凭证复核情况。")
    shutil.copy(screenshot(phone, "village-04-meeting-form"), "/tmp/village-04-meeting-form.png")
    phone.click("#meeting-form button[type=submit]")
    phone.wait_for_selector("#motion-form")
    meeting = Meeting.objects.get(village=live_world.v1)
    assert set(meeting.attendees.all()) == {members[0], members[1]}
    assert "主任1、委员甲1（2）" in phone.inner_text("#meeting-attendees")
    phone.fill("#id_title", "审议上月财务支出")
    phone.fill("#id_yes", "2")
    phone.fill("#id_no", "0")
    phone.click("#motion-form button[type=submit]")
    phone.wait_for_selector("[data-motion]")
    assert phone.get_attribute("[data-motion]", "data-passed") == "1"
    phone.fill("#id_title", "追加工程款")
    phone.fill("#id_yes", "2")
    phone.fill("#id_no", "1")
    phone.click("#motion-form button[type=submit]")
    phone.wait_for_selector(".messages")
    assert "超过了出席会议的成员2人" in phone.inner_text(".messages")
    assert meeting.motions.count() == 1
    shutil.copy(screenshot(phone, "village-05-meeting"), "/tmp/village-05-meeting.png")

    phone.goto(f"/village/{V1}/inquiries/")
    phone.select_option("#id_kind", "inquiry")
    phone.fill("#id_subject", "村部修缮工程验收")
    phone.fill("#id_question", "请书面说明验收时间、参加人员和结论。")
    phone.click("#inquiry-form button[type=submit]")
    phone.wait_for_selector("#inquiry-facts")
    inquiry = Inquiry.objects.get(subject="村部修缮工程验收")
    assert inquiry.due_on.isoformat() in phone.inner_text("#inquiry-due")
    assert "应于" in phone.inner_text(".messages")
    assert not phone.query_selector("#answer-form")  # a member does not answer
    phone.context.clear_cookies()

    log_in(phone, "keeper1", PASSWORD)
    phone.goto(f"/village/inquiries/{inquiry.pk}/")
    phone.fill("#id_answer", "工程已于上月验收，验收单附后。")
    phone.click("#answer-form button[type=submit]")
    phone.wait_for_selector("#inquiry-answer")
    assert "验收单附后" in phone.inner_text("#inquiry-answer")
    shutil.copy(screenshot(phone, "village-06-inquiry"), "/tmp/village-06-inquiry.png")
    inquiry.refresh_from_db()
    assert inquiry.answered_on == vw.today


def test_the_overview_fits_a_phone(phone, live_world, screenshot):
    """At 390px the overview's table scrolls inside its own box, the region's name stays in
    view, and the page itself never scrolls sideways."""
    build_vw(live_world)
    log_in(phone, "party1", PASSWORD)
    phone.goto("/village/")
    phone.wait_for_selector("#overview")
    shutil.copy(screenshot(phone, "village-07-overview-phone"), "/tmp/village-07-overview-phone.png")
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, page_width
    box = phone.locator(".table-scroll:has(#overview)")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # more columns than the screen: it scrolls
    name = phone.locator("#overview tbody tr:first-child td:first-child")
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    left = name.evaluate("e => e.getBoundingClientRect().left")
    assert 0 <= left < 40, left  # the first column is sticky: still at the left edge
    assert phone.locator(".scroll-hint").is_visible()
    shutil.copy(screenshot(phone, "village-08-overview-scrolled"), "/tmp/village-08-overview-scrolled.png")
