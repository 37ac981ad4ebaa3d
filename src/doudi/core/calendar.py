"""The work calendar as data: the administrator's holiday entries (WorkCalendarYear) combined
with the `chinesecalendar` package into a core.workdays.WorkCalendar.

Procedural limits (民发〔2021〕43号: 初审 / 确认 within 15 working days, a refusal within 3) are
counted with `load_work_calendar()`; `calendar_year_save()` is the administrator's write.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .models import WorkCalendarYear
from .roles import Cap
from .workdays import WorkCalendar, package_covers_year


def load_work_calendar() -> WorkCalendar:
    """Every entered year's holidays (off) and make-up working days (on) over the package."""
    overrides: dict[dt.date, bool] = {}
    complete: set[int] = set()
    for row in WorkCalendarYear.objects.all():
        for day in row.holidays or ():
            overrides[dt.date.fromisoformat(day)] = False
        for day in row.workdays or ():
            overrides[dt.date.fromisoformat(day)] = True
        if row.complete:
            complete.add(row.year)
    return WorkCalendar(overrides=overrides, entered_years=frozenset(complete))


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


def calendar_year_save(
    *, actor, year: int, holidays: list[str], workdays: list[str], complete: bool, note=""
):
    """Create or replace one year's entries (county administrator, Cap.EDIT_SETTINGS). Audited."""
    if actor is None or not actor.can(Cap.EDIT_SETTINGS):
        raise PermissionDenied(_("Your role does not allow this."))
    clash = sorted(set(holidays) & set(workdays))
    if clash:
        raise ValidationError(f"{clash[0]} 不能同时是节假日和调休工作日")
    with transaction.atomic():
        row = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
        before = audit.snapshot(row) if row else {}
        if row is None:
            row = WorkCalendarYear(year=year)
        row.holidays, row.workdays, row.complete, row.note = holidays, workdays, complete, note
        row.updated_by = actor
        row.save()
        audit.record(
            actor,
            "update" if before else "create",
            row,
            region_code=actor.region_id or "",
            changes=audit.diff(before, audit.snapshot(row)),
        )
    return row


def year_status(year: int) -> dict:
    """What the page says about a year: where its holidays come from."""
    row = WorkCalendarYear.objects.filter(year=year).first()
    return {
        "year": year,
        "package": package_covers_year(year),
        "entered": bool(row and row.complete),
        "row": row,
    }
