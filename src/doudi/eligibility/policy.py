"""The county settings in force for a record, and the facts mapping the rules read.

A township clerk computes with the settings of the county above them, so these reads go by the
region code of a record that was itself read through the area scope (the settings hold no
personal data), not through scoped().
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from doudi.core import regions as rcodes
from doudi.core.calendar import load_work_calendar
from doudi.core.workdays import WorkCalendar
from doudi.eligibility.selfcare import SelfCareLevel, SubsidyTier, care_subsidy_amount, pick_effective

from . import rules
from .models import PolicySetting


def county_code(code: str) -> str:
    return code[: rcodes.PREFIX_LENGTH[rcodes.COUNTY]].ljust(12, "0")


def setting_for(code: str, day: dt.date | None = None) -> PolicySetting | None:
    """The county setting in force on `day` for a region (any level inside the county)."""
    day = day or dt.date.today()
    rows = list(PolicySetting.objects.filter(region_id=county_code(code)).order_by("effective_from", "pk"))
    return pick_effective(rows, day)


@dataclass(frozen=True)
class Policy:
    """What the procedure and the rules need from the county setting (or the defaults)."""

    version: str
    limits: rules.Limits
    setting: PolicySetting | None

    def dibao_for(self, village) -> Decimal | None:
        if self.setting is None:
            return None
        urban = village.is_urban if hasattr(village, "is_urban") else None
        return self.setting.dibao_urban if urban else self.setting.dibao_rural

    @property
    def disposable_income(self) -> Decimal | None:
        return self.setting.disposable_income if self.setting else None

    def tiers(self) -> dict[str, SubsidyTier]:
        s = self.setting
        if s is None:
            return {}
        return {
            SelfCareLevel.FULL: SubsidyTier(s.care_full_kind, s.care_full_value),
            SelfCareLevel.PARTIAL: SubsidyTier(s.care_partial_kind, s.care_partial_value),
            SelfCareLevel.NONE: SubsidyTier(s.care_none_kind, s.care_none_value),
        }

    def subsidy(self, level: str) -> Decimal | None:
        if self.setting is None:
            return None
        try:
            return care_subsidy_amount(level, self.tiers(), self.setting.minimum_wage)
        except ValueError:
            return None


def policy_for(code: str, day: dt.date | None = None) -> Policy:
    setting = setting_for(code, day)
    if setting is None:
        return Policy("2021", rules.default_limits("2021"), None)
    limits = rules.Limits(
        review=setting.limit_review,
        county=setting.limit_county,
        recheck=setting.limit_recheck,
        refusal_notice=setting.limit_refusal_notice,
        publication=setting.publication_days,
    )
    return Policy(setting.policy_version, limits, setting)


def calendar(code: str) -> WorkCalendar:
    """The work calendar of the county of region `code`: its own entries over the installation's
    (core.calendar; the limits of 民发〔2021〕43号 are counted in that county's working days)."""
    return load_work_calendar(code)


def person_facts(person, entered: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The facts mapping for registry.rules.evaluate_eligibility: the clerk's entries, with the
    birth date and disability from the registry and the local standards from the setting (stored
    with the decision, so it can be re-read later)."""
    facts = dict(entered)
    facts["birth_date"] = person.birth_date.isoformat()
    if person.disability_kind and person.disability_grade:
        facts["disability"] = {"kind": person.disability_kind, "grade": person.disability_grade}
    else:
        facts.pop("disability", None)
    dibao = policy.dibao_for(person.village)
    facts["local_dibao_standard"] = str(dibao) if dibao is not None else None
    income = policy.disposable_income
    facts["supporters"] = [
        {**s, "local_disposable_income": str(income) if income is not None else None}
        for s in facts.get("supporters") or []
    ]
    return facts
