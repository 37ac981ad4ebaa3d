"""特困人员 eligibility rules (民发〔2016〕178号 vs 民发〔2021〕43号), table-driven, no database."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from doudi.registry.rules import (
    Criterion,
    EligibilityDecision,
    EligibilityFacts,
    Supporter,
    age_on,
    evaluate_eligibility,
    supporter_unable_reason,
)

AS_OF = dt.date(2026, 6, 1)


def born(age: int, days_later: int = 0) -> str:
    """Birth date of someone exactly `age` on AS_OF (their birthday), shifted by days_later."""
    return (AS_OF.replace(year=AS_OF.year - age) + dt.timedelta(days=days_later)).isoformat()


def facts(**overrides):
    """An applicant who passes everything except what the row changes: 65, no income, no supporter."""
    base = {
        "birth_date": born(65),
        "disability": None,
        "in_school": False,
        "already_supported": False,
        "monthly_income": 0,
        "local_dibao_standard": 600,
        "assets_within_limit": True,
        "orphan_scheme_chosen": False,
        "provincial_no_work_capacity": False,
        "supporters": [],
    }
    base.update(overrides)
    return base


def decide(policy, **overrides):
    return evaluate_eligibility(facts(**overrides), policy=policy, as_of=AS_OF)


def disabled(kind, grade, **extra):
    return {"disability": {"kind": kind, "grade": grade}, "birth_date": born(40), **extra}


# --------------------------------------------------------------------------- 无劳动能力

WORK_CAPACITY_ROWS = [
    # (row id, facts overrides, passes under 2016, passes under 2021, reason fragment)
    ("turns 60 on the birthday", {"birth_date": born(60)}, True, True, "年满60周岁"),
    ("59, birthday tomorrow", {"birth_date": born(60, days_later=1)}, False, False, "未满60周岁"),
    ("15, new applicant", {"birth_date": born(15)}, True, True, "未满16周岁"),
    ("16 today, new applicant", {"birth_date": born(16)}, False, False, "新申请的未成年人已满16周岁"),
    ("17, new applicant in school", {"birth_date": born(17), "in_school": True}, False, False, "已满16周岁"),
    (
        "17, supported, in school",
        {"birth_date": born(17), "already_supported": True, "in_school": True},
        True,
        True,
        "继续供养",
    ),
    (
        "17, supported, left school",
        {"birth_date": born(17), "already_supported": True},
        False,
        True,
        "",
    ),
    (
        "18, supported, in school",
        {"birth_date": born(18), "already_supported": True, "in_school": True},
        False,
        True,
        "",
    ),
    (
        "19, supported, still in 中职",
        {"birth_date": born(19), "already_supported": True, "in_school": True},
        False,
        True,
        "",
    ),
    (
        "19, supported, left school",
        {"birth_date": born(19), "already_supported": True},
        False,
        False,
        "",
    ),
    ("智力残疾一级", disabled("intellectual", 1), True, True, "智力残疾一级"),
    ("智力残疾二级", disabled("intellectual", 2), True, True, "智力残疾二级"),
    ("智力残疾三级", disabled("intellectual", 3), False, True, "智力残疾三级"),
    ("智力残疾四级", disabled("intellectual", 4), False, False, "智力残疾四级不属于"),
    ("精神残疾二级", disabled("mental", 2), True, True, "精神残疾二级"),
    ("精神残疾三级", disabled("mental", 3), False, True, "精神残疾三级"),
    ("精神残疾四级", disabled("mental", 4), False, False, "精神残疾四级"),
    ("肢体残疾一级", disabled("physical", 1), True, True, "肢体残疾一级"),
    ("肢体残疾二级", disabled("physical", 2), False, True, "肢体残疾二级"),
    ("肢体残疾三级", disabled("physical", 3), False, False, "肢体残疾三级"),
    ("视力残疾一级", disabled("visual", 1), False, True, "视力残疾一级"),
    ("视力残疾二级", disabled("visual", 2), False, False, "视力残疾二级"),
    ("听力残疾一级", disabled("hearing", 1), False, False, "听力残疾一级"),
    ("言语残疾一级", disabled("speech", 1), False, False, "言语残疾一级"),
    (
        "多重残疾 with a qualifying component",
        {
            "birth_date": born(40),
            "disability": {
                "kind": "multiple",
                "grade": 1,
                "components": [{"kind": "hearing", "grade": 1}, {"kind": "intellectual", "grade": 2}],
            },
        },
        True,
        True,
        "智力残疾二级",
    ),
    ("多重残疾 without components", disabled("multiple", 1), False, False, "多重残疾一级"),
    (
        "provincial extra case ticked",
        disabled("hearing", 1, provincial_no_work_capacity=True),
        True,
        True,
        "省级规定",
    ),
]


@pytest.mark.parametrize("policy", ["2016", "2021"])
@pytest.mark.parametrize(
    "overrides, passes_2016, passes_2021, fragment",
    [row[1:] for row in WORK_CAPACITY_ROWS],
    ids=[row[0] for row in WORK_CAPACITY_ROWS],
)
def test_no_work_capacity(policy, overrides, passes_2016, passes_2021, fragment):
    decision = decide(policy, **overrides)
    criterion = decision.criterion("no_work_capacity")
    expected = passes_2016 if policy == "2016" else passes_2021
    assert criterion.passed is expected, criterion.reason
    assert fragment in criterion.reason


# --------------------------------------------------------------------------- whole decisions

DECISION_ROWS = [
    # (row id, facts overrides, eligible under 2016, eligible under 2021)
    ("elderly, no income, no supporter", {}, True, True),
    ("智力残疾三级 adult", disabled("intellectual", 3), False, True),
    ("肢体残疾二级 adult", disabled("physical", 2), False, True),
    ("视力残疾一级 adult", disabled("visual", 1), False, True),
    (
        "17, supported, in school",
        {"birth_date": born(17), "already_supported": True, "in_school": True},
        True,
        True,
    ),
    ("17, supported, left school", {"birth_date": born(17), "already_supported": True}, False, True),
    ("17, new applicant", {"birth_date": born(17), "in_school": True}, False, False),
    (
        "19, supported, still in 中职",
        {"birth_date": born(19), "already_supported": True, "in_school": True},
        False,
        True,
    ),
    ("adult aged 40 without disability", {"birth_date": born(40)}, False, False),
    ("income equal to the standard", {"monthly_income": 600}, False, False),
    ("orphan scheme chosen", {"birth_date": born(10), "orphan_scheme_chosen": True}, False, False),
]


@pytest.mark.parametrize("policy", ["2016", "2021"])
@pytest.mark.parametrize(
    "overrides, eligible_2016, eligible_2021",
    [row[1:] for row in DECISION_ROWS],
    ids=[row[0] for row in DECISION_ROWS],
)
def test_decision(policy, overrides, eligible_2016, eligible_2021):
    decision = decide(policy, **overrides)
    assert decision.eligible is (eligible_2016 if policy == "2016" else eligible_2021), decision.reasons
    assert decision.policy == policy
    assert [c.code for c in decision.criteria] == ["no_work_capacity", "no_income", "no_able_supporter"]


@pytest.mark.parametrize("policy", ["2016", "2021"])
def test_adult_without_disability_is_not_a_category(policy):
    decision = decide(policy, birth_date=born(40))
    assert not decision.category.passed
    assert "不属于老年人、残疾人或未成年人" in decision.category.reason
    assert "不属于老年人、残疾人或未成年人" in decision.summary


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"birth_date": born(70)}, "老年人"),
        ({"birth_date": born(8)}, "未成年人"),
        (disabled("hearing", 3), "残疾人：听力残疾三级"),
        (
            {"birth_date": born(70), "disability": {"kind": "visual", "grade": 2}},
            "老年人、残疾人：视力残疾二级",
        ),
    ],
)
def test_category_names_the_person_kind(overrides, reason):
    category = decide("2021", **overrides).category
    assert category.passed
    assert category.reason == reason


@pytest.mark.parametrize("policy", ["2016", "2021"])
def test_orphan_scheme_chosen_is_not_tekun(policy):
    decision = decide(policy, birth_date=born(10), orphan_scheme_chosen=True)
    assert decision.orphan_scheme is True
    assert decision.eligible is False
    # The three conditions themselves still pass; only the scheme choice excludes the child.
    assert all(c.passed for c in decision.criteria)
    assert "孤儿" in decision.summary
    assert "孤儿" in decision.reasons[-1]


def test_orphan_flag_on_an_adult_has_no_effect():
    decision = decide("2021", orphan_scheme_chosen=True)
    assert decision.orphan_scheme is False
    assert decision.eligible is True


# --------------------------------------------------------------------------- 无生活来源

INCOME_ROWS = [
    # (row id, monthly income, dibao standard, assets ok, passes, reason fragment)
    ("no income", 0, 600, True, True, "月收入0元低于当地低保标准600元"),
    ("just below", "599.99", 600, True, True, "599.99元"),
    ("equal to the standard", 600, 600, True, False, "不低于当地低保标准600元"),
    ("equal, float vs string", 612.5, "612.50", True, False, "不低于"),
    ("above the standard", 800, 600, True, False, "月收入800元不低于"),
    ("assets over the rule", 100, 600, False, False, "财产不符合当地特困人员财产状况规定"),
    ("income unknown", None, 600, True, False, "缺少收入数据"),
    ("standard unknown", 100, None, True, False, "缺少当地低保标准"),
]


@pytest.mark.parametrize("policy", ["2016", "2021"])
@pytest.mark.parametrize(
    "income, standard, assets, passes, fragment",
    [row[1:] for row in INCOME_ROWS],
    ids=[row[0] for row in INCOME_ROWS],
)
def test_no_income(policy, income, standard, assets, passes, fragment):
    decision = decide(
        policy, monthly_income=income, local_dibao_standard=standard, assets_within_limit=assets
    )
    criterion = decision.criterion("no_income")
    assert criterion.passed is passes
    assert fragment in criterion.reason
    assert decision.eligible is passes


# --------------------------------------------------------------------------- 法定义务人

LOW = {"monthly_income": 1000, "local_disposable_income": 30000}  # 12 000 a year < 30 000
HIGH = {"monthly_income": 2500, "local_disposable_income": 30000}  # 30 000 a year, not below

SUPPORTER_ROWS = [
    # (row id, supporter, unable under 2016, unable under 2021)
    ("特困人员", {"is_tekun": True}, True, True),
    (
        "低保对象 aged 60, assets ok",
        {"birth_date": born(60), "is_dibao": True, "assets_within_limit": True},
        True,
        True,
    ),
    ("低保对象 aged 60, assets over", {"birth_date": born(60), "is_dibao": True}, False, True),
    (
        "低保对象 aged 45 (daughter)",
        {"birth_date": born(45), "is_dibao": True, "assets_within_limit": True},
        False,
        False,
    ),
    (
        "重度残疾低保对象 aged 45, assets ok, no income data",
        {"birth_date": born(45), "is_dibao": True, "severe_disability": True, "assets_within_limit": True},
        True,
        False,
    ),
    (
        "重度残疾 aged 45, low income, assets ok",
        {"birth_date": born(45), "severe_disability": True, "assets_within_limit": True, **LOW},
        False,
        True,
    ),
    (
        "重度残疾 aged 45, income not below",
        {"birth_date": born(45), "severe_disability": True, "assets_within_limit": True, **HIGH},
        False,
        False,
    ),
    (
        "三级智力精神残疾, low income, assets ok",
        {"birth_date": born(45), "intellectual_or_mental_grade3": True, "assets_within_limit": True, **LOW},
        False,
        True,
    ),
    (
        "三级智力精神残疾, low income, assets over",
        {"birth_date": born(45), "intellectual_or_mental_grade3": True, **LOW},
        False,
        False,
    ),
    (
        "aged 72, low income, assets ok",
        {"birth_date": born(72), "assets_within_limit": True, **LOW},
        False,
        True,
    ),
    (
        "aged 70 today, low income, assets ok",
        {"birth_date": born(70), "assets_within_limit": True, **LOW},
        False,
        True,
    ),
    (
        "aged 69, low income, assets ok",
        {"birth_date": born(70, days_later=1), "assets_within_limit": True, **LOW},
        False,
        False,
    ),
    (
        "aged 72, income not below",
        {"birth_date": born(72), "assets_within_limit": True, **HIGH},
        False,
        False,
    ),
    ("aged 72, low income, assets over", {"birth_date": born(72), **LOW}, False, False),
    ("aged 72, no income data", {"birth_date": born(72), "assets_within_limit": True}, False, False),
    ("无民事行为能力, assets ok", {"incapacitated": True, "assets_within_limit": True}, True, True),
    ("宣告失踪, assets ok", {"missing": True, "assets_within_limit": True}, True, True),
    ("服刑, assets ok", {"imprisoned": True, "assets_within_limit": True}, True, True),
    ("服刑, assets over", {"imprisoned": True}, False, False),
    ("provincial extra case", {"provincial_unable": True}, True, True),
    ("working adult child", {"birth_date": born(40), "monthly_income": 4000}, False, False),
]


@pytest.mark.parametrize("policy", ["2016", "2021"])
@pytest.mark.parametrize(
    "supporter, unable_2016, unable_2021",
    [row[1:] for row in SUPPORTER_ROWS],
    ids=[row[0] for row in SUPPORTER_ROWS],
)
def test_supporter_capacity(policy, supporter, unable_2016, unable_2021):
    supporter = {"relation": "child", **supporter}
    decision = decide(policy, supporters=[supporter])
    criterion = decision.criterion("no_able_supporter")
    unable = unable_2016 if policy == "2016" else unable_2021
    assert criterion.passed is unable, criterion.reason
    assert decision.eligible is unable
    if not unable:
        assert criterion.reason == "子女具备履行义务能力"
    direct = supporter_unable_reason(Supporter.from_mapping(supporter), policy, AS_OF)
    assert (direct is not None) is unable


@pytest.mark.parametrize("policy", ["2016", "2021"])
def test_daughter_married_far_away_is_still_a_supporter(policy):
    # Seed document 5: 无儿有女但女儿远嫁 is not by itself grounds for 特困.
    daughter = {"relation": "child", "label": "女儿", "birth_date": born(42), "monthly_income": 3000}
    decision = decide(policy, birth_date=born(68), supporters=[daughter])
    assert decision.eligible is False
    assert (
        str(decision.criterion("no_able_supporter")) == "无法定义务人履行能力: 未通过（女儿具备履行义务能力）"
    )


@pytest.mark.parametrize(
    "relation, name",
    [
        ("spouse", "配偶"),
        ("parent", "父母"),
        ("child", "子女"),
        ("grandparent", "祖父母"),
        ("grandchild", "孙子女"),
        ("sibling", "兄弟姐妹"),
        ("other", "其他"),
    ],
)
def test_able_supporter_reason_names_the_relation(relation, name):
    decision = decide("2021", supporters=[{"relation": relation, "birth_date": born(50)}])
    assert decision.criterion("no_able_supporter").reason == f"{name}具备履行义务能力"


def test_all_supporters_unable_lists_why():
    supporters = [
        {"relation": "spouse", "is_tekun": True},
        {"relation": "child", "imprisoned": True, "assets_within_limit": True},
    ]
    criterion = decide("2021", supporters=supporters).criterion("no_able_supporter")
    assert criterion.passed
    assert "配偶为特困人员" in criterion.reason
    assert "子女在监狱服刑" in criterion.reason


def test_one_able_supporter_among_unable_ones_fails():
    supporters = [
        {"relation": "spouse", "is_tekun": True},
        {"relation": "sibling", "birth_date": born(50)},
        {"relation": "child", "birth_date": born(30)},
    ]
    criterion = decide("2021", supporters=supporters).criterion("no_able_supporter")
    assert not criterion.passed
    assert criterion.reason == "兄弟姐妹、子女具备履行义务能力"


def test_no_supporter_passes():
    criterion = decide("2021").criterion("no_able_supporter")
    assert criterion.passed
    assert criterion.reason == "无法定赡养、抚养、扶养义务人"


# --------------------------------------------------------------------------- display and storage


def test_criterion_display():
    criterion = decide("2021").criterion("no_work_capacity")
    assert criterion.label == "无劳动能力"
    assert criterion.display() == "无劳动能力: 通过（年满60周岁）"
    assert str(criterion) == "无劳动能力: 通过（年满60周岁）"
    assert str(Criterion("no_income", False, "缺少收入数据")) == "无生活来源: 未通过（缺少收入数据）"


@pytest.mark.parametrize("policy", ["2016", "2021"])
def test_decision_round_trips_through_json(policy):
    decision = decide(
        policy, birth_date=born(17), supporters=[{"relation": "parent", "birth_date": born(45)}]
    )
    stored = json.loads(json.dumps(decision.to_dict(), ensure_ascii=False))
    restored = EligibilityDecision.from_dict(stored)
    assert restored == decision
    assert restored.reasons == decision.reasons
    assert stored["criteria"][2]["reason"] == "父母具备履行义务能力"


def test_mapping_and_dataclass_give_the_same_decision():
    data = facts(disability={"kind": "physical", "grade": 2}, birth_date=born(50))
    from_mapping = evaluate_eligibility(data, policy="2021", as_of=AS_OF)
    from_dataclass = evaluate_eligibility(EligibilityFacts.from_mapping(data), policy="2021", as_of=AS_OF)
    assert from_mapping == from_dataclass


def test_missing_optional_keys_default_to_false():
    decision = evaluate_eligibility({"birth_date": born(80)}, policy="2021", as_of="2026-06-01")
    assert decision.criterion("no_work_capacity").passed
    assert decision.criterion("no_income").reason == "缺少收入数据"
    assert decision.criterion("no_able_supporter").passed
    assert decision.eligible is False


def test_as_of_defaults_to_today():
    birth = dt.date.today() - dt.timedelta(days=365 * 70)
    decision = evaluate_eligibility(facts(birth_date=birth), policy="2021")
    assert decision.as_of == dt.date.today()
    assert decision.age == age_on(birth, dt.date.today())


@pytest.mark.parametrize(
    "bad",
    [
        {"policy": "2019"},
        {"facts": {"birth_date": None}},
        {"facts": {"birth_date": born(70), "disability": {"kind": "emotional", "grade": 1}}},
        {"facts": {"birth_date": born(70), "disability": {"kind": "visual", "grade": 5}}},
        {"facts": {"birth_date": born(70), "supporters": [{"relation": "cousin"}]}},
    ],
)
def test_invalid_input_is_rejected(bad):
    with pytest.raises(ValueError):
        evaluate_eligibility(bad.get("facts", facts()), policy=bad.get("policy", "2021"), as_of=AS_OF)


# --------------------------------------------------------------------------- age


@pytest.mark.parametrize(
    "birth, day, age",
    [
        ("1966-06-01", "2026-06-01", 60),
        ("1966-06-02", "2026-06-01", 59),
        ("1966-05-31", "2026-06-01", 60),
        ("2010-06-01", "2026-06-01", 16),
        ("2008-02-29", "2026-02-28", 17),
        ("2008-02-29", "2026-03-01", 18),
        ("2008-02-29", "2028-02-29", 20),
        ("2026-06-01", "2026-06-01", 0),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age
    assert age_on(dt.date.fromisoformat(birth), dt.date.fromisoformat(day)) == age


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on("2026-06-02", "2026-06-01")


def test_income_amounts_are_exact_decimals():
    parsed = EligibilityFacts.from_mapping(facts(monthly_income=612.5, local_dibao_standard="612.50"))
    assert parsed.monthly_income == Decimal("612.5") == parsed.local_dibao_standard
