"""Guardianship pages: thin views (form → service → render); every lookup goes through the scope."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import documents as core_documents
from doudi.core import jobs
from doudi.core import regions as rcodes
from doudi.core.scope import region_seen_or_404
from doudi.core.views import paginate
from doudi.registry.idcard import mask_id_number

from . import documents, permissions, selectors, services
from .forms import (
    AgreementForm,
    CandidateForm,
    ConfirmForm,
    ConsentForm,
    DecideForm,
    ReplacementForm,
    SignForm,
    TemplateUploadForm,
)
from .models import GuardianConsent, ReplacementCase
from .rules import GuardianCategory


def _need(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


def _errors(form, exc: ValidationError):
    for message in exc.messages:
        form.add_error(None, message)


def _flash_errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _to_person(person_id):
    return redirect("care_person", person_id=person_id)


# ---- coverage -----------------------------------------------------------------------------------


def coverage(request):
    _need(permissions.can_view(request.user))
    table, total = selectors.coverage_table(request.user)
    return render(
        request,
        "guardianship/coverage.html",
        {
            "table": table,
            "total": total,
            "buckets": selectors.BUCKETS,
            "all": selectors.ALL,
            "can_templates": permissions.can_manage_templates(request.user),
        },
    )


def coverage_list(request, township, bucket):
    _need(permissions.can_view(request.user))
    persons = selectors.coverage_persons(request.user, township, bucket)
    name = _("All townships")
    if township != selectors.ALL:
        name = region_seen_or_404(request.user, township, level=rcodes.TOWNSHIP).name
    return render(
        request,
        "guardianship/coverage_list.html",
        {
            "page": paginate(request, persons),
            "township_name": name,
            "bucket_label": selectors.BUCKETS[bucket],
            "count": persons.count(),
        },
    )


# ---- a person's guardianship ---------------------------------------------------------------------


def person(request, person_id):
    _need(permissions.can_view(request.user))
    user = request.user
    ward = selectors.person_get(user, person_id)
    candidates = list(selectors.candidates_of(user, ward))
    current = selectors.active_guardianship(user, ward)
    proposal = None
    if services.needs_guardian(ward) and current is None:
        proposal = services.person_proposal(ward, candidates)
    context = {
        "person": ward,
        "needs": services.needs_guardian(ward),
        "candidates": candidates,
        "current": current,
        "proposal": proposal,
        "pending": selectors.pending_replacement(user, current),
        "history": selectors.guardianship_history(user, ward),
        "agreements": selectors.agreements_of(user, ward),
        "replacements": selectors.replacements_of(user, ward),
        "confirm_form": ConfirmForm(candidates=selectors.candidates_of(user, ward)),
        "can_edit": permissions.can_edit(user),
        "can_replace": permissions.can_start_replacement(user),
        "category_II": GuardianCategory.II,
        "open_agreement": services.open_agreement(current) if current else None,
    }
    return render(request, "guardianship/person.html", context)


def candidate_add(request, person_id):
    _need(permissions.can_edit(request.user))
    ward = selectors.person_get(request.user, person_id)
    form = CandidateForm(request.POST or None, user=request.user, person=ward)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_create(actor=request.user, person=ward, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Candidate added."))
            return _to_person(ward.pk)
    return render(
        request, "guardianship/candidate_form.html", {"form": form, "person": ward, "candidate": None}
    )


def candidate_edit(request, pk):
    _need(permissions.can_edit(request.user))
    candidate = selectors.candidate_get(request.user, pk)
    ward = candidate.person
    form = CandidateForm(request.POST or None, instance=candidate, user=request.user, person=ward)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.candidate_update(
                actor=request.user, candidate=selectors.candidate_get(request.user, pk), **data
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Candidate saved."))
            return _to_person(ward.pk)
    return render(
        request, "guardianship/candidate_form.html", {"form": form, "person": ward, "candidate": candidate}
    )


@require_POST
def candidate_delete(request, pk):
    _need(permissions.can_edit(request.user))
    candidate = selectors.candidate_get(request.user, pk)
    try:
        services.candidate_delete(actor=request.user, candidate=candidate)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Candidate removed."))
    return _to_person(candidate.person_id)


def consent_add(request, pk):
    _need(permissions.can_edit(request.user))
    candidate = selectors.candidate_get(request.user, pk)
    form = ConsentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return _to_person(candidate.person_id)
    return render(
        request,
        "guardianship/consent_form.html",
        {"form": form, "candidate": candidate, "person": candidate.person},
    )


def consent_document(request, pk):
    _need(permissions.can_view(request.user))
    consent = selectors.get_scoped_or_404(
        GuardianConsent.objects.select_related("document", "candidate__person"), request.user, pk=pk
    )
    if consent.document is None:
        raise Http404(_("No scan was uploaded."))
    return _file(consent.document.file, consent.document.original_name)


@require_POST
def confirm(request, person_id):
    _need(permissions.can_edit(request.user))
    ward = selectors.person_get(request.user, person_id)
    form = ConfirmForm(request.POST, candidates=selectors.candidates_of(request.user, ward))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _to_person(ward.pk)
    try:
        services.guardianship_confirm(
            actor=request.user,
            person=ward,
            candidate=form.cleaned_data["candidate"],
            reason=form.cleaned_data["reason"],
            started_on=form.cleaned_data["started_on"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Guardian confirmed."))
    return _to_person(ward.pk)


# ---- agreements -----------------------------------------------------------------------------------


def agreement_new(request, person_id):
    _need(permissions.can_edit(request.user))
    ward = selectors.person_get(request.user, person_id)
    current = selectors.active_guardianship(request.user, ward)
    if current is None:
        messages.error(request, _("Confirm a guardian before preparing an agreement."))
        return _to_person(ward.pk)
    form = AgreementForm(request.POST or None, initial=AgreementForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, guardianship=current, **form.terms())
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Draft agreement saved. Check it and generate the document."))
            return redirect("care_agreement", pk=agreement.pk)
    return render(
        request, "guardianship/agreement_form.html", {"form": form, "person": ward, "guardianship": current}
    )


def agreement(request, pk):
    _need(permissions.can_view(request.user))
    item = selectors.agreement_get(request.user, pk)
    form = None
    if item.is_editable and permissions.can_edit(request.user):
        form = AgreementForm(request.POST or None, initial=AgreementForm.initial_for(item.guardianship, item))
        if request.method == "POST" and form.is_valid():
            try:
                services.agreement_update(actor=request.user, agreement=item, **form.terms())
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Agreement saved."))
                return redirect("care_agreement", pk=item.pk)
    elif request.method == "POST":
        _need(permissions.can_edit(request.user))
        messages.error(request, _("A signed agreement cannot be changed; renew it instead."))
        return redirect("care_agreement", pk=item.pk)
    preview = None
    if item.docx_file:
        try:
            with item.docx_file.open("rb") as fh:
                preview = documents.docx_text(fh.read())
            # The page shows the ID number masked; the full number is only in the logged download.
            masked = mask_id_number(item.person.id_number)
            preview = [line.replace(item.person.id_number, masked) for line in preview]
        except OSError:
            preview = None
    return render(
        request,
        "guardianship/agreement.html",
        {
            "agreement": item,
            "person": item.person,
            "form": form,
            "sign_form": SignForm(),
            "preview": preview,
            "can_edit": permissions.can_edit(request.user),
            "duty_lines": documents.duty_lines(item.duties),
            "pdf_available": core_documents.soffice_path() is not None,
        },
    )


@require_POST
def agreement_generate(request, pk):
    _need(permissions.can_edit(request.user))
    item = selectors.agreement_get(request.user, pk)
    try:
        services.agreement_generate(actor=request.user, agreement=item)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request, _("The agreement document was generated. Print it, have it signed and upload the scan.")
        )
    return redirect("care_agreement", pk=item.pk)


@require_POST
def agreement_sign(request, pk):
    _need(permissions.can_edit(request.user))
    item = selectors.agreement_get(request.user, pk)
    form = SignForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("care_agreement", pk=item.pk)
    try:
        services.agreement_sign(
            actor=request.user,
            agreement=item,
            scan=form.cleaned_data["scan"],
            signed_on=form.cleaned_data["signed_on"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The signed agreement was kept."))
    return redirect("care_agreement", pk=item.pk)


@require_POST
def agreement_renew(request, pk):
    _need(permissions.can_edit(request.user))
    item = selectors.agreement_get(request.user, pk)
    try:
        renewal = services.agreement_renew(actor=request.user, agreement=item)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("care_agreement", pk=item.pk)
    messages.success(request, _("A renewal draft was prepared from this agreement."))
    return redirect("care_agreement", pk=renewal.pk)


def _file(field, filename: str, content_type: str | None = None):
    try:
        handle = field.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def agreement_file(request, pk, kind):
    _need(permissions.can_view(request.user))
    item = selectors.agreement_get(request.user, pk)
    base = f"监护照料协议-{item.person.name}-{item.number}"
    if kind == "docx" and item.docx_file:
        response = _file(item.docx_file, f"{base}.docx")
    elif kind == "pdf" and item.pdf_file:
        response = _file(item.pdf_file, f"{base}.pdf", "application/pdf")
    elif kind == "scan" and item.signed_scan_id:
        suffix = Path(item.signed_scan.original_name).suffix
        response = _file(item.signed_scan.file, f"{base}-签字版{suffix}")
    else:
        raise Http404(_("No such document."))
    services.document_viewed(actor=request.user, agreement=item, kind=kind)
    return response


# ---- replacement ----------------------------------------------------------------------------------


def replacement_new(request, person_id):
    _need(permissions.can_start_replacement(request.user))
    ward = selectors.person_get(request.user, person_id)
    current = selectors.active_guardianship(request.user, ward)
    if current is None:
        messages.error(request, _("This person has no guardian to replace."))
        return _to_person(ward.pk)
    form = ReplacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.replacement_start(actor=request.user, guardianship=current, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The request was sent to the township for approval."))
            return redirect("care_replacement", pk=case.pk)
    return render(
        request, "guardianship/replacement_form.html", {"form": form, "person": ward, "current": current}
    )


def replacement(request, pk):
    _need(permissions.can_view(request.user))
    case = selectors.replacement_get(request.user, pk)
    can_decide = (
        permissions.can_decide_replacement(request.user) and case.status == ReplacementCase.Status.PENDING
    )
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        _need(permissions.can_decide_replacement(request.user))
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                services.replacement_decide(
                    actor=request.user, case=case, approve=approve, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                if approve:
                    messages.success(
                        request,
                        _(
                            "Approved. The guardianship and its agreements have ended; determine a new guardian."
                        ),
                    )
                    return _to_person(case.person_id)
                messages.success(request, _("The request was rejected."))
                return redirect("care_replacement", pk=case.pk)
    return render(
        request,
        "guardianship/replacement.html",
        {"case": case, "person": case.person, "form": form, "can_decide": can_decide},
    )


# ---- reminders ------------------------------------------------------------------------------------


def reminders(request):
    _need(permissions.can_view(request.user))
    if request.method == "POST":
        _need(permissions.can_edit(request.user))
        jobs.start_job(
            kind="care_agreement_reminders",
            title=_("Agreements expiring within 30 days"),
            actor=request.user,
            region=request.user.region,
        )
        messages.success(request, _("The reminder check was started."))
        return redirect("care_reminders")
    items = selectors.agreements_expiring(request.user)
    today = timezone.localdate()
    rows = [(a, (a.end_on - today).days) for a in items]
    return render(
        request,
        "guardianship/reminders.html",
        {
            "rows": rows,
            "jobs": [jobs.live(j) for j in selectors.reminder_jobs(request.user)],
            "can_edit": permissions.can_edit(request.user),
        },
    )


# ---- templates ------------------------------------------------------------------------------------


def templates(request):
    _need(permissions.can_manage_templates(request.user))
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_upload(
                actor=request.user, uploaded_file=form.cleaned_data["file"], name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The template is now used for new agreements."))
            return redirect("care_template_preview", key=template.pk)
    return render(
        request, "guardianship/templates.html", {"form": form, "templates": selectors.templates(request.user)}
    )


def _template_source(request, key):
    if key == "default":
        return None, documents.default_template_path()
    try:
        pk = int(key)
    except ValueError as exc:
        raise Http404(_("No such template.")) from exc
    template = selectors.template_get(request.user, pk)
    return template, Path(template.upload.file.path)


def template_preview(request, key):
    _need(permissions.can_manage_templates(request.user))
    template, path = _template_source(request, key)
    try:
        lines = documents.docx_text(documents.check_template(path))
        problem = None
    except documents.TemplateProblem as exc:
        lines, problem = [], str(exc)
    return render(
        request,
        "guardianship/template_preview.html",
        {
            "template": template,
            "key": key,
            "lines": lines,
            "problem": problem,
            "pdf_available": core_documents.soffice_path() is not None,
        },
    )


def template_file(request, key, kind):
    _need(permissions.can_manage_templates(request.user))
    template, path = _template_source(request, key)
    if kind == "original":
        name = template.upload.original_name if template else "监护照料协议-默认模板.docx"
        return FileResponse(open(path, "rb"), as_attachment=True, filename=name)
    if kind not in ("sample.docx", "sample.pdf"):
        raise Http404(_("No such document."))
    try:
        data = documents.check_template(path)
    except documents.TemplateProblem as exc:
        raise Http404(str(exc)) from exc
    if kind == "sample.pdf":
        data = core_documents.convert_to_pdf(data)
        if data is None:
            raise Http404(_("PDF conversion is not available on this server."))
        content_type, filename = "application/pdf", "监护照料协议-样例.pdf"
    else:
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        filename = "监护照料协议-样例.docx"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


@require_POST
def template_deactivate(request, key):
    _need(permissions.can_manage_templates(request.user))
    template, _path = _template_source(request, key)
    if template is None:
        raise Http404(_("The default template cannot be switched off."))
    try:
        services.template_deactivate(actor=request.user, template=template)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("New agreements use the default template again."))
    return redirect(reverse("care_templates"))


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
