"""Pure rules of the monthly care loop: placement, the "多对一" network, visits, guardian performance.

No ORM here (only ``models.TextChoices`` so that models and forms share one list of values, as in
rules.py). Sources (``/work/shared/domain/care.md``; seed document 5, 推进会讲话):

* 工作进展 二: "乡镇领导和包村干部定期走访探视分散供养特困人员，每月不少于一次，并建立走访探视登记台账";
* 下一步 (一): the six aspects a visit checks — 监护责任、服务保障、生活条件、环境卫生、精神面貌、住房安全 —
  "逐一建立台账，采取针对性措施迅速予以整改";
* 下一步 (三): purchased services paid from 100 yuan of the care subsidy — 卫生打扫、衣物换洗、仪容清洁;
* 下一步 (四): "对落实监护、保障、和服务责任不到位……的及时更换监护人";
* care.md, Placement: 集中供养 (敬老院), a mental-health institution with the guardian's consent,
  分散供养 with a network of guardian, carer, paired cadre, social worker or volunteer ("全覆盖").
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlacementKind(models.TextChoices):
    NURSING_HOME = "nursing_home", _("Nursing home (centralized)")
    MENTAL_HEALTH = "mental_health", _("Mental-health institution")
    HOME = "home", _("At home (dispersed)")


CENTRALIZED_KINDS = (PlacementKind.NURSING_HOME, PlacementKind.MENTAL_HEALTH)


class NetworkRole(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    CARER = "carer", _("Carer")
    CADRE = "cadre", _("Paired cadre")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    VOLUNTEER = "volunteer", _("Volunteer")


# The roles every person at home must have (social worker OR volunteer counts once).
NETWORK_NEEDS = ("guardian", "carer", "cadre", "helper")


class ServiceKind(models.TextChoices):
    CLEANING = "cleaning", _("Cleaning")
    LAUNDRY = "laundry", _("Laundry")
    GROOMING = "grooming", _("Personal grooming")
    DAILY_WATCH = "daily_watch", _("Daily watch")
    HOSPITAL = "hospital", _("Hospital accompaniment")


class Aspect(models.TextChoices):
    """The six aspects of a visit, in the seed's order (document 5, 下一步工作打算 (一))."""

    GUARDIAN = "guardian", _("Guardianship duties")
    SERVICE = "service", _("Services")
    LIVING = "living", _("Living conditions")
    HYGIENE = "hygiene", _("Hygiene of the home")
    SPIRIT = "spirit", _("State of mind")
    HOUSING = "housing", _("Housing safety")


ASPECT_ZH = {
    "guardian": "监护责任",
    "service": "服务保障",
    "living": "生活条件",
    "hygiene": "环境卫生",
    "spirit": "精神面貌",
    "housing": "住房安全",
}

# Guardian performance: 监护责任 "有问题" this many times within this many months suggests
# replacing the guardian (seed document 5, 下一步 (四): 及时更换监护人).
GUARDIAN_PROBLEM_COUNT = 2
GUARDIAN_PROBLEM_MONTHS = 3
RECTIFICATION_DAYS = 15  # default deadline for a problem a visit found


# ---- placement ------------------------------------------------------------------------------


def placement_problems(kind: str, *, has_institution: bool, guardian_consent: bool, free_beds: int | None):
    """Why a placement cannot be recorded (empty list: it can).

    A mental-health institution only with the guardian's consent (care.md, Placement); an
    institution placement names the institution; a full nursing home takes nobody more."""
    out = []
    if kind in CENTRALIZED_KINDS and not has_institution:
        out.append("请选择供养机构。")
    if kind == PlacementKind.MENTAL_HEALTH and not guardian_consent:
        out.append("送精神卫生机构供养须经监护人同意，请先记录监护人同意。")
    if kind == PlacementKind.NURSING_HOME and free_beds is not None and free_beds <= 0:
        out.append("该敬老院床位已满，无法再安排入住。")
    return out


# ---- the support network --------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkGaps:
    no_guardian: bool
    no_carer: bool
    no_cadre: bool
    no_helper: bool
    carer_overloaded: bool

    @property
    def covered(self) -> bool:
        return not (
            self.no_guardian or self.no_carer or self.no_cadre or self.no_helper or self.carer_overloaded
        )


def network_gaps(roles: Iterable[str], carer_load: int, max_per_carer: int) -> NetworkGaps:
    """What is missing from one person's "多对一" network (care.md: 全覆盖). `carer_load` is the
    largest number of persons any of this person's carers looks after."""
    roles = set(roles)
    return NetworkGaps(
        no_guardian=NetworkRole.GUARDIAN not in roles,
        no_carer=NetworkRole.CARER not in roles,
        no_cadre=NetworkRole.CADRE not in roles,
        no_helper=not ({NetworkRole.SOCIAL_WORKER, NetworkRole.VOLUNTEER} & roles),
        carer_overloaded=carer_load > max_per_carer,
    )


# ---- visits --------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(month: dt.date, due_day: int) -> dt.date:
    """The day by which the month's visit must be made (a county setting, capped at month end)."""
    return month.replace(day=min(max(1, due_day), calendar.monthrange(month.year, month.month)[1]))


def visit_date_problems(visited_on: dt.date, *, today: dt.date, registered_on: dt.date | None) -> list[str]:
    """A visit cannot be dated in the future, nor before the person was registered."""
    out = []
    if visited_on > today:
        out.append("走访日期不能晚于今天。")
    if registered_on and visited_on < registered_on:
        out.append(f"走访日期不能早于该对象的登记日期（{registered_on:%Y-%m-%d}）。")
    return out


def visit_problems(aspects: dict[str, dict]) -> list[str]:
    """Checks of the form: every aspect answered; a problem needs a note saying what it is."""
    out = []
    for key in Aspect.values:
        entry = aspects.get(key)
        if entry is None or entry.get("ok") is None:
            out.append(f"请选择“{ASPECT_ZH[key]}”是否正常。")
        elif entry.get("ok") is False and not (entry.get("note") or "").strip():
            out.append(f"“{ASPECT_ZH[key]}”有问题时请写明具体问题。")
    return out


def problem_aspects(aspects: dict[str, dict]) -> list[str]:
    return [key for key in Aspect.values if aspects.get(key, {}).get("ok") is False]


@dataclass(frozen=True)
class DueState:
    visits: int
    required: int
    last_visit: dt.date | None
    overdue: bool

    @property
    def done(self) -> bool:
        return self.visits >= self.required


def visit_due_state(
    *, visits_this_month: int, required: int, last_visit: dt.date | None, today: dt.date, due_day: int
) -> DueState:
    """Whether a person at home still needs a visit this month, and whether it is overdue
    (the due day passed without enough visits; seed: 每月不少于一次)."""
    overdue = visits_this_month < required and today > due_date(month_start(today), due_day)
    return DueState(visits_this_month, required, last_visit, overdue)


def urgency(*, last_visit: dt.date | None, open_problems: int, today: dt.date) -> tuple:
    """Sort key, most urgent first: open problems, then never visited, then longest since the
    last visit."""
    days = (today - last_visit).days if last_visit else 10_000
    return (-open_problems, -days)


# ---- guardian performance ------------------------------------------------------------------


def guardian_underperforms(problem_dates: Iterable[dt.date], today: dt.date) -> bool:
    """监护责任 found "有问题" at least twice within the last three months (seed document 5,
    存在问题 二 and 下一步 (四): 及时更换监护人)."""
    since = add_months(today, -GUARDIAN_PROBLEM_MONTHS)
    return sum(1 for d in problem_dates if since <= d <= today) >= GUARDIAN_PROBLEM_COUNT


# ---- purchased services --------------------------------------------------------------------


def delivered_share(budget_cents: int, delivered_cents: int) -> int | None:
    """Delivered value as a percentage of the monthly budget (None without a budget)."""
    if budget_cents <= 0:
        return None
    return round(delivered_cents * 100 / budget_cents)
