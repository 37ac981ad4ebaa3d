"""Reads for guardianship, always through the area scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.core import regions as rcodes
from doudi.core.models import Job, Region
from doudi.core.scope import get_scoped_or_404, region_seen_or_404, scoped, within
from doudi.registry.models import Person, PersonStatus

from .models import Agreement, AgreementTemplate, GuardianCandidate, Guardianship, ReplacementCase
from .rules import AGREEMENT_REMINDER_DAYS
from .services import NEEDS_GUARDIAN

# ---- single records ----------------------------------------------------------------------------


def person_get(user, pk) -> Person:
    return get_scoped_or_404(Person.objects.select_related("village", "village__parent"), user, pk=pk)


def candidate_get(user, pk) -> GuardianCandidate:
    return get_scoped_or_404(
        GuardianCandidate.objects.select_related("person", "person__village", "person__village__parent"),
        user,
        pk=pk,
    )


def agreement_get(user, pk) -> Agreement:
    return get_scoped_or_404(
        Agreement.objects.select_related(
            "person", "person__village", "guardianship", "guardianship__candidate", "signed_scan", "template"
        ),
        user,
        pk=pk,
    )


def replacement_get(user, pk) -> ReplacementCase:
    return get_scoped_or_404(
        ReplacementCase.objects.select_related(
            "person", "person__village", "guardianship", "started_by", "decided_by"
        ),
        user,
        pk=pk,
    )


def template_get(user, pk) -> AgreementTemplate:
    return get_scoped_or_404(AgreementTemplate.objects.select_related("upload", "region"), user, pk=pk)


def templates(user):
    return scoped(AgreementTemplate.objects.select_related("upload", "uploaded_by", "region"), user)


# ---- a person's guardianship ---------------------------------------------------------------------


def candidates_of(user, person: Person):
    return (
        scoped(GuardianCandidate, user)
        .filter(person=person)
        .select_related("relative_person")
        .prefetch_related("consents")
        .order_by("position", "id")
    )


def active_guardianship(user, person: Person) -> Guardianship | None:
    return (
        scoped(Guardianship, user)
        .filter(person=person, status=Guardianship.Status.ACTIVE)
        .select_related("candidate", "confirmed_by")
        .first()
    )


def guardianship_history(user, person: Person):
    return (
        scoped(Guardianship, user)
        .filter(person=person)
        .select_related("candidate", "confirmed_by")
        .order_by("-started_on", "-id")
    )


def agreements_of(user, person: Person):
    return (
        scoped(Agreement, user)
        .filter(person=person)
        .select_related("signed_scan")
        .order_by("-start_on", "-id")
    )


def replacements_of(user, person: Person):
    return (
        scoped(ReplacementCase, user)
        .filter(person=person)
        .select_related("guardianship", "started_by", "decided_by")
        .order_by("-started_at", "-id")
    )


def pending_replacement(user, guardianship: Guardianship | None) -> ReplacementCase | None:
    if guardianship is None:
        return None
    return (
        scoped(ReplacementCase, user)
        .filter(guardianship=guardianship, status=ReplacementCase.Status.PENDING)
        .first()
    )


def relative_choices(user, person: Person):
    """Registered persons a clerk may link a candidate to (in their area, not the ward)."""
    return scoped(Person, user).exclude(pk=person.pk).order_by("name")


def person_section(request, person: Person) -> dict | None:
    """The guardian section of the registry's person page (None when no guardian is needed
    and none was ever recorded)."""
    from .services import needs_guardian

    user = request.user
    current = active_guardianship(user, person)
    needs = needs_guardian(person)
    if current is None and not needs and not guardianship_history(user, person).exists():
        return None
    agreement = None
    if current is not None:
        agreement = (
            scoped(Agreement, user)
            .filter(guardianship=current)
            .exclude(status__in=[Agreement.Status.ENDED])
            .order_by("-start_on", "-id")
            .first()
        )
    return {"current": current, "needs": needs, "agreement": agreement}


# ---- coverage ----------------------------------------------------------------------------------------

BUCKETS = {
    "need": gettext_lazy("Need a guardian"),
    "cat_I": gettext_lazy("Guardian of category Ⅰ"),
    "cat_II": gettext_lazy("Guardian of category Ⅱ"),
    "cat_III": gettext_lazy("Guardian of category Ⅲ"),
    "agreement": gettext_lazy("Active signed agreement"),
    "expiring": gettext_lazy("Agreement expiring within 30 days"),
    "none": gettext_lazy("No guardian"),
}
ALL = "all"


def _bucket_q(today: dt.date) -> dict[str, Q]:
    return {
        "need": Q(),
        "cat_I": Q(g_category="I"),
        "cat_II": Q(g_category="II"),
        "cat_III": Q(g_category="III"),
        "agreement": Q(has_agreement=True),
        "expiring": Q(has_expiring=True),
        "none": Q(g_category__isnull=True),
    }


def _coverage_base(user, today: dt.date):
    """Persons who need a guardian, annotated in the database with the current guardian's
    category and whether an agreement is in force / ends within 30 days. The table and the lists
    behind each number are both read from this one queryset, so they always agree."""
    in_force = Agreement.objects.filter(
        guardianship__person=OuterRef("pk"),
        guardianship__status=Guardianship.Status.ACTIVE,
        status__in=[Agreement.Status.SIGNED, Agreement.Status.ACTIVE],
        start_on__lte=today,
        end_on__gte=today,
    )
    current = Guardianship.objects.filter(person=OuterRef("pk"), status=Guardianship.Status.ACTIVE)
    return (
        scoped(Person, user)
        .filter(status=PersonStatus.ACTIVE, civil_capacity__in=NEEDS_GUARDIAN)
        .annotate(
            g_category=Subquery(current.values("category")[:1]),
            g_name=Subquery(current.values("guardian_name")[:1]),
            has_agreement=Exists(in_force),
            has_expiring=Exists(
                in_force.filter(end_on__lte=today + dt.timedelta(days=AGREEMENT_REMINDER_DAYS))
            ),
            agreement_end=Subquery(in_force.order_by("-end_on").values("end_on")[:1]),
            township_code=Concat(
                Substr("village_id", 1, rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP]),
                Value("0" * (12 - rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP])),
            ),
        )
    )


@dataclass
class CoverageRow:
    code: str
    name: str
    counts: dict[str, int]


def coverage_table(user, today: dt.date | None = None) -> tuple[list[CoverageRow], CoverageRow]:
    """Per township: how many persons need a guardian, have one (per category), have an agreement
    in force, have one expiring soon, have none. Two queries whatever the number of persons."""
    today = today or timezone.localdate()
    q = _bucket_q(today)
    rows = (
        _coverage_base(user, today)
        .order_by()
        .values("township_code")
        .annotate(**{key: Count("pk", filter=cond) if cond else Count("pk") for key, cond in q.items()})
    )
    data = {row["township_code"]: row for row in rows}
    names = dict(scoped(Region, user).filter(code__in=list(data)).values_list("code", "name"))
    table = [
        CoverageRow(code, names.get(code, code), {key: data[code][key] for key in q}) for code in sorted(data)
    ]
    total = CoverageRow(ALL, _("Total"), {key: sum(r.counts[key] for r in table) for key in q})
    return table, total


def coverage_persons(user, township: str, bucket: str, today: dt.date | None = None):
    """The persons behind one number of the coverage table."""
    today = today or timezone.localdate()
    q = _bucket_q(today)
    if bucket not in q:
        raise Http404(_("No such list."))
    qs = _coverage_base(user, today).filter(q[bucket]).select_related("village")
    if township != ALL:
        region_seen_or_404(user, township, level=rcodes.TOWNSHIP)
        qs = within(qs, township[: rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP]])
    return qs.order_by("village_id", "name", "pk")


# ---- reminders -----------------------------------------------------------------------------------------


def agreements_expiring(user, today: dt.date | None = None, days: int = AGREEMENT_REMINDER_DAYS):
    """Agreements in force (or signed) that end within `days` days and have not been renewed yet."""
    today = today or timezone.localdate()
    renewed = Agreement.objects.filter(renewal_of=OuterRef("pk")).exclude(status=Agreement.Status.ENDED)
    return (
        scoped(Agreement, user)
        .filter(
            status__in=[Agreement.Status.SIGNED, Agreement.Status.ACTIVE],
            guardianship__status=Guardianship.Status.ACTIVE,
            end_on__gte=today,
            end_on__lte=today + dt.timedelta(days=days),
        )
        .annotate(renewed=Exists(renewed))
        .select_related("person", "person__village")
        .order_by("end_on", "pk")
    )


def reminder_jobs(user, limit: int = 5):
    return scoped(Job, user).filter(kind="care_agreement_reminders").order_by("-created_at")[:limit]
