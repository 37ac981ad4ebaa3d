"""Pure rules of the village affairs supervision committee (村务监督委员会), no Django imports.

Seed document 2 (第二篇, 建宁县开展建立村务监督委员会试点工作方案), 三 (二)–(四) and 四 (一) 4;
../shared/domain/governance.md, "Precise rules the code must follow". 近亲属 as the Civil Code
Art. 1045 defines them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MIN_AGE, MAX_AGE = 18, 65
MIN_SEATS, MAX_SEATS = 3, 5
MIN_EXTRA, MAX_EXTRA = 1, 3
# An answer overdue becomes a rectification task due in this many working days (this module's
# convention: the seed says 要求村干部作出解释 and sets no further limit).
RECTIFY_DAYS = 5

# Offices of the register (村两委 and the two posts a member may not hold).
OFFICES = {
    "party_branch": "村党组织成员",
    "village_committee": "村民委员会成员",
    "secretary": "村秘书",
    "bookkeeper": "村报账员",
}
# Seed 三 (三) 5: "非村党组织、村民委员会成员及其近亲属" — a relative counts only in these two offices.
RELATIVE_OFFICES = ("party_branch", "village_committee")

# Civil Code Art. 1045: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女.
CLOSE_RELATIONS = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "sibling": "兄弟姐妹",
    "grandparent": "祖父母",
    "maternal_grandparent": "外祖父母",
    "grandchild": "孙子女",
    "maternal_grandchild": "外孙子女",
}
# Recorded, but not 近亲属: they do not disqualify.
OTHER_RELATIONS = {
    "spouse_parent": "配偶的父母",
    "spouse_sibling": "配偶的兄弟姐妹",
    "sibling_spouse": "兄弟姐妹的配偶",
    "child_spouse": "子女的配偶",
    "uncle_aunt": "叔伯姑舅姨",
    "nephew_niece": "侄甥",
    "cousin": "堂表兄弟姐妹",
    "other": "其他亲属",
}
RELATIONS = {**CLOSE_RELATIONS, **OTHER_RELATIONS}


@dataclass(frozen=True)
class Finding:
    """One reason a candidate, a list or a tally fails a rule: a stable code and a Chinese reason."""

    code: str
    reason: str


def age_on(birth_date: dt.date, as_of: dt.date) -> int:
    """Completed years on `as_of` (a birthday on 29 February falls on 1 March in common years)."""
    years = as_of.year - birth_date.year
    if (as_of.month, as_of.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def member_disqualifications(candidate: Mapping, as_of: date) -> list[Finding]:
    """Every reason the candidate may not serve on the committee; an empty list means qualified.

    Seed 三 (三) 1: 本村常住人口, 年龄65周岁以下的成年人 (18 ≤ age ≤ 65 — "以下" includes 65; the day
    a person turns 66 they are out), 有正常履行职责的身体条件. 三 (三) 4: no unexpired party or
    government discipline, no sentence or detention being served, no cult or underground religion,
    no organising of unlawful petitions. 三 (三) 5: not a member of the party branch or the village
    committee nor their 近亲属 (Civil Code Art. 1045), not the village secretary or bookkeeper.
    All findings that apply are returned, not only the first.
    """
    out: list[Finding] = []
    birth = candidate.get("birth_date")
    if birth is None:
        out.append(Finding("age", "未登记出生日期，无法确认是否为18至65周岁的成年人。"))
    else:
        age = age_on(birth, as_of)
        if age < MIN_AGE:
            out.append(Finding("age", f"未满18周岁（{age}周岁），不是成年人。"))
        elif age > MAX_AGE:
            out.append(Finding("age", f"已满{age}周岁，超过65周岁。"))
    if not candidate.get("resident", False):
        out.append(Finding("not_resident", "不是本村常住人口。"))
    if not candidate.get("fit_to_serve", False):
        out.append(Finding("unfit", "没有正常履行职责的身体条件。"))
    offices = [o for o in candidate.get("offices") or () if o in OFFICES]
    if offices:
        names = "、".join(OFFICES[o] for o in offices)
        out.append(Finding("holds_office", f"本人现任{names}，不得兼任村务监督委员会成员。"))
    close, distant = [], []
    for rel in candidate.get("relatives_in_office") or ():
        relation, office = rel.get("relation"), rel.get("office")
        if office not in RELATIVE_OFFICES:
            continue
        if relation in CLOSE_RELATIONS:
            close.append(f"{OFFICES[office]}的{CLOSE_RELATIONS[relation]}")
        else:
            distant.append(f"{OFFICES[office]}的{RELATIONS.get(relation, '其他亲属')}")
    if close:
        text = "本人是" + "、".join(close) + "，属于近亲属（民法典第一千零四十五条）。"
        if distant:
            text += "另为" + "、".join(distant) + "，不属于近亲属，不影响任职。"
        out.append(Finding("close_relative", text))
    if candidate.get("discipline_unexpired"):
        out.append(Finding("discipline", "受党纪、政纪处分尚未解除。"))
    if candidate.get("serving_sentence_or_detention"):
        out.append(Finding("sentence", "正在服刑或处于劳动教养、拘留期间。"))
    if candidate.get("cult_or_underground_religion"):
        out.append(Finding("cult", "参加过邪教组织或从事地下宗教活动。"))
    if candidate.get("petition_organiser"):
        out.append(Finding("petition", "违反信访规定，带头组织、煽动集体上访或长期无理上访。"))
    return out


def relatives_note(candidate: Mapping) -> str:
    """The sentence the qualification review shows when the candidate's only relatives in office
    are not 近亲属 (e.g. a spouse's sibling): they are recorded and do not disqualify."""
    distant = [
        f"{OFFICES[r['office']]}的{RELATIONS.get(r.get('relation'), '其他亲属')}"
        for r in candidate.get("relatives_in_office") or ()
        if r.get("office") in RELATIVE_OFFICES and r.get("relation") not in CLOSE_RELATIONS
    ]
    if not distant:
        return ""
    return "本人是" + "、".join(distant) + "，不属于民法典第一千零四十五条规定的近亲属，不影响任职。"


def check_candidate_list(seats: int, candidates: int) -> list[Finding]:
    """Seed 三 (二): the committee has 3–5 members; 三 (四) 2: the formal candidates exceed the
    seats by 1–3 (差额选举). Both findings are returned when both fail."""
    out = []
    if not MIN_SEATS <= seats <= MAX_SEATS:
        out.append(Finding("seats", f"应选名额为{seats}名，村务监督委员会应由3至5人组成。"))
    if not seats + MIN_EXTRA <= candidates <= seats + MAX_EXTRA:
        out.append(
            Finding(
                "candidates",
                f"正式候选人{candidates}名，应比应选名额{seats}名多1至3人（{seats + MIN_EXTRA}至{seats + MAX_EXTRA}名）。",
            )
        )
    return out


@dataclass(frozen=True)
class ElectionResult:
    valid: bool
    elected: list[str] = field(default_factory=list)
    runoff: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    explanation: str = ""


def tally_findings(
    seats: int, representatives_total: int, present: int, tallies: Mapping[str, int]
) -> list[Finding]:
    """Votes cannot exceed ballots: each candidate ≤ present, the total ≤ present × seats; present
    cannot exceed the representatives; counts are whole and not negative."""
    out = []
    if representatives_total <= 0:
        out.append(Finding("representatives", "村民代表总数必须大于0。"))
    if present < 0 or present > representatives_total:
        out.append(
            Finding(
                "present",
                f"参会代表{present}人，不能超过村民代表总数{representatives_total}人，也不能为负数。",
            )
        )
    for name, votes in tallies.items():
        if votes < 0:
            out.append(Finding("votes", f"{name}的得票数不能为负数。"))
        elif votes > present:
            out.append(Finding("votes", f"{name}得{votes}票，超过了发出的选票数{present}张。"))
    total = sum(v for v in tallies.values() if v > 0)
    if total > present * seats:
        out.append(
            Finding(
                "votes",
                f"总票数{total}票，超过了选票数{present}张乘以应选名额{seats}名（{present * seats}票）。",
            )
        )
    return out


def count_election(
    seats: int, representatives_total: int, present: int, tallies: Mapping[str, int]
) -> ElectionResult:
    """Seed 三 (四) 3: 三分之二（含三分之二）以上的村民代表参加选举，选举有效 — 3 × present ≥ 2 × total,
    integers only; 以得票数多的当选 — the `seats` candidates with most votes, no majority needed.
    Candidates tied for the last seat(s), so that the seats cannot be filled without breaking the
    tie, go to 另行选举 (`runoff`) and none of them is elected; everyone strictly above is elected.
    An invalid election (or a tally with more votes than ballots) elects nobody."""
    findings = tally_findings(seats, representatives_total, present, tallies)
    if findings:
        return ElectionResult(
            False,
            findings=findings,
            explanation="计票数据有误，未计算结果：" + "".join(f.reason for f in findings),
        )
    if 3 * present < 2 * representatives_total:
        need = -(-2 * representatives_total // 3)
        f = Finding(
            "quorum",
            f"参会村民代表{present}人，不足全体{representatives_total}人的三分之二（至少{need}人），选举无效。",
        )
        return ElectionResult(False, findings=[f], explanation=f.reason)
    ranked = sorted(tallies.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= seats:
        elected, runoff = [n for n, _ in ranked], []
    else:
        cutoff = ranked[seats - 1][1]
        above = [n for n, v in ranked if v > cutoff]
        at = [n for n, v in ranked if v == cutoff]
        if len(above) + len(at) <= seats:
            elected, runoff = above + at, []
        else:
            elected, runoff = above, at
    text = f"参会代表{present}人，达到全体{representatives_total}人的三分之二，选举有效；按得票数多少当选。"
    if elected:
        text += "当选：" + "、".join(elected) + "。"
    if runoff:
        text += f"{'、'.join(runoff)}得票相同（各{tallies[runoff[0]]}票），争夺剩余{seats - len(elected)}个名额，须另行选举。"
    return ElectionResult(True, elected=elected, runoff=runoff, explanation=text)


# ---- vouchers (seed 四 (一) 4: 未经村务监督委员会复核盖章的票据，乡（镇）"三资"委托代理服务中心不得入账) ----

CENT = Decimal("0.01")


def parse_amount(value) -> Decimal:
    """An amount in yuan: Decimal, at most two decimals, greater than zero. Raises ValueError with
    a Chinese message (floats are refused: they cannot hold 0.10 exactly)."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value or "").strip().replace(",", "").replace("，", "").removesuffix("元")
        if not text:
            raise ValueError("请填写金额。")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"金额“{text}”不是数字。") from None
    if not amount.is_finite():
        raise ValueError("金额不是有效数字。")
    if amount <= 0:
        raise ValueError("金额必须大于0，不能为负数或0。")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(f"金额{amount}超过两位小数，请以元为单位、保留两位小数。")
    if amount >= Decimal("1000000000"):
        raise ValueError("金额过大，请核对。")
    return amount.quantize(CENT)


def may_book(status: str) -> bool:
    """Only a voucher the committee stamped (同意) may be booked."""
    return status == "stamped"


def review_due(period_end: dt.date, cycle: str) -> dt.date:
    """The day a period's vouchers must be reviewed by: seed 四 (一) 4 — 按月或按季进行复核. The
    review of a month (or quarter) is due by the 10th of the month after the period's last day
    (a township chooses the cycle; the due day is this module's convention, stated on the page).
    `cycle` is kept for callers' clarity: the period end already carries it (period_of)."""
    year, month = period_end.year, period_end.month + 1
    if month == 13:
        year, month = year + 1, 1
    return dt.date(year, month, 10)


def period_of(day: dt.date, cycle: str) -> tuple[dt.date, dt.date]:
    """The review period (first, last day) that contains `day`: a month, or a quarter."""
    if cycle == "quarterly":
        first_month = (day.month - 1) // 3 * 3 + 1
    else:
        first_month = day.month
    first = dt.date(day.year, first_month, 1)
    last_month = first_month + (2 if cycle == "quarterly" else 0)
    nxt = dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def voucher_due(spent_on: dt.date, cycle: str) -> dt.date:
    """The day a voucher's review is due: the due day of the review period it falls in."""
    return review_due(period_of(spent_on, cycle)[1], cycle)


def overdue_before(today: dt.date, cycle: str) -> dt.date:
    """A voucher still awaiting review on `today` is overdue when it is dated before this day: the
    first day of the earliest period whose review is not yet due (the due day itself is in time)."""
    first, _ = period_of(today, cycle)
    previous_last = first - dt.timedelta(days=1)
    if today > review_due(previous_last, cycle):
        return first
    return period_of(previous_last, cycle)[0]


# ---- meetings (seed 五 (二) 2) ---------------------------------------------------------------------


@dataclass(frozen=True)
class MotionResult:
    passes: bool
    findings: list[Finding] = field(default_factory=list)
    explanation: str = ""


def motion_passes(yes: int, present: int) -> bool:
    """Seed 五 (二) 2: 实行工作例会制度……表决时，坚持少数服从多数的原则. A motion passes with more
    than half of the members present (2 × yes > present, integers): an abstention, or a member
    present who did not vote, counts as not in favour; exactly half is not a majority."""
    return present > 0 and 2 * yes > present


def count_motion(present: int, yes: int, no: int, abstain: int) -> MotionResult:
    """The vote on one motion of a committee meeting (seed 五 (二) 2, motion_passes). Votes cannot
    exceed the members present (yes + no + abstain ≤ present) and are whole and not negative; a
    count that breaks this passes nothing and names the problem."""
    findings = []
    if present <= 0:
        findings.append(Finding("present", "出席会议的成员人数必须大于0。"))
    for label, n in (("同意", yes), ("反对", no), ("弃权", abstain)):
        if n < 0:
            findings.append(Finding("votes", f"{label}票数不能为负数。"))
    if present > 0 and yes + no + abstain > present:
        findings.append(
            Finding(
                "votes",
                f"同意{yes}票、反对{no}票、弃权{abstain}票，合计{yes + no + abstain}票，超过了出席会议的成员{present}人。",
            )
        )
    if findings:
        return MotionResult(False, findings, "表决票数有误：" + "".join(f.reason for f in findings))
    need = present // 2 + 1
    if motion_passes(yes, present):
        text = f"出席{present}人，同意{yes}票，超过出席人数的半数（至少{need}票），通过。"
    else:
        text = f"出席{present}人，同意{yes}票，未超过出席人数的半数（至少需要{need}票），未通过。"
    return MotionResult(motion_passes(yes, present), [], text)


# ---- democratic evaluation (seed 五 (二) 4) ---------------------------------------------------------

RATINGS = ("satisfied", "fairly", "dissatisfied")
RATING_LABELS = {"satisfied": "满意", "fairly": "基本满意", "dissatisfied": "不满意"}


def evaluation_flagged(counts: Mapping[str, int]) -> bool:
    """民主评议: a person rated 不满意 by more than half of the representatives who rated them is
    flagged to the township (2 × dissatisfied > satisfied + fairly + dissatisfied, integers)."""
    total = sum(counts.get(r, 0) for r in RATINGS)
    return total > 0 and 2 * counts.get("dissatisfied", 0) > total


@dataclass(frozen=True)
class SubjectResult:
    subject: str
    counts: dict
    total: int
    flagged: bool
    explanation: str


def evaluation_findings(
    representatives_total: int, participants: int, tallies: Mapping[str, Mapping[str, int]]
) -> list[Finding]:
    """A tally cannot hold more ratings than ratings were handed in: for each subject, 满意 +
    基本满意 + 不满意 ≤ the representatives who took part, who cannot exceed all representatives."""
    out = []
    if representatives_total <= 0:
        out.append(Finding("representatives", "村民代表总数必须大于0。"))
    if participants <= 0 or participants > representatives_total:
        out.append(
            Finding(
                "participants",
                f"参加评议的代表{participants}人，应大于0且不能超过村民代表总数{representatives_total}人。",
            )
        )
    for subject, counts in tallies.items():
        values = [counts.get(r, 0) for r in RATINGS]
        if any(v < 0 for v in values):
            out.append(Finding("votes", f"{subject}的评议票数不能为负数。"))
        elif participants > 0 and sum(values) > participants:
            out.append(
                Finding(
                    "votes",
                    f"{subject}共{sum(values)}票（满意{values[0]}、基本满意{values[1]}、不满意{values[2]}），"
                    f"超过了参加评议的代表{participants}人。",
                )
            )
    return out


def evaluate(
    representatives_total: int, participants: int, tallies: Mapping[str, Mapping[str, int]]
) -> tuple[list[SubjectResult], list[Finding]]:
    """Seed 五 (二) 4: 由村民会议或村民代表会议对村务监督委员会的工作情况进行民主评议，对其成员进行
    测评……结果应当向全体村民公布. Each subject's ratings are counted; one with more than half 不满意
    (evaluation_flagged) is flagged to the township. A tally with more ratings than participants
    gives no results, only the findings."""
    findings = evaluation_findings(representatives_total, participants, tallies)
    if findings:
        return [], findings
    out = []
    for subject, counts in tallies.items():
        c = {r: int(counts.get(r, 0)) for r in RATINGS}
        total = sum(c.values())
        flagged = evaluation_flagged(c)
        text = f"满意{c['satisfied']}票、基本满意{c['fairly']}票、不满意{c['dissatisfied']}票"
        if total == 0:
            text += "，无人评议。"
        elif flagged:
            text += f"；不满意票超过评议票数{total}票的半数，报乡（镇）党委。"
        else:
            text += "；不满意票未超过半数。"
        out.append(SubjectResult(subject, c, total, flagged, text))
    return out, []
