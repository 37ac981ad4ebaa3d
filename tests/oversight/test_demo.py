import random

from doudi.core.audit import verify_chain
from doudi.oversight.demo import oversight_demo_step
from doudi.oversight.models import Evaluation, Inspection, RectificationTask, SurveyResponse


def test_the_oversight_demo_step_is_complete_and_idempotent(world, lf):
    for n in range(4):
        lf.person(world.v1b, f"青石老人{n}")
        lf.person(world.v2, f"柳河老人{n}")
    ctx = {"county": world.county, "users": vars(world.users)}
    oversight_demo_step(random.Random(1), ctx)
    assert Inspection.objects.filter(status="done").count() == 2
    tasks = RectificationTask.objects.filter(source_kind="inspection")
    assert tasks.filter(status="closed", region=world.t1).count() == 2
    assert tasks.filter(status="open", region=world.t2).count() == 3
    assert SurveyResponse.objects.count() == 8 and Evaluation.objects.filter(poor=True).count() == 1
    assert verify_chain().ok
    oversight_demo_step(random.Random(2), ctx)
    assert Inspection.objects.count() == 2 and SurveyResponse.objects.count() == 8
