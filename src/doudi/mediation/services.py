"""Writes of dispute mediation (矛盾纠纷调处). Each is atomic, checks the actor's capability and
area, calls the rules (rules.py), and writes its audit entry in the same transaction. Messages
for the user are Chinese, like the rest of the governance apps' services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, scoped, within
from doudi.core.services import upload_store
from doudi.registry.idcard import InvalidIdNumber, parse_id_number
from doudi.registry.models import Person

from . import documents, rules
from .models import (
    AgreementTemplate,
    CommitteeMember,
    Dispute,
    Escalation,
    FollowUp,
    MediationCommittee,
    MediationSetting,
    Party,
)

SCAN_MAX_BYTES = 15 * 1024 * 1024
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
_SCAN_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _require(actor, cap):
    if not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str):
    if not in_scope(actor, code):
        raise PermissionDenied(_("This record is not in your area."))


def _level(actor) -> int:
    return actor.region.level if actor.region_id else 99


def _text(value, what: str, *, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{what}。")
    if max_length and len(value) > max_length:
        raise ValidationError(f"{what}不能超过{max_length}个字。")
    return value


def _id_number(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return parse_id_number(text).number
    except InvalidIdNumber as exc:
        raise ValidationError(str(exc)) from None


def _registry_person(actor, id_number: str):
    """The registry's person with this ID number in the actor's area, if there is one."""
    if not id_number:
        return None
    return scoped(Person, actor).filter(id_number=id_number).first()


# ---- settings -----------------------------------------------------------------------------------


def deadlines_for(village_code: str) -> rules.Deadlines:
    """The township's deadlines, else the county's, else the defaults."""
    codes = [village_code[:9] + "000", village_code[:6] + "000000"]
    found = {s.region_id: s for s in MediationSetting.objects.filter(region_id__in=codes)}
    for code in codes:
        s = found.get(code)
        if s is not None:
            return rules.Deadlines(s.village_days, s.township_days, s.county_days)
    return rules.Deadlines()


def setting_save(*, actor, region, village_days, township_days, county_days) -> MediationSetting:
    _require(actor, Cap.MANAGE_MEDIATION)
    _require_area(actor, region.code)
    if region.level not in (rcodes.COUNTY, rcodes.TOWNSHIP):
        raise ValidationError("期限由县或乡镇设置。")
    values = {}
    for key, value, what in (
        ("village_days", village_days, "村级调解期限"),
        ("township_days", township_days, "乡镇调解期限"),
        ("county_days", county_days, "县级调解期限"),
    ):
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{what}应为天数（整数）。") from None
        if not 1 <= n <= 365:
            raise ValidationError(f"{what}应在1到365天之间。")
        values[key] = n
    with transaction.atomic():
        setting = MediationSetting.objects.select_for_update().filter(region=region).first()
        before = audit.snapshot(setting) if setting else {}
        if setting is None:
            setting = MediationSetting(region=region)
        for key, n in values.items():
            setattr(setting, key, n)
        setting.save()
        # the open cases follow the new days (their deadline counts from the day they reached the tier)
        recomputed = 0
        for d in within(Dispute.objects.filter(status=Dispute.Status.OPEN), region).select_for_update():
            due = rules.deadline(d.tier, d.tier_since, deadlines_for(d.village_id))
            if due != d.due_on:
                Dispute.objects.filter(pk=d.pk).update(due_on=due)
                recomputed += 1
        audit.record(
            actor,
            "update" if before else "create",
            setting,
            changes=audit.diff(before, audit.snapshot(setting)),
            extra={"deadlines_recomputed": recomputed},
        )
    return setting


# ---- committees ---------------------------------------------------------------------------------


def committee_create(*, actor, region, name: str = "", established_on=None) -> MediationCommittee:
    _require(actor, Cap.MANAGE_MEDIATION)
    _require_area(actor, region.code)
    if region.level not in (rcodes.TOWNSHIP, rcodes.VILLAGE):
        raise ValidationError("调解委员会设在村（社区）或乡镇。")
    name = _text(name, "名称", required=False, max_length=100) or f"{region.name}人民调解委员会"
    with transaction.atomic():
        if MediationCommittee.objects.filter(region=region).exists():
            raise ValidationError(f"{region.name}已有调解委员会。")
        committee = MediationCommittee.objects.create(region=region, name=name, established_on=established_on)
        audit.record(actor, "create", committee, changes=audit.diff({}, audit.snapshot(committee)))
    return committee


def member_add(
    *, actor, committee, name: str, role: str, mediator: str = "", id_number: str = "", phone: str = ""
) -> CommitteeMember:
    _require(actor, Cap.MANAGE_MEDIATION)
    _require_area(actor, committee.region_id)
    if role not in rules.ROLES:
        raise ValidationError("请选择职务（主任或委员）。")
    if mediator not in rules.MEDIATOR_KINDS:
        raise ValidationError("请选择调解员类别。")
    number = _id_number(id_number)
    member = CommitteeMember(
        committee=committee,
        name=_text(name, "姓名", max_length=50),
        role=role,
        mediator=mediator,
        id_number=number,
        phone=_text(phone, "电话", required=False, max_length=30),
        person=_registry_person(actor, number),
    )
    with transaction.atomic():
        MediationCommittee.objects.select_for_update().get(pk=committee.pk)
        if role == rules.CHAIR and committee.members.filter(role=rules.CHAIR).exists():
            raise ValidationError("调解委员会已有主任；请先移除原主任。")
        if number and committee.members.filter(id_number=number).exists():
            raise ValidationError("此人已是该调解委员会成员。")
        member.save()
        audit.record(actor, "create", member, changes=audit.diff({}, audit.snapshot(member)))
    return member


def member_remove(*, actor, member: CommitteeMember) -> None:
    _require(actor, Cap.MANAGE_MEDIATION)
    _require_area(actor, member.committee.region_id)
    with transaction.atomic():
        audit.record(actor, "delete", member, changes=audit.diff(audit.snapshot(member), {}))
        member.delete()


# ---- disputes -----------------------------------------------------------------------------------


def _parties(actor, parties) -> list[Party]:
    out = []
    for i, p in enumerate(parties or [], start=1):
        name = (p.get("name") or "").strip()
        number = (p.get("id_number") or "").strip()
        if not name and not number and not (p.get("phone") or "").strip():
            continue  # an empty row of the form
        side = p.get("side") or ""
        if side not in Party.Side.values:
            raise ValidationError(f"第{i}位当事人：请选择申请人或被申请人。")
        try:
            number = _id_number(number)
        except ValidationError as exc:
            raise ValidationError(f"第{i}位当事人：{exc.messages[0]}") from None
        out.append(
            Party(
                side=side,
                name=_text(name, f"第{i}位当事人的姓名", max_length=50),
                id_number=number,
                phone=_text(p.get("phone"), "电话", required=False, max_length=30),
                address=_text(p.get("address"), "住址", required=False, max_length=200),
                person=_registry_person(actor, number),
            )
        )
    sides = {p.side for p in out}
    if Party.Side.APPLICANT not in sides or Party.Side.RESPONDENT not in sides:
        raise ValidationError("纠纷至少要有一位申请人和一位被申请人。")
    return out


def _number(village, year: int) -> str:
    """MT + the village's last six code digits + year + a sequence within the village and year."""
    prefix = f"MT{village.code[6:]}{year}"
    last = (
        Dispute.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def dispute_register(
    *,
    actor,
    village,
    kind: str,
    description: str,
    parties: list[dict],
    place: str = "",
    occurred_on: dt.date | None = None,
    registered_on: dt.date | None = None,
) -> Dispute:
    """A dispute is registered at its village (小事不出村: the village committee mediates first),
    whoever enters it — a township clerk registering a villager's complaint registers it there too."""
    _require(actor, Cap.REGISTER_DISPUTES)
    if village is None or village.level != rcodes.VILLAGE:
        raise ValidationError("请选择纠纷发生的村（社区）。")
    _require_area(actor, village.code)
    if kind not in Dispute.Kind.values:
        raise ValidationError("请选择纠纷类型。")
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise ValidationError("登记日期不能晚于今天。")
    if occurred_on and occurred_on > registered_on:
        raise ValidationError("纠纷发生日期不能晚于登记日期。")
    party_rows = _parties(actor, parties)
    dispute = Dispute(
        village=village,
        kind=kind,
        description=_text(description, "纠纷简要情况", max_length=4000),
        place=_text(place, "发生地点", required=False, max_length=200),
        occurred_on=occurred_on,
        registered_on=registered_on,
        registered_by=actor,
        tier=rules.T_VILLAGE,
        tier_since=registered_on,
        due_on=rules.deadline(rules.T_VILLAGE, registered_on, deadlines_for(village.code)),
    )
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=village.pk)  # one number at a time per village
        dispute.number = _number(village, registered_on.year)
        dispute.save()
        for p in party_rows:
            p.dispute = dispute
        Party.objects.bulk_create(party_rows)
        audit.record(
            actor,
            "create",
            dispute,
            changes=audit.diff({}, audit.snapshot(dispute)),
            extra={
                "parties": [audit.snapshot(p, ["side", "name", "id_number", "person"]) for p in party_rows]
            },
        )
    return dispute


def _move(dispute: Dispute, to_tier: str, on: dt.date, *, actor, automatic: bool, reason: str) -> Escalation:
    before = audit.snapshot(dispute, ["tier", "tier_since", "due_on"])
    step = Escalation.objects.create(
        dispute=dispute,
        from_tier=dispute.tier,
        to_tier=to_tier,
        on=on,
        automatic=automatic,
        reason=reason,
        by=actor,
    )
    dispute.tier, dispute.tier_since = to_tier, on
    dispute.due_on = rules.deadline(to_tier, on, deadlines_for(dispute.village_id))
    dispute.save(update_fields=["tier", "tier_since", "due_on"])
    audit.record(
        actor,
        "update",
        dispute,
        changes=audit.diff(before, audit.snapshot(dispute, ["tier", "tier_since", "due_on"])),
        extra={"escalation": step.pk, "automatic": automatic, "reason": reason},
    )
    return step


def dispute_escalate(
    *, actor, dispute: Dispute, to_tier: str, reason: str, on: dt.date | None = None
) -> Escalation:
    """A manual move up: the village hands a case it cannot settle to the township; the township
    (or the county) to the county's centre or a channel of 三调联动 — 行政调解, 司法调解, 仲裁."""
    _require(actor, Cap.MEDIATE_DISPUTES)
    _require_area(actor, dispute.village_id)
    reason = _text(reason, "移交理由", max_length=2000)
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if not dispute.is_open:
            raise ValidationError("这件纠纷已办结，不能再移交。")
        try:
            rules.check_escalation(dispute.tier, to_tier, _level(actor))
        except rules.EscalationRefused as exc:
            raise ValidationError(str(exc)) from None
        return _move(
            dispute, to_tier, on or timezone.localdate(), actor=actor, automatic=False, reason=reason
        )


def escalate_overdue(*, region_prefix: str, today: dt.date) -> dict:
    """The daily job (mediation_daily): disputes the village has not settled within its days go to
    the township (rules.automatic_escalation); the township's clerks are told in-app, and so are
    they of their own cases past the township's deadline. Idempotent: a moved dispute is no longer
    at the village, and notifications are unique per recipient and key."""
    from doudi.core.models import User
    from doudi.core.notifications import Note, notify_many

    moved = overdue = 0
    notes: list[Note] = []
    clerks: dict[str, list] = {}
    for u in User.objects.filter(is_active=True, region__level=rcodes.TOWNSHIP).select_related("region"):
        if u.can(Cap.MEDIATE_DISPUTES):
            clerks.setdefault(u.region_id, []).append(u)
    open_qs = within(Dispute.objects.filter(status=Dispute.Status.OPEN), region_prefix)
    with transaction.atomic():
        for d in open_qs.filter(tier=rules.T_VILLAGE, due_on__lt=today).select_for_update().order_by("pk"):
            target = rules.automatic_escalation(d.tier, d.tier_since, today, deadlines_for(d.village_id))
            if target is None:
                continue
            _move(
                d, target, today, actor=None, automatic=True, reason="村级调解超过期限未调结，自动移交乡镇。"
            )
            moved += 1
            for u in clerks.get(d.village_id[:9] + "000", []):
                notes.append(
                    Note(
                        recipient=u,
                        kind="mediation",
                        key=f"mediation:escalated:{d.pk}",
                        text=f"纠纷{d.number}村级调解逾期未调结，已移交乡镇调解委员会。",
                        url=f"/mediation/disputes/{d.pk}/",
                        region=d.village,
                    )
                )
        for d in open_qs.filter(tier=rules.T_TOWNSHIP, due_on__lt=today).select_related("village"):
            overdue += 1
            for u in clerks.get(d.village_id[:9] + "000", []):
                notes.append(
                    Note(
                        recipient=u,
                        kind="mediation",
                        key=f"mediation:overdue:{d.pk}:{d.due_on}",
                        text=f"纠纷{d.number}乡镇调解已超过期限（{d.due_on}），请调结或移交。",
                        url=f"/mediation/disputes/{d.pk}/",
                        region=d.village,
                    )
                )
        sent = notify_many(notes)
    return {"escalated": moved, "township_overdue": overdue, "notified": sent}


def dispute_conclude(
    *,
    actor,
    dispute: Dispute,
    status: str,
    terms: str = "",
    mediator_name: str = "",
    note: str = "",
    concluded_on: dt.date | None = None,
) -> Dispute:
    """The outcome at the dispute's current tier: settled (with the agreement's terms), mediation
    failed (the parties are told the other channels), or withdrawn."""
    _require(actor, Cap.MEDIATE_DISPUTES)
    _require_area(actor, dispute.village_id)
    if status not in (Dispute.Status.SETTLED, Dispute.Status.NOT_SETTLED, Dispute.Status.WITHDRAWN):
        raise ValidationError("请选择调解结果。")
    concluded_on = concluded_on or timezone.localdate()
    if concluded_on > timezone.localdate():
        raise ValidationError("办结日期不能晚于今天。")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if not dispute.is_open:
            raise ValidationError("这件纠纷已办结。")
        if not rules.may_handle(dispute.tier, _level(actor)):
            raise ValidationError("纠纷已移交上级，由受理层级记录结果。")
        if concluded_on < dispute.tier_since:
            raise ValidationError("办结日期不能早于纠纷到达当前层级的日期。")
        before = audit.snapshot(dispute)
        dispute.status = status
        dispute.concluded_on = concluded_on
        dispute.mediator_name = _text(
            mediator_name, "调解员", required=status == Dispute.Status.SETTLED, max_length=50
        )
        dispute.outcome_note = _text(note, "说明", required=status != Dispute.Status.SETTLED, max_length=4000)
        if status == Dispute.Status.SETTLED:
            dispute.terms = _text(terms, "协议内容", max_length=8000)
            dispute.settled_tier = dispute.tier
        dispute.save()
        audit.record(actor, "update", dispute, changes=audit.diff(before, audit.snapshot(dispute)))
    return dispute


def _check_scan(uploaded_file):
    size = getattr(uploaded_file, "size", 0) or 0
    if size == 0:
        raise ValidationError("上传的扫描件是空文件。")
    if size > SCAN_MAX_BYTES:
        raise ValidationError("扫描件不能超过15MB。")
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    if not any(head.startswith(sig) for sig in _SCAN_SIGNATURES):
        raise ValidationError("扫描件应为PDF、JPEG或PNG文件。")


def scan_attach(*, actor, dispute: Dispute, uploaded_file) -> Dispute:
    """The signed agreement's scan (签字盖章的调解协议书), kept as received."""
    _require(actor, Cap.MEDIATE_DISPUTES)
    _require_area(actor, dispute.village_id)
    if dispute.status != Dispute.Status.SETTLED:
        raise ValidationError("只有调解成功的纠纷才有调解协议书。")
    _check_scan(uploaded_file)
    with transaction.atomic():
        upload = upload_store(
            actor=actor, region=dispute.village, uploaded_file=uploaded_file, kind="mediation_agreement"
        )
        before = audit.snapshot(dispute, ["signed_scan"])
        dispute.signed_scan = upload
        dispute.save(update_fields=["signed_scan"])
        audit.record(
            actor, "update", dispute, changes=audit.diff(before, audit.snapshot(dispute, ["signed_scan"]))
        )
    return dispute


def followup_record(
    *, actor, dispute: Dispute, visited_on: dt.date, fulfilment: str, note: str = ""
) -> FollowUp:
    """回访: whether the parties keep the agreement. Only after a settlement."""
    _require(actor, Cap.REGISTER_DISPUTES)
    _require_area(actor, dispute.village_id)
    if fulfilment not in (c for c, _label in Dispute.Fulfilment.choices if c):
        raise ValidationError("请选择协议履行情况。")
    if visited_on is None or visited_on > timezone.localdate():
        raise ValidationError("回访日期不能为空，也不能晚于今天。")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.status != Dispute.Status.SETTLED:
            raise ValidationError("纠纷调解成功后才能回访协议履行情况。")
        if visited_on < dispute.concluded_on:
            raise ValidationError("回访日期不能早于调解成功的日期。")
        visit = FollowUp.objects.create(
            dispute=dispute,
            visited_on=visited_on,
            fulfilment=fulfilment,
            note=_text(note, "回访情况", required=False, max_length=4000),
            by=actor,
        )
        before = audit.snapshot(dispute, ["fulfilment"])
        dispute.fulfilment = fulfilment
        dispute.save(update_fields=["fulfilment"])
        audit.record(actor, "create", visit, changes=audit.diff({}, audit.snapshot(visit)))
        audit.record(
            actor, "update", dispute, changes=audit.diff(before, audit.snapshot(dispute, ["fulfilment"]))
        )
    return visit


def agreement_generated(*, actor, dispute: Dispute) -> None:
    """Generating the agreement shows the parties' full ID numbers: recorded as a view."""
    audit.record(actor, "view", dispute, extra={"document": "mediation_agreement"})


def disputes_exported(*, actor, region, filters: dict, count: int) -> None:
    """A download of the dispute list (names and masked ID numbers of the parties) is an export of
    personal data: audited (DESIGN.md promise 2), with the filters that chose the rows."""
    _require(actor, Cap.VIEW_MEDIATION)
    _require_area(actor, region.code)
    with transaction.atomic():
        audit.record(
            actor,
            "export",
            None,
            object_type="mediation.dispute",
            object_repr=f"矛盾纠纷清单 {region.name}",
            region_code=region.code,
            extra={"filters": filters, "rows": count},
        )


# ---- the county's agreement template ------------------------------------------------------------


def _require_county_officer(actor, county: Region):
    """Only the county's own mediation officers change its template (a township's clerk cannot)."""
    _require(actor, Cap.MANAGE_MEDIATION)
    _require_area(actor, county.code)
    if county.level != rcodes.COUNTY or actor.region_id != county.code:
        raise PermissionDenied("只有本县的调解工作人员可以更换协议书模板。")


def agreement_template_upload(*, actor, county: Region, uploaded_file) -> AgreementTemplate:
    """The county's own 人民调解协议书 template (.docx): checked (documents.check_template), the
    original kept as an Upload, and from now on used for the county's agreements."""
    _require_county_officer(actor, county)
    size = getattr(uploaded_file, "size", 0) or 0
    if size == 0:
        raise ValidationError("上传的模板是空文件。")
    if size > TEMPLATE_MAX_BYTES:
        raise ValidationError("模板不能超过5MB。")
    if not (uploaded_file.name or "").lower().endswith(".docx"):
        raise ValidationError("模板应为 Word 文档（.docx）。旧版 .doc 请先在 Word 或 WPS 中另存为 .docx。")
    data = uploaded_file.read()
    uploaded_file.seek(0)
    documents.check_template(data)
    with transaction.atomic():
        upload = upload_store(
            actor=actor, region=county, uploaded_file=uploaded_file, kind="mediation_agreement_template"
        )
        current = AgreementTemplate.objects.select_for_update().filter(region=county).first()
        before = audit.snapshot(current, ["upload"]) if current else {}
        if current is None:
            current = AgreementTemplate(region=county)
        current.upload = upload
        current.updated_by = actor
        current.save()
        audit.record(
            actor,
            "update" if before else "create",
            current,
            changes=audit.diff(before, audit.snapshot(current, ["upload"])),
            extra={"file": upload.original_name, "sha256": upload.sha256},
        )
    return current


def agreement_template_revert(*, actor, county: Region) -> None:
    """Back to the shipped default; the county's upload stays kept (core.Upload)."""
    _require_county_officer(actor, county)
    with transaction.atomic():
        current = AgreementTemplate.objects.select_for_update().filter(region=county).first()
        if current is None:
            raise ValidationError("本县已在使用系统默认模板。")
        before = audit.snapshot(current, ["upload"])
        audit.record(actor, "delete", current, changes=audit.diff(before, {}))
        current.delete()
