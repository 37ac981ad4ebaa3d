"""Builds the shipped default Word template of the 监护照料协议 (care/data/agreement_default.docx).

Run `python -m doudi.guardianship.agreement_template` after changing it and commit the .docx. A county
administrator can download the default, edit it in Word or WPS (keeping the {{ ... }} fields and
the {%p ... %} lines) and upload it as the county's template.

Fields available to a template (see documents.agreement_context): number, township_name,
guardian_name, guardian_relation, guardian_phone, guardian_address, category_text, committee_name,
ward_name, ward_sex, ward_id_number, ward_birth_date, ward_address, ward_capacity, basis,
all_duties (mark, title, detail, checked), duties (the ticked ones), visit_frequency, contact,
emergency_lines, other_terms, start_on, end_on, term_text, generated_on.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "agreement_default.docx"

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def _font(run_or_style, name: str, size: float | None = None, bold: bool | None = None):
    font = run_or_style.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _para(doc, text="", *, bold=False, indent=True, align=None, size=None, font=None, space_after=4):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if text:
        run = p.add_run(text)
        _font(run, font or BODY_FONT, size or 14, bold)
    return p


def _heading(doc, text):
    p = _para(doc, text, bold=True, indent=True, font=TITLE_FONT, space_after=6)
    p.paragraph_format.space_before = Pt(6)
    return p


def build(path: Path = DEFAULT_PATH) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _font(doc.styles["Normal"], BODY_FONT, 14)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.3

    _para(
        doc,
        "特困人员监护照料协议",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=22,
        font=TITLE_FONT,
        bold=True,
        space_after=6,
    )
    _para(
        doc, "协议编号：{{ number }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, size=12, space_after=12
    )

    _para(doc, "甲方（乡镇人民政府）：{{ township_name }}", indent=False)
    _para(doc, "乙方（监护人）：{{ guardian_name }}　　与被监护人关系：{{ guardian_relation }}", indent=False)
    _para(doc, "　　联系电话：{{ guardian_phone }}　　住址：{{ guardian_address }}", indent=False)
    _para(doc, "丙方（村（居）民委员会）：{{ committee_name }}", indent=False)
    _para(
        doc,
        "丁方（被监护人）：{{ ward_name }}　　性别：{{ ward_sex }}　　出生日期：{{ ward_birth_date }}",
        indent=False,
    )
    _para(doc, "　　公民身份号码：{{ ward_id_number }}", indent=False)
    _para(doc, "　　住址：{{ ward_address }}", indent=False, space_after=10)

    _para(
        doc,
        "为落实《中华人民共和国民法典》关于监护的规定，夯实对无民事行为能力和限制民事行为能力特困人员的"
        "监护照护责任，保障丁方的人身权利、财产权利和其他合法权益，经甲、乙、丙三方协商一致，确定由乙方担任"
        "丁方的监护人（{{ category_text }}），并订立本协议，共同遵守。",
    )

    _heading(doc, "一、监护依据")
    _para(doc, "丁方经认定为{{ ward_capacity }}人。{{ basis }}")

    _heading(doc, "二、监护照料职责")
    _para(doc, "乙方应当履行下列监护照料职责（“☑”为本协议约定的具体职责）：")
    _para(doc, "{%p for d in all_duties %}", indent=False)
    _para(doc, "{{ d.mark }} {{ d.title }}{% if d.checked %}：{{ d.detail }}{% endif %}")
    _para(doc, "{%p endfor %}", indent=False)
    _para(
        doc,
        "乙方应当按照最有利于被监护人的原则履行监护职责，尊重丁方的真实意愿；除为维护丁方利益外，"
        "不得处分丁方的财产，不得侵占、挪用丁方的特困供养金和救助物资。",
    )

    _heading(doc, "三、工作要求")
    _para(doc, "（一）探视频次：{{ visit_frequency }}。")
    _para(doc, "（二）联系方式：{{ contact }}。")
    _para(doc, "（三）紧急情况处置：")
    _para(doc, "{%p for line in emergency_lines %}", indent=False)
    _para(doc, "{{ line }}")
    _para(doc, "{%p endfor %}", indent=False)
    _para(doc, "{%p if other_terms %}", indent=False)
    _para(doc, "（四）其他约定：{{ other_terms }}")
    _para(doc, "{%p endif %}", indent=False)

    _heading(doc, "四、各方责任")
    _para(
        doc,
        "甲方负责按时足额发放丁方的特困供养金和照料护理补贴，组织乡镇领导和包村干部定期走访探视，"
        "对乙方履行监护照料职责的情况进行监督检查；乙方不履行或者不能履行监护职责的，依法及时更换监护人。",
    )
    _para(
        doc,
        "丙方协助甲方做好监护照料工作，经常了解丁方的生活、健康和居住安全情况，发现问题及时报告甲方，"
        "并督促乙方整改。",
    )
    _para(doc, "乙方按照本协议第二条、第三条履行职责，接受甲方、丙方和丁方亲友的监督。")

    _heading(doc, "五、协议期限")
    _para(
        doc,
        "本协议期限为{{ term_text }}，自{{ start_on }}起至{{ end_on }}止。期满前三十日内，各方协商续签；"
        "期间出现《民法典》第三十六条、第三十九条规定情形的，由甲方依法处理，本协议相应终止。",
    )

    _heading(doc, "六、其他")
    _para(
        doc,
        "本协议未尽事宜，由各方协商解决。本协议一式四份，甲、乙、丙、丁方各执一份，自各方签字（盖章）之日起生效。",
        space_after=18,
    )

    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = [
        ("甲方（盖章）：", "代表人（签字）："),
        ("乙方（签字）：", "日期：　　　年　　月　　日"),
        ("丙方（盖章）：", "代表人（签字）："),
        ("丁方（签字或捺印）：", "日期：　　　年　　月　　日"),
    ]
    for index, (first, second) in enumerate(cells):
        cell = table.cell(index // 2, index % 2)
        cell.paragraphs[0].paragraph_format.space_after = Pt(24)
        _font(cell.paragraphs[0].add_run(first), BODY_FONT, 14)
        p = cell.add_paragraph()
        p.paragraph_format.space_after = Pt(30)
        _font(p.add_run(second), BODY_FONT, 14)

    _para(
        doc,
        "（本协议由兜底平台于{{ generated_on }}生成）",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        size=10,
        space_after=0,
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    out = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH)
    print(out)
