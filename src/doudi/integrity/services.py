"""Every write of reports and campaigns: atomic, validated, audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from doudi.core import attachments, audit
from doudi.core.calendar import add_working_days_for
from doudi.core.models import Region, Unit, UnitFigures, User
from doudi.core.notifications import Note, notify_many
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, unit_in_scope
from doudi.oversight.services import rectification_open
from doudi.oversight.sources import Source

from . import crypto, rules, throttle
from .models import (
    Attachment,
    Campaign,
    CampaignPhase,
    CampaignUnit,
    Finding,
    FormLine,
    HandlingSettings,
    Report,
    ReportMessage,
    SelectionChange,
)

SOURCE_FINDING = "campaign_finding"  # = sources.FINDING (sources imports selectors)
SOURCE_REPORT = "report"


def _county(region: Region) -> Region:
    return Region.objects.get(code=region.code[:6] + "000000")


def handling_settings(region: Region) -> HandlingSettings:
    """The county's limits (defaults 3 and 30 working days when none were set)."""
    county = _county(region)
    found = HandlingSettings.objects.filter(region=county).first()
    return found or HandlingSettings(region=county)


def _require(actor, cap):
    if actor is None or not actor.can(cap):
        raise ValidationError("您没有这项操作的权限。")


def conflicted(user, unit: Unit | None) -> bool:
    """A user bound to the reported unit, or to a unit above it, has a conflict of interest."""
    own = getattr(user, "unit", None)
    return bool(
        unit is not None and own is not None and own.tree_path and unit.tree_path.startswith(own.tree_path)
    )


# --- Reports -----------------------------------------------------------------------------------


def _save_files(report: Report, files, cleaned=None) -> None:
    for item in cleaned if cleaned is not None else [attachments.clean(f) for f in files]:
        rel = attachments.store(item.data)
        Attachment.objects.create(
            report=report, name=item.name, content_type=item.content_type, size=len(item.data), path=rel
        )


def _clean_files(files) -> list:
    files = [f for f in files or [] if f]
    if len(files) > attachments.MAX_FILES:
        raise ValidationError(f"一次最多上传 {attachments.MAX_FILES} 个附件。")
    return [attachments.clean(f) for f in files]


def _handlers_of(region: Region, unit: Unit | None):
    """The 受理 accounts over the region (those in conflict left out)."""
    codes = [region.code[:n].ljust(12, "0") for n in (2, 4, 6, 9)]
    users = User.objects.filter(is_active=True, region_id__in=set(codes) | {region.code}).select_related(
        "unit"
    )
    return [u for u in users if u.can(Cap.RECEIVE_REPORTS) and not conflicted(u, unit)]


def report_file(
    *,
    category: str,
    region: Region | None,
    unit: Unit | None,
    text: str,
    name: str = "",
    contact: str = "",
    files=(),
    channel: str = Report.Channel.WEB,
    campaign: Campaign | None = None,
) -> tuple[Report, str]:
    """File a report (no login). Returns the report and its receipt, which is never stored."""
    if category not in Report.Category.values:
        raise ValidationError("请选择举报类别。")
    if not (text or "").strip():
        raise ValidationError("请写明举报的事项。")
    if unit is not None:
        region = unit.region
    if region is None:
        raise ValidationError("请选择被举报的单位或村（社区）。")
    cleaned = _clean_files(files)
    escalated = category == Report.Category.RETALIATION
    if escalated:  # 打击报复举报人: always handled at the county (seed 第四篇 六 (二))
        region = _county(region)
    limits = handling_settings(region)
    name, contact = (name or "").strip()[:100], (contact or "").strip()[:200]
    with transaction.atomic():
        for _attempt in range(3):
            receipt = crypto.new_receipt()
            digest = crypto.receipt_hash(receipt)
            if not Report.objects.filter(receipt_hash=digest).exists():
                break
        report = Report.objects.create(
            receipt_hash=digest,
            category=category,
            channel=channel,
            region=region,
            unit=unit,
            campaign=campaign,
            text=text.strip(),
            identity=crypto.encrypt_identity(name, contact) if (name or contact) else b"",
            has_identity=bool(name or contact),
            escalated=escalated,
            register_by=add_working_days_for(region.code)(timezone.localdate(), limits.register_days),
        )
        _save_files(report, (), cleaned)
        audit.record(None, "create", report, changes=audit.diff({}, _public_snapshot(report)))
        url = reverse("integrity_report", args=[report.pk])
        notify_many(
            [
                Note(
                    h,
                    "report_received",
                    f"report-received:{report.pk}",
                    "收到一件新的举报，请及时登记。",
                    url,
                    region,
                )
                for h in _handlers_of(region, unit)
            ]
        )
    return report, receipt


def _public_snapshot(report: Report) -> dict:
    # The audit never holds the identity or the receipt's hash.
    snap = audit.snapshot(report)
    snap.pop("identity", None)
    snap.pop("receipt_hash", None)
    return snap


def report_by_receipt(receipt: str, *, client: str) -> tuple[Report | None, bool]:
    """The report of a receipt, or None; the second value says the client is throttled (then the
    receipt is not even checked). Wrong receipts and throttled tries are written to the audit."""
    if throttle.blocked(client):
        audit.record(
            None,
            "other",
            object_type="integrity.receipt",
            extra={"event": "receipt_throttled", "client": client},
        )
        return None, True
    digits = crypto.normalise_receipt(receipt)
    report = Report.objects.filter(receipt_hash=crypto.receipt_hash(digits)).first() if digits else None
    if report is None:
        count = throttle.failed(client)
        audit.record(
            None,
            "other",
            object_type="integrity.receipt",
            extra={"event": "receipt_wrong", "client": client, "count": count},
        )
    return report, False


def report_reporter_message(*, report: Report, text: str, files=()) -> ReportMessage:
    if report.status == Report.Status.ANSWERED and not text.strip():
        raise ValidationError("请填写补充内容。")
    if not (text or "").strip() and not files:
        raise ValidationError("请填写补充内容或上传证据。")
    cleaned = _clean_files(files)
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, text=(text or "").strip() or "（补充证据）")
        _save_files(report, (), cleaned)
        audit.record(None, "create", message, extra={"report": report.pk, "files": len(cleaned)})
        url = reverse("integrity_report", args=[report.pk])
        targets = [report.handler] if report.handler else _handlers_of(report.region, report.unit)
        notify_many(
            [
                Note(
                    h,
                    "report_message",
                    f"report-message:{message.pk}",
                    f"举报 {report} 有新的补充。",
                    url,
                    report.region,
                )
                for h in targets
            ]
        )
    return message


def _check_report(actor, report: Report, cap=Cap.RECEIVE_REPORTS):
    _require(actor, cap)
    if not in_scope(actor, report.region_id) or conflicted(actor, report.unit):
        raise ValidationError("该举报不在您的受理范围内。")


def report_register(*, actor, report: Report) -> Report:
    _check_report(actor, report)
    if report.status != Report.Status.RECEIVED:
        raise ValidationError("该举报已经登记。")
    before = _public_snapshot(report)
    now = timezone.now()
    with transaction.atomic():
        year = timezone.localdate().year
        seq = Report.objects.filter(number__startswith=f"JB{year}-").count() + 1
        report.number = f"JB{year}-{seq:04d}"
        report.status = Report.Status.REGISTERED
        report.registered_at = now
        report.save(update_fields=["number", "status", "registered_at"])
        audit.record(actor, "update", report, changes=audit.diff(before, _public_snapshot(report)))
    return report


def report_assign(
    *, actor, report: Report, handling_unit: Unit, handler, deadline: dt.date | None = None
) -> Report:
    """分办: a handling unit and handler, with a deadline (default: the county's working days)."""
    _check_report(actor, report)
    if report.status not in (Report.Status.REGISTERED, Report.Status.ASSIGNED):
        raise ValidationError("请先登记再分办。")
    if handling_unit is None or not in_scope(actor, handling_unit.region_id):
        raise ValidationError("请选择承办单位。")
    if report.unit is not None and report.unit.tree_path.startswith(handling_unit.tree_path):
        raise ValidationError("承办单位不能是被举报单位或其上级单位（回避）。")
    if handler is None or not handler.is_active or not handler.can(Cap.HANDLE_REPORTS):
        raise ValidationError("请选择有办理权限的承办人。")
    if conflicted(handler, report.unit) or not in_scope(handler, report.region_id):
        raise ValidationError("该承办人与被举报单位有利害关系或不在本区域，需回避。")
    limits = handling_settings(report.region)
    deadline = deadline or add_working_days_for(report.region_id)(timezone.localdate(), limits.handle_days)
    if deadline < timezone.localdate():
        raise ValidationError("办理期限不能早于今天。")
    before = _public_snapshot(report)
    with transaction.atomic():
        report.handling_unit, report.handler, report.deadline = handling_unit, handler, deadline
        report.status = Report.Status.ASSIGNED
        report.save(update_fields=["handling_unit", "handler", "deadline", "status"])
        audit.record(actor, "update", report, changes=audit.diff(before, _public_snapshot(report)))
        notify_many(
            [
                Note(
                    handler,
                    "report_assigned",
                    f"report-assigned:{report.pk}:{handler.pk}",
                    f"举报 {report} 分办给您，请于 {deadline:%Y-%m-%d} 前办结。",
                    reverse("integrity_report", args=[report.pk]),
                    report.region,
                )
            ]
        )
    return report


def report_extend(*, actor, report: Report, reason: str, days: int | None = None) -> Report:
    """Extend the handling deadline once, with a reason."""
    _check_report(actor, report)
    if report.status != Report.Status.ASSIGNED:
        raise ValidationError("只有办理中的举报可以延期。")
    if report.extended:
        raise ValidationError("办理期限只能延长一次。")
    if not (reason or "").strip():
        raise ValidationError("请写明延期的理由。")
    limits = handling_settings(report.region)
    before = _public_snapshot(report)
    with transaction.atomic():
        report.deadline = add_working_days_for(report.region_id)(report.deadline, days or limits.handle_days)
        report.extended, report.extension_reason = True, reason.strip()[:300]
        report.save(update_fields=["deadline", "extended", "extension_reason"])
        audit.record(actor, "update", report, changes=audit.diff(before, _public_snapshot(report)))
    return report


def report_note(*, actor, report: Report, text: str) -> ReportMessage:
    """A progress note of the handling (internal: the reporter never sees it)."""
    _require(actor, Cap.HANDLE_REPORTS)
    if not in_scope(actor, report.region_id) or conflicted(actor, report.unit):
        raise ValidationError("该举报不在您的受理范围内。")
    if not actor.can(Cap.RECEIVE_REPORTS) and report.handler_id != actor.pk:
        raise ValidationError("只有承办人可以记录办理进展。")
    if not (text or "").strip():
        raise ValidationError("请填写办理进展。")
    with transaction.atomic():
        note = ReportMessage.objects.create(report=report, author=actor, internal=True, text=text.strip())
        audit.record(actor, "create", note, extra={"report": report.pk})
    return note


def report_answer(*, actor, report: Report, outcome: str, reply: str) -> Report:
    """答复: the outcome and the reply the reporter reads with the receipt."""
    _check_report(actor, report)
    if report.status != Report.Status.ASSIGNED:
        raise ValidationError("举报分办办理后才能答复。")
    if outcome not in Report.Outcome.values:
        raise ValidationError("请选择办理结果。")
    if not (reply or "").strip():
        raise ValidationError("请填写给举报人的答复。")
    before = _public_snapshot(report)
    with transaction.atomic():
        report.outcome, report.reply = outcome, reply.strip()
        report.status = Report.Status.ANSWERED
        report.answered_at = timezone.now()
        report.answered_on_time = timezone.localdate() <= report.deadline
        report.save(update_fields=["outcome", "reply", "status", "answered_at", "answered_on_time"])
        ReportMessage.objects.create(report=report, author=actor, text=report.reply)
        audit.record(actor, "update", report, changes=audit.diff(before, _public_snapshot(report)))
    return report


def report_reply(*, actor, report: Report, text: str) -> ReportMessage:
    """A message to the reporter (a question, an acknowledgement), read with the receipt."""
    _check_report(actor, report)
    if not (text or "").strip():
        raise ValidationError("请填写给举报人的消息。")
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, author=actor, text=text.strip())
        audit.record(actor, "create", message, extra={"report": report.pk})
    return message


def report_reveal_identity(*, actor, report: Report, reason: str) -> dict:
    """The reporter's name and contact, for the 受理 role only, each time audited with the reason."""
    _check_report(actor, report, Cap.DECRYPT_REPORTER)
    if not (reason or "").strip():
        raise ValidationError("请写明查看举报人身份的理由。")
    if not report.has_identity:
        return {"name": "", "contact": ""}
    with transaction.atomic():
        audit.record(actor, "view", report, extra={"field": "identity", "reason": reason.strip()[:300]})
    return crypto.decrypt_identity(report.identity)


def reports_supervise(*, today: dt.date | None = None, region_prefix: str = "") -> int:
    """督办: remind the 受理 of reports not registered in time and handlers of overdue reports, and
    escalate an overdue report to the county's handlers. Only reports in the area `region_prefix`
    (all with ""). Idempotent per report and day. Run daily by the `integrity_daily` job."""
    today = today or timezone.localdate()
    notes: list[Note] = []
    in_area = Report.objects.filter(region__code__startswith=region_prefix)
    late_register = in_area.filter(status=Report.Status.RECEIVED, register_by__lt=today).select_related(
        "region", "unit"
    )
    for report in late_register:
        url = reverse("integrity_report", args=[report.pk])
        for h in _handlers_of(_county(report.region), report.unit):
            notes.append(
                Note(
                    h,
                    "report_register_overdue",
                    f"report-register-late:{report.pk}",
                    "有举报超过登记期限未登记，请督办。",
                    url,
                )
            )
    overdue = in_area.filter(status=Report.Status.ASSIGNED, deadline__lt=today).select_related(
        "region", "unit", "handler"
    )
    escalate = []
    for report in overdue:
        url = reverse("integrity_report", args=[report.pk])
        notes.append(
            Note(
                report.handler,
                "report_overdue",
                f"report-overdue:{report.pk}:{today}",
                f"举报 {report} 已超过办理期限，请尽快办结。",
                url,
            )
        )
        if not report.escalated:
            escalate.append(report)
        for h in _handlers_of(_county(report.region), report.unit):
            notes.append(
                Note(
                    h,
                    "report_escalated",
                    f"report-escalated:{report.pk}",
                    f"举报 {report} 逾期未办结，已升级督办。",
                    url,
                )
            )
    with transaction.atomic():
        for report in escalate:
            Report.objects.filter(pk=report.pk).update(escalated=True)
            audit.record(
                None, "update", report, changes={"escalated": [False, True]}, extra={"reason": "overdue"}
            )
        return notify_many(notes)


# --- Campaigns ---------------------------------------------------------------------------------

PHASE_ORDER = [p for p, _label in Campaign.Phase.choices]


def _check_campaign(actor, campaign: Campaign):
    _require(actor, Cap.RUN_CAMPAIGNS)
    if not in_scope(actor, campaign.region_id) or not unit_in_scope(actor, campaign.parent_unit):
        raise ValidationError("该专项治理不在您的范围内。")


def campaign_create(
    *,
    actor,
    title: str,
    parent_unit: Unit,
    year: int,
    phases: dict,
    hotline: str = "",
    mailbox: str = "",
    units: list[Unit] | None = None,
    min_share: Decimal = rules.DEFAULT_MIN_SHARE,
) -> Campaign:
    """A campaign over `units` (default: the units directly under `parent_unit`) with its five phases."""
    _require(actor, Cap.RUN_CAMPAIGNS)
    if not (title or "").strip():
        raise ValidationError("请填写专项治理的名称。")
    if parent_unit is None or not unit_in_scope(actor, parent_unit):
        raise ValidationError("请选择主管单位（上一级机构）。")
    missing = [str(Campaign.Phase(p).label) for p in PHASE_ORDER if p not in phases]
    if missing:
        raise ValidationError("请填写各阶段的起止日期：" + "、".join(missing))
    last = None
    for p in PHASE_ORDER:
        start, end = phases[p]
        if end < start:
            raise ValidationError(f"{Campaign.Phase(p).label}的结束日期早于开始日期。")
        if last and start < last:
            raise ValidationError(f"{Campaign.Phase(p).label}应在上一阶段之后开始。")
        last = end
    units = list(units) if units is not None else list(parent_unit.children.filter(is_active=True))
    if not units:
        raise ValidationError("专项治理范围内没有单位。")
    for u in units:
        if not u.tree_path.startswith(parent_unit.tree_path) or u.pk == parent_unit.pk:
            raise ValidationError(f"单位“{u.name}”不在主管单位之下。")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(),
            region=parent_unit.region,
            parent_unit=parent_unit,
            year=year,
            hotline=hotline,
            mailbox=mailbox,
            created_by=actor,
            min_share=min_share,
        )
        for p in PHASE_ORDER:
            CampaignPhase.objects.create(campaign=campaign, phase=p, start=phases[p][0], end=phases[p][1])
        for u in units:
            CampaignUnit.objects.create(campaign=campaign, unit=u)
        audit.record(
            actor,
            "create",
            campaign,
            changes=audit.diff({}, audit.snapshot(campaign)),
            extra={"units": len(units)},
        )
    return campaign


def current_phase(campaign: Campaign, today: dt.date | None = None) -> str | None:
    today = today or timezone.localdate()
    current = None
    for phase in campaign.phases.all():
        if phase.start <= today:
            current = phase.phase
    return current


def _decimal(value, label: str) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", "")
    if text in ("", "-"):
        return Decimal(0)
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(f"{label}不是有效的金额（元）。") from exc
    if not amount.is_finite():
        raise ValidationError(f"{label}不是有效的金额（元）。")
    return amount.quantize(Decimal("0.01"))


def form_submit(
    *, actor, entry: CampaignUnit, lines: dict, head_name: str, signed_on: dt.date
) -> CampaignUnit:
    """Save a unit's self-inspection form whole, or nothing: `lines` maps each FORM_CODE to
    {found, count, amount, corrected}. Errors name the item, in Chinese."""
    if actor is None or not (actor.can(Cap.FILL_SELF_INSPECTION) or actor.can(Cap.RUN_CAMPAIGNS)):
        raise ValidationError("您没有填报自查自纠情况报告表的权限。")
    if not unit_in_scope(actor, entry.unit):
        raise ValidationError("该单位不在您的范围内。")
    if not (head_name or "").strip() or signed_on is None:
        raise ValidationError("请填写单位负责人签字和签字日期。")
    labels = {code: f"{group}·{text}" for code, group, text in rules.FORM_ITEMS}
    errors, parsed = [], []
    for code in rules.FORM_CODES:
        raw = lines.get(code) or {}
        try:
            count_text = str(raw.get("count") or 0).strip() or "0"
            if not count_text.lstrip("-").isdigit():
                raise ValidationError("笔数应为整数。")
            line = rules.FormLine(
                code,
                bool(raw.get("found")),
                int(count_text),
                _decimal(raw.get("amount"), "金额"),
                _decimal(raw.get("corrected"), "已纠正金额"),
            )
        except ValidationError as exc:
            errors.extend(f"{labels[code]}：{m}" for m in exc.messages)
            continue
        errors.extend(f"{labels[code]}：{m}" for m in rules.check_form_line(line))
        parsed.append(line)
    if errors:
        raise ValidationError(errors)
    before = {"head_name": entry.head_name, "submitted": bool(entry.submitted_at)}
    with transaction.atomic():
        FormLine.objects.filter(entry=entry).delete()
        FormLine.objects.bulk_create(
            [
                FormLine(
                    entry=entry,
                    code=ln.code,
                    found=ln.found,
                    count=ln.count,
                    amount=ln.amount,
                    corrected=ln.corrected,
                )
                for ln in parsed
            ]
        )
        entry.head_name, entry.signed_on = head_name.strip()[:50], signed_on
        entry.submitted_at, entry.submitted_by = timezone.now(), actor
        entry.save(update_fields=["head_name", "signed_on", "submitted_at", "submitted_by"])
        audit.record(
            actor,
            "update",
            entry,
            changes=audit.diff(before, {"head_name": entry.head_name, "submitted": True}),
            extra={
                "lines": {
                    ln.code: [ln.found, ln.count, str(ln.amount), str(ln.corrected)]
                    for ln in parsed
                    if ln.found
                }
            },
        )
    return entry


def _figures(unit: Unit, year: int) -> UnitFigures | None:
    return UnitFigures.objects.filter(unit=unit, year=year).first()


def selection_run(*, actor, campaign: Campaign) -> rules.Selection:
    """Select the key inspections with rules.select_key_inspections; units changed by hand keep their choice."""
    _check_campaign(actor, campaign)
    entries = list(campaign.units.select_related("unit"))
    reported = set(
        Report.objects.filter(unit__in=[e.unit for e in entries])
        .exclude(outcome=Report.Outcome.FALSE)
        .values_list("unit_id", flat=True)
    )
    mappings = []
    for e in entries:
        f = _figures(e.unit, campaign.year)
        mappings.append(
            {
                "id": e.pk,
                "total_assets": (f.total_assets if f and f.total_assets is not None else Decimal(0)),
                "main_revenue": (f.main_revenue if f and f.main_revenue is not None else Decimal(0)),
                "public_report": e.unit_id in reported,
                "weak_self_inspection": e.weak_self_inspection or not e.submitted_at,
                "weak_internal_control": e.weak_internal_control,
                "many_branches": bool(f and f.branches >= 2),
                "supervisory_record": e.supervisory_record,
            }
        )
    parent = _figures(campaign.parent_unit, campaign.year)
    if parent is None or parent.total_assets is None:
        raise ValidationError(f"主管单位缺少{campaign.year}年的总资产数据，无法计算重点检查比例。")
    result = rules.select_key_inspections(
        mappings, parent.total_assets, parent.main_revenue or Decimal(0), campaign.min_share
    )
    chosen = set(result.selected)
    with transaction.atomic():
        for e in entries:
            if e.manual:
                continue
            e.selected = e.pk in chosen
            e.selection_reason = result.reasons.get(e.pk, "")[:300]
            e.save(update_fields=["selected", "selection_reason"])
        audit.record(
            actor,
            "update",
            campaign,
            extra={
                "event": "key_inspection_selection",
                "selected": result.selected,
                "assets_share": str(result.assets_share),
                "revenue_share": str(result.revenue_share),
                "short": result.short,
            },
        )
    return result


def selection_change(*, actor, entry: CampaignUnit, add: bool, reason: str) -> CampaignUnit:
    _check_campaign(actor, entry.campaign)
    if not (reason or "").strip():
        raise ValidationError("请写明调整重点检查单位的理由。")
    if entry.selected == add:
        raise ValidationError("该单位已经在重点检查名单中。" if add else "该单位不在重点检查名单中。")
    with transaction.atomic():
        entry.selected, entry.manual = add, True
        entry.selection_reason = ("人工增加：" if add else "人工移出：") + reason.strip()[:280]
        entry.save(update_fields=["selected", "manual", "selection_reason"])
        SelectionChange.objects.create(entry=entry, added=add, reason=reason.strip()[:300], actor=actor)
        audit.record(
            actor,
            "update",
            entry,
            changes={"selected": [not add, add]},
            extra={"reason": reason.strip()[:300]},
        )
    return entry


def finding_record(
    *,
    actor,
    entry: CampaignUnit,
    description: str,
    found_by: str,
    amount,
    aggravating=(),
    created_after_previous_campaign: bool = False,
    source_of_funds: str = "",
    use_of_funds: str = "",
) -> Finding:
    _check_campaign(actor, entry.campaign)
    if not (description or "").strip():
        raise ValidationError("请写明发现的问题。")
    amount = _decimal(amount, "金额")
    if amount < 0:
        raise ValidationError("金额不能为负数。")
    try:
        handling = rules.handling_category(found_by, list(aggravating), created_after_previous_campaign)
    except ValueError as exc:
        raise ValidationError("发现方式或从重情节无效。") from exc
    with transaction.atomic():
        finding = Finding.objects.create(
            entry=entry,
            description=description.strip(),
            found_by=found_by,
            aggravating=list(aggravating),
            created_after_previous_campaign=created_after_previous_campaign,
            amount=amount,
            category=handling.category,
            removal_first=handling.removal_first,
            internal_accountability=handling.internal_accountability,
            reason=handling.reason[:300],
            source_of_funds=source_of_funds.strip()[:200],
            use_of_funds=use_of_funds.strip()[:200],
            created_by=actor,
        )
        audit.record(actor, "create", finding, changes=audit.diff({}, audit.snapshot(finding)))
    return finding


def finding_rectify(*, actor, finding: Finding, owner, deadline: dt.date):
    """Open the rectification task of a finding (oversight's one entry point)."""
    _check_campaign(actor, finding.entry.campaign)
    if finding.task_id:
        raise ValidationError("该问题已经有整改任务。")
    with transaction.atomic():
        task = rectification_open(
            actor=actor,
            source=Source(SOURCE_FINDING, finding.pk),
            region=finding.entry.unit.region,
            title=f"{finding.entry.unit.name}：{finding.description[:80]}",
            owner=owner,
            deadline=deadline,
            aspect="小金库",
            description=finding.reason,
        )
        finding.task_id = task.pk
        finding.save(update_fields=["task_id"])
        audit.record(actor, "update", finding, changes={"task_id": [None, task.pk]})
    return task


def finding_transfer(*, actor, finding: Finding, amount, on: dt.date) -> Finding:
    """The funds "如数转入符合规定的单位账簿" (seed 第四篇 五 (一)), with amount and date."""
    _check_campaign(actor, finding.entry.campaign)
    amount = _decimal(amount, "转入金额")
    if amount <= 0:
        raise ValidationError("转入金额应大于零。")
    if amount > finding.amount:
        raise ValidationError("转入金额不能大于发现的金额。")
    if on is None or on > timezone.localdate():
        raise ValidationError("请填写转入日期（不能晚于今天）。")
    before = audit.snapshot(finding)
    with transaction.atomic():
        finding.transferred_amount, finding.transferred_on = amount, on
        finding.save(update_fields=["transferred_amount", "transferred_on"])
        audit.record(actor, "update", finding, changes=audit.diff(before, audit.snapshot(finding)))
    return finding


def missing_forms(campaign: Campaign):
    return campaign.units.filter(submitted_at__isnull=True)


def report_rectify(*, actor, report: Report, owner, deadline: dt.date, title: str):
    """A substantiated report becomes a rectification task (oversight's one entry point)."""
    _check_report(actor, report)
    if report.status != Report.Status.ANSWERED or report.outcome not in (
        Report.Outcome.TRUE,
        Report.Outcome.PARTLY,
    ):
        raise ValidationError("只有查实或部分属实的举报需要整改。")
    region = report.unit.region if report.unit else report.region
    with transaction.atomic():
        task = rectification_open(
            actor=actor,
            source=Source(SOURCE_REPORT, report.pk),
            region=region,
            title=title or f"举报 {report} 查实的问题",
            owner=owner,
            deadline=deadline,
            aspect="举报",
        )
        audit.record(actor, "update", report, extra={"rectification_task": task.pk})
    return task


def identities_rotate() -> int:
    """Re-encrypt every stored identity with the newest report key (MultiFernet.rotate); audited once."""
    count = 0
    with transaction.atomic():
        for pk, token in Report.objects.filter(has_identity=True).values_list("pk", "identity").iterator():
            Report.objects.filter(pk=pk).update(identity=crypto.rotate_identity(token))
            count += 1
        audit.record(
            None, "other", object_type="integrity.report_key", extra={"event": "rotate", "identities": count}
        )
    return count


def handling_settings_set(*, actor, register_days: int, handle_days: int) -> HandlingSettings:
    """The county's time limits for reports (working days), set by its administrator."""
    _require(actor, Cap.EDIT_SETTINGS)
    if actor.region.level > 3:
        raise ValidationError("举报办理时限由县级设置。")
    if not 1 <= register_days <= 30:
        raise ValidationError("登记时限应在 1 到 30 个工作日之间。")
    if not 1 <= handle_days <= 180:
        raise ValidationError("办理时限应在 1 到 180 个工作日之间。")
    county = _county(actor.region) if actor.region.level == 3 else actor.region
    found = HandlingSettings.objects.filter(region=county).first() or HandlingSettings(region=county)
    before = audit.snapshot(found) if found.pk else {}
    with transaction.atomic():
        found.register_days, found.handle_days = register_days, handle_days
        found.save()
        audit.record(
            actor, "update" if before else "create", found, changes=audit.diff(before, audit.snapshot(found))
        )
    return found
