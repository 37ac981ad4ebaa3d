"""Writes for eligibility: settings, the application and termination procedures, objections,
documents and notices, decisions and self-care assessments.

Every function is `<entity>_<action>(*, actor, ...)`, atomic, checks the actor's capability and
area, validates (Chinese messages for data problems), calls the pure rules and writes its audit
entry in the same transaction (DESIGN.md "Inside an app").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope
from doudi.core.services import upload_store
from doudi.eligibility import selfcare
from doudi.registry.models import Person, PersonStatus
from doudi.registry.rules import evaluate_eligibility

from . import notices, rules
from .models import (
    Assessment,
    Case,
    CaseDocument,
    CaseKind,
    CaseStep,
    Decision,
    Objection,
    Outcome,
    PolicySetting,
    Stage,
)
from .policy import calendar, person_facts, policy_for

# ---- helpers ----------------------------------------------------------------------------------


def _require(actor, cap) -> None:
    if actor is None or not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str) -> None:
    if not in_scope(actor, code):
        raise PermissionDenied(_("This record is outside your area."))


def _check_case(actor, case: Case, cap=Cap.EDIT_PERSONS, *, stage=None, kind=None) -> None:
    _require(actor, cap)
    _require_area(actor, case.person.village_id)
    if kind is not None and case.kind != kind:
        raise ValidationError("该事项不适用于此类案件")
    if stage is not None and case.stage not in (stage if isinstance(stage, tuple) else (stage,)):
        raise ValidationError(f"案件当前处于“{case.get_stage_display()}”环节，不能执行此操作")


def _date(value, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{what}不是有效日期") from None


def _not_future(day: dt.date, what: str) -> None:
    if day > dt.date.today():
        raise ValidationError(f"{what}不能晚于今天")


def _limits(case: Case) -> rules.Limits:
    return rules.Limits.from_dict(case.limits)


def _open_step(case: Case, code: str | None = None) -> CaseStep | None:
    qs = case.steps.filter(done_on__isnull=True)
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-started_on", "-pk").first()


def _close_step(case: Case, code: str | None, *, actor, on: dt.date, result: str) -> None:
    step = _open_step(case, code)
    if step is not None:
        if on < step.started_on:
            raise ValidationError(f"日期不能早于本环节开始日期{step.started_on.isoformat()}")
        step.done_on, step.done_by, step.result = on, actor, result[:200]
        step.save(update_fields=["done_on", "done_by", "result"])


def _start_step(case: Case, code: str, start: dt.date, *, refused=False) -> CaseStep:
    limits = _limits(case)
    due = rules.step_due(code, start, limits, calendar(case.person.village_id), refused=refused)
    days = {
        "review": limits.review,
        "verify": limits.review,
        "county": limits.county,
        "recheck": limits.recheck,
        "notice": limits.refusal_notice if refused else None,
    }.get(code)
    return CaseStep.objects.create(case=case, code=code, started_on=start, due_on=due, working_days=days)


def _save_case(actor, case: Case, before: dict, action="update", **extra) -> None:
    case.save()
    audit.record(actor, action, case, changes=audit.diff(before, audit.snapshot(case)), extra=extra or None)


def _person_update(actor, person: Person, **fields) -> None:
    """Through the registry's service when it exists (validation and its audit entry)."""
    try:
        from doudi.registry.services import person_update
    except ImportError:  # pragma: no cover - registry services not installed
        before = audit.snapshot(person, fields)
        for k, v in fields.items():
            setattr(person, k, v)
        person.save(update_fields=[*fields, "updated_at"])
        audit.record(actor, "update", person, changes=audit.diff(before, audit.snapshot(person, fields)))
        return
    person_update(actor=actor, person=person, **fields)


def _person_create(actor, **fields) -> Person:
    try:
        from doudi.registry.services import person_create
    except ImportError:  # pragma: no cover - registry services not installed
        from doudi.registry.idcard import parse_id_number

        parsed = parse_id_number(fields["id_number"])
        person = Person.objects.create(
            birth_date=parsed.birth_date,
            sex=parsed.sex,
            created_by=actor,
            **{**fields, "id_number": parsed.number},
        )
        audit.record(actor, "create", person)
        return person
    return person_create(actor=actor, **fields)


# ---- county settings ----------------------------------------------------------------------------

SETTING_FIELDS = (
    "effective_from",
    "policy_version",
    "dibao_urban",
    "dibao_rural",
    "disposable_income",
    "minimum_wage",
    "care_full_kind",
    "care_full_value",
    "care_partial_kind",
    "care_partial_value",
    "care_none_kind",
    "care_none_value",
    "limit_review",
    "limit_county",
    "limit_recheck",
    "limit_refusal_notice",
    "publication_days",
    "note",
)


def policy_setting_create(*, actor, region: Region, **values) -> PolicySetting:
    """A new county setting row (the old ones stay as history). County administrator only."""
    _require(actor, Cap.EDIT_SETTINGS)
    if region.level != rcodes.COUNTY:
        raise ValidationError("政策设置须以县（区）为单位")
    _require_area(actor, region.code)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"unknown setting fields: {sorted(unknown)}")
    row = PolicySetting(region=region, created_by=actor, **values)
    errors = []
    limits = rules.Limits(
        review=row.limit_review,
        county=row.limit_county,
        recheck=row.limit_recheck,
        refusal_notice=row.limit_refusal_notice,
        publication=row.publication_days,
    )
    errors += limits.problems(row.policy_version)
    for name, label in (
        ("dibao_urban", "城市低保标准"),
        ("dibao_rural", "农村低保标准"),
        ("disposable_income", "上年人均可支配收入"),
        ("minimum_wage", "月最低工资标准"),
    ):
        if getattr(row, name) is None or Decimal(getattr(row, name)) <= 0:
            errors.append(f"{label}必须大于0")
    for level in ("full", "partial", "none"):
        try:
            selfcare.SubsidyTier(getattr(row, f"care_{level}_kind"), getattr(row, f"care_{level}_value"))
        except ValueError as exc:
            errors.append(str(exc))
        if (
            row.__dict__[f"care_{level}_kind"] == "wage_share"
            and Decimal(getattr(row, f"care_{level}_value")) > 1
        ):
            errors.append("按最低工资比例计算的照料护理补贴比例不能大于1")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row.save()
        audit.record(actor, "create", row, changes=audit.diff({}, audit.snapshot(row)))
    return row


# ---- decisions -------------------------------------------------------------------------------


def _decide(actor, person: Person, case: Case | None, kind: str, facts: dict, policy: str, as_of: dt.date):
    try:
        decision = evaluate_eligibility(facts, policy, as_of)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"认定事实有误：{exc}") from None
    row = Decision.objects.create(
        person=person,
        case=case,
        kind=kind,
        policy_version=policy,
        as_of=as_of,
        eligible=decision.eligible,
        summary=decision.summary[:500],
        facts=audit.jsonable(facts),
        trace=decision.to_dict(),
        decided_by=actor,
    )
    audit.record(actor, "create", row, extra={"eligible": row.eligible, "summary": row.summary})
    return row, decision


def review_record(*, actor, person: Person, as_of: dt.date, facts: dict) -> Decision:
    """A dynamic-review decision (动态复核) on a supported person's current facts."""
    _require(actor, Cap.EDIT_PERSONS)
    _require_area(actor, person.village_id)
    as_of = _date(as_of, "复核日期")
    _not_future(as_of, "复核日期")
    pol = policy_for(person.village_id, as_of)
    full = person_facts(person, {**facts, "already_supported": person.status == PersonStatus.ACTIVE}, pol)
    with transaction.atomic():
        row, _decision = _decide(actor, person, None, Decision.Kind.REVIEW, full, pol.version, as_of)
    return row


# ---- applications ----------------------------------------------------------------------------


def application_record(
    *,
    actor,
    received_on,
    facts: dict,
    person: Person | None = None,
    new_person: dict | None = None,
    applicant_kind: str = "self",
    applicant_name: str = "",
    note: str = "",
) -> Case:
    """Record an application (申请登记) for an existing person, or a new applicant who is then
    registered with status "applying". The case waits for 受理."""
    _require(actor, Cap.EDIT_PERSONS)
    received_on = _date(received_on, "申请日期")
    _not_future(received_on, "申请日期")
    if applicant_kind not in ("self", "committee", "other"):
        raise ValidationError("申请方式无效")
    if applicant_kind != "self" and not applicant_name.strip():
        raise ValidationError({"applicant_name": ["委托申请须填写受委托的村（居）委会或受托人"]})
    with transaction.atomic():
        if person is None:
            if not new_person:
                raise ValidationError("请选择申请人或填写新申请人信息")
            person = _person_create(actor, status=PersonStatus.APPLYING, applied_on=received_on, **new_person)
        else:
            _require_area(actor, person.village_id)
            if person.status == PersonStatus.ACTIVE:
                raise ValidationError(f"{person.name}已是特困人员，无需重复申请")
            if (
                Case.objects.filter(person=person, kind=CaseKind.APPLICATION)
                .exclude(stage=Stage.CLOSED)
                .exists()
            ):
                raise ValidationError(f"{person.name}已有在办的认定申请")
            if person.status != PersonStatus.APPLYING or person.applied_on != received_on:
                _person_update(actor, person, status=PersonStatus.APPLYING, applied_on=received_on)
        pol = policy_for(person.village_id, received_on)
        case = Case.objects.create(
            kind=CaseKind.APPLICATION,
            person=person,
            stage=Stage.APPLIED,
            applicant_kind=applicant_kind,
            applicant_name=applicant_name.strip(),
            received_on=received_on,
            policy_version=pol.version,
            limits=pol.limits.to_dict(),
            facts=audit.jsonable(person_facts(person, facts, pol)),
            note=note,
            created_by=actor,
        )
        audit.record(actor, "create", case, changes=audit.diff({}, audit.snapshot(case)))
    return case


def case_update_facts(*, actor, case: Case, facts: dict) -> Case:
    """Change the facts while the township is still establishing them."""
    _check_case(actor, case, stage=(Stage.APPLIED, Stage.REVIEW, Stage.RECHECK, Stage.VERIFY))
    before = audit.snapshot(case)
    pol = policy_for(case.person.village_id, case.received_on)
    case.facts = audit.jsonable(person_facts(case.person, facts, pol))
    with transaction.atomic():
        _save_case(actor, case, before)
    return case


def case_accept(*, actor, case: Case, accepted_on) -> Case:
    """受理: the township's review limit starts to run (民发〔2021〕43号: 15 working days)."""
    _check_case(actor, case, stage=Stage.APPLIED, kind=CaseKind.APPLICATION)
    accepted_on = _date(accepted_on, "受理日期")
    if accepted_on < case.received_on:
        raise ValidationError("受理日期不能早于申请日期")
    before = audit.snapshot(case)
    with transaction.atomic():
        case.stage = Stage.REVIEW
        _start_step(case, "review", accepted_on)
        _save_case(actor, case, before, step="accept")
    return case


def case_not_accept(*, actor, case: Case, on, reason: str) -> Case:
    """不予受理 (e.g. not a 老年人、残疾人 or 未成年人), with the reason told to the applicant: the
    case waits for the written notice (不予受理告知书), due within the county's refusal-notice
    limit (3 working days, counted in the county's calendar), and closes when it is issued."""
    _check_case(actor, case, stage=Stage.APPLIED, kind=CaseKind.APPLICATION)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写不予受理的理由"]})
    decided_on = _date(on, "日期")
    _not_future(decided_on, "不予受理日期")
    if decided_on < case.received_on:
        raise ValidationError("不予受理日期不能早于申请日期")
    before = audit.snapshot(case)
    with transaction.atomic():
        case.stage, case.outcome, case.reasons = Stage.NOTICE, Outcome.NOT_ACCEPTED, reason.strip()
        case.decided_on = decided_on
        _start_step(case, "notice", decided_on, refused=True)
        _save_case(actor, case, before, step="not_accept")
        if case.person.status == PersonStatus.APPLYING:  # the application is over: no longer 申请中
            _person_update(actor, case.person, status=PersonStatus.NOT_ACCEPTED)
    return case


def case_review(*, actor, case: Case, reviewed_on, approve: bool, note: str = "") -> Case:
    """乡镇初审: the township's opinion, stored as a decision with its rule trace. A proposal to
    approve goes to publication; a proposal to refuse goes to the county with the reasons."""
    _check_case(actor, case, stage=Stage.REVIEW, kind=CaseKind.APPLICATION)
    reviewed_on = _date(reviewed_on, "初审日期")
    _not_future(reviewed_on, "初审日期")
    before = audit.snapshot(case)
    with transaction.atomic():
        row, decision = _decide(
            actor, case.person, case, Decision.Kind.TOWNSHIP, case.facts, case.policy_version, reviewed_on
        )
        if approve and not decision.eligible:
            raise ValidationError(f"按规则不能提出认定意见：{decision.summary}")
        _close_step(
            case, "review", actor=actor, on=reviewed_on, result="初审同意" if approve else "初审不同意"
        )
        case.township_opinion = approve
        case.note = "\n".join(filter(None, [case.note, note.strip()]))
        if approve:
            case.stage = Stage.PUBLICATION
        else:
            case.reasons = "\n".join(_failed_lines(decision)) or note.strip()
            case.stage = Stage.COUNTY
            _start_step(case, "county", reviewed_on)
        _save_case(actor, case, before, step="review", decision=row.pk)
    return case


def _failed_lines(decision) -> list[str]:
    lines = []
    if not decision.category.passed:
        lines.append(decision.category.display())
    lines += [c.display() for c in decision.criteria if not c.passed]
    if decision.orphan_scheme:
        lines.append(decision.reasons[-1])
    return lines


def case_publish(*, actor, case: Case, published_on) -> Case:
    """公示: 7 days in the village (again after an unfounded objection)."""
    _check_case(actor, case, stage=Stage.PUBLICATION)
    if _open_step(case, "publication"):
        raise ValidationError("公示已在进行中")
    if case.kind == CaseKind.TERMINATION and case.decided_on is None:
        raise ValidationError("终止救助供养须经县级核准后公示")
    published_on = _date(published_on, "公示日期")
    _not_future(published_on, "公示开始日期")
    before = audit.snapshot(case)
    with transaction.atomic():
        _start_step(case, "publication", published_on)
        _save_case(actor, case, before, step="publish")
    return case


def objection_record(*, actor, case: Case, received_on, content: str, raised_by: str = "") -> Objection:
    """An objection during the publication; re-checked within the county's limit (15 working days)."""
    _check_case(actor, case, stage=Stage.PUBLICATION)
    step = _open_step(case, "publication")
    if step is None:
        raise ValidationError("公示尚未开始，不能登记异议")
    received_on = _date(received_on, "异议日期")
    if not step.started_on <= received_on <= step.due_on:
        raise ValidationError(
            f"异议须在公示期内（{step.started_on.isoformat()}至{step.due_on.isoformat()}）提出"
        )
    if not content.strip():
        raise ValidationError({"content": ["请填写异议内容"]})
    before = audit.snapshot(case)
    with transaction.atomic():
        _close_step(case, "publication", actor=actor, on=received_on, result="公示期间收到异议")
        recheck = _start_step(case, "recheck", received_on)
        objection = Objection.objects.create(
            case=case,
            received_on=received_on,
            raised_by=raised_by.strip(),
            content=content.strip(),
            recheck_due=recheck.due_on,
            created_by=actor,
        )
        audit.record(actor, "create", objection, changes=audit.diff({}, audit.snapshot(objection)))
        case.stage = Stage.RECHECK
        _save_case(actor, case, before, step="objection")
    return objection


def objection_resolve(*, actor, objection: Objection, resolved_on, founded: bool, note: str) -> Objection:
    """The re-check result. Unfounded: publish again. Founded: an application goes to the county
    with a refusal proposal; a termination stops and support continues."""
    case = objection.case
    _check_case(actor, case, stage=Stage.RECHECK)
    if objection.resolution:
        raise ValidationError("该异议已复查完毕")
    resolved_on = _date(resolved_on, "复查日期")
    _not_future(resolved_on, "复查日期")
    if resolved_on < objection.received_on:
        raise ValidationError("复查日期不能早于异议日期")
    if not note.strip():
        raise ValidationError({"note": ["请填写复查结果"]})
    before_obj, before = audit.snapshot(objection), audit.snapshot(case)
    with transaction.atomic():
        objection.resolution = Objection.Resolution.UPHELD if founded else Objection.Resolution.DISMISSED
        objection.resolved_on, objection.resolution_note = resolved_on, note.strip()
        objection.save()
        audit.record(actor, "update", objection, changes=audit.diff(before_obj, audit.snapshot(objection)))
        _close_step(
            case, "recheck", actor=actor, on=resolved_on, result="异议成立" if founded else "异议不成立"
        )
        if not founded:
            case.stage = Stage.PUBLICATION
        elif case.kind == CaseKind.APPLICATION:
            case.township_opinion = False
            case.reasons = f"公示异议经复查成立：{note.strip()}"
            case.stage = Stage.COUNTY
            _start_step(case, "county", resolved_on)
        else:
            case.stage, case.outcome = Stage.CLOSED, Outcome.NOT_TERMINATED
            case.reasons = f"公示异议经复查成立，继续救助供养：{note.strip()}"
        _save_case(actor, case, before, step="recheck")
    return objection


def publication_close(*, actor, case: Case, closed_on) -> Case:
    """After the 7 days without an open objection: an application goes to the county; a
    termination takes effect and support ends from the next month."""
    _check_case(actor, case, stage=Stage.PUBLICATION)
    step = _open_step(case, "publication")
    if step is None:
        raise ValidationError("公示尚未开始")
    closed_on = _date(closed_on, "公示结束日期")
    _not_future(closed_on, "日期")
    if closed_on <= step.due_on:
        raise ValidationError(f"公示期至{step.due_on.isoformat()}届满，届满后方可结束公示")
    before = audit.snapshot(case)
    with transaction.atomic():
        _close_step(case, "publication", actor=actor, on=closed_on, result="公示期满无异议")
        if case.kind == CaseKind.APPLICATION:
            case.stage = Stage.COUNTY
            _start_step(case, "county", closed_on)
        else:
            case.effective_month = rules.support_ends_from(closed_on)
            case.stage = Stage.NOTICE
            _start_step(case, "notice", closed_on)
            _person_update(
                actor, case.person, status=PersonStatus.TERMINATED, terminated_on=case.effective_month
            )
        _save_case(actor, case, before, step="publication_close")
    return case


def case_decide(*, actor, case: Case, decided_on, approve: bool, reasons: str = "") -> Case:
    """县级确认 (application) or 县级核准 (termination), county officers only.

    An approval is possible only when the rules pass on the case's facts; it makes the person
    supported from the first day of the next month (民发〔2021〕43号 "从确认之日下月起"). A refusal
    is notified with reasons within 3 working days.
    """
    _check_case(actor, case, Cap.CONFIRM_ELIGIBILITY, stage=Stage.COUNTY)
    decided_on = _date(decided_on, "决定日期")
    _not_future(decided_on, "决定日期")
    before = audit.snapshot(case)
    with transaction.atomic():
        case.decided_on, case.decided_by = decided_on, actor
        if case.kind == CaseKind.TERMINATION:
            _close_step(
                case, "county", actor=actor, on=decided_on, result="核准终止" if approve else "不予核准"
            )
            if approve:
                case.stage = Stage.PUBLICATION
            else:
                case.stage, case.outcome = Stage.CLOSED, Outcome.NOT_TERMINATED
                case.reasons = reasons.strip() or "县级民政部门不予核准终止"
            _save_case(actor, case, before, step="county")
            return case
        row, decision = _decide(
            actor, case.person, case, Decision.Kind.COUNTY, case.facts, case.policy_version, decided_on
        )
        if approve and not decision.eligible:
            raise ValidationError(f"不符合认定条件，不能确认：{decision.summary}")
        _close_step(case, "county", actor=actor, on=decided_on, result="确认同意" if approve else "不予认定")
        case.stage = Stage.NOTICE
        if approve:
            case.outcome = Outcome.APPROVED
            case.effective_month = rules.support_starts_on(decided_on)
            case.reasons = "\n".join(decision.reasons)
            _start_step(case, "notice", decided_on)
            _person_update(
                actor, case.person, status=PersonStatus.ACTIVE, supported_since=case.effective_month
            )
        else:
            lines = _failed_lines(decision)
            if reasons.strip():
                lines.append(reasons.strip())
            if not lines and case.reasons:
                lines = case.reasons.splitlines()
            if not lines:
                raise ValidationError({"reasons": ["不予认定须说明理由"]})
            case.outcome = Outcome.REFUSED
            case.reasons = "\n".join(lines)
            _start_step(case, "notice", decided_on, refused=True)
            if case.kind == CaseKind.APPLICATION and case.person.status == PersonStatus.APPLYING:
                # 不予认定: no longer 申请中; the notice with the reasons follows within 3 working days
                _person_update(actor, case.person, status=PersonStatus.REFUSED)
        _save_case(actor, case, before, step="county", decision=row.pk)
    return case


def notice_issue(*, actor, case: Case, issued_on) -> CaseDocument:
    """书面告知: render the notice (.docx), keep it with the case and close the case."""
    _check_case(actor, case, stage=Stage.NOTICE)
    issued_on = _date(issued_on, "告知日期")
    _not_future(issued_on, "告知日期")
    if case.kind == CaseKind.TERMINATION:
        kind = "termination"
    elif case.outcome == Outcome.NOT_ACCEPTED:
        kind = "not_accepted"
    else:
        kind = "approval" if case.outcome == Outcome.APPROVED else "refusal"
    reasons = [line for line in case.reasons.splitlines() if line.strip()]
    content = notices.render_notice(case, kind=kind, issued_on=issued_on, reasons=reasons)
    filename = f"{notices.TITLES[kind]}-{case.person.name}-{issued_on.isoformat()}.docx"
    region = Region.objects.get(pk=case.person.village_id)
    before = audit.snapshot(case)
    with transaction.atomic():
        upload = upload_store(
            actor=actor,
            region=region,
            uploaded_file=ContentFile(content, name=filename),
            kind="eligibility_notice",
        )
        doc = CaseDocument.objects.create(
            case=case,
            upload=upload,
            kind=CaseDocument.Kind.NOTICE,
            title=notices.TITLES[kind],
            added_by=actor,
        )
        _close_step(case, "notice", actor=actor, on=issued_on, result=f"已送达{notices.TITLES[kind]}")
        if case.kind == CaseKind.TERMINATION:
            case.outcome = Outcome.TERMINATED
        case.stage = Stage.CLOSED
        _save_case(actor, case, before, step="notice", document=doc.pk)
    return doc


def document_add(*, actor, case: Case, uploaded_file, title: str = "") -> CaseDocument:
    """An application form, certificate or other material, kept as received."""
    _check_case(actor, case)
    region = Region.objects.get(pk=case.person.village_id)
    with transaction.atomic():
        upload = upload_store(
            actor=actor, region=region, uploaded_file=uploaded_file, kind="eligibility_material"
        )
        doc = CaseDocument.objects.create(
            case=case, upload=upload, title=(title.strip() or upload.original_name)[:100], added_by=actor
        )
        audit.record(actor, "create", doc, extra={"case": case.pk, "upload": str(upload.pk)})
    return doc


# ---- terminations ------------------------------------------------------------------------------


def termination_start(
    *,
    actor,
    person: Person,
    ground: str,
    reported_on,
    reporter: str = "",
    note: str = "",
    monthly_income=None,
) -> Case:
    """终止救助供养: reported to the township; 调查核实 starts. A person who may still need 低保
    or 临时救助 is flagged for referral (rules.referral_for)."""
    _require(actor, Cap.EDIT_PERSONS)
    _require_area(actor, person.village_id)
    if ground not in rules.GROUNDS:
        raise ValidationError({"ground": ["请选择终止救助供养的情形"]})
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError(f"{person.name}不是在册特困人员")
    if Case.objects.filter(person=person, kind=CaseKind.TERMINATION).exclude(stage=Stage.CLOSED).exists():
        raise ValidationError(f"{person.name}已有在办的终止救助供养事项")
    reported_on = _date(reported_on, "报告日期")
    _not_future(reported_on, "报告日期")
    income = None
    if monthly_income not in (None, ""):
        try:
            income = Decimal(str(monthly_income))
        except InvalidOperation:
            raise ValidationError({"monthly_income": ["月收入须为数字"]}) from None
    pol = policy_for(person.village_id, reported_on)
    referral = rules.referral_for(ground, income, pol.dibao_for(person.village))
    with transaction.atomic():
        case = Case.objects.create(
            kind=CaseKind.TERMINATION,
            person=person,
            stage=Stage.VERIFY,
            applicant_name=reporter.strip(),
            received_on=reported_on,
            policy_version=pol.version,
            limits=pol.limits.to_dict(),
            ground=ground,
            referral=referral.code if referral else "",
            referral_reason=referral.reason if referral else "",
            facts={"monthly_income": str(income)} if income is not None else {},
            note=note.strip(),
            created_by=actor,
        )
        _start_step(case, "verify", reported_on)
        audit.record(actor, "create", case, changes=audit.diff({}, audit.snapshot(case)))
    return case


def termination_verify(*, actor, case: Case, verified_on, confirmed: bool, note: str) -> Case:
    """调查核实: confirmed → the county approves; not confirmed → support continues."""
    _check_case(actor, case, stage=Stage.VERIFY, kind=CaseKind.TERMINATION)
    verified_on = _date(verified_on, "核实日期")
    _not_future(verified_on, "核实日期")
    if not note.strip():
        raise ValidationError({"note": ["请填写调查核实情况"]})
    before = audit.snapshot(case)
    with transaction.atomic():
        _close_step(
            case, "verify", actor=actor, on=verified_on, result="情况属实" if confirmed else "情况不属实"
        )
        case.reasons = f"{rules.GROUNDS[case.ground].label}。{note.strip()}"
        if confirmed:
            case.stage = Stage.COUNTY
            _start_step(case, "county", verified_on)
        else:
            case.stage, case.outcome = Stage.CLOSED, Outcome.NOT_TERMINATED
        _save_case(actor, case, before, step="verify")
    return case


# ---- self-care assessments -----------------------------------------------------------------------


def assessment_record(
    *,
    actor,
    person: Person,
    assessed_on,
    assessor: str,
    items: dict,
    change_reported_on=None,
    note: str = "",
) -> Assessment:
    """生活自理能力评估: six items → level (eligibility.selfcare.self_care_level)."""
    _require(actor, Cap.EDIT_PERSONS)
    _require_area(actor, person.village_id)
    assessed_on = _date(assessed_on, "评估日期")
    _not_future(assessed_on, "评估日期")
    if not assessor.strip():
        raise ValidationError({"assessor": ["请填写评估人"]})
    try:
        level = selfcare.self_care_level(items)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    reported = _date(change_reported_on, "变化报告日期") if change_reported_on else None
    if reported and reported > assessed_on:
        raise ValidationError({"change_reported_on": ["变化报告日期不能晚于评估日期"]})
    with transaction.atomic():
        row = Assessment.objects.create(
            person=person,
            assessed_on=assessed_on,
            assessor=assessor.strip(),
            level=level,
            change_reported_on=reported,
            note=note.strip(),
            recorded_by=actor,
            **{k: bool(items[k]) for k in Assessment.ITEMS},
        )
        audit.record(actor, "create", row, changes=audit.diff({}, audit.snapshot(row)))
    return row


def document_open(*, actor, document: CaseDocument):
    """Open a case's file for download. Application materials and notices carry full ID numbers
    and family circumstances, so only roles that may see full ID numbers get them, and every
    download is written to the audit log (DESIGN.md promise 4)."""
    _require(actor, Cap.VIEW_FULL_ID)
    _require_area(actor, document.case.person.village_id)
    audit.record(
        actor,
        "export",
        document,
        object_repr=document.upload.original_name[:200],
        extra={"case": document.case_id, "file": document.upload.original_name},
    )
    return document.upload.file.open("rb")
