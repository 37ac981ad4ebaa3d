"""Integrity API: file a report and follow it with the receipt (no login, throttled like the
pages), and for staff the reports, campaigns, self-inspection forms and the selection — all
through the selectors (area scope, conflict of interest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, Limit, Offset, page, service_errors
from doudi.core.models import Region, Unit
from doudi.core.roles import Cap

from . import selectors, services, throttle
from .models import Report

router = Router(tags=["integrity"])


class ReportIn(Schema):
    category: str
    unit: Id | None = None
    region: str | None = None
    text: str
    name: str = ""
    contact: str = ""


class ReceiptOut(Schema):
    receipt: str
    register_by: dt.date


class ReceiptIn(Schema):
    receipt: str
    text: str = ""


class MessageOut(Schema):
    at: dt.datetime
    from_office: bool
    text: str


class StatusOut(Schema):
    category: str
    status: str
    outcome: str
    received: dt.datetime
    messages: list[MessageOut]


class ReportOut(Schema):
    id: int
    number: str
    category: str
    status: str
    outcome: str
    region: str
    unit: int | None
    received_at: dt.datetime
    register_by: dt.date
    deadline: dt.date | None
    escalated: bool
    has_identity: bool

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id


class PhaseOut(Schema):
    phase: str
    start: dt.date
    end: dt.date


class CampaignOut(Schema):
    id: int
    title: str
    parent_unit: int
    year: int
    hotline: str
    mailbox: str
    phases: list[PhaseOut]

    @staticmethod
    def resolve_parent_unit(obj):
        return obj.parent_unit_id

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())


class EntryOut(Schema):
    id: int
    campaign: int
    unit: int
    unit_name: str
    submitted: bool
    selected: bool
    selection_reason: str

    @staticmethod
    def resolve_campaign(obj):
        return obj.campaign_id

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_submitted(obj):
        return obj.submitted_at is not None


class LineIn(Schema):
    code: str
    found: bool = False
    count: int = 0
    amount: Decimal = Decimal(0)
    corrected: Decimal = Decimal(0)


class FormIn(Schema):
    head_name: str
    signed_on: dt.date
    lines: list[LineIn]


class SelectionOut(Schema):
    selected: list[int]
    assets_share: Decimal
    revenue_share: Decimal
    short: bool
    reasons: dict[str, str]


def _status(report) -> StatusOut:
    return StatusOut(
        category=report.category,
        status=report.status,
        outcome=report.outcome,
        received=report.received_at,
        messages=[
            MessageOut(at=m.at, from_office=m.author_id is not None, text=m.text)
            for m in selectors.report_messages(report, reporter=True)
        ],
    )


@router.post("/integrity/reports/file", auth=None, response={201: ReceiptOut}, url_name="integrity_api_file")
def report_file(request, payload: ReportIn):
    unit = Unit.objects.filter(pk=payload.unit, is_active=True).first() if payload.unit else None
    region = (
        Region.objects.filter(code=payload.region or "", level__gte=4).first() if payload.region else None
    )
    with service_errors():
        report, receipt = services.report_file(
            category=payload.category,
            region=region,
            unit=unit,
            text=payload.text,
            name=payload.name,
            contact=payload.contact,
            channel=Report.Channel.API,
        )
    return Status(201, ReceiptOut(receipt=receipt, register_by=report.register_by))


def _by_receipt(request, receipt: str):
    report, waiting = services.report_by_receipt(receipt, client=throttle.client_address(request))
    if report is None:
        raise HttpError(
            404, "未找到与该回执对应的举报。" + ("尝试次数过多，请15分钟后再试。" if waiting else "")
        )
    return report


@router.post("/integrity/reports/follow", auth=None, response=StatusOut, url_name="integrity_api_follow")
def report_follow(request, payload: ReceiptIn):
    return _status(_by_receipt(request, payload.receipt))


@router.post(
    "/integrity/reports/follow/message",
    auth=None,
    response={201: StatusOut},
    url_name="integrity_api_follow_message",
)
def report_follow_message(request, payload: ReceiptIn):
    report = _by_receipt(request, payload.receipt)
    with service_errors():
        services.report_reporter_message(report=report, text=payload.text)
    return Status(201, _status(report))


def _need(request, *caps):
    if not any(request.auth.can(c) for c in caps):
        raise HttpError(403, "您的角色无权进行此操作。")
    return request.auth


@router.get("/integrity/reports", response=list[ReportOut], url_name="integrity_api_reports")
def report_list(request, status: str = "", limit: Limit = 100, offset: Offset = 0):
    user = _need(request, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS)
    qs = selectors.reports(user)
    if status:
        qs = qs.filter(status=status)
    return page(qs, offset, limit)


@router.get("/integrity/reports/{report_id}", response=ReportOut, url_name="integrity_api_report")
def report_read(request, report_id: Id):
    return selectors.report_or_404(_need(request, Cap.RECEIVE_REPORTS, Cap.HANDLE_REPORTS), report_id)


@router.get("/integrity/campaigns", response=list[CampaignOut], url_name="integrity_api_campaigns")
def campaign_list(request):
    return list(selectors.campaigns(_need(request, Cap.RUN_CAMPAIGNS)).prefetch_related("phases"))


@router.get("/integrity/campaigns/{campaign_id}", response=CampaignOut, url_name="integrity_api_campaign")
def campaign_read(request, campaign_id: Id):
    return selectors.campaign_or_404(_need(request, Cap.RUN_CAMPAIGNS), campaign_id)


@router.get(
    "/integrity/campaigns/{campaign_id}/units", response=list[EntryOut], url_name="integrity_api_entries"
)
def campaign_units(request, campaign_id: Id):
    user = _need(request, Cap.RUN_CAMPAIGNS)
    return list(selectors.campaign_entries(user, selectors.campaign_or_404(user, campaign_id)))


@router.post(
    "/integrity/campaigns/{campaign_id}/selection", response=SelectionOut, url_name="integrity_api_select"
)
def campaign_select(request, campaign_id: Id):
    user = _need(request, Cap.RUN_CAMPAIGNS)
    campaign = selectors.campaign_or_404(user, campaign_id)
    with service_errors():
        result = services.selection_run(actor=user, campaign=campaign)
    return SelectionOut(
        selected=result.selected,
        assets_share=result.assets_share,
        revenue_share=result.revenue_share,
        short=result.short,
        reasons={str(k): v for k, v in result.reasons.items()},
    )


@router.get("/integrity/forms", response=list[EntryOut], url_name="integrity_api_forms")
def form_list(request):
    return list(selectors.my_entries(_need(request, Cap.FILL_SELF_INSPECTION, Cap.RUN_CAMPAIGNS)))


@router.put("/integrity/forms/{entry_id}", response=EntryOut, url_name="integrity_api_form")
def form_submit(request, entry_id: Id, payload: FormIn):
    user = _need(request, Cap.FILL_SELF_INSPECTION, Cap.RUN_CAMPAIGNS)
    try:
        entry = selectors.entry_or_404(user, entry_id)
    except Http404 as exc:
        raise HttpError(404, "没有这个记录，或不在您的范围内。") from exc
    lines = {line.code: line.dict() for line in payload.lines}
    with service_errors():
        return services.form_submit(
            actor=user, entry=entry, lines=lines, head_name=payload.head_name, signed_on=payload.signed_on
        )
