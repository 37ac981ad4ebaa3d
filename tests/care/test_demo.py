"""The care-loop demo step: a year of visits (some copied), services, materials, tasks; idempotent."""

import datetime as dt
import random

from doudi.care import selectors as sel
from doudi.care.demo import loop_demo_step
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


def test_every_township_has_a_year_of_visits_idempotent_and_deterministic(world, make, lf):
    from doudi.care import similarity
    from doudi.care.demo import _fast_signatures
    from doudi.care.models import VisitBand

    make.user("cadre1", world.v1, ["village_staff"])
    make.user("cadre2", world.v1b, ["village_staff"])
    make.user("provider1", world.t1, ["provider_staff"])
    t3 = make.region("990121102000", "白杨镇", 4, world.county)  # no account: the county officer visits
    v3 = make.region("990121102201", "杨树村", 5, t3, "220")
    since = dt.date.today() - dt.timedelta(days=800)
    villages = [world.v1, world.v1b, world.v2, v3]
    for i in range(30 * len(villages)):
        lf.person(villages[i % len(villages)], f"各镇{i}", supported_since=since)
    others = Visit.objects.exclude(person__village__code__startswith=world.t1.code[:9])

    def snapshot():
        return list(
            others.order_by("visited_on", "person__name", "notes").values_list(
                "person__name", "visitor__username", "visited_on", "notes", "has_problem", "perfunctory"
            )
        )

    loop_demo_step(random.Random(7), {})
    last = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for town, visitor in ((world.t1, None), (world.t2, "town2"), (t3, "county")):
        month = Visit.objects.filter(
            person__village__code__startswith=town.code[:9],
            visited_on__gte=last,
            visited_on__lt=dt.date.today().replace(day=1),
        )
        assert month.count() >= 20, town.name
        if visitor:
            assert set(month.values_list("visitor__username", flat=True)) == {visitor}
    assert others.exclude(copy_of=None).exists()
    assert others.filter(perfunctory=True).exists()
    assert VisitBand.objects.filter(visit__in=others, township_code=t3.code).exists()
    assert RectificationTask.objects.filter(region=v3, status="closed").exists()
    first, total = snapshot(), Visit.objects.count()
    loop_demo_step(random.Random(7), {})  # idempotent
    assert Visit.objects.count() == total
    # the batch signatures equal the service's, so a new visit still finds these notes
    sample = [v.notes for v in others[:60]]
    assert all(_fast_signatures(sample)[n] == similarity.signature(n) for n in sample)
    # deterministic: the same Random draws the same year again
    RectificationTask.objects.exclude(region__code__startswith=world.t1.code[:9]).delete()
    others.delete()
    loop_demo_step(random.Random(7), {})
    assert snapshot() == first


def test_the_demo_sets_the_countys_care_setting_through_the_service(world):
    from doudi.care.demo import loop_demo_step
    from doudi.care.models import CareSetting
    from doudi.core.models import AuditEntry

    ctx = {"county": world.county, "users": {"county": world.users.county}}
    loop_demo_step(random.Random(1), ctx)
    setting = CareSetting.objects.get(region=world.county)
    assert (setting.visits_per_month, setting.visit_due_day, setting.max_persons_per_carer) == (1, 25, 5)
    assert setting.updated_by == world.users.county
    assert AuditEntry.objects.filter(object_type="care.caresetting", action="create").count() == 1
    loop_demo_step(random.Random(1), ctx)  # once only
    assert CareSetting.objects.count() == 1
