"""The inspection report (督查情况报告) and the circular (通报) as Word documents.

Built with python-docx directly rather than a docxtpl template: both are tables whose rows come
from data, with no county-specific wording to edit yet (a template can replace this later, as
care/agreement_template.py does for agreements). The text is Chinese: these are official papers.
PDF, where LibreOffice is installed, through core.documents.convert_to_pdf.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from doudi.core.documents import zh_date

FONT = "SimSun"
TITLE_FONT = "SimHei"


def _doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc, text):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = TITLE_FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)


def _heading(doc, text):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(14)
    run.font.name = TITLE_FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), TITLE_FONT)


def _table(doc, header, rows, widths=None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    if widths:
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    doc.add_paragraph()  # breathing room before the next heading
    return table


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _unit(inspection) -> str:
    if inspection.institution:
        return f"{inspection.region.name}{inspection.institution.name}"
    return inspection.region.name


def inspection_report(inspection, findings) -> bytes:
    findings = list(findings)
    problems = [f for f in findings if not f.ok]
    doc = _doc()
    _title(doc, f"{_unit(inspection)}督查情况报告")
    doc.add_paragraph(f"督查批次：{inspection.round}")
    doc.add_paragraph(
        f"督查对象：{_unit(inspection)}　　督查日期：{zh_date(inspection.inspected_on or inspection.planned_on)}"
        f"　　督查人员：{inspection.inspector}"
    )
    doc.add_paragraph(f"检查清单：{inspection.checklist.name}")
    _heading(doc, "一、总体情况")
    doc.add_paragraph(
        f"本次督查共检查{len(findings)}项，符合{len(findings) - len(problems)}项，"
        f"不符合{len(problems)}项。" + (inspection.summary or "")
    )
    _heading(doc, "二、逐项检查结果")
    _table(
        doc,
        ["序号", "检查项目", "结果", "发现的问题", "涉及对象"],
        [
            (n, f.item.title, "符合" if f.ok else "不符合", f.note or "—", f.person.name if f.person else "—")
            for n, f in enumerate(findings, start=1)
        ],
        widths=[1.2, 4.5, 1.8, 6.5, 2.5],
    )
    _heading(doc, "三、整改要求")
    if problems:
        doc.add_paragraph("对以下问题，责任乡镇须在期限内整改到位，并上传整改佐证后销号：")
        _table(
            doc,
            ["序号", "问题", "责任人", "整改期限", "状态"],
            [
                (
                    n,
                    f"{f.item.title}：{f.note}",
                    str(f.task.owner) if f.task else "—",
                    zh_date(f.task.deadline) if f.task else "—",
                    ("已销号" if f.task.status == "closed" else "整改中") if f.task else "—",
                )
                for n, f in enumerate(problems, start=1)
            ],
            widths=[1.2, 8, 2.4, 3.2, 1.8],
        )
    else:
        doc.add_paragraph("本次督查未发现需要整改的问题。")
    p = doc.add_paragraph(f"\n{zh_date(dt.date.today())}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


def circular(*, issuer: str, round: str, ranking, details) -> bytes:
    """通报: townships ranked best first; the best are named for praise, the worst for criticism.
    `details` maps a township code to its list of problem findings."""
    doc = _doc()
    _title(doc, f"关于{round or '特困人员监护照护督查'}情况的通报")
    doc.add_paragraph("各乡镇人民政府、街道办事处：")
    units = sum(r.units for r in ranking)
    problems = sum(r.problems for r in ranking)
    open_tasks = sum(r.open_tasks for r in ranking)
    overdue = sum(r.overdue_tasks for r in ranking)
    doc.add_paragraph(
        f"　　为推动特困人员监护照护各项工作落实，{issuer}组织开展了督导检查，共检查{len(ranking)}个乡镇（街道）"
        f"{units}个单位，发现问题{problems}个；截至{zh_date(dt.date.today())}，尚未整改销号{open_tasks}个，"
        f"其中超过整改期限{overdue}个。现将有关情况通报如下："
    )
    _heading(doc, "一、各乡镇（街道）排名")
    _table(
        doc,
        ["名次", "乡镇（街道）", "检查单位数", "发现问题数", "每单位问题数", "未销号", "逾期未整改"],
        [
            (n, r.name, r.units, r.problems, f"{r.per_unit:.1f}", r.open_tasks, r.overdue_tasks)
            for n, r in enumerate(ranking, start=1)
        ],
    )
    # Praise those at or better than the county average with nothing overdue; criticise those worse
    # than the average or with overdue rectifications (seed document 1: 通报表扬 / 通报批评).
    average = problems / units if units else 0
    good = [r for r in ranking if r.per_unit <= average and r.overdue_tasks == 0][:3]
    poor = [r for r in reversed(ranking) if r not in good and (r.per_unit > average or r.overdue_tasks)][:3]
    _heading(doc, "二、表现较好的乡镇（街道）")
    if good:
        doc.add_paragraph(
            "　　" + "、".join(r.name for r in good) + "工作扎实，问题较少、整改及时，予以通报表扬。"
        )
    else:
        doc.add_paragraph("　　本次督查无。")
    _heading(doc, "三、问题较多的乡镇（街道）")
    if poor:
        for r in poor:
            doc.add_paragraph(
                f"　　{r.name}：检查{r.units}个单位，发现问题{r.problems}个，未销号{r.open_tasks}个，"
                f"逾期未整改{r.overdue_tasks}个。主要问题："
            )
            for f in details.get(r.code, [])[:5]:
                doc.add_paragraph(f"　　· {f.item.title}：{f.note}")
        doc.add_paragraph("　　以上乡镇（街道）予以通报批评，须在整改期限内全部整改到位。")
    else:
        doc.add_paragraph("　　本次督查无。")
    _heading(doc, "四、工作要求")
    doc.add_paragraph(
        "　　各乡镇（街道）要对照本通报逐项整改，对落实监护、保障和服务责任不到位的及时更换监护人；"
        "整改完成后在平台上传佐证销号。县民政局将对整改情况进行复查。"
    )
    p = doc.add_paragraph(f"\n{issuer}\n{zh_date(dt.date.today())}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)
