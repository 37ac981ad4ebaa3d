"""Pure procedure rules (eligibility/rules.py): step limits, deadlines, months, grounds, reviews."""

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.workdays import WorkCalendar
from doudi.eligibility import rules

D = dt.date


@pytest.mark.parametrize(
    ("policy", "days"),
    [("2021", 15), ("2016", 20)],
)
def test_default_limits_follow_the_policy_version(policy, days):
    limits = rules.default_limits(policy)
    assert (limits.review, limits.county, limits.recheck) == (days, days, days)
    assert limits.refusal_notice == 3 and limits.publication == 7


@pytest.mark.parametrize(
    ("limits", "policy", "problem"),
    [
        (rules.Limits(review=16), "2021", "初审时限应为1至15个工作日"),
        (rules.Limits(review=20, county=20, recheck=20), "2016", None),
        (rules.Limits(county=0), "2021", "县级确认时限"),
        (rules.Limits(refusal_notice=4), "2021", "不予认定告知时限"),
        (rules.Limits(publication=5), "2021", "公示期不得少于7天"),
        (rules.Limits(review=10, county=10, recheck=10), "2021", None),  # a county may shorten
    ],
)
def test_a_county_may_shorten_but_not_lengthen_the_limits(limits, policy, problem):
    problems = limits.problems(policy)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_the_step_plan_across_national_day_and_a_make_up_saturday():
    """2026: 10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are make-up working days."""
    limits = rules.default_limits("2021")
    plan = rules.application_plan(D(2026, 9, 18), limits)
    review, publication, county, notice = plan
    # 15 working days after Fri 09-18: 09-20 (Sun, 调休) 21 22 23 24 | 28 29 30 | 10-08 09 10 (Sat, 调休) 12 13 14 15
    assert review.due == D(2026, 10, 15)
    assert (
        publication.start == D(2026, 10, 15) and publication.due == D(2026, 10, 21) and publication.projected
    )
    assert county.start == D(2026, 10, 21) and county.due == D(2026, 11, 11)
    assert notice.due is None  # only a refusal has a notice limit


def test_the_refusal_notice_counts_three_working_days_over_the_holiday():
    limits = rules.default_limits("2021")
    plan = rules.application_plan(
        D(2026, 9, 1),
        limits,
        reviewed_on=D(2026, 9, 10),
        published_on=D(2026, 9, 11),
        publication_closed_on=D(2026, 9, 18),
        decided_on=D(2026, 9, 30),
        refused=True,
    )
    notice = plan[-1]
    assert notice.start == D(2026, 9, 30) and notice.due == D(2026, 10, 10)  # 10-08, 10-09, Sat 10-10
    assert not notice.projected


def test_the_2016_plan_uses_twenty_working_days():
    plan = rules.application_plan(D(2026, 9, 18), rules.default_limits("2016"))
    assert plan[0].due == D(2026, 10, 22)


def test_an_administrator_entry_moves_the_deadline():
    calendar = WorkCalendar(overrides={D(2026, 10, 15): False})
    assert rules.application_plan(D(2026, 9, 18), rules.default_limits("2021"), calendar)[0].due == D(
        2026, 10, 16
    )


def test_the_termination_plan():
    plan = rules.termination_plan(D(2026, 9, 28), rules.Limits(review=5, county=5))
    verify, county, publication = plan
    assert verify.due == D(2026, 10, 10)  # 29, 30, 10-08, 09, Sat 10-10
    assert county.start == D(2026, 10, 10) and county.due == D(2026, 10, 16)
    assert publication.due == D(2026, 10, 22)


@pytest.mark.parametrize(
    ("code", "start", "due"),
    [
        ("review", D(2026, 9, 30), D(2026, 10, 27)),
        ("recheck", D(2026, 9, 30), D(2026, 10, 27)),
        ("county", D(2026, 9, 30), D(2026, 10, 27)),
        ("publication", D(2026, 9, 30), D(2026, 10, 6)),
        ("notice", D(2026, 9, 30), None),
    ],
)
def test_step_due(code, start, due):
    assert rules.step_due(code, start, rules.default_limits("2021")) == due


@pytest.mark.parametrize(
    ("confirmed", "starts"),
    [
        (D(2026, 10, 31), D(2026, 11, 1)),
        (D(2026, 12, 5), D(2027, 1, 1)),
        (D(2026, 1, 1), D(2026, 2, 1)),
        (D(2024, 2, 29), D(2024, 3, 1)),
    ],
)
def test_support_starts_the_month_after_confirmation(confirmed, starts):
    assert rules.support_starts_on(confirmed) == starts
    assert rules.support_ends_from(confirmed) == starts


@pytest.mark.parametrize(
    ("published", "last"),
    [(D(2026, 9, 30), D(2026, 10, 6)), (D(2026, 12, 28), D(2027, 1, 3))],
)
def test_publication_lasts_seven_natural_days(published, last):
    assert rules.publication_end(published) == last


@pytest.mark.parametrize(
    ("ground", "income", "standard", "expected"),
    [
        ("death", None, None, None),
        ("missing", Decimal("100"), Decimal("620"), None),
        ("imprisoned", None, None, None),
        ("work_capacity", Decimal("300"), Decimal("620"), "dibao"),
        ("income", Decimal("900"), Decimal("620"), "temporary"),
        ("supporter", None, Decimal("620"), "temporary"),
        ("withdrawal", Decimal("619.99"), Decimal("620"), "dibao"),
        ("withdrawal", Decimal("620"), Decimal("620"), "temporary"),
    ],
)
def test_referral_after_termination(ground, income, standard, expected):
    referral = rules.referral_for(ground, income, standard)
    assert (referral.code if referral else None) == expected


def test_an_unknown_ground_is_refused():
    with pytest.raises(ValueError, match="未知的终止救助供养情形"):
        rules.referral_for("bored")


def test_every_ground_has_a_chinese_label():
    assert len(rules.GROUNDS) == 7
    assert all(g.label for g in rules.GROUNDS.values())


_ELDER = {
    "birth_date": "1950-01-01",
    "monthly_income": "200",
    "local_dibao_standard": "620",
    "assets_within_limit": True,
    "supporters": [],
}
TODAY = D(2026, 11, 1)
DUE_LATER = D(2027, 6, 1)


@pytest.mark.parametrize(
    ("facts", "due", "codes"),
    [
        (_ELDER, DUE_LATER, []),
        # a minor who turned 18 and left school
        (
            {**_ELDER, "birth_date": "2008-10-01", "in_school": False},
            DUE_LATER,
            ["no_work_capacity", "category"],
        ),
        # the same, still in school: continues (第二十四条)
        ({**_ELDER, "birth_date": "2008-10-01", "in_school": True}, DUE_LATER, []),
        # income above the standard
        ({**_ELDER, "monthly_income": "700"}, DUE_LATER, ["no_income"]),
        # a supporter who became able
        (
            {**_ELDER, "supporters": [{"relation": "child", "birth_date": "1980-01-01"}]},
            DUE_LATER,
            ["no_able_supporter"],
        ),
        # the assessment is overdue
        (_ELDER, D(2026, 10, 31), ["assessment"]),
        (_ELDER, None, ["assessment"]),
        (None, DUE_LATER, ["no_decision"]),
    ],
)
def test_dynamic_review_findings(facts, due, codes):
    item = rules.ReviewInput(facts=facts, policy="2021", reassessment_due=due)
    found = [f.code for f in rules.dynamic_review_findings(item, TODAY)]
    assert sorted(found) == sorted(codes)


def test_a_finding_explains_in_chinese():
    item = rules.ReviewInput(
        facts={**_ELDER, "monthly_income": "700"}, policy="2021", reassessment_due=DUE_LATER
    )
    (finding,) = rules.dynamic_review_findings(item, TODAY)
    assert finding.reason == "无生活来源未通过：月收入700元不低于当地低保标准620元"


def test_current_registry_data_overrides_the_stored_facts():
    item = rules.ReviewInput(
        facts=_ELDER, policy="2021", reassessment_due=DUE_LATER, overrides={"local_dibao_standard": "150"}
    )
    assert [f.code for f in rules.dynamic_review_findings(item, TODAY)] == ["no_income"]


def test_limits_round_trip():
    limits = rules.Limits(review=10, county=12, recheck=9)
    assert rules.Limits.from_dict(limits.to_dict()) == limits
