"""Changing a task after import (deadline, units, townships, targets) and recording the funding paid
per level: validated like the plan file, audited, refused out of scope, nothing half-written."""

from decimal import Decimal

import pytest

from doudi.core import unit_services as us
from doudi.core.models import AuditEntry, Unit
from doudi.core.roles import Role
from doudi.programmes import services
from doudi.programmes.models import Funding, Target, Task

from .conftest import plan_text


def _form(task, **over):
    data = {
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "lead": [tu.unit_id for tu in task.task_units.filter(role="lead")],
        "responsible": [],
        "cooperating": [],
        "regions": list(task.regions.values_list("pk", flat=True)),
        "t-TOTAL_FORMS": "0",
        "t-INITIAL_FORMS": "0",
        "t-MIN_NUM_FORMS": "0",
        "t-MAX_NUM_FORMS": "30",
    }
    targets = list(task.targets.all())
    for i, g in enumerate(targets):
        data |= {
            f"t-{i}-id": g.pk,
            f"t-{i}-metric": g.metric,
            f"t-{i}-measure": g.measure,
            f"t-{i}-baseline": str(g.baseline),
            f"t-{i}-value": str(g.value),
            f"t-{i}-by": g.by.isoformat() if g.by else "",
            f"t-{i}-per_region": "on" if g.per_region else "",
        }
    data["t-TOTAL_FORMS"] = data["t-INITIAL_FORMS"] = str(len(targets))
    data.update(over)
    return {k: v for k, v in data.items() if v != ""}


def _state(task):
    task = Task.objects.get(pk=task.pk)
    return (
        task.deadline,
        sorted((tu.unit_id, tu.role) for tu in task.task_units.all()),
        sorted(task.regions.values_list("pk", flat=True)),
        sorted((g.metric, g.measure, g.value) for g in task.targets.all()),
    )


def test_the_county_changes_a_task_and_the_change_is_audited(login, pw):
    task, units = pw.task_t2, pw.units
    client = login(pw.world.users.county)
    assert client.get(f"/programmes/tasks/{task.pk}/edit/").status_code == 200
    target = task.targets.get()
    data = _form(
        task,
        deadline="2026-09-30",
        lead=[units.sthj.pk, units.mzj.pk],
        responsible=[units.sfj.pk],
        regions=[pw.world.t1.pk, pw.world.t2.pk],
        **{
            "t-0-value": "45",
            "t-1-metric": "新建污水管网",
            "t-1-measure": "公里",
            "t-1-value": "12.5",
            "t-TOTAL_FORMS": "2",
        },
    )
    r = client.post(f"/programmes/tasks/{task.pk}/edit/", data)
    assert r.status_code == 302 and r["Location"] == f"/programmes/tasks/{task.pk}/"
    task = Task.objects.get(pk=task.pk)
    assert task.deadline.isoformat() == "2026-09-30"
    assert {tu.unit.name for tu in task.task_units.filter(role="lead")} == {
        "安和县生态环境局",
        "安和县民政局",
    }
    assert set(task.regions.values_list("name", flat=True)) == {"青石镇", "柳河镇"}
    assert Target.objects.get(pk=target.pk).value == Decimal(45)  # kept: its reported values stay
    assert target.values.count() == 1
    assert task.targets.get(metric="新建污水管网").by.isoformat() == "2026-09-30"
    entry = AuditEntry.objects.filter(object_type="programmes.task", object_id=str(task.pk)).latest("seq")
    assert entry.changes["deadline"] == ["2026-06-30", "2026-09-30"]
    assert "安和县民政局" in entry.changes["lead"][1] and len(entry.changes["targets"][1]) == 2


@pytest.mark.parametrize(
    "over, message",
    [
        ({"deadline": "2027-03-01"}, "超出"),  # outside its phase and the plan
        ({"lead": [], "regions": []}, "没有牵头单位"),
        ({"t-0-measure": ""}, "没有计量单位"),
        ({"t-0-DELETE": "on"}, "不能删除"),  # the target has a reported value
        ({"t-0-id": "999999"}, "其他任务"),
        ({"t-0-by": "2030-01-01"}, "超出"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(login, pw, over, message):
    task = pw.task_t2
    before = _state(task)
    r = login(pw.world.users.county).post(f"/programmes/tasks/{task.pk}/edit/", _form(task, **over))
    assert r.status_code == 200 and message in r.content.decode(), message
    assert _state(task) == before


def test_forged_units_and_townships_are_form_errors(login, pw, make):
    task = pw.task_t2
    other = make.region("990123000000", "远山县", 3, pw.world.city)
    far_actor = make.user("county3", other, [Role.COUNTY_OFFICER])
    far_unit = us.unit_create(actor=far_actor, name="远山县水务局", kind=Unit.Kind.DEPARTMENT, region=other)
    before = _state(task)
    client = login(pw.world.users.county)
    r = client.post(f"/programmes/tasks/{task.pk}/edit/", _form(task, lead=[far_unit.pk]))
    assert r.status_code == 200 and _state(task) == before
    r = client.post(f"/programmes/tasks/{task.pk}/edit/", _form(task, regions=[other.pk]))
    assert r.status_code == 200 and _state(task) == before
    # a township clerk may not change a task at all; a unit's staff do not manage the plan
    assert (
        login(pw.world.users.town2).post(f"/programmes/tasks/{task.pk}/edit/", _form(task)).status_code == 403
    )
    assert login(pw.units.sthj_staff).get(f"/programmes/tasks/{task.pk}/edit/").status_code == 404
    assert _state(task) == before


@pytest.fixture
def funded(world, units):
    plan = services.plan_import(
        actor=world.users.county,
        region=world.county,
        text=plan_text("cadre-funds-221.toml"),
        year=2026,
        create_missing_units=True,
    )
    return plan


def test_funding_paid_is_recorded_per_level_with_totals(login, pw, funded):
    rows = {f.level: f for f in Funding.objects.filter(task__plan=funded)}
    assert {k: f.owed for k, f in rows.items()} == {
        "省": Decimal(4000),
        "市": Decimal(4000),
        "县": Decimal(2000),
    }
    client = login(pw.world.users.county)
    page = client.get(f"/programmes/{funded.pk}/").content.decode()
    assert 'id="funding-totals"' in page and f"/programmes/{funded.pk}/funding/" in page
    r = client.post(
        f"/programmes/{funded.pk}/funding/",
        {f"paid-{rows['省'].pk}": "4000", f"paid-{rows['县'].pk}": "1,500.50"},
    )
    assert r.status_code == 302
    assert Funding.objects.get(pk=rows["省"].pk).paid == Decimal(4000)
    assert Funding.objects.get(pk=rows["县"].pk).paid == Decimal("1500.50")
    assert AuditEntry.objects.filter(object_type="programmes.funding", object_id=str(rows["县"].pk)).exists()
    page = client.get(f"/programmes/{funded.pk}/funding/").content.decode()
    totals = page.split('id="funding-totals"')[1].split("</table>")[0]
    assert "5500.50" in totals or "4000.00" in totals
    assert "499.50" in totals  # 县 still owes
    # a township clerk sees the plan's money but cannot record it
    town = login(pw.world.users.town1)
    assert town.get(f"/programmes/{funded.pk}/funding/").status_code in (200, 404)
    assert town.post(f"/programmes/{funded.pk}/funding/", {f"paid-{rows['市'].pk}": "1"}).status_code in (
        403,
        404,
    )
    # a unit's staff see the plan but do not manage it
    staff = login(pw.units.sthj_staff)
    assert staff.post(f"/programmes/{funded.pk}/funding/", {f"paid-{rows['市'].pk}": "1"}).status_code == 404
    assert Funding.objects.get(pk=rows["市"].pk).paid == 0


@pytest.mark.parametrize(
    "value, message", [("4001", "超过"), ("-1", "负"), ("一千", "不是金额"), ("1.005", "两位小数")]
)
def test_bad_amounts_write_nothing(login, pw, funded, value, message):
    rows = {f.level: f for f in Funding.objects.filter(task__plan=funded)}
    r = login(pw.world.users.county).post(
        f"/programmes/{funded.pk}/funding/",
        {f"paid-{rows['县'].pk}": "100", f"paid-{rows['省'].pk}": value},
    )
    assert r.status_code == 200 and message in r.content.decode()
    assert all(f.paid == 0 for f in Funding.objects.filter(task__plan=funded))


def test_another_countys_officer_cannot_reach_the_funding(login, pw, funded):
    row = Funding.objects.filter(task__plan=funded).first()
    client = login(pw.county2)
    assert client.get(f"/programmes/{funded.pk}/funding/").status_code == 404
    assert client.post(f"/programmes/{funded.pk}/funding/", {f"paid-{row.pk}": "1"}).status_code == 404
    # a funding id of another plan posted to this plan's page is not read at all
    client = login(pw.world.users.county)
    r = client.post(f"/programmes/{pw.small.pk}/funding/", {f"paid-{row.pk}": "1"})
    assert r.status_code == 302 and Funding.objects.get(pk=row.pk).paid == 0
