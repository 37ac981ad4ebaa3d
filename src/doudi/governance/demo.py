"""Demo: 青石镇 instantiates the four shipped schemes and scores a year in three of its villages —
the party branch and members (双项积分, closed quarterly with 三色预警), households (积分超市 with
redemptions and a published 红黑榜), sanitation workers (ABC grades with pay, closed monthly)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from doudi.core import regions
from doudi.core.models import Region

from . import rules, schemefile, services
from .models import PeriodClose, Scheme

MEMBERS = ["王德明", "李春梅", "张国华", "赵玉兰", "陈建军"]
HOUSEHOLDS = ["王家", "李家", "张家", "刘家", "陈家", "杨家", "赵家", "黄家"]
WORKERS = ["周保洁", "吴收运"]
GOODS = [("洗衣粉", 20, 40), ("食用油", 50, 20), ("大米（5公斤）", 80, 15), ("毛巾", 10, 60)]


def _dates(rng, start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    span = (end - start).days
    return sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))


def governance_demo_step(rng: random.Random, ctx: dict) -> None:
    town = Region.objects.filter(code=ctx["county"].code[:6] + "100000").first()
    if town is None or Scheme.objects.filter(region=town).exists():
        return
    clerk = ctx["users"]["town1"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    villages = list(Region.objects.filter(parent=town, level=regions.VILLAGE).order_by("code")[:3])
    schemes = {
        key: services.scheme_instantiate(actor=clerk, region=town, example=key)
        for key, _name in schemefile.examples()
    }
    names = {
        "org-dual": lambda v: [f"中共{v.name}支部委员会"],
        "member-dual": lambda v: MEMBERS,
        "household-market": lambda v: HOUSEHOLDS,
        "sanitation-abc": lambda v: WORKERS,
    }
    for key, scheme in schemes.items():
        items = list(scheme.items.all())
        veto = [i for i in items if i.veto]
        plain = [i for i in items if not i.veto and i.code != "base"]
        base = next((i for i in items if i.code == "base"), None)
        for village in villages:
            for name in names[key](village):
                subject = services.subject_add(actor=clerk, scheme=scheme, village=village, name=name)
                if base is not None:  # ABC: each month starts at its base points
                    month = start.replace(day=1)
                    while month <= today:
                        on = max(month, start)
                        services.entry_award(
                            actor=clerk, subject=subject, item=base, source="township", occurred_on=on
                        )
                        month = (month + dt.timedelta(days=32)).replace(day=1)
                n = {"org-dual": 64, "member-dual": 44, "household-market": 14, "sanitation-abc": 18}[key]
                for on in _dates(rng, start, today, n):
                    item = rng.choice(plain)
                    if key != "household-market" and rng.random() < 0.6 and item.points < 0:
                        item = rng.choice(plain)  # mostly good news
                    source = rng.choice([s for s in services.allowed_sources(clerk, scheme)])
                    services.entry_award(
                        actor=clerk,
                        subject=subject,
                        item=item,
                        source=source,
                        occurred_on=on,
                        note="日常考核",
                    )
                if veto and rng.random() < 0.08:
                    services.entry_award(
                        actor=clerk,
                        subject=subject,
                        item=veto[0],
                        source="township",
                        occurred_on=_dates(rng, start, today, 1)[0],
                        note="经核实",
                    )
    # Close every ended period the year covers, oldest first.
    for scheme in schemes.values():
        year, index = (
            start.year,
            (rules.quarter_of(start.month) if scheme.period == "quarter" else start.month),
        )
        while True:
            first, last = rules.period_bounds(scheme.period, year, index)
            if last >= today:
                break
            label = rules.period_label(scheme.period, year, index)
            if not PeriodClose.objects.filter(scheme=scheme, period=label).exists():
                services.period_close(actor=clerk, scheme=scheme, period=label, today=today)
            limit = 4 if scheme.period == "quarter" else 12
            year, index = (year + 1, 1) if index == limit else (year, index + 1)
    market = schemes["household-market"]
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    for village in villages:
        goods = [
            services.goods_save(actor=clerk, scheme=market, village=village, name=n, price=p, stock=s)
            for n, p, s in GOODS
        ]
        for subject in market.subjects.filter(village=village):
            subject.refresh_from_db()
            g = rng.choice(goods)
            if subject.balance >= g.price:
                services.redeem(actor=clerk, subject=subject, goods=g, quantity=1)
        hl = services.honour_list_draft(actor=clerk, scheme=market, village=village, month=last_month)
        services.honour_list_publish(actor=clerk, honour_list=hl)
