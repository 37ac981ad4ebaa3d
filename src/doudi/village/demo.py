"""Demo step (order 75): every demo village gets its officials (with a few relatives), an elected
and filed supervision committee, a year of monthly vouchers — most stamped and booked, some
questioned or disputed, this month's awaiting review — openness items, published and not, the
committee's monthly meetings with their motions and this year's democratic evaluation, published.
The demo village also has inquiries (one answered, one overdue with its rectification task, one
open), an evaluation with an official rated dissatisfied by more than half, and an open appeal.
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
from .models import (
    Candidate,
    Committee,
    Evaluation,
    EvaluationSubject,
    Meeting,
    Motion,
    Official,
    OpennessItem,
    Voucher,
)

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
    _demo_supervision(demo, keeper, member, users["county"], today)
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
    meetings, motions, attendance = [], [], []
    for month in _months(today, 4)[:-1]:
        meetings.append(
            Meeting(
                village=village,
                committee=committee,
                held_on=month + dt.timedelta(days=4),
                minutes="通报上月凭证复核情况，研究本月监督事项。",
                recorded_by=member,
            )
        )
    Meeting.objects.bulk_create(meetings)
    for m in meetings:
        attendance += [Meeting.attendees.through(meeting_id=m.pk, candidate_id=c.pk) for c in cands[:3]]
        yes = 3 if rng.random() > 0.1 else 1
        result = rules.count_motion(3, yes, 3 - yes, 0)
        motions.append(
            Motion(
                meeting=m,
                title="审议上月村级财务支出凭证",
                present=3,
                yes=yes,
                no=3 - yes,
                abstain=0,
                passed=result.passes,
                explanation=result.explanation,
            )
        )
    Meeting.attendees.through.objects.bulk_create(attendance)
    Motion.objects.bulk_create(motions)
    held = today - dt.timedelta(days=7)
    evaluation = Evaluation.objects.create(
        village=village,
        committee=committee,
        year=held.year,
        held_on=held,
        representatives_total=30,
        participants=26,
        recorded_by=keeper,
        recorded_at=now,
        published_at=now,
    )
    people = [(EvaluationSubject.Kind.COMMITTEE, str(committee), "", None, None)]
    people += [
        (EvaluationSubject.Kind.MEMBER, c.name, "主任" if c.chair else "委员", c, None) for c in cands[:3]
    ]
    people += [(EvaluationSubject.Kind.OFFICIAL, o.name, rules.OFFICES[o.office], None, o) for o in officials]
    subjects = []
    for kind, name, role, cand, official in people:
        satisfied = rng.randint(14, 22)
        fairly = rng.randint(0, 26 - satisfied)
        dissatisfied = rng.randint(0, 26 - satisfied - fairly)
        (result,), _ = rules.evaluate(
            30, 26, {name: {"satisfied": satisfied, "fairly": fairly, "dissatisfied": dissatisfied}}
        )
        subjects.append(
            EvaluationSubject(
                evaluation=evaluation,
                kind=kind,
                name=name,
                role=role,
                member=cand,
                official=official,
                satisfied=satisfied,
                fairly=fairly,
                dissatisfied=dissatisfied,
                flagged=result.flagged,
                explanation=result.explanation,
            )
        )
    EvaluationSubject.objects.bulk_create(subjects)
    objs = [*officials, committee, *cands, *vouchers, item, *meetings, *motions, evaluation, *subjects]
    return [
        audit.Pending(actor=keeper, action="create", obj=o, changes=audit.diff({}, audit.snapshot(o)))
        for o in objs
    ]


def _demo_supervision(village, keeper, member, county_user, today) -> None:
    """The demo village's meetings, inquiries, evaluation and appeal, through the services (so the
    audit trail is the real one). The past is reached through the services' `today` where they
    take one; a meeting's date is simply in the past."""
    committee = selectors.current_committee(village)
    members = selectors.members(committee)
    for k, month in enumerate(_months(today, 7)[:-1]):
        present = members if k != 2 else members[:2]  # one member away one month
        meeting = svc.meeting_record(
            actor=member,
            village=village,
            held_on=month + dt.timedelta(days=4),
            kind="regular",
            attendees=[m.pk for m in present],
            guests="村党支部书记" if k % 2 == 0 else "",
            minutes="通报上月凭证复核和村务公开情况，确定本月监督事项。",
        )
        svc.motion_record(
            actor=member,
            meeting=meeting,
            title="审议上月村级财务支出凭证复核意见",
            yes=len(present),
            no=0,
            abstain=0,
        )
        if k == 4:
            svc.motion_record(
                actor=member,
                meeting=meeting,
                title="将机耕道维修追加款提请村民代表会议讨论",
                yes=1,
                no=1,
                abstain=1,
            )
    svc.meeting_record(
        actor=member,
        village=village,
        held_on=today - dt.timedelta(days=1) if today.day > 1 else today,
        kind="special",
        attendees=[m.pk for m in members],
        minutes="研究村部修缮工程验收中群众反映的问题。",
    )
    # one inquiry overdue (it becomes the township's rectification task), one answered, one open
    svc.inquiry_ask(
        actor=member,
        village=village,
        kind="inquiry",
        subject="村部修缮工程验收情况",
        question="村部修缮工程已付清尾款，但未见验收单，请村委会书面说明验收时间、参加人员和结论。",
        today=today - dt.timedelta(days=30),
    )
    answered = svc.inquiry_ask(
        actor=member,
        village=village,
        kind="recheck",
        subject="第三季度财务公开情况复核",
        question="请提供第三季度财务公开所列水电费的原始凭证，以便复核。",
        today=today - dt.timedelta(days=6),
    )
    svc.inquiry_answer(
        actor=keeper, inquiry=answered, answer="第三季度水电费原始凭证共7张，已全部交村务监督委员会复核。"
    )
    svc.inquiry_ask(
        actor=member,
        village=village,
        kind="suggestion",
        subject="公开机耕道工程招标结果",
        question="建议将机耕道平整工程的招标结果和合同金额在公开栏公布。",
    )
    svc.inquiries_overdue(actor=county_user, region_prefix=village.code)
    # this year's evaluation, with the bookkeeper rated dissatisfied by more than half
    held = today - dt.timedelta(days=7)
    ev = svc.evaluation_start(
        actor=keeper, village=village, year=held.year, held_on=held, representatives_total=35, participants=31
    )
    tallies = {}
    for s in ev.subjects.all():
        if s.kind == "official" and s.role == rules.OFFICES["bookkeeper"]:
            tallies[s.pk] = {"satisfied": 6, "fairly": 8, "dissatisfied": 17}
        else:
            tallies[s.pk] = {"satisfied": 22, "fairly": 7, "dissatisfied": 2}
    svc.evaluation_record(actor=keeper, evaluation=ev, tallies=tallies)
    svc.evaluation_publish(actor=keeper, evaluation=ev)
    svc.appeal_file(
        actor=member,
        village=village,
        kind="obstruction",
        occurred_on=today - dt.timedelta(days=3),
        description="村报账员以账目尚未整理为由，两次拒绝提供本月原始凭证供复核，并称“监委会管不着”。",
    )
