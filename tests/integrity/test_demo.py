import random

from doudi.core import demo as core_demo
from doudi.core.audit import verify_chain
from doudi.core.models import Region, User
from doudi.integrity.demo import TITLE, integrity_demo_step
from doudi.integrity.models import Campaign, Finding, Report


def test_the_integrity_demo_step_is_complete_and_idempotent(world):
    for suffix, name, _kind in core_demo.TOWNSHIPS:
        code = world.county.code[:6] + suffix + "000"
        if not Region.objects.filter(code=code).exists():
            Region.objects.create(code=code, name=name, level=4, parent=world.county)
    ctx = {"county": world.county, "users": vars(world.users)}
    core_demo.units_step(random.Random(1), ctx)
    integrity_demo_step(random.Random(1), ctx)
    campaign = Campaign.objects.get(title=TITLE)
    assert campaign.units.count() == 4 and campaign.units.filter(submitted_at__isnull=True).count() == 1
    assert campaign.units.filter(selected=True).exists()
    assert Finding.objects.filter(task_id__isnull=False).count() == 1
    assert Finding.objects.filter(transferred_on__isnull=False).count() == 1
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"received", "registered", "assigned", "answered"}
    assert Report.objects.count() == 12 and Report.objects.filter(escalated=True).count() >= 2
    unit1 = User.objects.get(username="unit1")
    assert unit1.unit.name.endswith("城关分公司")
    assert User.objects.get(username="handler1").unit.name == "安和县纪委监委"
    assert verify_chain().ok
    integrity_demo_step(random.Random(2), ctx)
    assert Report.objects.count() == 12 and Campaign.objects.count() == 1
