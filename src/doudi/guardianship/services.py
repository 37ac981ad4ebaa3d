"""Writes for guardianship: candidates, consents, confirmation, agreements, replacement, templates.

Each function is `<entity>_<action>(*, actor, ...)`, atomic, checks the actor's capability and
area, calls the rules, and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core import documents as core_documents
from doudi.core.models import Region
from doudi.core.scope import in_scope, within
from doudi.core.services import upload_store
from doudi.registry.models import CivilCapacity, Person, PersonStatus

from . import documents, permissions
from .models import (
    Agreement,
    AgreementTemplate,
    CandidateKind,
    GuardianCandidate,
    GuardianConsent,
    Guardianship,
    ReplacementCase,
)
from .rules import (
    GUARDIAN_KIND_ZH,
    GuardianCategory,
    GuardianProposal,
    ReplacementGround,
    agreement_duty_list,
    agreement_term_problems,
    determine_guardian,
    ground_article,
)

NEEDS_GUARDIAN = (CivilCapacity.NONE, CivilCapacity.LIMITED)
SCAN_MAX_BYTES = 10 * 1024 * 1024
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024

CANDIDATE_FIELDS = [
    "kind",
    "name",
    "relation",
    "relative_person",
    "age",
    "health",
    "phone",
    "address",
    "able",
    "reason_unable",
    "willing",
    "hostile",
    "elder",
    "position",
    "notes",
]
AGREEMENT_TERMS = [
    "duties",
    "visit_frequency",
    "contact",
    "emergency_steps",
    "other_terms",
    "start_on",
    "end_on",
    "guardian_phone",
    "guardian_address",
]


# ---- checks ---------------------------------------------------------------------------------


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, person: Person):
    # Views look records up through the scope already; services check again so jobs, the API
    # and future callers cannot act outside the actor's area either.
    if not (actor.is_superuser or in_scope(actor, person.village_id)):
        raise PermissionDenied(_("This person is not in your area."))


def needs_guardian(person: Person) -> bool:
    return person.civil_capacity in NEEDS_GUARDIAN and person.status != PersonStatus.TERMINATED


# ---- names of the parties -----------------------------------------------------------------------


def residence_of(village: Region) -> str:
    """ "community" (居民委员会) or "village" (村民委员会), for the rules' committee name."""
    if village.name.endswith(("社区", "居委会")):
        return "community"
    if village.name.endswith("村"):
        return "village"
    return "community" if village.is_urban else "village"


def committee_name(village: Region) -> str:
    name = village.name
    if residence_of(village) == "community":
        return name if name.endswith("居委会") else f"{name}居民委员会"
    return f"{name}民委员会" if name.endswith("村") else f"{name}村民委员会"


def township_government(village: Region) -> str:
    township = village.parent
    if township is None:
        return ""
    if township.name.endswith("街道"):
        return f"{township.name}办事处"
    return f"{township.name}人民政府"


# ---- the proposal -------------------------------------------------------------------------------


@dataclass
class PersonProposal:
    """What the system proposes for a ward now.

    The proposal assumes consent will be given where it has not been decided yet: an individual
    or organisation willing to serve (category Ⅱ) ranks before the committee (《民法典》第二十八条,
    第三十二条), so the clerk should seek the consent rather than fall through to category Ⅲ.
    `awaiting_consent` says the proposed guardian cannot be confirmed until it is recorded."""

    proposal: GuardianProposal
    candidates: dict[int, GuardianCandidate]
    awaiting_consent: bool

    @property
    def candidate(self) -> GuardianCandidate | None:
        return self.candidates.get(self.proposal.candidate_id)

    def passed_over(self) -> list[tuple[GuardianCandidate | None, str]]:
        return [(self.candidates.get(p.candidate_id), p.reason) for p in self.proposal.passed_over]


def ward_facts(person: Person, as_of: dt.date | None = None) -> dict:
    return {
        "birth_date": person.birth_date,
        "civil_capacity": person.civil_capacity,
        "residence": residence_of(person.village),
        "as_of": as_of or timezone.localdate(),
    }


def consent_state(candidate: GuardianCandidate) -> bool | None:
    """True (granted), False (refused) or None (not decided), from the latest decision."""
    consents = getattr(candidate, "_prefetched_objects_cache", {}).get("consents")
    if consents is None:
        consents = candidate.consents.all()
    latest = max(consents, key=lambda c: (c.decided_on, c.pk), default=None)
    return None if latest is None else latest.granted


def rule_candidate(candidate: GuardianCandidate, *, assume_consent: bool) -> dict:
    """A candidate as `determine_guardian` reads it. A hostile relationship or a minor's age
    makes a candidate unable, with the reason in the explanation (seed document 5: 有的监护人与
    特困人员关系不融洽，难以履行监护责任)."""
    reasons = []
    able = candidate.able
    if not candidate.able:
        reasons.append(candidate.reason_unable.strip() or candidate.health.strip())
    if candidate.hostile:
        able = False
        reasons.append("与被监护人关系不融洽")
    if (
        candidate.age is not None
        and candidate.age < 18
        and candidate.kind
        not in (
            CandidateKind.ORGANISATION,
            CandidateKind.VILLAGE_COMMITTEE,
            CandidateKind.CIVIL_AFFAIRS,
        )
    ):
        able = False
        reasons.append("本人未成年")
    consent = consent_state(candidate)
    return {
        "id": candidate.pk,
        "kind": candidate.kind,
        "able": able,
        "reason_unable": "，".join(r for r in reasons if r),
        "willing": candidate.willing,
        "elder": candidate.elder,
        "consent_recorded": bool(consent) or (assume_consent and consent is None),
    }


def _ordered(candidates) -> list[GuardianCandidate]:
    return sorted(candidates, key=lambda c: (c.position, c.pk))


def person_proposal(person: Person, candidates=None, as_of: dt.date | None = None) -> PersonProposal:
    if candidates is None:
        candidates = person.guardian_candidates.prefetch_related("consents")
    candidates = _ordered(candidates)
    proposal = determine_guardian(
        ward_facts(person, as_of), [rule_candidate(c, assume_consent=True) for c in candidates]
    )
    by_id = {c.pk: c for c in candidates}
    chosen = by_id.get(proposal.candidate_id)
    awaiting = bool(
        chosen is not None and proposal.category == GuardianCategory.II and consent_state(chosen) is not True
    )
    return PersonProposal(proposal, by_id, awaiting)


def candidate_qualification(person: Person, candidate: GuardianCandidate) -> GuardianProposal:
    """The rules run on this candidate alone: it is qualified when it is the one proposed.

    Used for a choice by agreement (《民法典》第三十条): any candidate the rules would accept on
    their own may be chosen, with the category their kind gives them."""
    return determine_guardian(ward_facts(person), [rule_candidate(candidate, assume_consent=True)])


# ---- candidates ---------------------------------------------------------------------------------


def _clean_candidate(person: Person, data: dict):
    if data.get("kind") not in CandidateKind.values:
        raise ValidationError(_("Choose the kind of candidate."))
    if not str(data.get("name") or "").strip():
        raise ValidationError(_("Enter the candidate's name."))
    relative = data.get("relative_person")
    if relative is not None and relative.pk == person.pk:
        raise ValidationError(_("A person cannot be their own guardian."))


def candidate_create(*, actor, person: Person, **data) -> GuardianCandidate:
    _require(permissions.can_edit(actor))
    _require_area(actor, person)
    _clean_candidate(person, data)
    candidate = GuardianCandidate(
        person=person, created_by=actor, **{k: v for k, v in data.items() if k in CANDIDATE_FIELDS}
    )
    with transaction.atomic():
        candidate.save()
        audit.record(
            actor, "create", candidate, changes=audit.diff({}, audit.snapshot(candidate, CANDIDATE_FIELDS))
        )
    return candidate


def candidate_update(*, actor, candidate: GuardianCandidate, **data) -> GuardianCandidate:
    _require(permissions.can_edit(actor))
    _require_area(actor, candidate.person)
    _clean_candidate(candidate.person, data)
    before = audit.snapshot(candidate, CANDIDATE_FIELDS)
    for key, value in data.items():
        if key in CANDIDATE_FIELDS:
            setattr(candidate, key, value)
    with transaction.atomic():
        candidate.save()
        changes = audit.diff(before, audit.snapshot(candidate, CANDIDATE_FIELDS))
        if changes:
            audit.record(actor, "update", candidate, changes=changes)
    return candidate


def candidate_delete(*, actor, candidate: GuardianCandidate) -> None:
    _require(permissions.can_edit(actor))
    _require_area(actor, candidate.person)
    if candidate.guardianships.exists():
        raise ValidationError(
            _("This candidate is or was a guardian and stays in the history; mark them as not able instead.")
        )
    with transaction.atomic():
        audit.record(
            actor, "delete", candidate, changes=audit.diff(audit.snapshot(candidate, CANDIDATE_FIELDS), {})
        )
        candidate.delete()


# ---- consents -------------------------------------------------------------------------------------


def consent_record(
    *,
    actor,
    candidate: GuardianCandidate,
    body: str,
    body_name: str,
    granted: bool,
    decided_on,
    note="",
    document=None,
) -> GuardianConsent:
    """Record the committee's or civil affairs' consent (or refusal) for a category Ⅱ candidate."""
    _require(permissions.can_edit(actor))
    person = candidate.person
    _require_area(actor, person)
    if candidate.kind not in (CandidateKind.INDIVIDUAL, CandidateKind.ORGANISATION) and not (
        candidate.kind
        in (CandidateKind.SPOUSE, CandidateKind.CHILD, CandidateKind.GRANDCHILD, CandidateKind.OTHER_RELATIVE)
        and person.age < 18
    ):
        raise ValidationError(
            _("Consent is only needed for a category Ⅱ candidate (a willing individual or organisation).")
        )
    if body not in GuardianConsent.Body.values:
        raise ValidationError(_("Choose who gave the consent."))
    if decided_on > timezone.localdate():
        raise ValidationError(_("The date of the decision cannot be in the future."))
    if not body_name.strip():
        body_name = (
            committee_name(person.village)
            if body == GuardianConsent.Body.VILLAGE_COMMITTEE
            else (f"{person.village.parent.name}民政办" if person.village.parent else "民政部门")
        )
    with transaction.atomic():
        upload = None
        if document is not None:
            check_scan(document)
            upload = upload_store(
                actor=actor, region=person.village, uploaded_file=document, kind="guardian_consent"
            )
        consent = GuardianConsent.objects.create(
            candidate=candidate,
            body=body,
            body_name=body_name.strip(),
            granted=granted,
            decided_on=decided_on,
            note=note,
            document=upload,
            recorded_by=actor,
        )
        audit.record(actor, "create", consent, changes=audit.diff({}, audit.snapshot(consent)))
    return consent


# ---- confirming a guardian ------------------------------------------------------------------------


def guardianship_confirm(
    *, actor, person: Person, candidate: GuardianCandidate | None = None, reason: str = "", started_on=None
) -> Guardianship:
    """Make the proposed candidate — or, by agreement (《民法典》第三十条), another qualified one
    with a reason — the ward's guardian. A category Ⅱ guardian needs recorded consent first."""
    _require(permissions.can_edit(actor))
    _require_area(actor, person)
    if not needs_guardian(person):
        raise ValidationError(
            _("This person has full civil capacity or is no longer supported; no guardian is needed.")
        )
    if Guardianship.objects.filter(person=person, status=Guardianship.Status.ACTIVE).exists():
        raise ValidationError(_("This person already has a guardian. Start a replacement to change it."))
    current = person_proposal(person)
    proposal = current.proposal
    by_agreement = candidate is not None and candidate.pk != proposal.candidate_id
    if candidate is not None and candidate.person_id != person.pk:
        raise ValidationError(_("The candidate is not listed for this person."))
    if not by_agreement:
        candidate = current.candidate
        if candidate is None:
            raise ValidationError(
                _(
                    "No candidate can be proposed yet. Record the township civil-affairs office or another candidate first."
                )
            )
        category = proposal.category
        explanation = proposal.explanation
        basis = _basis(proposal, candidate, person)
    else:
        reason = reason.strip()
        if not reason:
            raise ValidationError(_("Give the reason for choosing a guardian other than the proposed one."))
        alone = candidate_qualification(person, candidate)
        if alone.candidate_id != candidate.pk:
            why = alone.passed_over[0].reason if alone.passed_over else ""
            raise ValidationError(_("This candidate is not qualified: %(why)s") % {"why": why})
        category = alone.category
        explanation = f"{proposal.explanation}经协商，依照《民法典》第三十条，确定由{candidate.name}担任监护人。协商理由：{reason}"
        basis = f"依照《民法典》第三十条，由依法具有监护资格的人协议确定监护人。{_basis(alone, candidate, person)}"
    if category == GuardianCategory.II and consent_state(candidate) is not True:
        raise ValidationError(
            _(
                "A category Ⅱ guardian can be confirmed only after the consent of the village or residents' "
                "committee or the civil-affairs department has been recorded."
            )
        )
    started_on = started_on or timezone.localdate()
    guardianship = Guardianship(
        person=person,
        candidate=candidate,
        guardian_name=candidate.name,
        guardian_kind=candidate.kind,
        relation=candidate.relation,
        category=category,
        started_on=started_on,
        by_agreement=by_agreement,
        agreement_reason=reason if by_agreement else "",
        basis=basis,
        explanation=explanation,
        proposal=proposal.to_dict(),
        confirmed_by=actor,
    )
    with transaction.atomic():
        guardianship.save()
        audit.record(
            actor,
            "create",
            guardianship,
            changes=audit.diff({}, audit.snapshot(guardianship)),
            extra={"explanation": explanation},
        )
    return guardianship


def _basis(proposal: GuardianProposal, candidate: GuardianCandidate, person: Person) -> str:
    minor = person.age < 18
    if candidate.kind in (CandidateKind.VILLAGE_COMMITTEE, CandidateKind.CIVIL_AFFAIRS):
        return f"依照《民法典》第三十二条，由{candidate.name}担任监护人。"
    article = "《民法典》第二十七条" if minor else "《民法典》第二十八条"
    if proposal.category == GuardianCategory.II:
        consent = next((c for c in candidate.consents.all() if c.granted), None)
        by = f"经{consent.body_name}同意，" if consent else ""
        return f"依照{article}，{by}由愿意担任监护人的{candidate.name}担任监护人。"
    relation = f"（{candidate.relation}）" if candidate.relation else ""
    return f"依照{article}，由{GUARDIAN_KIND_ZH[candidate.kind]}{candidate.name}{relation}担任监护人。"


# ---- agreements -----------------------------------------------------------------------------------


def _clean_terms(terms: dict) -> dict:
    try:
        duties = agreement_duty_list(terms.get("duties") or [])
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    problems = agreement_term_problems(terms.get("start_on"), terms.get("end_on"))
    for key, label in (
        ("visit_frequency", "探视频次"),
        ("contact", "联系方式"),
        ("emergency_steps", "紧急情况处置"),
    ):
        if not str(terms.get(key) or "").strip():
            problems.append(f"请填写工作要求中的“{label}”。")
    if problems:
        raise ValidationError(problems)
    return {**terms, "duties": duties}


OPEN_AGREEMENT = (
    Agreement.Status.DRAFT,
    Agreement.Status.GENERATED,
    Agreement.Status.SIGNED,
    Agreement.Status.ACTIVE,
)


def open_agreement(guardianship: Guardianship) -> Agreement | None:
    """The agreement of this guardianship that is being prepared or is in force, if any."""
    return (
        Agreement.objects.filter(guardianship=guardianship, status__in=OPEN_AGREEMENT).order_by("-pk").first()
    )


def agreement_create(
    *, actor, guardianship: Guardianship, renewal_of: Agreement | None = None, **terms
) -> Agreement:
    """A draft agreement for an active guardianship. The duty list may not be empty."""
    _require(permissions.can_edit(actor))
    person = guardianship.person
    _require_area(actor, person)
    if guardianship.status != Guardianship.Status.ACTIVE:
        raise ValidationError(_("Agreements can only be made for the current guardian."))
    terms = _clean_terms(terms)
    if renewal_of is None and open_agreement(guardianship) is not None:
        raise ValidationError(
            _(
                "This guardian already has an agreement in preparation or in force. "
                "Continue with that one, or renew it from its page."
            )
        )
    agreement = Agreement(
        person=person,
        guardianship=guardianship,
        township_name=township_government(person.village),
        committee_name=committee_name(person.village),
        guardian_name=guardianship.guardian_name,
        renewal_of=renewal_of,
        created_by=actor,
        **{k: v for k, v in terms.items() if k in AGREEMENT_TERMS},
    )
    if not agreement.guardian_phone:
        agreement.guardian_phone = guardianship.candidate.phone
    if not agreement.guardian_address:
        agreement.guardian_address = guardianship.candidate.address
    with transaction.atomic():
        agreement.save()
        audit.record(
            actor, "create", agreement, changes=audit.diff({}, audit.snapshot(agreement, AGREEMENT_TERMS))
        )
    return agreement


def agreement_update(*, actor, agreement: Agreement, **terms) -> Agreement:
    """Change a draft or generated agreement's terms; a generated document goes back to draft."""
    _require(permissions.can_edit(actor))
    _require_area(actor, agreement.person)
    if not agreement.is_editable:
        raise ValidationError(_("A signed agreement cannot be changed; renew it instead."))
    terms = _clean_terms(terms)
    before = audit.snapshot(agreement, AGREEMENT_TERMS + ["status"])
    for key, value in terms.items():
        if key in AGREEMENT_TERMS:
            setattr(agreement, key, value)
    changes = audit.diff(before, audit.snapshot(agreement, AGREEMENT_TERMS + ["status"]))
    if not changes:
        return agreement
    agreement.status = Agreement.Status.DRAFT
    with transaction.atomic():
        agreement.save()
        audit.record(
            actor,
            "update",
            agreement,
            changes=audit.diff(before, audit.snapshot(agreement, AGREEMENT_TERMS + ["status"])),
        )
    return agreement


def county_of(village: Region) -> Region | None:
    node = village
    while node is not None and node.level > 3:
        node = node.parent
    return node


def template_for(person: Person) -> AgreementTemplate | None:
    """The county's active template (a configuration the county set for everyone under it)."""
    county = county_of(person.village)
    if county is None:
        return None
    return AgreementTemplate.objects.filter(region=county, is_active=True).select_related("upload").first()


def agreement_generate(*, actor, agreement: Agreement, pdf: bool = True) -> Agreement:
    """Render the agreement as .docx (and PDF where LibreOffice is installed). Refused with an
    empty duty list: seed document 5 faults agreements without concrete duties."""
    _require(permissions.can_edit(actor))
    _require_area(actor, agreement.person)
    if not agreement.is_editable:
        raise ValidationError(_("A signed agreement cannot be generated again; renew it instead."))
    try:
        agreement_duty_list(agreement.duties)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    template = template_for(agreement.person)
    path = template.upload.file.path if template else documents.default_template_path()
    try:
        data = documents.render_docx(path, documents.agreement_context(agreement))
    except documents.TemplateProblem as exc:
        raise ValidationError(str(exc)) from exc
    pdf_data = core_documents.convert_to_pdf(data) if pdf else None
    before = audit.snapshot(agreement, ["status", "docx_file", "pdf_file", "template"])
    stem = f"agreement-{agreement.pk}-{timezone.now():%Y%m%d%H%M%S}"
    with transaction.atomic():
        agreement.docx_file.save(f"{stem}.docx", ContentFile(data), save=False)
        if pdf_data:
            agreement.pdf_file.save(f"{stem}.pdf", ContentFile(pdf_data), save=False)
        else:
            agreement.pdf_file = ""
        agreement.template = template
        agreement.status = Agreement.Status.GENERATED
        agreement.generated_at = timezone.now()
        agreement.save()
        audit.record(
            actor,
            "update",
            agreement,
            changes=audit.diff(
                before, audit.snapshot(agreement, ["status", "docx_file", "pdf_file", "template"])
            ),
            extra={"generated": True},
        )
    return agreement


_SCAN_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def check_scan(uploaded_file, max_bytes: int = SCAN_MAX_BYTES) -> str:
    """A signed scan must be a PDF or an image and not too large; the error is in Chinese because
    it names the file a clerk has in hand (DESIGN.md promise 3)."""
    size = getattr(uploaded_file, "size", None) or 0
    if size == 0:
        raise ValidationError("上传的文件是空的，请重新选择签字扫描件。")
    if size > max_bytes:
        raise ValidationError(
            f"文件过大（{size / 1024 / 1024:.1f} MB），签字扫描件不能超过 {max_bytes // 1024 // 1024} MB。"
            "请降低扫描分辨率或分页后重新上传。"
        )
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    for signature, kind in _SCAN_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    raise ValidationError("签字扫描件必须是 PDF 文件或图片（JPG、PNG、TIFF、WEBP），请检查后重新上传。")


def agreement_sign(*, actor, agreement: Agreement, scan, signed_on=None) -> Agreement:
    """Keep the signed scan; the agreement is in force from its start date."""
    _require(permissions.can_edit(actor))
    person = agreement.person
    _require_area(actor, person)
    if agreement.status != Agreement.Status.GENERATED:
        raise ValidationError(_("Generate the agreement document before uploading the signed copy."))
    if agreement.guardianship.status != Guardianship.Status.ACTIVE:
        raise ValidationError(_("The guardianship of this agreement has ended."))
    check_scan(scan)
    today = timezone.localdate()
    signed_on = signed_on or today
    if signed_on > today:
        raise ValidationError(_("The signing date cannot be in the future."))
    if agreement.end_on < today:
        raise ValidationError(
            _("The term of this agreement has already ended; change the dates and generate it again.")
        )
    before = audit.snapshot(agreement, ["status", "signed_scan", "signed_on"])
    with transaction.atomic():
        upload = upload_store(
            actor=actor, region=person.village, uploaded_file=scan, kind="guardian_agreement_scan"
        )
        agreement.signed_scan = upload
        agreement.signed_on = signed_on
        agreement.status = Agreement.Status.ACTIVE if agreement.start_on <= today else Agreement.Status.SIGNED
        agreement.save()
        pending = [
            audit.Pending(
                actor,
                "update",
                agreement,
                changes=audit.diff(before, audit.snapshot(agreement, ["status", "signed_scan", "signed_on"])),
            )
        ]
        if agreement.status == Agreement.Status.ACTIVE:
            pending += _supersede(actor, agreement, today)
        audit.record_many(pending)
    return agreement


def _supersede(actor, agreement: Agreement, today: dt.date) -> list[audit.Pending]:
    """Once a renewal is in force, the agreements it replaces end."""
    pending = []
    older = Agreement.objects.filter(
        guardianship=agreement.guardianship, status__in=[Agreement.Status.ACTIVE, Agreement.Status.SIGNED]
    ).exclude(pk=agreement.pk)
    for old in older:
        before = audit.snapshot(old, ["status", "ended_on", "end_reason"])
        old.status, old.ended_on, old.end_reason = Agreement.Status.ENDED, today, "已由续签的协议替代"
        old.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        pending.append(
            audit.Pending(
                actor,
                "update",
                old,
                changes=audit.diff(before, audit.snapshot(old, ["status", "ended_on", "end_reason"])),
            )
        )
    return pending


def agreement_renew(*, actor, agreement: Agreement) -> Agreement:
    """A new draft with the same terms, starting the day after this one ends, for as long."""
    _require(permissions.can_edit(actor))
    _require_area(actor, agreement.person)
    if agreement.status not in (Agreement.Status.ACTIVE, Agreement.Status.SIGNED, Agreement.Status.EXPIRED):
        raise ValidationError(_("Only a signed agreement can be renewed."))
    if agreement.renewals.exclude(status=Agreement.Status.ENDED).exists():
        raise ValidationError(_("This agreement has already been renewed."))
    guardianship = agreement.guardianship
    if guardianship.status != Guardianship.Status.ACTIVE:
        raise ValidationError(
            _("The guardianship of this agreement has ended; confirm a new guardian first.")
        )
    start = max(agreement.end_on + dt.timedelta(days=1), timezone.localdate())
    length = agreement.end_on - agreement.start_on
    return agreement_create(
        actor=actor,
        guardianship=guardianship,
        renewal_of=agreement,
        duties=agreement.duties,
        visit_frequency=agreement.visit_frequency,
        contact=agreement.contact,
        emergency_steps=agreement.emergency_steps,
        other_terms=agreement.other_terms,
        start_on=start,
        end_on=start + length,
        guardian_phone=agreement.guardian_phone,
        guardian_address=agreement.guardian_address,
    )


def agreements_refresh(*, actor, region_prefix: str, today: dt.date | None = None) -> dict:
    """Signed agreements come into force on their start date and expire after their end date
    (the reminder job runs this daily)."""
    today = today or timezone.localdate()
    pending, counts = [], {"activated": 0, "expired": 0}
    with transaction.atomic():
        for agreement in (
            within(Agreement, region_prefix)
            .filter(status=Agreement.Status.SIGNED, start_on__lte=today, end_on__gte=today)
            .select_for_update()
        ):
            agreement.status = Agreement.Status.ACTIVE
            agreement.save(update_fields=["status", "updated_at"])
            pending.append(
                audit.Pending(actor, "update", agreement, changes={"status": ["signed", "active"]})
            )
            pending += _supersede(actor, agreement, today)
            counts["activated"] += 1
        for agreement in (
            within(Agreement, region_prefix)
            .filter(status__in=[Agreement.Status.SIGNED, Agreement.Status.ACTIVE], end_on__lt=today)
            .select_for_update()
        ):
            old = agreement.status
            agreement.status = Agreement.Status.EXPIRED
            agreement.save(update_fields=["status", "updated_at"])
            pending.append(audit.Pending(actor, "update", agreement, changes={"status": [old, "expired"]}))
            counts["expired"] += 1
        audit.record_many(pending)
    return counts


# ---- replacing a guardian ---------------------------------------------------------------------------

_CANDIDATE_AFTER_GROUND = {
    ReplacementGround.SERIOUS_HARM: "已被撤销监护人资格（严重损害被监护人身心健康）",
    ReplacementGround.NEGLECT_DANGER: "已被撤销监护人资格（怠于履行监护职责致被监护人处于危困状态）",
    ReplacementGround.OTHER_INFRINGEMENT: "已被撤销监护人资格（严重侵害被监护人合法权益）",
    ReplacementGround.GUARDIAN_LOSES_CAPACITY: "已丧失监护能力",
    ReplacementGround.GUARDIAN_DIED: "已死亡",
}


def replacement_start(*, actor, guardianship: Guardianship, ground: str, facts: str) -> ReplacementCase:
    """A clerk or inspector asks the township to remove the guardian (《民法典》第三十六条) or to
    record that the guardianship ended (第三十九条)."""
    _require(permissions.can_start_replacement(actor))
    person = guardianship.person
    _require_area(actor, person)
    if guardianship.status != Guardianship.Status.ACTIVE:
        raise ValidationError(_("This guardianship has already ended."))
    try:
        article = ground_article(ground)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not facts.strip():
        raise ValidationError(_("Describe the facts behind the request."))
    if ReplacementCase.objects.filter(
        guardianship=guardianship, status=ReplacementCase.Status.PENDING
    ).exists():
        raise ValidationError(_("A replacement request for this guardian is already awaiting approval."))
    case = ReplacementCase(
        person=person,
        guardianship=guardianship,
        ground=ground,
        article=article,
        facts=facts.strip(),
        started_by=actor,
    )
    with transaction.atomic():
        case.save()
        audit.record(
            actor,
            "create",
            case,
            changes=audit.diff({}, audit.snapshot(case, ["ground", "article", "facts", "guardianship"])),
        )
    return case


def replacement_decide(*, actor, case: ReplacementCase, approve: bool, note: str = "") -> ReplacementCase:
    """The township approves (ending the guardianship and its agreements, so the determination
    opens again) or rejects (with a note)."""
    _require(permissions.can_decide_replacement(actor))
    _require_area(actor, case.person)
    if case.status != ReplacementCase.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError(_("Give the reason for rejecting the request."))
    today = timezone.localdate()
    with transaction.atomic():
        case = ReplacementCase.objects.select_for_update().get(pk=case.pk)
        if case.status != ReplacementCase.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        case.status = ReplacementCase.Status.APPROVED if approve else ReplacementCase.Status.REJECTED
        case.decided_by, case.decided_at, case.decision_note = actor, timezone.now(), note
        case.save()
        pending = [
            audit.Pending(
                actor, "update", case, changes={"status": ["pending", case.status]}, extra={"note": note}
            )
        ]
        if approve:
            pending += _end_guardianship(actor, case, today)
        audit.record_many(pending)
    return case


def _end_guardianship(actor, case: ReplacementCase, today: dt.date) -> list[audit.Pending]:
    guardianship = Guardianship.objects.select_for_update().get(pk=case.guardianship_id)
    before = audit.snapshot(guardianship, ["status", "ended_on", "end_ground", "end_note"])
    guardianship.status = Guardianship.Status.ENDED
    guardianship.ended_on = max(today, guardianship.started_on)
    guardianship.end_ground = case.ground
    guardianship.end_note = f"{case.article}：{case.facts}"
    guardianship.save()
    pending = [
        audit.Pending(
            actor,
            "update",
            guardianship,
            changes=audit.diff(
                before, audit.snapshot(guardianship, ["status", "ended_on", "end_ground", "end_note"])
            ),
        )
    ]
    ground_label = ReplacementGround(case.ground).label
    for agreement in guardianship.agreements.exclude(
        status__in=[Agreement.Status.ENDED, Agreement.Status.EXPIRED]
    ):
        old = agreement.status
        agreement.status, agreement.ended_on = Agreement.Status.ENDED, today
        agreement.end_reason = f"监护关系终止（{case.article}）"
        agreement.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
        pending.append(
            audit.Pending(
                actor,
                "update",
                agreement,
                changes={"status": [old, "ended"]},
                extra={"ground": str(ground_label)},
            )
        )
    # The old guardian is not proposed again: the rules pass over a candidate who is not able.
    reason = _CANDIDATE_AFTER_GROUND.get(ReplacementGround(case.ground))
    if reason:
        candidate = guardianship.candidate
        before_c = audit.snapshot(candidate, ["able", "reason_unable"])
        candidate.able, candidate.reason_unable = False, reason
        candidate.save(update_fields=["able", "reason_unable", "updated_at"])
        pending.append(
            audit.Pending(
                actor,
                "update",
                candidate,
                changes=audit.diff(before_c, audit.snapshot(candidate, ["able", "reason_unable"])),
            )
        )
    return pending


# ---- templates ----------------------------------------------------------------------------------------


def template_upload(*, actor, uploaded_file, name: str = "") -> AgreementTemplate:
    """A county administrator replaces the county's agreement template. It is checked by
    rendering it with sample data; the previous template stays in the history, unused."""
    _require(permissions.can_manage_templates(actor))
    county = actor.region
    if county is None or county.level > 3:
        raise PermissionDenied(_("Agreement templates are set by a county-level administrator."))
    if not uploaded_file.name.lower().endswith(".docx"):
        raise ValidationError("协议模板必须是 Word 2007 及以上格式（.docx）的文件。")
    if uploaded_file.size > TEMPLATE_MAX_BYTES:
        raise ValidationError(f"模板文件不能超过 {TEMPLATE_MAX_BYTES // 1024 // 1024} MB。")
    with transaction.atomic():
        upload = upload_store(
            actor=actor, region=county, uploaded_file=uploaded_file, kind="agreement_template"
        )
        try:
            documents.check_template(upload.file.path)
        except documents.TemplateProblem as exc:
            raise ValidationError(str(exc)) from exc
        AgreementTemplate.objects.filter(region=county, is_active=True).update(is_active=False)
        template = AgreementTemplate.objects.create(
            region=county,
            name=(name or Path(upload.original_name).stem)[:100],
            upload=upload,
            uploaded_by=actor,
        )
        audit.record(actor, "create", template, changes=audit.diff({}, audit.snapshot(template)))
    return template


def template_deactivate(*, actor, template: AgreementTemplate) -> None:
    """Go back to the shipped default template."""
    _require(permissions.can_manage_templates(actor))
    if not in_scope(actor, template.region_id):
        raise PermissionDenied(_("This template is not in your area."))
    if not template.is_active:
        return
    with transaction.atomic():
        template.is_active = False
        template.save(update_fields=["is_active"])
        audit.record(actor, "update", template, changes={"is_active": [True, False]})


def document_viewed(*, actor, agreement: Agreement, kind: str) -> None:
    """Downloading an agreement (it carries the full ID number) is logged (DESIGN.md promise 2)."""
    audit.record(actor, "export", agreement, extra={"document": kind})
