"""The plan's progress as .xlsx (every task, target and township) and the 试点工作总结报告 as .docx.

Both read what the user sees (selectors.plan_progress), so a township's export holds its own
reports only. Built with xlsxwriter (core.tabular.write_xlsx) and python-docx, like
oversight/documents.py.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from doudi.core.documents import zh_date
from doudi.core.tabular import write_xlsx

from . import selectors

FONT, TITLE_FONT = "SimSun", "SimHei"


def _num(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def progress_xlsx(user, plan, today: date) -> bytes:
    rows_ = selectors.plan_progress(user, plan, today)
    statuses, warnings = selectors.status_labels(), selectors.warning_labels()
    headers = [
        "编号",
        "任务",
        "阶段",
        "牵头单位",
        "完成时限",
        "状态",
        "预警",
        "报告数",
        "指标",
        "计量单位",
        "基数",
        "目标值",
        "目标期限",
        "按线性进度应达",
        "最新值",
        "进度",
        "落后",
    ]
    out = []
    for r in rows_:
        base = [
            r.task.number,
            r.task.title,
            r.task.phase.name if r.task.phase else "",
            "、".join(r.lead),
            r.task.deadline.isoformat() if r.task.deadline else "",
            statuses[r.status],
            warnings.get(r.warning, ""),
            r.reports,
        ]
        if not r.targets:
            out.append(base + [""] * 9)
        for g in r.targets:
            t = g.target
            out.append(
                base
                + [
                    t.metric,
                    t.measure,
                    _num(t.baseline),
                    _num(t.value),
                    t.by.isoformat() if t.by else "",
                    _num(g.trajectory.expected),
                    _num(g.value),
                    f"{g.percent}%",
                    "是" if g.trajectory.behind else "",
                ]
            )
    buf = io.BytesIO()
    write_xlsx(buf, "进度", headers, out, title=f"{plan.title}（{zh_date(today)}）", text_columns=(0,))
    return buf.getvalue()


def _run(p, text, *, bold=False, size=12, font=FONT):
    run = p.add_run(text)
    run.bold, run.font.size, run.font.name = bold, Pt(size), font
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    return run


def summary_docx(user, plan, today: date) -> bytes:
    """试点工作总结报告: the phases, each task's status and targets, the evaluations, the acceptance."""
    rows_ = selectors.plan_progress(user, plan, today)
    statuses = selectors.status_labels()
    counts = selectors.status_counts(rows_)
    doc = Document()
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"{plan.title}\n试点工作总结报告", bold=True, size=18, font=TITLE_FONT)
    _run(doc.add_paragraph(), f"（截至{zh_date(today)}）")
    _run(doc.add_paragraph(), "一、总体情况", bold=True, size=14, font=TITLE_FONT)
    _run(
        doc.add_paragraph(),
        f"方案共有任务{len(rows_)}项，其中已完成{counts['done']}项、进行中{counts['in_progress']}项、"
        f"未开始{counts['not_started']}项、逾期{counts['overdue']}项。",
    )
    _run(doc.add_paragraph(), "二、阶段安排", bold=True, size=14, font=TITLE_FONT)
    for ph in plan.phases.all():
        _run(doc.add_paragraph(), f"{ph.name}：{zh_date(ph.start)}至{zh_date(ph.end)}。")
    _run(doc.add_paragraph(), "三、任务进展", bold=True, size=14, font=TITLE_FONT)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for c, h in enumerate(["编号", "任务", "牵头单位", "状态", "目标完成情况"]):
        table.rows[0].cells[c].text = h
    for r in rows_:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = (
            r.task.number,
            r.task.title,
            "、".join(r.lead),
            statuses[r.status],
        )
        cells[4].text = "；".join(
            f"{g.target.metric}{_num(g.value) or '—'}/{_num(g.target.value)}{g.target.measure}"
            for g in r.targets
        )
    evaluations = [e for r in rows_ for e in r.task.evaluations.all()]
    if evaluations:
        _run(doc.add_paragraph(), "四、评估情况", bold=True, size=14, font=TITLE_FONT)
        for e in evaluations:
            _run(
                doc.add_paragraph(),
                f"任务{e.task.number}{e.get_kind_display()}：{e.score}分（{e.evaluator}）。{e.comments}",
            )
    if plan.accepted_on:
        _run(doc.add_paragraph(), "五、考核验收", bold=True, size=14, font=TITLE_FONT)
        _run(doc.add_paragraph(), f"{zh_date(plan.accepted_on)}通过考核验收。{plan.acceptance_notes}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
