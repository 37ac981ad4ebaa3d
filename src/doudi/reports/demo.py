"""Demo step (registered last, idempotent): the month before last closed for the whole county; last
month submitted by every township but one, which the county sent back; the current month open."""

from __future__ import annotations

import random

from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region, User

from . import rules, selectors, services
from .models import MonthReport


def _reasons(township: Region, month) -> dict[str, str]:
    """Reasons for the large changes a real clerk would have to explain."""
    now = selectors.compute(None, township, month).total.figures
    prev = services.previous_figures(township, month)
    return {k: "示例：本月人员新增或终止" for k, c in rules.changes(prev, now).items() if c["large"]}


def _clerk(township: Region, county_officer: User) -> User:
    for user in User.objects.filter(region=township, is_active=True).order_by("pk"):
        if "township_clerk" in user.roles:
            return user
    return county_officer


def demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx.get("county")
    officer = next(
        (
            u
            for u in ctx.get("users", {}).values()
            if u.can(services.REVIEW_CAP) and u.region_id == getattr(county, "code", None)
        ),
        None,
    )
    if county is None or officer is None:
        return
    this_month = timezone.localdate().replace(day=1)
    last = rules.previous_month(this_month)
    before = rules.previous_month(last)
    townships = list(
        Region.objects.filter(parent=county, level=rcodes.TOWNSHIP, is_active=True).order_by("code")
    )
    if not townships or MonthReport.objects.filter(region__in=townships, month=last).exists():
        return  # already done
    for t in townships:
        services.report_submit(
            actor=_clerk(t, officer), township=t, month=before, reasons=_reasons(t, before)
        )
    services.county_close(actor=officer, county=county, month=before)
    sent_back = townships[rng.randrange(len(townships))]
    for t in townships:
        report = services.report_submit(
            actor=_clerk(t, officer), township=t, month=last, reasons=_reasons(t, last)
        )
        if t == sent_back:
            services.report_return(
                actor=officer, report=report, comment="走访完成数与台账不符，请核对后重新报送。"
            )
