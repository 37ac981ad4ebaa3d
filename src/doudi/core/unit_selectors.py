"""Reads of organisation units. Every query goes through scope.scoped(), which narrows to the
user's unit subtree for staff bound to a unit (core/scope.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .models import Region, Unit, UnitFigures
from .scope import get_scoped_or_404, scoped, within


@dataclass
class TreeRow:
    unit: Unit
    depth: int  # among the rows shown: 0 when no ancestor is shown
    parent_shown: bool  # False when the unit has a parent the list does not show (filtered, out of scope)
    child_count: int  # visible children


def unit_tree(
    user, *, kind: str = "", region: Region | None = None, q: str = "", active: str = ""
) -> list[TreeRow]:
    """The units the user sees, in tree order (a parent before its subordinate units), with the
    depth to indent each by. Filters keep the tree order; a unit whose parent is filtered out is
    shown at the depth of its nearest shown ancestor."""
    qs = scoped(Unit, user).select_related("region", "parent")
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        qs = within(qs, region)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q))
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    units = list(qs.order_by("tree_path"))
    shown = {u.pk for u in units}
    counts: dict[int, int] = {}
    for pid in scoped(Unit, user).filter(parent__isnull=False).values_list("parent_id", flat=True):
        counts[pid] = counts.get(pid, 0) + 1
    rows = []
    for u in units:
        depth = sum(1 for a in u.ancestor_ids if a in shown)
        rows.append(TreeRow(u, depth, u.parent_id is None or u.parent_id in shown, counts.get(u.pk, 0)))
    return rows


def unit_get(user, pk) -> Unit:
    return get_scoped_or_404(Unit.objects.select_related("region", "parent"), user, pk=pk)


def unit_children(user, unit: Unit):
    return scoped(Unit, user).filter(parent=unit).select_related("region").order_by("tree_path")


def unit_ancestors(user, unit: Unit) -> list[Unit]:
    """The breadcrumb: the ancestors the user may see, from the top down (staff of a unit do not
    see the units above theirs)."""
    ids = unit.ancestor_ids
    if not ids:
        return []
    found = {u.pk: u for u in scoped(Unit, user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def unit_figures(user, unit: Unit):
    return scoped(UnitFigures, user).filter(unit=unit).order_by("-year")


def unit_figures_get(user, unit: Unit, year: int) -> UnitFigures | None:
    return scoped(UnitFigures, user).filter(unit=unit, year=year).first()


def units_assignable(user):
    """Units a form may offer (a parent, an account's unit): visible and in use, tree order."""
    return scoped(Unit, user).filter(is_active=True).select_related("region").order_by("tree_path")


def unit_parent_choices(user, unit: Unit | None = None):
    """Possible parents: visible units in use, but never the unit itself or its subtree."""
    qs = units_assignable(user)
    if unit is not None and unit.tree_path:
        qs = qs.exclude(tree_path__startswith=unit.tree_path)
    return qs


def unit_regions(user):
    """Regions a unit may sit in: the user's area, in use, in code order."""
    return scoped(Region, user).filter(is_active=True).order_by("code")
