"""Issue 15 in the browser: a county administrator enters the county's own holiday in the work
calendar on a phone (the installation's entries shown beside it); a township clerk refuses to
accept an application (不予受理) and issues its written notice from the case page, then finds it
on the person page."""

import datetime as dt
import io

import pytest
from docx import Document

from doudi.core.models import WorkCalendarYear
from doudi.eligibility import services
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in, menu  # noqa: TID252

pytestmark = pytest.mark.browser


def test_the_county_administrator_enters_a_county_holiday_on_a_phone(phone, live_world, screenshot):
    WorkCalendarYear.objects.create(year=2031, holidays=["2031-10-01"])
    log_in(phone, "county", PASSWORD)
    phone.wait_for_selector("nav.mainnav", state="attached")
    assert menu(phone, "/eligibility/calendar/") <= 2
    phone.goto("/eligibility/calendar/?year=2031")
    assert "安和县" in phone.inner_text("#calendar-owner")
    assert "2031-10-01" in phone.inner_text("#calendar-default")
    phone.fill("#id_holidays", "2031-06-03")
    phone.fill("#id_note", "县政府关于端午节调整的通知")
    screenshot(phone, "calendar-county-phone")
    phone.click("#calendar-form button[type=submit]")
    phone.wait_for_selector(".messages, .message, #calendar-form")
    row = WorkCalendarYear.objects.get(region=live_world.county, year=2031)
    assert row.holidays == ["2031-06-03"]
    assert phone.input_value("#id_holidays") == "2031-06-03"
    screenshot(phone, "calendar-county-phone-saved")


def test_a_clerk_does_not_accept_and_issues_the_notice(page, live_world, screenshot):
    received = dt.date.today() - dt.timedelta(days=3)
    person = Person.objects.create(
        name="吴老汉",
        id_number=make_id_number("990121", dt.date(1950, 1, 2), 321),
        birth_date=dt.date(1950, 1, 2),
        sex="M",
        village=live_world.v1,
        status="applying",
    )
    case = services.application_record(
        actor=live_world.users.town1, person=person, received_on=received, facts={"supporters": []}
    )
    log_in(page, "town1", PASSWORD)
    page.wait_for_selector("header .who")
    page.goto(f"/eligibility/cases/{case.pk}/")
    page.click("#act-not_accept")
    page.wait_for_selector("#action-form")
    page.fill("#id_on", received.isoformat())
    page.fill("#id_reason", "申请人年满16周岁不满60周岁且无残疾，不属于特困人员救助供养对象")
    page.click("#submit-action")
    page.wait_for_selector("#case-stage")
    assert page.locator("#steps tr[data-step=notice]").count() == 1
    screenshot(page, "not-accepted-case")
    page.click("#act-notice")
    page.wait_for_selector("#action-form")
    page.click("#submit-action")
    page.wait_for_selector("#documents a[data-kind=notice]")
    with page.expect_download() as info:
        page.click("#documents a[data-kind=notice]")
    text = "\n".join(p.text for p in Document(io.BytesIO(open(info.value.path(), "rb").read())).paragraphs)
    assert "不予受理特困人员救助供养申请告知书" in text and "不属于特困人员救助供养对象" in text
    page.goto(f"/eligibility/persons/{person.pk}/")
    assert page.locator("#person-cases a.notice-link").count() == 1
    screenshot(page, "not-accepted-person")
