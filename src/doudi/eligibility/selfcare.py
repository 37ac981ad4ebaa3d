"""Pure rules of the self-care assessment (生活自理能力评估) and the care-subsidy tiers (照料护理补贴).

Plain functions over frozen dataclasses, tested without a database. The only Django imports are
``models`` (for ``TextChoices``, so models and forms share one list of values) and
``gettext_lazy`` for their labels; nothing here touches settings or the ORM.

Sources (see ``/work/shared/domain/care.md``):

* 《特困人员认定办法》（民发〔2016〕178号；民发〔2021〕43号）— the six self-care items, the three
  levels, yearly assessment and re-assessment after a reported change;
* seed document 5 (推进会讲话) — care-subsidy tiers by self-care level (全失能 / 半失能 / 全自理).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "SELF_CARE_ITEMS",
    "SelfCareLevel",
    "unmet_items",
    "self_care_level",
    "reassessment_due",
    "reassessment_due_after_change",
    "REASSESSMENT_WORKING_DAYS",
    "SubsidyKind",
    "SubsidyTier",
    "care_subsidy_amount",
    "pick_effective",
]

# ---------------------------------------------------------------------------------------------
# 生活自理能力评估
# ---------------------------------------------------------------------------------------------

#: The six items of the self-care assessment, in the order the 认定办法 lists them.
SELF_CARE_ITEMS: Mapping[str, str] = {
    "eating": "自主吃饭",
    "dressing": "自主穿衣",
    "bed_transfer": "自主上下床",
    "toileting": "自主如厕",
    "indoor_walking": "室内自主行走",
    "bathing": "自主洗澡",
}

#: Working days within which a reported change must be re-assessed.
REASSESSMENT_WORKING_DAYS = 10


class SelfCareLevel(models.TextChoices):
    """生活自理能力等次 (seeds: 全自理 / 半失能 / 全失能)."""

    FULL = "full", _("Fully self-caring")
    PARTIAL = "partial", _("Partially disabled")
    NONE = "none", _("Fully disabled")


def _checked_items(items: Mapping[str, Any]) -> dict[str, bool]:
    if not isinstance(items, Mapping):
        raise ValueError("生活自理能力评估结果必须逐项填写。")
    unknown = [key for key in items if key not in SELF_CARE_ITEMS]
    if unknown:
        raise ValueError(f"未知的生活自理能力评估项目：{'、'.join(str(k) for k in unknown)}。")
    checked = {}
    for key, name in SELF_CARE_ITEMS.items():
        if key not in items:
            raise ValueError(f"缺少生活自理能力评估项目：{name}。")
        value = items[key]
        # Strict on purpose: a stray string such as "否" is truthy and would silently count as met.
        if not isinstance(value, bool):
            raise ValueError(f"评估项目“{name}”的结果必须为“能”或“不能”。")
        checked[key] = value
    return checked


def unmet_items(items: Mapping[str, Any]) -> tuple[str, ...]:
    """Keys of the items the person cannot do unaided, in ``SELF_CARE_ITEMS`` order.

    Implements the six indicators of 《特困人员认定办法》 (生活自理能力评估: 自主吃饭、自主穿衣、
    自主上下床、自主如厕、室内自主行走、自主洗澡). ``items`` maps each key to True (can do it
    unaided) or False; a missing or unknown key, or a non-boolean value, raises ValueError with a
    Chinese message naming the item.
    """
    checked = _checked_items(items)
    return tuple(key for key, met in checked.items() if not met)


def self_care_level(items: Mapping[str, Any]) -> SelfCareLevel:
    """Self-care level from the six items.

    《特困人员认定办法》（民发〔2016〕178号、民发〔2021〕43号）生活自理能力评估（大意）：六项指标全部达到的，
    视为具备生活自理能力（全自理）；有1至3项不能达到的，视为部分丧失生活自理能力（半失能）；
    有4项以上不能达到的，视为完全丧失生活自理能力（全失能）。
    """
    unmet = len(unmet_items(items))
    if unmet == 0:
        return SelfCareLevel.FULL
    if unmet <= 3:
        return SelfCareLevel.PARTIAL
    return SelfCareLevel.NONE


def as_date(value: Any, what: str) -> dt.date:
    """A date from a date, a datetime or ISO text; otherwise a Chinese error naming `what`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what}不是有效日期：{value!r}。")


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        # 29 February: the next year has none; fall back to 28 February so "at least yearly"
        # is never stretched past a year.
        return day.replace(year=day.year + 1, day=28)


def reassessment_due_after_change(reported_on: Any, calendar: Any = None) -> dt.date:
    """Last day for re-assessing after a change in self-care ability was reported.

    《特困人员认定办法》（大意）：特困人员生活自理能力发生变化的，本人、照料服务人、村（居）民委员会或者
    供养服务机构应当通过乡镇人民政府（街道办事处）报告，县级民政部门应当自接到报告之日起
    10个工作日内组织复核评估。Counted with ``doudi.core.workdays.add_working_days`` (the report
    day itself is not counted; day 1 is the next working day), so holidays and make-up workdays
    in ``calendar`` apply.
    """
    # Imported here so this module stays importable (and testable) without the calendar module.
    from doudi.core.workdays import add_working_days

    return add_working_days(as_date(reported_on, "报告日期"), REASSESSMENT_WORKING_DAYS, calendar)


def reassessment_due(last_assessed: Any, calendar: Any = None, *, change_reported_on: Any = None) -> dt.date:
    """Date by which the next self-care assessment is due.

    《特困人员认定办法》（大意）：县级民政部门应当每年对特困人员生活自理能力进行评估 — so at the latest one
    year after ``last_assessed`` (29 February → 28 February of the next year). If a change was
    reported after the last assessment (``change_reported_on``), the re-assessment is due within
    10 working days of the report (see ``reassessment_due_after_change``; ``calendar`` is only
    used for that) and the earlier of the two dates is returned. A change reported on or before
    the day of the last assessment is taken as covered by that assessment.
    """
    last = as_date(last_assessed, "上次评估日期")
    due = _one_year_after(last)
    if change_reported_on is not None:
        reported = as_date(change_reported_on, "报告日期")
        if reported > last:
            due = min(due, reassessment_due_after_change(reported, calendar))
    return due


# ---------------------------------------------------------------------------------------------
# 照料护理补贴
# ---------------------------------------------------------------------------------------------

_CENT = Decimal("0.01")


class SubsidyKind(models.TextChoices):
    """How a care-subsidy tier is set locally."""

    FIXED = "fixed", _("Fixed amount")
    WAGE_SHARE = "wage_share", _("Share of the minimum wage")


def _to_decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{what}必须是数字。")
    try:
        # str() first so a float such as 0.3 becomes Decimal("0.3"), not its binary expansion.
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{what}必须是数字：{value!r}。") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{what}不能为负数或非有限数：{value!r}。")
    return number


@dataclass(frozen=True)
class SubsidyTier:
    """One tier of the care subsidy: ``fixed`` yuan per month, or a ``wage_share`` of the local
    monthly minimum wage (e.g. ``Decimal("0.3")``)."""

    kind: str
    value: Decimal

    def __post_init__(self) -> None:
        if self.kind not in SubsidyKind.values:
            raise ValueError(f"未知的照料护理补贴计算方式：{self.kind!r}（应为固定金额或最低工资比例）。")
        object.__setattr__(self, "kind", SubsidyKind(self.kind))
        object.__setattr__(self, "value", _to_decimal(self.value, "照料护理补贴标准"))


def _level(level: Any) -> SelfCareLevel:
    try:
        return SelfCareLevel(level)
    except ValueError:
        raise ValueError(f"未知的生活自理能力等次：{level!r}。") from None


_LEVEL_ZH = {SelfCareLevel.FULL: "全自理", SelfCareLevel.PARTIAL: "半失能", SelfCareLevel.NONE: "全失能"}


def care_subsidy_amount(level: Any, tiers: Mapping[Any, SubsidyTier], minimum_wage: Any = None) -> Decimal:
    """Monthly care subsidy (照料护理补贴) for a self-care level, in yuan, to 0.01 yuan.

    《特困人员认定办法》 and 《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）:
    the care standard follows the self-care level and is set locally — here either a fixed sum
    or a share of the local monthly minimum wage (rounded half up to the fen). The tiers are a
    local setting with effective dates (pick them with ``pick_effective``). A missing tier, or a
    wage share without a minimum wage, raises ValueError.
    """
    level = _level(level)
    tier = tiers.get(level)
    if tier is None:
        raise ValueError(f"未设置“{_LEVEL_ZH[level]}”等次的照料护理补贴标准。")
    if tier.kind == SubsidyKind.FIXED:
        return tier.value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if minimum_wage is None:
        raise ValueError(f"“{_LEVEL_ZH[level]}”等次按最低工资比例计算，但未设置当地月最低工资标准。")
    wage = _to_decimal(minimum_wage, "当地月最低工资标准")
    return (wage * tier.value).quantize(_CENT, rounding=ROUND_HALF_UP)


def _attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def pick_effective(settings: Iterable[Any], day: Any) -> Any:
    """The setting in force on ``day``, or None.

    Local figures are settings with effective dates, never constants (domain/README.md). A setting
    is in force when ``effective_from <= day`` and, if it has an ``effective_to``, ``day <=
    effective_to`` (the end date is the last day in force). Among those in force the one with the
    latest ``effective_from`` wins, so a newer setting overrides an older open-ended one; on a tie
    the one later in ``settings`` wins (callers pass them in entry order). Works on objects or
    mappings.
    """
    day = as_date(day, "日期")
    chosen = None
    chosen_from = None
    for setting in settings:
        start = as_date(_attr(setting, "effective_from"), "生效日期")
        end = _attr(setting, "effective_to")
        if start > day or (end is not None and as_date(end, "失效日期") < day):
            continue
        if chosen_from is None or start >= chosen_from:
            chosen, chosen_from = setting, start
    return chosen
