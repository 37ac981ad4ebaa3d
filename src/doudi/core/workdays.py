"""Working-day arithmetic for procedural time limits.

The 特困人员 procedure counts its limits in working days (民发〔2021〕43号: 乡镇 初审 and 县级 确认
"within 15 working days", a refusal "within 3 working days"; 民发〔2016〕178号 used 20). Working
days skip weekends and official holidays and count official make-up workdays (调休), as the State
Council publishes them each year under 《全国年节及纪念日放假办法》.

Counting rule (domain notes, "Procedure"): "within n working days of date D" ends on the n-th
working day *after* D; D itself is never counted, whether or not it is a working day.

The holiday data comes from the `chinesecalendar` package (import name `chinese_calendar`), which
only knows the years up to its release. An administrator's overrides extend or correct it. For a
year nobody has data for we do not fail: we count weekends only (plus any overrides) and report the
year as uncovered so the page can warn that the deadline may be early.

Pure module: no Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "WorkCalendar",
    "add_working_days",
    "is_working_day",
    "package_covers_year",
    "working_days_between",
]

# A run of this many consecutive non-working days can only come from broken override data
# (e.g. every day of a year marked as a holiday); stop instead of looping forever.
_MAX_NON_WORKING_RUN = 400


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date or an ISO date string, got {type(value).__name__}")


@cache
def package_covers_year(year: int) -> bool:
    """Whether the installed `chinesecalendar` has the official holiday schedule for `year`.

    Implements the data source for 《全国年节及纪念日放假办法》 and the State Council's yearly
    部分节假日安排 notices; the package raises NotImplementedError for years it does not know.
    """
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    """The package's holiday data combined with an administrator's entries.

    `overrides` maps a date (or ISO string) to True (a working day, e.g. a 调休 Saturday) or
    False (a holiday). An override always wins over the package, so it can both correct a
    known year and extend the data into a year the package does not know yet.
    `entered_years` are years the administrator has entered completely; they count as covered
    even when the package does not know them. Overrides in a year not listed there are used
    but do not make the year covered.
    """

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        normalised = {_as_date(day): bool(flag) for day, flag in dict(self.overrides).items()}
        object.__setattr__(self, "overrides", MappingProxyType(normalised))
        object.__setattr__(self, "entered_years", frozenset(int(y) for y in self.entered_years))

    def is_working_day(self, day: dt.date | str) -> bool:
        """Whether `day` is a working day (《全国年节及纪念日放假办法》 plus the yearly 调休 notice).

        Order: administrator override, then the package's data, then (for a year without
        data) Monday–Friday.
        """
        day = _as_date(day)
        if day in self.overrides:
            return self.overrides[day]
        if package_covers_year(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def is_year_covered(self, year: int) -> bool:
        """Whether holidays for `year` are known (package or a fully entered year).

        An uncovered year is counted by weekends only, so a deadline computed in it may fall
        earlier than the official schedule (民发〔2021〕43号 working-day limits) would put it.
        """
        return int(year) in self.entered_years or package_covers_year(int(year))

    def uncovered_years(self, start: dt.date | str | int, end: dt.date | str | int) -> list[int]:
        """The years between `start` and `end` (inclusive, either order) without holiday data.

        Accepts dates, ISO strings or plain years. Used to warn that a deadline computed for
        the working-day limits of 民发〔2021〕43号 relies on weekends only.
        """
        first, last = sorted((_year_of(start), _year_of(end)))
        return [year for year in range(first, last + 1) if not self.is_year_covered(year)]


def _year_of(value: dt.date | str | int) -> int:
    if isinstance(value, int):
        return value
    return _as_date(value).year


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else WorkCalendar()


def is_working_day(day: dt.date | str, calendar: WorkCalendar | None = None) -> bool:
    """Whether `day` is a working day (weekends and official holidays off, 调休 days on).

    Implements the working-day notion behind the time limits of 民发〔2021〕43号 (and the
    20-day limits of 民发〔2016〕178号). Without a calendar only the package's data is used.
    """
    return _calendar(calendar).is_working_day(day)


def add_working_days(start: dt.date | str, n: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The n-th working day after `start`: the last day of "within n working days of start".

    Implements the counting of 民发〔2021〕43号 time limits (e.g. 初审 within 15 working days):
    `start` itself is not counted, day 1 is the next working day. n = 0 returns `start`
    unchanged; a negative n counts backwards (the |n|-th working day before `start`).
    """
    calendar = _calendar(calendar)
    day = _as_date(start)
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    idle = 0
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
            idle = 0
        else:
            idle += 1
            if idle > _MAX_NON_WORKING_RUN:
                raise ValueError(f"no working day within {_MAX_NON_WORKING_RUN} days of {day}")
    return day


def working_days_between(
    start: dt.date | str, end: dt.date | str, calendar: WorkCalendar | None = None
) -> int:
    """Working days after `start` up to and including `end` (the inverse of add_working_days).

    Implements the same counting rule for 民发〔2021〕43号 time limits: "how many working days of
    the limit have been used by `end`". If `end` is before `start` the result is negative: minus
    the working days from `end` (included) up to `start` (excluded), so that
    working_days_between(s, add_working_days(s, n)) == n for every n.
    """
    calendar = _calendar(calendar)
    first, last = _as_date(start), _as_date(end)
    if last >= first:
        return _count(calendar, _days(first + dt.timedelta(days=1), last))
    return -_count(calendar, _days(last, first - dt.timedelta(days=1)))


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _count(calendar: WorkCalendar, days: Iterable[dt.date]) -> int:
    return sum(1 for day in days if calendar.is_working_day(day))
