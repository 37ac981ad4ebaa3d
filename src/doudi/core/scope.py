"""The one area-scope mechanism (DESIGN.md promise 1).

Every scoped model names, in `scope_path`, the path from itself to a region code: "" for Region
itself, "region" or "village" for a foreign key to Region, "person__village" through a relation,
or a plain CharField holding a code (AuditEntry.region_code). Because a region's descendants share
its code prefix (core/regions.py), "within the user's area" is a prefix test. Codes are always 12
digits, so it is written as the range `prefix000… ≤ code ≤ prefix999…`, which a plain B-tree index
serves on PostgreSQL (whatever the collation — LIKE would need a pattern-ops index) and SQLite
alike. A foreign key to Region holds the code itself, so the test needs no join.

Organisation units (core.Unit) add a second, optional dimension to the same mechanism. A model
may also declare `unit_scope_path`, the path from itself to a Unit ("" for Unit itself, "unit"
for a foreign key to one). For a user bound to a unit (User.unit), `scoped()` then keeps, on top
of the region test, only the records of that unit's subtree: the unit's staff see their unit and
its subordinate units, at any depth, and nothing beside or above it. A user not bound to a unit
sees the units of their region subtree, and a record of a unit-scoped model whose unit is empty
is seen only by such users. Models without `unit_scope_path` are scoped by region alone, for
everyone. The subtree test is a `startswith` on Unit.tree_path (ids in fixed-width digit groups):
units are few, so the LIKE the region test avoids costs nothing here.

Pages, the API, exports and jobs read through `scoped()` / `get_scoped_or_404()`. An object
outside the area answers 404 — the same as one that does not exist — so existence does not leak.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _


def user_prefix(user) -> str | None:
    """The code prefix of the user's area, or None for a user who may see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    region = getattr(user, "region", None)
    if region is None:
        return None
    return region.prefix


def _lookup(model) -> str:
    try:
        path = model.scope_path
    except AttributeError as exc:  # a model that forgot to declare its scope is a bug, not a leak
        raise TypeError(f"{model.__name__} has no scope_path; it cannot be read through scoped()") from exc
    if path == "":
        return "pk"
    field = model._meta.get_field(path) if "__" not in path else None
    if field is not None and not field.is_relation:
        return path
    return f"{path}__pk"


def user_unit_path(user) -> str | None:
    """The tree path of the user's unit, or None for a user not bound to a unit."""
    if getattr(user, "unit_id", None) is None:
        return None
    return user.unit.tree_path


def _unit_lookup(model) -> str | None:
    path = getattr(model, "unit_scope_path", None)
    if path is None:
        return None
    return f"{path}__tree_path" if path else "tree_path"


def prefix_range(prefix: str) -> tuple[str, str]:
    """The lowest and highest 12-digit codes that start with `prefix`."""
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def scoped(qs: QuerySet | type[Model], user) -> QuerySet:
    """Restrict a queryset (or a model's default manager) to the user's area."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    prefix = user_prefix(user)
    if prefix is None:
        return qs.none()
    qs = within(qs, prefix)
    unit_path = user_unit_path(user)
    if unit_path is not None and _unit_lookup(qs.model) is not None:
        qs = within_unit(qs, unit_path)
    return qs


def within(qs: QuerySet | type[Model], region_or_prefix) -> QuerySet:
    """Narrow a queryset to a region's subtree (a filter a user picked, or a job's region).

    This does not replace scoped(): pages and the API call scoped() first and may narrow further
    with within(); a job handler narrows to the region the job was started for.
    """
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    prefix = region_or_prefix if isinstance(region_or_prefix, str) else region_or_prefix.prefix
    low, high = prefix_range(prefix)
    path = _lookup(qs.model)
    return qs.filter(**{f"{path}__gte": low, f"{path}__lte": high})


def within_unit(qs: QuerySet | type[Model], unit_or_path) -> QuerySet:
    """Narrow a unit-scoped queryset to a unit's subtree (the unit and its subordinate units).

    Like within(), a narrowing after scoped(), never instead of it — except inside scoped(),
    which applies it for a user bound to a unit."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    lookup = _unit_lookup(qs.model)
    if lookup is None:
        raise TypeError(f"{qs.model.__name__} has no unit_scope_path; it cannot be narrowed to a unit")
    path = unit_or_path if isinstance(unit_or_path, str) else unit_or_path.tree_path
    if not path:  # a unit whose path is not set yet has no subtree to show
        return qs.none()
    return qs.filter(**{f"{lookup}__startswith": path})


def get_scoped_or_404(qs: QuerySet | type[Model], user, **lookup):
    qs = scoped(qs, user)
    try:
        return qs.get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(_("No such record in your area.")) from exc
    except (ValueError, TypeError, ValidationError) as exc:  # malformed ids in URLs: "not found", not 500
        raise Http404(_("No such record in your area.")) from exc


def region_seen_or_404(user, code: str, *, level: int):
    """The region of `level` named by `code` (a row of a table the user reads), if the user sees it
    or lies inside it: a village's staff see their township's row of a coverage table, and the list
    behind that row — narrowed to the township, then scoped as always — holds only their village.
    404 for any other region."""
    from .models import Region

    region = Region.objects.filter(level=level, code=code).first()
    own = getattr(user, "region", None)
    if region is None or own is None or not (in_scope(user, region.code) or region.contains(own.code)):
        raise Http404(_("No such record in your area."))
    return region


def in_scope(user, code: str | None) -> bool:
    prefix = user_prefix(user)
    return bool(prefix is not None and code and code.startswith(prefix))


def unit_in_scope(user, unit) -> bool:
    """Whether the user may see (and, with the capability, act on) this unit: its region is in
    the user's area and, for a user bound to a unit, it lies in that unit's subtree."""
    if unit is None or not in_scope(user, unit.region_id):
        return False
    path = user_unit_path(user)
    return path is None or (bool(unit.tree_path) and unit.tree_path.startswith(path))
