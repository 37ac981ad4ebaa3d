"""Unit services: create, edit and move (no cycles), figures by year, accounts bound to units."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.core import services
from doudi.core import unit_services as us
from doudi.core.models import AuditEntry, Unit, UnitFigures, User, unit_path_segment
from doudi.core.roles import Role

K = Unit.Kind


def test_create_sets_the_path_and_is_audited(world, units):
    assert units.mzj.tree_path == unit_path_segment(units.mzj.pk)
    assert units.b1.tree_path == units.czj.tree_path + unit_path_segment(units.ct.pk) + unit_path_segment(
        units.b1.pk
    )
    assert units.b1.depth == 2 and units.b1.ancestor_ids == [units.czj.pk, units.ct.pk]
    entry = AuditEntry.objects.get(object_type="core.unit", object_id=str(units.b1.pk))
    assert entry.action == "create" and entry.region_code == world.t1.code
    assert entry.changes["parent"] == [None, units.ct.pk] and entry.changes["kind"] == [None, "branch"]


def test_names_are_unique_under_a_parent_and_at_the_top_of_a_region(world, units):
    with pytest.raises(ValidationError, match="青石分公司"):
        us.unit_create(
            actor=world.users.county, name="青石分公司", kind=K.BRANCH, region=world.t1, parent=units.ct
        )
    with pytest.raises(ValidationError):
        us.unit_create(
            actor=world.users.county, name=" 安和县民政局 ", kind=K.DEPARTMENT, region=world.county
        )
    # the same name elsewhere is another unit
    us.unit_create(
        actor=world.users.county, name="办公室", kind=K.OTHER, region=world.county, parent=units.mzj
    )
    us.unit_create(
        actor=world.users.county, name="办公室", kind=K.OTHER, region=world.county, parent=units.czj
    )


def test_only_unit_managers_in_their_area_may_write(world, units):
    with pytest.raises(PermissionDenied):  # a clerk sees units but does not edit them
        us.unit_create(actor=world.users.town1, name="新单位", kind=K.OTHER, region=world.t1)
    with pytest.raises(PermissionDenied):  # staff of a unit: not above or beside their unit
        us.unit_create(actor=units.mzj_officer, name="新局", kind=K.DEPARTMENT, region=world.county)
    with pytest.raises(PermissionDenied):
        us.unit_create(
            actor=units.mzj_officer, name="新站", kind=K.OTHER, region=world.county, parent=units.czj
        )
    with pytest.raises(PermissionDenied):
        us.unit_figures_set(actor=units.mzj_officer, unit=units.ct, year=2025, total_assets=1)
    child = us.unit_create(
        actor=units.mzj_officer,
        name="安和县救助管理站",
        kind=K.PUBLIC_INSTITUTION,
        region=world.county,
        parent=units.mzj,
    )
    assert child.parent == units.mzj


def test_a_move_carries_the_subtree_and_cycles_are_refused(world, units):
    for parent in (units.ct, units.b1):
        with pytest.raises(ValidationError, match="下属单位之下"):
            us.unit_update(
                actor=world.users.county,
                unit=units.ct,
                name=units.ct.name,
                kind=units.ct.kind,
                region=world.county,
                parent=parent if parent != units.ct else units.ct,
            )
    us.unit_update(
        actor=world.users.county,
        unit=units.ct,
        name=units.ct.name,
        kind=units.ct.kind,
        region=world.county,
        parent=None,
    )
    b1 = Unit.objects.get(pk=units.b1.pk)
    assert b1.tree_path == unit_path_segment(units.ct.pk) + unit_path_segment(units.b1.pk)
    assert Unit.objects.get(pk=units.ct.pk).parent is None
    entry = (
        AuditEntry.objects.filter(object_type="core.unit", object_id=str(units.ct.pk)).order_by("seq").last()
    )
    assert entry.changes == {"parent": [units.czj.pk, None]} and entry.extra == {"moved_units": 3}
    # and back under a unit, deeper
    us.unit_update(
        actor=world.users.county,
        unit=units.ct,
        name=units.ct.name,
        kind=units.ct.kind,
        region=world.county,
        parent=units.fly,
    )
    b2 = Unit.objects.get(pk=units.b2.pk)
    assert b2.ancestor_ids == [units.mzj.pk, units.fly.pk, units.ct.pk]


def test_staff_of_a_unit_cannot_move_their_unit_out_of_their_subtree(world, units):
    with pytest.raises(PermissionDenied):
        us.unit_update(
            actor=units.ct_officer,
            unit=units.b1,
            name="青石分公司",
            kind=K.BRANCH,
            region=world.t1,
            parent=units.czj,
        )
    with pytest.raises(PermissionDenied):
        us.unit_update(
            actor=units.ct_officer,
            unit=units.ct,
            name=units.ct.name,
            kind=K.STATE_COMPANY,
            region=world.county,
            parent=None,
        )
    us.unit_update(
        actor=units.ct_officer,
        unit=units.b2,
        name="柳河分公司",
        kind=K.BRANCH,
        region=world.t2,
        parent=units.b1,
    )
    assert Unit.objects.get(pk=units.b2.pk).parent == units.b1


def test_figures_once_a_year_and_changes_audited(world, units):
    f = us.unit_figures_set(
        actor=world.users.county,
        unit=units.ct,
        year=2025,
        total_assets="1200000.5",
        main_revenue=None,
        branches=3,
    )
    assert UnitFigures.objects.filter(unit=units.ct).count() == 1
    assert (f.total_assets, f.main_revenue, f.branches) == (Decimal("1200000.50"), None, 3)
    entry = AuditEntry.objects.filter(object_type="core.unitfigures").order_by("seq").last()
    assert entry.action == "update" and entry.changes["total_assets"] == ["1000000.00", "1200000.50"]
    n = AuditEntry.objects.count()
    us.unit_figures_set(
        actor=world.users.county, unit=units.ct, year=2025, total_assets="1200000.50", branches=3
    )
    assert AuditEntry.objects.count() == n  # nothing changed, nothing recorded


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"year": 1899}, "1900"),
        ({"year": "abc"}, "1900"),
        ({"total_assets": "-1"}, "金额不能为负数"),
        ({"main_revenue": "1.234"}, "两位小数"),
        ({"branches": -2}, "分支机构数不能为负数"),
    ],
)
def test_bad_figures_are_refused(world, units, kwargs, message):
    args = {"year": 2026, "total_assets": "1", "main_revenue": "1", "branches": 0} | kwargs
    with pytest.raises(ValidationError, match=message):
        us.unit_figures_set(actor=world.users.county, unit=units.mzj, **args)
    assert not UnitFigures.objects.filter(unit=units.mzj).exists()


def test_credit_codes_are_checked(world):
    good = "91990121MA0000001" + us.credit_code_check_char("91990121MA0000001")
    assert us.credit_code_problem(good) is None
    assert "校验码" in us.credit_code_problem(good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert "18位" in us.credit_code_problem("12345")
    unit = us.unit_create(
        actor=world.users.county,
        name="公司",
        kind=K.STATE_COMPANY,
        region=world.county,
        credit_code=good.lower(),
    )
    assert unit.credit_code == good
    with pytest.raises(ValidationError):
        us.unit_create(
            actor=world.users.county,
            name="公司2",
            kind=K.STATE_COMPANY,
            region=world.county,
            credit_code="91990121MA00000010",
        )


def test_accounts_bind_to_a_unit_inside_their_region(world, units):
    admin = world.users.county
    user = services.user_create(
        actor=admin,
        username="b1staff",
        name="吴",
        region=world.t1,
        roles=[Role.LEADER],
        password="a-strong-pass-2026",
        unit=units.b1,
    )
    assert user.unit == units.b1
    with pytest.raises(ValidationError, match="不在该账号的区划"):
        services.user_update(
            actor=admin, user=user, name="吴", phone="", region=world.t2, roles=[Role.LEADER], unit=units.b1
        )
    services.user_update(
        actor=admin, user=user, name="吴", phone="", region=world.t2, roles=[Role.LEADER], unit=units.b2
    )
    assert User.objects.get(pk=user.pk).unit == units.b2
    entry = AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk)).order_by("seq").last()
    assert entry.changes["unit"] == [units.b1.pk, units.b2.pk]
    # a county account may sit at a unit anywhere in the county
    services.user_update(
        actor=admin,
        user=units.mzj_officer,
        name="m",
        phone="",
        region=world.county,
        roles=[Role.COUNTY_OFFICER],
        unit=units.b2,
    )


def test_a_unit_cannot_leave_the_region_of_its_staff(world, units):
    with pytest.raises(ValidationError, match="b1_leader"):
        us.unit_update(
            actor=world.users.county,
            unit=units.b1,
            name="青石分公司",
            kind=K.BRANCH,
            region=world.t2,
            parent=units.ct,
        )
