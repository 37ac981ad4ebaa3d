"""The eligibility procedure end to end in the browser: a township clerk records an
application with facts and sees the explanation, accepts, reviews, publishes; the county
confirms; the notice downloads. Then a termination runs through to its notice."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from doudi.eligibility import services
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person

from ..conftest import PASSWORD  # noqa: TID252
from .conftest import log_in  # noqa: TID252

pytestmark = pytest.mark.browser


def _ago(n):
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def _first_of_next_month():
    today = dt.date.today()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _setting(world):
    services.policy_setting_create(
        actor=world.users.county,
        region=world.county,
        effective_from=dt.date(2020, 1, 1),
        policy_version="2021",
        dibao_urban=Decimal("780"),
        dibao_rural=Decimal("620"),
        disposable_income=Decimal("21000"),
        minimum_wage=Decimal("1900"),
        care_full_kind="fixed",
        care_full_value=Decimal("100"),
        care_partial_kind="wage_share",
        care_partial_value=Decimal("0.1"),
        care_none_kind="wage_share",
        care_none_value=Decimal("0.3"),
    )


def _switch(page, username):
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)
    page.wait_for_selector("header .who")


def _act(page, name, date=None, **choices):
    page.click(f"#act-{name}")
    page.wait_for_selector("#action-form")
    if date:
        page.fill("#id_on", date)
    for field, value in choices.items():
        if field in ("note", "reasons"):
            page.fill(f"#id_{field}", value)
        else:
            page.check(f"input[name={field}][value={value}]")
    page.click("#submit-action")
    page.wait_for_selector("#case-stage")


def _download_notice(page):
    with page.expect_download() as info:
        page.click("#documents a[data-kind=notice]")
    path = info.value.path()
    return "\n".join(p.text for p in Document(io.BytesIO(open(path, "rb").read())).paragraphs)


def test_application_to_approval_then_termination(page, live_world, screenshot):
    w = live_world
    _setting(w)
    number = make_id_number("990121", dt.date(1950, 3, 1), 41)

    _switch(page, "town1")
    page.goto("/eligibility/")
    page.click("#new-application")
    page.fill("#id_a-name", "赵老汉")
    page.fill("#id_a-id_number", number)
    page.select_option("#id_a-village", w.v1.code)
    page.fill("#id_a-received_on", _ago(20))
    page.fill("#id_f-monthly_income", "200")
    page.check("#id_f-assets_within_limit")
    # A daughter "married far away" is still a legal supporter (seed document 5).
    page.select_option("#id_s-0-relation", "child")
    page.fill("#id_s-0-label", "女儿")
    page.fill("#id_s-0-birth_date", "1980-05-01")
    page.locator("#id_s-0-birth_date").dispatch_event("change")
    page.wait_for_selector("#criteria li.fail:has-text('女儿具备履行义务能力')")
    assert "无劳动能力: 通过（年满60周岁）" in page.inner_text("#criteria")
    screenshot(page, "eligibility-proposal-refused")
    # She is in prison and has no assets: unable to support.
    page.check("#id_s-0-imprisoned")
    page.check("#id_s-0-assets_within_limit")
    page.wait_for_selector("#criteria li.pass:has-text('女儿在监狱服刑')")
    assert page.inner_text("#verdict") == "符合特困人员认定条件"
    screenshot(page, "eligibility-proposal-eligible")
    page.click("#save-application")
    page.wait_for_selector("#case-stage")
    case_url = page.url
    assert Person.objects.get(id_number=number).status == "applying"

    _act(page, "accept", _ago(20))
    _act(page, "review", _ago(12), approve="yes")
    _act(page, "publish", _ago(10))
    assert "overdue" not in page.inner_text("#steps")
    _act(page, "close", _ago(0))
    assert "县级确认" in page.inner_text("#plan") or "County" in page.inner_text("#case-stage")
    screenshot(page, "eligibility-case-at-county")
    assert page.locator("#act-decide").count() == 0  # a clerk cannot confirm

    _switch(page, "county")
    page.goto(case_url)
    _act(page, "decide", _ago(0), approve="yes")
    assert page.inner_text("#effective-month") == _first_of_next_month().isoformat()
    person = Person.objects.get(id_number=number)
    assert person.status == "active" and person.supported_since == _first_of_next_month()
    _act(page, "notice", _ago(0))
    text = _download_notice(page)
    assert "特困人员救助供养认定通知书" in text and "赵老汉" in text and "女儿在监狱服刑" in text
    screenshot(page, "eligibility-case-approved")

    # ---- termination ------------------------------------------------------------------------
    _switch(page, "town1")
    page.goto(f"/eligibility/persons/{person.pk}/")
    page.click("#start-termination")
    page.select_option("#id_ground", "income")
    page.fill("#id_reported_on", _ago(30))
    page.fill("#id_reporter", "青石社区居委会")
    page.fill("#id_monthly_income", "300")
    page.click("#save-termination")
    page.wait_for_selector("#case-stage")
    assert "低于当地低保标准780元" in page.inner_text("#referral")
    term_url = page.url
    _act(page, "verify", _ago(25), confirmed="yes", note="入户核实：承包地流转收入增加")
    _switch(page, "county")
    page.goto(term_url)
    _act(page, "decide", _ago(20), approve="yes")
    _switch(page, "town1")
    page.goto(term_url)
    _act(page, "publish", _ago(10))
    _act(page, "close", _ago(0))
    assert page.inner_text("#effective-month") == _first_of_next_month().isoformat()
    _act(page, "notice", _ago(0))
    text = _download_notice(page)
    assert "终止特困人员救助供养告知书" in text and "转介提示" in text
    person.refresh_from_db()
    assert person.status == "terminated" and person.terminated_on == _first_of_next_month()
    screenshot(page, "eligibility-termination-closed")

    page.goto("/eligibility/")
    screenshot(page, "eligibility-worklist")


def test_assessment_on_a_phone_shows_the_level(phone, live_world, screenshot):
    w = live_world
    _setting(w)
    person = Person.objects.create(
        name="孙大娘",
        id_number=make_id_number("990121", dt.date(1940, 5, 1), 43),
        birth_date=dt.date(1940, 5, 1),
        sex="F",
        village=w.v1b,
        status="active",
    )
    log_in(phone, "town1", PASSWORD)
    phone.wait_for_selector("header .who")
    phone.goto(f"/eligibility/persons/{person.pk}/assess/")
    for i, key in enumerate(["eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing"]):
        phone.check(f"input[name={key}][value={'no' if i >= 2 else 'yes'}]")
    phone.wait_for_selector("#level-value")
    assert phone.inner_text("#level-value")  # 4 items not met: fully disabled
    screenshot(phone, "eligibility-assessment-phone")
    phone.fill("#id_assessor", "王医生")
    phone.click("#save-assessment")
    phone.wait_for_selector("#current-level")
    assert "570.00" in phone.inner_text("#care-subsidy")
    screenshot(phone, "eligibility-person-phone")
