"""Pilot-plan API under /api/v1/programmes/: plans, a plan's tasks with status, warning and
target progress, a ledger's completeness — all through the scope (selectors)."""

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from doudi.core import regions as region_levels
from doudi.core.apitypes import Id, RequestIssue
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import scoped

from . import ledger_services, planfile, planxlsx, selectors, services

router = Router(tags=["programmes"])


def _viewer(request):
    user = request.auth
    if not user.can(Cap.VIEW_PLANS):
        raise HttpError(403, "您的角色无权查看试点方案。")
    return user


class PlanOut(Schema):
    id: int
    key: str
    title: str
    year: int
    region: str
    start: dt.date
    end: dt.date
    status: str

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class TargetOut(Schema):
    metric: str
    measure: str
    baseline: Decimal
    value: Decimal
    by: dt.date | None
    per_region: bool
    reported: Decimal | None
    expected: Decimal
    behind: bool


class TaskOut(Schema):
    id: int
    number: str
    title: str
    phase: str | None
    lead: list[str]
    deadline: dt.date | None
    status: str
    warning: str
    reports: int
    targets: list[TargetOut]


class CompletenessOut(Schema):
    id: int
    name: str
    filled: int
    expected: int


@router.get("/programmes/plans", response=list[PlanOut], url_name="programmes_api_plans")
def plan_list(request):
    return list(selectors.plans(_viewer(request)).order_by("-year", "title"))


@router.get("/programmes/plans/{plan_id}", response=PlanOut, url_name="programmes_api_plan")
def plan_read(request, plan_id: Id):
    return selectors.plan_or_404(_viewer(request), plan_id)


@router.get("/programmes/plans/{plan_id}/tasks", response=list[TaskOut], url_name="programmes_api_tasks")
def plan_tasks(request, plan_id: Id, on: dt.date | None = None):
    user = _viewer(request)
    plan = selectors.plan_or_404(user, plan_id)
    rows = selectors.plan_progress(user, plan, on or dt.date.today())
    return [
        {
            "id": p.task.pk,
            "number": p.task.number,
            "title": p.task.title,
            "phase": p.task.phase.name if p.task.phase else None,
            "lead": p.lead,
            "deadline": p.task.deadline,
            "status": p.status,
            "warning": p.warning,
            "reports": p.reports,
            "targets": [
                {
                    "metric": g.target.metric,
                    "measure": g.target.measure,
                    "baseline": g.target.baseline,
                    "value": g.target.value,
                    "by": g.target.by,
                    "per_region": g.target.per_region,
                    "reported": g.value,
                    "expected": g.trajectory.expected,
                    "behind": g.trajectory.behind,
                }
                for g in p.targets
            ],
        }
        for p in rows
    ]


@router.get("/programmes/ledgers/{ledger_id}", response=CompletenessOut, url_name="programmes_api_ledger")
def ledger_read(request, ledger_id: Id):
    user = _viewer(request)
    t = selectors.ledger_or_404(user, ledger_id)
    _rows, filled, expected = ledger_services.completeness(user, t)
    return {"id": t.pk, "name": t.name, "filled": filled, "expected": expected}


class PlaceError(Schema):
    place: str
    message: str


class ImportErrorsOut(Schema):
    detail: str
    # every problem of the file, or, for a request that does not fit the schema, pydantic's list
    errors: list[PlaceError] | list[RequestIssue]


def _manager(request):
    user = request.auth
    if not user.can(Cap.MANAGE_PLANS):
        raise HttpError(403, "您的角色无权管理试点方案。")
    return user


@router.post(
    "/programmes/plan-imports",
    response={201: PlanOut, 422: ImportErrorsOut},
    url_name="programmes_api_plan_import",
    summary="Import a plan workbook (.xlsx)",
)
def plan_import(
    request,
    file: File[UploadedFile],
    region: Form[str],
    year: Form[int],
    create_missing_units: Form[bool] = False,
):
    """The workbook of planxlsx.py (方案, 阶段, 任务, 指标, 资金, 报送) into a county or township
    of the caller's area; every problem with its sheet, row and column (422), nothing written."""
    user = _manager(request)
    area = (
        scoped(Region, user)
        .filter(code=region, level__in=[region_levels.COUNTY, region_levels.TOWNSHIP], is_active=True)
        .first()
    )
    if area is None:
        raise HttpError(404, "没有找到该区划，或它不在您的管辖范围内。")
    if not (file.name or "").lower().endswith(".xlsx") or file.size > 5 * 1024 * 1024:
        return Status(
            422,
            {"detail": "请上传不超过 5 MB 的 Excel 工作簿（.xlsx）。", "errors": []},
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        with path.open("wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        try:
            spec = planxlsx.read(path, year=year)
            plan = services.plan_import(
                actor=user, region=area, spec=spec, year=year, create_missing_units=create_missing_units
            )
        except planfile.PlanFileError as exc:
            return Status(
                422,
                {
                    "detail": "方案未导入，请按所列位置修改后重新上传。",
                    "errors": [{"place": p, "message": m} for p, m in exc.errors],
                },
            )
        except PermissionDenied as exc:
            raise HttpError(403, "您无权在该区划导入试点方案。") from exc
    return Status(201, plan)


@router.get(
    "/programmes/plans/{plan_id}/plan.xlsx",
    url_name="programmes_api_plan_workbook",
    summary="A plan as a workbook (.xlsx)",
)
def plan_workbook(request, plan_id: Id):
    user = _manager(request)
    plan = selectors.plan_or_404(user, plan_id)
    if not selectors.manages(user, plan):
        raise HttpError(404, "Not Found")
    response = HttpResponse(
        planxlsx.write(services.plan_spec(plan)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.key}-{plan.year}-plan.xlsx"'
    return response
