"""The pure rules of pilot plans (programmes/rules.py), without a database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from doudi.programmes import rules


def add_days(d, n):  # calendar days stand in for working days here; core.workdays is tested apart
    return d + timedelta(days=n)


def test_status_follows_start_deadline_and_completion():
    kw = dict(start=date(2026, 3, 1), deadline=date(2026, 4, 30), completed_on=None, reported=False)
    assert rules.task_status(**kw, today=date(2026, 2, 1)) == rules.NOT_STARTED
    assert rules.task_status(**{**kw, "reported": True}, today=date(2026, 2, 1)) == rules.IN_PROGRESS
    assert rules.task_status(**kw, today=date(2026, 3, 1)) == rules.IN_PROGRESS
    assert rules.task_status(**kw, today=date(2026, 4, 30)) == rules.IN_PROGRESS
    assert rules.task_status(**kw, today=date(2026, 5, 1)) == rules.OVERDUE
    assert rules.task_status(**{**kw, "completed_on": date(2026, 5, 3)}, today=date(2026, 6, 1)) == rules.DONE


def test_warning_near_passed_then_escalated_to_lead_and_county():
    kw = dict(deadline=date(2026, 4, 30), done=False, near_days=5, escalate_days=3, add_working_days=add_days)
    assert rules.warning_level(**kw, today=date(2026, 4, 24)) == rules.NO_WARNING
    assert rules.warning_level(**kw, today=date(2026, 4, 25)) == rules.NEAR
    assert rules.warning_level(**kw, today=date(2026, 4, 30)) == rules.NEAR
    assert rules.warning_level(**kw, today=date(2026, 5, 1)) == rules.PASSED
    assert rules.warning_level(**kw, today=date(2026, 5, 3)) == rules.LEAD
    assert rules.warning_level(**kw, today=date(2026, 5, 6)) == rules.COUNTY
    assert rules.warning_level(**{**kw, "done": True}, today=date(2026, 5, 6)) == rules.NO_WARNING


def test_trajectory_flags_a_value_behind_the_linear_path():
    kw = dict(baseline=Decimal(0), target=Decimal(30), start=date(2026, 1, 1), by=date(2026, 12, 31))
    mid = rules.trajectory(**kw, on=date(2026, 7, 2), actual=Decimal(10))
    assert mid.expected == Decimal("15.00") and mid.behind and mid.share == Decimal("0.3333")
    assert not rules.trajectory(**kw, on=date(2026, 7, 2), actual=Decimal(16)).behind
    none = rules.trajectory(**kw, on=date(2026, 7, 2), actual=None)
    assert none.expected == Decimal("15.00") and not none.behind
    # a falling target (vacancy rate from 40 % down to 30 %) is behind when above the path
    down = rules.trajectory(
        baseline=Decimal(40),
        target=Decimal(30),
        start=date(2026, 1, 1),
        by=date(2026, 12, 31),
        on=date(2026, 12, 31),
        actual=Decimal(33),
    )
    assert down.behind


def test_funding_split_of_plan_7_and_plan_8():
    assert rules.funding_split(Decimal(10000), [Decimal(2), Decimal(2), Decimal(1)]) == [
        Decimal("4000.00"),
        Decimal("4000.00"),
        Decimal("2000.00"),
    ]
    assert rules.funding_split(Decimal(10000), rules.parse_ratio("4：4：2")) == [
        Decimal("4000.00"),
        Decimal("4000.00"),
        Decimal("2000.00"),
    ]
    parts = rules.funding_split(Decimal(100), [Decimal(1), Decimal(1), Decimal(1)])
    assert parts == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")] and sum(parts) == 100
    with pytest.raises(ValueError):
        rules.parse_ratio("4")


def test_monthly_reports_are_due_on_the_5th_of_the_next_month():
    due = rules.due_reports(frequency=rules.MONTHLY, day=5, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert len(due) == 12
    assert due[0] == rules.Due("2026-01", date(2026, 2, 5))
    assert due[-1] == rules.Due("2026-12", date(2027, 1, 5))
    q = rules.due_reports(frequency=rules.QUARTERLY, day=10, start=date(2026, 2, 1), end=date(2026, 12, 31))
    assert [d.period for d in q] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] and q[0].due == date(
        2026, 4, 10
    )
    b = rules.due_reports(frequency=rules.BIMONTHLY, day=31, start=date(2026, 1, 1), end=date(2026, 4, 30))
    assert [(d.period, d.due) for d in b] == [
        ("2026-01~02", date(2026, 3, 31)),
        ("2026-03~04", date(2026, 5, 31)),
    ]
    ends = rules.due_reports(
        frequency=rules.PHASE_END,
        day=5,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        phase_ends=[("谋划准备阶段", date(2026, 3, 31))],
    )
    assert ends == [rules.Due("谋划准备阶段", date(2026, 3, 31))]
