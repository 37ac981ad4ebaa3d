"""Builds the shipped Word template of the 人民调解协议书 (mediation/data/agreement_default.docx).

Run `python -m doudi.mediation.agreement_template` after changing it and commit the .docx. The
fields follow the form of the 人民调解协议书 (人民调解法 第29条: the parties' basic facts, the
main facts of the dispute and the points at issue, the agreed content, the term and manner of
fulfilment; signed by the parties and the mediator, stamped by the committee). documents.py
fills it with docxtpl.

Fields: number, committee_name, parties (side, name, sex, id_number, phone, address), kind,
place, occurred_on, description, terms, mediator_name, concluded_on, tier_text, copies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "agreement_default.docx"
FONT = "仿宋"


def _font(style, size=14):
    style.font.name = FONT
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def build(path: Path = DEFAULT_PATH) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _font(doc.styles["Normal"])
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("人民调解协议书")
    run.bold, run.font.size = True, Pt(22)
    p = doc.add_paragraph("编号：{{ number }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("调解组织：{{ committee_name }}（{{ tier_text }}）")
    doc.add_paragraph("当事人基本情况：")
    doc.add_paragraph("{%p for p in parties %}")
    doc.add_paragraph(
        "{{ p.side }}：{{ p.name }}，{{ p.sex }}，身份证号：{{ p.id_number }}，联系电话：{{ p.phone }}，住址：{{ p.address }}"
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("纠纷类型：{{ kind }}；发生时间：{{ occurred_on }}；发生地点：{{ place }}")
    doc.add_paragraph("纠纷主要事实、争议事项：")
    doc.add_paragraph("{{ description }}")
    doc.add_paragraph("经调解，双方当事人自愿达成如下协议：")
    doc.add_paragraph("{{ terms }}")
    doc.add_paragraph(
        "本协议经双方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章后生效。"
        "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
        "双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
    )
    doc.add_paragraph("本协议一式{{ copies }}份，当事人、人民调解委员会各持一份。")
    doc.add_paragraph("")
    doc.add_paragraph("当事人（签名）：                              当事人（签名）：")
    doc.add_paragraph("人民调解员（签名）：{{ mediator_name }}")
    doc.add_paragraph("（人民调解委员会印章）")
    end = doc.add_paragraph("{{ concluded_on }}")
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH))
