"""The area scope extended to organisation units (core/scope.py), tested like regions in
test_scope.py: cross-township, cross-unit, sibling unit, child unit, forged ids → 404."""

import pytest
from django.http import Http404

from doudi.core.models import AuditEntry, Region, Unit, UnitFigures, User
from doudi.core.scope import get_scoped_or_404, scoped, unit_in_scope, within_unit


def names(qs):
    return set(qs.values_list("name", flat=True))


ALL = {
    "安和县民政局",
    "安和县社会福利院",
    "安和县财政局",
    "安和县城市建设投资集团有限公司",
    "青石分公司",
    "柳河分公司",
    "青石镇人民政府",
    "青石镇民政办",
    "柳河镇人民政府",
}


def test_users_without_a_unit_see_the_units_of_their_region_subtree(world, units):
    assert names(scoped(Unit, world.users.county)) == ALL
    # A township sees the units sitting in it, whatever their parent (the company's branch too).
    assert names(scoped(Unit, world.users.town1)) == {"青石分公司", "青石镇人民政府", "青石镇民政办"}
    assert names(scoped(Unit, world.users.town2)) == {"柳河分公司", "柳河镇人民政府"}
    assert not scoped(Unit, world.users.village1).exists()


def test_a_units_staff_see_their_unit_and_its_subordinate_units(world, units):
    assert names(scoped(Unit, units.ct_officer)) == {
        "安和县城市建设投资集团有限公司",
        "青石分公司",
        "柳河分公司",
    }
    assert names(scoped(Unit, units.mzj_officer)) == {"安和县民政局", "安和县社会福利院"}
    # a child unit's staff: only their own unit; not the parent, not the sibling branch
    assert names(scoped(Unit, units.b1_leader)) == {"青石分公司"}


def test_the_region_still_bounds_a_unit_bound_user(world, units, make):
    """A unit's staff bound to a township do not see the unit's children in another township."""
    user = make.user("ct_t1", world.t1, ["leader"])
    user.unit = units.ct
    assert names(scoped(Unit, user)) == {"青石分公司"}


def test_unit_scoped_models_follow_the_unit_path(world, units):
    assert set(scoped(UnitFigures, units.ct_officer)) == {units.f_ct, units.f_b2}
    assert set(scoped(UnitFigures, units.mzj_officer)) == set()  # another unit's figures
    assert set(scoped(UnitFigures, units.b1_leader)) == set()  # the sibling's and the parent's figures
    assert set(scoped(UnitFigures, world.users.town2)) == {units.f_b2}
    assert set(scoped(UnitFigures, world.users.town1)) == set()


def test_region_scoped_models_are_unchanged_for_unit_bound_users(world, units):
    """Regions, accounts, audit entries have no unit path: a unit-bound user reads them by region."""
    assert scoped(Region, units.ct_officer).count() == scoped(Region, world.users.county).count()
    assert set(scoped(User, units.b1_leader).values_list("username", flat=True)) == set(
        scoped(User, world.users.town1).values_list("username", flat=True)
    )
    assert scoped(AuditEntry, units.mzj_officer).count() == scoped(AuditEntry, world.users.county).count()


@pytest.mark.parametrize(
    "who, target, visible",
    [
        ("town1", "b2", False),  # cross-township
        ("town1", "b1", True),
        ("mzj_officer", "ct", False),  # cross-unit
        ("mzj_officer", "fly", True),  # child unit
        ("b1_leader", "b2", False),  # sibling unit
        ("b1_leader", "ct", False),  # parent unit
        ("ct_officer", "b1", True),  # child unit
        ("ct_officer", "czj", False),  # the unit in charge above
    ],
)
def test_get_scoped_or_404(world, units, who, target, visible):
    user = getattr(world.users, who, None) or getattr(units, who)
    unit = getattr(units, target)
    if visible:
        assert get_scoped_or_404(Unit, user, pk=unit.pk) == unit
        assert unit_in_scope(user, unit)
    else:
        with pytest.raises(Http404):
            get_scoped_or_404(Unit, user, pk=unit.pk)
        assert not unit_in_scope(user, unit)


@pytest.mark.parametrize("forged", ["abc", "-1", "99999999", "1 OR 1=1", ""])
def test_forged_ids_are_404(world, units, forged):
    with pytest.raises(Http404):
        get_scoped_or_404(Unit, units.ct_officer, pk=forged)


def test_within_unit_narrows_and_refuses_models_without_a_unit_path(world, units):
    assert names(within_unit(scoped(Unit, world.users.county), units.czj)) == {
        "安和县财政局",
        "安和县城市建设投资集团有限公司",
        "青石分公司",
        "柳河分公司",
    }
    with pytest.raises(TypeError):
        within_unit(Region, units.czj)


def test_a_moved_unit_takes_its_staff_scope_along(world, units):
    from doudi.core import unit_services as us

    us.unit_update(
        actor=world.users.county,
        unit=units.ct,
        name=units.ct.name,
        kind=units.ct.kind,
        region=world.county,
        parent=units.mzj,
    )
    officer = User.objects.get(pk=units.mzj_officer.pk)
    assert {"安和县城市建设投资集团有限公司", "青石分公司", "柳河分公司"} <= names(scoped(Unit, officer))
    ct_officer = User.objects.get(pk=units.ct_officer.pk)
    assert names(scoped(Unit, ct_officer)) == {"安和县城市建设投资集团有限公司", "青石分公司", "柳河分公司"}
