"""Working-day arithmetic: package holidays, 调休 days, administrator overrides, uncovered years."""

import datetime as dt

import chinese_calendar
import pytest

from doudi.core.workdays import (
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

D = dt.date.fromisoformat


def test_package_data_behind_the_examples():
    # Checked against chinesecalendar 1.11 before writing the tests below: 2026-09-20 is a
    # Sunday make-up workday for National Day, 2026-10-01..07 are holidays, 2026-10-10 is a
    # Saturday make-up workday, and the Mid-Autumn holiday is 2026-09-25..27.
    assert D("2026-09-20").weekday() == 6 and chinese_calendar.is_workday(D("2026-09-20"))
    assert not any(chinese_calendar.is_workday(D(f"2026-10-0{d}")) for d in range(1, 8))
    assert D("2026-10-10").weekday() == 5 and chinese_calendar.is_workday(D("2026-10-10"))
    assert not chinese_calendar.is_workday(D("2026-09-25"))


@pytest.mark.parametrize(
    "start, n, end",
    [
        ("2026-09-30", 1, "2026-10-08"),  # over the National Day holiday
        ("2026-09-18", 1, "2026-09-20"),  # Saturday off, Sunday is a make-up workday
        ("2026-10-01", 1, "2026-10-08"),  # starting on a holiday: still the next working day
        ("2026-10-09", 1, "2026-10-10"),  # Saturday make-up workday
        ("2026-10-10", 1, "2026-10-12"),  # ordinary Sunday skipped
        # 15 working days across Mid-Autumn and National Day: 9-28, 9-29, 9-30, 10-08, 10-09,
        # 10-10 (Sat), 10-12..16, 10-19..22. Plain weekday counting would give 2026-10-15.
        ("2026-09-24", 15, "2026-10-22"),
        ("2026-09-30", 0, "2026-09-30"),
        ("2026-10-03", 0, "2026-10-03"),  # n = 0 is the start itself, even on a holiday
        ("2026-10-08", -1, "2026-09-30"),  # backwards over the holiday
    ],
)
def test_add_working_days_with_package_data(start, n, end):
    assert add_working_days(D(start), n, WorkCalendar()) == D(end)
    assert add_working_days(start, n) == D(end)  # default calendar, ISO strings accepted


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-09-18", True),
        ("2026-09-19", False),
        ("2026-09-20", True),
        ("2026-10-01", False),
        ("2026-10-10", True),
        ("2026-10-11", False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(D(day), WorkCalendar()) is working


def test_datetime_is_treated_as_its_date():
    assert add_working_days(dt.datetime(2026, 9, 30, 17, 45), 1) == D("2026-10-08")


# --------------------------------------------------------------------------- overrides


def test_override_corrects_a_known_year():
    calendar = WorkCalendar(overrides={D("2026-10-08"): False, "2026-10-11": True})
    assert add_working_days(D("2026-09-30"), 1, calendar) == D("2026-10-09")
    assert is_working_day(D("2026-10-11"), calendar)
    assert add_working_days(D("2026-10-10"), 1, calendar) == D("2026-10-11")


def test_year_without_data_counts_weekends_only_and_is_flagged():
    calendar = WorkCalendar()
    assert not calendar.is_year_covered(2027)
    assert calendar.is_year_covered(2026)
    # 2027-10-01 is a Friday: without data it counts as a working day.
    assert is_working_day(D("2027-10-01"), calendar)
    assert add_working_days(D("2027-09-30"), 1, calendar) == D("2027-10-01")
    assert add_working_days(D("2027-10-01"), 1, calendar) == D("2027-10-04")  # weekend skipped
    # Across the year boundary: 2027-01-01 (a Friday) counts, and the page is told why.
    assert add_working_days(D("2026-12-31"), 1, calendar) == D("2027-01-01")
    assert calendar.uncovered_years(D("2026-12-31"), D("2027-01-01")) == [2027]


def test_year_entered_by_the_administrator():
    # An administrator's entries for 2027 (dates illustrative, not the official schedule).
    holidays = {D(f"2027-10-0{d}"): False for d in range(1, 8)}
    calendar = WorkCalendar(
        overrides={**holidays, D("2027-09-26"): True, "2027-01-01": False},
        entered_years={2027},
    )
    assert calendar.is_year_covered(2027)
    assert calendar.uncovered_years(D("2026-01-01"), D("2027-12-31")) == []
    assert add_working_days(D("2027-09-30"), 1, calendar) == D("2027-10-08")
    assert add_working_days(D("2027-09-24"), 1, calendar) == D("2027-09-26")  # Sunday make-up day
    assert add_working_days(D("2026-12-31"), 1, calendar) == D("2027-01-04")
    assert working_days_between(D("2027-09-30"), D("2027-10-08"), calendar) == 1


def test_overrides_without_entering_the_year_still_flag_it():
    calendar = WorkCalendar(overrides={D("2027-01-01"): False})
    assert add_working_days(D("2026-12-31"), 1, calendar) == D("2027-01-04")
    assert not calendar.is_year_covered(2027)


@pytest.mark.parametrize(
    "start, end, uncovered",
    [
        ("2026-01-01", "2026-12-31", []),
        ("2026-06-01", "2028-02-01", [2027, 2028]),
        ("2028-02-01", "2026-06-01", [2027, 2028]),  # either order
        (2002, 2005, [2002, 2003]),  # before the package's first year too
    ],
)
def test_uncovered_years(start, end, uncovered):
    start = D(start) if isinstance(start, str) else start
    end = D(end) if isinstance(end, str) else end
    assert WorkCalendar().uncovered_years(start, end) == uncovered


# --------------------------------------------------------------------------- inverse


@pytest.mark.parametrize(
    "start, end, count",
    [
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-30", "2026-10-07", 0),  # holidays only: nothing used yet
        ("2026-09-24", "2026-10-22", 15),
        ("2026-09-30", "2026-09-30", 0),
        ("2026-10-08", "2026-09-30", -1),
    ],
)
def test_working_days_between(start, end, count):
    assert working_days_between(D(start), D(end), WorkCalendar()) == count


CALENDARS = {
    "package": WorkCalendar(),
    "package + 2027 entries": WorkCalendar(
        overrides={D("2027-01-01"): False, D("2027-02-06"): True, D("2027-10-01"): False},
        entered_years={2027},
    ),
}


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@pytest.mark.parametrize("start", ["2026-09-18", "2026-09-30", "2026-10-03", "2026-12-25", "2027-09-30"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 15, 20, 40, -1, -3, -15])
def test_round_trip(calendar, start, n):
    start = D(start)
    end = add_working_days(start, n, calendar)
    assert working_days_between(start, end, calendar) == n
    if n:
        # The n-th working day is itself a working day, and adding the count back lands on it.
        assert calendar.is_working_day(end)
        assert add_working_days(start, working_days_between(start, end, calendar), calendar) == end


def test_broken_overrides_do_not_loop_forever():
    year = {D("2027-01-01") + dt.timedelta(days=i): False for i in range(500)}
    with pytest.raises(ValueError):
        add_working_days(D("2026-12-31"), 1, WorkCalendar(overrides=year))
