"""Pure care rules: self-care assessment, care-subsidy tiers, guardian determination.

Plain functions over frozen dataclasses, tested without a database. The only Django imports are
``models`` (for ``TextChoices``, so models and forms share one list of values) and
``gettext_lazy`` for their labels; nothing here touches settings or the ORM, and no lazy label is
evaluated at import time.

Sources (see ``/work/shared/domain/care.md``):

* 《特困人员认定办法》（民发〔2016〕178号；民发〔2021〕43号）— the six self-care items, the three
  levels, yearly assessment and re-assessment after a reported change;
* 《中华人民共和国民法典》第二十七条、第二十八条、第三十二条、第三十六条、第三十九条 — guardians;
* seed document 1 (特困人员监护照护试点工作方案) — the Ⅰ/Ⅱ/Ⅲ categories and the order
  "village/residents' committee first, then the township civil-affairs office" for category Ⅲ;
* seed document 5 (推进会讲话) — care-subsidy tiers by self-care level (全失能 / 半失能 / 全自理).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    "GuardianCategory",
    "ReplacementGround",
    "ground_article",
    "PassedOver",
    "GuardianProposal",
    "determine_guardian",
    "GUARDIAN_KINDS",
    "GUARDIAN_KIND_ZH",
    "AGREEMENT_DUTIES",
    "AGREEMENT_REMINDER_DAYS",
    "agreement_duty_list",
    "agreement_term_problems",
    "expires_within",
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


def _as_date(value: Any, what: str) -> dt.date:
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

    return add_working_days(_as_date(reported_on, "报告日期"), REASSESSMENT_WORKING_DAYS, calendar)


def reassessment_due(last_assessed: Any, calendar: Any = None, *, change_reported_on: Any = None) -> dt.date:
    """Date by which the next self-care assessment is due.

    《特困人员认定办法》（大意）：县级民政部门应当每年对特困人员生活自理能力进行评估 — so at the latest one
    year after ``last_assessed`` (29 February → 28 February of the next year). If a change was
    reported after the last assessment (``change_reported_on``), the re-assessment is due within
    10 working days of the report (see ``reassessment_due_after_change``; ``calendar`` is only
    used for that) and the earlier of the two dates is returned. A change reported on or before
    the day of the last assessment is taken as covered by that assessment.
    """
    last = _as_date(last_assessed, "上次评估日期")
    due = _one_year_after(last)
    if change_reported_on is not None:
        reported = _as_date(change_reported_on, "报告日期")
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
    day = _as_date(day, "日期")
    chosen = None
    chosen_from = None
    for setting in settings:
        start = _as_date(_attr(setting, "effective_from"), "生效日期")
        end = _attr(setting, "effective_to")
        if start > day or (end is not None and _as_date(end, "失效日期") < day):
            continue
        if chosen_from is None or start >= chosen_from:
            chosen, chosen_from = setting, start
    return chosen


# ---------------------------------------------------------------------------------------------
# 监护人确定
# ---------------------------------------------------------------------------------------------


class GuardianCategory(models.TextChoices):
    """Seed document 1: Ⅰ类 近亲属; Ⅱ类 其他愿意担任的个人或组织; Ⅲ类 村(居)委会或民政部门."""

    I = "I", _("Close relative")  # noqa: E741 — the seed's own name for the category
    II = "II", _("Other willing individual or organisation")
    III = "III", _("Village or residents' committee, or civil affairs")


class ReplacementGround(models.TextChoices):
    """Grounds for removing a guardian (《民法典》第三十六条) or ending a guardianship
    (第三十九条). After either, a ward who still needs a guardian gets a new one (第三十九条第二款;
    seed document 5: 及时更换监护人)."""

    SERIOUS_HARM = "serious_harm", _("Seriously harmed the ward's physical or mental health")
    NEGLECT_DANGER = (
        "neglect_danger",
        _(
            "Neglected the duties or could not perform them and refused to delegate, leaving the ward in danger"
        ),
    )
    OTHER_INFRINGEMENT = "other_infringement", _("Other serious infringement of the ward's lawful rights")
    WARD_REGAINS_CAPACITY = "ward_regains_capacity", _("The ward gained or regained full civil capacity")
    GUARDIAN_LOSES_CAPACITY = (
        "guardian_loses_capacity",
        _("The guardian lost the capacity to act as guardian"),
    )
    WARD_DIED = "ward_died", _("The ward died")
    GUARDIAN_DIED = "guardian_died", _("The guardian died")
    COURT_RULING = "court_ruling", _("A court found the guardianship ended")


_GROUND_ARTICLES = {
    ReplacementGround.SERIOUS_HARM: "《民法典》第三十六条第一款第一项",
    ReplacementGround.NEGLECT_DANGER: "《民法典》第三十六条第一款第二项",
    ReplacementGround.OTHER_INFRINGEMENT: "《民法典》第三十六条第一款第三项",
    ReplacementGround.WARD_REGAINS_CAPACITY: "《民法典》第三十九条第一款第一项",
    ReplacementGround.GUARDIAN_LOSES_CAPACITY: "《民法典》第三十九条第一款第二项",
    ReplacementGround.WARD_DIED: "《民法典》第三十九条第一款第三项",
    ReplacementGround.GUARDIAN_DIED: "《民法典》第三十九条第一款第三项",
    ReplacementGround.COURT_RULING: "《民法典》第三十九条第一款第四项",
}


def ground_article(ground: Any) -> str:
    """The clause behind a removal or termination ground.

    《民法典》第三十六条 (撤销监护人资格: 严重损害身心健康; 怠于或无法履行且拒绝委托致被监护人
    处于危困状态; 其他严重侵害合法权益) and 第三十九条 (监护关系终止: 被监护人取得或恢复完全民事
    行为能力; 监护人丧失监护能力; 被监护人或监护人死亡; 人民法院认定的其他情形).
    """
    try:
        return _GROUND_ARTICLES[ReplacementGround(ground)]
    except ValueError:
        raise ValueError(f"未知的监护人撤销或监护关系终止事由：{ground!r}。") from None


#: Candidate kinds accepted by ``determine_guardian``.
GUARDIAN_KINDS = (
    "spouse",
    "parent",
    "child",
    "grandparent",
    "grandchild",
    "sibling",
    "other_relative",
    "individual",
    "organisation",
    "village_committee",
    "civil_affairs",
)

_CAPACITY_ZH = {"full": "完全民事行为能力", "limited": "限制民事行为能力", "none": "无民事行为能力"}
_RESIDENCE_COMMITTEE = {"village": "村民委员会", "community": "居民委员会", None: "村（居）民委员会"}

_KIND_ZH = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
    "sibling": "兄弟姐妹",
    "other_relative": "其他近亲属",
    "individual": "愿意担任监护人的个人",
    "organisation": "愿意担任监护人的组织",
    "civil_affairs": "民政部门",
}
#: Chinese names of the candidate kinds, for texts generated from the rules.
GUARDIAN_KIND_ZH: Mapping[str, str] = {**_KIND_ZH, "village_committee": "村（居）民委员会"}

# (kinds, category). Within a rank the first eligible candidate in input order is proposed.
_ADULT_RANKS = (
    (("spouse",), GuardianCategory.I),
    (("parent", "child"), GuardianCategory.I),
    (("sibling", "grandparent", "grandchild", "other_relative"), GuardianCategory.I),
    (("individual", "organisation"), GuardianCategory.II),
    (("village_committee",), GuardianCategory.III),
    (("civil_affairs",), GuardianCategory.III),
)
# Art. 27 names no spouse, child, grandchild or other relative for a minor: such a person may only
# serve as "another willing individual" (第二十七条第二款第三项), with the committee's consent.
_MINOR_RANKS = (
    (("parent",), GuardianCategory.I),
    (("grandparent",), GuardianCategory.I),
    (("sibling",), GuardianCategory.I),
    (("individual", "organisation", "spouse", "child", "grandchild", "other_relative"), GuardianCategory.II),
    (("village_committee",), GuardianCategory.III),
    (("civil_affairs",), GuardianCategory.III),
)
_CATEGORY_ZH = {
    GuardianCategory.I: "Ⅰ类：近亲属担任监护人",
    GuardianCategory.II: "Ⅱ类：经同意由愿意担任的个人或组织担任监护人",
    GuardianCategory.III: "Ⅲ类：由村（居）民委员会或民政部门担任监护人",
}


@dataclass(frozen=True)
class PassedOver:
    """A candidate ranked before the proposed guardian and why they were not proposed."""

    candidate_id: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"candidate_id": self.candidate_id, "reason": self.reason}


@dataclass(frozen=True)
class GuardianProposal:
    """Result of ``determine_guardian``.

    ``required`` is False (and everything else None/empty) when the ward has full civil capacity.
    ``kind`` is the proposed candidate's kind; ``candidate_id`` is None either when no guardian is
    required or when civil affairs is proposed but no civil-affairs candidate was posted.
    """

    required: bool
    candidate_id: Any
    kind: str | None
    category: GuardianCategory | None
    passed_over: tuple[PassedOver, ...] = field(default_factory=tuple)
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "candidate_id": self.candidate_id,
            "kind": self.kind,
            "category": None if self.category is None else str(self.category.value),
            "passed_over": [p.to_dict() for p in self.passed_over],
            "explanation": self.explanation,
        }


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _flag(candidate: Mapping[str, Any], key: str, default: bool | None, what: str) -> bool:
    value = candidate.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"候选人 {candidate.get('id')!r} 的“{what}”必须为是或否。")
    return value


def _ineligibility(
    candidate: Mapping[str, Any], category: GuardianCategory, minor: bool, committee: str
) -> str | None:
    """Why a candidate cannot be proposed, as a Chinese clause, or None if they can."""
    kind = candidate["kind"]
    label = committee if kind == "village_committee" else _KIND_ZH[kind]
    if minor and kind == "sibling" and not _flag(candidate, "elder", True, "是否为兄、姐"):
        return "弟、妹不属于《民法典》第二十七条规定的监护人顺序（仅限兄、姐）"
    if not _flag(candidate, "able", None, "是否具备监护能力"):
        if kind == "village_committee":
            return f"{committee}不具备履行监护职责的条件"
        why = str(candidate.get("reason_unable") or "").strip()
        return f"{label}不具备监护能力（{why}）" if why else f"{label}不具备监护能力"
    # A committee is not asked to volunteer, but one recorded as declining is passed over too.
    willing_default = True if kind == "village_committee" else None
    if not _flag(candidate, "willing", willing_default, "是否愿意担任监护人"):
        return f"{label}不愿担任监护人"
    if category == GuardianCategory.II and not _flag(candidate, "consent_recorded", False, "是否已取得同意"):
        return f"{label}未取得{committee}或民政部门同意"
    return None


def determine_guardian(ward: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]]) -> GuardianProposal:
    """Propose a guardian for a ward and say who was passed over and why.

    《民法典》第二十八条 (adults without or with limited capacity): 配偶 → 父母、子女 → 其他近亲属 →
    其他愿意担任监护人的个人或者组织（须经被监护人住所地的居民委员会、村民委员会或者民政部门同意）.
    《民法典》第二十七条 (minors, under 18 on ``as_of``): 父母 → 祖父母、外祖父母 → 兄、姐 → other
    willing individual or organisation with that consent. 《民法典》第三十二条 and seed document 1
    (Ⅲ类): then the ward's village/residents' committee where it can perform the duties, otherwise
    the (township) civil-affairs department. A ward with full capacity needs no guardian; limited
    capacity is treated like none (both need one).

    ``ward``: ``birth_date`` (date or ISO string), ``civil_capacity`` ("full"|"limited"|"none"),
    optional ``residence`` ("village"|"community", names the committee) and ``as_of`` (default today).
    Each candidate: ``id``, ``kind`` (one of ``GUARDIAN_KINDS``), ``able``, ``willing``,
    ``consent_recorded`` (only for category Ⅱ), optional ``elder`` (siblings of a minor; default
    True) and ``reason_unable`` (shown in the reason).

    Decisions where the rules leave room:

    * within one rank the first able and willing candidate in input order is proposed — callers
      put an agreement among those qualified (第三十条) or the ward's wishes first;
    * ``other_relative`` ranks with the other close relatives for an adult (it stands for a 近亲属
      under 民法典第一千零四十五条 not covered by the other kinds); a more distant relative should
      be entered as ``individual``. For a minor, relatives that Art. 27 does not name rank as
      "other willing individuals" and need the consent;
    * the committee is proposed when able (``willing`` defaults to True for it);
    * civil affairs is the guardian of last resort and never passed over (its flags are ignored).
      If none was posted, a synthetic proposal is returned with ``kind="civil_affairs"``,
      ``candidate_id=None`` and an explanation asking for the office to be recorded;
    * an unwilling candidate is passed over whatever the rank, even a parent of a minor, whose
      duty does not lapse by refusal — the proposal is a working list, not a court ruling.

    Unknown kinds, capacities or residences raise ValueError with a Chinese message.
    """
    capacity = ward.get("civil_capacity")
    if capacity not in _CAPACITY_ZH:
        raise ValueError(f"未知的民事行为能力：{capacity!r}（应为完全、限制或无民事行为能力）。")
    residence = ward.get("residence")
    if residence not in _RESIDENCE_COMMITTEE:
        raise ValueError(f"未知的住所类型：{residence!r}（应为村或社区）。")
    committee = _RESIDENCE_COMMITTEE[residence]
    if ward.get("birth_date") is None:
        raise ValueError("缺少被监护人的出生日期。")
    birth = _as_date(ward["birth_date"], "出生日期")
    as_of = _as_date(ward["as_of"], "判断日期") if ward.get("as_of") is not None else dt.date.today()
    if birth > as_of:
        raise ValueError("被监护人的出生日期晚于判断日期。")

    candidates = list(candidates)
    for candidate in candidates:
        if candidate.get("kind") not in GUARDIAN_KINDS:
            raise ValueError(
                f"未知的监护人候选类型：{candidate.get('kind')!r}（候选人 {candidate.get('id')!r}）。"
            )

    if capacity == "full":
        return GuardianProposal(
            required=False,
            candidate_id=None,
            kind=None,
            category=None,
            explanation="被监护人具有完全民事行为能力，无需确定监护人。",
        )

    minor = _age_on(birth, as_of) < 18
    article = "《民法典》第二十七条" if minor else "《民法典》第二十八条"
    who = f"{_CAPACITY_ZH[capacity]}的{'未成年人' if minor else '成年人'}"
    passed: list[PassedOver] = []

    def proposal(candidate_id: Any, kind: str, category: GuardianCategory, tail: str) -> GuardianProposal:
        reasons = "；".join(p.reason for p in passed)
        before = f"{reasons}。" if reasons else ""
        return GuardianProposal(
            required=True,
            candidate_id=candidate_id,
            kind=kind,
            category=category,
            passed_over=tuple(passed),
            explanation=f"被监护人为{who}。{before}{tail}",
        )

    for kinds, category in _MINOR_RANKS if minor else _ADULT_RANKS:
        for candidate in candidates:
            kind = candidate["kind"]
            if kind not in kinds:
                continue
            if kind == "civil_affairs":
                return proposal(
                    candidate.get("id"),
                    kind,
                    category,
                    f"依照《民法典》第三十二条，没有其他具备条件的监护人，由民政部门担任监护人（{_CATEGORY_ZH[category]}）。",
                )
            reason = _ineligibility(candidate, category, minor, committee)
            if reason is not None:
                passed.append(PassedOver(candidate.get("id"), reason))
                continue
            if kind == "village_committee":
                label, cite = committee, "《民法典》第三十二条"
            else:
                label, cite = _KIND_ZH[kind], article
                if minor and kind == "sibling":
                    label = "兄、姐"
            return proposal(
                candidate.get("id"),
                kind,
                category,
                f"依照{cite}，建议由{label}担任监护人（{_CATEGORY_ZH[category]}）。",
            )

    return proposal(
        None,
        "civil_affairs",
        GuardianCategory.III,
        "依照《民法典》第三十二条，没有其他具备条件的监护人，应由被监护人住所地的乡镇（街道）民政部门"
        f"担任监护人（{_CATEGORY_ZH[GuardianCategory.III]}）；尚未登记民政部门候选人，请补录后确认。",
    )


# ---------------------------------------------------------------------------------------------
# 监护照料协议
# ---------------------------------------------------------------------------------------------

#: Days before an agreement's end on which its renewal is reminded.
AGREEMENT_REMINDER_DAYS = 30

#: The concrete duties an agreement can list, with the default description the clerk may edit.
#: Seed document 5 criticises agreements "没有明确具体责任和工作要求" and asks that guardians
#: provide "日常看护、生活照料、住院陪护等具体责任"; seed document 1 and 《民法典》第三十四条、
#: 第三十五条 add acting in civil legal acts and protecting the ward's person and property.
AGREEMENT_DUTIES: Mapping[str, tuple[str, str]] = {
    "daily_watch": (
        "日常看护",
        "经常看望被监护人，掌握其身体、精神和居住安全状况，发现异常及时处置并报告村（居）民委员会。",
    ),
    "daily_care": (
        "生活照料",
        "协助或照料被监护人饮食起居、个人卫生、衣物换洗和居室清洁，保障其基本生活。",
    ),
    "hospital_escort": (
        "住院陪护",
        "被监护人患病时及时送医，住院期间负责陪护或安排陪护，协助办理就医和医疗救助手续。",
    ),
    "legal_acts": (
        "代理实施民事法律行为",
        "代理被监护人实施民事法律行为，代为领取、管理特困供养金等款物，专款用于被监护人生活。",
    ),
    "protect_rights": (
        "保护人身和财产权益",
        "保护被监护人的人身权利、财产权利及其他合法权益；除为维护被监护人利益外，不得处分被监护人的财产。",
    ),
    "reporting": (
        "报告义务",
        "被监护人生活自理能力、健康状况、居住地点发生变化或监护人无法履行职责时，及时向乡镇人民政府和村（居）民委员会报告。",
    ),
}


def agreement_duty_list(duties: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Normalise the ticked duties of an agreement: ``[{"key", "title", "detail"}]`` in catalogue order.

    《民法典》第三十四条、第三十五条 and seed document 5 (协议"明确具体责任和工作要求"): an agreement
    must list at least one concrete duty. Unknown keys, or an empty list, raise ValueError with a
    Chinese message. A blank detail takes the catalogue's default description.
    """
    by_key: dict[str, str] = {}
    for duty in duties:
        key = duty.get("key")
        if key not in AGREEMENT_DUTIES:
            raise ValueError(f"未知的监护照料职责：{key!r}。")
        by_key[key] = str(duty.get("detail") or "").strip() or AGREEMENT_DUTIES[key][1]
    if not by_key:
        raise ValueError("监护照料协议必须至少明确一项具体职责（如日常看护、生活照料、住院陪护）。")
    return [
        {"key": key, "title": title, "detail": by_key[key]}
        for key, (title, _default) in AGREEMENT_DUTIES.items()
        if key in by_key
    ]


def agreement_term_problems(start: Any, end: Any) -> list[str]:
    """Chinese reasons why an agreement term is not acceptable (empty list when it is).

    An agreement "has a term and is renewed" (domain/care.md): both dates are required and the
    term must end after it starts. No upper limit is imposed; counties commonly use one to three years.
    """
    problems = []
    try:
        start_day = _as_date(start, "协议起始日期")
    except ValueError as exc:
        problems.append(str(exc))
        start_day = None
    try:
        end_day = _as_date(end, "协议终止日期")
    except ValueError as exc:
        problems.append(str(exc))
        end_day = None
    if start_day and end_day and end_day <= start_day:
        problems.append("协议终止日期必须晚于起始日期。")
    return problems


def expires_within(end: Any, today: Any, days: int = AGREEMENT_REMINDER_DAYS) -> bool:
    """True when an agreement ending on ``end`` is still running on ``today`` and ends within
    ``days`` days (the 30-day renewal reminder)."""
    end_day, today_day = _as_date(end, "协议终止日期"), _as_date(today, "日期")
    return today_day <= end_day <= today_day + dt.timedelta(days=days)
