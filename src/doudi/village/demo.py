"""Demo step (order 75): every demo village gets its officials (with a few relatives), an elected
and filed supervision committee, a year of monthly vouchers — most stamped and booked, some
questioned or disputed, this month's awaiting review — and openness items, published and not.
town1's demo village (…100001) is built through the services, so its audit trail is the real one;
the other villages are bulk-written with their audit entries (record_many), to keep `doudi demo`
quick. Idempotent: nothing happens when the demo village already has a committee."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import within
from doudi.registry.idcard import make_id_number

from . import rules, selectors
from . import services as svc
from .models import Candidate, Committee, Official, OpennessItem, Voucher

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"
GIVEN = ["建华", "秀英", "志强", "桂兰", "国平", "春梅", "德胜", "玉珍", "永福", "海燕", "长青", "淑芬"]
PAYEES = [
    ("县供电公司", "村部及路灯电费", "水电"),
    ("青石五金店", "购买水管、阀门维修饮水工程", "维修"),
    ("李记建材", "修缮村部屋顶", "工程"),
    ("文具店", "办公用品", "办公"),
    ("保洁员工资", "村庄保洁员劳务费", "劳务"),
    ("农机合作社", "机耕道平整", "工程"),
]
OFFICES = [
    "party_branch",
    "party_branch",
    "village_committee",
    "village_committee",
    "secretary",
    "bookkeeper",
]


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _months(today, n=12):
    first = today.replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def village_demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx["county"]
    demo_code = county.code[:6] + "100001"
    if Committee.objects.filter(village_id=demo_code).exists():
        return
    users = ctx["users"]
    keeper, member, agency, party = (
        users["bookkeeper1"],
        users["supervisor1"],
        users["agency1"],
        users["party1"],
    )
    today = timezone.localdate()
    term = today.year - (today.year - 2021) % 5  # the village committees' five-year term
    term_end = dt.date(term + 5, 5, 31)
    demo = Region.objects.get(code=demo_code)
    _demo_village(rng, demo, keeper, member, agency, party, term, term_end, today)
    others = (
        within(Region.objects.filter(level=rcodes.VILLAGE), county).exclude(code=demo_code).order_by("code")
    )
    with transaction.atomic():
        pending = []
        for village in others:
            pending += _bulk_village(rng, village, keeper, member, agency, term, term_end, today)
        audit.record_many(pending)
    ctx["village"] = {"villages": others.count() + 1}


def _demo_village(rng, village, keeper, member, agency, party, term, term_end, today):
    chief = None
    for i, office in enumerate(OFFICES):
        o = svc.official_add(
            actor=keeper,
            village=village,
            term=term,
            name=_name(rng),
            office=office,
            id_number=make_id_number(village.code, dt.date(1965 + i, 3, 1 + i), 20 + i),
        )
        chief = chief or o
    relative_id = make_id_number(village.code, dt.date(1972, 6, 6), 61)
    inlaw_id = make_id_number(village.code, dt.date(1974, 7, 7), 63)
    svc.relative_add(actor=keeper, official=chief, name="陈玉珍", relation="spouse", id_number=relative_id)
    svc.relative_add(
        actor=keeper, official=chief, name="陈长青", relation="spouse_sibling", id_number=inlaw_id
    )
    committee = svc.committee_create(actor=keeper, village=village, term=term, term_end=term_end, seats=3)
    people = [
        ("周德胜", make_id_number(village.code, dt.date(1968, 2, 2), 71), "carried_over", True),
        ("吴春梅", make_id_number(village.code, dt.date(1979, 4, 4), 72), "representatives", False),
        ("陈长青", inlaw_id, "self", False),
        ("郑国平", make_id_number(village.code, dt.date(1983, 8, 8), 73), "joint", True),
        ("陈玉珍", relative_id, "representatives", False),
    ]
    candidates = [
        svc.candidate_nominate(
            actor=keeper, committee=committee, name=n, id_number=i, nomination=how, party_member=party_member
        )
        for n, i, how, party_member in people
    ]
    for c in candidates:
        facts = selectors.candidate_facts(c)
        ok = not rules.member_disqualifications(facts, today)
        svc.candidate_review(actor=keeper, candidate=c, admit=ok, as_of=today)
    svc.committee_submit(actor=keeper, committee=committee)
    svc.committee_approve(actor=party, committee=committee)
    formal = list(committee.candidates.filter(status="formal").order_by("pk"))
    tallies = dict(zip([c.pk for c in formal], [27, 22, 19, 9], strict=False))
    svc.election_record(
        actor=keeper,
        committee=committee,
        held_on=dt.date(term, 6, 10),
        representatives_total=35,
        present=30,
        tallies=tallies,
        chair_id=formal[0].pk,
    )
    svc.committee_file(actor=party, committee=committee)
    for k, month in enumerate(_months(today)):
        for j in range(3 if month.month != today.month else 4):
            payee, purpose, category = PAYEES[(k + j) % len(PAYEES)]
            day = min(month + dt.timedelta(days=3 + 7 * j), today)
            amount = Decimal(rng.randint(8000, 320000)) / 100
            v = svc.voucher_create(
                actor=keeper,
                village=village,
                spent_on=day,
                payee=payee,
                amount=amount,
                purpose=purpose,
                category=category,
            )
            if month.month == today.month and month.year == today.year:
                continue  # this month's vouchers await the committee
            if (k, j) == (9, 1):
                svc.voucher_review(
                    actor=member, voucher=v, decision="dispute", reason="工程款超出预算，提请村民代表会议讨论"
                )
                svc.voucher_meeting_decision(
                    actor=member, voucher=v, approved=True, decision="村民代表会议表决同意支付"
                )
                svc.voucher_book(actor=agency, voucher=v)
            elif (k, j) == (10, 2):
                svc.voucher_review(actor=member, voucher=v, decision="question", reason="缺少验收单，请说明")
            elif (k, j) == (10, 0):
                svc.voucher_review(
                    actor=member, voucher=v, decision="dispute", reason="同一工程重复报账，提请村民代表会议"
                )
            else:
                svc.voucher_review(actor=member, voucher=v, decision="approve")
                if k < 10:
                    svc.voucher_book(actor=agency, voucher=v)
    for category, title, body, publish in (
        (
            "finance",
            f"{today.year}年第三季度村集体财务收支",
            "收入：上级转移支付86,000.00元；支出：水电4,215.30元、维修12,600.00元。",
            True,
        ),
        (
            "assistance",
            f"{today.year}年特困人员供养名单",
            "张福生（身份证号已隐藏），分散供养；联系电话13812345678。",
            True,
        ),
        ("projects", "机耕道平整工程", "承包方：农机合作社；合同金额38,000.00元；工期两个月。", True),
        ("homestead", "宅基地分配方案（征求意见稿）", "三组12号地块拟分配给一户无房户。", False),
    ):
        item = svc.openness_submit(actor=keeper, village=village, category=category, title=title, body=body)
        if publish:
            svc.openness_review(actor=member, item=item, publish=True)


def _reviewed_at(month: dt.date, rng) -> dt.datetime:
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    late = rng.random() < 0.08  # a few reviews come after the 10th
    day = nxt + dt.timedelta(days=rng.randint(11, 20) if late else rng.randint(1, 8))
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))), timezone.now())


def _bulk_village(rng, village, keeper, member, agency, term, term_end, today) -> list:
    now = timezone.now()
    officials = [
        Official(
            village=village,
            term=term,
            name=_name(rng),
            office=office,
            id_number=make_id_number(village.code, dt.date(1965 + i, 1 + i, 9), 30 + i),
        )
        for i, office in enumerate(OFFICES)
    ]
    Official.objects.bulk_create(officials)
    committee = Committee.objects.create(
        village=village,
        term=term,
        term_end=term_end,
        seats=3,
        status=Committee.Status.FILED,
        held_on=dt.date(term, 6, 12),
        representatives_total=30,
        present=26,
        explanation="参会代表26人，达到全体30人的三分之二，选举有效；按得票数多少当选。",
        approved_at=now,
        filed_at=now,
    )
    cands = []
    for i, votes in enumerate([24, 21, 17, 8]):
        birth = dt.date(1970 + 3 * i, 5, 5)
        cands.append(
            Candidate(
                committee=committee,
                name=_name(rng),
                id_number=make_id_number(village.code, birth, 80 + i),
                birth_date=birth,
                nomination="representatives",
                status=Candidate.Status.FORMAL,
                votes=votes,
                elected=i < 3,
                chair=i == 0,
                reviewed_by=keeper,
                reviewed_at=now,
            )
        )
    Candidate.objects.bulk_create(cands)
    vouchers = []
    for k, month in enumerate(_months(today)):
        for j in range(2):
            payee, purpose, category = PAYEES[(k * 2 + j) % len(PAYEES)]
            current = month.month == today.month and month.year == today.year
            roll = rng.random()
            status = (
                "pending"
                if current
                else ("disputed" if roll < 0.02 else "questioned" if roll < 0.05 else "stamped")
            )
            vouchers.append(
                Voucher(
                    village=village,
                    number=f"{month.year}-{k * 2 + j + 1:04d}",
                    spent_on=min(month + dt.timedelta(days=5 + 10 * j), today),
                    payee=payee,
                    amount=Decimal(rng.randint(5000, 200000)) / 100,
                    purpose=purpose,
                    category=category,
                    status=status,
                    review_reason="" if status in ("pending", "stamped") else "原始凭证不全",
                    reviewed_by=None if status == "pending" else member,
                    # reviewed in the days after the month closed, as a committee would
                    reviewed_at=None if status == "pending" else _reviewed_at(month, rng),
                    booked_by=agency if status == "stamped" and k < 10 else None,
                    booked_at=now if status == "stamped" and k < 10 else None,
                    created_by=keeper,
                )
            )
    Voucher.objects.bulk_create(vouchers)
    item = OpennessItem.objects.create(
        village=village,
        category="finance",
        title=f"{today.year}年上半年村集体财务收支",
        body="收支明细已经村务监督委员会审核。",
        status=OpennessItem.Status.PUBLISHED,
        published_at=now,
        reviewed_by=member,
        created_by=keeper,
    )
    objs = [*officials, committee, *cands, *vouchers, item]
    return [
        audit.Pending(actor=keeper, action="create", obj=o, changes=audit.diff({}, audit.snapshot(o)))
        for o in objs
    ]
