"""Month-end closing (issue 7): a township submits, the county sends back or closes.

Every write is atomic and audited in the same transaction (core/audit.py).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope

from . import rules
from .models import MonthReport, MonthReportVersion
from .selectors import BY_KEY, compute

# Who closes the month: a township clerk submits (MANAGE_CARE in the township), the county officer
# reviews and closes (CONFIRM_ELIGIBILITY — the county-level capability).
SUBMIT_CAP = Cap.MANAGE_CARE
REVIEW_CAP = Cap.CONFIRM_ELIGIBILITY


def _require(actor, cap, code: str):
    if not actor.can(cap):
        raise PermissionDenied("您的角色不允许此操作。")
    if not in_scope(actor, code):
        raise PermissionDenied("不在您的管辖范围内。")


def previous_figures(township: Region, month: dt.date) -> dict | None:
    """Last month's frozen figures of the township (its submission), else None."""
    prev = MonthReport.objects.filter(region=township, month=rules.previous_month(month)).first()
    return prev.data.get("total") if prev else None


def report_submit(
    *, actor, township: Region, month: dt.date, reasons: dict[str, str] | None = None
) -> MonthReport:
    """Freeze the township's figures for the month. Large changes against last month need a reason."""
    _require(actor, SUBMIT_CAP, township.code)
    if township.level != rcodes.TOWNSHIP:
        raise ValidationError("只有乡镇（街道）可以报送月报。")
    month = month.replace(day=1)
    reasons = {k: v.strip() for k, v in (reasons or {}).items() if k in BY_KEY and (v or "").strip()}
    with transaction.atomic():
        county = Region.objects.filter(pk=township.code[:6] + "000000").first()
        if (
            county
            and MonthReport.objects.filter(
                region=county, month=month, status=MonthReport.Status.CLOSED
            ).exists()
        ):
            raise ValidationError("县里已关账，本月不能再报送。")
        report = MonthReport.objects.select_for_update().filter(region=township, month=month).first()
        if report and report.status != MonthReport.Status.RETURNED:
            raise ValidationError("本月已报送；县里退回后才能重新报送。")
        stats = compute(None, township, month)
        data = stats.as_json()
        missing = rules.reasons_missing(previous_figures(township, month), data["total"], reasons)
        if missing:
            names = "、".join(str(BY_KEY[k].label) for k in missing)
            raise ValidationError(f"以下数字较上月变化超过10%，请填写原因：{names}")
        now = timezone.now()
        if report is None:
            report = MonthReport(region=township, month=month, version=1)
        else:
            report.version += 1
        report.status = MonthReport.Status.SUBMITTED
        report.data, report.reasons = data, reasons
        report.submitted_by, report.submitted_at = actor, now
        report.save()
        MonthReportVersion.objects.create(
            report=report,
            version=report.version,
            data=data,
            reasons=reasons,
            submitted_by=actor,
            submitted_at=now,
        )
        audit.record(
            actor,
            "submit",
            report,
            changes={"status": [None, report.status], "version": [None, report.version]},
            extra={"month": f"{month:%Y-%m}", "total": data["total"].get("total", 0)},
        )
    return report


def report_return(*, actor, report: MonthReport, comment: str) -> MonthReport:
    """The county sends a township's submission back for correction, with a comment."""
    _require(actor, REVIEW_CAP, report.region_id)
    if not (comment or "").strip():
        raise ValidationError("退回时请填写意见。")
    with transaction.atomic():
        report = MonthReport.objects.select_for_update().get(pk=report.pk)
        if report.status != MonthReport.Status.SUBMITTED or report.region.level != rcodes.TOWNSHIP:
            raise ValidationError("只能退回已报送、尚未关账的乡镇月报。")
        before = report.status
        report.status = MonthReport.Status.RETURNED
        report.comment = comment.strip()
        report.reviewed_by, report.reviewed_at = actor, timezone.now()
        report.save()
        MonthReportVersion.objects.filter(report=report, version=report.version).update(
            returned_comment=report.comment
        )
        audit.record(
            actor,
            "return",
            report,
            changes={"status": [before, report.status], "comment": ["", report.comment]},
        )
    return report


def county_close(*, actor, county: Region, month: dt.date) -> MonthReport:
    """Close the county's month: every township has submitted; their frozen figures are added up."""
    _require(actor, REVIEW_CAP, county.code)
    if county.level != rcodes.COUNTY:
        raise ValidationError("只能为县（区）关账。")
    month = month.replace(day=1)
    with transaction.atomic():
        if MonthReport.objects.filter(region=county, month=month).exists():
            raise ValidationError("本月已关账。")
        townships = list(
            Region.objects.filter(parent=county, level=rcodes.TOWNSHIP, is_active=True).order_by("code")
        )
        reports = {
            r.region_id: r
            for r in MonthReport.objects.select_for_update().filter(region__in=townships, month=month)
        }
        waiting = [
            t.name
            for t in townships
            if getattr(reports.get(t.code), "status", None) != MonthReport.Status.SUBMITTED
        ]
        if waiting:
            raise ValidationError("以下乡镇尚未报送或已被退回：" + "、".join(waiting))
        rows, institutions, names = [], {}, {}
        for t in townships:
            d = reports[t.code].data
            rows.append(
                {
                    "code": t.code,
                    "name": t.name,
                    "figures": d["total"],
                    "institutions": d.get("total_institutions", {}),
                }
            )
            for k, v in d.get("total_institutions", {}).items():
                institutions[k] = institutions.get(k, 0) + v
            names.update(d.get("institutions", {}))
        data = {
            "region": county.code,
            "month": f"{month:%Y-%m}",
            "rows": rows,
            "total": rules.add_up([r["figures"] for r in rows]),
            "total_institutions": institutions,
            "institutions": names,
        }
        now = timezone.now()
        report = MonthReport.objects.create(
            region=county,
            month=month,
            status=MonthReport.Status.CLOSED,
            data=data,
            submitted_by=actor,
            submitted_at=now,
            reviewed_by=actor,
            reviewed_at=now,
        )
        MonthReport.objects.filter(pk__in=[r.pk for r in reports.values()]).update(
            status=MonthReport.Status.CLOSED, reviewed_by=actor, reviewed_at=now
        )
        audit.record(
            actor,
            "close",
            report,
            changes={"status": [None, report.status]},
            extra={"month": f"{month:%Y-%m}", "townships": len(rows), "total": data["total"].get("total", 0)},
        )
    return report


def export_audit(*, actor, region: Region, month: dt.date, fmt: str) -> None:
    """Exports are audited (DESIGN.md promise 2)."""
    with transaction.atomic():
        audit.record(
            actor,
            "export",
            region,
            object_type="reports.monthly",
            object_id=f"{region.code}-{month:%Y-%m}",
            extra={"format": fmt, "month": f"{month:%Y-%m}"},
        )


def map_layer_save(*, actor, region: Region, geojson) -> None:
    """Store the county's GeoJSON boundaries for the map (ECharts registerMap, no online tiles)."""
    from .models import MapLayer

    if not (actor.can(Cap.EDIT_SETTINGS) or actor.can(REVIEW_CAP)):
        raise PermissionDenied("您的角色不允许此操作。")
    if (
        not isinstance(geojson, dict)
        or geojson.get("type") != "FeatureCollection"
        or not geojson.get("features")
    ):
        raise ValidationError("需要一个包含 features 的 GeoJSON FeatureCollection。")
    with transaction.atomic():
        layer, created = MapLayer.objects.update_or_create(
            region=region, defaults={"geojson": geojson, "uploaded_by": actor}
        )
        audit.record(
            actor,
            "create" if created else "update",
            layer,
            object_repr=f"地图边界 {region.name}",
            extra={"features": len(geojson["features"])},
        )
