"""Every read of pilot plans, through the area scope (core.scope).

A county plan's tasks reach three kinds of readers, all by the one scope mechanism:
- users not bound to a unit see the tasks of the plans in their area (the county's officers) and
  the tasks whose responsible townships (责任主体) lie in their area (a township's clerk sees the
  county plan's tasks of their township, nothing of another township's);
- users bound to a unit see the tasks one of whose units (牵头/责任/配合) lies in their unit's
  subtree (scoped(TaskUnit): the region test and the unit test together).
Reports are scoped by their own township and unit (Report.scope_path, unit_scope_path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from doudi.core import regions
from doudi.core.calendar import add_working_days_for
from doudi.core.models import Region, Unit
from doudi.core.scope import get_scoped_or_404, scoped, user_unit_path

from . import rules
from .models import Evaluation, Funding, Plan, Report, ReportValue, Schedule, Target, Task, TaskUnit


def tasks(user) -> QuerySet[Task]:
    if user_unit_path(user) is not None:
        return Task.objects.filter(pk__in=scoped(TaskUnit, user).values("task_id"))
    own = scoped(Task, user).values("pk")
    township = Task.objects.filter(
        regions__in=scoped(Region, user).filter(level__in=[regions.TOWNSHIP, regions.VILLAGE])
    ).values("pk")
    return Task.objects.filter(Q(pk__in=own) | Q(pk__in=township))


def plans(user) -> QuerySet[Plan]:
    """The plans with a task the user sees (a plan always has tasks: the import refuses one without)."""
    return Plan.objects.filter(pk__in=tasks(user).values("plan_id"))


def plan_or_404(user, pk) -> Plan:
    try:
        return plans(user).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(pgettext("programmes", "No such record in your area.")) from exc


def task_or_404(user, pk) -> Task:
    try:
        return tasks(user).select_related("plan", "phase").distinct().get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(pgettext("programmes", "No such record in your area.")) from exc


def manages(user, plan: Plan) -> bool:
    """Whether the user may manage this plan: the capability and the plan in their own area (the
    county's 农办, not a township that only reports to it)."""
    from doudi.core.roles import Cap

    return (
        user.can(Cap.MANAGE_PLANS)
        and user_unit_path(user) is None
        and scoped(Plan, user).filter(pk=plan.pk).exists()
    )


def reports(user) -> QuerySet[Report]:
    return scoped(Report, user)


def report_or_404(user, pk) -> Report:
    return get_scoped_or_404(Report.objects.select_related("task", "region", "unit"), user, pk=pk)


def my_townships(user, task: Task) -> list[Region]:
    """The responsible townships of a task the user may report for."""
    if user_unit_path(user) is not None:
        return []
    return list(task.regions.filter(pk__in=scoped(Region, user).values("pk")).order_by("code"))


def my_units(user, task: Task) -> list[Unit]:
    """The task's units the user is bound to (a unit's staff report for their unit)."""
    if user_unit_path(user) is None:
        return []
    return [
        tu.unit
        for tu in scoped(TaskUnit, user).filter(task=task).select_related("unit")
        if tu.unit_id == user.unit_id
    ]


# ---- progress --------------------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    value: Decimal | None  # the latest value (per-region targets: the mean of the townships' latest)
    trajectory: rules.Trajectory
    percent: int  # 0..100 for the progress bar
    regions_reported: int = 0
    regions_reached: int = 0
    by_region: dict = field(default_factory=dict)


@dataclass
class TaskProgress:
    task: Task
    status: str
    warning: str
    targets: list[TargetProgress]
    reports: int
    lead: list[str]


def status_labels():
    return {
        rules.NOT_STARTED: _("Not started"),
        rules.IN_PROGRESS: _("In progress"),
        rules.DONE: _("Done"),
        rules.OVERDUE: pgettext("programmes", "Overdue"),
    }


def warning_labels():
    return {
        rules.NEAR: _("Deadline near"),
        rules.PASSED: _("Deadline passed"),
        rules.LEAD: _("Escalated to the lead unit"),
        rules.COUNTY: pgettext("programmes", "Escalated to the county"),
    }


def _target_progress(
    target: Target, values: list[ReportValue], plan: Plan, today: date, computed=None
) -> TargetProgress:
    latest: dict[str, Decimal] = {}  # township code (or "") → latest value
    if computed is not None:  # fed by a ledger: computed from its rows, not typed
        if target.per_region:
            latest = {k: v for k, v in computed.items() if k}
        elif "" in computed:
            latest = {"": computed[""]}
    for v in sorted(values, key=lambda v: (v.report.due, v.report.filed_at)) if computed is None else ():
        latest[v.report.region_id if target.per_region else ""] = v.value
    if latest:
        value = sum(latest.values(), Decimal(0)) / len(latest)
        value = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    else:
        value = None
    start = target.task.starts_on() if target.task_id else plan.start
    traj = rules.trajectory(
        baseline=target.baseline,
        target=target.value,
        start=start,
        by=target.by or plan.end,
        on=today,
        actual=value,
    )
    share = traj.share if traj.share is not None else Decimal(0)
    percent = int(max(min(share * 100, Decimal(100)), Decimal(0)))
    rising = target.value >= target.baseline
    reached = sum(1 for v in latest.values() if (v >= target.value if rising else v <= target.value))
    return TargetProgress(target, value, traj, percent, len(latest), reached, latest)


def _computed(user, target: Target):
    from .ledger_services import computed_value
    from .models import TargetSource

    try:
        source = target.source
    except TargetSource.DoesNotExist:
        return None
    return computed_value(user, source)


def plan_progress(
    user, plan: Plan, today: date, *, unit: int | None = None, region: str | None = None
) -> list[TaskProgress]:
    """Status, warning and target progress of the plan's tasks the user sees (filters: lead unit,
    township)."""
    qs = (
        tasks(user)
        .filter(plan=plan)
        .select_related("phase", "plan")
        .prefetch_related("targets__source__ledger", "task_units__unit")
    )
    if unit:
        qs = qs.filter(task_units__unit_id=unit, task_units__role=TaskUnit.Role.LEAD)
    if region:
        qs = qs.filter(regions__code=region)
    qs = qs.distinct().order_by("order")
    task_list = list(qs)
    adder = add_working_days_for(plan.region_id)  # the plan's county's work calendar
    visible_reports = reports(user).filter(task__in=task_list)
    counts: dict[int, int] = {}
    for tid in visible_reports.values_list("task_id", flat=True):
        counts[tid] = counts.get(tid, 0) + 1
    values = list(ReportValue.objects.filter(report__in=visible_reports).select_related("report"))
    by_target: dict[int, list[ReportValue]] = {}
    for v in values:
        by_target.setdefault(v.target_id, []).append(v)
    result = []
    for t in task_list:
        status = t.status(today, reported=counts.get(t.pk, 0) > 0)
        warning = rules.warning_level(
            deadline=t.deadline,
            done=t.completed_on is not None,
            today=today,
            near_days=plan.near_days,
            escalate_days=plan.escalate_days,
            add_working_days=adder,
        )
        result.append(
            TaskProgress(
                t,
                status,
                warning,
                [
                    _target_progress(g, by_target.get(g.pk, []), plan, today, _computed(user, g))
                    for g in t.targets.all()
                ],
                counts.get(t.pk, 0),
                [tu.unit.name for tu in t.task_units.all() if tu.role == TaskUnit.Role.LEAD],
            )
        )
    return result


def status_counts(rows: list[TaskProgress]) -> dict[str, int]:
    counts = dict.fromkeys(rules.STATUSES, 0)
    for r in rows:
        counts[r.status] += 1
    return counts


def lead_units(plan: Plan) -> list[Unit]:
    return list(
        Unit.objects.filter(
            pk__in=TaskUnit.objects.filter(task__plan=plan, role="lead").values("unit_id")
        ).order_by("name")
    )


def area_townships(plan: Plan):
    """The townships a task of the plan can be given: those of the plan's county (or the township)."""
    if plan.region.level == regions.TOWNSHIP:
        return Region.objects.filter(pk=plan.region_id)
    return Region.objects.filter(parent=plan.region, level=regions.TOWNSHIP, is_active=True).order_by("code")


def plan_townships(plan: Plan) -> list[Region]:
    return list(Region.objects.filter(programme_tasks__plan=plan).distinct().order_by("code"))


# ---- due reports (the worklist) --------------------------------------------------------------


@dataclass
class DueReport:
    task: Task
    period: str
    due: date
    region: Region | None
    unit: Unit | None
    filed: Report | None


def _schedules_for(task: Task, schedules: list[Schedule]) -> list[Schedule]:
    own = [s for s in schedules if s.task_id == task.pk]
    return own or [s for s in schedules if s.task_id is None]


def due_for(task: Task, schedules: list[Schedule], phases) -> list[rules.Due]:
    out = []
    plan = task.plan
    for s in _schedules_for(task, schedules):
        end = min(task.deadline or plan.end, plan.end)
        start = task.starts_on()
        out += rules.due_reports(
            frequency=s.frequency,
            day=s.day,
            start=start,
            end=end,
            phase_ends=[(p.name, p.end) for p in phases if p.end >= start and p.start <= end],
            once_on=s.on or plan.end,
        )
    seen, unique = set(), []
    for d in out:
        if d.period not in seen:
            seen.add(d.period)
            unique.append(d)
    return unique


def worklist(user, today: date, horizon_days: int = 31) -> list[DueReport]:
    """The reports due from the user's townships (or unit) up to a month ahead, filed or not."""
    from datetime import timedelta

    result = []
    task_qs = (
        tasks(user)
        .filter(completed_on__isnull=True, plan__status=Plan.Status.ACTIVE)
        .select_related("plan", "phase")
    )
    task_qs = task_qs.distinct()
    for task in task_qs:
        schedules = list(task.plan.schedules.all())
        phases = list(task.plan.phases.all())
        townships, units = my_townships(user, task), my_units(user, task)
        if not townships and not units:
            continue
        filed = {(r.period, r.region_id, r.unit_id): r for r in reports(user).filter(task=task)}
        for d in due_for(task, schedules, phases):
            if d.due > today + timedelta(days=horizon_days) or d.due < task.plan.start:
                continue
            for r in townships:
                result.append(DueReport(task, d.period, d.due, r, None, filed.get((d.period, r.pk, None))))
            for u in units:
                result.append(
                    DueReport(task, d.period, d.due, u.region, u, filed.get((d.period, u.region_id, u.pk)))
                )
    result.sort(key=lambda x: (x.filed is not None, x.due, x.task.plan_id, x.task.order))
    return result


def evaluations(task: Task) -> list[Evaluation]:
    return list(task.evaluations.all())


def funding(task: Task) -> list[Funding]:
    return list(task.funding.all())


def plan_funding(plan: Plan) -> list[Funding]:
    """Every funding share of the plan's tasks, in task order (the plan is already the user's)."""
    return list(
        Funding.objects.filter(task__plan=plan)
        .select_related("task")
        .order_by("task__order", "group", "order")
    )


def funding_totals(rows: list[Funding]) -> list[dict]:
    """Per level (省, 市, 县 …, as the plan names them): owed, paid and still open."""
    totals: dict[str, dict] = {}
    for f in rows:
        t = totals.setdefault(
            f.level, {"level": f.level, "owed": Decimal(0), "paid": Decimal(0), "unknown": 0}
        )
        if f.owed is None:
            t["unknown"] += 1
        else:
            t["owed"] += f.owed
        t["paid"] += f.paid
    for t in totals.values():
        t["open"] = max(t["owed"] - t["paid"], Decimal(0))
        t["percent"] = round(t["paid"] * 100 / t["owed"]) if t["owed"] else 0
    return list(totals.values())


# ---- ledgers ---------------------------------------------------------------------------------


def _ancestor_codes(region) -> list[str]:
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def ledgers_for(user) -> QuerySet:
    """The ledgers the user sees: those of their area (the county's) and those of the county or
    township above them that they fill (a village or township clerk fills the county's ledger)."""
    from .models import LedgerTemplate

    if getattr(user, "region", None) is None or not user.is_active:
        return LedgerTemplate.objects.none()
    return LedgerTemplate.objects.filter(
        Q(pk__in=scoped(LedgerTemplate, user).values("pk")) | Q(region__in=_ancestor_codes(user.region))
    )


def ledger_or_404(user, pk):
    try:
        return ledgers_for(user).select_related("region", "plan", "task").get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise Http404(pgettext("programmes", "No such record in your area.")) from exc
