"""Reads for eligibility, always through the area scope (core.scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from doudi.core.calendar import CalendarCache
from doudi.core.scope import get_scoped_or_404, scoped
from doudi.eligibility import selfcare
from doudi.registry.models import Person, PersonStatus

from . import rules
from .models import Assessment, Case, CaseDocument, CaseKind, CaseStep, Decision, Objection, Stage
from .policy import calendar, county_code, policy_for


def person_get(user, pk) -> Person:
    return get_scoped_or_404(Person.objects.select_related("village__parent__parent"), user, pk=pk)


def case_get(user, pk) -> Case:
    return get_scoped_or_404(Case.objects.select_related("person__village__parent__parent"), user, pk=pk)


def objection_get(user, pk) -> Objection:
    return get_scoped_or_404(Objection.objects.select_related("case__person__village"), user, pk=pk)


def document_get(user, pk) -> CaseDocument:
    return get_scoped_or_404(CaseDocument.objects.select_related("upload", "case"), user, pk=pk)


def open_cases(user, *, kind: str = "", stage: str = "") -> QuerySet[Case]:
    open_steps = CaseStep.objects.filter(done_on__isnull=True).order_by("-started_on", "-pk")
    qs = (
        scoped(Case, user)
        .exclude(stage=Stage.CLOSED)
        .select_related("person__village__parent")
        .prefetch_related(Prefetch("steps", queryset=open_steps, to_attr="open_steps"))
        .order_by("received_on", "pk")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


@dataclass
class WorkItem:
    case: Case
    step: CaseStep | None
    overdue: bool
    waiting: str  # what the case waits for, when no step is running


def worklist(user, *, kind: str = "", stage: str = "", today: dt.date | None = None) -> list[WorkItem]:
    """Open cases with their running step and deadline; overdue ones first."""
    today = today or dt.date.today()
    items = []
    for case in open_cases(user, kind=kind, stage=stage):
        step = case.open_steps[0] if case.open_steps else None
        # A publication past its last day has ended (it waits to be closed); it is not late.
        overdue = bool(step and step.due_on and step.due_on < today and step.code != "publication")
        waiting = ""
        if step is None:
            waiting = "accept" if case.stage == Stage.APPLIED else "publish"
        items.append(WorkItem(case, step, overdue, waiting))
    items.sort(key=lambda i: (not i.overdue, i.step.due_on if i.step and i.step.due_on else dt.date.max))
    return items


def recent_closed(user, limit=20) -> QuerySet[Case]:
    return (
        scoped(Case, user)
        .filter(stage=Stage.CLOSED)
        .select_related("person__village")
        .order_by("-decided_on", "-pk")[:limit]
    )


def decisions_for(user, person: Person) -> QuerySet[Decision]:
    return scoped(Decision, user).filter(person=person).select_related("decided_by").order_by("-as_of", "-pk")


def assessments_for(user, person: Person) -> QuerySet[Assessment]:
    return scoped(Assessment, user).filter(person=person).order_by("-assessed_on", "-pk")


def cases_for(user, person: Person) -> QuerySet[Case]:
    """The person's cases, newest first, each with its written notices (`notices`, for the
    person page's download links)."""
    notices = Prefetch(
        "documents",
        queryset=CaseDocument.objects.filter(kind=CaseDocument.Kind.NOTICE).order_by("pk"),
        to_attr="notices",
    )
    return scoped(Case, user).filter(person=person).prefetch_related(notices).order_by("-received_on", "-pk")


@dataclass
class CareSummary:
    current: Assessment | None
    level_label: str = ""
    tier: str = ""
    amount: object = None
    next_due: dt.date | None = None
    overdue: bool = False
    history: list = field(default_factory=list)


TIER_ZH = {"full": "全自理", "partial": "半失能", "none": "全失能"}


def care_summary(user, person: Person, today: dt.date | None = None) -> CareSummary:
    """Current self-care level, the care-subsidy tier and amount under the county setting in
    force today, and when the next assessment is due (eligibility.selfcare.reassessment_due)."""
    today = today or dt.date.today()
    history = list(assessments_for(user, person))
    current = history[0] if history else None
    if current is None:
        return CareSummary(None, history=history)
    pol = policy_for(person.village_id, today)
    due = selfcare.reassessment_due(
        current.assessed_on, calendar(person.village_id), change_reported_on=current.change_reported_on
    )
    return CareSummary(
        current=current,
        level_label=current.get_level_display(),
        tier=TIER_ZH.get(current.level, ""),
        amount=pol.subsidy(current.level),
        next_due=due,
        overdue=due < today,
        history=history,
    )


# ---- dynamic review --------------------------------------------------------------------------


@dataclass
class ReviewRow:
    person: Person
    findings: list[rules.Finding]
    decision: Decision | None
    termination: Case | None


def dynamic_review(user, *, today: dt.date | None = None, finding: str = "") -> list[ReviewRow]:
    """Supported persons in the user's area whose stored facts no longer pass today, or whose
    self-care assessment is overdue (rules.dynamic_review_findings)."""
    today = today or dt.date.today()
    persons = list(
        scoped(Person, user)
        .filter(status=PersonStatus.ACTIVE)
        .select_related("village")
        .order_by("village_id", "name")
    )
    ids = [p.pk for p in persons]
    latest: dict[int, Decision] = {}
    for d in scoped(Decision, user).filter(person_id__in=ids).order_by("person_id", "-as_of", "-pk"):
        latest.setdefault(d.person_id, d)
    assessed: dict[int, Assessment] = {}
    for a in scoped(Assessment, user).filter(person_id__in=ids).order_by("person_id", "-assessed_on", "-pk"):
        assessed.setdefault(a.person_id, a)
    terminations = {
        c.person_id: c
        for c in scoped(Case, user).filter(kind=CaseKind.TERMINATION).exclude(stage=Stage.CLOSED)
    }
    policies: dict[str, object] = {}
    calendars = CalendarCache()  # each county's own work calendar, loaded once
    rows = []
    for person in persons:
        code = county_code(person.village_id)
        if code not in policies:
            policies[code] = policy_for(person.village_id, today)
        pol = policies[code]
        decision = latest.get(person.pk)
        assessment = assessed.get(person.pk)
        due = (
            selfcare.reassessment_due(
                assessment.assessed_on,
                calendars(person.village_id),
                change_reported_on=assessment.change_reported_on,
            )
            if assessment
            else None
        )
        overrides = {"birth_date": person.birth_date.isoformat()}
        if decision is not None:
            dibao = pol.dibao_for(person.village)
            if dibao is not None:
                overrides["local_dibao_standard"] = str(dibao)
        findings = rules.dynamic_review_findings(
            rules.ReviewInput(
                facts=decision.facts if decision else None,
                policy=pol.version,
                reassessment_due=due,
                overrides=overrides,
            ),
            today,
        )
        if finding:
            findings = [f for f in findings if f.code == finding]
        if findings:
            rows.append(ReviewRow(person, findings, decision, terminations.get(person.pk)))
    return rows
