"""Pilot-plan pages: thin views (form → service → render); every lookup through selectors (the scope)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import regions as region_levels
from doudi.core.models import Region, Unit, Upload
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, scoped
from doudi.core.services import upload_store

from . import exports, planfile, planxlsx, rules, selectors, services
from .forms import (
    DateForm,
    EvaluationForm,
    ImportForm,
    PlanXlsxForm,
    ReportForm,
    ShippedLedgerForm,
    TargetFormSet,
    TaskEditForm,
)
from .models import LedgerAttachment, ReportAttachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_UPLOAD = "programme_plan"

STATUS_COLOURS = {
    rules.NOT_STARTED: "#9aa5b1",
    rules.IN_PROGRESS: "#3b82f6",
    rules.DONE: "#16a34a",
    rules.OVERDUE: "#dc2626",
}


def _need(user, cap):
    if not user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _today():
    return timezone.localdate()


def plan_list(request):
    """The county overview: every plan with its tasks by status and its warnings."""
    _need(request.user, Cap.VIEW_PLANS)
    today = _today()
    rows = []
    for plan in selectors.plans(request.user).select_related("region"):
        progress = selectors.plan_progress(request.user, plan, today)
        rows.append(
            {
                "plan": plan,
                "counts": selectors.status_counts(progress),
                "warned": sum(1 for p in progress if p.warning),
                "behind": sum(1 for p in progress for g in p.targets if g.trajectory.behind),
                "total": len(progress),
            }
        )
    return render(
        request,
        "programmes/plan_list.html",
        {
            "rows": rows,
            "statuses": selectors.status_labels(),
            "can_manage": request.user.can(Cap.MANAGE_PLANS),
        },
    )


def plan_import(request):
    _need(request.user, Cap.MANAGE_PLANS)
    areas = _plan_areas(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, regions=areas.order_by("code"))
    errors = []
    if request.method == "POST" and form.is_valid():
        region = areas.filter(code=form.cleaned_data["region"]).first()
        try:
            plan = services.plan_import(
                actor=request.user,
                region=region,
                text=form.text(),
                year=form.cleaned_data["year"],
                create_missing_units=form.cleaned_data["create_missing_units"],
            )
        except planfile.PlanFileError as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The plan is imported."))
            return redirect("programmes_plan", plan.pk)
    return render(request, "programmes/plan_import.html", {"form": form, "errors": errors})


def _plan_areas(user):
    return scoped(Region, user).filter(
        level__in=[region_levels.COUNTY, region_levels.TOWNSHIP], is_active=True
    )


def plan_import_xlsx(request):
    """Upload a plan workbook (planxlsx.py) → every check, the errors by sheet, row and column, or
    a preview of the plan → the confirmation imports the kept upload (checked again)."""
    _need(request.user, Cap.MANAGE_PLANS)
    areas = _plan_areas(request.user)
    form = PlanXlsxForm(request.POST or None, request.FILES or None, regions=areas.order_by("code"))
    errors, checked, upload = [], None, None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = areas.filter(code=d["region"]).first()
        if d["upload"]:
            upload = get_scoped_or_404(
                Upload.objects.filter(kind=PLAN_UPLOAD, uploaded_by=request.user),
                request.user,
                pk=d["upload"],
            )
        else:
            upload = upload_store(
                actor=request.user, region=request.user.region, uploaded_file=d["file"], kind=PLAN_UPLOAD
            )
        args = {
            "actor": request.user,
            "region": region,
            "year": d["year"],
            "create_missing_units": d["create_missing_units"],
        }
        try:
            spec = planxlsx.read(upload.file.path, year=d["year"])
            if d["upload"]:
                plan = services.plan_import(spec=spec, **args)
            else:
                checked = services.plan_check(spec=spec, **args)
        except planfile.PlanFileError as exc:
            errors, upload = exc.errors, None
        except ValidationError as exc:
            form.add_error(None, exc)
            upload = None
        else:
            if d["upload"]:
                messages.success(request, _("The plan is imported."))
                return redirect("programmes_plan", plan.pk)
    return render(
        request,
        "programmes/plan_import_xlsx.html",
        {"form": form, "errors": errors, "checked": checked, "upload": upload},
    )


def plan_template_xlsx(request):
    _need(request.user, Cap.MANAGE_PLANS)
    response = HttpResponse(planxlsx.write(None), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="plan-template.xlsx"'
    return response


def plan_workbook(request, pk):
    """The plan as a workbook (planxlsx.py), to edit and import again or into another county."""
    _need(request.user, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    if not selectors.manages(request.user, plan):
        raise Http404
    response = HttpResponse(planxlsx.write(services.plan_spec(plan)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{plan.key}-{plan.year}-plan.xlsx"'
    return response


def plan_detail(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    today = _today()
    unit = request.GET.get("unit") or None
    region = request.GET.get("region") or None
    try:
        unit = int(unit) if unit else None
    except ValueError:
        unit = None
    progress = selectors.plan_progress(request.user, plan, today, unit=unit, region=region)
    statuses = selectors.status_labels()
    phases = list(plan.phases.all())
    timeline = {
        "phases": [{"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in phases],
        "today": today.isoformat(),
        "tasks": [
            {
                "name": f"{p.task.number} {p.task.title}"[:30],
                "start": p.task.starts_on().isoformat(),
                "end": (p.task.deadline or plan.end).isoformat(),
                "colour": STATUS_COLOURS[p.status],
                "url": reverse("programmes_task", args=[p.task.pk]),
            }
            for p in progress
        ],
    }
    return render(
        request,
        "programmes/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "counts": selectors.status_counts(progress),
            "statuses": statuses,
            "warnings": selectors.warning_labels(),
            "colours": STATUS_COLOURS,
            "timeline": timeline,
            "timeline_height": 26 * (len(progress) + len(phases)) + 50,
            "phases": phases,
            "funding_totals": selectors.funding_totals(selectors.plan_funding(plan)),
            "lead_units": selectors.lead_units(plan),
            "townships": selectors.plan_townships(plan),
            "unit": unit,
            "region": region,
            "manages": selectors.manages(request.user, plan),
            "accept_form": DateForm(initial={"on": today}),
            "ledger_form": ShippedLedgerForm(),
        },
    )


def plan_toml(request, pk):
    _need(request.user, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    if not selectors.manages(request.user, plan):
        raise Http404
    response = HttpResponse(
        planfile.dump(services.plan_spec(plan)), content_type="application/toml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.key}-{plan.year}.toml"'
    return response


def plan_xlsx(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    response = HttpResponse(
        exports.progress_xlsx(request.user, plan, _today()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.key}-{plan.year}-progress.xlsx"'
    return response


def plan_docx(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    response = HttpResponse(
        exports.summary_docx(request.user, plan, _today()),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.key}-{plan.year}-summary.docx"'
    return response


@require_POST
def plan_accept(request, pk):
    _need(request.user, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    if not selectors.manages(request.user, plan):
        raise Http404
    form = DateForm(request.POST)
    if form.is_valid():
        services.plan_accept(
            actor=request.user, plan=plan, on=form.cleaned_data["on"], notes=form.cleaned_data["notes"]
        )
        messages.success(request, _("The plan is accepted."))
    return redirect("programmes_plan", plan.pk)


def task_list(request):
    """The list behind each number of the overview and the plan page (filters in the query)."""
    _need(request.user, Cap.VIEW_PLANS)
    today = _today()
    status, warning = request.GET.get("status", ""), request.GET.get("warning", "")
    rows = []
    plan_ids = request.GET.get("plan")
    plans = selectors.plans(request.user)
    if plan_ids:
        plans = plans.filter(pk=plan_ids) if plan_ids.isdigit() else plans.none()
    for plan in plans:
        for p in selectors.plan_progress(request.user, plan, today):
            if status and p.status != status:
                continue
            if warning == "any" and not p.warning or warning not in ("", "any") and p.warning != warning:
                continue
            if request.GET.get("behind") and not any(g.trajectory.behind for g in p.targets):
                continue
            rows.append(p)
    return render(
        request,
        "programmes/task_list.html",
        {
            "rows": rows,
            "statuses": selectors.status_labels(),
            "warnings": selectors.warning_labels(),
            "colours": STATUS_COLOURS,
        },
    )


def task_detail(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    task = selectors.task_or_404(request.user, pk)
    today = _today()
    progress = next(
        p for p in selectors.plan_progress(request.user, task.plan, today) if p.task.pk == task.pk
    )
    manages = selectors.manages(request.user, task.plan)
    return render(
        request,
        "programmes/task_detail.html",
        {
            "task": task,
            "p": progress,
            "statuses": selectors.status_labels(),
            "warnings": selectors.warning_labels(),
            "colours": STATUS_COLOURS,
            "units": task.task_units.select_related("unit"),
            "townships": task.regions.order_by("code"),
            "reports": selectors.reports(request.user)
            .filter(task=task)
            .select_related("region", "unit", "filed_by")
            .prefetch_related("values__target", "attachments"),
            "evaluations": task.evaluations.all(),
            "funding": task.funding.all(),
            "manages": manages,
            "can_report": request.user.can(Cap.REPORT_PROGRESS)
            and bool(selectors.my_townships(request.user, task) or selectors.my_units(request.user, task)),
            "can_evaluate": request.user.can(Cap.EVALUATE_PLANS)
            and scoped(type(task.plan), request.user).filter(pk=task.plan_id).exists(),
            "evaluation_form": EvaluationForm(
                initial={"evaluated_on": today, "evaluator": request.user.name}
            ),
            "complete_form": DateForm(initial={"on": today}),
        },
    )


def _who(user, task):
    choices = [(f"r:{r.code}", r.name) for r in selectors.my_townships(user, task)]
    choices += [(f"u:{u.pk}", u.name) for u in selectors.my_units(user, task)]
    return choices


def task_report(request, pk):
    """File the task's progress report for a period (a phone-sized form)."""
    _need(request.user, Cap.REPORT_PROGRESS)
    task = selectors.task_or_404(request.user, pk)
    who = _who(request.user, task)
    if not who:
        raise Http404
    periods = selectors.due_for(task, list(task.plan.schedules.all()), list(task.plan.phases.all()))
    if not periods:  # a task without a schedule still takes a report: one for its deadline
        periods = [rules.Due((task.deadline or task.plan.end).isoformat(), task.deadline or task.plan.end)]
    targets = list(task.targets.all())
    initial = {"period": request.GET.get("period", ""), "who": request.GET.get("who", "")}
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        who=who,
        periods=periods,
        targets=targets,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        kind, _sep, key = form.cleaned_data["who"].partition(":")
        region, unit = None, None
        if kind == "r":
            region = next(r for r in selectors.my_townships(request.user, task) if r.code == key)
        else:
            unit = next(u for u in selectors.my_units(request.user, task) if str(u.pk) == key)
            region = unit.region
        due = next(d.due for d in periods if d.period == form.cleaned_data["period"])
        try:
            services.report_file(
                actor=request.user,
                task=task,
                region=region,
                unit=unit,
                period=form.cleaned_data["period"],
                due=due,
                text=form.cleaned_data["text"],
                values=form.values(),
                files=services.clean_files(form.cleaned_data["files"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report is filed."))
            return redirect("programmes_task", task.pk)
    return render(request, "programmes/task_report.html", {"task": task, "form": form})


@require_POST
def task_complete(request, pk):
    _need(request.user, Cap.MANAGE_PLANS)
    task = selectors.task_or_404(request.user, pk)
    if not selectors.manages(request.user, task.plan):
        raise Http404
    form = DateForm(request.POST)
    if form.is_valid():
        services.task_complete(actor=request.user, task=task, on=form.cleaned_data["on"])
    return redirect("programmes_task", task.pk)


@require_POST
def task_evaluate(request, pk):
    _need(request.user, Cap.EVALUATE_PLANS)
    task = selectors.task_or_404(request.user, pk)
    if not scoped(type(task.plan), request.user).filter(pk=task.plan_id).exists():
        raise Http404
    form = EvaluationForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        services.evaluation_record(
            actor=request.user,
            task=task,
            kind=d["kind"],
            score=d["score"],
            evaluator=d["evaluator"],
            comments=d["comments"],
            on=d["evaluated_on"],
        )
        messages.success(request, _("The evaluation is recorded."))
    else:
        messages.error(request, _("The evaluation is incomplete."))
    return redirect("programmes_task", task.pk)


def task_edit(request, pk):
    """The county changes a task after import: deadline, units, townships, targets (a phone form)."""
    _need(request.user, Cap.MANAGE_PLANS)
    task = selectors.task_or_404(request.user, pk)
    if not selectors.manages(request.user, task.plan):
        raise Http404
    units = scoped(Unit.objects.filter(is_active=True), request.user).order_by("name")
    townships = selectors.area_townships(task.plan)
    by_role = {"lead": [], "responsible": [], "cooperating": []}
    for tu in task.task_units.all():
        by_role[tu.role].append(tu.unit_id)
    initial = {
        "deadline": task.deadline,
        **by_role,
        "regions": list(task.regions.values_list("pk", flat=True)),
    }
    targets = [
        {
            "id": t.pk,
            "metric": t.metric,
            "measure": t.measure,
            "baseline": t.baseline.normalize(),
            "value": t.value.normalize(),
            "by": t.by,
            "per_region": t.per_region,
        }
        for t in task.targets.all()
    ]
    data = request.POST if request.method == "POST" else None
    form = TaskEditForm(data, initial=initial, units=units, townships=townships)
    formset = TargetFormSet(data, initial=targets, prefix="t")
    if data is not None and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        edits = [
            services.TargetEdit(
                pk=g.get("id"),
                metric=g.get("metric") or "",
                measure=g.get("measure") or "",
                value=g.get("value"),
                baseline=g.get("baseline") or Decimal(0),
                by=g.get("by"),
                per_region=bool(g.get("per_region")),
                delete=bool(g.get("DELETE")),
            )
            for g in formset.cleaned_data
            if g and (g.get("id") or g.get("metric") or g.get("value") is not None)
        ]
        try:
            services.task_update(
                actor=request.user,
                task=task,
                deadline=d["deadline"],
                lead=list(d["lead"]),
                responsible=list(d["responsible"]),
                cooperating=list(d["cooperating"]),
                regions=list(d["regions"]),
                targets=edits,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The task is changed."))
            return redirect("programmes_task", task.pk)
    return render(request, "programmes/task_edit.html", {"task": task, "form": form, "formset": formset})


def plan_funding(request, pk):
    """The money of a plan: each task's split between the levels, what each owes and has paid
    (recorded here by the county), and the totals per level."""
    _need(request.user, Cap.VIEW_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    manages = selectors.manages(request.user, plan)
    rows = selectors.plan_funding(plan)
    errors = []
    if request.method == "POST":
        if not manages:
            raise Http404
        paid = {}
        for f in rows:
            text = request.POST.get(f"paid-{f.pk}", "").strip().replace(",", "")
            if text == "":
                continue
            try:
                paid[f.pk] = Decimal(text)
                if not paid[f.pk].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    _("%(number)s %(level)s: “%(value)s” is not an amount.")
                    % {"number": f.task.number, "level": f.level, "value": text}
                )
        if not errors:
            try:
                n = services.funding_pay_many(actor=request.user, plan=plan, paid=paid)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("%(n)s amounts paid recorded.") % {"n": n})
                return redirect("programmes_plan_funding", plan.pk)
        posted = request.POST
    else:
        posted = {}
    for f in rows:
        f.posted = posted.get(f"paid-{f.pk}", f.paid)
    return render(
        request,
        "programmes/plan_funding.html",
        {
            "plan": plan,
            "rows": rows,
            "totals": selectors.funding_totals(rows),
            "manages": manages,
            "errors": errors,
        },
    )


def report_attachment(request, pk):
    """A progress report's photo or document: found through the scope (the report's township and
    unit), the download audited."""
    _need(request.user, Cap.VIEW_PLANS)
    item = get_scoped_or_404(ReportAttachment.objects.select_related("report"), request.user, pk=pk)
    selectors.task_or_404(request.user, item.report.task_id)  # and the report's task is the user's
    return _file(request, item)


def ledger_attachment(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    item = get_scoped_or_404(LedgerAttachment.objects.select_related("row"), request.user, pk=pk)
    selectors.ledger_or_404(request.user, item.row.template_id)
    return _file(request, item)


def _file(request, item):
    path = services.attachment_download(actor=request.user, item=item)
    if not path.is_file():
        raise Http404(_("The file is missing."))
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )


def worklist(request):
    """The reports due from the user's townships or unit, the late ones first."""
    _need(request.user, Cap.REPORT_PROGRESS)
    today = _today()
    items = selectors.worklist(request.user, today)
    return render(request, "programmes/worklist.html", {"items": items, "today": today})
