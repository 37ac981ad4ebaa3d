"""Inspection pages (督导检查): thin views, lookups through the area scope."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import regions as rcodes
from doudi.core.models import Region, User
from doudi.core.roles import Cap
from doudi.core.scope import scoped, within
from doudi.core.views import paginate
from doudi.registry.models import Institution, Person

from . import documents
from . import inspection_selectors as sel
from . import inspections as svc
from .forms import ChecklistForm, ChecklistItemForm, CircularForm, PlanForm, RecordForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _need(ok: bool):
    if not ok:
        raise PermissionDenied(_("Your role does not allow this."))


def _errors(request, form, exc):
    for message in exc.messages:
        form.add_error(None, message)


# ---- checklists ----------------------------------------------------------------------------------


def checklist_list(request):
    _need(svc.can_edit_checklists(request.user))
    form = ChecklistForm(request.POST or None, initial={"name": svc.DEFAULT_CHECKLIST_NAME})
    if request.method == "POST" and form.is_valid():
        try:
            checklist = svc.checklist_create(
                actor=request.user,
                region=request.user.region,
                name=form.cleaned_data["name"],
                items=None if form.cleaned_data["standard"] else [],
            )
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, _("Checklist created."))
            return redirect("oversight_checklist", pk=checklist.pk)
    return render(
        request,
        "oversight/checklist_list.html",
        {"checklists": sel.checklists(request.user), "form": form},
        status=400 if form.errors else 200,
    )


def checklist_detail(request, pk):
    _need(svc.can_edit_checklists(request.user))
    checklist = sel.checklist_get(request.user, pk)
    form = ChecklistItemForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            svc.checklist_item_save(actor=request.user, checklist=checklist, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("oversight_checklist", pk=checklist.pk)
    items = [
        (
            i,
            ChecklistItemForm(
                initial={"title": i.title, "guidance": i.guidance, "order": i.order, "active": i.active},
                prefix=f"i{i.pk}",
            ),
        )
        for i in checklist.items.all()
    ]
    return render(
        request,
        "oversight/checklist_detail.html",
        {"checklist": checklist, "items": items, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def checklist_item_edit(request, pk, item_pk):
    _need(svc.can_edit_checklists(request.user))
    checklist = sel.checklist_get(request.user, pk)
    item = sel.checklist_item_get(request.user, checklist, item_pk)
    form = ChecklistItemForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            svc.checklist_item_save(actor=request.user, checklist=checklist, item=item, **form.cleaned_data)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Please correct the item and save again."))
    return redirect("oversight_checklist", pk=checklist.pk)


# ---- inspections ---------------------------------------------------------------------------------


def inspection_list(request):
    _need(request.user.can(Cap.VIEW_PERSONS))
    round_ = request.GET.get("round", "")
    return render(
        request,
        "oversight/inspection_list.html",
        {
            "page": paginate(request, sel.inspections(request.user, round=round_)),
            "rounds": sel.rounds(request.user),
            "round": round_,
            "can_inspect": svc.can_inspect(request.user),
            "can_edit_checklists": svc.can_edit_checklists(request.user),
        },
    )


def inspection_plan(request):
    _need(svc.can_inspect(request.user))
    user = request.user
    regions = (
        scoped(Region, user)
        .filter(level__in=[rcodes.TOWNSHIP, rcodes.VILLAGE])
        .select_related("parent")
        .order_by("code")
    )
    if request.GET.get("villages") != "1" and not request.POST:
        regions = regions.filter(level=rcodes.TOWNSHIP)
    form = PlanForm(
        request.POST or None,
        checklists=sel.checklists_usable(user),
        regions=regions,
        institutions=scoped(Institution, user)
        .filter(kind=Institution.Kind.NURSING_HOME)
        .order_by("region_id", "name"),
        initial={"planned_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            planned = svc.inspection_plan(
                actor=user,
                round=d["round"],
                checklist=d["checklist"],
                planned_on=d["planned_on"],
                regions=list(d["regions"]),
                institutions=list(d["institutions"]),
            )
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, _("%(n)d inspections planned.") % {"n": len(planned)})
            return redirect(f"/oversight/inspections/?round={planned[0].round}")
    return render(
        request, "oversight/inspection_plan.html", {"form": form}, status=400 if form.errors else 200
    )


def inspection_detail(request, pk):
    _need(request.user.can(Cap.VIEW_PERSONS))
    inspection = sel.inspection_get(request.user, pk)
    return render(
        request,
        "oversight/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": sel.findings(request.user, inspection),
            "can_inspect": svc.can_inspect(request.user),
        },
    )


def _record_form(request, inspection):
    township = svc.township_of(inspection.region)
    owners = (
        within(scoped(User, request.user), township).filter(is_active=True).order_by("region_id", "username")
    )
    persons = within(scoped(Person, request.user).filter(status="active"), inspection.region).order_by(
        "name", "pk"
    )
    existing = {f.item_id: f for f in inspection.findings.all()}
    initial = {
        "inspected_on": inspection.inspected_on or timezone.localdate(),
        "deadline": timezone.localdate() + dt.timedelta(days=svc.DEFAULT_RECTIFY_DAYS),
        "summary": inspection.summary,
        "owner": next(
            (u for u in owners if u.can(Cap.HANDLE_RECTIFICATION) and u.region_id == township.code), None
        ),
    }
    for item_id, f in existing.items():
        initial.update(
            {
                f"item_{item_id}_state": "ok" if f.ok else "problem",
                f"item_{item_id}_note": f.note,
                f"item_{item_id}_person": f.person,
            }
        )
    return RecordForm(
        request.POST or None,
        request.FILES or None,
        items=inspection.checklist.items.filter(active=True),
        owners=owners,
        persons=persons,
        initial=initial,
    )


def inspection_record(request, pk):
    _need(svc.can_inspect(request.user))
    inspection = sel.inspection_get(request.user, pk)
    form = _record_form(request, inspection)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.inspection_record(
                actor=request.user,
                inspection=inspection,
                results=form.results(),
                owner=d["owner"],
                deadline=d["deadline"],
                inspected_on=d["inspected_on"],
                summary=d["summary"],
            )
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, _("Findings recorded; problems became rectification tasks."))
            return redirect("oversight_inspection", pk=inspection.pk)
    return render(
        request,
        "oversight/inspection_record.html",
        {"inspection": inspection, "form": form},
        status=400 if form.errors else 200,
    )


def inspection_report(request, pk):
    _need(request.user.can(Cap.VIEW_PERSONS))
    inspection = sel.inspection_get(request.user, pk)
    data = documents.inspection_report(inspection, sel.findings(request.user, inspection))
    name = f"督查情况报告-{inspection.region.name}-{inspection.pk}"
    return _document(request, data, name)


def _document(request, data: bytes, name: str):
    if request.GET.get("format") == "pdf":
        from doudi.core.documents import convert_to_pdf

        pdf = convert_to_pdf(data)
        if pdf is not None:
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.pdf"
            return response
        messages.warning(request, _("PDF is not available on this server; here is the Word document."))
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.docx"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


def finding_photo(request, pk):
    _need(request.user.can(Cap.VIEW_PERSONS))
    photo = sel.finding_photo_get(request.user, pk)
    return FileResponse(photo.upload.file.open("rb"), filename=photo.upload.original_name)


def circular(request):
    _need(svc.can_inspect(request.user))
    form = CircularForm(request.GET or None, rounds=sel.rounds(request.user))
    d = form.cleaned_data if form.is_valid() else {}
    ranking = sel.township_ranking(
        request.user, round=d.get("round", ""), since=d.get("since"), until=d.get("until")
    )
    if request.GET.get("download"):
        details = {}
        for f in sel.problem_findings(request.user, round=d.get("round", "")):
            details.setdefault(f.inspection.region_id[:9].ljust(12, "0"), []).append(f)
        issuer = (
            f"{request.user.region.name}民政局"
            if request.user.region.level <= rcodes.COUNTY
            else request.user.region.name
        )
        data = documents.circular(issuer=issuer, round=d.get("round", ""), ranking=ranking, details=details)
        return _document(request, data, f"督查通报-{d.get('round') or timezone.localdate()}")
    return render(request, "oversight/circular.html", {"form": form, "ranking": ranking})
