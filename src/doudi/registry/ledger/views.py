"""Pages of the ledger (台账) import and export: thin views over this package (its __init__)."""

import tempfile
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.core import audit, jobs
from doudi.core.models import Job, Region
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, scoped
from doudi.core.views import paginate, require_cap

from .. import ledger  # this package: its __init__, which imports no page
from ..models import LedgerImport, PersonStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger file (.xlsx)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("If some rows have errors"),
        choices=[
            (LedgerImport.Mode.ALL_OR_NOTHING, gettext_lazy("Import nothing until every row is correct")),
            (
                LedgerImport.Mode.VALID_ROWS,
                gettext_lazy("Import the correct rows and skip the rows with errors"),
            ),
        ],
        initial=LedgerImport.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )


class LedgerExportForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("Area"))
    status = forms.ChoiceField(
        label=gettext_lazy("Persons"),
        required=False,
        choices=[("", gettext_lazy("All")), *PersonStatus.choices],
    )
    full_ids = forms.BooleanField(
        label=gettext_lazy("Full ID numbers"),
        required=False,
        help_text=gettext_lazy(
            "Without this, ID numbers and disability certificate numbers are masked. Exports "
            "with full ID numbers are logged."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = scoped(Region, user).filter(level__lte=Region.Level.TOWNSHIP).order_by("code")
        self.fields["region"].choices = [(r.code, f"{r.code} {r.name}") for r in areas]
        self.fields["region"].initial = user.region_id
        if not user.can(Cap.VIEW_FULL_ID):
            del self.fields["full_ids"]


def _temp_xlsx() -> Path:
    handle = tempfile.NamedTemporaryFile(prefix="doudi-ledger-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    return Path(handle.name)


def _download(path: Path, filename: str) -> FileResponse:
    """Stream a generated file and leave nothing behind: the file is unlinked once opened, so
    a ledger with personal data never lingers in the temp folder."""
    handle = open(path, "rb")  # noqa: SIM115  (closed by the response)
    path.unlink()
    response = FileResponse(handle, as_attachment=True, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_cap(Cap.IMPORT_PERSONS)
def ledger_template(request):
    path = _temp_xlsx()
    ledger.ledger_template(str(path), actor=request.user)
    return _download(path, "特困人员台账模板.xlsx")


@require_cap(Cap.IMPORT_PERSONS)
def ledger_import(request):
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = ledger.import_upload(
            actor=request.user, uploaded_file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
        )
        try:
            rows = ledger.import_count_rows(record)
        except ledger.TableError as exc:
            form.add_error("file", str(exc))
        else:
            if rows > settings.DOUDI_INLINE_IMPORT_MAX_ROWS:
                _start(record, "ledger_check", _("Check the ledger file %(name)s"), rows)
            else:
                ledger.import_check(record)
            return redirect("ledger_import_detail", pk=record.pk)
    recent = scoped(LedgerImport, request.user).select_related("upload", "created_by")
    return render(
        request,
        "registry/ledger_import.html",
        {"form": form, "page": paginate(request, recent, per_page=20)},
    )


def _start(record: LedgerImport, kind: str, title: str, total: int) -> Job:
    job = jobs.start_job(
        kind=kind,
        title=title % {"name": record.upload.original_name},
        actor=record.created_by,
        region=record.region,
        params={"ledger_import": record.pk},
        upload=record.upload,
        total=total,
    )
    record.job = job
    record.save(update_fields=["job"])
    return job


@require_cap(Cap.IMPORT_PERSONS)
def ledger_import_detail(request, pk):
    record = get_scoped_or_404(
        LedgerImport.objects.select_related("upload", "created_by", "job"), request.user, pk=pk
    )
    job = jobs.live(record.job) if record.job_id else None
    running = record.status in (LedgerImport.Status.CHECKING, LedgerImport.Status.COMMITTING)
    context = {
        "record": record,
        "report": record.report if record.report.get("rows") is not None else None,
        "job": job,
        "polling": running and job is not None and not job.is_finished,
        "valid_rows": record.created + record.updated + record.unchanged,
        "more_errors": max(0, record.error_count - len(record.report.get("errors", []))),
        "can_commit": record.status == LedgerImport.Status.CHECKED
        and record.created_by_id == request.user.pk,
        "can_download": request.user.can(Cap.VIEW_FULL_ID),
        "can_merge": request.user.can(Cap.MERGE_PERSONS),
    }
    template = (
        "registry/ledger_import_status.html"
        if request.headers.get("HX-Request")
        else "registry/ledger_import_detail.html"
    )
    return render(request, template, context)


@require_cap(Cap.IMPORT_PERSONS)
@require_POST
def ledger_import_commit(request, pk):
    record = get_scoped_or_404(
        LedgerImport.objects.select_related("upload", "created_by"), request.user, pk=pk
    )
    mode = request.POST.get("mode", record.mode)
    if mode not in LedgerImport.Mode.values:
        mode = record.mode
    if not ledger.import_begin_commit(record, actor=request.user, mode=mode):
        messages.warning(request, _("This file has already been imported or is being imported."))
        return redirect("ledger_import_detail", pk=record.pk)
    if record.rows > settings.DOUDI_INLINE_IMPORT_MAX_ROWS:
        _start(record, "ledger_commit", _("Import the ledger file %(name)s"), record.rows)
        return redirect("ledger_import_detail", pk=record.pk)
    ledger.import_commit(record)
    if record.status == LedgerImport.Status.DONE:
        messages.success(
            request,
            _("Imported: %(c)d new, %(u)d changed, %(n)d unchanged.")
            % {"c": record.created, "u": record.updated, "n": record.unchanged},
        )
    else:
        messages.error(request, _("The file has errors; nothing was imported. Fix them and upload again."))
    return redirect("ledger_import_detail", pk=record.pk)


@require_cap(Cap.IMPORT_PERSONS)
def ledger_import_original(request, pk):
    """The uploaded original, as received. It holds full ID numbers, so it needs the same
    right as showing them, and each download is logged."""
    record = get_scoped_or_404(LedgerImport.objects.select_related("upload"), request.user, pk=pk)
    if not request.user.can(Cap.VIEW_FULL_ID):
        raise PermissionDenied(_("Your role does not allow full ID numbers."))
    try:
        handle = record.upload.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The original file is missing.")) from exc
    audit.record(request.user, "view", record, extra={"original": record.upload.original_name})
    response = FileResponse(handle, as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(record.upload.original_name)}"
    return response


@require_cap(Cap.EXPORT_PERSONS)
def ledger_export(request):
    data = request.POST or None
    if data is not None:
        # An area outside the user's own answers 404, like any other record out of scope.
        get_scoped_or_404(Region, request.user, code=data.get("region", ""))
    form = LedgerExportForm(data, user=request.user)
    if request.method == "POST" and form.is_valid():
        region = get_scoped_or_404(Region, request.user, code=form.cleaned_data["region"])
        full_ids = bool(form.cleaned_data.get("full_ids"))
        if data.get("full_ids") and not request.user.can(Cap.VIEW_FULL_ID):
            raise PermissionDenied(_("Your role does not allow full ID numbers."))
        path = _temp_xlsx()
        ledger.ledger_export(
            actor=request.user,
            region=region,
            target=str(path),
            full_ids=full_ids,
            status=form.cleaned_data.get("status") or "",
        )
        return _download(path, f"特困人员台账-{region.name}-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "registry/ledger_export.html", {"form": form})
