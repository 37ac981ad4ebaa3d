"""Demo step (order 95): mediation committees in the demo county's townships and villages — most
as the rule asks, some missing and some short, so the coverage page has something to show — and
disputes at every tier in the two demo townships, registered, moved and settled through the
services (so their audit trail is the real one). Committees are bulk-written with their audit
entries (record_many) to keep `doudi demo` quick. Idempotent: nothing happens when the county
already has a mediation committee."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import within
from doudi.registry.idcard import make_id_number

from . import services as svc
from .models import CommitteeMember, MediationCommittee

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
GIVEN = ["建华", "秀英", "志强", "桂兰", "国平", "春梅", "德胜", "玉珍", "永福", "海燕", "长青", "淑芬"]

# kind, description, place
CASES = [
    ("neighbours", "两户因院墙滴水排向对方院内发生争吵，多次协商未果。", "村东组"),
    ("land", "承包地界桩被移动，双方对地界各执一词。", "北坡地"),
    ("family", "老人赡养费分担不均，子女之间发生纠纷。", "村西组"),
    ("damages", "散养的羊啃食邻户麦苗，损失赔偿数额有争议。", "南河滩"),
    ("labour", "村民在工地务工被拖欠工资三个月。", "镇工业园"),
    ("forests_water", "灌溉用水先后次序引发两组村民争执。", "水渠口"),
    ("contract", "借款到期未还，双方对利息约定有争议。", "村委会"),
    ("requisition", "修路占地补偿款分配有异议。", "新修村道"),
]


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _committee_rows(rng, region, n_members: int, mediator: str, actor):
    c = MediationCommittee(
        region=region, name=f"{region.name}人民调解委员会", established_on=dt.date(2021, 6, 1)
    )
    c.save()
    members = []
    for i in range(n_members):
        members.append(
            CommitteeMember(
                committee=c,
                name=_name(rng),
                role="chair" if i == 0 else "member",
                mediator=mediator if i == 1 else "",
                phone=f"139{rng.randint(10000000, 99999999)}",
            )
        )
    CommitteeMember.objects.bulk_create(members)
    return [audit.Pending(actor=actor, action="create", obj=c, changes=audit.diff({}, audit.snapshot(c)))] + [
        audit.Pending(actor=actor, action="create", obj=m, changes=audit.diff({}, audit.snapshot(m)))
        for m in members
    ]


def _committees(rng, county, actor) -> dict:
    townships = list(within(Region.objects.filter(level=rcodes.TOWNSHIP), county).order_by("code"))
    pending = []
    counts = {"missing": 0, "short": 0, "ok": 0}
    for t_index, town in enumerate(townships):
        if t_index == 3:  # one township without a committee
            counts["missing"] += 1
        elif t_index == 5:  # one with four members and no full-time mediator
            pending += _committee_rows(rng, town, 4, "part_time", actor)
            counts["short"] += 1
        else:
            pending += _committee_rows(rng, town, 5 + t_index % 3, "full_time", actor)
            counts["ok"] += 1
        villages = within(Region.objects.filter(level=rcodes.VILLAGE), town).order_by("code")
        for v_index, village in enumerate(villages):
            if v_index % 7 == 6:
                counts["missing"] += 1
            elif v_index % 5 == 4:  # two members, no mediator
                pending += _committee_rows(rng, village, 2, "", actor)
                counts["short"] += 1
            else:
                pending += _committee_rows(rng, village, 3 + v_index % 3, "part_time", actor)
                counts["ok"] += 1
    audit.record_many(pending)
    return counts


def _parties(rng, village, seq):
    return [
        {
            "side": "applicant",
            "name": _name(rng),
            "id_number": make_id_number(village.code, dt.date(1960 + seq % 30, 1 + seq % 12, 3), 40 + seq),
            "phone": f"138{rng.randint(10000000, 99999999)}",
            "address": f"{village.name}{1 + seq % 6}组",
        },
        {"side": "respondent", "name": _name(rng), "address": f"{village.name}{2 + seq % 5}组"},
    ]


def _disputes(rng, users, today) -> int:
    """Disputes in town1's and town2's villages at each tier (the two demo townships)."""
    made = 0
    for t_key, v_key in (("town1", "village1"), ("town2", None)):
        clerk = users[t_key]
        villages = list(
            within(Region.objects.filter(level=rcodes.VILLAGE), clerk.region).order_by("code")[:4]
        )
        for v_index, village in enumerate(villages):
            staff = users[v_key] if (v_key and village.code == users[v_key].region_id) else clerk
            for k in range(4 if v_index == 0 else 2):
                seq = made
                kind, description, place = CASES[(seq + v_index) % len(CASES)]
                scenario = seq % 8
                days_ago = [3, 40, 25, 60, 50, 35, 70, 8][scenario]
                registered = today - dt.timedelta(days=days_ago)
                d = svc.dispute_register(
                    actor=staff,
                    village=village,
                    kind=kind,
                    description=description,
                    place=place,
                    occurred_on=registered - dt.timedelta(days=2),
                    parties=_parties(rng, village, seq),
                    registered_on=registered,
                )
                made += 1
                mid = registered + dt.timedelta(days=10)
                if scenario == 1:  # settled in the village, visited afterwards
                    svc.dispute_conclude(
                        actor=staff,
                        dispute=d,
                        status="settled",
                        terms="双方同意各自退让，互不追究。",
                        mediator_name=_name(rng),
                        concluded_on=mid,
                    )
                    svc.followup_record(
                        actor=staff,
                        dispute=d,
                        visited_on=mid + dt.timedelta(days=15),
                        fulfilment="fulfilled",
                        note="双方已和好。",
                    )
                elif scenario in (3, 4, 5, 6):  # handed to the township
                    svc.dispute_escalate(
                        actor=staff, dispute=d, to_tier="township", reason="村调委会多次调解未成。", on=mid
                    )
                    later = mid + dt.timedelta(days=12)
                    if scenario == 3:
                        svc.dispute_conclude(
                            actor=clerk,
                            dispute=d,
                            status="settled",
                            terms="被申请人于一个月内一次性支付赔偿款2000元，申请人不再追究。",
                            mediator_name=_name(rng),
                            concluded_on=later,
                        )
                    elif scenario == 4:
                        svc.dispute_escalate(
                            actor=clerk,
                            dispute=d,
                            to_tier="judicial",
                            reason="调解不成，引导当事人向人民法院起诉。",
                            on=later,
                        )
                    elif scenario == 6:
                        svc.dispute_escalate(
                            actor=clerk,
                            dispute=d,
                            to_tier="county",
                            reason="涉及多个村组，提请县联调中心调处。",
                            on=later,
                        )
                elif scenario == 7 and k % 2:
                    svc.dispute_conclude(
                        actor=staff,
                        dispute=d,
                        status="withdrawn",
                        note="当事人自行和解，撤回申请。",
                        concluded_on=today,
                    )
    # scenario 2 (25 days at the village) is moved to the township by the daily check
    svc.escalate_overdue(region_prefix=users["county"].region.prefix, today=today)
    return made


def mediation_demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx["county"]
    if within(MediationCommittee.objects.all(), county).exists():
        return
    users = ctx["users"]
    today = timezone.localdate()
    with transaction.atomic():
        counts = _committees(rng, county, users["county"])
    made = _disputes(rng, users, today)
    ctx["mediation"] = {"committees": counts, "disputes": made}
