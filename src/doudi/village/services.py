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
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.calendar import add_working_days_for
from doudi.core.roles import Cap
from doudi.core.scope import in_scope
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
from doudi.registry.idcard import InvalidIdNumber, parse_id_number

from . import rules
from .models import Candidate, Committee, Inquiry, Official, OpennessItem, Relative, VillageSetting, Voucher
from .selectors import candidate_facts


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
    """The township's setting (a default one when the township chose nothing)."""
    township_code = village.code[:9] + "000"
    found = VillageSetting.objects.filter(region_id=township_code).first()
    return found or VillageSetting(region_id=township_code)


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
            days = setting_for(voucher.village).inquiry_days
            inquiry = Inquiry.objects.create(
                village_id=voucher.village_id,
                kind=Inquiry.Kind.INQUIRY,
                subject=f"凭证{voucher.number}存疑",
                question=reason,
                voucher=voucher,
                asked_by=actor,
                asked_on=today,
                due_on=add_working_days_for(voucher.village_id)(today, days),
            )
            audit.record(actor, "create", inquiry, changes=audit.diff({}, audit.snapshot(inquiry)))
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


def inquiry_answer(*, actor, inquiry, answer: str) -> Inquiry:
    _require(actor, Cap.SUBMIT_VOUCHERS)
    _require_area(actor, inquiry.village_id)
    if inquiry.answered_on:
        raise ValidationError("该质询已经答复。")
    if not (answer or "").strip():
        raise ValidationError("请填写书面答复。")
    before = audit.snapshot(inquiry)
    inquiry.answer, inquiry.answered_by, inquiry.answered_on = answer.strip(), actor, timezone.localdate()
    with transaction.atomic():
        inquiry.save()
        if inquiry.voucher_id and inquiry.voucher.status == Voucher.Status.QUESTIONED:
            pass  # the member reviews the voucher again after reading the answer
        audit.record(actor, "answer", inquiry, changes=audit.diff(before, audit.snapshot(inquiry)))
    return inquiry


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
