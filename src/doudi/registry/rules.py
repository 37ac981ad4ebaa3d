"""Eligibility rules for 特困人员 (persons in extreme poverty).

Two policy versions exist and a county chooses which applies:

* "2016" — 民发〔2016〕178号《特困人员认定办法》 (the version the seed documents quote);
* "2021" — 民发〔2021〕43号《特困人员认定办法》.

A person may be 特困 if they are a 老年人, 残疾人 or 未成年人 and meet all three conditions:
无劳动能力, 无生活来源, and 无法定赡养、抚养、扶养义务人或者其法定义务人无履行义务能力
(第二章 认定条件 of both versions). Every decision carries a trace (one Criterion per condition,
with a Chinese reason) that is stored as JSON beside the decision, so it can be shown later even
after the rules change.

Citations: 民发〔2021〕43号 第五条 (无劳动能力) and 第六条 (无生活来源) were checked against a quoted
text; 第二十四条 (minors) comes from the project's domain notes. Other provisions are cited by their
heading in 第二章 认定条件 rather than by a number we could not check.

Pure module: plain functions over dataclasses, no Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "CRITERION_LABELS",
    "DISABILITY_KINDS",
    "POLICIES",
    "RELATION_LABELS",
    "Criterion",
    "Disability",
    "EligibilityDecision",
    "EligibilityFacts",
    "Supporter",
    "age_on",
    "evaluate_eligibility",
    "supporter_unable_reason",
]

POLICIES = ("2016", "2021")

POLICY_TITLES = {
    "2016": "民发〔2016〕178号",
    "2021": "民发〔2021〕43号",
}

DISABILITY_KINDS = {
    "intellectual": "智力",
    "mental": "精神",
    "physical": "肢体",
    "visual": "视力",
    "hearing": "听力",
    "speech": "言语",
    "multiple": "多重",
}

RELATION_LABELS = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "grandparent": "祖父母",
    "grandchild": "孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}

CRITERION_LABELS = {
    "category": "人员类别",
    "no_work_capacity": "无劳动能力",
    "no_income": "无生活来源",
    "no_able_supporter": "无法定义务人履行能力",
}

# Highest disability grade (1 = most severe) that counts as 无劳动能力, per kind and policy.
_DISABILITY_MAX_GRADE = {
    "2016": {"intellectual": 2, "mental": 2, "physical": 1},
    "2021": {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1},
}

_GRADE_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}

_PASSED = "通过"
_FAILED = "未通过"


# --------------------------------------------------------------------------- helpers


def _as_date(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what}: not an ISO date: {value!r}") from None
    raise TypeError(f"{what}: expected a date or an ISO date string, got {type(value).__name__}")


def _as_money(value: Any, what: str) -> Decimal | None:
    # Decimal through str() so that 500.1 stays 500.1 and "equal to the standard" compares equal.
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected an amount in yuan, got a bool")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{what}: not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"{what}: not an amount: {value!r}")
    return amount


def _yuan(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{amount.to_integral_value():f}"
    return f"{amount.quantize(Decimal('0.01')):f}"


def _flag(data: Mapping[str, Any], key: str) -> bool:
    return bool(data.get(key) or False)


def age_on(birth_date: dt.date | str, day: dt.date | str) -> int:
    """Age in full years (周岁) on `day`; a person turns N on their N-th birthday.

    Implements the age thresholds of 民发〔2021〕43号 第五条 and 民发〔2016〕178号 (年满60周岁,
    未满16周岁, 18周岁). Someone born on 29 February turns a year older on 1 March in common years.
    """
    born = _as_date(birth_date, "birth_date")
    on = _as_date(day, "day")
    if born is None or on is None:
        raise ValueError("age_on needs both a birth date and a day")
    if on < born:
        raise ValueError(f"day {on} is before the birth date {born}")
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Disability:
    """A disability certificate entry (残疾人证): kind and grade 1 (most severe) to 4.

    For kind "multiple" (多重残疾) the certificate's component disabilities may be given in
    `components`; only they can qualify, since the rules list specific kinds.
    """

    kind: str
    grade: int
    components: tuple[Disability, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in DISABILITY_KINDS:
            raise ValueError(f"unknown disability kind {self.kind!r}")
        if isinstance(self.grade, bool) or self.grade not in _GRADE_NUMERALS:
            raise ValueError(f"disability grade must be 1 to 4, got {self.grade!r}")

    @classmethod
    def from_mapping(cls, data: Disability | Mapping[str, Any] | None) -> Disability | None:
        if data is None or isinstance(data, Disability):
            return data
        components = tuple(cls.from_mapping(c) for c in data.get("components") or ())
        return cls(kind=data["kind"], grade=int(data["grade"]), components=components)

    @property
    def label(self) -> str:
        return f"{DISABILITY_KINDS[self.kind]}残疾{_GRADE_NUMERALS[self.grade]}级"


@dataclass(frozen=True)
class Supporter:
    """A legal supporter (法定赡养、抚养、扶养义务人) and the facts the rules look at.

    `label` is an optional display name for reasons (e.g. "女儿"); the default is the relation's
    Chinese name. `provincial_unable` is the reviewer's tick for a provincial extra case.
    Amounts are in yuan: `monthly_income` per month, `local_disposable_income` per year.
    """

    relation: str = "other"
    birth_date: dt.date | None = None
    is_tekun: bool = False
    is_dibao: bool = False
    severe_disability: bool = False
    intellectual_or_mental_grade3: bool = False
    incapacitated: bool = False
    missing: bool = False
    imprisoned: bool = False
    monthly_income: Decimal | None = None
    local_disposable_income: Decimal | None = None
    assets_within_limit: bool = False
    provincial_unable: bool = False
    label: str | None = None

    def __post_init__(self) -> None:
        if self.relation not in RELATION_LABELS:
            raise ValueError(f"unknown supporter relation {self.relation!r}")

    @classmethod
    def from_mapping(cls, data: Supporter | Mapping[str, Any]) -> Supporter:
        if isinstance(data, Supporter):
            return data
        return cls(
            relation=data.get("relation") or "other",
            birth_date=_as_date(data.get("birth_date"), "supporter birth_date"),
            is_tekun=_flag(data, "is_tekun"),
            is_dibao=_flag(data, "is_dibao"),
            severe_disability=_flag(data, "severe_disability"),
            intellectual_or_mental_grade3=_flag(data, "intellectual_or_mental_grade3"),
            incapacitated=_flag(data, "incapacitated"),
            missing=_flag(data, "missing"),
            imprisoned=_flag(data, "imprisoned"),
            monthly_income=_as_money(data.get("monthly_income"), "supporter monthly_income"),
            local_disposable_income=_as_money(
                data.get("local_disposable_income"), "supporter local_disposable_income"
            ),
            assets_within_limit=_flag(data, "assets_within_limit"),
            provincial_unable=_flag(data, "provincial_unable"),
            label=data.get("label") or None,
        )

    @property
    def display_name(self) -> str:
        return self.label or RELATION_LABELS[self.relation]


@dataclass(frozen=True)
class EligibilityFacts:
    """What a reviewer establishes about an applicant (or a supported person under review).

    `monthly_income` excludes the exempt items (基础养老金, 基本医疗保险等社会保险, 优待抚恤金,
    高龄津贴); `local_dibao_standard` is yuan per month. `in_school` means 义务教育, 普通高中 or
    中职. `already_supported` means the person is already a 特困人员.
    """

    birth_date: dt.date
    disability: Disability | None = None
    in_school: bool = False
    already_supported: bool = False
    monthly_income: Decimal | None = None
    local_dibao_standard: Decimal | None = None
    assets_within_limit: bool = False
    orphan_scheme_chosen: bool = False
    provincial_no_work_capacity: bool = False
    supporters: tuple[Supporter, ...] = field(default_factory=tuple)

    @classmethod
    def from_mapping(cls, data: EligibilityFacts | Mapping[str, Any]) -> EligibilityFacts:
        if isinstance(data, EligibilityFacts):
            return data
        birth_date = _as_date(data.get("birth_date"), "birth_date")
        if birth_date is None:
            raise ValueError("birth_date is required")
        return cls(
            birth_date=birth_date,
            disability=Disability.from_mapping(data.get("disability")),
            in_school=_flag(data, "in_school"),
            already_supported=_flag(data, "already_supported"),
            monthly_income=_as_money(data.get("monthly_income"), "monthly_income"),
            local_dibao_standard=_as_money(data.get("local_dibao_standard"), "local_dibao_standard"),
            assets_within_limit=_flag(data, "assets_within_limit"),
            orphan_scheme_chosen=_flag(data, "orphan_scheme_chosen"),
            provincial_no_work_capacity=_flag(data, "provincial_no_work_capacity"),
            supporters=tuple(Supporter.from_mapping(s) for s in data.get("supporters") or ()),
        )


# --------------------------------------------------------------------------- decision


@dataclass(frozen=True)
class Criterion:
    """One line of the rule trace: a condition, whether it passed, and why (in Chinese).

    Displays as in the domain notes, e.g. ``无劳动能力: 通过（年满60周岁）`` (民发〔2021〕43号
    第二章 认定条件 lists the conditions each decision must explain).
    """

    code: str
    passed: bool
    reason: str

    @property
    def label(self) -> str:
        return CRITERION_LABELS.get(self.code, self.code)

    def display(self) -> str:
        verdict = _PASSED if self.passed else _FAILED
        return f"{self.label}: {verdict}（{self.reason}）"

    def __str__(self) -> str:
        return self.display()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "passed": self.passed, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        return cls(code=data["code"], passed=bool(data["passed"]), reason=data["reason"])


@dataclass(frozen=True)
class EligibilityDecision:
    """The outcome of evaluate_eligibility with its full rule trace.

    `criteria` holds exactly three Criterion, in order no_work_capacity, no_income,
    no_able_supporter. `category` is the 老年人/残疾人/未成年人 check. `orphan_scheme` is True when a
    minor went to the 孤儿 / 事实无人抚养儿童 scheme instead, which alone makes `eligible` False.
    """

    eligible: bool
    policy: str
    criteria: tuple[Criterion, ...]
    category: Criterion
    orphan_scheme: bool
    as_of: dt.date
    age: int

    @property
    def reasons(self) -> list[str]:
        """Display lines: the category, the three conditions and, if any, the orphan note."""
        lines = [self.category.display(), *(c.display() for c in self.criteria)]
        if self.orphan_scheme:
            lines.append(_orphan_note(self.policy))
        return lines

    @property
    def summary(self) -> str:
        """One sentence in Chinese: eligible, or the first reason it is not."""
        if self.eligible:
            return "符合特困人员认定条件"
        if not self.category.passed:
            return f"不符合特困人员认定条件：{self.category.reason}"
        if self.orphan_scheme:
            return f"不符合特困人员认定条件：{_orphan_note(self.policy)}"
        failed = [c for c in self.criteria if not c.passed]
        return "不符合特困人员认定条件：" + "；".join(f"{c.label}未通过（{c.reason}）" for c in failed)

    def criterion(self, code: str) -> Criterion:
        for item in (self.category, *self.criteria):
            if item.code == code:
                return item
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready trace, stored with the decision."""
        return {
            "eligible": self.eligible,
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
            "age": self.age,
            "category": self.category.to_dict(),
            "criteria": [c.to_dict() for c in self.criteria],
            "orphan_scheme": self.orphan_scheme,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityDecision:
        return cls(
            eligible=bool(data["eligible"]),
            policy=str(data["policy"]),
            criteria=tuple(Criterion.from_dict(c) for c in data["criteria"]),
            category=Criterion.from_dict(data["category"]),
            orphan_scheme=bool(data.get("orphan_scheme", False)),
            as_of=dt.date.fromisoformat(data["as_of"]),
            age=int(data["age"]),
        )


def _orphan_note(policy: str) -> str:
    if policy == "2016":
        return "未成年人符合孤儿认定条件，纳入孤儿保障，不认定为特困人员"
    return "未成年人选择纳入孤儿、事实无人抚养儿童基本生活保障，不再认定为特困人员"


# --------------------------------------------------------------------------- rules


def _continuing_minor(facts: EligibilityFacts, age: int, policy: str) -> str | None:
    """Reason if a supported minor keeps 无劳动能力 past 16 (or 18), else None."""
    if not facts.already_supported or age < 16:
        return None
    if policy == "2016":
        # 2016 continues "特困人员中的未成年人" past 16 while in school; a 未成年人 is under 18,
        # and 2021 had to add the past-18 case explicitly, so 2016 stops at 18.
        if age < 18 and facts.in_school:
            return "特困人员中的未成年人年满16周岁仍在校就读，继续供养"
        return None
    if age < 18:
        return "特困人员中的未成年人，继续供养至18周岁"
    if facts.in_school:
        return "特困人员年满18周岁仍在校就读，继续供养"
    return None


def _disability_qualifies(disability: Disability, policy: str) -> Disability | None:
    limits = _DISABILITY_MAX_GRADE[policy]
    if disability.kind == "multiple":
        for component in disability.components:
            found = _disability_qualifies(component, policy)
            if found is not None:
                return found
        return None
    limit = limits.get(disability.kind)
    if limit is not None and disability.grade <= limit:
        return disability
    return None


def _category(facts: EligibilityFacts, age: int, policy: str) -> Criterion:
    kinds = []
    if age >= 60:
        kinds.append("老年人")
    if age < 18:
        kinds.append("未成年人")
    elif policy == "2021" and facts.already_supported and facts.in_school and age < 60:
        # 第二十四条: a supported minor continues past 18 while in school, as a 未成年人 case.
        kinds.append("特困人员中的未成年人年满18周岁仍在校就读")
    if facts.disability is not None:
        kinds.append(f"残疾人：{facts.disability.label}")
    if kinds:
        return Criterion("category", True, "、".join(kinds))
    return Criterion(
        "category",
        False,
        f"{age}周岁，未满60周岁、已满18周岁且无残疾，不属于老年人、残疾人或未成年人",
    )


def _no_work_capacity(facts: EligibilityFacts, age: int, policy: str) -> Criterion:
    code = "no_work_capacity"
    if age >= 60:
        return Criterion(code, True, "年满60周岁")
    if age < 16:
        return Criterion(code, True, "未满16周岁")
    continuing = _continuing_minor(facts, age, policy)
    if continuing:
        return Criterion(code, True, continuing)
    if facts.disability is not None:
        qualifying = _disability_qualifies(facts.disability, policy)
        if qualifying is not None:
            return Criterion(code, True, qualifying.label)
    if facts.provincial_no_work_capacity:
        return Criterion(code, True, "符合省级规定的其他无劳动能力情形")

    parts = []
    if age < 18:
        if not facts.already_supported:
            parts.append("新申请的未成年人已满16周岁")
        else:
            parts.append("特困人员中的未成年人已满16周岁且不在校就读")
    elif facts.already_supported and policy == "2021":
        parts.append("年满18周岁且不在校就读")
    else:
        parts.append(f"{age}周岁，未满60周岁")
    if facts.disability is None:
        parts.append("无残疾")
    else:
        parts.append(f"{facts.disability.label}不属于{POLICY_TITLES[policy]}规定的无劳动能力残疾类别等级")
    return Criterion(code, False, "，".join(parts))


def _no_income(facts: EligibilityFacts) -> Criterion:
    code = "no_income"
    income, standard = facts.monthly_income, facts.local_dibao_standard
    if income is None:
        return Criterion(code, False, "缺少收入数据")
    if standard is None:
        return Criterion(code, False, "缺少当地低保标准")
    problems = []
    if not income < standard:
        problems.append(f"月收入{_yuan(income)}元不低于当地低保标准{_yuan(standard)}元")
    if not facts.assets_within_limit:
        problems.append("财产不符合当地特困人员财产状况规定")
    if problems:
        return Criterion(code, False, "；".join(problems))
    return Criterion(
        code,
        True,
        f"月收入{_yuan(income)}元低于当地低保标准{_yuan(standard)}元，财产符合当地特困人员财产状况规定",
    )


def _income_below_disposable(supporter: Supporter) -> bool:
    if supporter.monthly_income is None or supporter.local_disposable_income is None:
        return False
    return supporter.monthly_income * 12 < supporter.local_disposable_income


def _legal_status(supporter: Supporter) -> str | None:
    for flag, text in (
        (supporter.incapacitated, "无民事行为能力"),
        (supporter.missing, "被宣告失踪"),
        (supporter.imprisoned, "在监狱服刑"),
    ):
        if flag:
            return text
    return None


def supporter_unable_reason(supporter: Supporter, policy: str, as_of: dt.date) -> str | None:
    """Why a legal supporter has no capacity to support (无履行义务能力), or None if able.

    Implements the 无履行义务能力 list in 第二章 认定条件 of each version:
    民发〔2016〕178号 — 具备特困人员条件; 60周岁以上或者重度残疾的低保对象 with assets within the
    特困 asset rule; 无民事行为能力 / 被宣告失踪 / 在监狱服刑 with the same asset rule; provincial case.
    民发〔2021〕43号 — 特困人员; 60周岁以上的低保对象; 70周岁以上 with own income below the previous
    year's per-capita disposable income and assets within the 低收入家庭 rule; 重度残疾 or 三级智力、
    精神残疾 with the same income and asset test; 无民事行为能力 / 被宣告失踪 / 在监狱服刑 with the
    低收入家庭 asset rule; provincial case. `assets_within_limit` is the reviewer's judgement
    against whichever asset rule the policy names.
    """
    policy = _check_policy(policy)
    age = age_on(supporter.birth_date, as_of) if supporter.birth_date else None
    assets = supporter.assets_within_limit
    status = _legal_status(supporter)

    if policy == "2016":
        if supporter.is_tekun:
            return "具备特困人员条件"
        if supporter.is_dibao and assets:
            if age is not None and age >= 60:
                return "为60周岁以上低保对象，财产符合当地特困人员财产状况规定"
            if supporter.severe_disability:
                return "为重度残疾低保对象，财产符合当地特困人员财产状况规定"
        if status and assets:
            return f"{status}，财产符合当地特困人员财产状况规定"
        if supporter.provincial_unable:
            return "符合省级规定的其他情形"
        return None

    if supporter.is_tekun:
        return "为特困人员"
    if supporter.is_dibao and age is not None and age >= 60:
        return "为60周岁以上低保对象"
    low_income = _income_below_disposable(supporter)
    income_and_assets = "本人收入低于当地上年人均可支配收入，财产符合当地低收入家庭财产状况规定"
    if low_income and assets:
        if age is not None and age >= 70:
            return f"年满70周岁，{income_and_assets}"
        if supporter.severe_disability:
            return f"为重度残疾人，{income_and_assets}"
        if supporter.intellectual_or_mental_grade3:
            return f"为三级智力、精神残疾人，{income_and_assets}"
    if status and assets:
        return f"{status}，财产符合当地低收入家庭财产状况规定"
    if supporter.provincial_unable:
        return "符合省级规定的其他情形"
    return None


def _no_able_supporter(supporters: Iterable[Supporter], policy: str, as_of: dt.date) -> Criterion:
    code = "no_able_supporter"
    supporters = list(supporters)
    if not supporters:
        return Criterion(code, True, "无法定赡养、抚养、扶养义务人")
    able: list[str] = []
    unable: list[str] = []
    for supporter in supporters:
        why = supporter_unable_reason(supporter, policy, as_of)
        if why is None:
            if supporter.display_name not in able:
                able.append(supporter.display_name)
        else:
            unable.append(f"{supporter.display_name}{why}")
    if able:
        return Criterion(code, False, f"{'、'.join(able)}具备履行义务能力")
    return Criterion(code, True, "法定义务人均无履行义务能力：" + "；".join(unable))


def _check_policy(policy: str | int) -> str:
    policy = str(policy)
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; expected one of {POLICIES}")
    return policy


def evaluate_eligibility(
    facts: EligibilityFacts | Mapping[str, Any],
    policy: str = "2021",
    as_of: dt.date | str | None = None,
) -> EligibilityDecision:
    """Decide whether a person is a 特困人员, with a reason for every condition.

    Implements 民发〔2021〕43号 第二章 认定条件 (persons: 老年人、残疾人、未成年人; 第五条 无劳动能力;
    第六条 无生活来源; 无履行义务能力; 孤儿 / 事实无人抚养儿童 choice; 第二十四条 minors continuing
    to 18 and past 18 in school) or, with policy="2016", 民发〔2016〕178号 第二章 认定条件 (the
    version quoted in the seed: grade 1–2 智力/精神, grade 1 肢体, minors continuing past 16 only
    while in school, 孤儿 go to 孤儿保障).

    `facts` is an EligibilityFacts or a mapping with the same keys (missing optional keys
    default to False / None). Ages are taken on `as_of` (default: today).
    """
    policy = _check_policy(policy)
    facts = EligibilityFacts.from_mapping(facts)
    on = _as_date(as_of, "as_of") or dt.date.today()
    age = age_on(facts.birth_date, on)

    category = _category(facts, age, policy)
    criteria = (
        _no_work_capacity(facts, age, policy),
        _no_income(facts),
        _no_able_supporter(facts.supporters, policy, on),
    )
    is_minor = age < 18
    orphan_scheme = facts.orphan_scheme_chosen and is_minor
    eligible = category.passed and all(c.passed for c in criteria) and not orphan_scheme
    return EligibilityDecision(
        eligible=eligible,
        policy=policy,
        criteria=criteria,
        category=category,
        orphan_scheme=orphan_scheme,
        as_of=on,
        age=age,
    )
