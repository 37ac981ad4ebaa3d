"""Reads for inspections, always through the area scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import get_scoped_or_404, scoped

from .models import Checklist, ChecklistItem, Finding, FindingPhoto, Inspection, RectificationTask


def checklists_usable(user):
    """Checklists the user may plan with: their own area's and those of the regions above them
    (a county's checklist is used by its township inspectors)."""
    region = getattr(user, "region", None)
    if region is None:
        return Checklist.objects.none()
    ancestors = [
        region.code[:n].ljust(12, "0") for n in rcodes.PREFIX_LENGTH.values() if n <= len(region.prefix)
    ]
    return (
        (
            Checklist.objects.filter(active=True).filter(Q(region_id__in=ancestors))
            | scoped(Checklist, user).filter(active=True)
        )
        .distinct()
        .order_by("name", "pk")
    )


def checklists(user):
    return (
        scoped(Checklist, user)
        .annotate(n_items=Count("items", filter=Q(items__active=True)))
        .order_by("name", "pk")
    )


def checklist_get(user, pk) -> Checklist:
    return get_scoped_or_404(Checklist.objects.select_related("region"), user, pk=pk)


def checklist_item_get(user, checklist, pk) -> ChecklistItem:
    return get_scoped_or_404(ChecklistItem, user, pk=pk, checklist=checklist)


def inspections(user, *, round: str = "", status: str = ""):
    qs = scoped(Inspection, user).select_related("region", "institution", "inspector", "checklist")
    if round:
        qs = qs.filter(round=round)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        n_problems=Count("findings", filter=Q(findings__ok=False)),
        n_open=Count("findings", filter=Q(findings__task__status=RectificationTask.Status.OPEN)),
    ).order_by("-planned_on", "region_id", "pk")


def rounds(user) -> list[str]:
    return list(
        scoped(Inspection, user).order_by().values_list("round", flat=True).distinct().order_by("round")
    )


def inspection_get(user, pk) -> Inspection:
    return get_scoped_or_404(
        Inspection.objects.select_related(
            "region", "region__parent", "institution", "inspector", "checklist"
        ),
        user,
        pk=pk,
    )


def findings(user, inspection):
    return (
        scoped(Finding, user)
        .filter(inspection=inspection)
        .select_related("item", "person", "person__village", "task", "task__owner")
        .prefetch_related(Prefetch("photos", queryset=FindingPhoto.objects.select_related("upload")))
        .order_by("item__order", "item_id")
    )


def finding_photo_get(user, pk) -> FindingPhoto:
    return get_scoped_or_404(FindingPhoto.objects.select_related("upload"), user, pk=pk)


def finding_for_task(user, task):
    if task.source_kind != "inspection" or not task.source_id.isdigit():
        return None
    return scoped(Finding, user).filter(pk=int(task.source_id)).select_related("inspection").first()


# ---- the circular (通报): townships ranked ------------------------------------------------------------


@dataclass
class TownshipRow:
    code: str
    name: str
    units: int = 0  # inspections with findings recorded
    problems: int = 0  # 不符合 findings
    open_tasks: int = 0
    overdue_tasks: int = 0
    closed_tasks: int = 0
    units_names: list[str] = field(default_factory=list)

    @property
    def per_unit(self) -> float:
        return self.problems / self.units if self.units else 0.0


def township_ranking(
    user,
    *,
    round: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> list[TownshipRow]:
    """Townships ranked best first: fewest problems per inspected unit, then fewest overdue and
    open rectifications. Only inspections with recorded findings count."""
    today = today or timezone.localdate()
    qs = (
        scoped(Inspection, user).filter(status=Inspection.Status.DONE).select_related("region", "institution")
    )
    if round:
        qs = qs.filter(round=round)
    if since:
        qs = qs.filter(inspected_on__gte=since)
    if until:
        qs = qs.filter(inspected_on__lte=until)
    rows: dict[str, TownshipRow] = {}
    names = {}
    inspection_town = {}
    for insp in qs:
        code = insp.region_id[:9].ljust(12, "0")
        inspection_town[insp.pk] = code
        row = rows.get(code)
        if row is None:
            row = rows[code] = TownshipRow(code=code, name="")
            names[code] = None
        row.units += 1
        row.units_names.append(insp.institution.name if insp.institution else insp.region.name)
    for r in Region.objects.filter(code__in=list(rows)).values("code", "name"):
        rows[r["code"]].name = r["name"]
    for f in Finding.objects.filter(inspection_id__in=list(inspection_town), ok=False).select_related("task"):
        row = rows[inspection_town[f.inspection_id]]
        row.problems += 1
        if f.task is None:
            continue
        if f.task.status == RectificationTask.Status.OPEN:
            row.open_tasks += 1
            if f.task.deadline < today:
                row.overdue_tasks += 1
        else:
            row.closed_tasks += 1
    return sorted(rows.values(), key=lambda r: (r.per_unit, r.overdue_tasks, r.open_tasks, r.code))


def problem_findings(user, *, round: str = ""):
    qs = scoped(Finding, user).filter(ok=False, inspection__status=Inspection.Status.DONE)
    if round:
        qs = qs.filter(inspection__round=round)
    return qs.select_related("inspection", "item").order_by("inspection__region_id", "item__order", "pk")
