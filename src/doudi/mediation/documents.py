"""The 人民调解协议书 of a settled dispute, rendered from the shipped docxtpl template
(agreement_template.py). The paper is Chinese: the parties sign it. It carries the parties' full
ID numbers, as the agreement must identify them; generating it is recorded as a view
(services.agreement_generated)."""

from __future__ import annotations

import io

from docxtpl import DocxTemplate

from doudi.core.documents import zh_date

from .agreement_template import DEFAULT_PATH
from .models import Dispute, Party, Tier

SEX = {"M": "男", "F": "女"}


def _sex(number: str) -> str:
    if len(number) == 18 and number[16].isdigit():
        return "男" if int(number[16]) % 2 else "女"
    return ""


def agreement_context(dispute: Dispute) -> dict:
    parties = [
        {
            "side": "申请人" if p.side == Party.Side.APPLICANT else "被申请人",
            "name": p.name,
            "sex": _sex(p.id_number),
            "id_number": p.id_number or "——",
            "phone": p.phone or "——",
            "address": p.address or "——",
        }
        for p in dispute.parties.all()
    ]
    committee = dispute.settled_tier or dispute.tier
    if committee == Tier.VILLAGE:
        committee_name = f"{dispute.village.name}人民调解委员会"
    elif committee == Tier.TOWNSHIP:
        committee_name = f"{dispute.village.parent.name}人民调解委员会"
    else:
        committee_name = str(Tier(committee).label)
    return {
        "number": dispute.number,
        "committee_name": committee_name,
        "tier_text": {"village": "村级调解", "township": "乡镇调解"}.get(committee, "县级及以上"),
        "parties": parties,
        "kind": dispute.get_kind_display(),
        "place": dispute.place or "——",
        "occurred_on": zh_date(dispute.occurred_on),
        "description": dispute.description,
        "terms": dispute.terms,
        "mediator_name": dispute.mediator_name,
        "concluded_on": zh_date(dispute.concluded_on),
        "copies": len(parties) + 1,
    }


def agreement_docx(dispute: Dispute) -> bytes:
    tpl = DocxTemplate(str(DEFAULT_PATH))
    tpl.render(agreement_context(dispute), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
