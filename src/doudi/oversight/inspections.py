"""Writes for inspections (督导检查): checklists, planning, findings → rectification tasks.

Each service is atomic, checks the actor's capability and area, and audits in the same
transaction. Messages users see are Chinese (they are data-driven, like the rest of the services).

Who may do what (capabilities are code in core/roles.py; this app adds none):
- plan an inspection and record findings: REVIEW_RECTIFICATION (county officer, inspector);
- edit checklists: EDIT_SETTINGS (county administrator) or REVIEW_RECTIFICATION (county officer,
  inspectors — a township's inspector keeps a township checklist in their own area).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.roles import Cap
from doudi.core.scope import in_scope
from doudi.core.services import check_image, upload_store

from . import services as task_services
from .models import Checklist, ChecklistItem, Finding, FindingPhoto, Inspection
from .sources import INSPECTION, Source

# The standard checklist, from seed document 5 (三、存在问题 一至四 and 四、下一步工作打算 (四)).
DEFAULT_CHECKLIST_NAME = "特困人员监护照护督查清单"
DEFAULT_ITEMS = [
    (
        "视觉贫困（穿用铺盖、个人卫生）",
        "特困人员穿的、用的、铺的、盖的是否干净整洁，个人卫生、精神面貌如何；新房建成是否仍住老房子"
        "（“视觉上的贫困”）。",
    ),
    (
        "监护责任落实",
        "监护人与特困人员关系是否融洽、是否年老体弱无力履行监护责任、是否对特困人员不闻不问；"
        "履责不到位的是否及时更换监护人。",
    ),
    (
        "台账资料质量",
        "监护协议是否明确具体责任和工作要求；走访探视台账是否详实，有无草草了事、千篇一律，"
        "是否及时发现和解决实际困难和问题；档案资料是否规范齐全。",
    ),
    (
        "特困人员认定精准",
        "是否符合“三种人同时具备三无条件”；有无将女儿远嫁的老人、残疾类别达不到标准的困难人员纳入特困供养，"
        "符合条件的持证残疾人是否及时纳入。",
    ),
    (
        "物资发放与使用",
        "生活物资及取暖设施是否全部发放、更换到位，是否物尽其用；服务照料水平是否有所提升。",
    ),
]
DEFAULT_RECTIFY_DAYS = 30


def _require(actor, cap):
    if not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str):
    if not (actor.is_superuser or in_scope(actor, code)):
        raise PermissionDenied(_("This record is not in your area."))


def can_edit_checklists(user) -> bool:
    return user.can(Cap.EDIT_SETTINGS) or user.can(Cap.REVIEW_RECTIFICATION)


def can_inspect(user) -> bool:
    return user.can(Cap.REVIEW_RECTIFICATION)


# ---- checklists ----------------------------------------------------------------------------------


def checklist_create(*, actor, region, name: str, items=None) -> Checklist:
    """A new checklist; without `items` it starts as a copy of the standard one (seed document 5)."""
    if not can_edit_checklists(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    _require_area(actor, region.code)
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写清单名称。")
    items = DEFAULT_ITEMS if items is None else items
    with transaction.atomic():
        checklist = Checklist.objects.create(region=region, name=name[:100])
        for order, (title, guidance) in enumerate(items, start=1):
            ChecklistItem.objects.create(
                checklist=checklist, order=order * 10, title=title, guidance=guidance
            )
        audit.record(
            actor,
            "create",
            checklist,
            changes=audit.diff({}, audit.snapshot(checklist)),
            extra={"items": [t for t, _g in items]},
        )
    return checklist


def checklist_item_save(
    *,
    actor,
    checklist: Checklist,
    title: str,
    guidance: str = "",
    order: int | None = None,
    active: bool = True,
    item: ChecklistItem | None = None,
) -> ChecklistItem:
    """Add an item (item=None) or change one. Items are retired, never deleted."""
    if not can_edit_checklists(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    _require_area(actor, checklist.region_id)
    title = (title or "").strip()
    if not title:
        raise ValidationError("请填写检查项目名称。")
    if item is not None and item.checklist_id != checklist.pk:
        raise ValidationError("该检查项目不属于此清单。")
    with transaction.atomic():
        if item is None:
            last = checklist.items.order_by("-order").first()
            item = ChecklistItem(checklist=checklist, order=order or ((last.order if last else 0) + 10))
            before = {}
        else:
            before = audit.snapshot(item)
            if order is not None:
                item.order = order
        item.title, item.guidance, item.active = title[:100], (guidance or "").strip(), active
        item.save()
        audit.record(
            actor, "update" if before else "create", item, changes=audit.diff(before, audit.snapshot(item))
        )
    return item


def checklist_ensure_default(*, actor, region) -> Checklist:
    """The standard checklist of `region`, created on first use (idempotent)."""
    existing = Checklist.objects.filter(region=region, name=DEFAULT_CHECKLIST_NAME).first()
    return existing or checklist_create(actor=actor, region=region, name=DEFAULT_CHECKLIST_NAME)


# ---- inspections ---------------------------------------------------------------------------------


def inspection_plan(
    *, actor, round: str, checklist: Checklist, planned_on: dt.date, regions=(), institutions=()
) -> list[Inspection]:
    """Plan one inspection per unit (township, village, or nursing home) under one round name."""
    _require(actor, Cap.REVIEW_RECTIFICATION)
    round = (round or "").strip()
    if not round:
        raise ValidationError("请填写督查批次名称，例如“2026年第四季度督查”。")
    if not checklist.active or not checklist.items.filter(active=True).exists():
        raise ValidationError("所选检查清单没有在用的检查项目。")
    if not (
        actor.region
        and (actor.region.prefix.startswith(checklist.region.prefix) or in_scope(actor, checklist.region_id))
    ):
        raise PermissionDenied(_("This record is not in your area."))
    units = [(r, None) for r in regions] + [(i.region, i) for i in institutions]
    if not units:
        raise ValidationError("请至少选择一个督查对象（乡镇、村或敬老院）。")
    out = []
    with transaction.atomic():
        for region, institution in units:
            _require_area(actor, region.code)
            if region.level not in (rcodes.TOWNSHIP, rcodes.VILLAGE):
                raise ValidationError(f"“{region.name}”不是乡镇或村（社区），不能作为督查对象。")
            inspection = Inspection.objects.create(
                round=round[:100],
                region=region,
                institution=institution,
                checklist=checklist,
                planned_on=planned_on,
                inspector=actor,
            )
            audit.record(actor, "create", inspection, changes=audit.diff({}, audit.snapshot(inspection)))
            out.append(inspection)
    return out


def township_of(region):
    """The township a unit belongs to (rectification is the township's responsibility)."""
    while region is not None and region.level > rcodes.TOWNSHIP:
        region = region.parent
    return region


def inspection_record(
    *,
    actor,
    inspection: Inspection,
    results: dict,
    owner,
    deadline: dt.date | None = None,
    inspected_on: dt.date | None = None,
    summary: str = "",
) -> Inspection:
    """Record the findings on site. `results` maps a ChecklistItem pk to
    {"ok": bool, "note": str, "person": Person|None, "photos": [files]}; every active item needs a
    result. Each 不符合 finding without a task opens one for the responsible township (`owner`)."""
    _require(actor, Cap.REVIEW_RECTIFICATION)
    _require_area(actor, inspection.region_id)
    today = timezone.localdate()
    inspected_on = inspected_on or today
    if inspected_on > today:
        raise ValidationError("检查日期不能晚于今天。")
    deadline = deadline or today + dt.timedelta(days=DEFAULT_RECTIFY_DAYS)
    items = {i.pk: i for i in inspection.checklist.items.filter(active=True)}
    missing = [i.title for pk, i in items.items() if pk not in results]
    if missing:
        raise ValidationError("以下检查项目还没有填写结果：" + "、".join(missing))
    problems = []
    for pk, r in results.items():
        if pk not in items:
            raise ValidationError("检查项目不属于本次督查的清单。")
        if not r["ok"] and not (r.get("note") or "").strip():
            problems.append(items[pk].title)
        person = r.get("person")
        if person is not None and not person.village_id.startswith(inspection.region.prefix):
            raise ValidationError(f"“{person.name}”不在被督查的{inspection.region.name}。")
        for f in r.get("photos") or []:
            check_image(f, what="督查照片")
    if problems:
        raise ValidationError("不符合的项目须写明发现的问题：" + "、".join(problems))
    if any(not r["ok"] for r in results.values()):
        if owner is None:
            raise ValidationError("有不符合的项目，请指定乡镇整改责任人。")
    township = township_of(inspection.region)
    before = audit.snapshot(inspection, ["status", "inspected_on", "summary"])
    with transaction.atomic():
        for pk, r in results.items():
            finding = Finding.objects.filter(inspection=inspection, item_id=pk).first() or Finding(
                inspection=inspection, item_id=pk
            )
            finding.ok, finding.note, finding.person = (
                bool(r["ok"]),
                (r.get("note") or "").strip(),
                r.get("person"),
            )
            finding.save()
            for f in r.get("photos") or []:
                upload = upload_store(
                    actor=actor, region=inspection.region, uploaded_file=f, kind="inspection_photo"
                )
                FindingPhoto.objects.create(finding=finding, upload=upload)
            if not finding.ok and finding.task_id is None:
                unit = inspection.institution.name if inspection.institution else inspection.region.name
                finding.task = task_services.rectification_open(
                    actor=actor,
                    source=Source(INSPECTION, finding.pk),
                    region=inspection.region,
                    person=finding.person,
                    aspect=items[pk].title[:40],
                    title=f"督查发现（{unit}·{items[pk].title}）：{finding.note}"[:200],
                    description=f"{inspection.round}，{inspected_on:%Y-%m-%d}督查{unit}发现：{finding.note}\n"
                    f"整改责任单位：{township.name if township else unit}",
                    owner=owner,
                    deadline=deadline,
                )
                finding.save(update_fields=["task"])
            audit.record(actor, "update", finding, extra={"ok": finding.ok, "note": finding.note})
        inspection.status = Inspection.Status.DONE
        inspection.inspected_on = inspected_on
        inspection.summary = (summary or "").strip()
        inspection.save(update_fields=["status", "inspected_on", "summary"])
        audit.record(
            actor, "update", inspection, changes=audit.diff(before, audit.snapshot(inspection, before))
        )
    return inspection
