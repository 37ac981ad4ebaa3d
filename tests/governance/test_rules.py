"""Table-driven tests of governance.rules, written against domain/governance.md ("Scores")."""

import datetime as dt
from decimal import Decimal as D

import pytest

from doudi.governance import rules as r

LINES = {"red": 60, "yellow": 70, "blue": 80}


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (0, "red"),
        (59, "red"),
        (59.99, "red"),
        (D("59.999"), "red"),
        (60, "yellow"),  # not below the red line
        (69, "yellow"),
        (70, "blue"),
        (79.5, "blue"),
        (80, None),  # above every line ("else None")
        (100, None),
        (-5, "red"),
    ],
)
def test_warning_colour(score, colour):
    assert r.warning_colour(score, LINES) == colour


@pytest.mark.parametrize(
    "lines",
    [
        {"red": 70, "yellow": 60, "blue": 80},  # unordered
        {"red": 60, "yellow": 60, "blue": 80},  # equal lines overlap
        {"red": 60, "yellow": 90, "blue": 80},
        {"red": 60, "yellow": 70},  # missing
        {"red": 60, "yellow": 70, "blue": 80, "green": 90},  # unknown
        {"red": "x", "yellow": 70, "blue": 80},
    ],
)
def test_overlapping_or_unordered_lines_are_refused(lines):
    with pytest.raises(r.RuleError) as exc:
        r.warning_colour(50, lines)
    assert "预警线" in str(exc.value)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "A"), (90, "A"), (89.99, "B"), (D("75"), "B"), (74, "C"), (0, "C"), (-10, "C")],
)
def test_abc_grade(score, grade):
    assert r.abc_grade(score, {"A": 90, "B": 75}) == grade


@pytest.mark.parametrize(
    "thresholds", [{"A": 75, "B": 75}, {"A": 70, "B": 75}, {"A": 90}, {"A": 90, "B": "?"}]
)
def test_abc_thresholds_are_checked(thresholds):
    with pytest.raises(r.RuleError):
        r.abc_grade(80, thresholds)


PAY = {"A": "2000", "B": D("1600"), "C": 1200}


@pytest.mark.parametrize(("grade", "amount"), [("A", D("2000.00")), ("B", D("1600.00")), ("C", D("1200.00"))])
def test_grade_pay(grade, amount):
    assert r.grade_pay(grade, PAY) == amount


def test_grade_pay_refuses_unknown_grade():
    with pytest.raises(r.RuleError):
        r.grade_pay("D", PAY)


ORG = r.SchemeRule(
    dimensions={"system": D(30), "bastion": D(40), "review": None, "veto": None},
    items={
        "meeting": r.ItemRule("meeting", "system"),
        "project": r.ItemRule("project", "bastion"),
        "praise": r.ItemRule("praise", "review"),
        "corruption": r.ItemRule("corruption", "veto", veto=True),
    },
    weights={"peer": D("0.5"), "public": D("0.5")},
)


def E(i, item, points, source="township", corrects=None):  # noqa: N802
    return r.EntryIn(i, item, D(str(points)), source, corrects)


@pytest.mark.parametrize(
    ("entries", "total", "dims", "vetoed", "reasons"),
    [
        ([], D(0), {"system": 0, "bastion": 0, "review": 0, "veto": 0}, False, ()),
        ([E(1, "meeting", 10), E(2, "meeting", 5)], D(15), {"system": 15}, False, ()),
        # the cap bounds the dimension: 25 + 10 = 35 → 30
        (
            [E(1, "meeting", 25), E(2, "meeting", 10), E(3, "project", 5)],
            D(35),
            {"system": 30},
            False,
            ("cap:system",),
        ),
        # deductions inside a dimension are summed before the cap
        ([E(1, "meeting", 35), E(2, "meeting", -10)], D(25), {"system": 25}, False, ()),
        # a negative dimension is not lifted
        ([E(1, "project", -5)], D(-5), {"bastion": -5}, False, ()),
        # 四方督评: peer and public points count half; township fully
        (
            [E(1, "praise", 10, "peer"), E(2, "praise", 10, "public"), E(3, "praise", 4)],
            D(14),
            {"review": 14},
            False,
            (),
        ),
        # a veto item sets the total to the floor, whatever was earned
        ([E(1, "meeting", 30), E(2, "corruption", 0)], D(0), {"system": 30}, True, ("veto:corruption",)),
        # a correction replaces the entry it corrects (a withdrawn veto no longer counts)
        (
            [E(1, "meeting", 30), E(2, "corruption", 0), E(3, "corruption", 0, corrects=2)],
            D(0),
            {"system": 30},
            True,
            ("corrected:2", "veto:corruption"),
        ),
        ([E(1, "meeting", 20), E(2, "meeting", 5, corrects=1)], D(5), {"system": 5}, False, ("corrected:1",)),
        # a correction of a correction: only the last counts
        (
            [E(1, "meeting", 20), E(2, "meeting", 5, corrects=1), E(3, "meeting", 8, corrects=2)],
            D(8),
            {"system": 8},
            False,
            ("corrected:1", "corrected:2"),
        ),
    ],
)
def test_period_score(entries, total, dims, vetoed, reasons):
    score = r.period_score(entries, ORG)
    assert score.total == total
    assert score.vetoed is vetoed
    for k, v in dims.items():
        assert score.by_dimension()[k] == D(v)
    assert score.reasons == reasons


def test_veto_withdrawn_by_correction_to_a_non_veto_item():
    score = r.period_score([E(1, "meeting", 30), E(2, "corruption", 0), E(3, "meeting", 0, corrects=2)], ORG)
    assert not score.vetoed and score.total == D(30)


def test_veto_floor_is_the_schemes():
    scheme = r.SchemeRule(ORG.dimensions, ORG.items, floor=D(-20))
    assert r.period_score([E(1, "meeting", 30), E(2, "corruption", 0)], scheme).total == D(-20)


def test_unknown_item_is_an_error():
    with pytest.raises(r.RuleError):
        r.period_score([E(1, "nope", 3)], ORG)


def test_rank_ties_share_the_better_rank():
    ranked = r.rank({1: 10, 2: 30, 3: 30, 4: 5})
    assert [(x.subject, x.rank) for x in ranked] == [(2, 1), (3, 1), (1, 3), (4, 4)]


@pytest.mark.parametrize(
    ("totals", "black_items", "rule", "expected"),
    [
        ({1: 10, 2: 20, 3: 30, 4: 5}, [], r.ListRule(red_top=2), {("red", 3), ("red", 2)}),
        # ties for the last red place all go on
        ({1: 20, 2: 20, 3: 30}, [], r.ListRule(red_top=2), {("red", 3), ("red", 1), ("red", 2)}),
        # a black-list item keeps one off the red list
        ({1: 10, 2: 20, 3: 30}, [3], r.ListRule(red_top=1), {("red", 2), ("black", 3)}),
        ({1: 10, 2: 20, 3: 30, 4: -5}, [], r.ListRule(red_top=1, black_bottom=1), {("red", 3), ("black", 4)}),
        # items ignored when the scheme says so
        ({1: 10, 2: 20}, [1], r.ListRule(red_top=1, black_items=False), {("red", 2)}),
        # nobody with zero points is put on the red list
        ({1: 0}, [], r.ListRule(red_top=3), set()),
    ],
)
def test_honour_lists(totals, black_items, rule, expected):
    assert {(e.board, e.subject) for e in r.honour_lists(totals, black_items, rule)} == expected


@pytest.mark.parametrize(
    ("balance", "price", "qty", "after"),
    [(D(100), D(30), 3, D(10)), (D(90), D(30), 3, D(0)), (D(0), D(0), 1, D(0))],
)
def test_balance_after(balance, price, qty, after):
    assert r.balance_after(balance, price, qty) == after


@pytest.mark.parametrize(("balance", "price", "qty"), [(D(89), D(30), 3), (D(10), D(1), 0), (D(-1), D(0), 1)])
def test_balance_never_negative(balance, price, qty):
    with pytest.raises(r.RuleError):
        r.balance_after(balance, price, qty)


@pytest.mark.parametrize(
    ("kind", "year", "index", "bounds"),
    [
        ("quarter", 2026, 1, (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
        ("quarter", 2026, 4, (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        ("month", 2028, 2, (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        ("year", 2026, 1, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ],
)
def test_period_bounds(kind, year, index, bounds):
    assert r.period_bounds(kind, year, index) == bounds


def test_weights_are_checked():
    assert r.check_weights({"peer": "0.5"}) == {"peer": D("0.5")}
    for bad in ({"mayor": 1}, {"peer": 2}, {"peer": "x"}):
        with pytest.raises(r.RuleError):
            r.check_weights(bad)


PCT = {"mode": "percentile", "red": 10, "yellow": 30, "blue": 50}


@pytest.mark.parametrize(
    ("rank", "count", "colour"),
    [
        (10, 10, "red"),  # the lowest of ten: 10 % from the bottom
        (9, 10, "yellow"),  # 20 %
        (8, 10, "yellow"),  # 30 %
        (7, 10, "blue"),  # 40 %
        (6, 10, "blue"),  # 50 %
        (5, 10, None),  # 60 %
        (1, 10, None),
        (1, 1, None),  # alone, or all tied at rank 1: 100 %, nobody singled out
        (3, 3, "blue"),  # 33.3 %
    ],
)
def test_rank_colour(rank, count, colour):
    assert r.rank_colour(rank, count, PCT) == colour


@pytest.mark.parametrize(
    "lines",
    [
        {"mode": "percentile", "red": 0, "yellow": 30, "blue": 50},
        {"mode": "percentile", "red": 10, "yellow": 30, "blue": 120},
        {"mode": "percentile", "red": 30, "yellow": 30, "blue": 50},
        {"mode": "median", "red": 1, "yellow": 2, "blue": 3},
    ],
)
def test_percentile_lines_are_checked(lines):
    with pytest.raises(r.RuleError):
        r.rank_colour(1, 10, lines)


def test_score_colour_refuses_lines_by_rank():
    with pytest.raises(r.RuleError):
        r.warning_colour(50, PCT)


# ---- the weekly ABC summary -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "weeks"),
    [
        # March 2026 starts on a Sunday: its first week has one day in March, its last two
        (
            2026,
            3,
            [
                ("2026-W09", "2026-03-01", "2026-03-01"),
                ("2026-W10", "2026-03-02", "2026-03-08"),
                ("2026-W11", "2026-03-09", "2026-03-15"),
                ("2026-W12", "2026-03-16", "2026-03-22"),
                ("2026-W13", "2026-03-23", "2026-03-29"),
                ("2026-W14", "2026-03-30", "2026-03-31"),
            ],
        ),
        # February 2021: Monday the 1st to Sunday the 28th, exactly four weeks
        (
            2021,
            2,
            [
                ("2021-W05", "2021-02-01", "2021-02-07"),
                ("2021-W06", "2021-02-08", "2021-02-14"),
                ("2021-W07", "2021-02-15", "2021-02-21"),
                ("2021-W08", "2021-02-22", "2021-02-28"),
            ],
        ),
        # 1 January 2027 is in the last ISO week of 2026 (week 53)
        (
            2027,
            1,
            [
                ("2026-W53", "2027-01-01", "2027-01-03"),
                ("2027-W01", "2027-01-04", "2027-01-10"),
                ("2027-W02", "2027-01-11", "2027-01-17"),
                ("2027-W03", "2027-01-18", "2027-01-24"),
                ("2027-W04", "2027-01-25", "2027-01-31"),
            ],
        ),
        # 30 December 2024 starts week 1 of 2025
        (
            2024,
            12,
            [
                ("2024-W48", "2024-12-01", "2024-12-01"),
                ("2024-W49", "2024-12-02", "2024-12-08"),
                ("2024-W50", "2024-12-09", "2024-12-15"),
                ("2024-W51", "2024-12-16", "2024-12-22"),
                ("2024-W52", "2024-12-23", "2024-12-29"),
                ("2025-W01", "2024-12-30", "2024-12-31"),
            ],
        ),
    ],
)
def test_month_weeks(year, month, weeks):
    got = r.month_weeks(year, month)
    assert [(w.label, w.start.isoformat(), w.end.isoformat()) for w in got] == weeks
    for w in got:
        assert w.monday.weekday() == 0 and w.sunday - w.monday == dt.timedelta(days=6)
        assert w.monday <= w.start <= w.end <= w.sunday


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (dt.date(2026, 3, 1), (2026, 9)),  # a Sunday ends its week
        (dt.date(2026, 3, 2), (2026, 10)),  # a Monday starts one
        (dt.date(2027, 1, 1), (2026, 53)),
        (dt.date(2024, 12, 31), (2025, 1)),
    ],
)
def test_week_of(day, week):
    assert r.week_of(day) == week


@pytest.mark.parametrize(
    ("text", "month"), [("2026-03", (2026, 3)), ("2026-3", (2026, 3)), (" 2026-12 ", (2026, 12))]
)
def test_month_of(text, month):
    assert r.month_of(text) == month


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-13", "2026-00", "1999-05", "2101-01", "26-03", "x-y", "2026-03-01"]
)
def test_month_of_refuses_malformed_months(text):
    with pytest.raises(r.RuleError, match="月份"):
        r.month_of(text)


ABC = r.SchemeRule(
    dimensions={"weekly": D(100), "monthly": D(10)},
    items={
        "base": r.ItemRule("base", "weekly"),
        "good": r.ItemRule("good", "weekly"),
        "litter": r.ItemRule("litter", "weekly"),
        "praise": r.ItemRule("praise", "monthly"),
        "fired": r.ItemRule("fired", "weekly", veto=True),
    },
    weights={"village": D("0.5")},
)
MARCH = r.month_weeks(2026, 3)  # W09 (1st) … W14 (30th–31st)


def _e(id_, day, item, points, source="township", corrects=None):
    return (dt.date(2026, 3, day), r.EntryIn(id_, item, D(points), source, corrects))


@pytest.mark.parametrize(
    ("entries", "weeks", "total", "counted"),
    [
        # the base on the 1st (a Sunday: week 9), a deduction in week 11, a bonus on the 31st (week 14)
        (
            [_e(1, 1, "base", 80), _e(2, 10, "litter", -5), _e(3, 31, "good", 5)],
            [80, 0, -5, 0, 0, 5],
            80,
            [[1], [], [2], [], [], [3]],
        ),
        # a village's award weighs 0.5 in its week as in the total
        (
            [_e(1, 2, "base", 80), _e(2, 3, "good", 5, "village")],
            [0, D("82.5"), 0, 0, 0, 0],
            D("82.5"),
            [[], [1, 2], [], [], [], []],
        ),
        # the cap is per period (the month): the weeks show what was earned, the total is capped
        (
            [_e(1, 2, "base", 80), *(_e(10 + w, 2 + 7 * w, "good", 5) for w in range(5))],
            [0, 85, 5, 5, 5, 5],
            100,
            [[], [1, 10], [11], [12], [13], [14]],
        ),
        # a correction replaces an entry in its week (0 withdraws it)
        (
            [_e(1, 2, "base", 80), _e(2, 10, "litter", -5), _e(3, 10, "litter", 0, corrects=2)],
            [0, 80, 0, 0, 0, 0],
            80,
            [[], [1], [3], [], [], []],
        ),
        # a veto sets the month's total to the floor; the weeks still show the points
        ([_e(1, 2, "base", 80), _e(2, 17, "fired", 0)], [0, 80, 0, 0, 0, 0], 0, [[], [1], [], [2], [], []]),
        # entries outside the month's weeks count nowhere
        (
            [
                (dt.date(2026, 2, 28), r.EntryIn(1, "good", D(5))),
                (dt.date(2026, 4, 1), r.EntryIn(2, "good", D(5))),
                _e(3, 5, "praise", 5),
            ],
            [0, 5, 0, 0, 0, 0],
            5,
            [[], [3], [], [], [], []],
        ),
    ],
)
def test_weekly_score(entries, weeks, total, counted):
    got = r.weekly_score(entries, ABC, MARCH)
    assert list(got.weeks) == [D(w) for w in weeks]
    assert got.score.total == D(total)
    assert [list(x) for x in got.entries] == counted
    # the total is period_score of the month's entries
    inside = [e for on, e in entries if dt.date(2026, 3, 1) <= on <= dt.date(2026, 3, 31)]
    assert got.score.total == r.period_score(inside, ABC).total
