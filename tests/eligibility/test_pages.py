"""Pages, assessments, county settings with history, the work calendar, dynamic review, API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from doudi.core.models import WorkCalendarYear
from doudi.eligibility import policy, selectors, services
from doudi.eligibility.models import Assessment, Decision, PolicySetting

from .conftest import FACTS, days_ago, make_person, setting_values

ITEMS_ALL = {k: True for k in Assessment.ITEMS}


def _items(unmet: int) -> dict:
    keys = list(Assessment.ITEMS)
    return {k: i >= unmet for i, k in enumerate(keys)}


# ---- county settings ---------------------------------------------------------------------------


def test_settings_keep_their_history_and_apply_by_date(world, elig):
    county = world.users.county
    services.policy_setting_create(
        actor=county,
        region=world.county,
        **setting_values(effective_from=dt.date(2026, 7, 1), dibao_rural=Decimal("650")),
    )
    assert PolicySetting.objects.filter(region=world.county).count() == 2
    assert policy.setting_for(world.v1b.code, dt.date(2026, 6, 30)).dibao_rural == Decimal("620")
    assert policy.setting_for(world.v1b.code, dt.date(2026, 7, 1)).dibao_rural == Decimal("650")
    assert policy.policy_for(world.v1b.code, dt.date(2019, 1, 1)).setting is None  # defaults before any


def test_the_settings_page_saves_a_new_row_and_shows_the_history(login, world, elig):
    client = login(world.users.county)
    page = client.get("/eligibility/settings/")
    assert page.status_code == 200 and "780" in page.content.decode()
    data = {k: v for k, v in setting_values(effective_from="2026-01-01", dibao_urban="800").items()}
    response = client.post("/eligibility/settings/", data)
    assert response.status_code == 302
    body = client.get("/eligibility/settings/").content.decode()
    assert "2026-01-01" in body and "2020-01-01" in body and "800" in body


def test_the_2016_limits_allow_twenty_days_and_2021_does_not(world, elig):
    county = world.users.county
    services.policy_setting_create(
        actor=county,
        region=world.county,
        **setting_values(policy_version="2016", limit_review=20, limit_county=20, limit_recheck=20),
    )
    with pytest.raises(ValidationError, match="初审时限"):
        services.policy_setting_create(actor=county, region=world.county, **setting_values(limit_review=20))


def test_only_a_county_administrator_sets_the_policy(world, elig):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.policy_setting_create(actor=world.users.town1, region=world.county, **setting_values())


def test_a_new_setting_does_not_move_deadlines_of_running_cases(world, elig):
    case = services.application_record(
        actor=world.users.town1, person=elig.old1, received_on=days_ago(3), facts=FACTS
    )
    services.policy_setting_create(
        actor=world.users.county,
        region=world.county,
        **setting_values(effective_from=days_ago(1), limit_review=10),
    )
    services.case_accept(actor=world.users.town1, case=case, accepted_on=days_ago(1))
    assert case.steps.get(code="review").working_days == 15


# ---- work calendar -------------------------------------------------------------------------------


def test_the_calendar_page_enters_a_year_the_package_does_not_know(login, world):
    client = login(world.users.county)
    page = client.get("/eligibility/calendar/?year=2031").content.decode()
    assert "weekends only" in page or "周末" in page
    response = client.post(
        "/eligibility/calendar/?year=2031",
        {"holidays": "2031-10-01..2031-10-07", "workdays": "2031-09-28", "complete": "on", "note": "国办发"},
    )
    assert response.status_code == 302
    row = WorkCalendarYear.objects.get(year=2031)
    assert len(row.holidays) == 7 and row.workdays == ["2031-09-28"] and row.complete
    assert row.region == world.county  # the county administrator enters the county's calendar
    from doudi.core.calendar import load_work_calendar
    from doudi.core.workdays import add_working_days

    cal = load_work_calendar(world.v1.code)
    assert cal.is_year_covered(2031)
    assert add_working_days(dt.date(2031, 9, 30), 1, cal) == dt.date(2031, 10, 8)


def test_the_calendar_rejects_dates_of_another_year(login, world):
    client = login(world.users.county)
    response = client.post("/eligibility/calendar/?year=2031", {"holidays": "2030-10-01"})
    assert response.status_code == 200 and WorkCalendarYear.objects.count() == 0


# ---- assessments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unmet", "level"), [(0, "full"), (1, "partial"), (3, "partial"), (4, "none"), (6, "none")]
)
def test_an_assessment_stores_the_level(world, elig, unmet, level):
    row = services.assessment_record(
        actor=world.users.town1,
        person=elig.active1,
        assessed_on=days_ago(1),
        assessor="王医生",
        items=_items(unmet),
    )
    assert row.level == level


def test_an_assessment_needs_all_six_items(world, elig):
    items = dict(ITEMS_ALL)
    items.pop("bathing")
    with pytest.raises(ValidationError, match="自主洗澡"):
        services.assessment_record(
            actor=world.users.town1,
            person=elig.active1,
            assessed_on=days_ago(1),
            assessor="王医生",
            items=items,
        )


def test_the_person_page_shows_level_subsidy_and_next_due(login, world, elig):
    clerk = world.users.town1
    services.assessment_record(
        actor=clerk, person=elig.active1, assessed_on=dt.date(2025, 1, 10), assessor="甲", items=ITEMS_ALL
    )
    services.assessment_record(
        actor=clerk, person=elig.active1, assessed_on=days_ago(2), assessor="乙", items=_items(5)
    )
    summary = selectors.care_summary(clerk, elig.active1)
    assert summary.current.level == "none" and summary.tier == "全失能"
    assert summary.amount == Decimal("570.00")  # 30 % of 1900
    assert summary.next_due > dt.date.today() and not summary.overdue
    body = login(clerk).get(f"/eligibility/persons/{elig.active1.pk}/").content.decode()
    assert "570.00" in body and summary.next_due.isoformat() in body and "乙" in body and "甲" in body


def test_the_assessment_page_previews_the_level_and_saves(login, world, elig):
    client = login(world.users.town1)
    url = f"/eligibility/persons/{elig.active1.pk}/assess/"
    answers = {k: ("no" if i < 2 else "yes") for i, k in enumerate(Assessment.ITEMS)}
    preview = client.post(url, {**answers, "preview": "1"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and 'id="level-value"' in preview.content.decode()
    assert Assessment.objects.count() == 0
    saved = client.post(url, {**answers, "assessed_on": days_ago(0).isoformat(), "assessor": "王医生"})
    assert saved.status_code == 302
    assert Assessment.objects.get().level == "partial"


def test_a_missing_item_is_shown_on_the_form(login, world, elig):
    client = login(world.users.town1)
    answers = {k: "yes" for k in list(Assessment.ITEMS)[:5]}
    response = client.post(
        f"/eligibility/persons/{elig.active1.pk}/assess/",
        {**answers, "assessed_on": "2026-01-02", "assessor": "王"},
    )
    assert response.status_code == 200 and Assessment.objects.count() == 0


# ---- application pages -------------------------------------------------------------------------------


def _facts_post(**extra):
    data = {
        "f-monthly_income": "200",
        "f-assets_within_limit": "on",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "6",
        "s-0-relation": "",
    }
    data.update(extra)
    return data


def test_the_proposal_explains_each_condition(login, world, elig):
    client = login(world.users.town1)
    response = client.post("/eligibility/evaluate/", {"a-person": elig.old1.pk, **_facts_post()})
    body = response.content.decode()
    assert "符合特困人员认定条件" in body and "无劳动能力: 通过（年满60周岁）" in body
    response = client.post(
        "/eligibility/evaluate/",
        {
            "a-person": elig.old1.pk,
            **_facts_post(**{"s-0-relation": "child", "s-0-label": "女儿", "s-0-birth_date": "1980-01-01"}),
        },
    )
    assert "无法定义务人履行能力: 未通过（女儿具备履行义务能力）" in response.content.decode()


def test_recording_an_application_through_the_page(login, world, elig):
    from doudi.registry.idcard import make_id_number
    from doudi.registry.models import Person

    client = login(world.users.town1)
    number = make_id_number("990121", dt.date(1949, 9, 9), 55)
    data = {
        "a-name": "郑新",
        "a-id_number": number,
        "a-village": world.v1b.code,
        "a-applicant_kind": "self",
        "a-received_on": dt.date.today().isoformat(),
        **_facts_post(),
    }
    response = client.post("/eligibility/applications/new/", data)
    assert response.status_code == 302
    person = Person.objects.get(id_number=number)
    case_page = client.get(response["Location"]).content.decode()
    assert person.status == "applying" and "郑新" in case_page and "无劳动能力: 通过" in case_page


# ---- dynamic review ------------------------------------------------------------------------------------


def test_the_dynamic_review_lists_who_no_longer_passes(login, world, elig):
    county = world.users.county
    today = dt.date.today()
    fine = elig.active1
    minor = make_person(
        world.v1, "小明", today.replace(year=today.year - 18) - dt.timedelta(days=3), status="active"
    )
    earner = make_person(world.v1b, "钱多", dt.date(1950, 1, 1), status="active")
    with_son = make_person(world.v1b, "有儿", dt.date(1950, 1, 1), status="active")
    stale = make_person(world.v1b, "久评", dt.date(1950, 1, 1), status="active")
    for p, facts in [
        (fine, FACTS),
        (minor, {**FACTS, "in_school": False}),
        (earner, {**FACTS, "monthly_income": "900"}),
        (
            with_son,
            {**FACTS, "supporters": [{"relation": "child", "label": "儿子", "birth_date": "1975-01-01"}]},
        ),
        (stale, FACTS),
    ]:
        services.review_record(
            actor=county, person=p, as_of=dt.date(2020, 6, 1) if p is minor else today, facts=facts
        )
        services.assessment_record(
            actor=county,
            person=p,
            assessed_on=dt.date(2020, 1, 1) if p is stale else days_ago(10),
            assessor="评估员",
            items=ITEMS_ALL,
        )
    # the minor was eligible when the review was recorded (under 16 then)
    assert Decision.objects.get(person=minor).eligible
    rows = {r.person.pk: [f.code for f in r.findings] for r in selectors.dynamic_review(county)}
    assert fine.pk not in rows
    assert "no_work_capacity" in rows[minor.pk]
    assert rows[earner.pk] == ["no_income"]
    assert rows[with_son.pk] == ["no_able_supporter"]
    assert rows[stale.pk] == ["assessment"]
    assert rows[elig.active2.pk] == ["no_decision", "assessment"]  # nothing on record
    body = login(county).get("/eligibility/dynamic-review/").content.decode()
    assert "儿子具备履行义务能力" in body and "钱多" in body and fine.name not in body
    only_income = login(county).get("/eligibility/dynamic-review/?finding=no_income").content.decode()
    assert "钱多" in only_income and "有儿" not in only_income


def test_acting_on_the_review_list_starts_a_termination(login, world, elig):
    county = world.users.county
    earner = elig.active1
    services.review_record(
        actor=county, person=earner, as_of=days_ago(0), facts={**FACTS, "monthly_income": "900"}
    )
    client = login(county)
    response = client.post(
        f"/eligibility/persons/{earner.pk}/terminate/",
        {"ground": "income", "reported_on": days_ago(0).isoformat(), "reporter": "县民政局"},
    )
    assert response.status_code == 302
    rows = {r.person.pk: r for r in selectors.dynamic_review(county)}
    assert rows[earner.pk].termination is not None
    assert "Termination in progress" in client.get(
        "/eligibility/dynamic-review/"
    ).content.decode() or "终止" in (client.get("/eligibility/dynamic-review/").content.decode())


# ---- API -----------------------------------------------------------------------------------------------


def test_api_evaluate_returns_the_trace(login, world):
    client = login(world.users.town1)
    body = {
        "facts": {**FACTS, "birth_date": "1950-01-01", "local_dibao_standard": "620"},
        "policy": "2021",
        "as_of": "2026-11-01",
    }
    data = client.post("/api/v1/eligibility/evaluate", body, content_type="application/json").json()
    assert data["eligible"] is True and data["age"] == 76
    assert data["criteria"][0] == {
        "code": "no_work_capacity",
        "label": "无劳动能力",
        "passed": True,
        "reason": "年满60周岁",
    }
    bad = client.post("/api/v1/eligibility/evaluate", {"facts": {}}, content_type="application/json")
    assert bad.status_code == 422


def test_api_reads_decisions_and_assessments_in_scope(login, world, elig):
    county = world.users.county
    services.review_record(actor=county, person=elig.active1, as_of=days_ago(0), facts=FACTS)
    services.assessment_record(
        actor=county, person=elig.active1, assessed_on=days_ago(0), assessor="王", items=_items(2)
    )
    client = login(world.users.town1)
    decisions = client.get(f"/api/v1/persons/{elig.active1.pk}/decisions").json()
    assert decisions[0]["eligible"] and decisions[0]["trace"]["policy"] == "2021"
    assessments = client.get(f"/api/v1/persons/{elig.active1.pk}/assessments").json()
    assert assessments[0]["level"] == "partial" and assessments[0]["items"]["eating"] is False
    assert client.get(f"/api/v1/persons/{elig.active2.pk}/decisions").status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(login, world):
    paths = login(world.users.county).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/eligibility/evaluate" in paths
    assert "/api/v1/persons/{person_id}/decisions" in paths
    assert "/api/v1/persons/{person_id}/assessments" in paths
