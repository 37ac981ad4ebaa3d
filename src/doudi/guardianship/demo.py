"""Demo guardianship data for the demo persons who lack full civil capacity.

Runs after the registry step. Deterministic from the passed Random (dates are relative to the day
it runs, so that "expiring within 30 days" always has examples), idempotent (persons who already
have candidates are left alone) and fast (bulk_create, no documents rendered: demo agreements are
marked as transferred from paper records).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from doudi.registry.models import Person, PersonStatus

from .models import Agreement, CandidateKind, GuardianCandidate, GuardianConsent, Guardianship
from .rules import AGREEMENT_DUTIES, GUARDIAN_KIND_ZH, GuardianCategory
from .services import NEEDS_GUARDIAN, committee_name, person_proposal, township_government

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_GIVEN = "建国秀兰德明玉珍桂英志强海燕春梅国华丽娟永福淑芬红军晓东文静金凤长林俊杰雪梅振华凤英宏伟"
_HEALTH_OK = ["健康", "身体良好", "基本健康"]
_UNABLE = [
    ("年老体弱无力履行", "年老体弱"),
    ("长期外出务工，无法照料", "健康"),
    ("本人患重病，需人照顾", "患重病"),
    ("本人为残疾人，行动不便", "肢体残疾"),
]
_RELATIONS = {
    CandidateKind.SPOUSE: ["配偶"],
    CandidateKind.CHILD: ["长子", "次子", "长女", "次女"],
    CandidateKind.SIBLING: ["兄", "弟", "姐", "妹"],
    CandidateKind.OTHER_RELATIVE: ["孙子", "外孙女"],
    CandidateKind.INDIVIDUAL: ["侄子", "邻居", "外甥", "堂弟"],
}


_MINOR_RELATIONS = {
    CandidateKind.PARENT: ["父亲", "母亲"],
    CandidateKind.GRANDPARENT: ["祖父", "祖母", "外祖父", "外祖母"],
    CandidateKind.SIBLING: ["哥哥", "姐姐"],
}


def _relation(rng: random.Random, kind: str, minor: bool) -> str:
    table = _MINOR_RELATIONS if minor else _RELATIONS
    return rng.choice(table.get(kind) or _RELATIONS.get(kind) or [""])


def _name(rng: random.Random, surname: str | None = None) -> str:
    i = rng.randrange(0, len(_GIVEN) // 2) * 2
    return (surname or rng.choice(_SURNAMES)) + _GIVEN[i : i + 2]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


# Candidate age relative to the ward's (years), by kind.
_AGE_OFFSET = {
    CandidateKind.SPOUSE: (-5, 5),
    CandidateKind.PARENT: (22, 38),
    CandidateKind.CHILD: (-35, -22),
    CandidateKind.GRANDPARENT: (45, 62),
    CandidateKind.SIBLING: (-8, 8),
}


def _age(rng: random.Random, kind: str, ward_age: int) -> int | None:
    if kind == CandidateKind.VILLAGE_COMMITTEE:
        return None
    low, high = _AGE_OFFSET.get(kind, (None, None))
    if low is None:
        return rng.randint(35, 65)
    return max(18, min(95, ward_age + rng.randint(low, high)))


def _candidate(
    rng,
    person,
    surname,
    kind,
    index,
    clerk,
    *,
    able=True,
    willing=True,
    hostile=False,
    reason="",
    health=None,
    relation=None,
    name=None,
) -> GuardianCandidate:
    return GuardianCandidate(
        person=person,
        kind=kind,
        name=name or _name(rng, None if kind == CandidateKind.INDIVIDUAL else surname),
        relation=relation if relation is not None else rng.choice(_RELATIONS.get(kind, [""])),
        age=_age(rng, kind, person.age),
        health=health or rng.choice(_HEALTH_OK),
        phone=_phone(rng),
        address=f"{person.village.name}{rng.randint(1, 9)}组",
        able=able,
        reason_unable=reason,
        willing=willing,
        hostile=hostile,
        position=10 + index,
        created_by=clerk,
    )


def demo_step(rng: random.Random, ctx: dict) -> None:
    wards = list(
        Person.objects.filter(status=PersonStatus.ACTIVE, civil_capacity__in=NEEDS_GUARDIAN)
        .exclude(guardian_candidates__isnull=False)
        .select_related("village", "village__parent")
        .order_by("pk")
    )
    if not wards:
        return
    clerk = (ctx.get("users") or {}).get("county")
    if clerk is None:
        from doudi.core.models import User

        clerk = User.objects.filter(username="county").first() or User.objects.order_by("pk").first()
    if clerk is None:
        return
    today = timezone.localdate()

    candidates: list[GuardianCandidate] = []
    plan: list[tuple[Person, str, list[GuardianCandidate]]] = []
    for person in wards:
        roll = rng.random()
        outcome = "none" if roll < 0.07 else "I" if roll < 0.67 else "II" if roll < 0.82 else "III"
        surname = person.name[:1]
        mine: list[GuardianCandidate] = []

        def add(kind, *, person=person, surname=surname, mine=mine, **flags):
            mine.append(_candidate(rng, person, surname, kind, len(mine), clerk, **flags))

        committee = committee_name(person.village)
        minor = person.age < 18
        # Close relatives a ward of this age would have (Art. 27 for minors, Art. 28 for adults).
        first = CandidateKind.PARENT if minor else CandidateKind.SPOUSE
        second = CandidateKind.GRANDPARENT if minor else CandidateKind.CHILD
        other = CandidateKind.SIBLING
        if outcome == "I":
            if rng.random() < 0.4:
                reason, health = rng.choice(_UNABLE)
                add(first, able=False, reason=reason, health=health, relation=_relation(rng, first, minor))
            if rng.random() < 0.2:
                add(second, hostile=True, relation=_relation(rng, second, minor))
            kind = rng.choice([second, second, other])
            add(kind, relation=_relation(rng, kind, minor))
        elif outcome == "II":
            reason, health = rng.choice(_UNABLE)
            add(other, able=False, reason=reason, health=health, relation=_relation(rng, other, minor))
            add(CandidateKind.INDIVIDUAL)
        elif outcome == "III":
            reason, health = rng.choice(_UNABLE)
            add(other, able=False, reason=reason, health=health, relation=_relation(rng, other, minor))
            if rng.random() < 0.5:
                add(second, willing=False, relation=_relation(rng, second, minor))
            add(CandidateKind.VILLAGE_COMMITTEE, name=committee, relation="", health="—")
        else:  # no guardian yet: relatives listed, nothing confirmed
            reason, health = rng.choice(_UNABLE)
            add(other, able=False, reason=reason, health=health, relation=_relation(rng, other, minor))
            if rng.random() < 0.5:
                add(CandidateKind.INDIVIDUAL)
        candidates.extend(mine)
        plan.append((person, outcome, mine))

    with transaction.atomic():
        GuardianCandidate.objects.bulk_create(candidates, batch_size=1000)
        for c in candidates:  # nothing decided yet: the proposal assumes consent can be sought
            c._prefetched_objects_cache = {"consents": []}
        guardianships, consents = [], []
        for person, outcome, mine in plan:
            if outcome == "none":
                continue
            result = person_proposal(person, mine, as_of=today).proposal
            chosen = next(c for c in mine if c.pk == result.candidate_id)
            started = today - dt.timedelta(days=rng.randint(40, 1400))
            if result.category == GuardianCategory.II:  # a category Ⅱ guardian needs the consent first
                consents.append(
                    GuardianConsent(
                        candidate=chosen,
                        body=GuardianConsent.Body.VILLAGE_COMMITTEE,
                        body_name=committee_name(person.village),
                        granted=True,
                        decided_on=today - dt.timedelta(days=rng.randint(1400, 1500)),
                        note="村民委员会会议研究同意",
                        recorded_by=clerk,
                    )
                )
            guardianships.append(
                Guardianship(
                    person=person,
                    candidate=chosen,
                    guardian_name=chosen.name,
                    guardian_kind=chosen.kind,
                    relation=chosen.relation,
                    category=result.category,
                    started_on=started,
                    basis=_basis(result.category, chosen, person),
                    explanation=result.explanation,
                    proposal=result.to_dict(),
                    confirmed_by=clerk,
                )
            )
        agreements = []
        duties_all = [{"key": k, "title": t, "detail": d} for k, (t, d) in AGREEMENT_DUTIES.items()]
        for g in guardianships:
            roll = rng.random()
            if roll < 0.12:
                continue  # guardian confirmed, no agreement yet
            if roll < 0.24:
                end = today + dt.timedelta(days=rng.randint(0, 29))  # expiring soon
            elif roll < 0.30:
                end = today - dt.timedelta(days=rng.randint(1, 90))  # lapsed, not renewed
            else:
                end = today + dt.timedelta(days=rng.randint(31, 1000))
            start = end - dt.timedelta(days=3 * 365 - 1)
            # The agreement is signed when the guardian is confirmed (or later).
            g.started_on = min(g.started_on, start)
            duties = [d for d in duties_all if d["key"] != "hospital_escort" or rng.random() < 0.7]
            agreements.append(
                Agreement(
                    person=g.person,
                    guardianship=g,
                    status=Agreement.Status.ACTIVE if end >= today else Agreement.Status.EXPIRED,
                    township_name=township_government(g.person.village),
                    committee_name=committee_name(g.person.village),
                    guardian_name=g.guardian_name,
                    guardian_phone=g.candidate.phone,
                    guardian_address=g.candidate.address,
                    duties=duties,
                    visit_frequency=rng.choice(
                        ["每周上门探视不少于2次", "每周上门探视不少于3次", "每日看望1次"]
                    ),
                    contact=f"监护人电话{g.candidate.phone}，保持畅通",
                    emergency_steps="1. 被监护人突发疾病或意外的，监护人立即拨打120并陪同就医；\n"
                    "2. 同时报告村（居）民委员会和乡镇民政办。",
                    other_terms="本协议由纸质协议转录，签字原件存乡镇民政办。",
                    start_on=start,
                    end_on=end,
                    signed_on=start,
                    created_by=clerk,
                )
            )
        GuardianConsent.objects.bulk_create(consents, batch_size=1000)
        Guardianship.objects.bulk_create(guardianships, batch_size=1000)
        Agreement.objects.bulk_create(agreements, batch_size=1000)
    ctx["care"] = {
        "wards": len(plan),
        "guardianships": len(guardianships),
        "agreements": len(agreements),
    }


def _basis(category, candidate: GuardianCandidate, person: Person) -> str:
    if category == GuardianCategory.III:
        return f"依照《民法典》第三十二条，由{candidate.name}担任监护人。"
    article = "《民法典》第二十七条" if person.age < 18 else "《民法典》第二十八条"
    if category == GuardianCategory.II:
        return f"依照{article}，经{committee_name(person.village)}同意，由愿意担任监护人的{candidate.name}担任监护人。"
    return f"依照{article}，由{GUARDIAN_KIND_ZH[candidate.kind]}{candidate.name}（{candidate.relation}）担任监护人。"
