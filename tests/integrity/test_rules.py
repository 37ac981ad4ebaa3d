"""integrity.rules: key-inspection selection and handling, exactly as governance.md states them."""

from decimal import Decimal as D

import pytest

from doudi.integrity import rules


def unit(uid, assets, revenue, **flags):
    return {"id": uid, "total_assets": D(assets), "main_revenue": D(revenue), **flags}


SELECTION_CASES = [
    # (name, units, parent assets, parent revenue, min share, selected, short)
    (
        "exactly 10% of assets stops the selection (equality counts)",
        [unit(1, 50, 0, weak_internal_control=True), unit(2, 50, 0, many_branches=True), unit(3, 900, 0)],
        1000,
        1000,
        D("0.10"),
        [1, 2],
        False,
    ),
    (
        "just under 10% takes one more",
        [unit(1, 50, 0, weak_internal_control=True), unit(2, 49, 0, many_branches=True), unit(3, 900, 0)],
        1000,
        1000,
        D("0.10"),
        [1, 2, 3],
        False,
    ),
    (
        "the revenue reaches the share before the assets",
        [
            unit(1, 10, 100, weak_internal_control=True, many_branches=True),
            unit(2, 500, 0, many_branches=True),
        ],
        1000,
        1000,
        D("0.10"),
        [1],
        False,
    ),
    (
        "all units short of the share: all selected, short",
        [unit(1, 10, 10, many_branches=True), unit(2, 20, 20)],
        1000,
        1000,
        D("0.10"),
        [1, 2],
        True,
    ),
    (
        "a reported unit with no other flag comes first and is kept after the share is reached",
        [
            unit(1, 900, 900, weak_internal_control=True, many_branches=True),
            unit(2, 5, 5, public_report=True),
        ],
        1000,
        1000,
        D("0.10"),
        [2, 1],
        False,
    ),
    (
        "every reported unit is selected even when the first already reaches the share",
        [
            unit(1, 500, 0, public_report=True),
            unit(2, 1, 0, public_report=True),
            unit(3, 1, 0, many_branches=True),
        ],
        1000,
        1000,
        D("0.10"),
        [1, 2],
        False,
    ),
    (
        "reported units by larger assets first",
        [
            unit(1, 1, 0, public_report=True),
            unit(2, 3, 0, public_report=True),
            unit(3, 2, 0, public_report=True),
        ],
        10,
        10,
        D("0.10"),
        [2, 3, 1],
        False,
    ),
    (
        "more flags first; ties by larger assets, then by id",
        [
            unit(5, 10, 0, many_branches=True),
            unit(4, 20, 0, many_branches=True),
            unit(3, 20, 0, many_branches=True),
            unit(2, 1, 0, weak_internal_control=True, supervisory_record=True),
        ],
        1000,
        1000,
        D("0.05"),
        [2, 3, 4, 5],
        False,
    ),
    (
        "a share of 10.5% as a Decimal fraction",
        [unit(1, 100, 0, many_branches=True), unit(2, 5, 0)],
        1000,
        1000,
        D("0.105"),
        [1, 2],
        False,
    ),
    ("no units: nothing selected, short", [], 1000, 1000, D("0.10"), [], True),
]


@pytest.mark.parametrize(
    "name, units, assets, revenue, share, selected, short",
    SELECTION_CASES,
    ids=[c[0] for c in SELECTION_CASES],
)
def test_select_key_inspections(name, units, assets, revenue, share, selected, short):
    result = rules.select_key_inspections(units, D(assets), D(revenue), min_share=share)
    assert result.selected == selected
    assert result.short is short
    assert set(result.reasons) == set(selected)
    assert all(result.reasons[uid] for uid in selected)


def test_shares_are_decimal_fractions():
    result = rules.select_key_inspections(
        [unit(1, 50, 30, many_branches=True), unit(2, 50, 30, many_branches=True)], D(1000), D(600)
    )
    assert result.selected == [1, 2]
    assert result.assets_share == D("0.1")
    assert result.revenue_share == D("0.1")


def test_default_share_is_ten_percent():
    result = rules.select_key_inspections([unit(1, 100, 0), unit(2, 100, 0)], D(1000), D(1000))
    assert result.selected == [1]


def test_reasons_are_chinese_and_name_the_flags():
    result = rules.select_key_inspections([unit(1, 5, 5, public_report=True)], D(1000), D(1000))
    assert "群众举报" in result.reasons[1]
    assert "全部选入" in result.reasons[1]


HANDLING_CASES = [
    # (found_by, aggravating, after previous campaign, category, removal_first, internal_accountability)
    ("self", [], False, "lenient", False, False),
    ("internal", [], False, "lenient", False, True),
    ("inspection", [], False, "penalty", False, False),
    ("self", ["fraud"], False, "severe", False, False),
    ("internal", ["retaliation"], False, "severe", False, False),
    ("inspection", ["huge_amount"], False, "severe", False, False),
    ("self", [], True, "severe", True, False),
    ("inspection", ["spending_spree", "destroying_evidence"], True, "severe", True, False),
]
HANDLING_CASES += [("inspection", [code], False, "severe", False, False) for code in rules.AGGRAVATING]


@pytest.mark.parametrize("found_by, aggravating, after, category, removal, internal", HANDLING_CASES)
def test_handling_category(found_by, aggravating, after, category, removal, internal):
    result = rules.handling_category(found_by, aggravating, after)
    assert result.category == category
    assert result.removal_first is removal
    assert result.internal_accountability is internal
    assert result.reason


def test_handling_reasons_in_chinese():
    assert "先予免职" in rules.handling_category("self", [], True).reason
    assert "对内仍要追究" in rules.handling_category("internal", [], False).reason
    assert "销毁证据" in rules.handling_category("self", ["destroying_evidence"], False).reason


def test_handling_refuses_unknown_codes():
    with pytest.raises(ValueError):
        rules.handling_category("rumour", [], False)
    with pytest.raises(ValueError):
        rules.handling_category("self", ["bribery"], False)


@pytest.mark.parametrize(
    "line, ok",
    [
        (rules.FormLine("false_documents", False, 0, D(0), D(0)), True),
        (rules.FormLine("false_documents", True, 2, D("1500.50"), D("1500.50")), True),
        (rules.FormLine("false_documents", True, 1, D("-1"), D(0)), False),
        (rules.FormLine("false_documents", True, 1, D(10), D(11)), False),
        (rules.FormLine("false_documents", False, 0, D(10), D(0)), False),
        (rules.FormLine("false_documents", True, 0, D(10), D(0)), False),
    ],
)
def test_form_line(line, ok):
    assert (rules.check_form_line(line) == []) is ok
