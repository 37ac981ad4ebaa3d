"""Pages of the 受理 (reports) and of campaigns: thin views (form → service → render), every
lookup through selectors (the area scope and the conflict of interest)."""

from __future__ import annotations

import tempfile
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core import attachments
from doudi.core.models import Unit, User
from doudi.core.roles import Cap
from doudi.core.scope import scoped, within
from doudi.core.views import paginate

from . import documents, rules, selectors, selfcheck, services
from .forms import (
    AnswerForm,
    AssignForm,
    CampaignForm,
    FindingForm,
    HandlingSettingsForm,
    ReasonForm,
    RectifyForm,
    SignForm,
    TextForm,
    TransferForm,
    UploadForm,
)
from .models import Campaign, Report


def _need(user, *caps):
    if not any(user.can(c) for c in caps):
        raise PermissionDenied(pgettext("integrity", "Your role does not allow this."))


def _fail(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _ok(request, text):
    messages.success(request, text)


# --- Reports -----------------------------------------------------------------------------------


def _users(request, cap):
    return [u for u in scoped(User, request.user).filter(is_active=True).select_related("unit") if u.can(cap)]


@require_GET
def report_list(request):
    _need(request.user, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS)
    qs = selectors.report_filter(selectors.reports(request.user), request.GET)
    return render(
        request,
        "integrity/report_list.html",
        {
            "page": paginate(request, qs),
            "categories": Report.Category.choices,
            "statuses": Report.Status.choices,
            "filters": request.GET,
        },
    )


@require_GET
def report_stats(request):
    _need(request.user, Cap.RECEIVE_REPORTS)
    stats = selectors.report_statistics(request.user)
    labels = {
        "category": dict(Report.Category.choices),
        "status": dict(Report.Status.choices),
        "outcome": dict(Report.Outcome.choices),
    }
    return render(
        request,
        "integrity/report_stats.html",
        {
            "stats": stats,
            "labels": labels,
            "on_time_rate": rules.on_time_rate(stats["on_time"], stats["answered"]),
        },
    )


def _report_context(request, report, **extra):
    user = request.user
    ctx = {
        "report": report,
        "thread": selectors.report_messages(report, reporter=False),
        "files": report.attachments.all(),
        "can_receive": user.can(Cap.RECEIVE_REPORTS),
        "can_decrypt": user.can(Cap.DECRYPT_REPORTER),
        "overdue": rules.is_overdue(
            report.deadline, timezone.localdate(), report.status == Report.Status.ANSWERED
        ),
    }
    if user.can(Cap.RECEIVE_REPORTS):
        assign = AssignForm()
        # Any unit of the 受理's region may handle (their own unit binding is for the conflict test).
        units = within(Unit.objects.filter(is_active=True), user.region)
        if report.unit is not None:
            units = [u for u in units if not report.unit.tree_path.startswith(u.tree_path)]
            assign.fields["handling_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        else:
            assign.fields["handling_unit"].queryset = units
        handlers = [u for u in _users(request, Cap.HANDLE_REPORTS) if not services.conflicted(u, report.unit)]
        assign.fields["handler"].queryset = User.objects.filter(pk__in=[u.pk for u in handlers])
        rectify = RectifyForm()
        rectify.fields["owner"].queryset = User.objects.filter(
            pk__in=[u.pk for u in _users(request, Cap.HANDLE_RECTIFICATION)]
        )
        ctx.update(
            assign_form=assign, rectify_form=rectify, answer_form=AnswerForm(), reason_form=ReasonForm()
        )
    ctx["text_form"] = TextForm()
    ctx.update(extra)
    return ctx


@require_GET
def report_detail(request, pk):
    _need(request.user, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS)
    report = selectors.report_or_404(request.user, pk)
    return render(request, "integrity/report_detail.html", _report_context(request, report))


def report_action(fn):
    """A POST on one report: the caller must receive or handle reports and see the report (404
    otherwise); `fn(request, report)` writes through a service and returns the success message, and a
    ValidationError it raises becomes the error message. Either way, back to the report page."""

    @require_POST
    @wraps(fn)
    def view(request, pk):
        _need(request.user, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS)
        report = selectors.report_or_404(request.user, pk)
        try:
            text = fn(request, report)
        except ValidationError as exc:
            _fail(request, exc)
        else:
            _ok(request, text)
        return redirect("integrity_report", pk=report.pk)

    return view


@report_action
def report_register(request, report):
    services.report_register(actor=request.user, report=report)
    return _("Registered.")


@report_action
def report_assign(request, report):
    form = AssignForm(request.POST)
    form.fields["handling_unit"].queryset = within(Unit.objects.filter(is_active=True), request.user.region)
    form.fields["handler"].queryset = scoped(User, request.user)
    if not form.is_valid():
        raise ValidationError(_("Choose a handling unit and a handler."))
    services.report_assign(actor=request.user, report=report, **form.cleaned_data)
    return _("Assigned.")


@report_action
def report_extend(request, report):
    services.report_extend(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    return _("The deadline was extended.")


@report_action
def report_note(request, report):
    services.report_note(actor=request.user, report=report, text=request.POST.get("text", ""))
    return _("Progress note saved.")


@report_action
def report_reply(request, report):
    services.report_reply(actor=request.user, report=report, text=request.POST.get("text", ""))
    return _("Message sent to the reporter.")


@report_action
def report_answer(request, report):
    services.report_answer(
        actor=request.user,
        report=report,
        outcome=request.POST.get("outcome", ""),
        reply=request.POST.get("reply", ""),
    )
    return _("Answered. The reporter reads the reply with the receipt.")


@report_action
def report_rectify(request, report):
    form = RectifyForm(request.POST)
    form.fields["owner"].queryset = scoped(User, request.user)
    if not form.is_valid():
        raise ValidationError(_("Choose an owner and a deadline."))
    services.report_rectify(actor=request.user, report=report, **form.cleaned_data)
    return _("Rectification task opened.")


@require_POST
def report_identity(request, pk):
    _need(request.user, Cap.DECRYPT_REPORTER)
    report = selectors.report_or_404(request.user, pk)
    try:
        identity = services.report_reveal_identity(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("integrity_report", pk=report.pk)
    return render(
        request, "integrity/report_detail.html", _report_context(request, report, identity=identity)
    )


@require_GET
def report_attachment(request, pk, file_pk):
    _need(request.user, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS)
    report = selectors.report_or_404(request.user, pk)
    item = selectors.attachment_or_404(request.user, report, file_pk)
    path = attachments.open_path(item.path)
    if not path.is_file():
        raise Http404(_("The file is missing."))
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )


# --- Campaigns ---------------------------------------------------------------------------------


def _parent_units(user):
    return scoped(Unit, user).filter(is_active=True, children__isnull=False).distinct()


@require_http_methods(["GET", "POST"])
def campaign_list(request):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    form = CampaignForm(request.POST or None, units=_parent_units(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        phases = {p: (d[f"{p}_start"], d[f"{p}_end"]) for p, _label in Campaign.Phase.choices}
        try:
            campaign = services.campaign_create(
                actor=request.user,
                title=d["title"],
                parent_unit=d["parent_unit"],
                year=d["year"],
                phases=phases,
                hotline=d["hotline"],
                mailbox=d["mailbox"],
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            _ok(request, _("Campaign created."))
            return redirect("integrity_campaign", pk=campaign.pk)
    return render(
        request,
        "integrity/campaign_list.html",
        {"campaigns": selectors.campaigns(request.user), "form": form},
    )


@require_GET
def campaign_detail(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    campaign = selectors.campaign_or_404(request.user, pk)
    entries = selectors.entries_filter(selectors.campaign_entries(request.user, campaign), request.GET)
    phases = list(campaign.phases.all())
    return render(
        request,
        "integrity/campaign_detail.html",
        {
            "campaign": campaign,
            "phases": phases,
            "current": services.current_phase(campaign),
            "share": f"{campaign.min_share * 100:.1f}%",
            "entries": entries,
            "filters": request.GET,
            "missing": selectors.campaign_entries(request.user, campaign)
            .filter(submitted_at__isnull=True)
            .count(),
            "selected_count": selectors.campaign_entries(request.user, campaign)
            .filter(selected=True)
            .count(),
            "findings": selectors.findings(request.user, campaign),
        },
    )


@require_POST
def campaign_select(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    campaign = selectors.campaign_or_404(request.user, pk)
    try:
        result = services.selection_run(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        text = _("%(n)s units selected: %(assets)s%% of the assets, %(revenue)s%% of the main revenue.") % {
            "n": len(result.selected),
            "assets": f"{result.assets_share * 100:.1f}",
            "revenue": f"{result.revenue_share * 100:.1f}",
        }
        if result.short:
            text += " " + _("All units together fall short of the share: all are selected.")
        _ok(request, text)
    return redirect("integrity_campaign", pk=campaign.pk)


def _entry_for_campaign(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    entry = selectors.entry_or_404(request.user, pk)
    selectors.campaign_or_404(request.user, entry.campaign_id)
    return entry


@require_POST
def entry_selection(request, pk):
    entry = _entry_for_campaign(request, pk)
    try:
        services.selection_change(
            actor=request.user,
            entry=entry,
            add=request.POST.get("add") == "1",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        _ok(request, _("Key-inspection list changed."))
    return redirect("integrity_campaign", pk=entry.campaign_id)


@require_POST
def finding_new(request, pk):
    entry = _entry_for_campaign(request, pk)
    form = FindingForm(request.POST)
    if not form.is_valid():
        _fail(
            request,
            ValidationError(
                [
                    f"{form.fields[k].label}：{' '.join(v)}" if k in form.fields else " ".join(v)
                    for k, v in form.errors.items()
                ]
            ),
        )
        return redirect("integrity_campaign", pk=entry.campaign_id)
    try:
        finding = services.finding_record(actor=request.user, entry=entry, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("integrity_campaign", pk=entry.campaign_id)
    _ok(request, _("Finding recorded."))
    return redirect("integrity_finding", pk=finding.pk)


@require_GET
def finding_detail(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    finding = selectors.finding_or_404(request.user, pk)
    rectify = RectifyForm()
    rectify.fields["owner"].queryset = User.objects.filter(
        pk__in=[u.pk for u in _users(request, Cap.HANDLE_RECTIFICATION)]
    )
    return render(
        request,
        "integrity/finding_detail.html",
        {
            "finding": finding,
            "aggravating": [rules.AGGRAVATING[c] for c in finding.aggravating if c in rules.AGGRAVATING],
            "category_label": rules.CATEGORIES.get(finding.category, finding.category),
            "rectify_form": rectify,
            "transfer_form": TransferForm(initial={"amount": finding.amount}),
        },
    )


@require_POST
def finding_rectify(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    finding = selectors.finding_or_404(request.user, pk)
    form = RectifyForm(request.POST)
    form.fields["owner"].queryset = scoped(User, request.user)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an owner and a deadline."))
        services.finding_rectify(
            actor=request.user,
            finding=finding,
            owner=form.cleaned_data["owner"],
            deadline=form.cleaned_data["deadline"],
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        _ok(request, _("Rectification task opened."))
    return redirect("integrity_finding", pk=finding.pk)


@require_POST
def finding_transfer(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    finding = selectors.finding_or_404(request.user, pk)
    form = TransferForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the amount and the date."))
        services.finding_transfer(
            actor=request.user,
            finding=finding,
            amount=form.cleaned_data["amount"],
            on=form.cleaned_data["on"],
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        _ok(request, _("Transfer to the lawful books recorded."))
    return redirect("integrity_finding", pk=finding.pk)


@require_GET
def campaign_summary_docx(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    campaign = selectors.campaign_or_404(request.user, pk)
    data = documents.summary_docx(request.user, campaign)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-summary.docx"'
    return response


@require_GET
def campaign_summary_xlsx(request, pk):
    _need(request.user, Cap.RUN_CAMPAIGNS)
    campaign = selectors.campaign_or_404(request.user, pk)
    data = documents.summary_xlsx(request.user, campaign)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-summary.xlsx"'
    return response


# --- Self-inspection forms (a unit's finance officer, or the campaign's runners) -----------------


@require_GET
def my_forms(request):
    _need(request.user, Cap.FILL_SELF_INSPECTION)
    return render(request, "integrity/my_forms.html", {"entries": selectors.my_entries(request.user)})


def _form_lines(post) -> dict:
    return {
        code: {
            "found": post.get(f"{code}-found") == "1",
            "count": post.get(f"{code}-count", "0"),
            "amount": post.get(f"{code}-amount", "0"),
            "corrected": post.get(f"{code}-corrected", "0"),
        }
        for code in rules.FORM_CODES
    }


@require_http_methods(["GET", "POST"])
def entry_form(request, pk):
    _need(request.user, Cap.FILL_SELF_INSPECTION, Cap.RUN_CAMPAIGNS)
    entry = selectors.entry_or_404(request.user, pk)
    errors = []
    sign = SignForm(
        request.POST or None, initial={"head_name": entry.head_name, "signed_on": entry.signed_on}
    )
    posted = None
    if request.method == "POST":
        posted = _form_lines(request.POST)
        if request.POST.get("upload") == "1":
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                f = upload.cleaned_data["file"]
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "form.xlsx"
                    path.write_bytes(f.read())
                    try:
                        posted = selfcheck.read(path, f.name)
                    except ValidationError as exc:
                        errors.extend(exc.messages)
                        posted = None
            else:
                errors.append(_("Choose the filled form (.xlsx), the unit head and the date."))
        if not errors and sign.is_valid() and posted is not None:
            try:
                services.form_submit(actor=request.user, entry=entry, lines=posted, **sign.cleaned_data)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                _ok(request, _("The self-inspection form was submitted."))
                return redirect("integrity_entry", pk=entry.pk)
        elif not errors:
            errors.append(_("Fill in the unit head's signature and the date."))
    saved = {line.code: line for line in entry.lines.all()}
    rows = []
    for code, group, text in rules.FORM_ITEMS:
        p = (posted or {}).get(code)
        line = saved.get(code)
        rows.append(
            {
                "code": code,
                "group": group,
                "text": text,
                "found": p["found"] if p else bool(line and line.found),
                "count": p["count"] if p else (line.count if line else 0),
                "amount": p["amount"] if p else (line.amount if line else "0.00"),
                "corrected": p["corrected"] if p else (line.corrected if line else "0.00"),
            }
        )
    return render(
        request,
        "integrity/entry_form.html",
        {
            "entry": entry,
            "rows": rows,
            "sign": sign,
            "errors": errors,
            "upload": UploadForm(initial=sign.initial),
            "finding_form": FindingForm() if request.user.can(Cap.RUN_CAMPAIGNS) else None,
            "findings": entry.findings.all() if request.user.can(Cap.RUN_CAMPAIGNS) else [],
        },
        status=400 if errors else 200,
    )


@require_GET
def entry_template(request, pk):
    _need(request.user, Cap.FILL_SELF_INSPECTION, Cap.RUN_CAMPAIGNS)
    entry = selectors.entry_or_404(request.user, pk)
    response = HttpResponse(
        selfcheck.template(entry),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="self-inspection-{entry.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def handling_settings(request):
    _need(request.user, Cap.EDIT_SETTINGS)
    current = services.handling_settings(request.user.region)
    form = HandlingSettingsForm(
        request.POST or None,
        initial={"register_days": current.register_days, "handle_days": current.handle_days},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.handling_settings_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            _ok(request, _("Time limits saved."))
            return redirect("integrity_settings")
    return render(request, "integrity/settings.html", {"form": form})
