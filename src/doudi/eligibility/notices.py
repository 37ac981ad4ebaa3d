"""Written notices (书面告知) as Word documents: approval (认定), refusal (不予认定, with reasons),
not accepted (不予受理, with reasons, issued by the township) and termination (终止救助供养).

The templates are docxtpl templates built here with python-docx, so the project ships no binary;
a county that wants its own letterhead puts `<kind>.docx` (same placeholders) in
DOUDI_DATA_DIR/templates/eligibility/<county code>/ (6 digits: a province-wide installation serves
many counties); one in DOUDI_DATA_DIR/templates/eligibility/ is the installation's default for
counties without their own. The text is Chinese: it is handed to the applicant.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docxtpl import DocxTemplate

from doudi.core.documents import zh_date

from .rules import GROUNDS

KINDS = ("approval", "refusal", "not_accepted", "termination")

TITLES = {
    "approval": "特困人员救助供养认定通知书",
    "refusal": "不予认定特困人员救助供养告知书",
    "not_accepted": "不予受理特困人员救助供养申请告知书",
    "termination": "终止特困人员救助供养告知书",
}

BODIES = {
    "approval": [
        "{{ name }}（身份证号：{{ id_number }}）：",
        "　　你（或受委托人{{ applicant }}）于{{ received_on }}提出的特困人员救助供养申请，经乡镇人民政府"
        "（街道办事处）调查核实、初审并在{{ village }}公示，{{ county }}民政局于{{ decided_on }}审核确认，"
        "你符合特困人员救助供养条件。",
        "　　依照《特困人员认定办法》（{{ policy }}），自{{ effective }}起给予救助供养。",
        "　　认定依据：",
        "{% for line in reasons %}　　{{ line }}\n{% endfor %}",
    ],
    "refusal": [
        "{{ name }}（身份证号：{{ id_number }}）：",
        "　　你（或受委托人{{ applicant }}）于{{ received_on }}提出的特困人员救助供养申请，经调查核实和审核，"
        "{{ county }}民政局于{{ decided_on }}决定不予认定。理由如下：",
        "{% for line in reasons %}　　{{ line }}\n{% endfor %}",
        "　　如对本决定有异议，可以自收到本告知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
    ],
    "not_accepted": [
        "{{ name }}（身份证号：{{ id_number }}）：",
        "　　你（或受委托人{{ applicant }}）于{{ received_on }}向{{ township }}人民政府（街道办事处）提出的"
        "特困人员救助供养申请，经审查，于{{ decided_on }}决定不予受理。理由如下：",
        "{% for line in reasons %}　　{{ line }}\n{% endfor %}",
        "　　符合申请条件或补齐材料后，可以再次提出申请。如对本决定有异议，可以自收到本告知书之日起六十日内"
        "依法申请行政复议，或者在六个月内依法提起行政诉讼。",
    ],
    "termination": [
        "{{ name }}（身份证号：{{ id_number }}）：",
        "　　经调查核实，你因“{{ ground }}”，不再符合特困人员救助供养条件。经{{ county }}民政局于{{ decided_on }}"
        "核准并公示，自{{ effective }}起终止救助供养。",
        "{% if referral %}　　{{ referral }}{% endif %}",
        "　　如对本决定有异议，可以自收到本告知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
    ],
}


# Who signs: the county's civil-affairs bureau decides 认定 / 不予认定 / 终止; 不予受理 is the
# township's own decision (it receives and accepts applications).
SIGNATURE = ("{{ county }}民政局", "（经办：{{ township }}人民政府）", "{{ issued_on }}")
SIGNATURES = {"not_accepted": ("{{ township }}人民政府（街道办事处）", "{{ issued_on }}")}


def build_template(kind: str) -> bytes:
    """A plain A4 template with the title, the body placeholders and the signature block."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(TITLES[kind])
    run.bold = True
    run.font.size = Pt(20)
    doc.add_paragraph("编号：{{ number }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in BODIES[kind]:
        doc.add_paragraph(line)
    doc.add_paragraph("")
    for line in SIGNATURES.get(kind, SIGNATURE):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_path(kind: str, county_code: str = "") -> Path | None:
    """The .docx a county's notice of `kind` is rendered from: the county's own, else the
    installation's, else None (the built-in template)."""
    base = Path(settings.DATA_DIR) / "templates" / "eligibility"
    for custom in (base / county_code[:6] / f"{kind}.docx" if county_code else None, base / f"{kind}.docx"):
        if custom is not None and custom.exists():
            return custom
    return None


def _template(kind: str, county_code: str = "") -> DocxTemplate:
    custom = template_path(kind, county_code)
    if custom is not None:
        return DocxTemplate(str(custom))
    return DocxTemplate(io.BytesIO(build_template(kind)))


def notice_context(case, *, kind: str, issued_on: dt.date, reasons: list[str]) -> dict:
    from doudi.registry.idcard import mask_id_number

    person = case.person
    village = person.village
    township = village.parent
    county = township.parent if township else None
    ground = GROUNDS.get(case.ground)
    return {
        "number": f"{case.received_on.year}-{case.pk:05d}",
        "name": person.name,
        "id_number": mask_id_number(person.id_number),
        "applicant": case.applicant_name or person.name,
        "received_on": zh_date(case.received_on),
        "decided_on": zh_date(case.decided_on),
        "effective": zh_date(case.effective_month),
        "issued_on": zh_date(issued_on),
        "village": village.name,
        "township": township.name if township else "",
        "county": county.name if county else "",
        "policy": {"2016": "民发〔2016〕178号", "2021": "民发〔2021〕43号"}.get(case.policy_version, ""),
        "reasons": reasons,
        "ground": ground.label if ground else "",
        "referral": case.referral_reason and f"转介提示：{case.referral_reason}。",
    }


def render_notice(case, *, kind: str, issued_on: dt.date, reasons: list[str]) -> bytes:
    if kind not in KINDS:
        raise ValueError(kind)
    tpl = _template(kind, case.person.village_id)
    tpl.render(notice_context(case, kind=kind, issued_on=issued_on, reasons=reasons))
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
