"""Thin views: parse the month and region, call a selector or a service, render."""

import datetime as dt
import json
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doudi.core import maplayers
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404
from doudi.core.views import paginate, require_cap

from . import charts, rules, selectors, services
from .exports import write_monthly_xlsx
from .selectors import FIGURES


def _month(request) -> dt.date:
    text = request.GET.get("month") or request.POST.get("month")
    if not text:
        return timezone.localdate().replace(day=1)
    try:
        return rules.parse_month(text)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _region_code(request) -> str:
    return request.GET.get("region") or request.POST.get("region") or (request.user.region_id or "")


def _groups():
    out = []
    for f in FIGURES:
        if not out or out[-1][0] != f.group:
            out.append((f.group, []))
        out[-1][1].append(f)
    return out


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def monthly(request):
    month = _month(request)
    stats = selectors.month_statistics(request.user, _region_code(request), month)
    return render(
        request,
        "reports/monthly.html",
        {
            "stats": stats,
            "applications": selectors.applications(request.user, _region_code(request), month),
            "month": month,
            "groups": _groups(),
            "figures": FIGURES,
            "prev": rules.previous_month(month),
            "next": rules.next_month(month),
        },
    )


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def cell_list(request):
    month = _month(request)
    figure, qs = selectors.drill(request.user, _region_code(request), month, request.GET.get("key", ""))
    region = get_scoped_or_404(Region, request.user, code=_region_code(request))
    return render(
        request,
        "reports/list.html",
        {
            "figure": figure,
            "page": paginate(request, qs),
            "count": qs.count(),
            "region": region,
            "month": month,
        },
    )


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def export(request):
    month = _month(request)
    stats = selectors.month_statistics(request.user, _region_code(request), month)
    services.export_audit(actor=request.user, region=stats.region, month=month, fmt="xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "monthly.xlsx"
        write_monthly_xlsx(str(path), stats)
        body = path.read_bytes()
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''monthly-{stats.region.code}-{month:%Y-%m}.xlsx"
    )
    return response


# ---- month-end closing --------------------------------------------------------------------------


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def closing(request):
    month = _month(request)
    region = get_scoped_or_404(Region, request.user, code=_region_code(request))
    ctx = {
        "month": month,
        "region": region,
        "figures": FIGURES,
        "prev": rules.previous_month(month),
        "next": rules.next_month(month),
        "can_review": request.user.can(services.REVIEW_CAP),
        "can_submit": request.user.can(services.SUBMIT_CAP),
    }
    if region.level == rcodes.TOWNSHIP:
        report = selectors.frozen(region, month) or region_report(region, month)
        live = (
            None if report and report.status != "returned" else selectors.compute(request.user, region, month)
        )
        prev = services.previous_figures(region, month)
        changes = rules.changes(
            prev, (live or selectors.Statistics.from_json(region, report.data)).total.figures
        )
        ctx.update(
            report=report,
            live=live,
            changes=changes,
            rows=[
                (
                    f,
                    changes.get(f.key, {}),
                    (live.total.figures if live else report.data["total"]).get(f.key, 0),
                )
                for f in FIGURES
            ],
            versions=list(report.versions.all()) if report else [],
        )
        return render(request, "reports/closing_township.html", ctx)
    if region.level != rcodes.COUNTY:
        raise Http404(_("Month-end closing is done by a county and its townships."))
    states = selectors.closing_state(request.user, region, month)
    ctx.update(
        states=states,
        county_report=selectors.frozen(region, month),
        submitted=sum(1 for s in states if s.report and s.report.status == "submitted"),
        key_figures=[f for f in FIGURES if f.key in rules.STOCK_KEYS],
    )
    return render(request, "reports/closing_county.html", ctx)


def region_report(region, month):
    from .models import MonthReport

    return MonthReport.objects.filter(region=region, month=month).first()


def _back(request, region, month):
    return redirect(f"{reverse('reports_closing')}?region={region.code}&month={month:%Y-%m}")


@require_POST
@require_cap(Cap.VIEW_PERSONS)
def submit(request):
    month = _month(request)
    region = get_scoped_or_404(Region, request.user, code=_region_code(request))
    reasons = {k[len("reason_") :]: v for k, v in request.POST.items() if k.startswith("reason_")}
    try:
        services.report_submit(actor=request.user, township=region, month=month, reasons=reasons)
        messages.success(request, _("The month's figures were submitted."))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    return _back(request, region, month)


@require_POST
@require_cap(Cap.VIEW_PERSONS)
def send_back(request, pk):
    report = selectors.report_get(request.user, pk)
    try:
        services.report_return(actor=request.user, report=report, comment=request.POST.get("comment", ""))
        messages.success(request, _("The month was sent back for correction."))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    county = report.region.parent
    return _back(
        request, county if request.user.region_id != report.region_id else report.region, report.month
    )


@require_POST
@require_cap(Cap.VIEW_PERSONS)
def close(request):
    month = _month(request)
    region = get_scoped_or_404(Region, request.user, code=_region_code(request))
    try:
        services.county_close(actor=request.user, county=region, month=month)
        messages.success(request, _("The county's month is closed."))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return _back(request, region, month)


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def report_detail(request, pk):
    report = selectors.report_get(request.user, pk)
    versions = list(report.versions.select_related("submitted_by"))
    return render(
        request, "reports/report.html", {"report": report, "versions": versions, "figures": FIGURES}
    )


# ---- dashboard and map -----------------------------------------------------------------------------


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def dashboard_data(request):
    return JsonResponse(charts.dashboard(request.user, timezone.localdate()))


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def map_page(request):
    month = _month(request)
    return render(
        request,
        "reports/map.html",
        {
            "month": month,
            "figures": [*FIGURES, *maplayers.figures(request.user)],
            "key": request.GET.get("key", "total"),
            "can_upload": request.user.can(Cap.EDIT_SETTINGS) or request.user.can(services.REVIEW_CAP),
        },
    )


@require_GET
@require_cap(Cap.VIEW_PERSONS)
def map_data(request):
    return JsonResponse(charts.map_data(request.user, _month(request), request.GET.get("key", "total")))


@require_POST
@require_cap(Cap.VIEW_PERSONS)
def map_upload(request):
    upload = request.FILES.get("geojson")
    try:
        data = json.loads(upload.read().decode("utf-8")) if upload else None
        services.map_layer_save(actor=request.user, region=request.user.region, geojson=data)
        messages.success(request, _("The boundaries were uploaded."))
    except (ValueError, ValidationError) as exc:
        messages.error(request, _("Not a usable GeoJSON file: %(error)s") % {"error": exc})
    return redirect("reports_map")
