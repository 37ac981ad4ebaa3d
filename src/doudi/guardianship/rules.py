"""Pure guardianship rules: guardian determination, replacement grounds, agreement terms.

Plain functions over frozen dataclasses, tested without a database. The only Django imports are
``models`` (for ``TextChoices``, so models and forms share one list of values) and
``gettext_lazy`` for their labels; nothing here touches settings or the ORM, and no lazy label is
evaluated at import time.

Sources (see ``/work/shared/domain/care.md``):

* 《中华人民共和国民法典》第二十七条、第二十八条、第三十二条、第三十六条、第三十九条 — guardians;
* seed document 1 (特困人员监护照护试点工作方案) — the Ⅰ/Ⅱ/Ⅲ categories and the order
  "village/residents' committee first, then the township civil-affairs office" for category Ⅲ;

The self-care assessment and the care-subsidy tiers are eligibility's (eligibility/selfcare.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.eligibility.selfcare import as_date

__all__ = [
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
    birth = as_date(ward["birth_date"], "出生日期")
    as_of = as_date(ward["as_of"], "判断日期") if ward.get("as_of") is not None else dt.date.today()
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
        start_day = as_date(start, "协议起始日期")
    except ValueError as exc:
        problems.append(str(exc))
        start_day = None
    try:
        end_day = as_date(end, "协议终止日期")
    except ValueError as exc:
        problems.append(str(exc))
        end_day = None
    if start_day and end_day and end_day <= start_day:
        problems.append("协议终止日期必须晚于起始日期。")
    return problems


def expires_within(end: Any, today: Any, days: int = AGREEMENT_REMINDER_DAYS) -> bool:
    """True when an agreement ending on ``end`` is still running on ``today`` and ends within
    ``days`` days (the 30-day renewal reminder)."""
    end_day, today_day = as_date(end, "协议终止日期"), as_date(today, "日期")
    return today_day <= end_day <= today_day + dt.timedelta(days=days)
