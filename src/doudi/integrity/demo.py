"""Demo step (order 70): the 受理 handler1 (bound to the county 纪委), a campaign runner, the finance
officer unit1 of the state company's 城关 branch; a campaign over the company's branches in its
整改落实 phase with forms (one missing), a selection and findings; a dozen reports in every handling
state. Idempotent: nothing is done when the campaign exists. Uses the units of core's units step."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from doudi.core import demo as core_demo
from doudi.core.models import Unit, User
from doudi.core.roles import Role

from . import rules, services
from .models import Campaign, Report

TITLE = "安和县城投集团2026年“小金库”专项治理"
# username, name, roles, unit name (None: not bound), region: the unit's
ACCOUNTS = [
    ("handler1", "周纪平", [Role.REPORT_HANDLER], "安和县纪委监委"),
    ("discipline1", "吴清廉", [Role.DISCIPLINE], None),
    ("unit1", "郑会计", [Role.UNIT_FINANCE], core_demo.COMPANY + "城关分公司"),
]
REPORTS = [
    # category, branch suffix (None: the company), text, state, outcome
    (
        "slush_fund",
        "城关分公司",
        "城关分公司把收取的代办手续费存在个人账户，不入公司账。",
        "answered",
        "true",
    ),
    ("slush_fund", "青石分公司", "青石分公司用假发票报销会议费，钱去向不明。", "answered", "partly"),
    ("slush_fund", "柳河分公司", "柳河分公司出售废旧设备的收入没有入账。", "answered", "false"),
    ("other", None, "集团物业收取的停车费没有开发票。", "answered", "unverifiable"),
    ("slush_fund", None, "集团年底突击发放购物卡。", "assigned", ""),
    ("slush_fund", "城关分公司", "城关分公司虚列佣金支出。", "assigned_overdue", ""),
    ("other", "青石分公司", "青石分公司招聘临时工不公开。", "assigned_extended", ""),
    ("slush_fund", None, "集团下属单位有两套账。", "registered", ""),
    ("other", None, "物业维修资金使用不公开。", "registered", ""),
    ("slush_fund", "青石分公司", "青石分公司账外存放抵债资产变现款。", "received", ""),
    ("other", None, "集团对外投资收益去向不明。", "received_late", ""),
    ("retaliation", "城关分公司", "我举报后被无故调岗、扣发绩效。", "received", ""),
]
REPLIES = {
    "true": "经查，反映的问题属实，已责令将资金如数转入公司账簿，并追究相关人员责任。",
    "partly": "经查，反映的问题部分属实：会议费报销不规范，已责令整改；未发现资金被私分。",
    "false": "经查，废旧设备处置收入已按规定入账，反映的问题不属实。",
    "unverifiable": "经调查，现有材料无法查实，如有新的线索欢迎继续反映。",
}


def _account(username, name, roles, unit, county):
    region = unit.region if unit else county
    user, _ = User.objects.get_or_create(username=username, defaults={"name": name, "region": region})
    user.name, user.region, user.unit, user.roles, user.is_active = (
        name,
        region,
        unit,
        [str(r) for r in roles],
        True,
    )
    user.set_password(core_demo.DEMO_PASSWORD)
    user.save()
    return user


def integrity_demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx["county"]
    company = Unit.objects.filter(name=core_demo.COMPANY).first()
    if company is None or Campaign.objects.filter(title=TITLE).exists():
        return
    users = ctx.setdefault("users", {})
    for username, name, roles, unit_name in ACCOUNTS:
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        users[username] = _account(username, name, roles, unit, county)
    handler, runner, unit1 = users["handler1"], users["discipline1"], users["unit1"]
    officer = users["county"]
    jw = handler.unit
    today = timezone.localdate()
    branches = {u.name.removeprefix(core_demo.COMPANY): u for u in company.children.all()}

    # Reports in every state of 登记—分办—办理—督办—答复.
    for category, branch, text, state, outcome in REPORTS:
        unit = branches[branch] if branch else company
        report, _receipt = services.report_file(category=category, region=None, unit=unit, text=text)
        if state.startswith("received"):
            if state == "received_late":
                Report.objects.filter(pk=report.pk).update(register_by=today - dt.timedelta(days=2))
            continue
        services.report_register(actor=handler, report=report)
        if state == "registered":
            continue
        services.report_assign(actor=handler, report=report, handling_unit=jw, handler=handler)
        services.report_note(actor=handler, report=report, text="已调取相关账簿和凭证，约谈财务负责人。")
        if state == "assigned_extended":
            services.report_extend(actor=handler, report=report, reason="需要到外地核实供应商情况。")
        elif state == "assigned_overdue":
            Report.objects.filter(pk=report.pk).update(deadline=today - dt.timedelta(days=3))
        elif state == "answered":
            services.report_answer(actor=handler, report=report, outcome=outcome, reply=REPLIES[outcome])
    services.reports_supervise(today=today)

    # The campaign, today in its 整改落实 phase.
    start = today - dt.timedelta(days=70)
    lengths = {
        "mobilisation": 14,
        "self_inspection": 14,
        "key_inspection": 35,
        "rectification": 15,
        "summary": 5,
    }
    phases, day = {}, start
    for phase, _label in Campaign.Phase.choices:
        phases[phase] = (day, day + dt.timedelta(days=lengths[phase] - 1))
        day += dt.timedelta(days=lengths[phase])
    campaign = services.campaign_create(
        actor=runner,
        title=TITLE,
        parent_unit=company,
        year=today.year if today.year in core_demo.COMPANY_FIGURES else max(core_demo.COMPANY_FIGURES),
        phases=phases,
        hotline="0990-1234567",
        mailbox="安和县纪委监委信访室（安和县人民路1号）",
    )
    entries = {e.unit.name.removeprefix(core_demo.COMPANY): e for e in campaign.units.select_related("unit")}
    blank = {code: {"found": False} for code in rules.FORM_CODES}
    signed = start + dt.timedelta(days=20)
    services.form_submit(
        actor=unit1,
        entry=entries["城关分公司"],
        lines={
            **blank,
            "hidden_other_income": {"found": True, "count": 3, "amount": "48600.00", "corrected": "48600.00"},
        },
        head_name="陈立新",
        signed_on=signed,
    )
    services.form_submit(
        actor=runner, entry=entries["青石分公司"], lines=blank, head_name="黄志强", signed_on=signed
    )
    services.form_submit(
        actor=runner,
        entry=entries["柳河分公司"],
        lines={
            **blank,
            "false_documents": {"found": True, "count": 1, "amount": "6200.00", "corrected": "0"},
        },
        head_name="林海",
        signed_on=signed,
    )
    # 物业服务分公司 has not filed: listed as missing.
    services.selection_run(actor=runner, campaign=campaign)
    liuhe = campaign.units.get(pk=entries["柳河分公司"].pk)
    if not liuhe.selected:  # a unit added by hand, with the reason
        services.selection_change(
            actor=runner, entry=liuhe, add=True, reason="自查发现虚假发票但未纠正，需要重点检查。"
        )
    self_found = services.finding_record(
        actor=runner,
        entry=entries["城关分公司"],
        description="代办手续费收入存放在出纳个人账户",
        found_by="self",
        amount="48600.00",
        source_of_funds="代办手续费",
        use_of_funds="职工福利",
    )
    services.finding_transfer(
        actor=runner, finding=self_found, amount="48600.00", on=start + dt.timedelta(days=25)
    )
    inspected = services.finding_record(
        actor=runner,
        entry=entries["青石分公司"],
        description="以假发票报销会议费形成账外资金",
        found_by="inspection",
        amount="35800.00",
        aggravating=["fraud"],
        source_of_funds="虚列会议费",
        use_of_funds="招待费用",
    )
    services.finding_rectify(
        actor=runner, finding=inspected, owner=officer, deadline=today + dt.timedelta(days=20)
    )
