"""Table-driven tests for the pure care rules (no database, no settings needed).

Lazy TextChoices labels are never evaluated here, so the module runs with or without Django
settings (``-p no:django`` or under pytest-django).
"""

import datetime as dt
import sys
import types
from decimal import Decimal

import pytest

from doudi.eligibility.selfcare import (
    SELF_CARE_ITEMS,
    SelfCareLevel,
    SubsidyTier,
    care_subsidy_amount,
    pick_effective,
    reassessment_due,
    reassessment_due_after_change,
    self_care_level,
    unmet_items,
)
from doudi.guardianship.rules import (
    GuardianCategory,
    GuardianProposal,
    PassedOver,
    ReplacementGround,
    determine_guardian,
    ground_article,
)

KEYS = list(SELF_CARE_ITEMS)

# ---------------------------------------------------------------------------------------------
# Self-care
# ---------------------------------------------------------------------------------------------


def assessment(unmet: int) -> dict[str, bool]:
    """The first `unmet` items cannot be done unaided, the rest can."""
    return {key: i >= unmet for i, key in enumerate(KEYS)}


def test_six_items_in_the_official_order():
    assert list(SELF_CARE_ITEMS.values()) == [
        "自主吃饭",
        "自主穿衣",
        "自主上下床",
        "自主如厕",
        "室内自主行走",
        "自主洗澡",
    ]


@pytest.mark.parametrize(
    ("unmet", "level"),
    [
        (0, SelfCareLevel.FULL),
        (1, SelfCareLevel.PARTIAL),
        (3, SelfCareLevel.PARTIAL),
        (4, SelfCareLevel.NONE),
        (6, SelfCareLevel.NONE),
    ],
)
def test_level_boundaries(unmet, level):
    assert self_care_level(assessment(unmet)) == level


def test_level_values_are_the_stored_codes():
    assert SelfCareLevel.values == ["full", "partial", "none"]


def test_unmet_items_lists_keys_in_official_order_whatever_the_input_order():
    items = dict(reversed(list(assessment(0).items())))
    items["bathing"] = False
    items["eating"] = False
    assert unmet_items(items) == ("eating", "bathing")
    assert self_care_level(items) == SelfCareLevel.PARTIAL


@pytest.mark.parametrize(("key", "name"), list(SELF_CARE_ITEMS.items()))
def test_missing_item_is_named_in_chinese(key, name):
    items = assessment(0)
    del items[key]
    with pytest.raises(ValueError, match=name):
        self_care_level(items)


def test_unknown_item_is_rejected():
    items = assessment(0) | {"climbing_stairs": True}
    with pytest.raises(ValueError, match="climbing_stairs"):
        self_care_level(items)


def test_non_boolean_answer_is_rejected_rather_than_read_as_truthy():
    items = assessment(0) | {"dressing": "否"}
    with pytest.raises(ValueError, match="自主穿衣"):
        self_care_level(items)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (dt.date(2025, 3, 3), dt.date(2026, 3, 3)),
        ("2025-12-31", dt.date(2026, 12, 31)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # never later than a year
    ],
)
def test_reassessment_due_at_least_yearly(last, due):
    assert reassessment_due(last) == due


def test_reported_change_brings_the_reassessment_forward(monkeypatch):
    # Stand-in calendar module: every day is a working day, so 10 working days = 10 days.
    fake = types.ModuleType("doudi.core.workdays")
    fake.add_working_days = lambda start, n, calendar=None: start + dt.timedelta(days=n)
    monkeypatch.setitem(sys.modules, "doudi.core.workdays", fake)

    assert reassessment_due_after_change(dt.date(2025, 6, 2)) == dt.date(2025, 6, 12)
    assert reassessment_due("2025-03-03", change_reported_on="2025-06-02") == dt.date(2025, 6, 12)
    # A change reported before the last assessment was covered by it.
    assert reassessment_due("2025-03-03", change_reported_on="2025-03-01") == dt.date(2026, 3, 3)
    # The yearly date still wins when it comes first.
    assert reassessment_due("2025-03-03", change_reported_on="2026-03-01") == dt.date(2026, 3, 3)


def test_reassessment_after_change_counts_real_working_days():
    workdays = pytest.importorskip("doudi.core.workdays")
    reported = dt.date(2026, 9, 30)
    due = reassessment_due_after_change(reported)
    assert due == workdays.add_working_days(reported, 10, None)
    # National Day holidays are skipped: ten calendar days would be 10 October.
    assert due == dt.date(2026, 10, 20)


# ---------------------------------------------------------------------------------------------
# Care subsidy
# ---------------------------------------------------------------------------------------------

TIERS = {
    SelfCareLevel.NONE: SubsidyTier("wage_share", Decimal("0.3")),
    SelfCareLevel.PARTIAL: SubsidyTier("wage_share", Decimal("0.1")),
    SelfCareLevel.FULL: SubsidyTier("fixed", Decimal("100")),
}


@pytest.mark.parametrize(
    ("level", "wage", "amount"),
    [
        ("full", None, Decimal("100.00")),
        (SelfCareLevel.FULL, Decimal("1900"), Decimal("100.00")),  # a fixed tier ignores the wage
        ("none", Decimal("1900"), Decimal("570.00")),
        ("partial", Decimal("1845"), Decimal("184.50")),
        ("none", Decimal("1845.15"), Decimal("553.55")),  # 553.545 rounds half up
        ("partial", Decimal("1234.45"), Decimal("123.45")),  # 123.445 rounds half up
        ("partial", Decimal("1234.44"), Decimal("123.44")),  # 123.444 rounds down
    ],
)
def test_subsidy_amount(level, wage, amount):
    result = care_subsidy_amount(level, TIERS, minimum_wage=wage)
    assert result == amount
    assert result.as_tuple().exponent == -2


def test_missing_tier_is_an_error_in_chinese():
    with pytest.raises(ValueError, match="半失能"):
        care_subsidy_amount("partial", {SelfCareLevel.FULL: TIERS[SelfCareLevel.FULL]})


def test_wage_share_without_minimum_wage_is_an_error():
    with pytest.raises(ValueError, match="最低工资"):
        care_subsidy_amount("none", TIERS)


def test_unknown_level_is_rejected():
    with pytest.raises(ValueError, match="等次"):
        care_subsidy_amount("bedridden", TIERS, Decimal("1900"))


@pytest.mark.parametrize(
    ("kind", "value"), [("percent", Decimal("0.3")), ("fixed", Decimal("-1")), ("fixed", "abc")]
)
def test_bad_tier_is_rejected(kind, value):
    with pytest.raises(ValueError, match="照料护理补贴"):
        SubsidyTier(kind, value)


class Setting:
    def __init__(self, name, effective_from, effective_to=None):
        self.name = name
        self.effective_from = effective_from
        self.effective_to = effective_to


SETTINGS = [
    Setting("2024 standard", dt.date(2024, 1, 1)),
    Setting("winter top-up", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    Setting("2025 standard", dt.date(2025, 7, 1)),
]


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2023, 12, 31), None),  # before anything took effect
        (dt.date(2024, 1, 1), "2024 standard"),
        (dt.date(2025, 1, 1), "winter top-up"),  # overlaps the open-ended 2024 one and wins
        (dt.date(2025, 3, 31), "winter top-up"),  # the end date is the last day in force
        (dt.date(2025, 4, 1), "2024 standard"),  # after it ends the older one applies again
        (dt.date(2025, 7, 1), "2025 standard"),
        ("2030-01-01", "2025 standard"),
    ],
)
def test_pick_effective(day, name):
    picked = pick_effective(SETTINGS, day)
    assert (picked.name if picked else None) == name


def test_pick_effective_same_start_later_entry_wins_and_mappings_work():
    rows = [
        {"name": "first", "effective_from": "2025-01-01"},
        {"name": "corrected", "effective_from": "2025-01-01"},
    ]
    assert pick_effective(rows, dt.date(2025, 5, 1))["name"] == "corrected"
    assert pick_effective([], dt.date(2025, 5, 1)) is None


# ---------------------------------------------------------------------------------------------
# Guardianship
# ---------------------------------------------------------------------------------------------

ADULT = {"birth_date": "1950-05-01", "civil_capacity": "none", "residence": "village", "as_of": "2025-06-01"}
MINOR = {"birth_date": "2012-05-01", "civil_capacity": "none", "residence": "village", "as_of": "2025-06-01"}


def c(cid, kind, able=True, willing=True, **extra):
    return {"id": cid, "kind": kind, "able": able, "willing": willing, **extra}


NEIGHBOUR = c("neighbour", "individual")
NEIGHBOUR_CONSENTED = c("neighbour", "individual", consent_recorded=True)

# (case, ward, candidates, proposed id, category, [(passed-over id, text in the reason)])
CASES = [
    (
        "spouse unable -> adult child",
        ADULT,
        [c("wife", "spouse", able=False, reason_unable="年老体弱无力履行"), c("son", "child")],
        "son",
        "I",
        [("wife", "配偶不具备监护能力（年老体弱无力履行）")],
    ),
    (
        "spouse unwilling -> parent",
        ADULT,
        [c("husband", "spouse", willing=False), c("mother", "parent")],
        "mother",
        "I",
        [("husband", "配偶不愿担任监护人")],
    ),
    (
        "no relatives, neighbour without consent -> committee",
        ADULT,
        [NEIGHBOUR, c("vc", "village_committee"), c("mz", "civil_affairs")],
        "vc",
        "III",
        [("neighbour", "未取得村民委员会或民政部门同意")],
    ),
    (
        "same neighbour with consent -> II",
        ADULT,
        [NEIGHBOUR_CONSENTED, c("vc", "village_committee")],
        "neighbour",
        "II",
        [],
    ),
    (
        "committee unable -> civil affairs",
        ADULT,
        [c("vc", "village_committee", able=False), c("mz", "civil_affairs")],
        "mz",
        "III",
        [("vc", "村民委员会不具备履行监护职责的条件")],
    ),
    (
        "residents' committee in a community",
        ADULT | {"residence": "community"},
        [c("org", "organisation"), c("rc", "village_committee")],
        "rc",
        "III",
        [("org", "愿意担任监护人的组织未取得居民委员会或民政部门同意")],
    ),
    (
        "limited capacity is handled like none",
        ADULT | {"civil_capacity": "limited"},
        [c("wife", "spouse", able=False), c("son", "child")],
        "son",
        "I",
        [("wife", "配偶不具备监护能力")],
    ),
    (
        "parents and children share a rank: first eligible in input order",
        ADULT,
        [c("daughter", "child", willing=False), c("father", "parent"), c("son", "child")],
        "father",
        "I",
        [("daughter", "子女不愿担任监护人")],
    ),
    (
        "other close relatives after parents and children",
        ADULT,
        [c("brother", "sibling"), c("son", "child", able=False), c("grandson", "grandchild")],
        "brother",
        "I",
        [("son", "子女不具备监护能力")],
    ),
    (
        "minor, parents dead (not posted) -> grandparent",
        MINOR,
        [c("sister", "sibling"), c("grandma", "grandparent"), c("vc", "village_committee")],
        "grandma",
        "I",
        [],
    ),
    (
        "minor, only a younger sibling -> passed over",
        MINOR,
        [c("little brother", "sibling", elder=False), c("vc", "village_committee")],
        "vc",
        "III",
        [("little brother", "弟、妹")],
    ),
    (
        "minor, elder sister after an unable grandparent",
        MINOR,
        [c("grandpa", "grandparent", able=False, reason_unable="患病卧床"), c("sister", "sibling")],
        "sister",
        "I",
        [("grandpa", "祖父母、外祖父母不具备监护能力（患病卧床）")],
    ),
    (
        "minor, an uncle needs consent like any willing individual",
        MINOR,
        [c("uncle", "other_relative", consent_recorded=True), c("vc", "village_committee")],
        "uncle",
        "II",
        [],
    ),
    (
        "civil affairs is never passed over",
        ADULT,
        [c("mz", "civil_affairs", able=False, willing=False)],
        "mz",
        "III",
        [],
    ),
]


@pytest.mark.parametrize(
    ("ward", "candidates", "proposed", "category", "passed"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_determine_guardian(ward, candidates, proposed, category, passed):
    result = determine_guardian(ward, candidates)
    assert result.required is True
    assert result.candidate_id == proposed
    assert result.category == category
    assert [p.candidate_id for p in result.passed_over] == [pid for pid, _ in passed]
    for p, (_, text) in zip(result.passed_over, passed, strict=True):
        assert text in p.reason
        # The explanation repeats each reason, so a clerk sees the whole chain in one place.
        assert p.reason in result.explanation


def test_passed_over_names_every_earlier_candidate_with_a_reason():
    candidates = [
        c("wife", "spouse", able=False, reason_unable="年老体弱无力履行"),
        c("son", "child", willing=False),
        c("daughter", "child", able=False, reason_unable="与被监护人关系不融洽"),
        c("sister", "sibling", able=False),
        NEIGHBOUR,
        c("vc", "village_committee", able=False),
        c("mz", "civil_affairs"),
        c("cousin", "other_relative", willing=False),  # ranked before the proposal though listed later
    ]
    result = determine_guardian(ADULT, candidates)
    assert result.candidate_id == "mz"
    assert result.kind == "civil_affairs"
    assert result.passed_over == (
        PassedOver("wife", "配偶不具备监护能力（年老体弱无力履行）"),
        PassedOver("son", "子女不愿担任监护人"),
        PassedOver("daughter", "子女不具备监护能力（与被监护人关系不融洽）"),
        PassedOver("sister", "兄弟姐妹不具备监护能力"),
        PassedOver("cousin", "其他近亲属不愿担任监护人"),
        PassedOver("neighbour", "愿意担任监护人的个人未取得村民委员会或民政部门同意"),
        PassedOver("vc", "村民委员会不具备履行监护职责的条件"),
    )
    assert "第三十二条" in result.explanation


def test_later_ranks_are_not_listed_as_passed_over():
    result = determine_guardian(ADULT, [c("vc", "village_committee"), c("son", "child"), NEIGHBOUR])
    assert result.candidate_id == "son"
    assert result.passed_over == ()
    assert "第二十八条" in result.explanation


def test_no_civil_affairs_posted_gives_a_synthetic_proposal():
    result = determine_guardian(ADULT, [c("vc", "village_committee", able=False)])
    assert result.required is True
    assert result.candidate_id is None
    assert result.kind == "civil_affairs"
    assert result.category == GuardianCategory.III
    assert "民政部门" in result.explanation and "补录" in result.explanation


def test_full_capacity_needs_no_guardian():
    result = determine_guardian(ADULT | {"civil_capacity": "full"}, [c("son", "child")])
    assert result == GuardianProposal(
        required=False,
        candidate_id=None,
        kind=None,
        category=None,
        explanation=result.explanation,
    )
    assert "无需" in result.explanation


def test_eighteenth_birthday_makes_the_ward_an_adult():
    ward = MINOR | {"birth_date": "2007-06-01", "as_of": dt.date(2025, 6, 1)}
    # As an adult the spouse ranks first; a minor's spouse would need consent.
    assert determine_guardian(ward, [c("wife", "spouse")]).category == "I"
    younger = ward | {"as_of": "2025-05-31"}
    assert (
        determine_guardian(younger, [c("wife", "spouse"), c("vc", "village_committee")]).candidate_id == "vc"
    )


def test_to_dict_is_plain_data():
    result = determine_guardian(ADULT, [c("wife", "spouse", willing=False), c("son", "child")])
    data = result.to_dict()
    assert data == {
        "required": True,
        "candidate_id": "son",
        "kind": "child",
        "category": "I",
        "passed_over": [{"candidate_id": "wife", "reason": "配偶不愿担任监护人"}],
        "explanation": result.explanation,
    }
    assert type(data["category"]) is str


@pytest.mark.parametrize(
    ("ward", "candidates", "message"),
    [
        (ADULT, [c("x", "cousin")], "未知的监护人候选类型"),
        (ADULT | {"civil_capacity": "partial"}, [], "民事行为能力"),
        (ADULT | {"residence": "town"}, [], "住所"),
        (ADULT | {"birth_date": "1950-13-01"}, [], "出生日期"),
        (ADULT | {"birth_date": None}, [], "出生日期"),
        (ADULT, [{"id": "son", "kind": "child", "willing": True}], "监护能力"),
    ],
)
def test_bad_input_raises_value_error_in_chinese(ward, candidates, message):
    with pytest.raises(ValueError, match=message):
        determine_guardian(ward, candidates)


def test_guardian_category_values():
    assert GuardianCategory.values == ["I", "II", "III"]


@pytest.mark.parametrize(
    ("ground", "article"),
    [
        (ReplacementGround.SERIOUS_HARM, "第三十六条第一款第一项"),
        (ReplacementGround.NEGLECT_DANGER, "第三十六条第一款第二项"),
        (ReplacementGround.OTHER_INFRINGEMENT, "第三十六条第一款第三项"),
        ("ward_regains_capacity", "第三十九条第一款第一项"),
        ("guardian_loses_capacity", "第三十九条第一款第二项"),
        ("ward_died", "第三十九条第一款第三项"),
        ("guardian_died", "第三十九条第一款第三项"),
        ("court_ruling", "第三十九条第一款第四项"),
    ],
)
def test_ground_article(ground, article):
    assert ground_article(ground) == f"《民法典》{article}"


def test_every_ground_has_an_article_and_unknown_grounds_are_rejected():
    assert all(ground_article(g).startswith("《民法典》") for g in ReplacementGround.values)
    with pytest.raises(ValueError, match="事由"):
        ground_article("moved_away")
