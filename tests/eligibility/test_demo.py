"""The demo step: settings, facts on record, assessments, cases in every step; idempotent."""

import datetime as dt
import random

from doudi.eligibility import selectors
from doudi.eligibility.demo import eligibility_step
from doudi.eligibility.models import Assessment, Case, Decision, PolicySetting

from .conftest import make_person


def test_the_demo_step_fills_every_worklist_and_runs_once(world):
    for i in range(8):
        make_person(
            world.v1,
            f"老人{i}",
            dt.date(1940 + i, 1, 1),
            status="active",
            supported_since=dt.date(2020, 1, 1),
        )
    make_person(world.v1b, "申请人", dt.date(1950, 2, 2), status="applying")
    u = world.users
    ctx = {"users": {"county": u.county, "town1": u.town1, "town2": u.town2}}
    eligibility_step(random.Random(1), ctx)
    assert PolicySetting.objects.count() == 1
    assert Decision.objects.filter(kind="baseline").count() == 8
    assert Assessment.objects.count() >= 6
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"applied", "review", "recheck", "county", "notice", "closed", "verify", "publication"} <= stages
    assert any(i.overdue for i in selectors.worklist(u.county))
    codes = {f.code for r in selectors.dynamic_review(u.county) for f in r.findings}
    assert {"no_income", "no_able_supporter"} <= codes
    counts = (Case.objects.count(), Decision.objects.count(), Assessment.objects.count())
    eligibility_step(random.Random(1), ctx)
    assert (Case.objects.count(), Decision.objects.count(), Assessment.objects.count()) == counts


def test_the_demo_step_does_nothing_without_persons(world):
    eligibility_step(random.Random(1), {"users": {"county": world.users.county}})
    assert PolicySetting.objects.count() == 0
