"""The committee's papers: the filing form (村务监督委员会成员备案表) sent to the township
discipline commission and the yearly work report (工作报告, seed 五 (二) 3) as .docx, and the work
ledger (工作台账, seed 五 (二) 5) as .xlsx.

python-docx directly, like oversight/documents.py: tables whose rows come from data. Chinese text:
these are official papers. ID numbers are masked on them (the commission has the full register).
The report and the ledger read selectors.year_records, so they hold what the user may see.
"""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from doudi.core.documents import zh_date
from doudi.core.tabular import Sheet, write_sheets
from doudi.registry.idcard import mask_id_number

from . import rules

FONT = "SimSun"


def filing_docx(committee) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(f"{committee.village.name}村务监督委员会成员备案表")
    run.bold, run.font.size = True, Pt(18)
    doc.add_paragraph(
        f"届次：{committee.term}年起；任期至{zh_date(committee.term_end)}（与村民委员会任期相同）。"
        f"应选{committee.seats}名。"
    )
    doc.add_paragraph(
        f"选举日期：{zh_date(committee.held_on)}；村民代表{committee.representatives_total}人，"
        f"参加选举{committee.present}人。"
    )
    doc.add_paragraph(committee.explanation)
    elected = [c for c in committee.candidates.all() if c.elected]
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["姓名", "职务", "身份证号", "政治面貌", "提名方式", "得票数"], strict=True
    ):
        cell.text = text
    for c in sorted(elected, key=lambda c: (not c.chair, -(c.votes or 0))):
        row = table.add_row().cells
        row[0].text = c.name
        row[1].text = "主任" if c.chair else "委员"
        row[2].text = mask_id_number(c.id_number)
        row[3].text = "中共党员" if c.party_member else "群众"
        row[4].text = str(c.get_nomination_display())
        row[5].text = str(c.votes or 0)
    doc.add_paragraph("")
    doc.add_paragraph("村党组织（盖章）：                    报送日期：")
    doc.add_paragraph("乡（镇）纪委备案意见：")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- the yearly work report and the work ledger ----------------------------------------------------


def _doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _heading(doc, text):
    run = doc.add_paragraph().add_run(text)
    run.bold, run.font.size = True, Pt(14)


def _table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = str(text)


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def _money(amount) -> str:
    return f"{amount:,.2f}"


def summary(records: dict) -> dict:
    """The year's numbers the report states (and the page shows before downloading)."""
    vs, inq = records["vouchers"], records["inquiries"]
    reviewed = [v for v in vs if v.status != "pending"]
    answered = [q for q in inq if q.answered_on]
    return {
        "meetings": len(records["meetings"]),
        "regular": sum(1 for m in records["meetings"] if m.kind == "regular"),
        "motions": len(records["motions"]),
        "passed": sum(1 for m in records["motions"] if m.passed),
        "vouchers": len(vs),
        "reviewed": len(reviewed),
        "in_time": sum(1 for v in reviewed if v.in_time),
        "stamped": sum(1 for v in vs if v.status == "stamped"),
        "questioned": sum(1 for v in vs if v.status == "questioned"),
        "disputed": sum(1 for v in vs if v.status in ("disputed", "rejected") or v.meeting_decision),
        "amount_reviewed": sum((v.amount for v in reviewed), start=0),
        "inquiries": len(inq),
        "by_kind": {k: sum(1 for q in inq if q.kind == k) for k in ("inquiry", "recheck", "suggestion")},
        "answered": len(answered),
        "answered_late": sum(1 for q in answered if q.answered_on > q.due_on),
        "unanswered": len(inq) - len(answered),
        "openness": len(records["openness"]),
    }


def work_report_docx(records: dict) -> bytes:
    """村务监督委员会年度工作报告 to the branch and the villagers' (representative) meeting (seed 五
    (二) 3), generated from the year's records; the closing section is left for the committee."""
    village, year, n = records["village"], records["year"], summary(records)
    doc = _doc()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(f"{village.name}村务监督委员会{year}年度工作报告")
    run.bold, run.font.size = True, Pt(18)
    doc.add_paragraph("村党组织、村民代表会议：")
    doc.add_paragraph(
        f"根据村务监督委员会工作报告制度，现将本委员会{year}年度履行监督职责的情况报告如下。"
        "以下数字均由村务监督工作台账自动汇总。"
    )
    _heading(doc, "一、组成情况")
    people = (
        "、".join(f"{m.name}（{'主任' if m.chair else '委员'}）" for m in records["members"]) or "（未登记）"
    )
    doc.add_paragraph(
        f"本届村务监督委员会（{records['committee'].term}年起，任期至{zh_date(records['committee'].term_end)}）成员：{people}。"
    )
    _heading(doc, "二、工作例会")
    doc.add_paragraph(
        f"全年召开会议{n['meetings']}次（其中例会{n['regular']}次），表决事项{n['motions']}项，"
        f"经出席成员过半数同意通过{n['passed']}项。"
    )
    if records["motions"]:
        _table(
            doc,
            ["会议日期", "表决事项", "出席", "同意", "反对", "弃权", "结果"],
            [
                [
                    f"{m.meeting.held_on:%Y-%m-%d}",
                    m.title,
                    m.present,
                    m.yes,
                    m.no,
                    m.abstain,
                    "通过" if m.passed else "未通过",
                ]
                for m in records["motions"]
            ],
        )
    _heading(doc, "三、财务监督（凭证复核）")
    doc.add_paragraph(
        f"本年度村级支出凭证{n['vouchers']}张，已复核{n['reviewed']}张、金额{_money(n['amount_reviewed'])}元，"
        f"其中按期复核{n['in_time']}张；同意盖章{n['stamped']}张，存疑{n['questioned']}张，"
        f"提请村民代表会议讨论{n['disputed']}张。未经复核盖章的凭证一律不得入账。"
    )
    _heading(doc, "四、质询、复核和建议")
    k = n["by_kind"]
    doc.add_paragraph(
        f"提出质询{k['inquiry']}件、复核要求{k['recheck']}件、建议{k['suggestion']}件，共{n['inquiries']}件；"
        f"已书面答复{n['answered']}件（其中逾期答复{n['answered_late']}件），尚未答复{n['unanswered']}件。"
    )
    if records["inquiries"]:
        _table(
            doc,
            ["提出日期", "类别", "事项", "答复期限", "答复日期"],
            [
                [
                    f"{q.asked_on:%Y-%m-%d}",
                    q.get_kind_display(),
                    q.subject,
                    f"{q.due_on:%Y-%m-%d}",
                    f"{q.answered_on:%Y-%m-%d}" if q.answered_on else "未答复",
                ]
                for q in records["inquiries"]
            ],
        )
    _heading(doc, "五、村务公开")
    doc.add_paragraph(f"经本委员会审核后公开的村务事项{n['openness']}项。")
    if records["openness"]:
        _table(
            doc,
            ["公开日期", "类别", "标题"],
            [[_day(i.published_at), i.get_category_display(), i.title] for i in records["openness"]],
        )
    _heading(doc, "六、民主评议")
    ev = records["evaluation"]
    if ev is None or ev.recorded_at is None:
        doc.add_paragraph("本年度尚未录入民主评议结果。")
    else:
        doc.add_paragraph(
            f"{zh_date(ev.held_on)}，村民代表{ev.representatives_total}人中{ev.participants}人参加民主评议，结果如下"
            f"（{'已向全体村民公布' if ev.published_at else '尚未公布'}）。"
        )
        _table(
            doc,
            ["评议对象", "职务", "满意", "基本满意", "不满意", "说明"],
            [
                [s.name, s.role, s.satisfied or 0, s.fairly or 0, s.dissatisfied or 0, s.explanation]
                for s in records["subjects"]
            ],
        )
    _heading(doc, "七、存在的问题和下一年度工作打算")
    doc.add_paragraph("　" * 20)
    doc.add_paragraph("")
    doc.add_paragraph(f"{village.name}村务监督委员会　　　　　　　　{zh_date(None)}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def work_ledger_xlsx(records: dict) -> bytes:
    """工作台账: one sheet per kind of record, every row as recorded (seed 五 (二) 5: 认真、如实记录
    工作情况，以备查阅)."""
    ratings = rules.RATING_LABELS
    sheets = [
        Sheet(
            "会议记录",
            ["会议日期", "类型", "出席成员", "列席人员", "会议纪要", "记录人"],
            [
                [
                    m.held_on,
                    m.get_kind_display(),
                    "、".join(a.name for a in m.attendees.all()),
                    m.guests,
                    m.minutes,
                    str(m.recorded_by),
                ]
                for m in records["meetings"]
            ],
            widths={4: 50},
        ),
        Sheet(
            "表决事项",
            ["会议日期", "表决事项", "出席人数", "同意", "反对", "弃权", "结果", "说明"],
            [
                [
                    m.meeting.held_on,
                    m.title,
                    m.present,
                    m.yes,
                    m.no,
                    m.abstain,
                    "通过" if m.passed else "未通过",
                    m.explanation,
                ]
                for m in records["motions"]
            ],
            widths={1: 40, 7: 50},
        ),
        Sheet(
            "凭证复核",
            [
                "凭证号",
                "日期",
                "收款人",
                "金额（元）",
                "用途",
                "复核结果",
                "复核人",
                "复核时间",
                "复核期限",
                "按期",
                "理由",
                "入账日期",
            ],
            [
                [
                    v.number,
                    v.spent_on,
                    v.payee,
                    f"{v.amount:.2f}",
                    v.purpose,
                    v.get_status_display(),
                    str(v.reviewed_by) if v.reviewed_by_id else "",
                    f"{timezone.localtime(v.reviewed_at):%Y-%m-%d %H:%M}" if v.reviewed_at else "",
                    v.due,
                    ("是" if v.in_time else "否") if v.reviewed_at else "",
                    v.review_reason,
                    _day(v.booked_at),
                ]
                for v in records["vouchers"]
            ],
            text_columns=(0, 3),
        ),
        Sheet(
            "质询复核建议",
            ["提出日期", "类别", "事项", "内容", "答复期限", "答复日期", "书面答复"],
            [
                [
                    q.asked_on,
                    q.get_kind_display(),
                    q.subject,
                    q.question,
                    q.due_on,
                    q.answered_on or "未答复",
                    q.answer,
                ]
                for q in records["inquiries"]
            ],
            widths={3: 40, 6: 40},
        ),
        Sheet(
            "村务公开",
            ["公开日期", "类别", "标题", "期间"],
            [
                [_day(i.published_at), i.get_category_display(), i.title, i.period]
                for i in records["openness"]
            ],
        ),
        Sheet(
            "民主评议",
            [
                "评议对象",
                "职务",
                ratings["satisfied"],
                ratings["fairly"],
                ratings["dissatisfied"],
                "报乡镇",
                "说明",
            ],
            [
                [
                    s.name,
                    s.role,
                    s.satisfied or 0,
                    s.fairly or 0,
                    s.dissatisfied or 0,
                    "是" if s.flagged else "",
                    s.explanation,
                ]
                for s in records["subjects"]
            ],
            widths={6: 50},
        ),
    ]
    buf = io.BytesIO()
    write_sheets(buf, sheets)
    return buf.getvalue()
