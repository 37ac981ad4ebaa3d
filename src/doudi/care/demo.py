"""Demo data of the monthly care loop, run after every other demo step.

A year of visits for the demo persons at home (mostly on time, some late, a few copied from one
another), the "多对一" network (with gaps for the coverage page), a provider with the demo account
`provider1` and a contract, budgets, orders and deliveries, a winter material batch half handed
over, open and closed rectification tasks. Deterministic (the passed Random; dates relative to
the day it runs), idempotent (skipped when demo visits exist) and fast (bulk_create; MinHash
signatures cached per distinct note).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region, User
from doudi.oversight.models import RectificationTask, TaskNote
from doudi.registry.models import Institution, Person, PersonStatus
from doudi.registry.models import Placement as RegistryPlacement

from . import similarity
from .models import (
    CarePlacement,
    CareSetting,
    MaterialBatch,
    MaterialHandover,
    Provider,
    ServiceBudget,
    ServiceContract,
    ServiceDelivery,
    ServiceOrder,
    SupportMember,
    Visit,
    VisitBand,
)
from .rules import ASPECT_ZH, add_months, month_start
from .selectors import setting_for, township_code

TOWN1 = "990121100000"
# Sentences a real note is made of; each demo note picks four in random order, so two honest
# notes rarely share more than a sentence (and are not flagged), while the copied one is.
_SENTENCES = [
    "老人在家，精神状态不错",
    "屋内地面打扫干净",
    "床铺被褥已换洗",
    "灶台上有新鲜蔬菜",
    "米面油充足",
    "煤炭还够烧半个月",
    "火炉烟囱已检查，通风良好",
    "提醒注意用火用电安全",
    "询问了看病就医情况，近期血压平稳",
    "帮忙把院子里的柴火码好",
    "监护人上周来过，送了药",
    "老人反映腿疼，已联系村医上门",
    "窗户漏风，已用塑料布封好",
    "水缸有水，自来水正常",
    "本月供养金已到账，老人知晓",
    "和老人拉家常半小时，老人心情愉快",
    "衣物整洁，个人卫生较好",
    "照料员每天上午来一次",
    "屋顶无漏雨，墙体无裂缝",
    "老人想要一台收音机，已记下",
    "院门锁坏了，已帮忙修好",
    "服务中心本月来打扫过两次",
    "老人按时吃药，药品充足",
    "邻居反映老人晚上睡得早，作息规律",
    "电褥子线路老化，已劝老人停用",
    "老人说最近胃口不好，吃得少",
    "院子里积雪已清扫",
    "给老人量了血压，一百四十左右",
    "侄子在县城打工，每周打电话",
    "老人养的鸡下蛋了，心情好",
    "厕所门坏了，已报村里维修",
    "老人念叨想去镇上赶集",
    "冬季棉衣已领到，正在穿",
    "检查了煤炉，烟道畅通",
    "老人耳背，说话要大声",
    "床单已送洗，换了干净的",
    "老人说邻居常来串门",
    "暖水瓶坏了一个，已补一个",
    "屋里灯泡坏了，已换新",
    "老人近期咳嗽，已陪同到卫生院",
]
_COPIED = "老人身体状况良好，生活能自理，家中卫生整洁，监护人履职到位，无安全隐患，生活无困难。"
_PROBLEMS = {
    "guardian": "监护人长期在外，近两周未来看望",
    "hygiene": "屋内脏乱，被褥多日未洗",
    "housing": "后墙有裂缝，雨季存在隐患",
    "living": "冬季取暖煤不足",
    "spirit": "老人情绪低落，不愿说话",
}
# One carer looks after a quarter of everyone (far too many: the coverage page shows it); the
# others a handful each.
_CARERS = ["周桂香"] + [f"{s}{g}" for s in "吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施" for g in ("春兰", "秀云")]
_HELPERS = [("social_worker", "社工 何晓"), ("volunteer", "志愿者 林涛"), ("volunteer", "志愿者 马丽")]


def _phone(rng):
    return f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _aspects(problem: str | None) -> dict:
    out = {k: {"ok": True, "note": ""} for k in ASPECT_ZH}
    if problem:
        out[problem] = {"ok": False, "note": _PROBLEMS[problem]}
    return out


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _save_tasks(tasks: list[RectificationTask], today: dt.date) -> None:
    """Insert the tasks dated as they happened (opened the day of the visit, 15 days to fix,
    closed a few days before the deadline), so the monthly "opened"/"closed" figures spread over
    the year instead of all landing in the month the demo ran. Plus a closing note for each."""
    RectificationTask.objects.bulk_create(tasks, batch_size=1000)
    for t in tasks:
        t.created_at = _aware(t.deadline - dt.timedelta(days=15), 17)
        if t.status == "closed":
            t.closed_at = _aware(min(t.deadline - dt.timedelta(days=t.pk % 10), today), 10)
    RectificationTask.objects.bulk_update(tasks, ["created_at", "closed_at"], batch_size=1000)
    notes = [
        TaskNote(task=t, kind="closed", text=t.evidence, author=t.owner)
        for t in tasks
        if t.status == "closed"
    ]
    TaskNote.objects.bulk_create(notes, batch_size=1000)


def loop_demo_step(rng: random.Random, ctx: dict) -> None:
    # The other townships draw from their own Random, forked from the passed one without
    # advancing it: 青石镇's data and the later demo steps stay exactly as they were.
    fork = random.Random()
    fork.setstate(rng.getstate())
    towns_rng = random.Random(f"doudi-loop-demo-townships-{fork.getrandbits(64)}")
    _county_setting(ctx)
    _town1_step(rng, ctx)
    _other_townships(towns_rng, ctx)


def _county_setting(ctx: dict) -> None:
    """The county's own figures for the loop, set by its administrator through the service (and
    so in the audit log), rather than the code's defaults: visits at least once a month, due
    by the 25th, five persons per carer, 100 yuan of services a month (document 5)."""
    county, admin = ctx.get("county"), (ctx.get("users") or {}).get("county")
    if county is None or admin is None or CareSetting.objects.filter(region=county).exists():
        return
    from .services import setting_update

    setting_update(
        actor=admin,
        county=county,
        visits_per_month=1,
        visit_due_day=25,
        max_persons_per_carer=5,
        monthly_service_budget=Decimal("100.00"),
    )


def _town1_step(rng: random.Random, ctx: dict) -> None:
    if Visit.objects.filter(person__village__code__startswith=TOWN1[:9]).exists():
        return
    town1 = Region.objects.filter(code=TOWN1).first()
    if town1 is None:
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=["town1", "cadre1", "cadre2", "provider1"])
    }
    if len(users) < 4:
        return
    clerk, provider_user = users["town1"], users["provider1"]
    # The paired cadre of a village with a demo account (cadre1, cadre2) is that account; other
    # villages' cadres have no account and the township clerk visits there.
    cadre_of = {users["cadre1"].region_id: users["cadre1"], users["cadre2"].region_id: users["cadre2"]}
    cadres = [users["cadre1"], users["cadre2"]]
    today = timezone.localdate()
    persons = list(
        Person.objects.filter(village__code__startswith=TOWN1[:9], status=PersonStatus.ACTIVE)
        .select_related("village")
        .order_by("pk")
    )
    if not persons:
        return
    with transaction.atomic():
        # -- placement: a nursing home for some, the rest at home -------------------------------
        home = Institution.objects.create(region=town1, name="青石镇敬老院", kind="nursing_home", beds=40)
        placements, at_home = [], []
        for p in persons:
            start = p.supported_since or dt.date(2020, 1, 1)
            if p.placement == RegistryPlacement.CENTRALIZED and len(placements) < 35:
                placements.append(
                    CarePlacement(
                        person=p, kind="nursing_home", institution=home, started_on=start, created_by=clerk
                    )
                )
            else:
                if p.placement == RegistryPlacement.CENTRALIZED:
                    Person.objects.filter(pk=p.pk).update(placement=RegistryPlacement.DISPERSED)
                    p.placement = RegistryPlacement.DISPERSED
                placements.append(CarePlacement(person=p, kind="home", started_on=start, created_by=clerk))
                at_home.append(p)
        CarePlacement.objects.bulk_create(placements, batch_size=1000)

        # -- the "多对一" network, with gaps ----------------------------------------------------
        members = []
        carer_phones = {n: _phone(rng) for n in _CARERS}
        for i, p in enumerate(at_home):
            if i % 11 != 3:
                members.append(
                    SupportMember(person=p, role="guardian", name=p.name[0] + "建国", phone=_phone(rng))
                )
            if i % 9 != 4:
                # one carer looks after far too many (the page shows it)
                carer = _CARERS[0] if i % 4 == 0 else rng.choice(_CARERS[1:])
                members.append(SupportMember(person=p, role="carer", name=carer, phone=carer_phones[carer]))
            if i % 13 != 6:
                u = cadre_of.get(p.village_id)
                name = u.name if u else rng.choice(["包村干部 王强", "包村干部 李娜", "包村干部 张军"])
                members.append(SupportMember(person=p, role="cadre", name=name, phone=_phone(rng), user=u))
            if i % 5 != 2:
                role, name = _HELPERS[i % 3]
                members.append(SupportMember(person=p, role=role, name=name, phone=_phone(rng)))
        SupportMember.objects.bulk_create(members, batch_size=1000)

        # -- a year of visits ------------------------------------------------------------------
        visits = []
        problem_people = {p.pk for p in at_home[::17]}
        # One visitor copies a stock sentence into many notes (千篇一律).
        villages = {p.village_id for p in at_home}
        copier = next((u for u in (users["cadre2"], users["cadre1"]) if u.region_id in villages), clerk)
        for m in range(12, -1, -1):
            first = month_start(add_months(today, -m))
            last_day = (add_months(first, 1) - dt.timedelta(days=1)).day
            for i, p in enumerate(at_home):
                if m == 0 and i % 3 == 0:
                    continue  # this month: a third not yet visited (the due list)
                if m > 0 and rng.random() < 0.04:
                    continue  # a missed month
                late = rng.random() < 0.12
                day = rng.randint(26, last_day) if late else rng.randint(1, 24)
                visited_on = first.replace(day=day)
                if visited_on > today or (p.supported_since and visited_on < p.supported_since):
                    continue
                cadre = cadre_of.get(p.village_id, clerk)
                problem = None
                if p.pk in problem_people and m in (1, 2):
                    problem = "guardian"
                elif rng.random() < 0.05:
                    problem = rng.choice(list(_PROBLEMS))
                if cadre is copier and rng.random() < 0.5:
                    notes = _COPIED
                else:
                    notes = "，".join(rng.sample(_SENTENCES, 4)) + "。"
                    if rng.random() < 0.03:
                        notes = "正常"
                visits.append(
                    Visit(
                        person=p,
                        visitor=cadre,
                        visited_on=visited_on,
                        at_home=True,
                        aspects=_aspects(problem),
                        has_problem=problem is not None,
                        guardian_problem=problem == "guardian",
                        notes=notes,
                        perfunctory=similarity.is_perfunctory(notes),
                    )
                )
        for v in visits:
            v.signature = similarity.signature(v.notes)
        Visit.objects.bulk_create(visits, batch_size=1000)
        # Flag copies: bucket every note, the later visit of each near-identical pair points to
        # the earlier one (the same LSH the services use for a single new visit).
        by_id = {v.pk: v for v in visits}
        bands, copies = [], {}
        town = township_code(TOWN1)
        for v in visits:
            for key in similarity.bands(v.signature):
                bands.append(VisitBand(visit=v, township_code=town, band=key))
        for a, b, sim in similarity.near_duplicates((v.pk, v.notes) for v in visits):
            va, vb = by_id[a], by_id[b]
            later, earlier = (va, vb) if (va.visited_on, va.pk) > (vb.visited_on, vb.pk) else (vb, va)
            if later.pk not in copies or sim > copies[later.pk][1]:
                copies[later.pk] = (earlier.pk, round(sim, 3))
        VisitBand.objects.bulk_create(bands, batch_size=2000)
        for pk, (other, sim) in copies.items():
            by_id[pk].copy_of_id, by_id[pk].similarity = other, sim
        Visit.objects.bulk_update([by_id[pk] for pk in copies], ["copy_of", "similarity"], batch_size=1000)

        # -- rectification tasks from the visits that found a problem --------------------------
        tasks = []
        for v in visits:
            if not v.has_problem:
                continue
            key = next(k for k, a in v.aspects.items() if not a["ok"])
            deadline = v.visited_on + dt.timedelta(days=15)
            closed = deadline < today - dt.timedelta(days=20) and rng.random() < 0.85
            tasks.append(
                RectificationTask(
                    region_id=v.person.village_id,
                    person=v.person,
                    source_kind="visit",
                    source_id=str(v.pk),
                    aspect=key,
                    title=f"{v.person.name}：{ASPECT_ZH[key]}有问题",
                    description=v.aspects[key]["note"],
                    owner=v.visitor,
                    deadline=deadline,
                    status="closed" if closed else "open",
                    evidence="已督促整改到位，复查无问题" if closed else "",
                    closed_at=timezone.now() if closed else None,
                    closed_by=v.visitor if closed else None,
                    created_by=v.visitor,
                )
            )
        _save_tasks(tasks, today)

        # -- purchased services ----------------------------------------------------------------
        provider = Provider.objects.create(
            region=town1, name="安和县居家养老服务中心", contact="钱晓燕", phone="13900001111"
        )
        provider.staff.add(provider_user)
        contract = ServiceContract.objects.create(
            provider=provider,
            region=town1,
            number="AHJJ-2026-001",
            start_on=add_months(month_start(today), -2),
            end_on=add_months(month_start(today), 10),
            created_by=clerk,
        )
        served = at_home[: max(1, len(at_home) // 2)]
        ServiceBudget.objects.bulk_create(
            [ServiceBudget(person=p, contract=contract, monthly_amount=Decimal("100")) for p in served]
        )
        orders = []
        for m in (2, 1, 0):
            month = month_start(add_months(today, -m))
            for p in served:
                orders.append(
                    ServiceOrder(
                        person=p,
                        contract=contract,
                        month=month,
                        kind="cleaning",
                        times=2,
                        unit_price=Decimal("25"),
                        created_by=clerk,
                    )
                )
                orders.append(
                    ServiceOrder(
                        person=p,
                        contract=contract,
                        month=month,
                        kind="laundry",
                        times=2,
                        unit_price=Decimal("25"),
                        created_by=clerk,
                    )
                )
        ServiceOrder.objects.bulk_create(orders, batch_size=1000)
        deliveries = []
        for o in orders:
            months_ago = (today.year - o.month.year) * 12 + today.month - o.month.month
            done = o.times if months_ago > 0 and rng.random() < 0.9 else rng.randint(0, min(o.times, 1))
            for k in range(done):
                day = min(o.month.replace(day=3 + 9 * k), today)
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + k, 30)))
                deliveries.append(
                    ServiceDelivery(
                        order=o,
                        delivered_at=at,
                        done=f"{o.get_kind_display()}，老人满意",
                        recorded_by=provider_user,
                    )
                )
        ServiceDelivery.objects.bulk_create(deliveries, batch_size=1000)

        # -- a winter material batch, half handed over -------------------------------------------
        batch = MaterialBatch.objects.create(
            region=town1,
            name=f"{today.year}年冬季取暖物资",
            items=["棉被", "棉衣", "清洁型煤", "火炉"],
            planned_on=month_start(today),
            created_by=clerk,
        )
        handovers = []
        for i, p in enumerate(at_home):
            done = i % 2 == 0
            handovers.append(
                MaterialHandover(
                    batch=batch,
                    person=p,
                    delivered_on=month_start(today) if done else None,
                    received_by=(p.name if i % 4 == 0 else p.name[0] + "建国（监护人）") if done else "",
                    recorded_by=cadres[i % 2] if done else None,
                )
            )
        MaterialHandover.objects.bulk_create(handovers, batch_size=1000)
    ctx["care_loop"] = {"visits": len(visits), "tasks": len(tasks), "at_home": len(at_home)}


# -- every other township: a year of visits of its dispersed persons ----------------------------


def _fast_signatures(notes: list[str]) -> dict[str, list[int]]:
    """similarity.signature for many notes at once, equal to it (tested): the notes are made of
    a few dozen sentences, so their 3-grams are few; each gram's 64 permuted hashes are computed
    once and a note's MinHash is the position-wise minimum over its grams."""
    perms = similarity._PERMS
    per_gram: dict[str, tuple[int, ...]] = {}
    out: dict[str, list[int]] = {}
    n = similarity.NGRAM
    for text in notes:
        if text in out:
            continue
        norm = similarity.normalise(text)
        if len(norm) < similarity.MIN_CHARS:
            out[text] = []
            continue
        vecs = []
        for gram in {norm[i : i + n] for i in range(len(norm) - n + 1)}:
            vec = per_gram.get(gram)
            if vec is None:
                x = similarity._h(gram)
                vec = per_gram[gram] = tuple(
                    ((a * x + b) % similarity._MERSENNE) & similarity._MAX_HASH for a, b in perms
                )
            vecs.append(vec)
        out[text] = list(map(min, zip(*vecs, strict=True)))
    return out


def _visit_day(rng: random.Random, k: int, per_month: int, due: int, last_day: int, late: bool) -> int:
    """The day of the k-th of `per_month` visits: within its share of the days before the due
    day, or (late) after the due day."""
    due = min(due, last_day)
    if late and due < last_day:
        return rng.randint(due + 1, last_day)
    span = max(1, due - 1)
    lo = 1 + span * k // per_month
    hi = max(lo, span * (k + 1) // per_month)
    return rng.randint(lo, hi)


def _other_townships(rng: random.Random, ctx: dict) -> None:
    """A year of visits for the dispersed persons of every township but 青石镇, by its clerk (or,
    where the demo has no account, the county demo officer): most on time, some late, a few
    missed, one village's notes often copied, a few too short, problems opening rectification
    tasks (the older ones mostly closed). This month partly done, as far as today allows. Per
    township: skipped when it already has visits (idempotent)."""
    town1 = Region.objects.filter(code=TOWN1).select_related("parent").first()
    county = town1.parent if town1 else None
    officer = User.objects.filter(username="county").first()
    if county is None or officer is None:
        return
    setting = setting_for(TOWN1)
    per_month, due = max(1, setting.visits_per_month), setting.visit_due_day
    clerks: dict[str, User] = {}
    for u in User.objects.filter(region__parent=county, is_active=True).order_by("pk"):
        if "township_clerk" in u.roles:
            clerks.setdefault(u.region_id, u)
    today = timezone.localdate()
    townships = (
        Region.objects.filter(parent=county, level=rcodes.TOWNSHIP).exclude(code=TOWN1).order_by("code")
    )
    for town in townships:
        prefix = town.code[:9]
        if Visit.objects.filter(person__village__code__startswith=prefix).exists():
            continue
        persons = list(
            Person.objects.filter(
                village__code__startswith=prefix,
                status=PersonStatus.ACTIVE,
                placement=RegistryPlacement.DISPERSED,
            ).order_by("pk")
        )
        if persons:
            with transaction.atomic():
                _township_visits(rng, town, persons, clerks.get(town.code, officer), per_month, due, today)


def _township_visits(rng, town, persons, visitor, per_month, due, today) -> None:
    # Each township works a little differently (the ranking and the late trend show it).
    p_late = rng.uniform(0.03, 0.12)
    p_miss = rng.uniform(0.01, 0.06)
    p_problem = rng.uniform(0.02, 0.05)
    pending = rng.uniform(0.2, 0.4)  # this month: not yet visited (before the due day's pressure)
    copier_village = rng.choice(sorted({p.village_id for p in persons}))
    visits = []
    for m in range(12, -1, -1):
        first = month_start(add_months(today, -m))
        last_day = (add_months(first, 1) - dt.timedelta(days=1)).day
        for p in persons:
            if m == 0 and rng.random() < pending:
                continue
            if m > 0 and rng.random() < p_miss:
                continue
            for k in range(per_month):
                late = rng.random() < p_late
                visited_on = first.replace(day=_visit_day(rng, k, per_month, due, last_day, late))
                if visited_on > today or (p.supported_since and visited_on < p.supported_since):
                    continue
                problem = rng.choice(list(_PROBLEMS)) if rng.random() < p_problem else None
                if p.village_id == copier_village and rng.random() < 0.5:
                    notes = _COPIED
                elif rng.random() < 0.03:
                    notes = "正常"
                else:
                    notes = "，".join(rng.sample(_SENTENCES, 4)) + "。"
                visits.append(
                    Visit(
                        person=p,
                        visitor=visitor,
                        visited_on=visited_on,
                        at_home=True,
                        aspects=_aspects(problem),
                        has_problem=problem is not None,
                        guardian_problem=problem == "guardian",
                        notes=notes,
                        perfunctory=similarity.is_perfunctory(notes),
                    )
                )
    if not visits:
        return
    sigs = _fast_signatures([v.notes for v in visits])
    for v in visits:
        v.signature = sigs[v.notes]
    Visit.objects.bulk_create(visits, batch_size=1000)
    # The band rows (as the services store them) and the copies, bucketed by band key as
    # similarity.near_duplicates does, from the signatures already computed.
    code = township_code(town.code)
    bands, buckets = [], {}
    for v in visits:
        for key in similarity.bands(v.signature):
            bands.append(VisitBand(visit=v, township_code=code, band=key))
            buckets.setdefault(key, []).append(v)
    VisitBand.objects.bulk_create(bands, batch_size=2000)
    copies: dict[int, tuple[Visit, float]] = {}
    seen: set[tuple[int, int]] = set()
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                later, earlier = (a, b) if (a.visited_on, a.pk) > (b.visited_on, b.pk) else (b, a)
                if (later.pk, earlier.pk) in seen:
                    continue
                seen.add((later.pk, earlier.pk))
                sim = similarity.estimate(a.signature, b.signature)
                if sim >= similarity.THRESHOLD and (later.pk not in copies or sim > copies[later.pk][1]):
                    copies[later.pk] = (earlier, round(sim, 3))
    changed = []
    for v in visits:
        if v.pk in copies:
            v.copy_of_id, v.similarity = copies[v.pk][0].pk, copies[v.pk][1]
            changed.append(v)
    Visit.objects.bulk_update(changed, ["copy_of", "similarity"], batch_size=1000)

    tasks = []
    for v in visits:
        if not v.has_problem:
            continue
        key = next(k for k, a in v.aspects.items() if not a["ok"])
        deadline = v.visited_on + dt.timedelta(days=15)
        closed = deadline < today - dt.timedelta(days=20) and rng.random() < 0.85
        tasks.append(
            RectificationTask(
                region_id=v.person.village_id,
                person=v.person,
                source_kind="visit",
                source_id=str(v.pk),
                aspect=key,
                title=f"{v.person.name}：{ASPECT_ZH[key]}有问题",
                description=v.aspects[key]["note"],
                owner=visitor,
                deadline=deadline,
                status="closed" if closed else "open",
                evidence="已督促整改到位，复查无问题" if closed else "",
                closed_by=visitor if closed else None,
                created_by=visitor,
            )
        )
    _save_tasks(tasks, today)
