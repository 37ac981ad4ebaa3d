"""Dispute mediation (矛盾纠纷调处): the official rules, pure (no Django).

Source: seed document 3, 庄浪县乡村治理体系建设试点方案, 三 (三) 5 "健全矛盾纠纷调处化解机制":

    做到"小事不出村、大事不出乡、矛盾不上交"。健全人民调解员队伍，推动人民调解、行政调解和司法调解
    "三调联动"，确保每个乡镇有5人以上组成的调委会和1名专职调解员，每个村有3-5人组成的调委会和1名以上
    兼职调解员。完善调解、仲裁、行政裁决、行政复议和诉讼等有机衔接、相互协调的多元化纠纷解决机制。

and 石嘴山 plan 二 2 "实行矛盾纠纷化解层级管理 … 实现诉讼与调解、仲裁等非诉讼方式有机衔接".

The seed fixes the committee sizes and the tiers; it does not fix how many days a tier has, so
those are a setting (`Deadlines`, defaults below), chosen by the county or a township.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ---- committees (调委会) ----------------------------------------------------------------------------

VILLAGE = "village"
TOWNSHIP = "township"

CHAIR = "chair"
MEMBER = "member"
ROLES = (CHAIR, MEMBER)

PART_TIME = "part_time"
FULL_TIME = "full_time"
MEDIATOR_KINDS = ("", PART_TIME, FULL_TIME)


@dataclass(frozen=True)
class Composition:
    """What a committee of one level must have (seed document 3, 三 (三) 5)."""

    min_members: int
    max_members: int | None
    min_part_time: int = 0
    min_full_time: int = 0


COMPOSITION = {
    # 每个村有3-5人组成的调委会和1名以上兼职调解员
    VILLAGE: Composition(min_members=3, max_members=5, min_part_time=1),
    # 每个乡镇有5人以上组成的调委会和1名专职调解员
    TOWNSHIP: Composition(min_members=5, max_members=None, min_full_time=1),
}


@dataclass(frozen=True)
class MemberFacts:
    role: str  # chair | member
    mediator: str = ""  # "" | part_time | full_time


# Finding codes of committee_findings, in the order a page lists them.
MISSING = "missing"
TOO_FEW = "too_few"
TOO_MANY = "too_many"
NO_PART_TIME = "no_part_time_mediator"
NO_FULL_TIME = "no_full_time_mediator"
NO_CHAIR = "no_chair"
SEVERAL_CHAIRS = "several_chairs"


def committee_findings(level: str, members: Iterable[MemberFacts] | None) -> list[str]:
    """What a village's or township's mediation committee lacks; [] when it meets the seed's rule.

    `members` None means there is no committee at all (finding `missing` only). Every finding that
    applies is returned. A village's "1名以上兼职调解员" is met by a part-time mediator; a full-time
    mediator serving a village does more than the rule asks and counts too. A township's
    "1名专职调解员" needs a full-time one: part-time mediators do not replace it. A committee has one
    chair (主任) — the seed's "组成的调委会" presumes it; 人民调解法 第9条 names 主任 and 委员.
    """
    rule = COMPOSITION[level]
    if members is None:
        return [MISSING]
    members = list(members)
    found = []
    n = len(members)
    if n < rule.min_members:
        found.append(TOO_FEW)
    if rule.max_members is not None and n > rule.max_members:
        found.append(TOO_MANY)
    part = sum(1 for m in members if m.mediator in (PART_TIME, FULL_TIME))
    full = sum(1 for m in members if m.mediator == FULL_TIME)
    if part < rule.min_part_time:
        found.append(NO_PART_TIME)
    if full < rule.min_full_time:
        found.append(NO_FULL_TIME)
    chairs = sum(1 for m in members if m.role == CHAIR)
    if chairs == 0 and n:
        found.append(NO_CHAIR)
    if chairs > 1:
        found.append(SEVERAL_CHAIRS)
    return found


# ---- tiers and escalation (层级管理, 三调联动) ------------------------------------------------------

T_VILLAGE = "village"  # 村调委会 — 人民调解
T_TOWNSHIP = "township"  # 乡镇调委会 — 人民调解
T_COUNTY = "county"  # 县级联调中心 — 人民调解
T_ADMINISTRATIVE = "administrative"  # 行政调解 / 行政裁决 (a government department)
T_JUDICIAL = "judicial"  # 司法调解 / 诉讼 (the people's court)
T_ARBITRATION = "arbitration"  # 仲裁
TIERS = (T_VILLAGE, T_TOWNSHIP, T_COUNTY, T_ADMINISTRATIVE, T_JUDICIAL, T_ARBITRATION)
CHANNELS = (T_ADMINISTRATIVE, T_JUDICIAL, T_ARBITRATION)

# 三调联动: which of the three mediations a tier belongs to (arbitration is the non-litigation
# channel of the 多元化纠纷解决机制 beside them).
MEDIATION_KIND = {
    T_VILLAGE: "people",
    T_TOWNSHIP: "people",
    T_COUNTY: "people",
    T_ADMINISTRATIVE: "administrative",
    T_JUDICIAL: "judicial",
    T_ARBITRATION: "arbitration",
}

# Where a dispute may go from each tier (小事不出村、大事不出乡、矛盾不上交: one step at a time
# through the people's mediation, then to the channels).
NEXT_TIERS = {
    T_VILLAGE: (T_TOWNSHIP,),
    T_TOWNSHIP: (T_COUNTY, *CHANNELS),
    T_COUNTY: CHANNELS,
    T_ADMINISTRATIVE: (),
    T_JUDICIAL: (),
    T_ARBITRATION: (),
}

# The region level (core.regions: 3 county, 4 township, 5 village) whose users handle a tier.
# The channels are outside the platform's committees; the county's users record what they report.
TIER_LEVEL = {
    T_VILLAGE: 5,
    T_TOWNSHIP: 4,
    T_COUNTY: 3,
    T_ADMINISTRATIVE: 3,
    T_JUDICIAL: 3,
    T_ARBITRATION: 3,
}


@dataclass(frozen=True)
class Deadlines:
    """Days a tier has to settle a dispute before it goes up (a setting; the seed fixes none).

    The defaults follow the usual one month of a people's mediation (人民调解工作若干规定 第36条:
    "一般在一个月内调结"), shortened to 15 days in the village, where "小事" are meant to end.
    """

    village_days: int = 15
    township_days: int = 30
    county_days: int = 30


class EscalationRefused(ValueError):
    """A step the tiers do not allow (message in Chinese)."""


def deadline(tier: str, since: dt.date, days: Deadlines) -> dt.date | None:
    """The day by which a dispute that reached `tier` on `since` should be settled there
    (calendar days, the day it arrived not counted). The channels keep their own procedures:
    no deadline here."""
    n = {T_VILLAGE: days.village_days, T_TOWNSHIP: days.township_days, T_COUNTY: days.county_days}.get(tier)
    return since + dt.timedelta(days=n) if n is not None else None


def automatic_escalation(tier: str, since: dt.date, today: dt.date, days: Deadlines) -> str | None:
    """The tier an open dispute is moved to by the daily job, or None.

    Village → township when the village has not settled it within `village_days` (大事不出乡: the
    township takes over what the village cannot settle). A township's dispute is never moved up by
    itself: going to the county or a channel (court, arbitration, administrative) is the township's
    decision (矛盾不上交), so past its deadline it is *overdue*, not escalated.
    """
    if tier != T_VILLAGE:
        return None
    due = deadline(tier, since, days)
    return T_TOWNSHIP if due is not None and today > due else None


def check_escalation(from_tier: str, to_tier: str, actor_level: int) -> None:
    """Refuse a manual escalation the tiers do not allow, or one by a user below the tier."""
    if to_tier not in TIERS:
        raise EscalationRefused("请选择移交的层级或渠道。")
    if to_tier not in NEXT_TIERS.get(from_tier, ()):
        raise EscalationRefused("纠纷不能从当前层级移交到所选层级或渠道。")
    if actor_level > TIER_LEVEL[from_tier]:
        raise EscalationRefused("只有当前受理层级或其上级可以移交这件纠纷。")


def may_handle(tier: str, actor_level: int) -> bool:
    """Whether a user bound to a region of `actor_level` may record the outcome at `tier`: the
    tier's own level or any level above it (a township may settle what is still at its village)."""
    return actor_level <= TIER_LEVEL[tier]


def is_overdue(tier: str, since: dt.date, today: dt.date, days: Deadlines) -> bool:
    due = deadline(tier, since, days)
    return due is not None and today > due


# ---- statistics (小事不出村、大事不出乡) -----------------------------------------------------------


@dataclass(frozen=True)
class DisputeFacts:
    status: str  # open | settled | not_settled | withdrawn
    settled_tier: str = ""  # the tier where it was settled, when settled


@dataclass(frozen=True)
class Shares:
    total: int
    settled_in_village: int
    settled_in_township: int  # village or township
    village_share: Decimal | None  # percent, one decimal; None when there are no disputes
    township_share: Decimal | None


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shares(disputes: Iterable[DisputeFacts]) -> Shares:
    """小事不出村 = disputes settled at the village ÷ all disputes; 大事不出乡 = disputes settled at
    the village or the township ÷ all disputes (seed document 3, 三 (三) 5).

    The denominator is every dispute registered in the period, open ones and withdrawn ones
    included: a dispute still open has not (yet) been settled in the village, and a share of the
    settled ones only would read 100 % for a village that settles one case and sends the rest on.
    """
    total = village = township = 0
    for d in disputes:
        total += 1
        if d.status == "settled" and d.settled_tier == T_VILLAGE:
            village += 1
        if d.status == "settled" and d.settled_tier in (T_VILLAGE, T_TOWNSHIP):
            township += 1
    return Shares(total, village, township, percent(village, total), percent(township, total))
