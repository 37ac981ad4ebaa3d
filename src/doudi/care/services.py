"""Writes for the monthly care loop: placement, the "多对一" network, purchased services, materials,
visits, and the daily reminder check.

Each function is `<entity>_<action>(*, actor, ...)`, atomic, checks the actor's capability and
area, calls the pure rules (rules.py, similarity.py), and writes its audit entry in the same
transaction. Problems a visit finds open rectification tasks in the oversight app.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region, User
from doudi.core.notifications import Note, notify_many
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, within
from doudi.core.services import check_image, upload_store
from doudi.oversight import services as oversight
from doudi.oversight.models import RectificationTask
from doudi.oversight.sources import Source
from doudi.registry.models import Institution, Person, PersonStatus
from doudi.registry.models import Placement as RegistryPlacement

from . import similarity
from .models import (
    CarePlacement,
    CareSetting,
    MaterialBatch,
    MaterialHandover,
    Provider,
    ServiceBudget,
    ServiceContract,
    ServiceDelivery,
    ServiceOrder,
    SupportMember,
    Visit,
    VisitBand,
    VisitPhoto,
)
from .rules import (
    ASPECT_ZH,
    CENTRALIZED_KINDS,
    RECTIFICATION_DAYS,
    NetworkRole,
    PlacementKind,
    ServiceKind,
    due_date,
    month_start,
    placement_problems,
    problem_aspects,
    visit_date_problems,
    visit_problems,
)
from .selectors import VISIT, due_base, setting_for, township_code

MAX_VISIT_PHOTOS = 6


def _require(actor, cap):
    if not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str):
    # Views look records up through the scope already; services check again for the API and jobs.
    if not (actor.is_superuser or in_scope(actor, code)):
        raise PermissionDenied(_("This record is not in your area."))


def setting_update(*, actor, county: Region, **values) -> CareSetting:
    _require(actor, Cap.EDIT_SETTINGS)
    _require_area(actor, county.code)
    if county.level != rcodes.COUNTY:
        raise ValidationError("只能为县（区）设置。")
    if not 1 <= int(values.get("visit_due_day", 25)) <= 31:
        raise ValidationError("走访截止日应在 1 至 31 之间。")
    if int(values.get("visits_per_month", 1)) < 1:
        raise ValidationError("每月走访次数不能少于 1 次（每月不少于一次）。")
    setting = CareSetting.objects.filter(region=county).first() or CareSetting(region=county)
    before = audit.snapshot(setting) if setting.pk else {}
    for key, value in values.items():
        setattr(setting, key, value)
    setting.updated_by = actor
    with transaction.atomic():
        setting.save()
        audit.record(
            actor,
            "update" if before else "create",
            setting,
            changes=audit.diff(before, audit.snapshot(setting)),
        )
    return setting


# ---- placement ---------------------------------------------------------------------------------------


def institution_create(
    *, actor, region: Region, name: str, kind: str, beds: int, phone: str = ""
) -> Institution:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, region.code)
    if not name.strip():
        raise ValidationError("请填写机构名称。")
    inst = Institution(region=region, name=name.strip(), kind=kind, beds=beds, phone=phone)
    with transaction.atomic():
        inst.save()
        audit.record(actor, "create", inst, changes=audit.diff({}, audit.snapshot(inst)))
    return inst


def occupancy(institution: Institution) -> int:
    return CarePlacement.objects.filter(institution=institution, ended_on__isnull=True).count()


def placement_set(
    *,
    actor,
    person: Person,
    kind: str,
    started_on: dt.date,
    institution: Institution | None = None,
    guardian_consent: bool = False,
    consent_note: str = "",
    note: str = "",
) -> CarePlacement:
    """Record how the person is supported from `started_on`; the previous placement ends the day
    before. The registry's 集中/分散 field follows."""
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, person.village_id)
    if kind not in PlacementKind.values:
        raise ValidationError("未知的供养方式。")
    if institution is not None:
        _require_area(actor, institution.region_id)
        expected = {PlacementKind.NURSING_HOME: "nursing_home", PlacementKind.MENTAL_HEALTH: "mental_health"}
        if expected.get(kind) != institution.kind:
            raise ValidationError("所选机构与供养方式不符。")
    if kind == PlacementKind.HOME:
        institution = None
    if kind == PlacementKind.MENTAL_HEALTH and guardian_consent and not consent_note.strip():
        raise ValidationError("请写明监护人同意的方式（如书面同意书、签字日期）。")
    if started_on > timezone.localdate():
        raise ValidationError("开始日期不能晚于今天。")
    with transaction.atomic():
        current = (
            CarePlacement.objects.select_for_update().filter(person=person, ended_on__isnull=True).first()
        )
        free = None
        if institution is not None and kind == PlacementKind.NURSING_HOME:
            taken = occupancy(institution) - (
                1 if current and current.institution_id == institution.pk else 0
            )
            free = institution.beds - taken
        problems = placement_problems(
            kind, has_institution=institution is not None, guardian_consent=guardian_consent, free_beds=free
        )
        if problems:
            raise ValidationError(problems)
        pending = []
        if current is not None:
            if started_on < current.started_on:
                raise ValidationError(
                    f"开始日期不能早于当前供养方式的开始日期（{current.started_on:%Y-%m-%d}）。"
                )
            current.ended_on = max(current.started_on, started_on - dt.timedelta(days=1))
            current.save(update_fields=["ended_on"])
            pending.append(
                audit.Pending(actor, "update", current, changes={"ended_on": [None, str(current.ended_on)]})
            )
        placement = CarePlacement.objects.create(
            person=person,
            kind=kind,
            institution=institution,
            started_on=started_on,
            guardian_consent=guardian_consent,
            consent_note=consent_note.strip(),
            note=note.strip(),
            created_by=actor,
        )
        pending.append(
            audit.Pending(actor, "create", placement, changes=audit.diff({}, audit.snapshot(placement)))
        )
        registry_value = (
            RegistryPlacement.CENTRALIZED if kind in CENTRALIZED_KINDS else RegistryPlacement.DISPERSED
        )
        if person.placement != registry_value:
            Person.objects.filter(pk=person.pk).update(placement=registry_value)
            pending.append(
                audit.Pending(
                    actor, "update", person, changes={"placement": [person.placement, registry_value]}
                )
            )
            person.placement = registry_value
        audit.record_many(pending)
    return placement


# ---- the support network -------------------------------------------------------------------------------


def member_add(
    *, actor, person: Person, role: str, name: str, phone: str, user=None, note: str = ""
) -> SupportMember:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, person.village_id)
    if role not in NetworkRole.values:
        raise ValidationError("未知的帮扶角色。")
    if not name.strip() or not phone.strip():
        raise ValidationError("请填写姓名和联系电话。")
    if user is not None and not in_scope(actor, user.region_id or ""):
        raise ValidationError("所选账号不在本辖区。")
    member = SupportMember(
        person=person, role=role, name=name.strip(), phone=phone.strip(), user=user, note=note
    )
    with transaction.atomic():
        member.save()
        audit.record(actor, "create", member, changes=audit.diff({}, audit.snapshot(member)))
    return member


def member_remove(*, actor, member: SupportMember) -> None:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, member.person.village_id)
    with transaction.atomic():
        audit.record(actor, "delete", member, changes=audit.diff(audit.snapshot(member), {}))
        member.delete()


# ---- purchased services ---------------------------------------------------------------------------------


def provider_create(*, actor, region: Region, name: str, contact: str = "", phone: str = "") -> Provider:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, region.code)
    if not name.strip():
        raise ValidationError("请填写服务机构名称。")
    provider = Provider(region=region, name=name.strip(), contact=contact, phone=phone)
    with transaction.atomic():
        provider.save()
        audit.record(actor, "create", provider, changes=audit.diff({}, audit.snapshot(provider)))
    return provider


def provider_staff_link(*, actor, provider: Provider, user: User) -> None:
    """Bind a provider_staff account to the provider: they then see its contracts' persons only."""
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, provider.region_id)
    if not user.can(Cap.RECORD_DELIVERY):
        raise ValidationError("该账号不是服务机构人员角色。")
    if not in_scope(actor, user.region_id or ""):
        raise ValidationError("该账号不在本辖区。")
    with transaction.atomic():
        provider.staff.add(user)
        audit.record(actor, "update", provider, extra={"staff_added": user.username})


def contract_create(
    *, actor, provider: Provider, region: Region, number: str, start_on: dt.date, end_on: dt.date
) -> ServiceContract:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, region.code)
    _require_area(actor, provider.region_id)
    if end_on <= start_on:
        raise ValidationError("合同结束日期应晚于开始日期。")
    if not number.strip():
        raise ValidationError("请填写合同编号。")
    contract = ServiceContract(
        provider=provider,
        region=region,
        number=number.strip(),
        start_on=start_on,
        end_on=end_on,
        created_by=actor,
    )
    with transaction.atomic():
        contract.save()
        audit.record(actor, "create", contract, changes=audit.diff({}, audit.snapshot(contract)))
    return contract


def _person_in_contract(person: Person, contract: ServiceContract):
    if not person.village_id.startswith(contract.region.prefix):
        raise ValidationError("该对象不在此合同的服务区域内。")
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError("该对象已不在供养中。")


def budget_set(*, actor, person: Person, contract: ServiceContract, monthly_amount: Decimal) -> ServiceBudget:
    """A person's monthly service budget (seed: 100 yuan of the care subsidy)."""
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, person.village_id)
    _person_in_contract(person, contract)
    if monthly_amount is None or monthly_amount <= 0:
        raise ValidationError("每月服务预算应大于 0 元。")
    with transaction.atomic():
        budget, created = ServiceBudget.objects.select_for_update().get_or_create(
            person=person, contract=contract, defaults={"monthly_amount": monthly_amount}
        )
        before = {} if created else {"monthly_amount": str(budget.monthly_amount)}
        budget.monthly_amount = monthly_amount
        budget.save()
        audit.record(
            actor,
            "create" if created else "update",
            budget,
            changes=audit.diff(before, {"monthly_amount": str(monthly_amount)}),
        )
    return budget


def order_create(
    *,
    actor,
    person: Person,
    contract: ServiceContract,
    month: dt.date,
    kind: str,
    times: int,
    unit_price: Decimal,
    note: str = "",
) -> ServiceOrder:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, person.village_id)
    _person_in_contract(person, contract)
    if kind not in ServiceKind.values:
        raise ValidationError("未知的服务项目。")
    month = month_start(month)
    if not (month_start(contract.start_on) <= month <= contract.end_on):
        raise ValidationError("该月份不在合同期内。")
    if times < 1 or unit_price is None or unit_price < 0:
        raise ValidationError("次数应至少 1 次，单价不能为负。")
    if not ServiceBudget.objects.filter(person=person, contract=contract).exists():
        raise ValidationError("请先为该对象设置每月服务预算。")
    order = ServiceOrder(
        person=person,
        contract=contract,
        month=month,
        kind=kind,
        times=times,
        unit_price=unit_price,
        note=note,
        created_by=actor,
    )
    with transaction.atomic():
        order.save()
        audit.record(actor, "create", order, changes=audit.diff({}, audit.snapshot(order)))
    return order


def delivery_record(
    *, actor, order: ServiceOrder, delivered_at: dt.datetime, done: str, photo=None
) -> ServiceDelivery:
    """A provider's staff records one delivery on a phone. Only orders of their own provider:
    callers look the order up through `orders_for_staff` (anything else is 404); checked again here."""
    if actor.can(Cap.RECORD_DELIVERY):
        if not order.contract.provider.staff.filter(pk=actor.pk).exists():
            raise PermissionDenied("该服务对象不在您所在服务机构的合同内。")
    else:
        _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, order.person.village_id)
    done = (done or "").strip()
    if not done:
        raise ValidationError("请填写本次服务内容。")
    now = timezone.now()
    if delivered_at > now + dt.timedelta(minutes=5):
        raise ValidationError("服务时间不能晚于现在。")
    local_day = (
        timezone.localtime(delivered_at).date() if timezone.is_aware(delivered_at) else delivered_at.date()
    )
    if month_start(local_day) != order.month:
        raise ValidationError(f"服务时间应在派单月份（{order.month:%Y年%m月}）内。")
    if photo is not None:
        check_image(photo, what="服务照片")
    with transaction.atomic():
        upload = None
        if photo is not None:
            upload = upload_store(
                actor=actor, region=order.person.village, uploaded_file=photo, kind="service_photo"
            )
        delivery = ServiceDelivery.objects.create(
            order=order, delivered_at=delivered_at, done=done[:300], photo=upload, recorded_by=actor
        )
        audit.record(actor, "create", delivery, changes=audit.diff({}, audit.snapshot(delivery)))
    return delivery


# ---- materials ------------------------------------------------------------------------------------------


def batch_create(
    *, actor, region: Region, name: str, items: list[str], planned_on: dt.date, persons
) -> MaterialBatch:
    _require(actor, Cap.MANAGE_CARE)
    _require_area(actor, region.code)
    items = [i.strip() for i in items if i and i.strip()]
    persons = list(persons)
    if not name.strip():
        raise ValidationError("请填写批次名称。")
    if not items:
        raise ValidationError("请至少填写一种物资。")
    if not persons:
        raise ValidationError("请选择发放对象。")
    for p in persons:
        _require_area(actor, p.village_id)
        if not p.village_id.startswith(region.prefix):
            raise ValidationError(f"{p.name} 不在 {region.name} 辖区内。")
    batch = MaterialBatch(
        region=region, name=name.strip(), items=items, planned_on=planned_on, created_by=actor
    )
    with transaction.atomic():
        batch.save()
        MaterialHandover.objects.bulk_create([MaterialHandover(batch=batch, person=p) for p in persons])
        audit.record(
            actor,
            "create",
            batch,
            changes=audit.diff({}, audit.snapshot(batch)),
            extra={"persons": len(persons)},
        )
    return batch


def handover_ack(
    *, actor, handover: MaterialHandover, delivered_on: dt.date, received_by: str = "", signature=None
) -> MaterialHandover:
    """The hand-over is acknowledged by a signature photo or by naming who received it (the
    person or their guardian)."""
    if not (actor.can(Cap.RECORD_VISITS) or actor.can(Cap.MANAGE_CARE)):
        raise PermissionDenied(_("Your role does not allow this."))
    _require_area(actor, handover.person.village_id)
    received_by = (received_by or "").strip()
    if handover.delivered_on is not None:
        raise ValidationError("该对象的物资已登记发放。")
    if signature is None and not received_by:
        raise ValidationError("请上传签收照片，或填写签收人（本人或监护人）姓名。")
    if delivered_on > timezone.localdate():
        raise ValidationError("发放日期不能晚于今天。")
    if signature is not None:
        check_image(signature, what="签收照片")
    with transaction.atomic():
        if signature is not None:
            handover.signature = upload_store(
                actor=actor,
                region=handover.person.village,
                uploaded_file=signature,
                kind="material_signature",
            )
        handover.delivered_on = delivered_on
        handover.received_by = received_by or handover.person.name
        handover.recorded_by = actor
        handover.save()
        audit.record(
            actor,
            "update",
            handover,
            changes={"delivered_on": [None, str(delivered_on)], "received_by": ["", handover.received_by]},
        )
    return handover


# ---- visits -------------------------------------------------------------------------------------------------


def registered_on(person: Person) -> dt.date:
    return person.supported_since or timezone.localtime(person.created_at).date()


def current_kind(person: Person) -> str:
    current = (
        CarePlacement.objects.filter(person=person, ended_on__isnull=True)
        .values_list("kind", flat=True)
        .first()
    )
    if current:
        return current
    return (
        PlacementKind.HOME if person.placement == RegistryPlacement.DISPERSED else PlacementKind.NURSING_HOME
    )


def find_copy(
    visit_id: int | None, township: str, sig: list[int]
) -> tuple[int | None, float | None, list[str]]:
    """The most similar earlier visit in the same township (one indexed query on the LSH bands)."""
    keys = similarity.bands(sig)
    if not keys:
        return None, None, keys
    candidates = (
        VisitBand.objects.filter(township_code=township, band__in=keys)
        .exclude(visit_id=visit_id)
        .values_list("visit_id", flat=True)
        .distinct()[:200]
    )
    best, best_sim = None, 0.0
    for other_id, other_sig in Visit.objects.filter(pk__in=list(candidates)).values_list("pk", "signature"):
        sim = similarity.estimate(sig, other_sig)
        if sim > best_sim:
            best, best_sim = other_id, sim
    if best is not None and best_sim >= similarity.THRESHOLD:
        return best, round(best_sim, 3), keys
    return None, None, keys


def visit_record(
    *,
    actor,
    person: Person,
    visited_on: dt.date,
    aspects: dict,
    notes: str = "",
    photos=(),
    latitude=None,
    longitude=None,
    owner=None,
) -> Visit:
    """Record a home visit; each aspect with a problem opens a rectification task (seed: 逐一建立
    台账，采取针对性措施迅速予以整改). Notes near-identical to another visit in the township are
    flagged for the supervisor (千篇一律)."""

    _require(actor, Cap.RECORD_VISITS)
    _require_area(actor, person.village_id)
    today = timezone.localdate()
    problems = visit_date_problems(visited_on, today=today, registered_on=registered_on(person))
    problems += visit_problems(aspects)
    photos = [p for p in photos if p]
    if len(photos) > MAX_VISIT_PHOTOS:
        problems.append(f"每次走访最多上传 {MAX_VISIT_PHOTOS} 张照片。")
    for photo in photos:
        try:
            check_image(photo, what="走访照片")
        except ValidationError as exc:
            problems += exc.messages
    if person.status == PersonStatus.TERMINATED:
        problems.append("该对象已终止供养，不再走访登记。")
    if problems:
        raise ValidationError(problems)
    clean = {
        key: {"ok": bool(aspects[key]["ok"]), "note": (aspects[key].get("note") or "").strip()[:300]}
        for key in ASPECT_ZH
    }
    bad = problem_aspects(clean)
    notes = (notes or "").strip()
    text_for_copy = notes + "".join(clean[k]["note"] for k in ASPECT_ZH)
    sig = similarity.signature(text_for_copy)
    township = township_code(person.village_id)
    with transaction.atomic():
        copy_of, sim, keys = find_copy(None, township, sig)
        visit = Visit.objects.create(
            person=person,
            visitor=actor,
            visited_on=visited_on,
            at_home=current_kind(person) == PlacementKind.HOME,
            aspects=clean,
            has_problem=bool(bad),
            guardian_problem="guardian" in bad,
            notes=notes,
            latitude=latitude,
            longitude=longitude,
            signature=sig,
            copy_of_id=copy_of,
            similarity=sim,
            perfunctory=similarity.is_perfunctory(text_for_copy),
        )
        VisitBand.objects.bulk_create([VisitBand(visit=visit, township_code=township, band=k) for k in keys])
        for photo in photos:
            upload = upload_store(actor=actor, region=person.village, uploaded_file=photo, kind="visit_photo")
            VisitPhoto.objects.create(visit=visit, upload=upload)
        audit.record(
            actor,
            "create",
            visit,
            changes=audit.diff(
                {}, audit.snapshot(visit, ["person", "visited_on", "aspects", "notes", "has_problem"])
            ),
            extra={"copy_of": copy_of, "similarity": sim} if copy_of else None,
        )
        for key in bad:
            oversight.rectification_open(
                actor=actor,
                source=Source(VISIT, visit.pk),
                region=person.village,
                person=person,
                aspect=key,
                title=f"{person.name}：{ASPECT_ZH[key]}有问题",
                description=clean[key]["note"],
                owner=owner or actor,
                deadline=max(today, visited_on) + dt.timedelta(days=RECTIFICATION_DAYS),
            )
    return visit


# ---- the daily check -------------------------------------------------------------------------------------


def daily_check(*, region_prefix: str, today: dt.date | None = None) -> dict:
    """Flag persons at home not visited this month by the due day and tasks past their deadline,
    and notify the responsible users in-app (idempotent: one reminder per person and month, per
    task and day). Run by the `care_daily` job (`doudi care-daily`)."""

    today = today or timezone.localdate()
    notes: list[Note] = []
    overdue_persons = 0
    counties = (
        Region.objects.filter(
            level=rcodes.COUNTY, code__startswith=region_prefix[: rcodes.PREFIX_LENGTH[rcodes.COUNTY]]
        )
        if len(region_prefix) >= rcodes.PREFIX_LENGTH[rcodes.COUNTY]
        else Region.objects.filter(level=rcodes.COUNTY, code__startswith=region_prefix)
    )
    for county in counties:
        setting = setting_for(county.code)
        if today <= due_date(month_start(today), setting.visit_due_day):
            continue
        prefix = region_prefix if region_prefix.startswith(county.prefix) else county.prefix
        persons = list(
            within(due_base(today, setting.visits_per_month), prefix)
            .filter(visits_month__lt=setting.visits_per_month)
            .values_list("pk", "name", "village_id")
        )
        overdue_persons += len(persons)
        if not persons:
            continue
        cadres: dict[int, list[int]] = {}
        for person_id, user_id in SupportMember.objects.filter(
            person_id__in=[p[0] for p in persons],
            role=NetworkRole.CADRE,
            user__isnull=False,
            user__is_active=True,
        ).values_list("person_id", "user_id"):
            cadres.setdefault(person_id, []).append(user_id)
        clerks: dict[str, list[User]] = {}
        users = {u.pk: u for u in User.objects.filter(pk__in={u for ids in cadres.values() for u in ids})}
        for pk, name, village in persons:
            recipients = [users[u] for u in cadres.get(pk, []) if u in users]
            if not recipients:
                town = township_code(village)
                if town not in clerks:
                    clerks[town] = [
                        u
                        for u in User.objects.filter(region_id=town, is_active=True)
                        if u.can(Cap.MANAGE_CARE)
                    ]
                recipients = clerks[town]
            for user in recipients:
                notes.append(
                    Note(
                        user,
                        "visit_overdue",
                        f"visit-overdue:{today:%Y-%m}:{pk}",
                        f"{name} 本月尚未走访（截止 {due_date(month_start(today), setting.visit_due_day):%m月%d日}），请尽快入户。",
                        reverse("care_visit_new", args=[pk]),
                        None,
                    )
                )
    tasks = list(
        within(RectificationTask.objects.all(), region_prefix)
        .filter(status=RectificationTask.Status.OPEN, deadline__lt=today)
        .select_related("owner")
    )
    for task in tasks:
        notes.append(
            Note(
                task.owner,
                "rectification_overdue",
                f"rectification-overdue:{task.pk}:{today.isoformat()}",
                f"整改任务已超期：{task.title}（期限 {task.deadline:%Y-%m-%d}）",
                reverse("oversight_task", args=[task.pk]),
                None,
            )
        )
    sent = notify_many(notes)
    return {
        "checked_on": today.isoformat(),
        "overdue_visits": overdue_persons,
        "overdue_tasks": len(tasks),
        "notified": sent,
    }


def has_open_task_q():

    return Exists(
        RectificationTask.objects.filter(person=OuterRef("pk"), status=RectificationTask.Status.OPEN)
    )
