"""Table-driven tests of the three rules of ../shared/domain/governance.md (村务监督委员会)."""

import datetime as dt
from decimal import Decimal

import pytest

from doudi.village.rules import (
    check_candidate_list,
    count_election,
    count_motion,
    evaluate,
    evaluation_flagged,
    member_disqualifications,
    motion_passes,
    overdue_before,
    parse_amount,
    period_of,
    voucher_due,
)

AS_OF = dt.date(2026, 6, 15)


def qualified(**over):
    base = {
        "birth_date": dt.date(1980, 1, 1),
        "resident": True,
        "fit_to_serve": True,
        "offices": [],
        "relatives_in_office": [],
        "discipline_unexpired": False,
        "serving_sentence_or_detention": False,
        "cult_or_underground_religion": False,
        "petition_organiser": False,
    }
    base.update(over)
    return base


def codes(candidate):
    return [f.code for f in member_disqualifications(candidate, AS_OF)]


@pytest.mark.parametrize(
    "birth, expected",
    [
        (dt.date(2008, 6, 15), []),  # turns 18 today: in
        (dt.date(2008, 6, 16), ["age"]),  # 18 tomorrow: out
        (dt.date(1960, 6, 16), []),  # 65, turns 66 tomorrow: in
        (dt.date(1960, 6, 15), ["age"]),  # turns 66 today: out
        (dt.date(1961, 6, 15), []),  # turns 65 today: in ("以下" includes 65)
        (None, ["age"]),
    ],
)
def test_age_boundaries(birth, expected):
    assert codes(qualified(birth_date=birth)) == expected


@pytest.mark.parametrize(
    "over, expected",
    [
        ({}, []),
        ({"resident": False}, ["not_resident"]),
        ({"fit_to_serve": False}, ["unfit"]),
        ({"offices": ["party_branch"]}, ["holds_office"]),
        ({"offices": ["village_committee"]}, ["holds_office"]),
        ({"offices": ["secretary"]}, ["holds_office"]),
        ({"offices": ["bookkeeper"]}, ["holds_office"]),
        ({"relatives_in_office": [{"relation": "spouse", "office": "party_branch"}]}, ["close_relative"]),
        (
            {"relatives_in_office": [{"relation": "sibling", "office": "village_committee"}]},
            ["close_relative"],
        ),
        (
            {"relatives_in_office": [{"relation": "maternal_grandchild", "office": "village_committee"}]},
            ["close_relative"],
        ),
        (
            {"relatives_in_office": [{"relation": "grandparent", "office": "party_branch"}]},
            ["close_relative"],
        ),
        # not 近亲属 under Art. 1045: no finding
        ({"relatives_in_office": [{"relation": "spouse_sibling", "office": "party_branch"}]}, []),
        ({"relatives_in_office": [{"relation": "cousin", "office": "village_committee"}]}, []),
        ({"relatives_in_office": [{"relation": "child_spouse", "office": "village_committee"}]}, []),
        # a relative who is the secretary or bookkeeper does not disqualify
        ({"relatives_in_office": [{"relation": "spouse", "office": "bookkeeper"}]}, []),
        ({"relatives_in_office": [{"relation": "child", "office": "secretary"}]}, []),
        ({"discipline_unexpired": True}, ["discipline"]),
        ({"serving_sentence_or_detention": True}, ["sentence"]),
        ({"cult_or_underground_religion": True}, ["cult"]),
        ({"petition_organiser": True}, ["petition"]),
    ],
)
def test_each_condition(over, expected):
    assert codes(qualified(**over)) == expected


def test_all_findings_are_returned_with_chinese_reasons():
    c = qualified(
        birth_date=dt.date(1950, 1, 1),
        resident=False,
        fit_to_serve=False,
        offices=["bookkeeper"],
        relatives_in_office=[{"relation": "parent", "office": "party_branch"}],
        discipline_unexpired=True,
        serving_sentence_or_detention=True,
        cult_or_underground_religion=True,
        petition_organiser=True,
    )
    found = member_disqualifications(c, AS_OF)
    assert [f.code for f in found] == [
        "age",
        "not_resident",
        "unfit",
        "holds_office",
        "close_relative",
        "discipline",
        "sentence",
        "cult",
        "petition",
    ]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.reason) for f in found)


def test_a_distant_relative_is_named_as_not_disqualifying():
    c = qualified(
        relatives_in_office=[
            {"relation": "spouse", "office": "village_committee"},
            {"relation": "spouse_sibling", "office": "party_branch"},
        ]
    )
    (finding,) = member_disqualifications(c, AS_OF)
    assert "配偶" in finding.reason and "不属于近亲属" in finding.reason


@pytest.mark.parametrize(
    "seats, candidates, expected",
    [
        (3, 4, []),
        (3, 6, []),
        (5, 6, []),
        (5, 8, []),
        (3, 3, ["candidates"]),  # no 差额
        (3, 7, ["candidates"]),  # seats + 4
        (5, 9, ["candidates"]),
        (2, 3, ["seats"]),
        (6, 7, ["seats"]),
        (2, 2, ["seats", "candidates"]),
    ],
)
def test_candidate_list(seats, candidates, expected):
    found = check_candidate_list(seats, candidates)
    assert [f.code for f in found] == expected
    assert all(f.reason for f in found)


@pytest.mark.parametrize(
    "seats, total, present, tallies, valid, elected, runoff",
    [
        # exactly two thirds is valid (20 of 30); one fewer is not
        (3, 30, 20, {"甲": 15, "乙": 12, "丙": 9, "丁": 3}, True, ["甲", "乙", "丙"], []),
        (3, 30, 19, {"甲": 15, "乙": 12, "丙": 9, "丁": 3}, False, [], []),
        # 2/3 of 31 is 20.67: 21 present is valid, 20 is not (integer arithmetic)
        (3, 31, 21, {"甲": 15, "乙": 12, "丙": 9, "丁": 3}, True, ["甲", "乙", "丙"], []),
        (3, 31, 20, {"甲": 15, "乙": 12, "丙": 9, "丁": 3}, False, [], []),
        # no majority needed: 5 of 21 votes still wins
        (3, 30, 21, {"甲": 6, "乙": 6, "丙": 5, "丁": 4}, True, ["乙", "甲", "丙"], []),
        # a tie for the last seat: both to 另行选举, those above elected
        (3, 30, 24, {"甲": 20, "乙": 18, "丙": 10, "丁": 10}, True, ["甲", "乙"], ["丙", "丁"]),
        # a tie for the last two seats among three
        (3, 30, 24, {"甲": 20, "乙": 9, "丙": 9, "丁": 9}, True, ["甲"], ["丁", "丙", "乙"]),
        # a tie that does not cross the line: all tied are elected
        (3, 30, 24, {"甲": 20, "乙": 12, "丙": 12, "丁": 3}, True, ["甲", "乙", "丙"], []),
        # five seats
        (
            5,
            30,
            30,
            {"A": 30, "B": 29, "C": 28, "D": 27, "E": 25, "F": 11},
            True,
            ["A", "B", "C", "D", "E"],
            [],
        ),
    ],
)
def test_count_election(seats, total, present, tallies, valid, elected, runoff):
    result = count_election(seats, total, present, tallies)
    assert result.valid is valid
    assert sorted(result.elected) == sorted(elected)
    assert sorted(result.runoff) == sorted(runoff)
    assert result.explanation
    if not valid:
        assert not result.elected and not result.runoff


@pytest.mark.parametrize(
    "seats, total, present, tallies, code",
    [
        (3, 30, 24, {"甲": 25, "乙": 1}, "votes"),  # one candidate above the ballots
        (3, 30, 10, {"甲": 10, "乙": 10, "丙": 10, "丁": 1}, "votes"),  # total above present × seats
        (3, 30, 31, {"甲": 1}, "present"),
        (3, 30, 24, {"甲": -1}, "votes"),
    ],
)
def test_more_votes_than_ballots_elects_nobody(seats, total, present, tallies, code):
    result = count_election(seats, total, present, tallies)
    assert not result.valid and not result.elected
    assert code in [f.code for f in result.findings]
    assert "票" in result.explanation or "代表" in result.explanation


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12.50", Decimal("12.50")),
        ("1,200", Decimal("1200.00")),
        (Decimal("0.01"), Decimal("0.01")),
        ("3元", Decimal("3.00")),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, word", [("-5", "负数"), ("0", "0"), ("1.005", "两位小数"), ("abc", "不是数字"), ("", "金额")]
)
def test_bad_amounts(text, word):
    with pytest.raises(ValueError) as e:
        parse_amount(text)
    assert word in str(e.value)


def test_periods_and_majorities():
    assert period_of(dt.date(2026, 5, 20), "monthly") == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert period_of(dt.date(2026, 12, 2), "quarterly") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert motion_passes(3, 5) and not motion_passes(2, 4) and not motion_passes(0, 0)
    assert evaluation_flagged({"dissatisfied": 6, "satisfied": 5}) and not evaluation_flagged(
        {"dissatisfied": 5, "fairly": 5}
    )


# ---- meetings: a majority of the members present (seed 五 (二) 2) --------------------------------------


@pytest.mark.parametrize(
    "present, yes, no, abstain, passes",
    [
        (3, 2, 1, 0, True),  # 2 of 3
        (4, 2, 2, 0, False),  # exactly half is not a majority
        (4, 3, 0, 1, True),
        (5, 2, 0, 3, False),  # abstentions count as not in favour
        (5, 3, 0, 0, True),  # members present who did not vote do too, but 3 of 5 is a majority
        (1, 1, 0, 0, True),
        (2, 1, 0, 0, False),
    ],
)
def test_a_motion_passes_with_more_than_half_of_those_present(present, yes, no, abstain, passes):
    result = count_motion(present, yes, no, abstain)
    assert result.passes is passes and not result.findings
    assert ("未通过" in result.explanation) is not passes


@pytest.mark.parametrize(
    "present, yes, no, abstain, reason",
    [
        (3, 3, 1, 0, "合计4票，超过了出席会议的成员3人"),  # a vote count larger than those present
        (3, 4, 0, 0, "超过了出席会议的成员3人"),
        (3, -1, 0, 0, "同意票数不能为负数"),
        (0, 0, 0, 0, "出席会议的成员人数必须大于0"),
    ],
)
def test_a_vote_beyond_those_present_passes_nothing(present, yes, no, abstain, reason):
    result = count_motion(present, yes, no, abstain)
    assert not result.passes and reason in result.explanation
    assert {f.code for f in result.findings} <= {"votes", "present"}


# ---- democratic evaluation: more than half 不满意 is flagged (seed 五 (二) 4) -----------------------------


@pytest.mark.parametrize(
    "counts, flagged",
    [
        ({"satisfied": 10, "fairly": 4, "dissatisfied": 15}, True),  # 15 of 29
        ({"satisfied": 10, "fairly": 5, "dissatisfied": 15}, False),  # 15 of 30: half, not more
        ({"satisfied": 0, "fairly": 0, "dissatisfied": 1}, True),
        ({"satisfied": 0, "fairly": 0, "dissatisfied": 0}, False),  # nobody rated
    ],
)
def test_evaluation_results(counts, flagged):
    results, findings = evaluate(30, 30, {"村主任": counts})
    assert not findings and results[0].flagged is flagged
    assert results[0].total == sum(counts.values())
    assert ("报乡（镇）党委" in results[0].explanation) is flagged


@pytest.mark.parametrize(
    "total, participants, counts, reason",
    [
        (
            30,
            25,
            {"satisfied": 20, "fairly": 5, "dissatisfied": 1},
            "共26票",
        ),  # a tally exceeding those who rated
        (30, 31, {"satisfied": 1}, "不能超过村民代表总数30人"),
        (30, 25, {"satisfied": -1}, "不能为负数"),
        (0, 0, {}, "村民代表总数必须大于0"),
    ],
)
def test_an_evaluation_tally_beyond_the_participants_gives_no_results(total, participants, counts, reason):
    results, findings = evaluate(total, participants, {"村主任": counts})
    assert results == [] and any(reason in f.reason for f in findings)


def test_a_tally_equal_to_the_participants_is_accepted():
    results, findings = evaluate(30, 25, {"甲": {"satisfied": 20, "fairly": 4, "dissatisfied": 1}})
    assert not findings and results[0].total == 25


# ---- review periods: monthly or quarterly, due by the 10th of the next month -----------------------------


@pytest.mark.parametrize(
    "spent_on, cycle, due",
    [
        (dt.date(2026, 1, 15), "monthly", dt.date(2026, 2, 10)),
        (dt.date(2026, 1, 15), "quarterly", dt.date(2026, 4, 10)),
        (dt.date(2026, 12, 31), "monthly", dt.date(2027, 1, 10)),
        (dt.date(2026, 11, 1), "quarterly", dt.date(2027, 1, 10)),
    ],
)
def test_voucher_due(spent_on, cycle, due):
    assert voucher_due(spent_on, cycle) == due


@pytest.mark.parametrize(
    "today, cycle, bound",
    [
        (dt.date(2026, 3, 10), "monthly", dt.date(2026, 2, 1)),  # February's review is due today: in time
        (dt.date(2026, 3, 11), "monthly", dt.date(2026, 3, 1)),
        (dt.date(2026, 4, 10), "quarterly", dt.date(2026, 1, 1)),
        (dt.date(2026, 4, 11), "quarterly", dt.date(2026, 4, 1)),
        (dt.date(2026, 2, 20), "quarterly", dt.date(2026, 1, 1)),
        (dt.date(2027, 1, 5), "quarterly", dt.date(2026, 10, 1)),
    ],
)
def test_overdue_before(today, cycle, bound):
    assert overdue_before(today, cycle) == bound
