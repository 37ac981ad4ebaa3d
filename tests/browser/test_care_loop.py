"""A township clerk runs a month of the care loop in the browser.

On a desktop: record the placement and the "多对一" network of a person at home, register a
provider and a contract, set the monthly service budget and plan an order; the services page shows
budget vs delivered. On a phone: the visit — six aspects, one problem — which opens a
rectification task; the month's due list empties. Back on the desktop: closing the task without
evidence is refused, with evidence it closes; the overdue tab is empty. Another township sees none
of it. Stable ids drive the pages; assertions read names and the Chinese texts the rules produce.
"""

import datetime as dt

import pytest

from doudi.care.models import CarePlacement, ServiceOrder, SupportMember, Visit
from doudi.oversight.models import RectificationTask
from doudi.registry.models import Person

from ..conftest import PASSWORD, _loop_person  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser

NAME = "周德厚"


def _submit(pg, selector="#submit"):
    pg.click(selector)
    pg.wait_for_load_state("networkidle")


def test_a_clerk_runs_a_month_of_the_care_loop(page, phone, live_world, screenshot):
    w = live_world
    today = dt.date.today()
    person = _loop_person(w.v1b, NAME, supported_since=today - dt.timedelta(days=400))
    other = _loop_person(w.v2, "柳河老人", supported_since=today - dt.timedelta(days=400))

    # ---- plan: placement and network --------------------------------------------------------
    log_in(page, "town1", PASSWORD)
    page.goto("/care/visits/")
    assert page.locator(f"#due-list tr[data-person='{person.pk}']").count() == 1
    assert "柳河老人" not in page.content()
    screenshot(page, "care-loop-01-due-before")

    page.goto(f"/care/persons/{person.pk}/placement/")
    page.select_option("#id_kind", "home")
    _submit(page)
    assert CarePlacement.objects.get(person=person).kind == "home"
    for role, name, phone_no in (("carer", "吴春兰", "13912340001"), ("cadre", "赵志明", "13912340002")):
        page.click("#member-link")
        page.select_option("#id_role", role)
        page.fill("#id_name", name)
        page.fill("#id_phone", phone_no)
        _submit(page)
    assert set(SupportMember.objects.filter(person=person).values_list("role", flat=True)) == {
        "carer",
        "cadre",
    }
    screenshot(page, "care-loop-02-support")

    page.goto(f"/care/home-support/{w.t1.code}/no_guardian/")
    assert NAME in page.content()

    # ---- plan: provider, contract, budget, order --------------------------------------------
    page.goto("/care/providers/")
    page.fill("#id_name", "青石居家养老服务中心")
    page.select_option("#id_region", w.t1.code)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("text=新建合同" if page.locator("text=新建合同").count() else "a[href$='/contracts/new/']")
    page.fill("#id_number", "QS-2026-01")
    page.select_option("#id_region", w.t1.code)
    page.fill("#id_start_on", today.replace(day=1).isoformat())
    page.fill("#id_end_on", (today.replace(day=1) + dt.timedelta(days=365)).isoformat())
    _submit(page)
    page.select_option("#id_b-person", str(person.pk))
    page.fill("#id_b-monthly_amount", "100")
    page.click("#budget-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_o-person", str(person.pk))
    page.fill("#id_o-month", today.isoformat())
    page.select_option("#id_o-kind", "cleaning")
    page.fill("#id_o-times", "4")
    page.fill("#id_o-unit_price", "25")
    page.click("#order-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert ServiceOrder.objects.filter(person=person, times=4).exists()
    screenshot(page, "care-loop-03-contract")
    page.goto("/care/services/")
    row = page.locator("#by-person tbody tr").first.inner_text()
    assert NAME in row and "100" in row
    screenshot(page, "care-loop-04-services")

    # ---- visit, on a phone --------------------------------------------------------------------
    log_in(phone, "town1", PASSWORD)
    phone.goto("/care/visits/")
    phone.click(f"#due-list tr[data-person='{person.pk}'] a[href$='/visits/new/']")
    for key in ("guardian", "service", "living", "spirit", "housing"):
        phone.check(f"#id_{key}_state_0")
    phone.check("#id_hygiene_state_1")
    screenshot(phone, "care-loop-05-visit-form-phone")
    # a problem without a note is refused, in Chinese, and nothing is saved
    phone.click("#save-visit")
    phone.wait_for_load_state("networkidle")
    assert "“环境卫生”有问题时请写明具体问题。" in phone.content()
    assert not Visit.objects.filter(person=person).exists()
    phone.check("#id_hygiene_state_1")
    phone.fill("#id_hygiene_note", "屋内脏乱，被褥多日未洗")
    phone.fill("#id_notes", "老人在家，精神尚可；屋内较乱，已请照料员本周内打扫并换洗被褥。")
    phone.click("#save-visit")
    phone.wait_for_load_state("networkidle")
    assert "环境卫生有问题" in phone.locator("#visit-tasks").inner_text()
    screenshot(phone, "care-loop-06-visit-saved-phone")
    task = RectificationTask.objects.get(person=person)

    phone.goto("/care/visits/")
    assert phone.locator("#all-visited").count() == 1
    screenshot(phone, "care-loop-07-due-empty-phone")

    # ---- rectification, on the desktop ---------------------------------------------------------
    page.goto("/oversight/rectification/")
    assert page.locator(f"#task-list tr[data-task='{task.pk}']").count() == 1
    page.click(f"#task-list tr[data-task='{task.pk}'] a")
    page.fill("#id_text", "已联系照料员吴春兰，约定周三上门打扫")
    _submit(page, "#add-note")
    page.click("#close-task")
    page.wait_for_load_state("networkidle")
    assert "销号须提供整改佐证" in page.content()
    page.fill("#id_evidence", "照料员已打扫屋内并换洗被褥，复查干净")
    _submit(page, "#close-task")
    assert RectificationTask.objects.get(pk=task.pk).status == "closed"
    assert "照料员已打扫屋内" in page.locator("#task-evidence").inner_text()
    screenshot(page, "care-loop-08-task-closed")
    page.goto("/oversight/rectification/?bucket=overdue")
    assert page.locator("#task-counts [data-bucket='open'] .num").inner_text() == "0"
    assert page.locator("#task-counts [data-bucket='overdue'] .num").inner_text() == "0"

    # ---- another township sees none of it ------------------------------------------------------
    page.context.clear_cookies()
    log_in(page, "town2", PASSWORD)
    page.goto("/care/visits/")
    assert NAME not in page.content() and "柳河老人" in page.content()
    assert page.goto(f"/oversight/rectification/{task.pk}/").status == 404
    assert Person.objects.get(pk=other.pk).visits.count() == 0
