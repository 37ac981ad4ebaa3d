"""Writes of village supervision (村务监督委员会). Each is atomic, checks the actor's capability
and area, calls the rules, and writes its audit entry in the same transaction.

The heart is voucher_book: seed document 2, 四 (一) 4 — 未经村务监督委员会复核盖章的票据，乡（镇）
"三资"委托代理服务中心不得入账. The service refuses, the API and the page call the service, and a
check constraint in the database refuses a booked voucher that is not stamped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.calendar import add_working_days_for
from doudi.core.models import Region, User
from doudi.core.notifications import Note, notify_many
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, within
from doudi.core.services import upload_store
from doudi.core.tabular import (
    CellError,
    TableError,
    cell_date,
    cell_decimal,
    cell_text,
    map_columns,
    open_table,
)
from doudi.oversight.services import rectification_open, rectification_resolve
from doudi.oversight.sources import Source
from doudi.registry.idcard import InvalidIdNumber, parse_id_number

from . import rules
from .models import (
    Appeal,
    Candidate,
    Committee,
    Evaluation,
    EvaluationSubject,
    Inquiry,
    Meeting,
    Motion,
    Official,
    OpennessItem,
    Relative,
    VillageSetting,
    Voucher,
)
from .selectors import candidate_facts, current_committee, township_code
from .sources import APPEAL, INQUIRY


def _require(actor, cap):
    if not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str):
    if not (actor.is_superuser or in_scope(actor, code)):
        raise PermissionDenied(_("This record is not in your area."))


def _village(actor, village):
    if village is None or village.level != rcodes.VILLAGE:
        raise ValidationError("请选择一个村（社区）。")
    _require_area(actor, village.code)
    return village


def _id_number(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValidationError("请填写身份证号。")
        return ""
    try:
        return parse_id_number(text).number
    except InvalidIdNumber as exc:
        raise ValidationError(str(exc)) from None


def setting_for(village) -> VillageSetting:
    """The setting of the village's township — or of the township itself, given one (a default
    one when the township chose nothing)."""
    code = township_code(village.code)
    found = VillageSetting.objects.filter(region_id=code).first()
    return found or VillageSetting(region_id=code)


def _whole(value, label: str, low: int, high: int) -> int:
    """A whole number typed on a form, with a Chinese message naming the field when it is not."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{label}应填写整数（填写的是“{value or ''}”）。") from None
    if not low <= number <= high:
        raise ValidationError(f"{label}应在{low}至{high}之间（填写的是{number}）。")
    return number


def village_setting_set(*, actor, township, cycle: str, inquiry_days, appeal_days) -> VillageSetting:
    """The township's choices (乡镇党委): the voucher review cycle (按月或按季, seed 四 (一) 4) and the
    working days for a written answer to an inquiry and for handling an appeal."""
    _require(actor, Cap.EDIT_VILLAGE_SETTINGS)
    if township is None or township.level != rcodes.TOWNSHIP:
        raise ValidationError("请选择一个乡镇（街道）。")
    _require_area(actor, township.code)
    errors = {}
    if cycle not in VillageSetting.Cycle.values:
        errors["cycle"] = "复核周期只能选择“按月”或“按季”。"
    values = {}
    for key, label, raw in (
        ("inquiry_days", "质询书面答复期限（工作日）", inquiry_days),
        ("appeal_days", "申诉协调处理期限（工作日）", appeal_days),
    ):
        try:
            values[key] = _whole(raw, label, 1, 30)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        setting = VillageSetting.objects.select_for_update().filter(region=township).first()
        before = audit.snapshot(setting) if setting else {}
        setting = setting or VillageSetting(region=township)
        setting.cycle = cycle
        setting.inquiry_days, setting.appeal_days = values["inquiry_days"], values["appeal_days"]
        setting.save()
        after = audit.snapshot(setting)
        if after != before:
            audit.record(actor, "update" if before else "create", setting, changes=audit.diff(before, after))
    return setting


# ---- the register of officials and relatives ----------------------------------------------------


def official_add(*, actor, village, term: int, name: str, office: str, id_number: str = "") -> Official:
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _village(actor, village)
    if office not in rules.OFFICES:
        raise ValidationError("请选择职务。")
    if not name.strip():
        raise ValidationError("请填写姓名。")
    official = Official(
        village=village,
        term=term,
        name=name.strip(),
        office=office,
        id_number=_id_number(id_number, required=False),
    )
    with transaction.atomic():
        official.save()
        audit.record(actor, "create", official, changes=audit.diff({}, audit.snapshot(official)))
    return official


def relative_add(*, actor, official, name: str, relation: str, id_number: str = "") -> Relative:
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, official.village_id)
    if relation not in rules.RELATIONS:
        raise ValidationError("请选择亲属关系。")
    if not name.strip():
        raise ValidationError("请填写姓名。")
    relative = Relative(
        official=official,
        name=name.strip(),
        relation=relation,
        id_number=_id_number(id_number, required=False),
    )
    with transaction.atomic():
        relative.save()
        audit.record(actor, "create", relative, changes=audit.diff({}, audit.snapshot(relative)))
    return relative


# ---- committees, candidates, the election --------------------------------------------------------


def committee_create(*, actor, village, term: int, term_end: dt.date, seats: int) -> Committee:
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _village(actor, village)
    found = rules.check_candidate_list(seats, seats + 1)
    if found:
        raise ValidationError(found[0].reason)
    if Committee.objects.filter(village=village, term=term).exists():
        raise ValidationError(f"{village.name}第{term}届村务监督委员会已经建立。")
    committee = Committee(village=village, term=term, term_end=term_end, seats=seats)
    with transaction.atomic():
        committee.save()
        audit.record(actor, "create", committee, changes=audit.diff({}, audit.snapshot(committee)))
    return committee


def _editable(committee, *statuses):
    if committee.status not in statuses:
        raise ValidationError(f"村务监督委员会当前状态为“{committee.get_status_display()}”，不能进行此操作。")


def candidate_nominate(*, actor, committee, name: str, id_number: str, nomination: str, **facts) -> Candidate:
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.NOMINATING)
    if nomination not in Candidate.Nomination.values:
        raise ValidationError("请选择提名方式。")
    if not name.strip():
        raise ValidationError("请填写候选人姓名。")
    number = _id_number(id_number, required=True)
    if committee.candidates.filter(id_number=number).exists():
        raise ValidationError("该候选人已被提名。")
    allowed = {
        "party_member",
        "resident",
        "fit_to_serve",
        "discipline_unexpired",
        "serving_sentence_or_detention",
        "cult_or_underground_religion",
        "petition_organiser",
    }
    candidate = Candidate(
        committee=committee,
        name=name.strip(),
        id_number=number,
        birth_date=parse_id_number(number).birth_date,
        nomination=nomination,
        **{k: bool(v) for k, v in facts.items() if k in allowed},
    )
    with transaction.atomic():
        candidate.save()
        audit.record(actor, "create", candidate, changes=audit.diff({}, audit.snapshot(candidate)))
    return candidate


def candidate_review(
    *, actor, candidate, admit: bool, reason: str = "", as_of: dt.date | None = None
) -> Candidate:
    """The branch's qualification review: the rule runs; an exclusion needs a reason (a
    disqualified candidate cannot be admitted, whatever the reviewer ticks)."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    committee = candidate.committee
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.NOMINATING)
    as_of = as_of or timezone.localdate()
    findings = rules.member_disqualifications(candidate_facts(candidate), as_of)
    if admit and findings:
        raise ValidationError("不符合任职条件，不能确定为正式候选人：" + "".join(f.reason for f in findings))
    reason = reason.strip()
    if not admit and not reason:
        reason = "".join(f.reason for f in findings)
    if not admit and not reason:
        raise ValidationError("不确定为正式候选人时，请写明理由。")
    before = audit.snapshot(candidate)
    candidate.status = Candidate.Status.FORMAL if admit else Candidate.Status.EXCLUDED
    candidate.findings = [{"code": f.code, "reason": f.reason} for f in findings]
    candidate.review_reason = reason if not admit else rules.relatives_note(candidate_facts(candidate))
    candidate.reviewed_by, candidate.reviewed_at = actor, timezone.now()
    with transaction.atomic():
        candidate.save()
        audit.record(actor, "review", candidate, changes=audit.diff(before, audit.snapshot(candidate)))
    return candidate


def committee_submit(*, actor, committee) -> Committee:
    """The branch sends the formal list to the township: it must exceed the seats by 1–3."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.NOMINATING)
    if committee.candidates.filter(status=Candidate.Status.NOMINATED).exists():
        raise ValidationError("还有候选人未经资格审查。")
    formal = committee.candidates.filter(status=Candidate.Status.FORMAL).count()
    found = rules.check_candidate_list(committee.seats, formal)
    if found:
        raise ValidationError("".join(f.reason for f in found))
    return _set_status(actor, committee, Committee.Status.SUBMITTED, "submit")


def committee_approve(*, actor, committee, approve: bool = True) -> Committee:
    """乡镇党委 approves the formal candidate list (or returns it to nomination)."""
    _require(actor, Cap.APPROVE_CANDIDATES)
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.SUBMITTED)
    if approve:
        committee.approved_by, committee.approved_at = actor, timezone.now()
        return _set_status(actor, committee, Committee.Status.APPROVED, "approve")
    return _set_status(actor, committee, Committee.Status.NOMINATING, "return")


def _set_status(actor, committee, status, action):
    before = audit.snapshot(committee)
    committee.status = status
    with transaction.atomic():
        committee.save()
        audit.record(actor, action, committee, changes=audit.diff(before, audit.snapshot(committee)))
    return committee


def election_preview(committee, *, representatives_total: int, present: int, tallies: dict[int, int]):
    """The result the rule gives for these numbers, keyed by candidate name, before anything is saved."""
    formal = {c.pk: c for c in committee.candidates.filter(status=Candidate.Status.FORMAL)}
    if set(tallies) != set(formal):
        raise ValidationError("请为每一位正式候选人填写得票数。")
    by_name = {f"{formal[pk].name}#{pk}": votes for pk, votes in tallies.items()}
    result = rules.count_election(committee.seats, representatives_total, present, by_name)
    return result, {key: formal[int(key.rsplit("#", 1)[1])] for key in by_name}


def display_names(names: list[str]) -> list[str]:
    return [n.rsplit("#", 1)[0] for n in names]


def election_record(
    *,
    actor,
    committee,
    held_on: dt.date,
    representatives_total: int,
    present: int,
    tallies: dict[int, int],
    chair_id: int | None,
) -> Committee:
    """Record the meeting's count; the elected become members and the 主任 is chosen from them. A
    count that elects nobody (no quorum, more votes than ballots) is refused, nothing saved."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.APPROVED)
    result, keyed = election_preview(
        committee, representatives_total=representatives_total, present=present, tallies=tallies
    )
    if not result.valid:
        raise ValidationError(display_text(result.explanation))
    if result.runoff:
        # 另行选举 among the tied: the meeting votes again and the count is entered with it
        raise ValidationError(display_text(result.explanation) + "请在另行选举后录入最终计票结果。")
    elected = [keyed[k] for k in result.elected]
    if chair_id is None or chair_id not in {c.pk for c in elected}:
        raise ValidationError("请从当选的成员中推选主任。")
    before = audit.snapshot(committee)
    with transaction.atomic():
        for cand in keyed.values():
            cand.votes = tallies[cand.pk]
            cand.elected = cand in elected
            cand.chair = cand.pk == chair_id
            cand.save(update_fields=["votes", "elected", "chair"])
        committee.held_on, committee.representatives_total, committee.present = (
            held_on,
            representatives_total,
            present,
        )
        committee.tallies = {str(c.pk): tallies[c.pk] for c in keyed.values()}
        committee.runoff = [keyed[k].pk for k in result.runoff]
        committee.explanation = display_text(result.explanation)
        committee.status = Committee.Status.ELECTED
        committee.save()
        audit.record(actor, "elect", committee, changes=audit.diff(before, audit.snapshot(committee)))
    return committee


def display_text(text: str) -> str:
    return re.sub(r"#\d+", "", text)


def committee_file(*, actor, committee) -> Committee:
    """报乡（镇）纪委备案: the township discipline commission (or party committee) receives it."""
    _require(actor, Cap.APPROVE_CANDIDATES)
    _require_area(actor, committee.village_id)
    _editable(committee, Committee.Status.ELECTED)
    committee.filed_at = timezone.now()
    return _set_status(actor, committee, Committee.Status.FILED, "file")


# ---- vouchers: entry, review (复核), booking ------------------------------------------------------


def _next_number(village, year: int) -> str:
    prefix = f"{year}-"
    last = (
        Voucher.objects.filter(village=village, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.split("-")[1]) + 1 if last and last.split("-")[1].isdigit() else 1
    return f"{prefix}{seq:04d}"


def _voucher(village, actor, *, spent_on, payee, amount, purpose, category, number="", corrects=None):
    if spent_on is None:
        raise ValidationError("请填写日期。")
    if spent_on > timezone.localdate():
        raise ValidationError("凭证日期不能晚于今天。")
    try:
        amount = rules.parse_amount(amount)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if not (payee or "").strip():
        raise ValidationError("请填写收款人（单位）。")
    if not (purpose or "").strip():
        raise ValidationError("请填写用途。")
    return Voucher(
        village=village,
        number=(number or "").strip(),
        spent_on=spent_on,
        payee=payee.strip()[:100],
        amount=amount,
        purpose=purpose.strip()[:200],
        category=(category or "").strip()[:50] or "其他",
        corrects=corrects,
        created_by=actor,
    )


def voucher_create(
    *, actor, village, spent_on, payee, amount, purpose, category="", number="", scan=None, corrects=None
) -> Voucher:
    """The bookkeeper enters a voucher. A correction of a booked voucher is a new voucher naming it."""
    _require(actor, Cap.SUBMIT_VOUCHERS)
    _village(actor, village)
    if corrects is not None and (corrects.village_id != village.code or corrects.booked_at is None):
        raise ValidationError("只能更正本村已入账的凭证。")
    v = _voucher(
        village,
        actor,
        spent_on=spent_on,
        payee=payee,
        amount=amount,
        purpose=purpose,
        category=category,
        number=number,
        corrects=corrects,
    )
    with transaction.atomic():
        if not v.number:
            v.number = _next_number(village, spent_on.year)
        elif Voucher.objects.filter(village=village, number=v.number).exists():
            raise ValidationError(f"凭证号“{v.number}”已经存在。")
        if scan is not None:
            v.scan = upload_store(actor=actor, region=village, uploaded_file=scan, kind="voucher_scan")
        v.save()
        audit.record(actor, "create", v, changes=audit.diff({}, audit.snapshot(v)))
    return v


REVIEWS = {
    "approve": Voucher.Status.STAMPED,
    "question": Voucher.Status.QUESTIONED,
    "dispute": Voucher.Status.DISPUTED,
}


def voucher_review(*, actor, voucher, decision: str, reason: str = "") -> Voucher:
    """A committee member's review: 同意 (stamped, with reviewer and time), 存疑 (with a reason:
    an inquiry to the officials, answer due in the township's working days), or 提请村民代表会议."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _require_area(actor, voucher.village_id)
    if decision not in REVIEWS:
        raise ValidationError("请选择复核意见。")
    if voucher.booked_at is not None:
        raise ValidationError("该凭证已入账，不能再复核。")
    if voucher.status not in (Voucher.Status.PENDING, Voucher.Status.QUESTIONED):
        raise ValidationError(f"该凭证已“{voucher.get_status_display()}”，不能再复核。")
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise ValidationError("存疑或提请村民代表会议讨论时，请写明理由。")
    before = audit.snapshot(voucher)
    today = timezone.localdate()
    with transaction.atomic():
        # the row is locked so two members cannot review it at once, nor the agency book it meanwhile
        locked = Voucher.objects.select_for_update().get(pk=voucher.pk)
        if locked.status != voucher.status or locked.booked_at is not None:
            raise ValidationError("该凭证刚被他人处理，请刷新页面。")
        voucher.status = REVIEWS[decision]
        voucher.review_reason = reason
        voucher.reviewed_by, voucher.reviewed_at = actor, timezone.now()
        voucher.save()
        audit.record(actor, "review", voucher, changes=audit.diff(before, audit.snapshot(voucher)))
        if decision == "question":
            _inquiry_create(
                actor,
                voucher.village,
                kind=Inquiry.Kind.INQUIRY,
                subject=f"凭证{voucher.number}存疑",
                question=reason,
                voucher=voucher,
                today=today,
            )
    return voucher


def voucher_meeting_decision(*, actor, voucher, approved: bool, decision: str) -> Voucher:
    """The representatives' meeting decided a disputed voucher: approved → stamped by the member
    recording it; not approved → rejected, never booked."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _require_area(actor, voucher.village_id)
    if voucher.status != Voucher.Status.DISPUTED:
        raise ValidationError("只有提请村民代表会议讨论的凭证才能记录会议决定。")
    if not (decision or "").strip():
        raise ValidationError("请填写村民代表会议的决定。")
    before = audit.snapshot(voucher)
    voucher.meeting_decision = decision.strip()
    voucher.status = Voucher.Status.STAMPED if approved else Voucher.Status.REJECTED
    voucher.reviewed_by, voucher.reviewed_at = actor, timezone.now()
    with transaction.atomic():
        voucher.save()
        audit.record(actor, "decide", voucher, changes=audit.diff(before, audit.snapshot(voucher)))
    return voucher


class NotStamped(ValidationError):
    """Booking a voucher the committee has not stamped (seed 四 (一) 4)."""


def voucher_book(*, actor, voucher) -> Voucher:
    """乡镇"三资"代理中心 books a voucher — only one the committee stamped."""
    _require(actor, Cap.BOOK_VOUCHERS)
    _require_area(actor, voucher.village_id)
    with transaction.atomic():
        locked = Voucher.objects.select_for_update().get(pk=voucher.pk)
        if locked.booked_at is not None:
            raise ValidationError(
                f"凭证{locked.number}已于{timezone.localtime(locked.booked_at):%Y-%m-%d}入账。"
            )
        if not rules.may_book(locked.status):
            raise NotStamped(
                f"凭证{locked.number}未经村务监督委员会复核盖章（当前：{locked.get_status_display()}），不得入账。"
            )
        before = audit.snapshot(locked)
        locked.booked_by, locked.booked_at = actor, timezone.now()
        locked.save(update_fields=["booked_by", "booked_at"])
        audit.record(actor, "book", locked, changes=audit.diff(before, audit.snapshot(locked)))
    return locked


# ---- the Excel import of a month's vouchers --------------------------------------------------------

VOUCHER_COLUMNS = {
    "number": ["凭证号", "凭证编号", "编号"],
    "spent_on": ["日期", "支出日期", "凭证日期"],
    "payee": ["收款人", "收款单位", "收款人（单位）"],
    "amount": ["金额", "金额（元）", "支出金额"],
    "purpose": ["用途", "事由", "摘要"],
    "category": ["类别", "支出类别", "科目"],
}
VOUCHER_REQUIRED = ["spent_on", "payee", "amount", "purpose"]


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "reason"}


def voucher_import(*, actor, village, uploaded_file) -> ImportReport:
    """Import a sheet of vouchers: every row is checked first; any error (row, column, reason in
    Chinese) means nothing is written. The uploaded original is kept either way."""

    _require(actor, Cap.SUBMIT_VOUCHERS)
    _village(actor, village)
    report = ImportReport()
    upload = upload_store(actor=actor, region=village, uploaded_file=uploaded_file, kind="voucher_import")
    try:
        table = open_table(upload.file.path, upload.original_name)
        cols = map_columns(table.headers, VOUCHER_COLUMNS, VOUCHER_REQUIRED)
    except TableError as exc:
        report.errors.append({"row": None, "column": "", "reason": str(exc)})
        return report
    labels = {
        "number": "凭证号",
        "spent_on": "日期",
        "payee": "收款人",
        "amount": "金额",
        "purpose": "用途",
        "category": "类别",
    }
    pending, seen = [], set()
    existing = set(Voucher.objects.filter(village=village).values_list("number", flat=True))
    for row_no, cells in table.rows:

        def get(key, cells=cells):
            i = cols.index.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        values, row_ok = {}, True
        for key, reader in (
            ("spent_on", cell_date),
            ("amount", lambda v: cell_decimal(v, places=2, what="金额")),
            ("number", cell_text),
            ("payee", cell_text),
            ("purpose", cell_text),
            ("category", cell_text),
        ):
            try:
                values[key] = reader(get(key))
            except CellError as exc:
                report.errors.append({"row": row_no, "column": labels[key], "reason": str(exc)})
                row_ok = False
        if not row_ok:
            continue
        for key in VOUCHER_REQUIRED:
            if values.get(key) in (None, ""):
                report.errors.append(
                    {"row": row_no, "column": labels[key], "reason": f"{labels[key]}不能为空"}
                )
                row_ok = False
        if not row_ok:
            continue
        number = values["number"]
        if number and (number in existing or number in seen):
            report.errors.append({"row": row_no, "column": "凭证号", "reason": f"凭证号“{number}”重复"})
            continue
        seen.add(number)
        try:
            v = _voucher(village, actor, **values)
        except ValidationError as exc:
            report.errors.append({"row": row_no, "column": "", "reason": exc.messages[0]})
            continue
        v.source = upload
        pending.append(v)
    if not pending and not report.errors:
        report.errors.append({"row": None, "column": "", "reason": "表格中没有凭证。"})
    if report.errors:
        return report
    with transaction.atomic():
        for v in pending:
            if not v.number:
                v.number = _next_number(village, v.spent_on.year)
            v.save()
        audit.record_many(
            [
                audit.Pending(actor=actor, action="import", obj=v, changes=audit.diff({}, audit.snapshot(v)))
                for v in pending
            ]
        )
    report.created = len(pending)
    return report


# ---- inquiries and openness --------------------------------------------------------------------


def _inquiry_create(actor, village, *, kind, subject, question, voucher=None, today) -> Inquiry:
    """The inquiry row, its audit entry and the officials' notice (inside the caller's transaction).
    The written answer is due in the township's working days (VillageSetting.inquiry_days)."""
    inquiry = Inquiry.objects.create(
        village=village,
        kind=kind,
        subject=subject[:200],
        question=question,
        voucher=voucher,
        asked_by=actor,
        asked_on=today,
        due_on=add_working_days_for(village.pk)(today, setting_for(village).inquiry_days),
    )
    audit.record(actor, "create", inquiry, changes=audit.diff({}, audit.snapshot(inquiry)))
    officials = [
        u for u in User.objects.filter(region_id=village.code, is_active=True) if u.can(Cap.SUBMIT_VOUCHERS)
    ]
    notify_many(
        [
            Note(
                u,
                "village_inquiry",
                f"village-inquiry:{inquiry.pk}",
                f"村务监督委员会提出{inquiry.get_kind_display()}：{inquiry.subject}，请于{inquiry.due_on:%Y-%m-%d}前书面答复。",
                reverse("village_inquiry", args=[inquiry.pk]),
                village,
            )
            for u in officials
        ]
    )
    return inquiry


def inquiry_ask(
    *, actor, village, kind: str, subject: str, question: str, voucher=None, today: dt.date | None = None
) -> Inquiry:
    """A member's 质询 (seed 四 (二) 2, 要求村干部作出解释), 复核 request (四 (二) 3) or 建议
    (四 (二) 4). Each is answered in writing by the village officials within the township's working
    days; an answer overdue opens a rectification task (inquiries_overdue)."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _village(actor, village)
    if kind not in Inquiry.Kind.values:
        raise ValidationError("请选择质询、复核或建议。")
    subject, question = (subject or "").strip(), (question or "").strip()
    if not subject:
        raise ValidationError("请填写事项。")
    if not question:
        raise ValidationError("请写明质询、复核或建议的具体内容。")
    if voucher is not None and voucher.village_id != village.code:
        raise ValidationError("只能针对本村的凭证。")
    with transaction.atomic():
        return _inquiry_create(
            actor,
            village,
            kind=kind,
            subject=subject,
            question=question,
            voucher=voucher,
            today=today or timezone.localdate(),
        )


def inquiry_answer(*, actor, inquiry, answer: str) -> Inquiry:
    """The officials' written answer (a voucher questioned is then reviewed again by a member)."""
    _require(actor, Cap.SUBMIT_VOUCHERS)
    _require_area(actor, inquiry.village_id)
    if not (answer or "").strip():
        raise ValidationError("请填写书面答复。")
    with transaction.atomic():
        locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.answered_on:
            raise ValidationError("该事项已经答复。")
        before = audit.snapshot(locked)
        locked.answer, locked.answered_by, locked.answered_on = answer.strip(), actor, timezone.localdate()
        locked.save()
        audit.record(actor, "answer", locked, changes=audit.diff(before, audit.snapshot(locked)))
    return locked


def _first_account(*caps):
    """region code → the first active account there (by username) with every one of `caps`, or
    None; each region is looked up once per daily run."""
    found: dict[str, object] = {}

    def first(code: str):
        if code not in found:
            accounts = User.objects.filter(region_id=code, is_active=True).order_by("username")
            found[code] = next((u for u in accounts if all(u.can(c) for c in caps)), None)
        return found[code]

    return first


def inquiries_overdue(*, actor, region_prefix: str, today: dt.date | None = None) -> dict:
    """The daily check (job `village_daily` of `doudi daily`): every inquiry, review request
    or suggestion unanswered past its due day opens one rectification task through oversight
    (source kind `village_inquiry`), owned by the township's civil-affairs office, due in
    rules.RECTIFY_DAYS working days. Idempotent: an inquiry that has its task is skipped, and the
    row is locked while its task is opened, so two runs never open two tasks."""
    today = today or timezone.localdate()
    overdue = within(
        Inquiry.objects.filter(answered_on__isnull=True, due_on__lt=today, task_id__isnull=True),
        region_prefix,
    ).select_related("village")
    # The township's civil-affairs office (民政办), which guides village self-government: its first
    # active account that handles rectification tasks.
    owner_in = _first_account(Cap.HANDLE_RECTIFICATION, Cap.VIEW_PERSONS)
    opened, without_owner = 0, 0
    for inquiry in overdue:
        owner = owner_in(township_code(inquiry.village_id))
        if owner is None:
            without_owner += 1
            continue
        with transaction.atomic():
            locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
            if locked.task_id or locked.answered_on:
                continue
            task = rectification_open(
                actor=actor,
                source=Source(INQUIRY, locked.pk),
                region=inquiry.village,
                title=f"{inquiry.village.name}逾期未书面答复{locked.get_kind_display()}：{locked.subject}",
                owner=owner,
                deadline=add_working_days_for(inquiry.village_id)(today, rules.RECTIFY_DAYS),
                aspect="村务监督",
                description=(
                    f"村务监督委员会于{locked.asked_on:%Y-%m-%d}提出，应于{locked.due_on:%Y-%m-%d}前书面答复，"
                    f"至今未答复。内容：{locked.question}"
                ),
            )
            locked.task_id = task.pk
            locked.save(update_fields=["task_id"])
            audit.record(actor, "update", locked, changes={"task_id": [None, task.pk]})
            opened += 1
    return {"checked_on": today.isoformat(), "tasks_opened": opened, "without_owner": without_owner}


def openness_submit(
    *, actor, village, category: str, title: str, body: str, period: str = ""
) -> OpennessItem:
    _require(actor, Cap.SUBMIT_VOUCHERS)
    _village(actor, village)
    if category not in OpennessItem.Category.values:
        raise ValidationError("请选择公开类别。")
    if not title.strip() or not body.strip():
        raise ValidationError("请填写标题和内容。")
    item = OpennessItem(
        village=village,
        category=category,
        title=title.strip(),
        body=body.strip(),
        period=period.strip(),
        created_by=actor,
    )
    with transaction.atomic():
        item.save()
        audit.record(actor, "create", item, changes=audit.diff({}, audit.snapshot(item)))
    return item


def openness_review(*, actor, item, publish: bool, reason: str = "") -> OpennessItem:
    """The committee reviews an item before it is published on the public page."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _require_area(actor, item.village_id)
    if item.status != OpennessItem.Status.SUBMITTED:
        raise ValidationError("该公开事项不在待审核状态。")
    if not publish and not (reason or "").strip():
        raise ValidationError("退回时请写明理由。")
    before = audit.snapshot(item)
    item.status = OpennessItem.Status.PUBLISHED if publish else OpennessItem.Status.RETURNED
    item.review_reason = (reason or "").strip()
    item.reviewed_by = actor
    item.published_at = timezone.now() if publish else None
    with transaction.atomic():
        item.save()
        audit.record(
            actor, "publish" if publish else "return", item, changes=audit.diff(before, audit.snapshot(item))
        )
    return item


# ---- meetings (工作例会, seed 五 (二) 2) --------------------------------------------------------------


def _past_date(day, label: str) -> dt.date:
    if day is None:
        raise ValidationError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。")
    return day


def meeting_record(
    *, actor, village, held_on, kind: str, attendees, guests: str = "", minutes: str = ""
) -> Meeting:
    """A member records a meeting of the village's current committee: its date, kind and the members
    who attended (only members of that committee: a forged or another committee's id is refused)."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _village(actor, village)
    committee = current_committee(village)
    if committee is None:
        raise ValidationError("本村还没有选举产生的村务监督委员会，不能记录会议。")
    _past_date(held_on, "会议日期")
    if kind not in Meeting.Kind.values:
        raise ValidationError("请选择会议类型（例会或临时会议）。")
    raw = [str(a).strip() for a in attendees or ()]
    if not raw:
        raise ValidationError("请勾选出席会议的成员。")
    members = {str(c.pk): c for c in committee.candidates.filter(elected=True)}
    if not set(raw) <= set(members):
        raise ValidationError("出席人员只能是本届村务监督委员会的成员。")
    present = sorted({members[a] for a in raw}, key=lambda c: c.pk)
    meeting = Meeting(
        village=village,
        committee=committee,
        held_on=held_on,
        kind=kind,
        guests=(guests or "").strip()[:200],
        minutes=(minutes or "").strip(),
        recorded_by=actor,
    )
    with transaction.atomic():
        meeting.save()
        meeting.attendees.set(present)
        audit.record(
            actor,
            "create",
            meeting,
            changes=audit.diff({}, audit.snapshot(meeting)),
            extra={"attendees": [c.name for c in present]},
        )
    return meeting


def motion_record(*, actor, meeting, title: str, yes, no, abstain) -> Motion:
    """A motion put to the vote: passed with more than half of the members present
    (rules.count_motion); votes beyond those present are refused, nothing saved."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _require_area(actor, meeting.village_id)
    title = (title or "").strip()
    if not title:
        raise ValidationError("请填写表决事项。")
    counts = {}
    for key, label, raw in (
        ("yes", "同意票数", yes),
        ("no", "反对票数", no),
        ("abstain", "弃权票数", abstain),
    ):
        counts[key] = _whole(raw if raw not in (None, "") else 0, label, 0, 99)
    present = meeting.attendees.count()
    result = rules.count_motion(present, counts["yes"], counts["no"], counts["abstain"])
    if result.findings:
        raise ValidationError([f.reason for f in result.findings])
    motion = Motion(
        meeting=meeting,
        title=title[:200],
        present=present,
        passed=result.passes,
        explanation=result.explanation,
        **counts,
    )
    with transaction.atomic():
        motion.save()
        audit.record(actor, "create", motion, changes=audit.diff({}, audit.snapshot(motion)))
    return motion


# ---- democratic evaluation (民主评议, seed 五 (二) 4) --------------------------------------------------


def _counts(raw, label: str) -> int:
    if raw in (None, ""):
        return 0
    return _whole(raw, label, 0, 100000)


def evaluation_start(
    *, actor, village, year: int, held_on, representatives_total, participants
) -> Evaluation:
    """The branch opens the year's evaluation: the subjects are the committee, each of its members
    and each village official of the register's latest term — read from the records, not typed."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _village(actor, village)
    committee = current_committee(village)
    if committee is None:
        raise ValidationError("本村还没有选举产生的村务监督委员会，不能开展民主评议。")
    today = timezone.localdate()
    year = _whole(year, "评议年度", 2000, today.year)
    _past_date(held_on, "评议日期")
    total = _whole(representatives_total, "村民代表总数", 1, 100000)
    present = _whole(participants, "参加评议的代表人数", 1, 100000)
    found = rules.evaluation_findings(total, present, {})
    if found:
        raise ValidationError([f.reason for f in found])
    if Evaluation.objects.filter(village=village, year=year).exists():
        raise ValidationError(f"{village.name}{year}年度的民主评议已经建立。")
    evaluation = Evaluation(
        village=village,
        committee=committee,
        year=year,
        held_on=held_on,
        representatives_total=total,
        participants=present,
        recorded_by=actor,
    )
    subjects = [EvaluationSubject(kind=EvaluationSubject.Kind.COMMITTEE, name=str(committee), role="")]
    for m in committee.candidates.filter(elected=True).order_by("-chair", "pk"):
        subjects.append(
            EvaluationSubject(
                kind=EvaluationSubject.Kind.MEMBER, name=m.name, role="主任" if m.chair else "委员", member=m
            )
        )
    term = (
        Official.objects.filter(village=village, term__lte=year)
        .order_by("-term")
        .values_list("term", flat=True)
        .first()
    )
    for o in Official.objects.filter(village=village, term=term).order_by("office", "name") if term else ():
        subjects.append(
            EvaluationSubject(
                kind=EvaluationSubject.Kind.OFFICIAL, name=o.name, role=rules.OFFICES[o.office], official=o
            )
        )
    with transaction.atomic():
        evaluation.save()
        for s in subjects:
            s.evaluation = evaluation
        EvaluationSubject.objects.bulk_create(subjects)
        audit.record(
            actor,
            "create",
            evaluation,
            changes=audit.diff({}, audit.snapshot(evaluation)),
            extra={"subjects": [f"{s.name}{s.role}" for s in subjects]},
        )
    return evaluation


def subject_label(subject: EvaluationSubject) -> str:
    return f"{subject.name}（{subject.role}）" if subject.role else subject.name


def evaluation_record(*, actor, evaluation, tallies: dict) -> Evaluation:
    """The tally of each subject (满意 / 基本满意 / 不满意), counted by rules.evaluate: a subject's
    ratings cannot exceed the representatives who took part. A subject with more than half 不满意 is
    flagged, and the township party committee is told. Refused once published."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, evaluation.village_id)
    if evaluation.published_at:
        raise ValidationError("民主评议结果已经公布，不能再修改。")
    subjects = {s.pk: s for s in evaluation.subjects.all()}
    if set(tallies) != set(subjects):
        raise ValidationError("请为每一个评议对象填写满意、基本满意和不满意的票数。")
    keyed = {}
    for pk, counts in tallies.items():
        label = subject_label(subjects[pk])
        keyed[f"{label}#{pk}"] = {
            r: _counts((counts or {}).get(r), f"{label}的{rules.RATING_LABELS[r]}票数") for r in rules.RATINGS
        }
    results, findings = rules.evaluate(evaluation.representatives_total, evaluation.participants, keyed)
    if findings:
        raise ValidationError([display_text(f.reason) for f in findings])
    before = {pk: audit.snapshot(s) for pk, s in subjects.items()}
    flagged = []
    with transaction.atomic():
        for r in results:
            s = subjects[int(r.subject.rsplit("#", 1)[1])]
            s.satisfied, s.fairly, s.dissatisfied = (r.counts[k] for k in rules.RATINGS)
            s.flagged, s.explanation = r.flagged, r.explanation
            s.save()
            if s.flagged:
                flagged.append(s)
        evaluation.recorded_at = timezone.now()
        evaluation.save(update_fields=["recorded_at"])
        audit.record_many(
            [
                audit.Pending(
                    actor=actor, action="update", obj=s, changes=audit.diff(before[s.pk], audit.snapshot(s))
                )
                for s in subjects.values()
            ]
        )
        town = township_code(evaluation.village_id)
        party = [
            u
            for u in User.objects.filter(region_id=town, is_active=True)
            if u.can(Cap.APPROVE_CANDIDATES) or u.can(Cap.HANDLE_APPEALS)
        ]
        notify_many(
            [
                Note(
                    u,
                    "village_evaluation_flagged",
                    f"village-evaluation-flagged:{s.pk}",
                    f"{evaluation.village.name}{evaluation.year}年民主评议：{subject_label(s)}不满意票超过半数。",
                    reverse("village_evaluation", args=[evaluation.pk]),
                    evaluation.village,
                )
                for s in flagged
                for u in party
            ]
        )
    return evaluation


def evaluation_publish(*, actor, evaluation) -> Evaluation:
    """结果应当向全体村民公布: the results appear on the village's public page."""
    _require(actor, Cap.MANAGE_VILLAGE_REGISTER)
    _require_area(actor, evaluation.village_id)
    if evaluation.recorded_at is None:
        raise ValidationError("请先录入评议票数，再公布结果。")
    if evaluation.published_at:
        raise ValidationError("民主评议结果已经公布。")
    before = audit.snapshot(evaluation)
    evaluation.published_at = timezone.now()
    with transaction.atomic():
        evaluation.save(update_fields=["published_at"])
        audit.record(actor, "publish", evaluation, changes=audit.diff(before, audit.snapshot(evaluation)))
    return evaluation


# ---- appeals (申诉救助, seed 五 (二) 6) ----------------------------------------------------------------


def _appeal_snapshot(appeal: Appeal) -> dict:
    # The audit trail is read more widely than the appeal: it never holds what was reported.
    snap = audit.snapshot(appeal)
    snap.pop("description", None)
    snap.pop("response", None)
    return snap


def appeal_handlers(village_code: str) -> list:
    """The accounts an appeal goes to: the township party committee (and township 纪委) of the
    village's township, and the county 纪委 — every active account there that handles appeals."""
    county = village_code[:6] + "000000"
    return [
        u
        for u in User.objects.filter(region_id__in=[township_code(village_code), county], is_active=True)
        if u.can(Cap.HANDLE_APPEALS)
    ]


def appeal_file(
    *, actor, village, kind: str, occurred_on, description: str, today: dt.date | None = None
) -> Appeal:
    """A member reports obstruction, threats or retaliation (seed 五 (二) 6: 受到无理阻挠……或其成员
    受到恐吓、打击报复，可以向……乡（镇）党委和县纪委反映情况). It is due to be handled in the
    township's working days (VillageSetting.appeal_days); the handlers are told, without its content."""
    _require(actor, Cap.REVIEW_VOUCHERS)
    _village(actor, village)
    if kind not in Appeal.Kind.values:
        raise ValidationError("请选择反映的情况（无理阻挠、恐吓或打击报复）。")
    _past_date(occurred_on, "发生日期")
    if not (description or "").strip():
        raise ValidationError("请写明发生的情况。")
    today = today or timezone.localdate()
    appeal = Appeal(
        village=village,
        member=actor,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        filed_on=today,
        due_on=add_working_days_for(village.pk)(today, setting_for(village).appeal_days),
    )
    with transaction.atomic():
        appeal.save()
        audit.record(actor, "create", appeal, changes=audit.diff({}, _appeal_snapshot(appeal)))
        notify_many(
            [
                Note(
                    u,
                    "village_appeal",
                    f"village-appeal:{appeal.pk}",
                    f"{village.name}村务监督委员会成员提出申诉，请于{appeal.due_on:%Y-%m-%d}前协调处理。",
                    reverse("village_appeal", args=[appeal.pk]),
                    village,
                )
                for u in appeal_handlers(village.code)
            ]
        )
    return appeal


def appeal_handle(*, actor, appeal, response: str) -> Appeal:
    """The township party committee or 纪委 records how the appeal was coordinated and handled."""
    _require(actor, Cap.HANDLE_APPEALS)
    _require_area(actor, appeal.village_id)
    if not (response or "").strip():
        raise ValidationError("请写明协调处理情况。")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.status != Appeal.Status.OPEN:
            raise ValidationError("该申诉已经处理。")
        before = _appeal_snapshot(locked)
        locked.status, locked.response = Appeal.Status.HANDLED, response.strip()
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save()
        audit.record(actor, "handle", locked, changes=audit.diff(before, _appeal_snapshot(locked)))
        if locked.task_id:
            # the county 纪委's follow-up of the escalation ends with the handling
            rectification_resolve(
                actor=actor, source=Source(APPEAL, locked.pk), evidence="申诉已协调处理，详见申诉记录。"
            )
        notify_many(
            [
                Note(
                    locked.member,
                    "village_appeal_handled",
                    f"village-appeal-handled:{locked.pk}",
                    "您提出的申诉已有处理结果。",
                    reverse("village_appeal", args=[locked.pk]),
                    locked.village,
                )
            ]
        )
    return locked


def appeals_overdue(*, actor, region_prefix: str, today: dt.date | None = None) -> dict:
    """The daily check's second half (job `village_daily`): every appeal still open after its
    deadline (due_on, counted at filing in the county's work calendar; the due day is in time) is
    escalated once to the next level, the county 纪委 (seed 五 (二) 6: 乡（镇）党委和县纪委应及时协调和
    处理): one rectification task through oversight (source kind `village_appeal`) in the county's
    region — so the township's civil-affairs accounts never see it — owned by the county 纪委, due in
    rules.RECTIFY_DAYS working days; the county's handlers are told. The task names no village and
    nothing of the appeal: only those who may see the appeal follow its link (sources.find_appeal).
    Idempotent: an appeal with its task is skipped, and the row is locked while the task is opened."""
    today = today or timezone.localdate()
    overdue = within(
        Appeal.objects.filter(status=Appeal.Status.OPEN, due_on__lt=today, task_id__isnull=True),
        region_prefix,
    ).select_related("village")
    # The county 纪委 (seed 五 (二) 6 names it beside the township party committee): its first active
    # account that handles appeals and can open a task.
    owner_in = _first_account(Cap.HANDLE_APPEALS, Cap.VIEW_PERSONS)
    escalated, without_owner = 0, 0
    for appeal in overdue:
        county = appeal.village_id[:6] + "000000"
        owner = owner_in(county)
        if owner is None:
            without_owner += 1
            continue
        with transaction.atomic():
            locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
            if locked.task_id or locked.status != Appeal.Status.OPEN:
                continue
            task = rectification_open(
                actor=actor,
                source=Source(APPEAL, locked.pk),
                region=Region.objects.get(pk=county),
                title="村务监督委员会申诉逾期未处理，上报县纪委督办",
                owner=owner,
                deadline=add_working_days_for(county)(today, rules.RECTIFY_DAYS),
                aspect="村务监督",
                description=(
                    f"申诉应于{locked.due_on:%Y-%m-%d}前协调处理，至今未处理。"
                    "申诉内容仅申诉处理人员和提出申诉的成员可见，请从来源链接查看。"
                ),
            )
            before = _appeal_snapshot(locked)
            locked.task_id, locked.escalated_on = task.pk, today
            locked.save(update_fields=["task_id", "escalated_on"])
            audit.record(
                actor,
                "update",
                locked,
                changes=audit.diff(before, _appeal_snapshot(locked)),
                extra={"escalated_to": "县纪委"},
            )
            notify_many(
                [
                    Note(
                        u,
                        "village_appeal_escalated",
                        f"village-appeal-escalated:{locked.pk}",
                        f"一件村务监督委员会申诉逾期未处理，已于{today:%Y-%m-%d}上报县纪委督办。",
                        reverse("village_appeal", args=[locked.pk]),
                        locked.village,
                    )
                    for u in appeal_handlers(locked.village_id)
                ]
            )
            escalated += 1
    return {"appeals_escalated": escalated, "appeals_without_owner": without_owner}
