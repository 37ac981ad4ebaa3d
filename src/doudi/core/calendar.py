"""The work calendar as data: the administrator's holiday entries (WorkCalendarYear) combined
with the `chinesecalendar` package into a core.workdays.WorkCalendar.

Procedural limits (民发〔2021〕43号: 初审 / 确认 within 15 working days, a refusal within 3) are
counted with the calendar of the county the record belongs to: `load_work_calendar(code)` lays the
county's own entries (a local 调休 day or holiday) over the installation's (rows without a
region, the default every county starts from). `calendar_year_save()` is the administrator's write.

Every caller that counts working days passes the record's region code (any level inside the
county); `add_working_days_for(code)` gives the one-argument-pair function the pure rules take, and
`CalendarCache` loads each county's calendar once when a loop counts for many records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import audit
from . import regions as rcodes
from .models import WorkCalendarYear
from .roles import Cap
from .workdays import WorkCalendar, add_working_days, package_covers_year


def county_code(code: str | None) -> str:
    """The 12-digit code of the county a region code lies in, or "" above the county level."""
    if not code:
        return ""
    prefix = code[: rcodes.PREFIX_LENGTH[rcodes.COUNTY]]
    county = prefix.ljust(12, "0")
    # A city or province code has zeros where the county digits are: it is no county.
    if prefix[4:] == "00":
        return ""
    return county


def _rows(county: str):
    qs = WorkCalendarYear.objects.filter(region__isnull=True)
    if county:
        qs = WorkCalendarYear.objects.filter(Q(region__isnull=True) | Q(region_id=county))
    # The installation's rows first, so a county's entry for the same day wins.
    return sorted(qs, key=lambda row: (row.region_id is not None, row.year))


def load_work_calendar(code: str | None = None) -> WorkCalendar:
    """The calendar deadlines in region `code` are counted with: every entered year's holidays
    (off) and make-up working days (on) of the installation, then of the county, over the
    package. Without a code (or above the county level): the installation's alone."""
    overrides: dict[dt.date, bool] = {}
    complete: set[int] = set()
    for row in _rows(county_code(code)):
        for day in row.holidays or ():
            overrides[dt.date.fromisoformat(day)] = False
        for day in row.workdays or ():
            overrides[dt.date.fromisoformat(day)] = True
        if row.complete:
            complete.add(row.year)
    return WorkCalendar(overrides=overrides, entered_years=frozenset(complete))


class CalendarCache:
    """Each county's calendar loaded once, for a loop over records of many counties."""

    def __init__(self) -> None:
        self._by_county: dict[str, WorkCalendar] = {}

    def __call__(self, code: str | None) -> WorkCalendar:
        county = county_code(code)
        if county not in self._by_county:
            self._by_county[county] = load_work_calendar(county)
        return self._by_county[county]

    def adder(self, code: str | None) -> Callable[[dt.date, int], dt.date]:
        return partial(add_working_days, calendar=self(code))


def add_working_days_for(code: str | None) -> Callable[[dt.date, int], dt.date]:
    """core.workdays.add_working_days bound to the calendar of region `code`'s county."""
    return partial(add_working_days, calendar=load_work_calendar(code))


def parse_days(text: str, year: int, what: str) -> list[str]:
    """Dates from a textarea: one per line (or separated by commas / spaces), either an ISO date
    or a range "2027-10-01..2027-10-07". Errors are in Chinese, naming the line."""
    out: set[dt.date] = set()
    tokens = [t for t in text.replace("，", ",").replace(",", "\n").split() if t.strip()]
    for token in tokens:
        try:
            if ".." in token:
                first, last = (dt.date.fromisoformat(p) for p in token.split("..", 1))
                if last < first:
                    raise ValueError
                day = first
                while day <= last:
                    out.add(day)
                    day += dt.timedelta(days=1)
            else:
                out.add(dt.date.fromisoformat(token))
        except ValueError:
            raise ValidationError(
                f"{what}：“{token}”不是有效日期（格式如 {year}-10-01 或 {year}-10-01..{year}-10-07）"
            ) from None
    wrong = sorted(d for d in out if d.year != year)
    if wrong:
        raise ValidationError(f"{what}：{wrong[0].isoformat()} 不在 {year} 年内")
    return [d.isoformat() for d in sorted(out)]


def can_edit_installation(user) -> bool:
    """The installation's calendar (every county's default) is edited from the top of the tree:
    an administrator bound to the province (or to no parent)."""
    region = getattr(user, "region", None)
    return region is not None and region.level == rcodes.PROVINCE


def calendar_year_save(
    *, actor, year: int, holidays: list[str], workdays: list[str], complete: bool, note="", county=None
):
    """Create or replace one year's entries of a county (`county`, a Region of the county level in
    the actor's area) or, without one, of the installation. Administrators only
    (Cap.EDIT_SETTINGS); the installation's only from the province. Audited."""
    if actor is None or not actor.can(Cap.EDIT_SETTINGS):
        raise PermissionDenied(_("Your role does not allow this."))
    if county is None:
        if not can_edit_installation(actor):
            raise PermissionDenied(_("Your role does not allow this."))
    else:
        from .scope import in_scope

        if county.level != rcodes.COUNTY or not in_scope(actor, county.code):
            raise PermissionDenied(_("This record is outside your area."))
    clash = sorted(set(holidays) & set(workdays))
    if clash:
        raise ValidationError(f"{clash[0]} 不能同时是节假日和调休工作日")
    region_id = county.code if county is not None else None
    with transaction.atomic():
        row = WorkCalendarYear.objects.select_for_update().filter(region_id=region_id, year=year).first()
        before = audit.snapshot(row) if row else {}
        if row is None:
            row = WorkCalendarYear(region_id=region_id, year=year)
        row.holidays, row.workdays, row.complete, row.note = holidays, workdays, complete, note
        row.updated_by = actor
        row.save()
        audit.record(
            actor,
            "update" if before else "create",
            row,
            region_code=region_id or actor.region_id or "",
            changes=audit.diff(before, audit.snapshot(row)),
        )
    return row


def year_status(year: int, county=None) -> dict:
    """What the page says about a year: where its holidays come from — the package, the
    installation's entries, the county's own."""
    default = WorkCalendarYear.objects.filter(region__isnull=True, year=year).first()
    own = WorkCalendarYear.objects.filter(region=county, year=year).first() if county is not None else None
    return {
        "year": year,
        "package": package_covers_year(year),
        "entered": bool((default and default.complete) or (own and own.complete)),
        "row": own if county is not None else default,
        "default": default if county is not None else None,
    }
