"""Reads for the monthly care loop, always through the area scope.

Every table a page shows is computed from the same queryset as the list behind each of its numbers
(coverage, budget, materials), so a number and its list cannot disagree. The visit worklist and the
overdue list are a constant number of queries whatever the number of persons or visits
(bench/worklist.py measures them on a province-sized data set).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, region_seen_or_404, scoped, within
from doudi.guardianship.models import Guardianship, ReplacementCase
from doudi.oversight.models import RectificationTask
from doudi.oversight.results import latest_guardian_evaluation
from doudi.oversight.sources import VISIT, Source, SourceRecord
from doudi.registry.models import Institution, Person, PersonStatus
from doudi.registry.models import Placement as RegistryPlacement

from .models import (
    CarePlacement,
    CareSetting,
    MaterialBatch,
    MaterialHandover,
    Provider,
    ServiceBudget,
    ServiceContract,
    ServiceDelivery,
    ServiceOrder,
    SupportMember,
    Visit,
    VisitPhoto,
)
from .rules import (  # noqa: F401  (month_end is re-exported for the API)
    GUARDIAN_PROBLEM_COUNT,
    GUARDIAN_PROBLEM_MONTHS,
    NetworkRole,
    add_months,
    due_date,
    month_end,
    month_start,
)

ALL = "all"
_TOWN = rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP]


def _township_expr(path: str = "village_id"):
    return Concat(Substr(path, 1, _TOWN), Value("0" * (12 - _TOWN)))


def township_get(user, code: str) -> Region:
    """A township of a table's row: in the user's area, or the one a village's staff work in."""
    return region_seen_or_404(user, code, level=rcodes.TOWNSHIP)


def townships(user):
    return scoped(Region, user).filter(level=rcodes.TOWNSHIP, is_active=True).order_by("code")


def _narrow(qs, user, township: str):
    if township and township != ALL:
        town = township_get(user, township)
        qs = within(qs, town)
    return qs


# ---- single records ---------------------------------------------------------------------------------


def person_get(user, pk) -> Person:
    return get_scoped_or_404(Person.objects.select_related("village", "village__parent"), user, pk=pk)


def visit_get(user, pk) -> Visit:
    return get_scoped_or_404(
        Visit.objects.select_related("person", "person__village", "visitor", "copy_of", "copy_of__person"),
        user,
        pk=pk,
    )


def visit_source(user, pk: str) -> SourceRecord:
    """A visit as oversight shows it on a task or a survey (404 outside the user's area); the
    source kind care registers in apps.py."""
    visit = visit_get(user, pk)
    return SourceRecord(
        source=Source(VISIT, visit.pk),
        person_id=visit.person_id,
        on=visit.visited_on,
        url=reverse("care_visit", args=[visit.pk]),
        text=_("the visit"),
    )


def visit_photo_get(user, visit, pk) -> VisitPhoto:
    return get_scoped_or_404(VisitPhoto.objects.select_related("upload").filter(visit=visit), user, pk=pk)


def member_get(user, pk) -> SupportMember:
    return get_scoped_or_404(SupportMember.objects.select_related("person"), user, pk=pk)


def provider_get(user, pk) -> Provider:
    return get_scoped_or_404(Provider.objects.select_related("region"), user, pk=pk)


def contract_get(user, pk) -> ServiceContract:
    return get_scoped_or_404(ServiceContract.objects.select_related("provider", "region"), user, pk=pk)


def batch_get(user, pk) -> MaterialBatch:
    return get_scoped_or_404(MaterialBatch.objects.select_related("region"), user, pk=pk)


def handover_get(user, pk) -> MaterialHandover:
    return get_scoped_or_404(
        MaterialHandover.objects.select_related("batch", "person", "person__village", "signature"),
        user,
        pk=pk,
    )


def institutions(user):
    return (
        scoped(Institution, user)
        .select_related("region")
        .annotate(occupied=Count("placements", filter=Q(placements__ended_on__isnull=True)))
        .order_by("region_id", "name")
    )


def current_placement(user, person) -> CarePlacement | None:
    return (
        scoped(CarePlacement, user)
        .filter(person=person, ended_on__isnull=True)
        .select_related("institution")
        .first()
    )


def network_of(user, person):
    return scoped(SupportMember, user).filter(person=person).select_related("user").order_by("role", "id")


def visits_of(user, person, limit=12):
    return (
        scoped(Visit, user)
        .filter(person=person)
        .select_related("visitor")
        .order_by("-visited_on", "-id")[:limit]
    )


# ---- visits due: the cadre's worklist and the township's overdue list -----------------------------------


def township_code(code: str) -> str:
    n = rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP]
    return code[:n] + "0" * (12 - n)


def county_code(code: str) -> str:
    n = rcodes.PREFIX_LENGTH[rcodes.COUNTY]
    return code[:n] + "0" * (12 - n)


def setting_for(code: str) -> CareSetting:
    """The county's setting for a region code (defaults when the county never saved one)."""
    county = county_code(code)
    found = CareSetting.objects.filter(region_id=county).first()
    return found or CareSetting(region_id=county)


def due_base(today: dt.date, required: int = 1):
    """Active persons at home, annotated with this month's visits, the last visit and open tasks.

    Correlated subqueries on Visit(person, visited_on) and the task index: the cost follows the
    persons selected, not the size of the visit table."""

    start, end = month_start(today), month_end(today)
    month_visits = (
        Visit.objects.filter(person=OuterRef("pk"), visited_on__gte=start, visited_on__lte=end)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    last = Visit.objects.filter(person=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    open_tasks = (
        RectificationTask.objects.filter(person=OuterRef("pk"), status=RectificationTask.Status.OPEN)
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Person.objects.filter(status=PersonStatus.ACTIVE, placement=RegistryPlacement.DISPERSED).annotate(
        visits_month=Coalesce(Subquery(month_visits, output_field=IntegerField()), 0),
        last_visit=Subquery(last),
        open_tasks=Coalesce(Subquery(open_tasks, output_field=IntegerField()), 0),
    )


@dataclass
class DueList:
    persons: list
    required: int
    due_on: dt.date
    overdue: bool  # the due day has passed: everyone still listed is overdue


def _ordered(qs):
    return qs.order_by("-open_tasks", F("last_visit").asc(nulls_first=True), "pk")


def worklist(user, today: dt.date | None = None) -> DueList:
    """The persons paired with this cadre (结对帮扶) still due a visit this month, most urgent
    first: open problems, never visited, longest since the last visit."""
    today = today or timezone.localdate()
    setting = setting_for(user.region_id or "")
    mine = SupportMember.objects.filter(user=user, role=NetworkRole.CADRE).values("person_id")
    qs = (
        scoped(due_base(today, setting.visits_per_month), user)
        .filter(pk__in=mine, visits_month__lt=setting.visits_per_month)
        .select_related("village")
    )
    due_on = due_date(month_start(today), setting.visit_due_day)
    return DueList(list(_ordered(qs)), setting.visits_per_month, due_on, today > due_on)


def visits_due(user, township: str = ALL, today: dt.date | None = None):
    """Persons at home in the area (or one township) not yet visited enough this month."""
    today = today or timezone.localdate()
    setting = setting_for(township if township != ALL else (user.region_id or ""))
    qs = _narrow(scoped(due_base(today, setting.visits_per_month), user), user, township)
    qs = qs.filter(visits_month__lt=setting.visits_per_month).select_related("village")
    due_on = due_date(month_start(today), setting.visit_due_day)
    return _ordered(qs), setting.visits_per_month, due_on, today > due_on


def overdue_list(user, township: str, today: dt.date | None = None) -> list:
    """The township's overdue list (empty before the due day)."""
    qs, _, _, overdue = visits_due(user, township, today)
    return list(qs) if overdue else []


def month_visit_counts(user, township: str = ALL, today: dt.date | None = None) -> dict:
    """This month's visits in the area: at home and in institutions (counted separately)."""
    today = today or timezone.localdate()
    qs = _narrow(scoped(Visit, user), user, township).filter(
        visited_on__gte=month_start(today), visited_on__lte=month_end(today)
    )
    return qs.aggregate(
        home_visits=Count("pk", filter=Q(at_home=True)),
        institution_visits=Count("pk", filter=Q(at_home=False)),
        problem_visits=Count("pk", filter=Q(has_problem=True)),
    )


def flagged_visits(user, township: str = ALL):
    """Visits whose notes are near-identical to another visit's (千篇一律) or too short (草草了事)."""
    qs = _narrow(scoped(Visit, user), user, township)
    return (
        qs.filter(Q(copy_of__isnull=False) | Q(perfunctory=True))
        .select_related(
            "person", "person__village", "visitor", "copy_of", "copy_of__person", "copy_of__visitor"
        )
        .order_by("-visited_on", "-pk")
    )


def ledger_rows(user, township: str, month: dt.date):
    """The visit ledger (走访台账) of a township for a month, for the Excel export."""
    town = township_get(user, township)
    return (
        within(scoped(Visit, user), town)
        .filter(visited_on__gte=month_start(month), visited_on__lte=month_end(month))
        .select_related("person", "person__village", "visitor")
        .order_by("person__village_id", "person__name", "visited_on", "pk")
    ), town


# ---- guardian performance -------------------------------------------------------------------------------


GUARDIAN_REASONS = {
    "visits": gettext_lazy("Problems found on repeated visits"),
    "evaluation": gettext_lazy("Latest guardian evaluation poor"),
}


def guardian_performance(user, today: dt.date | None = None):
    """Candidates for replacing the guardian (care's replacement flow): persons whose visits found
    监护责任 "有问题" at least twice in three months (`by_visits`) or whose latest guardian evaluation
    (oversight's 绩效评估) is poor (`poor_evaluation`); either or both. The reasons' labels are
    GUARDIAN_REASONS. One query for the list (correlated subqueries), one for its count."""

    today = today or timezone.localdate()
    since = add_months(today, -GUARDIAN_PROBLEM_MONTHS)
    bad = (
        Visit.objects.filter(
            person=OuterRef("pk"), guardian_problem=True, visited_on__gte=since, visited_on__lte=today
        )
        .order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    last_bad = (
        Visit.objects.filter(person=OuterRef("pk"), guardian_problem=True)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    latest_eval = latest_guardian_evaluation("pk")
    current = Guardianship.objects.filter(person=OuterRef("pk"), status=Guardianship.Status.ACTIVE)
    pending = ReplacementCase.objects.filter(person=OuterRef("pk"), status=ReplacementCase.Status.PENDING)
    return (
        scoped(Person, user)
        .filter(status=PersonStatus.ACTIVE)
        .annotate(
            guardian_problems=Coalesce(Subquery(bad, output_field=IntegerField()), 0),
            poor_evaluation=Coalesce(
                Subquery(latest_eval.values("poor")[:1], output_field=BooleanField()), Value(False)
            ),
        )
        .filter(Q(guardian_problems__gte=GUARDIAN_PROBLEM_COUNT) | Q(poor_evaluation=True))
        .annotate(
            by_visits=ExpressionWrapper(
                Q(guardian_problems__gte=GUARDIAN_PROBLEM_COUNT), output_field=BooleanField()
            ),
            last_problem=Subquery(last_bad),
            evaluated_on=Subquery(latest_eval.values("evaluated_on")[:1]),
            guardian_name=Subquery(current.values("guardian_name")[:1]),
            has_guardianship=Exists(current),
            replacement_pending=Exists(pending),
        )
        .select_related("village")
        .order_by(
            "-by_visits",
            "-guardian_problems",
            F("last_problem").desc(nulls_last=True),
            F("evaluated_on").desc(nulls_last=True),
            "pk",
        )
    )


# ---- the "多对一" network coverage ------------------------------------------------------------------------

NETWORK_BUCKETS = {
    "home": gettext_lazy("At home"),
    "covered": gettext_lazy("Fully covered"),
    "no_guardian": gettext_lazy("No guardian"),
    "no_carer": gettext_lazy("No carer"),
    "no_cadre": gettext_lazy("No paired cadre"),
    "no_helper": gettext_lazy("No social worker or volunteer"),
    "overloaded": gettext_lazy("Carer looks after too many"),
}


def _network_q() -> dict[str, Q]:
    guardian = Q(m_guardian=True) | Q(g_active=True)
    return {
        "home": Q(),
        "covered": guardian & Q(m_carer=True, m_cadre=True, m_helper=True, overloaded=False),
        "no_guardian": ~guardian,
        "no_carer": Q(m_carer=False),
        "no_cadre": Q(m_cadre=False),
        "no_helper": Q(m_helper=False),
        "overloaded": Q(overloaded=True),
    }


def _network_base(user):
    setting = setting_for(user.region_id or "")
    members = SupportMember.objects.filter(person=OuterRef("pk"))
    busy_phones = (
        SupportMember.objects.filter(role=NetworkRole.CARER)
        .order_by()
        .values("phone")
        .annotate(n=Count("person", distinct=True))
        .filter(n__gt=setting.max_persons_per_carer)
        .values("phone")
    )
    return (
        scoped(Person, user)
        .filter(status=PersonStatus.ACTIVE, placement=RegistryPlacement.DISPERSED)
        .annotate(
            m_guardian=Exists(members.filter(role=NetworkRole.GUARDIAN)),
            g_active=Exists(
                Guardianship.objects.filter(person=OuterRef("pk"), status=Guardianship.Status.ACTIVE)
            ),
            m_carer=Exists(members.filter(role=NetworkRole.CARER)),
            m_cadre=Exists(members.filter(role=NetworkRole.CADRE)),
            m_helper=Exists(members.filter(role__in=[NetworkRole.SOCIAL_WORKER, NetworkRole.VOLUNTEER])),
            overloaded=Exists(members.filter(role=NetworkRole.CARER, phone__in=busy_phones)),
            township_code=_township_expr(),
        )
    )


@dataclass
class Row:
    code: str
    name: str
    counts: dict[str, int]


def network_table(user) -> tuple[list[Row], Row]:
    q = _network_q()
    rows = (
        _network_base(user)
        .order_by()
        .values("township_code")
        .annotate(**{k: Count("pk", filter=c) if c else Count("pk") for k, c in q.items()})
    )
    data = {r["township_code"]: r for r in rows}
    names = dict(scoped(Region, user).filter(code__in=list(data)).values_list("code", "name"))
    table = [Row(code, names.get(code, code), {k: data[code][k] for k in q}) for code in sorted(data)]
    total = Row(ALL, _("Total"), {k: sum(r.counts[k] for r in table) for k in q})
    return table, total


def network_persons(user, township: str, bucket: str):
    q = _network_q()
    if bucket not in q:
        raise Http404(_("No such list."))
    qs = _narrow(_network_base(user), user, township).filter(q[bucket]).select_related("village")
    return qs.order_by("village_id", "name", "pk")


# ---- purchased services -------------------------------------------------------------------------------------


def providers(user):
    return scoped(Provider, user).prefetch_related("staff").order_by("name")


def contracts(user, provider=None):
    qs = scoped(ServiceContract, user).select_related("provider", "region")
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs.order_by("-start_on", "pk")


def budgets_of_contract(user, contract):
    return scoped(ServiceBudget, user).filter(contract=contract).select_related("person", "person__village")


def orders_of_contract(user, contract, month: dt.date):
    return (
        scoped(ServiceOrder, user)
        .filter(contract=contract, month=month_start(month))
        .annotate(delivered=Count("deliveries"))
        .select_related("person", "person__village")
        .order_by("person__name", "kind")
    )


def _money():
    return DecimalField(max_digits=12, decimal_places=2)


def budget_rows(user, month: dt.date, township: str = ALL):
    """Per person and contract: the monthly budget, the value planned and the value delivered."""
    month = month_start(month)
    orders = ServiceOrder.objects.filter(
        person=OuterRef("person"), contract=OuterRef("contract"), month=month
    )
    planned = (
        orders.order_by()
        .values("person")
        .annotate(s=Sum(F("times") * F("unit_price"), output_field=_money()))
        .values("s")[:1]
    )
    delivered = (
        ServiceDelivery.objects.filter(
            order__person=OuterRef("person"), order__contract=OuterRef("contract"), order__month=month
        )
        .order_by()
        .values("order__person")
        .annotate(s=Sum("order__unit_price"))
        .values("s")[:1]
    )
    qs = _narrow(scoped(ServiceBudget, user), user, township).filter(
        contract__start_on__lte=month_end(month), contract__end_on__gte=month
    )
    return (
        qs.annotate(
            planned=Coalesce(
                Subquery(planned, output_field=_money()), Value(Decimal(0)), output_field=_money()
            ),
            delivered=Coalesce(
                Subquery(delivered, output_field=_money()), Value(Decimal(0)), output_field=_money()
            ),
        )
        .select_related("person", "person__village", "contract__provider")
        .order_by("person__village_id", "person__name", "pk")
    )


@dataclass
class ProviderTotal:
    provider: str
    persons: int = 0
    budget: Decimal = Decimal(0)
    planned: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    short: list = field(default_factory=list)


def budget_by_provider(rows) -> list[ProviderTotal]:
    """Sums of the per-person rows (the same list the page shows under the table)."""
    out: dict[str, ProviderTotal] = {}
    for r in rows:
        t = out.setdefault(r.contract.provider.name, ProviderTotal(r.contract.provider.name))
        t.persons += 1
        t.budget += r.monthly_amount
        t.planned += r.planned
        t.delivered += r.delivered
    return sorted(out.values(), key=lambda t: t.provider)


def undelivered_orders(user, month: dt.date, township: str = ALL):
    """Orders of the month with fewer deliveries than planned."""
    return (
        _narrow(scoped(ServiceOrder, user), user, township)
        .filter(month=month_start(month))
        .annotate(delivered=Count("deliveries"))
        .filter(delivered__lt=F("times"))
        .select_related("person", "person__village", "contract__provider")
        .order_by("person__village_id", "person__name", "kind", "pk")
    )


def orders_for_staff(user, month: dt.date):
    """A provider's staff: this month's orders of their own provider's contracts, nothing else."""
    return (
        scoped(ServiceOrder, user)
        .filter(contract__provider__staff=user, month=month_start(month))
        .annotate(delivered=Count("deliveries"))
        .select_related("person", "person__village", "contract__provider")
        .order_by("person__village_id", "person__name", "kind", "pk")
    )


def order_for_staff(user, pk) -> ServiceOrder:
    """404 for an order outside the user's area or (for provider staff) outside their contracts."""

    qs = ServiceOrder.objects.select_related("person", "person__village", "contract__provider")
    if not user.can(Cap.MANAGE_CARE):
        qs = qs.filter(contract__provider__staff=user)
    return get_scoped_or_404(qs, user, pk=pk)


def deliveries(user, *, month: dt.date | None = None):

    qs = scoped(ServiceDelivery, user).select_related("order", "order__person", "recorded_by")
    if not user.can(Cap.MANAGE_CARE):
        qs = qs.filter(order__contract__provider__staff=user)
    if month is not None:
        qs = qs.filter(order__month=month_start(month))
    return qs.order_by("-delivered_at", "-pk")


def deliveries_of_order(user, order):
    return (
        scoped(ServiceDelivery, user)
        .filter(order=order)
        .select_related("recorded_by")
        .order_by("delivered_at")
    )


# ---- materials ------------------------------------------------------------------------------------------------


def batches(user):
    return (
        scoped(MaterialBatch, user)
        .annotate(
            total=Count("handovers", distinct=True),
            delivered=Count("handovers", filter=Q(handovers__delivered_on__isnull=False), distinct=True),
            pending=Count("handovers", filter=Q(handovers__delivered_on__isnull=True), distinct=True),
        )
        .order_by("-planned_on", "-pk")
    )


def handovers(user, batch, *, pending: bool | None = None):
    """The persons of a batch (through the scope: a county batch shows a clerk only their township)."""
    qs = scoped(MaterialHandover, user).filter(batch=batch).select_related("person", "person__village")
    if pending is True:
        qs = qs.filter(delivered_on__isnull=True)
    elif pending is False:
        qs = qs.filter(delivered_on__isnull=False)
    return qs.order_by("person__village_id", "person__name", "pk")


def batch_counts(user, batch) -> dict:
    return handovers(user, batch).aggregate(
        total=Count("pk"),
        delivered=Count("pk", filter=Q(delivered_on__isnull=False)),
        pending=Count("pk", filter=Q(delivered_on__isnull=True)),
    )


# ---- the person page -----------------------------------------------------------------------------------------


def person_section(request, person) -> dict | None:

    user = request.user
    return {
        "placement": current_placement(user, person),
        "network": list(network_of(user, person)),
        "visits": list(visits_of(user, person, limit=5)),
        "open_tasks": scoped(RectificationTask, user).filter(person=person, status="open").count(),
        "township": township_code(person.village_id),
    }
