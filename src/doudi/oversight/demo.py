"""Demo step: a checklist, two inspections with findings (one round's rectifications closed,
the other's open), a questionnaire, surveys and evaluations. Idempotent: it does nothing when the
county's standard checklist already exists. Runs after the care loop's step (needs its persons)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from doudi.core.models import Region
from doudi.core.scope import within
from doudi.registry.models import Person

from . import inspections as svc
from . import services as task_svc
from . import surveys
from .models import Checklist

PROBLEMS = {
    "视觉贫困": "老人被褥脏污、衣物破旧，新房建成后仍住老房",
    "台账": "走访记录千篇一律，连续三个月内容相同",
    "监护责任": "监护人常年在外务工，对老人不闻不问",
    "物资": "冬季发放的电暖器未拆封使用",
}


def oversight_demo_step(rng: random.Random, ctx: dict) -> None:
    county = ctx["county"]
    if Checklist.objects.filter(region=county, name=svc.DEFAULT_CHECKLIST_NAME).exists():
        return
    users = ctx["users"]
    officer, inspector = users["county"], users["inspector"]
    today = timezone.localdate()
    checklist = svc.checklist_ensure_default(actor=officer, region=county)
    questionnaire = surveys.questionnaire_create(actor=officer, region=county)
    t1 = Region.objects.get(code=county.code[:6] + "100000")
    t2 = Region.objects.get(code=county.code[:6] + "101000")
    items = list(checklist.items.all())

    def results(region, keys):
        persons = list(within(Person.objects.filter(status="active"), region)[:5])
        out = {}
        for item in items:
            key = next((k for k in keys if item.title.startswith(k)), None)
            out[item.pk] = {
                "ok": key is None,
                "note": PROBLEMS[key] if key else "",
                "person": rng.choice(persons) if key and persons and key != "台账" else None,
            }
        return out

    # An earlier round: 青石镇, problems rectified and closed.
    (done,) = svc.inspection_plan(
        actor=inspector,
        round="第三季度督查",
        checklist=checklist,
        planned_on=today - dt.timedelta(days=60),
        regions=[t1],
    )
    svc.inspection_record(
        actor=inspector,
        inspection=done,
        owner=users["town1"],
        inspected_on=today - dt.timedelta(days=58),
        results=results(t1, ["视觉贫困", "台账"]),
        summary="整体情况较好，个别问题需整改。",
    )
    for finding in done.findings.filter(ok=False).select_related("task"):
        task_svc.task_close(
            actor=users["town1"],
            task=finding.task,
            version=finding.task.version,
            evidence="已督促整改到位：更换被褥、清洗衣物；重新规范走访记录。",
        )
    # This quarter: 柳河镇, rectification open.
    (current,) = svc.inspection_plan(
        actor=inspector,
        round="第四季度督查",
        checklist=checklist,
        planned_on=today - dt.timedelta(days=5),
        regions=[t2],
    )
    svc.inspection_record(
        actor=inspector,
        inspection=current,
        owner=users["town2"],
        inspected_on=today - dt.timedelta(days=4),
        results=results(t2, ["监护责任", "物资", "视觉贫困"]),
        summary="问题较多，须限期整改。",
    )

    # Surveys and evaluations for some persons of the two townships.
    questions = list(questionnaire.questions.all())
    for region, clerk in ((t1, users["town1"]), (t2, users["town2"])):
        persons = list(within(Person.objects.filter(status="active"), region).order_by("pk")[:8])
        for n, person in enumerate(persons):
            answers = {
                q.pk: rng.choices(["satisfied", "fairly", "dissatisfied"], weights=[6, 3, 1])[0]
                for q in questions
            }
            surveys.survey_record(
                actor=clerk,
                person=person,
                questionnaire=questionnaire,
                answers=answers,
                asked_on=today - dt.timedelta(days=rng.randint(1, 40)),
                channel="visit" if n % 2 else "separate",
            )
        for n, person in enumerate(persons[:3]):
            poor = region == t2 and n == 0
            scores = {
                c: (rng.choice([1, 2]) if poor else rng.choice([4, 5]))
                for c in surveys.rules.CRITERIA["guardian"]
            }
            surveys.evaluation_record(
                actor=clerk,
                region=person.village,
                person=person,
                subject="guardian",
                subject_name=f"{person.name[0]}建华" if not poor else f"{person.name[0]}国强",
                scores=scores,
                comment="监护人常年外出，老人无人照看" if poor else "",
                evaluated_on=today - dt.timedelta(days=rng.randint(1, 30)),
            )
