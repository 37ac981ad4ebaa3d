"""Demo data for eligibility, after the registry's ledger (registry/demo.py):

* the county's 2021 setting (低保 urban 780 / rural 620 yuan, disposable income 21,000 yuan,
  minimum wage 1,900 yuan; care subsidy: 全自理 100 yuan, 半失能 10 %, 全失能 30 % of the wage);
* the facts on record (a baseline decision) and a self-care assessment for most supported persons;
* applications of 青石镇 and 柳河镇 in every step, one of them past its deadline;
* two terminations, one with a referral;
* a few persons the dynamic review must list (income above the standard, an able son, an overdue
  or missing assessment).

Deterministic for a seed (the dates are relative to the day the demo is built, so that deadlines
and "overdue" mean something on that day); idempotent: a county that already has a setting is
left alone. Bulk writes, audited with record_many.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from doudi.core import audit
from doudi.core.models import Region
from doudi.eligibility.selfcare import self_care_level
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person, PersonStatus
from doudi.registry.rules import evaluate_eligibility

from . import services
from .models import Assessment, Decision, PolicySetting
from .policy import person_facts, policy_for

COUNTY_CODE = "990121000000"
ITEMS = Assessment.ITEMS


def _facts(rng: random.Random, person: Person, today: dt.date) -> dict:
    age = person.age_on(today)
    return {
        "monthly_income": str(rng.choice([0, 0, 50, 120, 180, 260, 300, 350])),
        "assets_within_limit": True,
        "in_school": age < 18,
        "orphan_scheme_chosen": False,
        "provincial_no_work_capacity": False,
        "supporters": [],
    }


def _items(rng: random.Random) -> dict:
    unmet = rng.choices([0, 1, 2, 3, 4, 5, 6], weights=[62, 10, 8, 6, 5, 4, 5])[0]
    keys = list(ITEMS)
    rng.shuffle(keys)
    return {k: k not in keys[:unmet] for k in ITEMS}


def _ago(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)


def eligibility_step(rng: random.Random, ctx: dict) -> None:
    county = Region.objects.filter(code=COUNTY_CODE).first()
    users = ctx.get("users", {})
    officer, town1, town2 = users.get("county"), users.get("town1"), users.get("town2")
    if (
        county is None
        or officer is None
        or not Person.objects.filter(village__code__startswith="990121").exists()
    ):
        return
    if PolicySetting.objects.filter(region=county).exists():
        return
    today = dt.date.today()
    with transaction.atomic():
        services.policy_setting_create(
            actor=officer,
            region=county,
            effective_from=dt.date(today.year, 1, 1),
            policy_version="2021",
            dibao_urban=Decimal("780"),
            dibao_rural=Decimal("620"),
            disposable_income=Decimal("21000"),
            minimum_wage=Decimal("1900"),
            care_full_kind="fixed",
            care_full_value=Decimal("100"),
            care_partial_kind="wage_share",
            care_partial_value=Decimal("0.1"),
            care_none_kind="wage_share",
            care_none_value=Decimal("0.3"),
            limit_review=15,
            limit_county=15,
            limit_recheck=15,
            limit_refusal_notice=3,
            publication_days=7,
            note="示例：县民政局2026年标准",
        )
        active = list(
            Person.objects.filter(village__code__startswith="990121", status=PersonStatus.ACTIVE)
            .select_related("village")
            .order_by("pk")
        )
        _baseline(rng, active, officer, today)
        _cases(rng, town1, town2, officer, today)
        _review_targets(rng, active, town1, officer, today)
    ctx["eligibility_cases"] = True


def _baseline(rng, active, officer, today) -> None:
    """Facts on record and an assessment for most supported persons (bulk)."""
    pol = policy_for(COUNTY_CODE, today)
    decisions, assessments = [], []
    for person in active:
        facts = person_facts(person, _facts(rng, person, today), pol)
        as_of = person.supported_since or _ago(today, 365)
        if as_of <= person.birth_date:
            as_of = today
        facts["already_supported"] = False
        decision = evaluate_eligibility(facts, pol.version, as_of)
        if not decision.eligible:
            # The demo ledger has disabled adults whose grade the 2021 list does not cover; the
            # province's extra cases (a reviewer's tick) put them on record as they were admitted.
            facts["provincial_no_work_capacity"] = True
            decision = evaluate_eligibility(facts, pol.version, as_of)
        decisions.append(
            Decision(
                person=person,
                kind=Decision.Kind.BASELINE,
                policy_version=pol.version,
                as_of=as_of,
                eligible=decision.eligible,
                summary=decision.summary[:500],
                facts=facts,
                trace=decision.to_dict(),
                decided_by=officer,
            )
        )
        roll = rng.random()
        if roll < 0.03:
            continue  # never assessed: the dynamic review lists them
        days = rng.randint(400, 520) if roll < 0.05 else rng.randint(10, 330)
        items = _items(rng)
        assessments.append(
            Assessment(
                person=person,
                assessed_on=_ago(today, days),
                assessor=rng.choice(["县残联评估组", "乡镇卫生院 王医生", "县民政局 评估员"]),
                level=self_care_level(items),
                recorded_by=officer,
                **items,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=500)
    Assessment.objects.bulk_create(assessments, batch_size=500)
    audit.record_many(
        [audit.Pending(officer, "import", d, extra={"source": "demo"}) for d in decisions]
        + [
            audit.Pending(officer, "import", a, extra={"source": "demo", "level": a.level})
            for a in assessments
        ]
    )


FACTS_OK = {"monthly_income": "150", "assets_within_limit": True, "supporters": []}


NEW_NAMES = ["韩德明", "冯桂英", "邓长海", "曹秀兰", "彭福生", "曾玉梅", "肖守义", "田凤英"]


def _applicants(rng, clerk, n, today):
    """Persons of the clerk's township waiting to apply; new applicants (not yet in the
    registry) make up the rest and are registered by application_record."""
    prefix = clerk.region.prefix
    found: list = list(
        Person.objects.filter(village__code__startswith=prefix, status=PersonStatus.APPLYING).order_by("pk")[
            :n
        ]
    )
    villages = list(Region.objects.filter(code__startswith=prefix, level=5, is_active=True).order_by("code"))
    seq = 900
    while len(found) < n and villages:
        birth = dt.date(today.year - rng.randint(62, 88), rng.randint(1, 12), rng.randint(1, 28))
        number = make_id_number(COUNTY_CODE[:6], birth, seq)
        seq += 2
        if Person.objects.filter(id_number=number).exists():
            continue
        name = NEW_NAMES[len(found) % len(NEW_NAMES)]
        found.append({"name": name, "id_number": number, "village": rng.choice(villages), "phone": ""})
    return found


def _cases(rng, town1, town2, officer, today) -> None:
    if town1 is None or town1.region is None:
        return
    people = _applicants(rng, town1, 7, today)
    if town2 is not None and town2.region is not None:
        people2 = _applicants(rng, town2, 1, today)
    else:
        people2 = []
    s = services
    steps = [
        # (days ago received, how far the case goes)
        (1, "applied"),
        (6, "review"),
        (45, "review_overdue"),
        (30, "publication"),
        (40, "county"),
        (60, "notice_refused"),
        (70, "closed_approved"),
    ]
    for person, (ago, how) in zip(people, steps, strict=False):
        facts = dict(FACTS_OK)
        if how == "notice_refused":
            facts["supporters"] = [{"relation": "child", "label": "女儿", "birth_date": "1978-05-01"}]
        case = s.application_record(
            actor=town1,
            person=person if isinstance(person, Person) else None,
            new_person=None if isinstance(person, Person) else person,
            received_on=_ago(today, ago),
            facts=facts,
            applicant_kind="committee" if ago % 2 else "self",
            applicant_name="村民委员会" if ago % 2 else "",
        )
        if how == "applied":
            continue
        s.case_accept(actor=town1, case=case, accepted_on=_ago(today, ago - 1 if ago > 1 else ago))
        if how in ("review", "review_overdue"):
            continue
        s.case_review(
            actor=town1, case=case, reviewed_on=_ago(today, ago - 10), approve=how != "notice_refused"
        )
        if how == "notice_refused":
            s.case_decide(
                actor=officer,
                case=case,
                decided_on=_ago(today, ago - 20),
                approve=False,
                reasons="女儿具备赡养能力，经民主评议确认",
            )
            continue
        s.case_publish(actor=town1, case=case, published_on=_ago(today, ago - 12))
        if how == "publication":
            s.objection_record(
                actor=town1,
                case=case,
                received_on=_ago(today, ago - 13),
                raised_by="同村村民",
                content="反映申请人有存款",
            )
            continue
        s.publication_close(actor=town1, case=case, closed_on=_ago(today, ago - 20))
        if how == "county":
            continue
        s.case_decide(actor=officer, case=case, decided_on=_ago(today, ago - 30), approve=True)
        s.notice_issue(actor=town1, case=case, issued_on=_ago(today, ago - 32))
    for person in people2:
        case = s.application_record(
            actor=town2,
            person=person if isinstance(person, Person) else None,
            new_person=None if isinstance(person, Person) else person,
            received_on=_ago(today, 3),
            facts=FACTS_OK,
        )
        s.case_accept(actor=town2, case=case, accepted_on=_ago(today, 2))


def _review_targets(rng, active, clerk, officer, today) -> None:
    """Two terminations and a few persons whose facts have changed."""
    if clerk is None or clerk.region is None:
        return
    prefix = clerk.region.prefix
    town_people = [p for p in active if p.village_id.startswith(prefix) and p.age_on(today) >= 60]
    if len(town_people) < 6:
        return
    dead, leaving, earner, with_son = town_people[0], town_people[1], town_people[2], town_people[3]
    s = services
    s.termination_start(
        actor=clerk,
        person=dead,
        ground="death",
        reported_on=_ago(today, 4),
        reporter="村委会",
        note="家属报告于本月去世",
    )
    case = s.termination_start(
        actor=clerk,
        person=leaving,
        ground="supporter",
        reported_on=_ago(today, 30),
        reporter="村委会",
        monthly_income="400",
        note="儿子返乡就业，具备赡养能力",
    )
    s.termination_verify(
        actor=clerk, case=case, verified_on=_ago(today, 25), confirmed=True, note="入户核实属实"
    )
    s.case_decide(actor=officer, case=case, decided_on=_ago(today, 15), approve=True)
    s.case_publish(actor=clerk, case=case, published_on=_ago(today, 3))
    s.review_record(
        actor=officer, person=earner, as_of=_ago(today, 2), facts={**FACTS_OK, "monthly_income": "950"}
    )
    s.review_record(
        actor=officer,
        person=with_son,
        as_of=_ago(today, 2),
        facts={
            **FACTS_OK,
            "supporters": [{"relation": "child", "label": "儿子", "birth_date": "1979-03-01"}],
        },
    )
