"""Writes for rectification tasks (整改). Each is atomic, checks the actor, and audits.

Concurrent edits: every change carries the `version` the user read; the row is updated only if
the version still matches (`UPDATE … WHERE version = n`), so a second clerk saving over a change
they never saw is refused with a message instead of silently overwriting it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.notifications import notify
from doudi.core.roles import Cap
from doudi.core.scope import in_scope
from doudi.core.services import check_image, upload_store

from . import sources
from .models import RectificationTask, TaskNote
from .sources import Source

STALE = "该整改任务已被{who}在您打开之后修改，您的修改没有保存。请刷新页面查看最新内容后重新操作。"


def _require(actor, cap):
    if not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str):
    if not (actor.is_superuser or in_scope(actor, code)):
        raise PermissionDenied(_("This record is not in your area."))


def rectification_open(
    *,
    actor,
    source: Source,
    region,
    title: str,
    owner,
    deadline: dt.date,
    person=None,
    aspect: str = "",
    description: str = "",
) -> RectificationTask:
    """Open a rectification task for a problem found anywhere: the one way every module (visits,
    inspections, complaints, campaigns, village supervision) turns a finding into a task. `source`
    names where it was found; its kind must be registered (sources.register)."""
    if not sources.is_known(source.kind):
        raise ValidationError("未知的问题来源。")
    _require_area(actor, region.code)
    if not title.strip():
        raise ValidationError("请写明需要整改的问题。")
    if deadline < timezone.localdate():
        raise ValidationError("整改期限不能早于今天。")
    if owner is None or not owner.is_active:
        raise ValidationError("请指定整改责任人。")
    task = RectificationTask(
        region=region,
        person=person,
        source_kind=source.kind,
        source_id=source.id,
        aspect=aspect,
        title=title.strip()[:200],
        description=description.strip(),
        owner=owner,
        deadline=deadline,
        created_by=actor,
    )
    with transaction.atomic():
        task.save()
        audit.record(actor, "create", task, changes=audit.diff({}, audit.snapshot(task)))
        if owner.pk != getattr(actor, "pk", None):
            notify(
                owner,
                kind="rectification_assigned",
                key=f"rectification-assigned:{task.pk}",
                text=f"新的整改任务：{task.title}（期限 {deadline:%Y-%m-%d}）",
                url=reverse("oversight_task", args=[task.pk]),
                region=region,
            )
    return task


def _bump(actor, task: RectificationTask, version: int, **values) -> RectificationTask:
    """Apply `values` only if nobody changed the task since `version` was read."""
    updated = RectificationTask.objects.filter(pk=task.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        fresh = RectificationTask.objects.filter(pk=task.pk).first()
        last = TaskNote.objects.filter(task=task).select_related("author").order_by("-at", "-id").first()
        who = f"“{last.author}”" if last else "他人"
        raise ValidationError(STALE.format(who=who) if fresh else "该整改任务已不存在。")
    task.refresh_from_db()
    return task


def task_note_add(*, actor, task: RectificationTask, text: str, version: int) -> RectificationTask:
    _require(actor, Cap.HANDLE_RECTIFICATION)
    _require_area(actor, task.region_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写整改进展。")
    if task.status != RectificationTask.Status.OPEN:
        raise ValidationError("任务已销号，不能再添加进展；如需继续整改请由复核人员重新打开。")
    with transaction.atomic():
        task = _bump(actor, task, version)
        note = TaskNote.objects.create(task=task, kind=TaskNote.Kind.PROGRESS, text=text, author=actor)
        audit.record(actor, "update", task, extra={"note": note.text})
    return task


def task_update(
    *, actor, task: RectificationTask, owner, deadline: dt.date, version: int
) -> RectificationTask:
    """Change the owner or the deadline."""
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, task.region_id)
    if not in_scope(owner, task.region_id) and not in_scope(actor, owner.region_id or ""):
        raise ValidationError("责任人不在本辖区。")
    before = audit.snapshot(task, ["owner", "deadline"])
    with transaction.atomic():
        task = _bump(actor, task, version, owner=owner, deadline=deadline)
        changes = audit.diff(before, audit.snapshot(task, ["owner", "deadline"]))
        TaskNote.objects.create(
            task=task,
            kind=TaskNote.Kind.CHANGED,
            text=f"责任人：{owner}；期限：{deadline:%Y-%m-%d}",
            author=actor,
        )
        audit.record(actor, "update", task, changes=changes)
    return task


def task_close(
    *, actor, task: RectificationTask, evidence: str, version: int, evidence_file=None
) -> RectificationTask:
    """销号: closing needs evidence — a description of what was done and/or a photo."""
    _require(actor, Cap.HANDLE_RECTIFICATION)
    _require_area(actor, task.region_id)
    evidence = (evidence or "").strip()
    if task.status != RectificationTask.Status.OPEN:
        raise ValidationError("该任务已经销号。")
    if not evidence and evidence_file is None:
        raise ValidationError("销号须提供整改佐证：请写明整改结果，或上传整改后的照片。")
    if evidence_file is not None:
        check_image(evidence_file, what="佐证照片")
    with transaction.atomic():
        upload = None
        if evidence_file is not None:
            upload = upload_store(
                actor=actor, region=task.region, uploaded_file=evidence_file, kind="rectification_evidence"
            )
        task = _bump(
            actor,
            task,
            version,
            status=RectificationTask.Status.CLOSED,
            evidence=evidence or "见佐证照片",
            evidence_file=upload,
            closed_at=timezone.now(),
            closed_by=actor,
        )
        TaskNote.objects.create(task=task, kind=TaskNote.Kind.CLOSED, text=task.evidence, author=actor)
        audit.record(
            actor, "update", task, changes={"status": ["open", "closed"]}, extra={"evidence": evidence}
        )
    return task


def rectification_resolve(*, actor, source: Source, evidence: str) -> int:
    """Close the open tasks of a source record that was settled where it lives (a village appeal
    handled after its escalation): `evidence` says how. The actor must see the source record
    (sources.find, its app's scope; 404 otherwise) — not the task's region, which may lie above the
    actor's, as an escalated task's does. Returns how many tasks were closed."""
    sources.find(actor, source)
    closed = 0
    with transaction.atomic():
        for task in RectificationTask.objects.select_for_update().filter(
            source_kind=source.kind, source_id=source.id, status=RectificationTask.Status.OPEN
        ):
            task = _bump(
                actor,
                task,
                task.version,
                status=RectificationTask.Status.CLOSED,
                evidence=evidence,
                closed_at=timezone.now(),
                closed_by=actor,
            )
            TaskNote.objects.create(task=task, kind=TaskNote.Kind.CLOSED, text=evidence, author=actor)
            audit.record(
                actor, "update", task, changes={"status": ["open", "closed"]}, extra={"evidence": evidence}
            )
            closed += 1
    return closed


def task_reopen(*, actor, task: RectificationTask, reason: str, version: int) -> RectificationTask:
    """A reviewer (county officer, inspector) finds the closure not convincing."""
    _require(actor, Cap.REVIEW_RECTIFICATION)
    _require_area(actor, task.region_id)
    reason = (reason or "").strip()
    if task.status != RectificationTask.Status.CLOSED:
        raise ValidationError("只有已销号的任务才能重新打开。")
    if not reason:
        raise ValidationError("请写明重新打开的理由。")
    today = timezone.localdate()
    with transaction.atomic():
        task = _bump(
            actor,
            task,
            version,
            status=RectificationTask.Status.OPEN,
            closed_at=None,
            closed_by=None,
            reopened=F("reopened") + 1,
            deadline=max(task.deadline, today + dt.timedelta(days=7)),
        )
        TaskNote.objects.create(task=task, kind=TaskNote.Kind.REOPENED, text=reason, author=actor)
        audit.record(actor, "update", task, changes={"status": ["closed", "open"]}, extra={"reason": reason})
        notify(
            task.owner,
            kind="rectification_reopened",
            key=f"rectification-reopened:{task.pk}:{task.reopened}",
            text=f"整改任务被重新打开：{task.title}（{reason}）",
            url=reverse("oversight_task", args=[task.pk]),
            region=task.region,
        )
    return task
