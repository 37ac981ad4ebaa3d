"""Every write of pilot plans: atomic, checked, audited in the same transaction (core.audit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from doudi.core import attachments, audit, regions
from doudi.core.models import Region, Unit
from doudi.core.roles import Cap
from doudi.core.scope import scoped
from doudi.core.unit_services import unit_create

from . import planfile, rules
from .models import (
    Evaluation,
    Funding,
    Phase,
    Plan,
    Report,
    ReportAttachment,
    ReportValue,
    Schedule,
    Target,
    Task,
    TaskUnit,
)

_ADMIN_PREFIX = re.compile(r"^(省|市|县|区|乡|镇)")


def _require(actor, cap) -> None:
    if not actor.can(cap):
        raise PermissionDenied


class UnitResolver:
    """Finds the unit a document names (“民政局”, “县委组织部”, “市工信局”) among the units of the
    county the plan is imported into: the exact name, the name after the county's own name
    (“安和县民政局”), or the one unit whose name ends with it (with or without a leading 县/市/区).
    Ambiguous and unknown names are errors, unless the importer asks to create the unknown ones."""

    def __init__(self, actor, region: Region):
        self.region = region
        self.units = list(scoped(Unit.objects.filter(is_active=True), actor).select_related("region"))

    def canonical(self, label: str) -> str:
        """The name a unit the document names gets in this county: “县水务局”, “市水务局” and
        “水务局” are all 安和县水务局; “市委组织部” is 安和县委组织部; other names stay as written."""
        if _ADMIN_PREFIX.match(label) and label[:1] in "市县区":
            return self.region.name + label[1:]
        if re.search(r"(局|委|办|部|院)$", label) and not label.startswith(self.region.name):
            return self.region.name + label
        return label

    def find(self, label: str) -> tuple[Unit | None, str, bool]:
        """(unit, problem, unknown): unknown is True when no unit matched at all."""
        exact = [u for u in self.units if u.name in (label, self.region.name + label, self.canonical(label))]
        if len(exact) == 1:
            return exact[0], "", False
        bare = _ADMIN_PREFIX.sub("", label) or label
        ends = exact or [u for u in self.units if u.name.endswith(label) or u.name.endswith(bare)]
        if len(ends) == 1:
            return ends[0], "", False
        if len(ends) > 1:
            names = "、".join(u.name for u in ends[:4])
            return (
                None,
                _("“%(name)s” matches several units (%(units)s).") % {"name": label, "units": names},
                False,
            )
        return None, _("No unit is called “%(name)s”.") % {"name": label}, True


def _townships(region: Region) -> list[Region]:
    if region.level == regions.TOWNSHIP:
        return [region]
    return list(Region.objects.filter(parent=region, level=regions.TOWNSHIP, is_active=True).order_by("code"))


def plan_import(
    *,
    actor,
    region: Region,
    text: str | None = None,
    spec: planfile.PlanSpec | None = None,
    year: int,
    create_missing_units: bool = False,
) -> Plan:
    """Import a plan file (planfile.py: `text`, TOML) or a plan read from a workbook
    (planxlsx.py: `spec`) into `region` (the county or township it runs in).

    Every problem — the file's, an unknown or ambiguous unit, a township not in the region — is
    collected and raised together (PlanFileError); nothing is written unless all is well.
    """
    checked = plan_check(
        actor=actor, region=region, text=text, spec=spec, year=year, create_missing_units=create_missing_units
    )
    return _plan_write(actor, region, checked, year)


@dataclass
class CheckedPlan:
    """A plan that passed every check of plan_check: what plan_import writes, and the preview."""

    spec: planfile.PlanSpec
    units: dict[str, Unit | None]
    missing: list[str]  # unit names to create (create_missing_units)
    townships: dict[str, Region]
    resolver: UnitResolver


def plan_check(
    *,
    actor,
    region: Region,
    text: str | None = None,
    spec: planfile.PlanSpec | None = None,
    year: int,
    create_missing_units: bool = False,
) -> CheckedPlan:
    """Every check of plan_import, writing nothing (the upload page's preview)."""
    _require(actor, Cap.MANAGE_PLANS)
    if not scoped(Region, actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    if region.level not in (regions.COUNTY, regions.TOWNSHIP):
        raise planfile.PlanFileError([(_("region"), _("A plan runs in a county or a township."))])
    if spec is None:
        spec = planfile.load(text or "", year=year)
    errors: list[tuple[str, str]] = []
    if Plan.objects.filter(region=region, key=spec.key, year=year).exists():
        errors.append(
            (
                spec.where("key"),
                _("The plan “%(key)s” of %(year)s is already imported here.")
                % {"key": spec.key, "year": year},
            )
        )
    resolver = UnitResolver(actor, region)
    units: dict[str, Unit | None] = {}
    missing: list[str] = []
    for task in spec.tasks:
        for role, labels in (
            ("lead", task.lead),
            ("responsible", task.responsible),
            ("cooperating", task.cooperating),
        ):
            for label in labels:
                if label in units:
                    if units[label] is None and label not in missing:
                        _unit, problem, _unknown = resolver.find(label)
                        errors.append((task.where(role), problem))
                    continue
                unit, problem, unknown = resolver.find(label)
                units[label] = unit
                if unit is None:
                    if create_missing_units and unknown:
                        missing.append(label)
                    else:
                        errors.append((task.where(role), problem))
    townships = {r.name: r for r in _townships(region)}
    for task in spec.tasks:
        if task.regions != planfile.ALL_TOWNSHIPS:
            for name in task.regions:
                if name not in townships:
                    errors.append(
                        (
                            task.where("regions"),
                            _("No township of %(region)s is called “%(name)s”.")
                            % {"region": region.name, "name": name},
                        )
                    )
    if errors:
        raise planfile.PlanFileError(errors)
    return CheckedPlan(spec, units, missing, townships, resolver)


def _plan_write(actor, region: Region, checked: CheckedPlan, year: int) -> Plan:
    spec, units, missing, townships, resolver = (
        checked.spec,
        dict(checked.units),
        checked.missing,
        checked.townships,
        checked.resolver,
    )
    with transaction.atomic():
        created: dict[str, Unit] = {}
        for label in missing:
            # The county asked for them: the document's departments become units of the county,
            # one per canonical name (“县水务局” and “水务局” are one unit).
            name = resolver.canonical(label)
            if name not in created:
                created[name] = unit_create(actor=actor, name=name, kind=Unit.Kind.DEPARTMENT, region=region)
            units[label] = created[name]
        plan = Plan.objects.create(
            region=region,
            key=spec.key,
            title=spec.title,
            issuer=spec.issuer,
            doc_number=spec.doc_number,
            level=spec.level,
            year=year,
            start=spec.start,
            end=spec.end,
            source=spec.source,
            near_days=spec.near_days if spec.near_days is not None else 5,
            escalate_days=spec.escalate_days if spec.escalate_days is not None else 5,
        )
        phases = {}
        for i, p in enumerate(spec.phases, start=1):
            phases[p.name] = Phase.objects.create(plan=plan, order=i, name=p.name, start=p.start, end=p.end)
        tasks = {}
        for i, t in enumerate(spec.tasks, start=1):
            task = Task.objects.create(
                plan=plan,
                order=i,
                phase=phases.get(t.phase),
                number=t.number,
                section=t.section,
                title=t.title,
                text=t.text,
                start=t.start,
                deadline=t.deadline,
            )
            tasks[t.number] = task
            seen = set()
            for role, labels in (
                ("lead", t.lead),
                ("responsible", t.responsible),
                ("cooperating", t.cooperating),
            ):
                for label in labels:
                    unit = units[label]
                    if (unit.pk, role) in seen:
                        continue
                    seen.add((unit.pk, role))
                    TaskUnit.objects.create(task=task, unit=unit, role=role, label=label)
            if t.regions == planfile.ALL_TOWNSHIPS:
                task.regions.set(townships.values())
            else:
                task.regions.set([townships[n] for n in t.regions])
            for j, g in enumerate(t.targets, start=1):
                Target.objects.create(
                    task=task,
                    order=j,
                    metric=g.metric,
                    measure=g.unit,
                    baseline=g.baseline,
                    value=g.value,
                    by=g.by,
                    per_region=g.per_region,
                )
            for group, f in enumerate(t.funding, start=1):
                amounts = (
                    rules.funding_split(f.amount, f.ratio) if f.amount is not None else [None] * len(f.ratio)
                )
                for k, (level, share, owed) in enumerate(
                    zip(f.levels, f.ratio, amounts, strict=True), start=1
                ):
                    Funding.objects.create(
                        task=task, group=group, order=k, level=level, share=share, owed=owed, basis=f.basis
                    )
        for s in spec.schedules:
            Schedule.objects.create(
                plan=plan,
                task=tasks.get(s.task),
                frequency=s.frequency,
                day=s.day,
                on=plan.end if s.frequency == rules.ONCE else None,
                note=s.note,
            )
        audit.record(
            actor,
            "create",
            plan,
            changes=audit.diff({}, audit.snapshot(plan, ["key", "title", "year", "start", "end"])),
            extra={"tasks": len(tasks), "created_units": sorted(created)},
        )
    return plan


def plan_spec(plan: Plan) -> planfile.PlanSpec:
    """The plan as a PlanSpec (for the TOML export); dates are the plan's own."""
    spec = planfile.PlanSpec(
        key=plan.key,
        title=plan.title,
        issuer=plan.issuer,
        level=plan.level,
        start=plan.start,
        end=plan.end,
        doc_number=plan.doc_number,
        source=plan.source,
        near_days=plan.near_days,
        escalate_days=plan.escalate_days,
    )
    spec.phases = [planfile.PhaseSpec(p.name, p.start, p.end) for p in plan.phases.all()]
    townships = {r.pk for r in _townships(plan.region)}
    for task in plan.tasks.select_related("phase").prefetch_related(
        "task_units", "targets", "funding", "regions"
    ):
        by_role = {"lead": [], "responsible": [], "cooperating": []}
        for tu in task.task_units.all():
            by_role[tu.role].append(tu.label or tu.unit.name)
        task_regions = {r.pk: r.name for r in task.regions.all()}
        spec.tasks.append(
            planfile.TaskSpec(
                number=task.number,
                title=task.title,
                text=task.text,
                section=task.section,
                phase=task.phase.name if task.phase else "",
                lead=by_role["lead"],
                responsible=by_role["responsible"],
                cooperating=by_role["cooperating"],
                regions=planfile.ALL_TOWNSHIPS
                if townships and set(task_regions) == townships
                else sorted(task_regions.values()),
                start=task.start,
                deadline=task.deadline,
                targets=[
                    planfile.TargetSpec(
                        g.metric, g.measure, g.value.normalize(), g.by, g.baseline.normalize(), g.per_region
                    )
                    for g in task.targets.all()
                ],
                funding=_funding_specs(task),
            )
        )
    spec.schedules = [
        planfile.ScheduleSpec(s.frequency, s.day, s.task.number if s.task_id else "", s.note)
        for s in plan.schedules.select_related("task")
    ]
    return spec


def _funding_specs(task: Task) -> list[planfile.FundingSpec]:
    groups: dict[int, list[Funding]] = {}
    for f in task.funding.all():
        groups.setdefault(f.group, []).append(f)
    result = []
    for rows in groups.values():
        owed = [r.owed for r in rows]
        total = sum(owed, Decimal(0)) if all(o is not None for o in owed) else None
        result.append(
            planfile.FundingSpec(
                [r.share.normalize() for r in rows], [r.level for r in rows], total, rows[0].basis
            )
        )
    return result


def report_file(
    *,
    actor,
    task: Task,
    region: Region,
    unit: Unit | None,
    period: str,
    due: date,
    text: str,
    values: dict[int, Decimal],
    files: list[attachments.Clean] = (),
) -> Report:
    """File (or refile) a task's progress report for one period, with the value of each target
    and its photos and documents (`files`, checked by clean_files; a refiled report keeps the
    files it had and gains the new ones)."""
    _require(actor, Cap.REPORT_PROGRESS)
    if not scoped(Region, actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    if unit is not None and not scoped(Unit, actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    if unit is None and not task.regions.filter(pk=region.pk).exists():
        raise ValidationError(_("%(region)s is not responsible for this task.") % {"region": region.name})
    if unit is not None and not task.task_units.filter(unit=unit).exists():
        raise ValidationError(_("%(unit)s is not a unit of this task.") % {"unit": unit.name})
    if not text.strip():
        raise ValidationError(_("Describe the progress."))
    targets = {t.pk: t for t in task.targets.all()}
    for pk in values:
        if pk not in targets:
            raise ValidationError(_("The value belongs to another task."))
    with transaction.atomic():
        report, created = Report.objects.update_or_create(
            task=task,
            region=region,
            unit=unit,
            period=period,
            defaults={"due": due, "text": text.strip(), "filed_by": actor},
        )
        for pk, value in values.items():
            ReportValue.objects.update_or_create(report=report, target_id=pk, defaults={"value": value})
        if report.attachments.count() + len(files) > MAX_REPORT_FILES:
            raise ValidationError(_("A report holds at most %(n)s files.") % {"n": MAX_REPORT_FILES})
        for item in files:
            ReportAttachment.objects.create(
                report=report,
                name=item.name,
                content_type=item.content_type,
                size=len(item.data),
                path=attachments.store(item.data, "programmes"),
                uploaded_by=actor,
            )
        audit.record(
            actor,
            "create" if created else "update",
            report,
            extra={
                "period": period,
                "values": {targets[pk].metric: str(v) for pk, v in values.items()},
                "files": [f.name for f in files],
            },
        )
    return report


MAX_REPORT_FILES = 10


def clean_files(files) -> list[attachments.Clean]:
    """The uploaded photos and documents of one form: at most attachments.MAX_FILES, each checked
    (type, size) and images re-encoded without their metadata (core/attachments.py)."""
    files = [f for f in files or [] if f]
    if len(files) > attachments.MAX_FILES:
        raise ValidationError(_("At most %(n)s files at a time.") % {"n": attachments.MAX_FILES})
    return [attachments.clean(f, documents=True) for f in files]


def attachment_download(*, actor, item):
    """Record that the user opened an attached file (the view has found it through the scope)."""
    audit.record(actor, "view", item, extra={"file": item.name})
    return attachments.open_path(item.path)


def task_complete(*, actor, task: Task, on: date) -> Task:
    _require(actor, Cap.MANAGE_PLANS)
    before = task.completed_on
    with transaction.atomic():
        task.completed_on = on
        task.save(update_fields=["completed_on"])
        audit.record(
            actor, "update", task, changes={"completed_on": [audit.jsonable(before), on.isoformat()]}
        )
    return task


def evaluation_record(
    *, actor, task: Task, kind: str, score: Decimal, evaluator: str, comments: str, on: date
) -> Evaluation:
    _require(actor, Cap.EVALUATE_PLANS)
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(_("A score lies between 0 and 100."))
    with transaction.atomic():
        evaluation, created = Evaluation.objects.update_or_create(
            task=task,
            kind=kind,
            defaults={"score": score, "evaluator": evaluator, "comments": comments, "evaluated_on": on},
        )
        audit.record(
            actor, "create" if created else "update", evaluation, extra={"score": str(score), "kind": kind}
        )
    return evaluation


def _manage_plan(actor, plan: Plan) -> None:
    """The county's 农办 (MANAGE_PLANS, not a unit's staff) of the plan's own area."""
    _require(actor, Cap.MANAGE_PLANS)
    if actor.unit_id is not None or not scoped(Plan, actor).filter(pk=plan.pk).exists():
        raise PermissionDenied


@dataclass
class TargetEdit:
    """One target row of the task form: `pk` None for a new target; `delete` to remove it."""

    pk: int | None
    metric: str
    measure: str
    value: Decimal | None
    baseline: Decimal = Decimal(0)
    by: date | None = None
    per_region: bool = False
    delete: bool = False


def _target_text(t) -> str:
    by = f" {t.by.isoformat()}" if t.by else ""
    per = " 分乡镇" if t.per_region else ""
    return f"{t.metric} {t.baseline.normalize():f}→{t.value.normalize():f}{t.measure}{by}{per}"


def task_update(
    *,
    actor,
    task: Task,
    deadline: date | None,
    lead: list[Unit],
    responsible: list[Unit],
    cooperating: list[Unit],
    regions: list[Region],
    targets: list[TargetEdit],
) -> Task:
    """Change a task after import (the county adjusts a plan: a later deadline, another lead unit,
    more townships, a corrected target). The same rules as the plan file (planfile.check): the
    deadline within its phase or the plan's period, at least one lead unit, responsible unit or
    township, each target with a unit and a value; units of the county, townships of the plan's
    region; a target with reported values cannot be removed. Every change audited, before → after."""
    plan = task.plan
    _manage_plan(actor, plan)
    errors: list[str] = []
    if deadline:
        phase = task.phase
        if phase and not (phase.start <= deadline <= phase.end):
            errors.append(
                _("The deadline %(date)s lies outside its phase “%(name)s” (%(start)s to %(end)s).")
                % {"date": deadline, "name": phase.name, "start": phase.start, "end": phase.end}
            )
        elif not (plan.start <= deadline <= plan.end):
            errors.append(_("The deadline %(date)s lies outside the plan's period.") % {"date": deadline})
    allowed_units = set(scoped(Unit.objects.filter(is_active=True), actor).values_list("pk", flat=True))
    for u in (*lead, *responsible, *cooperating):
        if u.pk not in allowed_units:
            raise PermissionDenied
    townships = {r.pk for r in _townships(plan.region)}
    for r in regions:
        if r.pk not in townships:
            errors.append(
                _("No township of %(region)s is called “%(name)s”.")
                % {"region": plan.region.name, "name": r.name}
            )
    if not lead and not responsible and not regions:
        errors.append(_("The task names no lead unit, responsible unit or township."))
    existing = {t.pk: t for t in task.targets.all()}
    for i, g in enumerate(targets, start=1):
        if g.pk is not None and g.pk not in existing:
            errors.append(_("The target belongs to another task."))
            continue
        if g.delete:
            if g.pk is not None and existing[g.pk].values.exists():
                errors.append(
                    _("The target “%(metric)s” has reported values and cannot be removed.")
                    % {"metric": existing[g.pk].metric}
                )
            continue
        if not g.metric.strip():
            errors.append(_("Target %(n)s: the metric is missing.") % {"n": i})
        if not g.measure.strip():
            errors.append(
                _("The target “%(metric)s” has no unit (%%, 个, 人 …).") % {"metric": g.metric or i}
            )
        if g.value is None:
            errors.append(_("Target %(n)s: the target value is missing.") % {"n": i})
        if g.by and not (plan.start <= g.by <= plan.end):
            errors.append(
                _("Target %(n)s: the date %(date)s lies outside the plan's period.") % {"n": i, "date": g.by}
            )
    if errors:
        raise ValidationError(errors)

    def units_of(role):
        return sorted(tu.unit.name for tu in task.task_units.all() if tu.role == role)

    before = {
        "deadline": audit.jsonable(task.deadline),
        "lead": units_of("lead"),
        "responsible": units_of("responsible"),
        "cooperating": units_of("cooperating"),
        "regions": sorted(r.name for r in task.regions.all()),
        "targets": [_target_text(t) for t in existing.values()],
    }
    with transaction.atomic():
        task.deadline = deadline
        task.save(update_fields=["deadline"])
        labels = {(tu.unit_id, tu.role): tu.label for tu in task.task_units.all()}
        task.task_units.all().delete()
        for role, units in (("lead", lead), ("responsible", responsible), ("cooperating", cooperating)):
            for u in dict.fromkeys(units):
                TaskUnit.objects.create(task=task, unit=u, role=role, label=labels.get((u.pk, role), ""))
        task.regions.set(regions)
        order = 0
        for g in targets:
            if g.delete:
                if g.pk is not None:
                    existing[g.pk].delete()
                continue
            order += 1
            fields = {
                "order": order,
                "metric": g.metric.strip(),
                "measure": g.measure.strip(),
                "value": g.value,
                "baseline": g.baseline or Decimal(0),
                "by": g.by or deadline,
                "per_region": g.per_region,
            }
            if g.pk is None:
                Target.objects.create(task=task, **fields)
            else:
                Target.objects.filter(pk=g.pk).update(**fields)
        task = Task.objects.select_related("plan", "phase").get(pk=task.pk)
        after = {
            "deadline": audit.jsonable(task.deadline),
            "lead": units_of("lead"),
            "responsible": units_of("responsible"),
            "cooperating": units_of("cooperating"),
            "regions": sorted(r.name for r in task.regions.all()),
            "targets": [_target_text(t) for t in task.targets.all()],
        }
        audit.record(actor, "update", task, changes=audit.diff(before, after))
    return task


def funding_pay(*, actor, funding: Funding, paid: Decimal) -> Funding:
    """Record what a level (province, city, county) has paid of its share; never more than it owes."""
    _manage_plan(actor, funding.task.plan)
    if paid < 0:
        raise ValidationError(_("An amount paid cannot be negative."))
    if paid.as_tuple().exponent < -2:
        raise ValidationError(_("An amount has at most two decimals."))
    if funding.owed is not None and paid > funding.owed:
        raise ValidationError(
            _("%(level)s would have paid %(paid)s, more than the %(owed)s it owes.")
            % {"level": funding.level, "paid": paid, "owed": funding.owed}
        )
    with transaction.atomic():
        before = funding.paid
        funding.paid = paid
        funding.save(update_fields=["paid"])
        audit.record(actor, "update", funding, changes={"paid": [str(before), str(paid)]})
    return funding


def funding_pay_many(*, actor, plan: Plan, paid: dict[int, Decimal]) -> int:
    """The funding page's save: every changed amount of the plan's funding rows, all or none
    (ValidationError naming each row at fault). Ids not of this plan are refused."""
    _manage_plan(actor, plan)
    rows = {f.pk: f for f in Funding.objects.filter(task__plan=plan).select_related("task__plan")}
    if any(pk not in rows for pk in paid):
        raise PermissionDenied
    errors, changed = [], 0
    with transaction.atomic():
        for pk, amount in paid.items():
            f = rows[pk]
            if f.paid == amount:
                continue
            try:
                funding_pay(actor=actor, funding=f, paid=amount)
            except ValidationError as exc:
                errors += [f"{f.task.number} {f.level}：{m}" for m in exc.messages]
            changed += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return changed


def plan_accept(*, actor, plan: Plan, on: date, notes: str) -> Plan:
    """考核验收: the plan is accepted; its record keeps the date and the notes."""
    _require(actor, Cap.MANAGE_PLANS)
    with transaction.atomic():
        plan.status, plan.accepted_on, plan.acceptance_notes = Plan.Status.ACCEPTED, on, notes
        plan.save(update_fields=["status", "accepted_on", "acceptance_notes"])
        audit.record(
            actor, "update", plan, changes={"status": ["active", "accepted"]}, extra={"notes": notes}
        )
    return plan


def warnings_daily(*, region_prefix: str, today: date) -> dict:
    """The daily warning check (plan 7, 四 2: 分级约谈 where work lags) of the plans in an area.

    For every open task with a warning (rules.warning_level): near or passed → the responsible
    townships' clerks and the staff of the task's units; escalated to the lead unit → also the
    staff of the lead units; escalated to the county → also the county's plan managers (users
    without a unit holding MANAGE_PLANS in the plan's region). In-app notifications, one per
    recipient, task and level (core.notifications keys make a rerun send nothing twice).
    """
    from doudi.core.calendar import CalendarCache
    from doudi.core.models import User
    from doudi.core.notifications import Note, notify_many
    from doudi.core.scope import within

    levels = {
        rules.NEAR: _("deadline near"),
        rules.PASSED: _("deadline passed"),
        rules.LEAD: _("escalated to the lead unit"),
        rules.COUNTY: pgettext("programmes", "escalated to the county"),
    }
    notes: list[Note] = []
    counts = dict.fromkeys(levels, 0)
    calendars = CalendarCache()  # each county's own work calendar, loaded once
    users = [u for u in User.objects.filter(is_active=True).select_related("region", "unit") if u.region_id]
    for task in within(
        Task.objects.filter(completed_on__isnull=True, plan__status=Plan.Status.ACTIVE), region_prefix
    ).select_related("plan"):
        level = rules.warning_level(
            deadline=task.deadline,
            done=False,
            today=today,
            near_days=task.plan.near_days,
            escalate_days=task.plan.escalate_days,
            add_working_days=calendars.adder(task.plan.region_id),
        )
        if not level:
            continue
        counts[level] += 1
        townships = set(task.regions.values_list("code", flat=True))
        unit_ids = {tu.unit_id: tu.role for tu in task.task_units.all()}
        recipients = []
        for u in users:
            if u.unit_id is not None:
                # the task's own units hear of every level; the lead unit thereby of the escalation too
                if u.unit_id in unit_ids:
                    recipients.append(u)
            elif u.region_id in townships and u.can(Cap.REPORT_PROGRESS):
                recipients.append(u)
            elif (
                level == rules.COUNTY
                and u.can(Cap.MANAGE_PLANS)
                and task.plan.region_id.startswith(u.region.prefix)
            ):
                recipients.append(u)
        text = _("%(plan)s, task %(number)s “%(title)s”: %(level)s (deadline %(deadline)s).") % {
            "plan": task.plan.title,
            "number": task.number,
            "title": task.title,
            "level": levels[level],
            "deadline": task.deadline,
        }
        for u in recipients:
            notes.append(
                Note(
                    u,
                    kind="programme_warning",
                    key=f"programme:{task.pk}:{level}",
                    text=text,
                    url=f"/programmes/tasks/{task.pk}/",
                    region=task.plan.region,
                )
            )
    sent = notify_many(notes)
    return {"warnings": counts, "sent": sent}
