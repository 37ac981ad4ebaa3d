import pytest
from django.http import Http404

from doudi.core.models import AuditEntry, Region, User
from doudi.core.scope import get_scoped_or_404, scoped


def codes(qs):
    return set(qs.values_list("pk", flat=True))


def test_each_user_sees_only_their_subtree(world):
    u = world.users
    assert codes(scoped(Region, u.county)) == {
        "990121000000",
        "990121100000",
        "990121101000",
        "990121100001",
        "990121100201",
        "990121101201",
    }
    assert codes(scoped(Region, u.town1)) == {"990121100000", "990121100001", "990121100201"}
    assert codes(scoped(Region, u.village1)) == {"990121100001"}


def test_users_are_scoped_through_their_region(world):
    u = world.users
    assert set(scoped(User, u.town1).values_list("username", flat=True)) == {"town1", "village1"}
    assert "town2" not in set(scoped(User, u.town1).values_list("username", flat=True))


def test_out_of_area_and_malformed_lookups_are_404(world):
    with pytest.raises(Http404):
        get_scoped_or_404(Region, world.users.town1, code=world.t2.code)
    with pytest.raises(Http404):
        get_scoped_or_404(User, world.users.town1, pk="not-a-number")


def test_inactive_or_unbound_users_see_nothing(world):
    u = world.users.town1
    u.is_active = False
    assert not scoped(Region, u).exists()
    nobody = User(username="x")
    assert not scoped(Region, nobody).exists()


def test_foreign_key_scope_needs_no_join(world):
    sql = str(scoped(User, world.users.town1).query)
    assert " JOIN " not in sql.upper()
    assert "990121100" in sql


def test_models_without_scope_path_are_refused(world):
    from doudi.core.models import RecoveryCode

    with pytest.raises(TypeError):
        scoped(RecoveryCode, world.users.county)


def test_audit_entries_are_scoped_by_region_code(world):
    from doudi.core import audit

    audit.record(world.users.town2, "update", world.t2, changes={"name": ["a", "b"]})
    assert not scoped(AuditEntry, world.users.town1).exists()
    assert scoped(AuditEntry, world.users.county).count() == 1


def test_a_table_row_region_is_seen_inside_the_area_or_around_the_users_own(world):
    from doudi.core import regions as rcodes
    from doudi.core.scope import region_seen_or_404

    # A village's staff see their own township's row (the list behind it is scoped as always) ...
    assert region_seen_or_404(world.users.village1, world.t1.code, level=rcodes.TOWNSHIP) == world.t1
    # ... a county officer any township of the county ...
    assert region_seen_or_404(world.users.county, world.t2.code, level=rcodes.TOWNSHIP) == world.t2
    # ... and nobody another township, a region of another level, or a made-up code.
    for user, code in [
        (world.users.village1, world.t2.code),
        (world.users.town1, world.t2.code),
        (world.users.town1, world.county.code),
        (world.users.county, "990121999000"),
        (world.users.county, "x"),
    ]:
        with pytest.raises(Http404):
            region_seen_or_404(user, code, level=rcodes.TOWNSHIP)
