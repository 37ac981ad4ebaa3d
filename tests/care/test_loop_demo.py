"""The care-loop demo step: a year of visits (some copied), services, materials, tasks; idempotent."""

import datetime as dt
import random

from doudi.care import loop_selectors as sel
from doudi.care.loop_demo import loop_demo_step
from doudi.care.models import MaterialHandover, ServiceDelivery, Visit
from doudi.oversight.models import RectificationTask


def test_the_demo_step_gives_a_month_to_work_on_and_is_idempotent(world, make, lf):
    make.user("cadre1", world.v1, ["village_staff"])
    make.user("cadre2", world.v1b, ["village_staff"])
    staff = make.user("provider1", world.t1, ["provider_staff"])
    since = dt.date.today() - dt.timedelta(days=800)
    for i in range(40):
        lf.person((world.v1, world.v1b)[i % 2], f"示例{i}", supported_since=since)
    loop_demo_step(random.Random(20261128), {})
    visits = Visit.objects.count()
    assert visits > 300
    assert Visit.objects.exclude(copy_of=None).exists()
    assert RectificationTask.objects.filter(status="open").exists()
    assert RectificationTask.objects.filter(status="closed").exists()
    assert ServiceDelivery.objects.filter(recorded_by=staff).exists()
    assert MaterialHandover.objects.filter(delivered_on=None).exists()
    qs, *_ = sel.visits_due(world.users.town1)
    assert qs.count() > 0  # a third not yet visited this month
    assert sel.orders_for_staff(staff, dt.date.today()).exists()
    loop_demo_step(random.Random(20261128), {})
    assert Visit.objects.count() == visits
