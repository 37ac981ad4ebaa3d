"""Demo: the shipped plans imported for 安和县 with half a year of progress (some townships late,
some targets behind) and two ledgers half-filled (the sewage survey and a cleaners' ledger)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from . import ledger_services as ls
from . import ledgers, planfile, services
from .forms import DATA, shipped_plans
from .models import Funding, LedgerRow, Plan, Report

PROGRESS_PLANS = ("sewage", "county-governance", "digital-village-pingluo")
TEXTS = [
    "已召开专题会议，制定工作方案。",
    "已完成摸底调查，建立工作台账。",
    "按计划推进，完成阶段任务。",
    "组织培训，落实到村。",
    "正在整改督查中发现的问题。",
]


def programmes_demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx["county"]
    officer = ctx["users"]["county"]
    year = timezone.localdate().year
    if Plan.objects.filter(region=county, key="sewage").exists():
        return
    plans = {}
    for name, _title in shipped_plans():
        text = (DATA / name).read_text(encoding="utf-8")
        spec = planfile.load(text, year=year)
        plans[spec.key] = services.plan_import(
            actor=officer, region=county, text=text, year=year, create_missing_units=True
        )
    today = timezone.localdate()
    for key in PROGRESS_PLANS:
        plan = plans[key]
        for task in plan.tasks.prefetch_related("targets", "regions"):
            townships = list(task.regions.order_by("code"))[:5]
            for region in townships:
                late = rng.random() < 0.25  # a quarter of the townships stop reporting: late
                months = [
                    m
                    for m in range(1, 7)
                    if date(year, m, 1) >= task.starts_on().replace(day=1) and date(year, m, 1) < today
                ]
                for m in months[: (2 if late else 6)]:
                    due = date(year + (m == 12), m % 12 + 1, 5)
                    values = {}
                    for g in task.targets.all():
                        if g.per_region or region == townships[0]:
                            share = Decimal(m) / 12 * Decimal(str(round(rng.uniform(0.6, 1.1), 2)))
                            values[g.pk] = (g.baseline + (g.value - g.baseline) * share).quantize(
                                Decimal("0.01")
                            )
                    Report.objects.filter(task=task, region=region, period=f"{year}-{m:02d}").delete()
                    services.report_file(
                        actor=officer,
                        task=task,
                        region=region,
                        unit=None,
                        period=f"{year}-{m:02d}",
                        due=due,
                        text=rng.choice(TEXTS),
                        values=values,
                    )
            if task.deadline and task.deadline < today and rng.random() < 0.6:
                services.task_complete(actor=officer, task=task, on=task.deadline)
    # funding: the province and the city have paid their shares, the county part of its own
    for f in Funding.objects.filter(task__plan__region=county, owed__isnull=False).select_related(
        "task__plan"
    ):
        part = Decimal(1) if f.order < 3 else Decimal(str(round(rng.uniform(0.3, 0.8), 2)))
        services.funding_pay(actor=officer, funding=f, paid=(f.owed * part).quantize(Decimal("0.01")))
    # two ledgers, about half filled
    survey = ls.ledger_import_shipped(
        actor=officer,
        plan=plans["sewage"],
        text=(DATA / "ledger-sewage-survey.toml").read_text(encoding="utf-8"),
    )
    cleaners = ls.ledger_create(
        actor=officer,
        region=county,
        name="保洁员配备台账",
        cols=ledgers.columns_from_lines(
            "村庄; region; 必填\n常住人口; integer; 必填; 人; ; 0\n保洁员人数; integer; 必填; 人; ; 0; 50\n考核等级; choice; ; ; A/B/C"
        ),
        filled_by="village",
        plan=plans["township-governance"],
    )
    fillers = ls.fillers(survey, officer)
    rows = []
    for _name, code, _u in fillers[: len(fillers) // 2]:
        produced = Decimal(rng.randint(10, 60))
        rows.append(
            LedgerRow(
                template=survey,
                region_id=code,
                updated_by=officer,
                data={
                    "village": code,
                    "households": rng.randint(80, 600),
                    "residents": rng.randint(300, 2000),
                    "produced": str(produced),
                    "destination": rng.choice(["村庄集中处理设施", "分散处理设施", "直排河湖沟渠"]),
                    "treated": str(
                        (produced * Decimal(str(round(rng.uniform(0, 0.6), 2)))).quantize(Decimal("0.1"))
                    ),
                },
            )
        )
    for _name, code, _u in fillers[: len(fillers) // 2 + 3]:
        people = rng.randint(300, 2000)
        rows.append(
            LedgerRow(
                template=cleaners,
                region_id=code,
                updated_by=officer,
                data={
                    "c1": code,
                    "c2": people,
                    "c3": max(1, people // rng.randint(300, 400)),
                    "c4": rng.choice("ABC"),
                },
            )
        )
    LedgerRow.objects.bulk_create(rows)
