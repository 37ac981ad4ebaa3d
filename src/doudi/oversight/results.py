"""Selectors other apps read: the per-township results (for reports) and guardians evaluated
poorly (for care's guardian-replacement list). Documented in docs/oversight.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import scoped

from . import rules
from .models import Evaluation, Finding, Inspection, RectificationTask, SurveyResponse
from .sources import Source


@dataclass
class TownshipResult:
    code: str
    name: str
    units_inspected: int = 0
    problems: int = 0
    open_rectifications: int = 0
    overdue_rectifications: int = 0
    surveys: int = 0
    satisfaction_rate: int | None = None  # % of answers 满意 or 基本满意
    evaluations: int = 0
    evaluation_average: float | None = None
    poor_evaluations: int = 0


def township_results(
    user, *, since: dt.date, until: dt.date, today: dt.date | None = None
) -> list[TownshipResult]:
    """One row per township in the user's area (ordered by code), counting inspections done,
    survey answers and evaluations dated within [since, until]; open/overdue rectifications of
    inspection findings as of `today`."""
    today = today or timezone.localdate()
    towns = scoped(Region, user).filter(level=rcodes.TOWNSHIP).order_by("code")
    out = {t.code: TownshipResult(code=t.code, name=t.name) for t in towns}
    if not out:
        return []

    def town(code):
        return out.get(code[:9] + "000")

    for insp in (
        scoped(Inspection, user)
        .filter(status=Inspection.Status.DONE, inspected_on__gte=since, inspected_on__lte=until)
        .values("region_id")
    ):
        if r := town(insp["region_id"]):
            r.units_inspected += 1
    for f in (
        scoped(Finding, user)
        .filter(ok=False, inspection__inspected_on__gte=since, inspection__inspected_on__lte=until)
        .values("inspection__region_id", "task__status", "task__deadline")
    ):
        if r := town(f["inspection__region_id"]):
            r.problems += 1
            if f["task__status"] == RectificationTask.Status.OPEN:
                r.open_rectifications += 1
                r.overdue_rectifications += f["task__deadline"] < today
    surveys = {}
    for s in (
        scoped(SurveyResponse, user)
        .filter(asked_on__gte=since, asked_on__lte=until)
        .values("person__village_id", "satisfied", "fairly", "dissatisfied")
    ):
        if r := town(s["person__village_id"]):
            r.surveys += 1
            acc = surveys.setdefault(r.code, [0, 0, 0])
            acc[0] += s["satisfied"]
            acc[1] += s["fairly"]
            acc[2] += s["dissatisfied"]
    for code, (a, b, c) in surveys.items():
        out[code].satisfaction_rate = rules.satisfaction_rate(a, b, c)
    sums = {}
    for e in (
        scoped(Evaluation, user)
        .filter(evaluated_on__gte=since, evaluated_on__lte=until)
        .values("region_id", "average", "poor")
    ):
        if r := town(e["region_id"]):
            r.evaluations += 1
            r.poor_evaluations += e["poor"]
            sums[r.code] = sums.get(r.code, 0) + float(e["average"])
    for code, total in sums.items():
        out[code].evaluation_average = round(total / out[code].evaluations, 2)
    return list(out.values())


def latest_guardian_evaluation(person_ref: str = "person"):
    """The latest guardian evaluation of the person at OuterRef(`person_ref`), for a subquery
    (`.values(...)[:1]`). Shared with care's guardian-performance list so both agree on "latest"."""
    return Evaluation.objects.filter(
        person=OuterRef(person_ref), subject=Evaluation.Subject.GUARDIAN
    ).order_by("-evaluated_on", "-pk")


def poor_guardian_evaluations(user):
    """Persons whose latest guardian evaluation is poor — candidates for replacing the guardian.
    A queryset of Evaluation rows (one per person, the latest), newest first."""
    latest = latest_guardian_evaluation("person").values("pk")[:1]
    return (
        scoped(Evaluation, user)
        .filter(subject=Evaluation.Subject.GUARDIAN, person__isnull=False, pk=Subquery(latest), poor=True)
        .select_related("person", "person__village")
        .order_by("-evaluated_on", "-pk")
    )


def person_surveys(user, person):
    return scoped(SurveyResponse, user).filter(person=person).select_related("recorded_by")


def surveys_for_source(user, source: Source):
    """Surveys asked during one source record (a visit), in the area."""
    return (
        scoped(SurveyResponse, user)
        .filter(source_kind=source.kind, source_id=source.id)
        .select_related("recorded_by")
    )


def person_evaluations(user, person):
    return scoped(Evaluation, user).filter(person=person).select_related("evaluator")
