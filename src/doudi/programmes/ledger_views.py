"""Ledger pages: the list, a template defined without code, the phone form, the Excel upload with
row errors, completeness per filler, the template and the merged export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import attachments
from doudi.core.roles import Cap
from doudi.core.scope import scoped

from . import ledger_services as ls
from . import ledgers, selectors
from .forms import ATTACHMENT_TYPES, DATA, LedgerForm, ShippedLedgerForm, UploadForm
from .models import LedgerRow, LedgerTemplate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _need(user, cap):
    if not user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _manages(user, template) -> bool:
    return (
        user.can(Cap.MANAGE_PLANS)
        and user.unit_id is None
        and scoped(LedgerTemplate, user).filter(pk=template.pk).exists()
    )


def ledger_list(request):
    _need(request.user, Cap.VIEW_PLANS)
    rows = []
    for t in selectors.ledgers_for(request.user).select_related("plan"):
        _fill, filled, expected = ls.completeness(request.user, t)
        rows.append({"t": t, "filled": filled, "expected": expected})
    return render(
        request,
        "programmes/ledger_list.html",
        {"rows": rows, "can_manage": request.user.can(Cap.MANAGE_PLANS) and request.user.unit_id is None},
    )


def ledger_new(request):
    _need(request.user, Cap.MANAGE_PLANS)
    if request.user.unit_id is not None:
        raise PermissionDenied
    form = LedgerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        t = ls.ledger_create(
            actor=request.user,
            region=request.user.region,
            name=d["name"],
            cols=d["columns"],
            filled_by=d["filled_by"],
            due=d["due"],
        )
        return redirect("programmes_ledger", t.pk)
    return render(request, "programmes/ledger_new.html", {"form": form})


@require_POST
def ledger_shipped(request, pk):
    """Add a shipped ledger template (the sewage-facility survey) to a plan."""
    _need(request.user, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(request.user, pk)
    if not selectors.manages(request.user, plan):
        raise Http404
    form = ShippedLedgerForm(request.POST)
    if not form.is_valid():
        raise Http404
    t = ls.ledger_import_shipped(
        actor=request.user, plan=plan, text=(DATA / form.cleaned_data["shipped"]).read_text(encoding="utf-8")
    )
    return redirect("programmes_ledger", t.pk)


def ledger_detail(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    t = selectors.ledger_or_404(request.user, pk)
    cols = ls.columns(t)
    fill, filled, expected = ls.completeness(request.user, t)
    names = {f.code: f.name for f in fill}
    rows = [
        {
            "region": names.get(r.region_id, r.region_id),
            "unit": r.unit,
            "cells": [ledgers.shown(c, r.data.get(c.key), names) for c in cols],
            "files": {a.column: a for a in r.attachments.all()},
        }
        for r in scoped(LedgerRow, request.user)
        .filter(template=t)
        .select_related("unit")
        .prefetch_related("attachments")[:500]
    ]
    return render(
        request,
        "programmes/ledger_detail.html",
        {
            "t": t,
            "cols": cols,
            "fill": fill,
            "filled": filled,
            "expected": expected,
            "percent": round(filled * 100 / expected) if expected else 0,
            "rows": [
                {**r, "cells": list(zip(r["cells"], [r["files"].get(c.key) for c in cols], strict=True))}
                for r in rows
            ],
            "manages": _manages(request.user, t),
            "can_fill": request.user.can(Cap.REPORT_PROGRESS),
            "upload_form": UploadForm(),
            # a village fills the ledger of a plan it has no task in: name the plan, don't link it
            "plan_seen": bool(t.plan_id and selectors.plans(request.user).filter(pk=t.plan_id).exists()),
        },
    )


def _row_form(cols, data=None, files=None):
    fields = {}
    for c in cols:
        label = c.header()
        if c.type == "choice":
            # a Select on a CharField: the ledger's own check judges the value, in the upload's words
            f = forms.CharField(
                label=label, widget=forms.Select(choices=[("", "—")] + [(x, x) for x in c.choices])
            )
        elif c.type == "yesno":
            f = forms.CharField(
                label=label, widget=forms.Select(choices=[("", "—"), ("是", "是"), ("否", "否")])
            )
        elif c.type in ("integer", "decimal"):
            f = forms.CharField(
                label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        elif c.type == "date":
            f = forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
        elif c.type == "attachment":
            f = forms.FileField(
                label=label, widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_TYPES})
            )
        else:
            f = forms.CharField(
                label=label, widget=forms.TextInput(attrs={"list": "regions"} if c.type == "region" else {})
            )
        f.required = False  # the ledger's own check says what is missing, in the same words as the upload
        fields[c.key] = f
    return type("RowForm", (forms.Form,), fields)(data, files)


def ledger_row_new(request, pk):
    """One row from a phone."""
    _need(request.user, Cap.REPORT_PROGRESS)
    t = selectors.ledger_or_404(request.user, pk)
    cols = ls.columns(t)
    form = _row_form(cols, request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        raw = dict(form.cleaned_data)
        files = {}
        try:
            for c in cols:
                if c.type == "attachment":
                    upload = raw.pop(c.key, None)
                    if upload:
                        files[c.key] = attachments.clean(upload, documents=True)
            ls.ledger_row_save(actor=request.user, template=t, raw=raw, files=files)
        except ls.LedgerError as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = [(1, "", m) for m in exc.messages]
        else:
            messages.success(request, _("The row is saved."))
            return redirect("programmes_ledger", t.pk)
    regions = [n for n, _c, _u in ls.fillers(t, request.user)]
    return render(
        request, "programmes/ledger_row.html", {"t": t, "form": form, "errors": errors, "regions": regions}
    )


def ledger_upload(request, pk):
    _need(request.user, Cap.REPORT_PROGRESS)
    t = selectors.ledger_or_404(request.user, pk)
    with_files = any(c.type == "attachment" for c in ls.columns(t))
    form = UploadForm(request.POST or None, request.FILES or None, attachments=with_files)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        bundle = form.cleaned_data.get("files")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(upload.read())
            files_path = None
            if bundle:
                files_path = Path(tmp) / "files.zip"
                with files_path.open("wb") as out:
                    for chunk in bundle.chunks():
                        out.write(chunk)
            try:
                n = ls.ledger_upload(
                    actor=request.user,
                    template=t,
                    path=path,
                    filename=upload.name,
                    files_path=files_path,
                    files_name=bundle.name if bundle else "",
                )
            except ls.LedgerError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("%(n)s rows imported.") % {"n": n})
                return redirect("programmes_ledger", t.pk)
    return render(
        request,
        "programmes/ledger_upload.html",
        {"t": t, "form": form, "errors": errors[:200], "more": max(len(errors) - 200, 0)},
    )


def ledger_template(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    t = selectors.ledger_or_404(request.user, pk)
    response = HttpResponse(ls.template_xlsx(request.user, t), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


def ledger_export(request, pk):
    _need(request.user, Cap.VIEW_PLANS)
    t = selectors.ledger_or_404(request.user, pk)
    response = HttpResponse(ls.merged_xlsx(request.user, t), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger.xlsx"'
    return response
