"""Pure rules of integrity work: reports (举报) and 小金库 special-governance campaigns (no Django).

Seed document 4 (第四篇, 保险公司开展"小金库"专项治理试点工作方案); the precise rules are written in
`shared/domain/governance.md` ("Key-inspection selection", "Handling").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

# 四、(三) 重点检查: the risks that make a unit a candidate for a key inspection, in the seed's order.
RISK_FLAGS = (
    "public_report",
    "weak_self_inspection",
    "weak_internal_control",
    "many_branches",
    "supervisory_record",
)
RISK_LABELS = {
    "public_report": "有群众举报",
    "weak_self_inspection": "自查自纠措施不得力、工作走过场",
    "weak_internal_control": "内部控制尤其是财务内控较为薄弱",
    "many_branches": "分支机构和营业网点较多",
    "supervisory_record": "根据日常监管记录需要重点检查",
}
DEFAULT_MIN_SHARE = Decimal("0.10")


@dataclass(frozen=True)
class Selection:
    selected: list  # unit ids, in the order they were taken
    assets_share: Decimal
    revenue_share: Decimal
    short: bool  # all units together fall short of the share: all are selected
    reasons: dict = field(default_factory=dict)  # unit id -> Chinese reason


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else Decimal(0)


def select_key_inspections(
    units: list[Mapping],
    parent_total_assets,
    parent_main_revenue,
    min_share: Decimal = DEFAULT_MIN_SHARE,
) -> Selection:
    """重点检查单位的选择 (seed 第四篇 四、(三)): "原则上其重点检查机构的总资产或主营收入合计不低于
    上一级机构总资产或主营收入的10%", 重点关注 有群众举报的, 自查自纠走过场的, 内控薄弱的,
    分支机构较多的, 日常监管记录需要的.

    Units with `public_report` come first (larger total assets first), then the rest by number of risk
    flags (descending), ties by larger total assets, then by id. Units are added in that order until the
    selected assets ≥ min_share × parent assets OR the selected main revenue ≥ min_share × parent main
    revenue (equality counts). Every unit with a public report is selected even after the share is
    reached. If all units together fall short, all are selected and `short` is True.
    """
    min_share = _dec(min_share)
    parent_assets = _dec(parent_total_assets)
    parent_revenue = _dec(parent_main_revenue)
    need_assets = min_share * parent_assets
    need_revenue = min_share * parent_revenue

    def flags(u) -> list[str]:
        return [f for f in RISK_FLAGS if u.get(f)]

    reported = sorted(
        (u for u in units if u.get("public_report")), key=lambda u: (-_dec(u["total_assets"]), u["id"])
    )
    others = sorted(
        (u for u in units if not u.get("public_report")),
        key=lambda u: (-len(flags(u)), -_dec(u["total_assets"]), u["id"]),
    )

    selected: list = []
    reasons: dict = {}
    assets = Decimal(0)
    revenue = Decimal(0)

    def reached() -> bool:
        return assets >= need_assets or revenue >= need_revenue

    def take(u, why: str):
        nonlocal assets, revenue
        selected.append(u["id"])
        assets += _dec(u["total_assets"])
        revenue += _dec(u["main_revenue"])
        reasons[u["id"]] = why

    for u in reported:
        named = "、".join(RISK_LABELS[f] for f in flags(u))
        take(u, f"有群众举报，必须重点检查（风险：{named}）。")
    for u in others:
        if selected and reached():  # checked after each unit added (nothing selected reaches nothing)
            break
        found = flags(u)
        if found:
            take(u, f"风险点{len(found)}项：{'、'.join(RISK_LABELS[f] for f in found)}。")
        else:
            take(u, "无风险点，为使重点检查单位的总资产或主营收入达到上一级机构的规定比例而选入。")
    short = not (selected and reached())
    if short:
        for uid in selected:
            reasons[uid] += "全部单位合计仍达不到规定比例，全部选入。"
    return Selection(
        selected=selected,
        assets_share=_share(assets, parent_assets),
        revenue_share=_share(revenue, parent_revenue),
        short=short,
        reasons=reasons,
    )


# 五、处理原则: the aggravating circumstances of (四), in the seed's order.
AGGRAVATING = {
    "fraud": "弄虚作假",
    "shelving": "压案不查",
    "obstruction": "对抗检查",
    "refusal": "拒不纠正",
    "destroying_evidence": "销毁证据",
    "spending_spree": "突击花钱",
    "retaliation": "打击报复举报人",
    "huge_amount": "数额巨大、情节严重",
}
FOUND_BY = {
    "self": "单位自查自纠发现",
    "internal": "重点检查阶段上级单位内部检查发现",
    "inspection": "重点检查或举报查实发现",
}
CATEGORIES = {"lenient": "从轻从宽处理", "penalty": "依法处罚并追究责任", "severe": "从重处理"}


@dataclass(frozen=True)
class Handling:
    category: str  # lenient | penalty | severe
    removal_first: bool
    internal_accountability: bool
    reason: str


def handling_category(
    found_by: str, aggravating: list[str], created_after_previous_campaign: bool
) -> Handling:
    """处理原则 (seed 第四篇 五 and 六 (三)).

    Any aggravating code (五 (四): 弄虚作假、压案不查、对抗检查、拒不纠正、销毁证据、突击花钱、打击报复举报人,
    数额巨大、情节严重), or a 小金库 set up after the previous campaign's self-check (五 (五)) → `severe`;
    the latter also `removal_first` ("按照组织程序先予免职，再追究责任"). Otherwise `self` → `lenient`
    (五 (一) "对自查发现的问题从轻从宽处理", "内部检查，视同自查"); `internal` → `lenient` with
    `internal_accountability` (六 (三) "对外可以视同为自查发现，但对内仍要追究相应责任");
    `inspection` → `penalty` (五 (二)).
    """
    if found_by not in FOUND_BY:
        raise ValueError(f"unknown found_by: {found_by!r}")
    unknown = [code for code in aggravating if code not in AGGRAVATING]
    if unknown:
        raise ValueError(f"unknown aggravating codes: {unknown}")
    if aggravating or created_after_previous_campaign:
        parts = [AGGRAVATING[code] for code in AGGRAVATING if code in aggravating]
        reason = "存在从重情节：" + "、".join(parts) + "，从重处理。" if parts else ""
        if created_after_previous_campaign:
            reason += (
                "上次专项治理自查之后再设立“小金库”，对主要领导、分管领导和直接责任人先予免职，再追究责任。"
            )
        return Handling("severe", bool(created_after_previous_campaign), False, reason)
    if found_by == "self":
        return Handling("lenient", False, False, "自查发现、及时纠正，从轻从宽处理。")
    if found_by == "internal":
        return Handling(
            "lenient",
            False,
            True,
            "重点检查阶段通过内部检查发现，对外视同自查发现从轻处理，对内仍要追究相应责任。",
        )
    return Handling("penalty", False, False, "被检查发现，除财务、税务处理外，依法予以处罚并追究责任。")


# 四、(二) the self-inspection report form: the forms of 小金库 listed in 二、专项治理试点内容.
FORM_ITEMS = [
    ("hidden_main_revenue", "隐匿收入", "用保费收入、投资收益等主营业务收入设立"),
    ("hidden_other_income", "隐匿收入", "用业务回扣收入、代办手续费、财政性资金等其它收入设立"),
    ("hidden_non_operating", "隐匿收入", "用固定资产清理、抵债资产变现等营业外收入设立"),
    ("hidden_financing", "隐匿收入", "以拆借、集资、投资、咨询、代客理财等形式设立"),
    ("false_documents", "虚列支出", "以假发票、假合同、假票据等手段骗取资金设立"),
    ("false_expenses", "虚列支出", "虚列佣金手续费、业务及管理费、赔付支出、退保支出等套取资金设立"),
    ("transfer_investment", "转移资产", "转移对外投资设立"),
    ("transfer_fixed_assets", "转移资产", "转移固定资产、抵债资产设立"),
    ("transfer_salvage", "转移资产", "转移损余物资、追偿款收入设立"),
    ("entrusted_business", "其他形式", "挪用或侵占受托或代理业务利益形成"),
]
FORM_CODES = [code for code, _group, _text in FORM_ITEMS]


@dataclass(frozen=True)
class FormLine:
    code: str
    found: bool
    count: int
    amount: Decimal
    corrected: Decimal


def check_form_line(line: FormLine) -> list[str]:
    """The Chinese errors of one line of the 自查自纠情况报告表 (empty when the line is sound)."""
    errors = []
    if line.count < 0:
        errors.append("笔数不能为负数。")
    if line.amount < 0:
        errors.append("金额不能为负数。")
    if line.corrected < 0:
        errors.append("已纠正金额不能为负数。")
    if line.corrected > line.amount:
        errors.append("已纠正金额不能大于发现金额。")
    if not line.found and (line.count or line.amount or line.corrected):
        errors.append("未发现问题的项目不应填写笔数或金额。")
    if line.found and line.count == 0:
        errors.append("发现问题的项目请填写笔数。")
    return errors


# Reports (举报): the handling stages of "建立举报登记和查处督办制度" (四、(一)).
STAGES = ("received", "registered", "assigned", "in_progress", "answered", "closed")


def is_overdue(deadline: dt.date | None, today: dt.date, done: bool) -> bool:
    return bool(deadline) and not done and today > deadline


def on_time_rate(on_time: int, total: int) -> int | None:
    """按时办结率, a percentage; None without finished reports."""
    return round(on_time * 100 / total) if total else None
