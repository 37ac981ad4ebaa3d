"""The filing form (村务监督委员会成员备案表) sent to the township discipline commission, as .docx.

python-docx directly, like oversight/documents.py: a table whose rows come from data. Chinese text:
it is an official paper. ID numbers are masked on it (the commission has the full register).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from doudi.core.documents import zh_date
from doudi.registry.idcard import mask_id_number

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
