"""Points schemes in the browser: a township sets up schemes from the shipped examples, a village
awards points on a phone, the quarter closes with its colours, a household redeems at the
积分超市, and the 红黑榜 is drafted, published and shown on the village's public page."""

import pytest
from django.utils import timezone

from doudi.governance import rules
from doudi.governance.models import Redemption, Result, Scheme, Subject
from doudi.oversight.models import RectificationTask

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser


def _last(kind):
    today = timezone.localdate()
    if kind == "quarter":
        q = rules.quarter_of(today.month) - 1
        year, q = (today.year, q) if q else (today.year - 1, 4)
        return rules.period_label("quarter", year, q), rules.period_bounds("quarter", year, q)[0]
    year, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return rules.period_label("month", year, m), rules.period_bounds("month", year, m)[0]


def test_scheme_award_close_redeem_and_publish(page, phone, live_world, screenshot):
    w = live_world
    quarter, q_start = _last("quarter")
    month, m_start = _last("month")

    # 青石镇 sets up two schemes from the shipped examples
    log_in(page, "town1", PASSWORD)
    menu(page, "/governance/")
    for example in ("org-dual", "household-market"):
        page.goto("/governance/")
        page.select_option("#id_example", example)
        page.select_option("#id_region", w.t1.code)
        page.click("#scheme-new button[type=submit]")
        page.wait_for_selector("#subjects")
    org = Scheme.objects.get(key="org-dual")
    market = Scheme.objects.get(key="household-market")
    page.goto(f"/governance/{org.pk}/")
    page.select_option("#subject-form select[name=village]", w.v1.code)
    page.fill("#subject-form input[name=name]", "青石社区党支部")
    page.click("#subject-form button[type=submit]")
    page.goto(f"/governance/{market.pk}/")
    page.select_option("#subject-form select[name=village]", w.v1.code)
    page.fill("#subject-form input[name=name]", "王家")
    page.click("#subject-form button[type=submit]")
    page.wait_for_selector("#subjects >> text=王家")
    screenshot(page, "governance-01-scheme")

    # the village awards on a phone: the branch in the last quarter, the household last month
    log_in(phone, "village1", PASSWORD)
    phone.goto(f"/governance/award/?scheme={org.pk}")
    branch = Subject.objects.get(name="青石社区党支部")
    phone.select_option("#id_subject", str(branch.pk))
    phone.select_option("#id_item", str(org.items.get(code="three-one").pk))
    phone.select_option("#id_source", "village")
    phone.fill("#id_occurred_on", q_start.isoformat())
    phone.fill("#id_note", "按期召开支委会")
    screenshot(phone, "governance-02-phone-award")
    phone.click("#award-form button[type=submit]")
    phone.wait_for_selector(".msg-success")
    assert "青石社区党支部" in phone.inner_text(".messages")
    wang = Subject.objects.get(name="王家")
    for _ in range(3):
        phone.goto(f"/governance/award/?scheme={market.pk}")
        phone.select_option("#id_subject", str(wang.pk))
        phone.select_option("#id_item", str(market.items.get(code="filial").pk))
        phone.fill("#id_occurred_on", m_start.isoformat())
        phone.click("#award-form button[type=submit]")
        phone.wait_for_selector(".msg-success")
    wang.refresh_from_db()
    assert wang.balance == 30
    # the subject's page says why; an appeal is filed from it on the phone
    phone.goto(f"/governance/subjects/{wang.pk}/")
    assert phone.locator("#entries tr[data-entry]").count() == 3
    phone.locator("#entries details summary").first.click()
    phone.locator("#entries details input[name=reason]").first.fill("当天不在家，需核实")
    phone.locator("#entries details form:has(input[name=reason]) button").first.click()
    phone.wait_for_selector(".msg-success")
    screenshot(phone, "governance-02b-phone-subject")
    page.goto("/governance/appeals/")
    assert "当天不在家" in page.inner_text("#appeals")
    page.fill("#appeals input[name=decision]", "经核实，记分无误")
    page.click("#appeals button[value='0']")
    page.wait_for_selector("#appeals >> text=经核实，记分无误")
    screenshot(page, "governance-02c-appeals")

    # the quarter closes (a job): 2.5 points are below the red line
    page.goto(f"/governance/{org.pk}/")
    page.fill("#id_period", quarter)
    page.click("#close-form button[type=submit]")
    page.goto(f"/governance/{org.pk}/")
    page.click(f"#closes >> text={quarter}")
    page.wait_for_selector("#results")
    assert page.locator("#results tr[data-colour='red']").count() == 1
    assert "红色" in page.inner_text("#results")
    screenshot(page, "governance-03-quarter-colours")
    result = Result.objects.get(subject=branch)
    assert RectificationTask.objects.filter(source_kind="score_colour", source_id=str(result.pk)).exists()

    # the household redeems at the village counter
    phone.goto(f"/governance/market/?scheme={market.pk}&village={w.v1.code}")
    phone.click("text=添加商品")
    phone.fill("#goods-form input[name=name]", "食用油")
    phone.fill("#goods-form input[name=price]", "25")
    phone.fill("#goods-form input[name=stock]", "10")
    phone.click("#goods-form button[type=submit]")
    phone.wait_for_selector("#goods >> text=食用油")
    phone.select_option("#id_subject", str(wang.pk))
    phone.fill("#id_quantity", "1")
    phone.click("#redeem-form button[type=submit]")
    phone.wait_for_selector(".msg-success")
    screenshot(phone, "governance-04-phone-redeemed")
    assert "余额 5 分" in phone.inner_text(".messages")
    phone.fill("#id_quantity", "1")
    phone.click("#redeem-form button[type=submit]")
    phone.wait_for_selector(".msg-error")
    assert "积分不足" in phone.inner_text(".messages")
    assert Redemption.objects.count() == 1

    # the 红黑榜: drafted at the village, published by the township, shown publicly
    phone.goto("/governance/lists/")
    phone.select_option("#list-draft select[name=village]", w.v1.code)
    phone.fill("#list-draft input[name=month]", month)
    phone.click("#list-draft button[type=submit]")
    phone.wait_for_selector("#list-status")
    list_url = phone.url
    page.goto(list_url)
    page.click("#publish-form button[type=submit]")
    page.wait_for_selector("#list-status >> text=已公开")
    public = page.context.new_page()
    public.goto(f"/village/public/{w.v1.code}/")
    assert "王家" in public.inner_text("#honour-lists")
    screenshot(public, "governance-05-public-lists")


def test_weekly_abc_summary_on_a_phone(page, phone, live_world, screenshot):
    """The township sets up the ABC scheme, the village scores its sanitation worker in two weeks
    of last month, and the weekly summary opens on a 390px phone: the table scrolls inside its
    container, not the page; a cell's link opens the worker's entries of that week."""
    w = live_world
    month, m_start = _last("month")
    log_in(page, "town1", PASSWORD)
    page.goto("/governance/")
    page.select_option("#id_example", "sanitation-abc")
    page.select_option("#id_region", w.t1.code)
    page.click("#scheme-new button[type=submit]")
    page.wait_for_selector("#subjects")
    abc = Scheme.objects.get(key="sanitation-abc")
    page.select_option("#subject-form select[name=village]", w.v1.code)
    page.fill("#subject-form input[name=name]", "周保洁")
    page.click("#subject-form button[type=submit]")
    page.wait_for_selector("#subjects >> text=周保洁")
    worker = Subject.objects.get(name="周保洁")

    log_in(phone, "village1", PASSWORD)
    weeks = rules.month_weeks(m_start.year, m_start.month)
    for code, on in (
        ("base", weeks[0].start),
        ("week-litter", weeks[1].start),
        ("week-good", weeks[2].start),
    ):
        phone.goto(f"/governance/award/?scheme={abc.pk}")
        phone.select_option("#id_subject", str(worker.pk))
        phone.select_option("#id_item", str(abc.items.get(code=code).pk))
        phone.fill("#id_occurred_on", on.isoformat())
        phone.click("#award-form button[type=submit]")
        phone.wait_for_selector(".msg-success")

    # from the scheme page to the weekly view, then to last month with the month picker
    phone.goto(f"/governance/{abc.pk}/")
    phone.click("#abc-weeks-link")
    phone.wait_for_selector("#abc-weeks")
    phone.fill("#id_month", month)
    phone.click("#month-form button[type=submit]")
    phone.wait_for_selector(f"#abc-weeks th[data-week='{weeks[0].label}']")
    row = phone.locator(f"#abc-weeks tr[data-subject='{worker.pk}']")
    assert row.get_attribute("data-grade") == "B"  # 80 − 5 + 5 = 80: B (75 ≤ 80 < 90), provisional
    assert "预估" in row.inner_text()
    deducted = row.locator("td.deducted")
    assert deducted.count() == 1 and "责任区有垃圾堆放" in deducted.get_attribute("title")
    wrap = phone.evaluate(
        "() => { const t = document.querySelector('.abc-wrap');"
        " return [t.scrollWidth, t.clientWidth, document.documentElement.scrollWidth, window.innerWidth]; }"
    )
    screenshot(phone, "governance-06-phone-abc-weeks")
    assert wrap[0] > wrap[1], wrap  # the table is wider than the phone and scrolls in its container
    assert wrap[2] <= wrap[3], wrap  # the page itself does not scroll sideways
    deducted.locator("a").click()
    phone.wait_for_selector("#entries-filter")
    assert phone.locator("#entries tr[data-entry]").count() == 1
