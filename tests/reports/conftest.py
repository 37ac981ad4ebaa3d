"""A small hand-built month (October 2026) whose every figure is computed by hand in the tests."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from doudi.care.models import (
    CarePlacement,
    MaterialBatch,
    MaterialHandover,
    Provider,
    ServiceBudget,
    ServiceContract,
    ServiceDelivery,
    ServiceOrder,
    Visit,
)
from doudi.eligibility.models import Assessment
from doudi.guardianship.models import Agreement, GuardianCandidate, Guardianship
from doudi.oversight.models import RectificationTask
from doudi.registry.models import Institution

MONTH = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 29)
D = dt.date


def _aware(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def assess(person, on, level):
    ok = level == "full"
    return Assessment.objects.create(
        person=person,
        assessed_on=on,
        assessor="评估员",
        eating=ok,
        dressing=ok,
        bed_transfer=ok,
        toileting=ok,
        indoor_walking=ok,
        bathing=ok,
        level=level,
    )


def agreement(person, actor, start, end):
    cand = GuardianCandidate.objects.create(person=person, kind="other_relative", name="监护人")
    g = Guardianship.objects.create(
        person=person,
        candidate=cand,
        guardian_name="监护人",
        guardian_kind="other_relative",
        category="I",
        started_on=start,
        basis="民法典第28条",
        confirmed_by=actor,
    )
    return Agreement.objects.create(
        person=person,
        guardianship=g,
        status="active",
        township_name="镇政府",
        committee_name="村委会",
        guardian_name="监护人",
        visit_frequency="每月一次",
        contact="电话",
        emergency_steps="报告",
        start_on=start,
        end_on=end,
        created_by=actor,
    )


def task(region, actor, created, deadline, closed=None, person=None):
    t = RectificationTask.objects.create(
        region=region,
        person=person,
        source_kind="visit",
        title="问题",
        owner=actor,
        deadline=deadline,
        created_by=actor,
    )
    RectificationTask.objects.filter(pk=t.pk).update(
        created_at=_aware(created),
        status="closed" if closed else "open",
        closed_at=_aware(closed) if closed else None,
        evidence="已整改" if closed else "",
    )
    return t


@pytest.fixture
def month_data(world, lf):
    w, clerk1, clerk2 = world, world.users.town1, world.users.town2
    since = D(2020, 1, 1)
    A = lf.person(w.v1, "甲", supported_since=since)  # urban, at home
    B = lf.person(w.v1, "乙", supported_since=since, placement="centralized")
    C = lf.person(w.v1b, "丙", supported_since=since)  # rural, at home
    Dp = lf.person(w.v1b, "丁", supported_since=since, status="terminated", terminated_on=D(2026, 10, 15))
    E = lf.person(w.v1b, "戊", supported_since=D(2026, 11, 3))
    F = lf.person(w.v2, "己", supported_since=since)
    G = lf.person(w.v2, "庚", supported_since=since, placement="centralized")

    assess(A, D(2026, 5, 1), "none")
    assess(B, D(2026, 1, 1), "partial")
    assess(B, D(2026, 11, 5), "full")  # after the month end: not counted for October
    assess(C, D(2026, 3, 1), "full")
    assess(G, D(2026, 2, 1), "none")

    home = Institution.objects.create(region=w.t1, name="青石敬老院", kind="nursing_home", beds=10)
    CarePlacement.objects.create(
        person=B, kind="nursing_home", institution=home, started_on=since, created_by=clerk1
    )

    Visit.objects.create(person=A, visitor=clerk1, visited_on=D(2026, 10, 10))
    Visit.objects.create(person=C, visitor=clerk1, visited_on=D(2026, 10, 28))  # after the due day (25th)
    Visit.objects.create(person=C, visitor=clerk1, visited_on=D(2026, 9, 10))  # another month

    agreement(A, w.users.county, D(2025, 1, 1), D(2027, 12, 31))
    agreement(F, w.users.county, D(2024, 11, 20), D(2026, 11, 20))  # in force, expiring within 60 days

    provider = Provider.objects.create(region=w.t1, name="服务中心")
    contract = ServiceContract.objects.create(
        provider=provider,
        region=w.t1,
        number="HT-1",
        start_on=D(2026, 1, 1),
        end_on=D(2026, 12, 31),
        created_by=clerk1,
    )
    ServiceBudget.objects.create(person=C, contract=contract, monthly_amount=100)
    order = ServiceOrder.objects.create(
        person=C, contract=contract, month=MONTH, kind="cleaning", times=4, unit_price=25, created_by=clerk1
    )
    ServiceDelivery.objects.create(
        order=order, delivered_at=_aware(D(2026, 10, 12)), done="打扫", recorded_by=clerk1
    )

    batch = MaterialBatch.objects.create(
        region=w.t2, name="冬季物资", planned_on=D(2026, 10, 1), created_by=clerk2
    )
    MaterialHandover.objects.create(batch=batch, person=F, delivered_on=D(2026, 10, 2))
    batch1 = MaterialBatch.objects.create(
        region=w.t1, name="冬季物资", planned_on=D(2026, 10, 1), created_by=clerk1
    )
    MaterialHandover.objects.create(batch=batch1, person=C, delivered_on=D(2026, 11, 1))  # November

    task(w.v1, clerk1, D(2026, 10, 3), D(2026, 10, 20), person=A)  # opened, overdue
    task(w.v1b, clerk1, D(2026, 9, 3), D(2026, 9, 30), closed=D(2026, 10, 5), person=C)  # closed in Oct
    task(w.v2, clerk2, D(2026, 10, 1), D(2026, 11, 30), person=F)  # opened, not yet due
    return SimpleNamespace(A=A, B=B, C=C, D=Dp, E=E, F=F, G=G, home=home, world=w)
