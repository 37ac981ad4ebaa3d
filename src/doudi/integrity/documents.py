"""The campaign's summary report (总结报告, seed 第四篇 四 (五)) as .docx and .xlsx: per unit and
in total — forms filed, 小金库 found by self-check and by inspection, amounts, corrected, handled,
rectified, transferred to the lawful books — and the sources and uses of the funds found.
Built with python-docx (like oversight/documents.py) and core.tabular.write_xlsx."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from doudi.core import tabular
from doudi.core.documents import zh_date

from . import rules, selectors

FONT = "SimSun"
HEADERS = [
    "单位",
    "报告表",
    "自查发现（笔）",
    "自查发现金额（元）",
    "自查已纠正金额（元）",
    "检查发现（个）",
    "检查发现金额（元）",
    "从轻",
    "处罚",
    "从重",
    "已整改立项",
    "转入账簿金额（元）",
]


@dataclass
class Row:
    unit: str
    filed: bool = False
    self_count: int = 0
    self_amount: Decimal = Decimal(0)
    self_corrected: Decimal = Decimal(0)
    found: int = 0
    found_amount: Decimal = Decimal(0)
    categories: Counter = field(default_factory=Counter)
    rectified: int = 0
    transferred: Decimal = Decimal(0)

    def cells(self) -> list:
        return [
            self.unit,
            "已报" if self.filed else "未报",
            self.self_count,
            self.self_amount,
            self.self_corrected,
            self.found,
            self.found_amount,
            self.categories["lenient"],
            self.categories["penalty"],
            self.categories["severe"],
            self.rectified,
            self.transferred,
        ]


def summary(user, campaign) -> tuple[list[Row], Row, Counter, Counter]:
    rows, total = [], Row("合计")
    sources, uses = Counter(), Counter()
    for entry in selectors.campaign_entries(user, campaign).prefetch_related("lines", "findings"):
        row = Row(entry.unit.name, filed=entry.submitted_at is not None)
        for line in entry.lines.all():
            if line.found:
                row.self_count += line.count
                row.self_amount += line.amount
                row.self_corrected += line.corrected
        for f in entry.findings.all():
            row.found += 1
            row.found_amount += f.amount
            row.categories[f.category] += 1
            row.rectified += 1 if f.task_id else 0
            row.transferred += f.transferred_amount or 0
            sources[f.source_of_funds or "未注明"] += f.amount
            uses[f.use_of_funds or "未注明"] += f.amount
        rows.append(row)
    for row in rows:
        total.filed = False
        total.self_count += row.self_count
        total.self_amount += row.self_amount
        total.self_corrected += row.self_corrected
        total.found += row.found
        total.found_amount += row.found_amount
        total.categories.update(row.categories)
        total.rectified += row.rectified
        total.transferred += row.transferred
    return rows, total, sources, uses


def summary_xlsx(user, campaign) -> bytes:
    rows, total, sources, uses = summary(user, campaign)
    filed = sum(1 for r in rows if r.filed)
    total_cells = total.cells()
    total_cells[1] = f"{filed}/{len(rows)}"
    out = io.BytesIO()
    tabular.write_xlsx(
        out,
        "总结",
        HEADERS,
        [r.cells() for r in rows] + [total_cells],
        title=f"{campaign.title}总结报告（{zh_date(timezone.localdate())}）",
        widths={0: 40},
        notes=[f"资金来源：{k} {v} 元" for k, v in sources.items()]
        + [f"资金去向：{k} {v} 元" for k, v in uses.items()],
        notes_sheet="来源与去向",
    )
    return out.getvalue()


def _run(paragraph, text, *, bold=False, size=12):
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def summary_docx(user, campaign) -> bytes:
    rows, total, sources, uses = summary(user, campaign)
    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"{campaign.title}总结报告", bold=True, size=18)
    filed = sum(1 for r in rows if r.filed)
    _run(
        doc.add_paragraph(),
        f"本次专项治理范围内共{len(rows)}个单位，已报送自查自纠情况报告表{filed}个，未报送{len(rows) - filed}个。"
        f"自查发现“小金库”{total.self_count}笔，金额{total.self_amount}元，已纠正{total.self_corrected}元；"
        f"检查发现问题{total.found}个，金额{total.found_amount}元，其中从轻从宽处理{total.categories['lenient']}个、"
        f"依法处罚{total.categories['penalty']}个、从重处理{total.categories['severe']}个；"
        f"已立项整改{total.rectified}个，转入符合规定的单位账簿{total.transferred}元。",
    )
    _run(doc.add_paragraph(), "一、各单位情况", bold=True, size=14)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for i, h in enumerate(HEADERS):
        table.rows[0].cells[i].text = h
    for row in rows + [total]:
        cells = table.add_row().cells
        values = row.cells()
        if row is total:
            values[1] = f"{filed}/{len(rows)}"
        for i, v in enumerate(values):
            cells[i].text = str(v)
    _run(doc.add_paragraph(), "二、“小金库”的来源、去向", bold=True, size=14)
    for label, counter in (("来源", sources), ("去向", uses)):
        text = "；".join(f"{k}{v}元" for k, v in counter.most_common()) or "无"
        _run(doc.add_paragraph(), f"资金{label}：{text}。")
    _run(doc.add_paragraph(), "三、处理情况", bold=True, size=14)
    for key, label in rules.CATEGORIES.items():
        _run(doc.add_paragraph(), f"{label}：{total.categories[key]}个。")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, zh_date(timezone.localdate()))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
