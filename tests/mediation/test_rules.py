"""The mediation rules, table-driven (seed document 3, 三 (三) 5; docs/mediation.md)."""

import datetime as dt
from decimal import Decimal

import pytest

from doudi.mediation import rules as r

M = r.MemberFacts


def members(chairs=1, plain=0, part=0, full=0):
    out = [M(r.CHAIR) for _ in range(chairs)]
    out += [M(r.MEMBER) for _ in range(plain)]
    out += [M(r.MEMBER, r.PART_TIME) for _ in range(part)]
    out += [M(r.MEMBER, r.FULL_TIME) for _ in range(full)]
    return out


@pytest.mark.parametrize(
    ("level", "given", "expected"),
    [
        (r.VILLAGE, None, [r.MISSING]),
        (r.VILLAGE, [], [r.TOO_FEW, r.NO_PART_TIME]),
        (r.VILLAGE, members(part=1), [r.TOO_FEW]),  # 2 members
        (r.VILLAGE, members(plain=1, part=1), []),  # 3, one part-time: the floor
        (r.VILLAGE, members(plain=2), [r.NO_PART_TIME]),  # 3 without a mediator
        (r.VILLAGE, members(plain=3, part=1), []),  # 5: the ceiling
        (r.VILLAGE, members(plain=4, part=1), [r.TOO_MANY]),  # 6
        (r.VILLAGE, members(plain=2, full=1), []),  # a full-time mediator does more than asked
        (r.VILLAGE, members(chairs=0, plain=2, part=1), [r.NO_CHAIR]),
        (r.VILLAGE, members(chairs=2, plain=0, part=1), [r.SEVERAL_CHAIRS]),
        (r.TOWNSHIP, None, [r.MISSING]),
        (r.TOWNSHIP, members(plain=2, full=1), [r.TOO_FEW]),  # 4 members
        (r.TOWNSHIP, members(plain=3, full=1), []),  # 5 with a full-time: the floor
        (r.TOWNSHIP, members(plain=4, part=3), [r.NO_FULL_TIME]),  # part-time ones do not replace it
        (r.TOWNSHIP, members(plain=12, full=1), []),  # no ceiling: "5人以上"
        (r.TOWNSHIP, members(chairs=0, plain=2), [r.TOO_FEW, r.NO_FULL_TIME, r.NO_CHAIR]),
    ],
)
def test_committee_findings(level, given, expected):
    assert r.committee_findings(level, given) == expected


D = r.Deadlines(village_days=15, township_days=30, county_days=20)
DAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("tier", "today", "expected"),
    [
        (r.T_VILLAGE, DAY + dt.timedelta(days=14), None),
        (r.T_VILLAGE, DAY + dt.timedelta(days=15), None),  # the 15th day is still the village's
        (r.T_VILLAGE, DAY + dt.timedelta(days=16), r.T_TOWNSHIP),
        (r.T_TOWNSHIP, DAY + dt.timedelta(days=90), None),  # never moved up by itself (矛盾不上交)
        (r.T_COUNTY, DAY + dt.timedelta(days=90), None),
        (r.T_JUDICIAL, DAY + dt.timedelta(days=900), None),
    ],
)
def test_automatic_escalation(tier, today, expected):
    assert r.automatic_escalation(tier, DAY, today, D) == expected


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (r.T_VILLAGE, dt.date(2026, 3, 16)),
        (r.T_TOWNSHIP, dt.date(2026, 3, 31)),
        (r.T_COUNTY, dt.date(2026, 3, 21)),
        (r.T_ADMINISTRATIVE, None),
        (r.T_ARBITRATION, None),
    ],
)
def test_deadline_per_tier(tier, expected):
    assert r.deadline(tier, DAY, D) == expected
    if expected:
        assert not r.is_overdue(tier, DAY, expected, D)
        assert r.is_overdue(tier, DAY, expected + dt.timedelta(days=1), D)


@pytest.mark.parametrize(
    ("start", "target", "level", "ok"),
    [
        (r.T_VILLAGE, r.T_TOWNSHIP, 5, True),  # the village hands it up
        (r.T_VILLAGE, r.T_COUNTY, 4, False),  # one step at a time
        (r.T_VILLAGE, r.T_JUDICIAL, 3, False),
        (r.T_TOWNSHIP, r.T_COUNTY, 4, True),
        (r.T_TOWNSHIP, r.T_JUDICIAL, 4, True),
        (r.T_TOWNSHIP, r.T_ARBITRATION, 3, True),
        (r.T_TOWNSHIP, r.T_ADMINISTRATIVE, 5, False),  # a village cannot move the township's case
        (r.T_TOWNSHIP, r.T_VILLAGE, 4, False),  # never down
        (r.T_COUNTY, r.T_ADMINISTRATIVE, 3, True),
        (r.T_COUNTY, r.T_COUNTY, 3, False),
        (r.T_JUDICIAL, r.T_ARBITRATION, 3, False),  # a channel is the end of the line
        (r.T_VILLAGE, "nowhere", 3, False),
    ],
)
def test_check_escalation(start, target, level, ok):
    if ok:
        r.check_escalation(start, target, level)
    else:
        with pytest.raises(r.EscalationRefused):
            r.check_escalation(start, target, level)


@pytest.mark.parametrize(
    ("tier", "level", "ok"),
    [
        (r.T_VILLAGE, 5, True),
        (r.T_VILLAGE, 4, True),
        (r.T_TOWNSHIP, 5, False),
        (r.T_TOWNSHIP, 4, True),
        (r.T_COUNTY, 4, False),
        (r.T_JUDICIAL, 3, True),
    ],
)
def test_may_handle(tier, level, ok):
    assert r.may_handle(tier, level) is ok


F = r.DisputeFacts


@pytest.mark.parametrize(
    ("facts", "village", "township"),
    [
        ([], None, None),
        ([F("settled", r.T_VILLAGE)], Decimal("100.0"), Decimal("100.0")),
        ([F("settled", r.T_VILLAGE), F("settled", r.T_TOWNSHIP)], Decimal("50.0"), Decimal("100.0")),
        # an open dispute is not settled in the village (yet): it counts in the denominator
        ([F("settled", r.T_VILLAGE), F("open")], Decimal("50.0"), Decimal("50.0")),
        (
            [F("settled", r.T_VILLAGE), F("settled", r.T_COUNTY), F("settled", r.T_JUDICIAL)],
            Decimal("33.3"),
            Decimal("33.3"),
        ),
        ([F("not_settled"), F("withdrawn"), F("settled", r.T_TOWNSHIP)], Decimal("0.0"), Decimal("33.3")),
        ([F("settled", r.T_VILLAGE)] * 2 + [F("open")], Decimal("66.7"), Decimal("66.7")),
    ],
)
def test_shares(facts, village, township):
    s = r.shares(facts)
    assert (s.village_share, s.township_share) == (village, township)
    assert s.total == len(facts)
