"""Procedure rules for 特困人员认定 and 终止救助供养: step limits, deadlines, the month support
starts or ends, termination grounds and referrals, and the dynamic-review checks.

Sources (see /work/shared/domain/persons-and-eligibility.md, "Procedure", "Termination",
"Dynamic review"; /work/shared/domain/care.md for the yearly self-care assessment):

* 民发〔2021〕43号《特困人员认定办法》第三章 申请及受理 / 审核确认: 乡镇 受理 and 初审 within 15
  working days; 公示 7 days in the village; an objection is re-checked within 15 working days and
  the result published again; 县级民政 确认 within 15 working days; a refusal is notified in
  writing with reasons within 3 working days; support starts "从确认之日下月起". A county may
  shorten the limits.
* 民发〔2016〕178号《特困人员认定办法》: the same steps with 20 working days each.
* 民发〔2021〕43号 第五章 终止救助供养: the grounds; 调查核实 → 县级核准 → 公示 7 days → support ends
  from the next month; objections decided within 15 working days; a person who still qualifies
  for 最低生活保障 or 临时救助 is referred there.
* Seed document 5 (推进会讲话): "反复筛查、精准认定" — the dynamic review.

Counting: core.workdays.add_working_days — "within n working days of D" ends on the n-th working
day after D (D itself not counted). Publication periods are 7 natural days, the day of posting
being day 1.

Pure module: no Django imports (the working-day arithmetic is itself pure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from doudi.core.workdays import WorkCalendar, add_working_days
from doudi.registry.rules import EligibilityFacts, evaluate_eligibility

__all__ = [
    "DEFAULT_STEP_LIMIT",
    "GROUNDS",
    "PUBLICATION_DAYS",
    "REFUSAL_NOTICE_DAYS",
    "Finding",
    "Limits",
    "PlannedStep",
    "application_plan",
    "default_limits",
    "dynamic_review_findings",
    "first_of_next_month",
    "publication_end",
    "referral_for",
    "support_ends_from",
    "support_starts_on",
    "termination_plan",
]

#: Working days allowed for each step (初审, 县级确认, objection re-check), by policy version.
DEFAULT_STEP_LIMIT = {"2016": 20, "2021": 15}
#: 民发〔2021〕43号: a refusal is notified in writing, with reasons, within 3 working days.
REFUSAL_NOTICE_DAYS = 3
#: 公示 lasts 7 days in the applicant's village (both versions; termination too).
PUBLICATION_DAYS = 7

STEP_LABELS = {
    "applied": "申请登记",
    "review": "乡镇受理初审",
    "publication": "村（居）公示",
    "recheck": "异议复查",
    "county": "县级确认",
    "notice": "书面告知",
    "verify": "调查核实",
    "county_termination": "县级核准",
}


@dataclass(frozen=True)
class Limits:
    """A county's procedural limits: working days per step, and the publication length in days.

    Defaults follow the policy version (民发〔2021〕43号: 15; 民发〔2016〕178号: 20); a county may
    set shorter limits, never longer ones (see `problems`).
    """

    review: int = 15
    county: int = 15
    recheck: int = 15
    refusal_notice: int = REFUSAL_NOTICE_DAYS
    publication: int = PUBLICATION_DAYS

    def problems(self, policy: str) -> list[str]:
        """Chinese messages for limits that exceed what the policy version allows."""
        cap = DEFAULT_STEP_LIMIT[str(policy)]
        out = []
        for name, label in (("review", "初审"), ("county", "县级确认"), ("recheck", "异议复查")):
            value = getattr(self, name)
            if not 1 <= value <= cap:
                out.append(f"{label}时限应为1至{cap}个工作日（{_policy_title(policy)}）")
        if not 1 <= self.refusal_notice <= REFUSAL_NOTICE_DAYS:
            out.append(f"不予认定告知时限应为1至{REFUSAL_NOTICE_DAYS}个工作日")
        if self.publication < PUBLICATION_DAYS:
            out.append(f"公示期不得少于{PUBLICATION_DAYS}天")
        return out

    def to_dict(self) -> dict[str, int]:
        return {
            "review": self.review,
            "county": self.county,
            "recheck": self.recheck,
            "refusal_notice": self.refusal_notice,
            "publication": self.publication,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Limits:
        data = data or {}
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def _policy_title(policy: str) -> str:
    return {"2016": "民发〔2016〕178号", "2021": "民发〔2021〕43号"}.get(str(policy), str(policy))


def default_limits(policy: str) -> Limits:
    """The limits a policy version sets when the county has not shortened them.

    民发〔2021〕43号: 初审, 县级确认 and objection re-check within 15 working days each; 民发〔2016〕
    178号: 20 working days each. Both: 公示 7 days; a refusal notified within 3 working days.
    """
    days = DEFAULT_STEP_LIMIT[str(policy)]
    return Limits(review=days, county=days, recheck=days)


def publication_end(published_on: dt.date, days: int = PUBLICATION_DAYS) -> dt.date:
    """Last day of a 公示 of `days` natural days, the day of posting being day 1.

    民发〔2021〕43号 审核确认: "在申请人所在村（社区）公示7天" (natural days; the 办法 counts only the
    processing limits in working days).
    """
    return published_on + dt.timedelta(days=days - 1)


def first_of_next_month(day: dt.date) -> dt.date:
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


def support_starts_on(confirmed_on: dt.date) -> dt.date:
    """First day of support: the first of the month after confirmation.

    民发〔2021〕43号 审核确认: 符合条件的，"从确认之日下月起给予救助供养" — confirmed on 2026-10-31
    → 2026-11-01; on 2026-12-05 → 2027-01-01.
    """
    return first_of_next_month(confirmed_on)


def support_ends_from(effective_on: dt.date) -> dt.date:
    """First month without support after a termination takes effect (the first of that month).

    民发〔2021〕43号 第五章 终止救助供养: after 县级核准 and 公示 without a founded objection,
    "自下月起终止救助供养". `effective_on` is the day the publication closed.
    """
    return first_of_next_month(effective_on)


# --------------------------------------------------------------------------- step plans


@dataclass(frozen=True)
class PlannedStep:
    """One step of a plan: when it started (or is expected to), and its last day."""

    code: str
    label: str
    start: dt.date
    due: dt.date | None
    working_days: int | None = None
    projected: bool = False  # True when the start is an estimate (an earlier step is not done)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "start": self.start.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "working_days": self.working_days,
            "projected": self.projected,
        }


def application_plan(
    accepted_on: dt.date,
    limits: Limits,
    calendar: WorkCalendar | None = None,
    *,
    reviewed_on: dt.date | None = None,
    published_on: dt.date | None = None,
    publication_closed_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    refused: bool = False,
) -> list[PlannedStep]:
    """The application's steps with their deadlines, using actual dates where known.

    民发〔2021〕43号 第三章: 受理 → 初审 within `limits.review` working days of 受理 → 公示
    `limits.publication` days → 县级确认 within `limits.county` working days of receiving the
    materials (here: the day after the publication closed) → for a refusal, a written notice within
    `limits.refusal_notice` working days of the decision. A step whose predecessor is not done
    starts, in the plan, on the predecessor's deadline (`projected`).
    """
    steps: list[PlannedStep] = []
    review_due = add_working_days(accepted_on, limits.review, calendar)
    steps.append(PlannedStep("review", STEP_LABELS["review"], accepted_on, review_due, limits.review))

    pub_start = published_on or reviewed_on or review_due
    pub_due = publication_end(pub_start, limits.publication)
    steps.append(
        PlannedStep(
            "publication",
            STEP_LABELS["publication"],
            pub_start,
            pub_due,
            None,
            projected=published_on is None,
        )
    )
    county_start = publication_closed_on or pub_due
    county_due = add_working_days(county_start, limits.county, calendar)
    steps.append(
        PlannedStep(
            "county",
            STEP_LABELS["county"],
            county_start,
            county_due,
            limits.county,
            projected=publication_closed_on is None,
        )
    )
    notice_start = decided_on or county_due
    notice_due = add_working_days(notice_start, limits.refusal_notice, calendar) if refused else None
    steps.append(
        PlannedStep(
            "notice",
            STEP_LABELS["notice"],
            notice_start,
            notice_due,
            limits.refusal_notice if refused else None,
            projected=decided_on is None,
        )
    )
    return steps


def termination_plan(
    reported_on: dt.date,
    limits: Limits,
    calendar: WorkCalendar | None = None,
    *,
    verified_on: dt.date | None = None,
    approved_on: dt.date | None = None,
    published_on: dt.date | None = None,
) -> list[PlannedStep]:
    """The termination's steps: 调查核实 → 县级核准 → 公示 → support ends next month.

    民发〔2021〕43号 第五章 names no limit for 调查核实 or 核准; the county's 初审 and 确认 limits are
    used for them (a county setting), so the worklists can still flag a stalled case.
    """
    verify_due = add_working_days(reported_on, limits.review, calendar)
    steps = [PlannedStep("verify", STEP_LABELS["verify"], reported_on, verify_due, limits.review)]
    county_start = verified_on or verify_due
    county_due = add_working_days(county_start, limits.county, calendar)
    steps.append(
        PlannedStep(
            "county",
            STEP_LABELS["county_termination"],
            county_start,
            county_due,
            limits.county,
            projected=verified_on is None,
        )
    )
    pub_start = published_on or approved_on or county_due
    steps.append(
        PlannedStep(
            "publication",
            STEP_LABELS["publication"],
            pub_start,
            publication_end(pub_start, limits.publication),
            None,
            projected=published_on is None,
        )
    )
    return steps


def step_due(
    code: str, start: dt.date, limits: Limits, calendar: WorkCalendar | None = None, *, refused=False
):
    """Deadline of one step started on `start` (see application_plan / termination_plan).

    review / verify: limits.review working days; county: limits.county; recheck: limits.recheck
    (异议 re-checked within 15 working days, 民发〔2021〕43号); publication: natural days; notice:
    limits.refusal_notice working days for a refusal, none otherwise. "A refusal" is both the
    county's 不予认定 and the township's 不予受理: either is told to the applicant in writing, with
    the reasons, within 3 working days (民发〔2021〕43号; domain notes, "Procedure").
    """
    if code in ("review", "verify"):
        return add_working_days(start, limits.review, calendar)
    if code == "county":
        return add_working_days(start, limits.county, calendar)
    if code == "recheck":
        return add_working_days(start, limits.recheck, calendar)
    if code == "publication":
        return publication_end(start, limits.publication)
    if code == "notice":
        return add_working_days(start, limits.refusal_notice, calendar) if refused else None
    return None


# --------------------------------------------------------------------------- termination


@dataclass(frozen=True)
class Ground:
    code: str
    label: str
    may_need_help: bool  # whether the person may still need 低保 or 临时救助


#: 民发〔2021〕43号 第五章 终止救助供养: the grounds, in the order the 办法 lists them.
GROUNDS: dict[str, Ground] = {
    g.code: g
    for g in (
        Ground("death", "死亡或者被宣告死亡", False),
        Ground("missing", "被宣告失踪", False),
        Ground("work_capacity", "具备或者恢复劳动能力", True),
        Ground("imprisoned", "依法被判处刑罚，且在监狱服刑", False),
        Ground("income", "收入和财产状况不再符合条件", True),
        Ground("supporter", "法定义务人具有了履行义务能力或者新增具有履行义务能力的法定义务人", True),
        Ground("withdrawal", "自愿申请退出救助供养", True),
    )
}


@dataclass(frozen=True)
class Referral:
    code: str  # "dibao" or "temporary"
    reason: str


def referral_for(
    ground: str, monthly_income: Decimal | None = None, dibao_standard: Decimal | None = None
) -> Referral | None:
    """Whether a person leaving 特困 support should be referred to 低保 or 临时救助.

    民发〔2021〕43号 第五章: 特困人员不再符合救助供养条件的，……符合最低生活保障或者临时救助条件的，
    应当按规定及时纳入. Nobody is referred after death, a declaration of missing, or imprisonment.
    Otherwise: income known and below the local 低保 standard → 低保; else → check 临时救助 for the
    transition (the flag asks a clerk to look, it decides nothing).
    """
    g = GROUNDS.get(ground)
    if g is None:
        raise ValueError(f"未知的终止救助供养情形：{ground!r}")
    if not g.may_need_help:
        return None
    if monthly_income is not None and dibao_standard is not None and monthly_income < dibao_standard:
        return Referral(
            "dibao",
            f"月收入{_yuan(monthly_income)}元低于当地低保标准{_yuan(dibao_standard)}元，可能符合最低生活保障条件，应转介办理",
        )
    return Referral("temporary", "终止后可能出现临时困难，应评估是否符合临时救助条件")


def _yuan(amount: Decimal) -> str:
    amount = Decimal(str(amount))
    if amount == amount.to_integral_value():
        return f"{amount.to_integral_value():f}"
    return f"{amount.quantize(Decimal('0.01')):f}"


# --------------------------------------------------------------------------- dynamic review


@dataclass(frozen=True)
class Finding:
    """Why a supported person shows up on the dynamic-review list (reason in Chinese)."""

    code: str
    reason: str


@dataclass(frozen=True)
class ReviewInput:
    """What the dynamic review looks at for one supported person."""

    facts: Mapping[str, Any] | None  # the facts of the latest stored decision, or None
    policy: str
    reassessment_due: dt.date | None = None  # None: never assessed
    overrides: Mapping[str, Any] = field(default_factory=dict)  # current registry data


def dynamic_review_findings(item: ReviewInput, today: dt.date) -> list[Finding]:
    """Reasons a supported person's stored facts no longer pass today, or an assessment is due.

    Seed document 5 "反复筛查、精准认定" and 民发〔2021〕43号 (动态管理; a supported minor continues to
    18 and past 18 only while in school, 第二十四条): the stored facts are re-evaluated under the
    county's current policy as of `today`, as an already supported person (so a minor who turned
    18 and left school, income above today's 低保 standard, or a supporter who became able, fail).
    Each failed condition is one finding. The yearly self-care assessment (认定办法: 每年评估) adds
    a finding when it is overdue or has never been recorded. No stored facts → a finding asking
    for a review decision.
    """
    findings: list[Finding] = []
    if item.facts is None:
        findings.append(Finding("no_decision", "无认定事实记录，应开展复核并记录认定结论"))
    else:
        facts = dict(item.facts)
        facts.update({k: v for k, v in item.overrides.items() if v is not None})
        facts["already_supported"] = True
        decision = evaluate_eligibility(EligibilityFacts.from_mapping(facts), item.policy, today)
        if not decision.category.passed:
            findings.append(Finding("category", decision.category.reason))
        for criterion in decision.criteria:
            if not criterion.passed:
                findings.append(Finding(criterion.code, f"{criterion.label}未通过：{criterion.reason}"))
        if decision.orphan_scheme:
            findings.append(Finding("orphan_scheme", "已选择孤儿或事实无人抚养儿童保障"))
    if item.reassessment_due is None:
        findings.append(Finding("assessment", "尚未进行生活自理能力评估"))
    elif item.reassessment_due < today:
        findings.append(
            Finding("assessment", f"生活自理能力评估已逾期（应于{item.reassessment_due.isoformat()}前复评）")
        )
    return findings
