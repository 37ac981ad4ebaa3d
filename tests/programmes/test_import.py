"""Importing a plan file: units resolved, townships assigned, targets and funding as data; every
problem listed in Chinese and nothing half-imported; the export reads back as the same plan."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from doudi.core.models import AuditEntry, Unit
from doudi.programmes import planfile, services
from doudi.programmes.models import Funding, Plan, Task

from .conftest import plan_text


def test_the_county_imports_the_sewage_plan(world, units):
    plan = services.plan_import(
        actor=world.users.county, region=world.county, text=plan_text("sewage.toml"), year=2026
    )
    assert (plan.start, plan.end, plan.year) == (date(2026, 1, 1), date(2026, 12, 31), 2026)
    assert plan.phases.count() == 3 and plan.tasks.count() == 13
    survey = plan.tasks.get(number="6")
    assert survey.deadline == date(2026, 4, 30) and survey.phase.name == "宣传发动、调查摸底"
    assert [tu.unit for tu in survey.task_units.all()] == [units.sthj]
    assert set(survey.regions.all()) == {world.t1, world.t2}  # 各乡镇(街道): every township
    rate = plan.tasks.get(number="13").targets.get()
    assert (rate.metric, rate.measure, rate.value, rate.per_region) == (
        "农村生活污水处理率",
        "%",
        Decimal(30),
        True,
    )
    assert plan.schedules.filter(frequency="monthly", day=5).exists()
    assert AuditEntry.objects.filter(
        action="create", object_type="programmes.plan", object_id=str(plan.pk)
    ).exists()


def test_an_unknown_unit_is_an_error_and_nothing_is_written(world, units):
    with pytest.raises(planfile.PlanFileError) as exc:
        services.plan_import(
            actor=world.users.county, region=world.county, text=plan_text("county-governance.toml"), year=2026
        )
    messages = [m for _, m in exc.value.errors]
    assert "没有名为“统战部”的单位。" in messages
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_the_county_may_create_the_units_a_plan_names(world, units):
    before = Unit.objects.count()
    plan = services.plan_import(
        actor=world.users.county,
        region=world.county,
        text=plan_text("county-governance.toml"),
        year=2026,
        create_missing_units=True,
    )
    task = plan.tasks.get(number="（二）1")
    lead = task.task_units.get(role="lead")
    assert lead.unit == units.mzj and lead.label == "民政局"  # “民政局” is 安和县民政局
    assert (
        Unit.objects.filter(name="安和县统战部", region=world.county).exists()
        and Unit.objects.count() > before
    )


def test_funding_splits_are_data_with_what_each_level_owes(world, units):
    plan = services.plan_import(
        actor=world.users.county, region=world.county, text=plan_text("cadre-funds-442.toml"), year=2026
    )
    rows = Funding.objects.filter(task__plan=plan).order_by("order")
    assert [(f.level, f.share, f.owed) for f in rows] == [
        ("省", Decimal(4), Decimal("4000.00")),
        ("市", Decimal(4), Decimal("4000.00")),
        ("县", Decimal(2), Decimal("2000.00")),
    ]
    services.funding_pay(actor=world.users.county, funding=rows[0], paid=Decimal("4000"))
    assert Funding.objects.get(pk=rows[0].pk).paid == Decimal("4000.00")


def test_a_plan_is_imported_once_per_year(world, units):
    services.plan_import(
        actor=world.users.county, region=world.county, text=plan_text("sewage.toml"), year=2026
    )
    with pytest.raises(planfile.PlanFileError):
        services.plan_import(
            actor=world.users.county, region=world.county, text=plan_text("sewage.toml"), year=2026
        )
    services.plan_import(
        actor=world.users.county, region=world.county, text=plan_text("sewage.toml"), year=2027
    )


def test_a_named_township_outside_the_county_is_an_error(world, units):
    text = plan_text("sewage.toml").replace('regions = "all"', 'regions = ["青石镇", "白沙镇"]', 1)
    with pytest.raises(planfile.PlanFileError) as exc:
        services.plan_import(actor=world.users.county, region=world.county, text=text, year=2026)
    assert any("白沙镇" in m for _, m in exc.value.errors)


def test_only_plan_managers_import(world, units):
    with pytest.raises(PermissionDenied):
        services.plan_import(
            actor=world.users.town1, region=world.county, text=plan_text("sewage.toml"), year=2026
        )


@pytest.mark.parametrize(
    "name", ["sewage.toml", "digital-village-pingluo.toml", "cadre-funds-221.toml", "county-governance.toml"]
)
def test_the_export_is_the_imported_plan(world, units, name):
    spec = planfile.load(plan_text(name), year=2026)
    spec.near_days, spec.escalate_days = (
        spec.near_days or 5,
        spec.escalate_days or 5,
    )  # the defaults are written out
    plan = services.plan_import(
        actor=world.users.county,
        region=world.county,
        text=plan_text(name),
        year=2026,
        create_missing_units=True,
    )
    exported = planfile.load(planfile.dump(services.plan_spec(plan)), year=2000)
    assert exported == spec
