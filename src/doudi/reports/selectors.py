"""Monthly statistics (issue 7), always read through the area scope.

One definition per figure (`FIGURES`) produces both the number and the list behind it: a person
figure is a conjunction of atoms over a few per-person columns; the page's count is
`SUM(CASE WHEN <atoms> …)` over the persons' rows grouped by region prefix, and the drill-down list
is the persons filtered by the same atoms. The per-person columns are defined once (`_Tables`) and
built two ways: `person_rows` aggregates each table once by person and LEFT JOINs the results (the
counts: the whole area at once), `person_base` correlates the same querysets with each person (the
lists: an ORM queryset to filter, order and page). tests/reports prove the two agree column by
column, and that every number equals the length of its list.

Query count does not depend on the number of townships: persons are one query, tasks one,
material hand-overs one, plus the region names. bench/monthly_report.py measures it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.care.models import CarePlacement, MaterialHandover, ServiceBudget, ServiceDelivery, Visit
from doudi.care.rules import due_date
from doudi.care.selectors import setting_for
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import get_scoped_or_404, scoped, within
from doudi.eligibility.models import Assessment, CaseKind, Outcome
from doudi.eligibility.models import Case as ApplicationCase
from doudi.guardianship.models import Agreement
from doudi.oversight.models import RectificationTask
from doudi.registry.models import Institution, Person, PersonStatus, Placement

from . import rules

# Agreements ending within this many days after the month end count as "expiring".
EXPIRING_DAYS = 60


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # lazy translation
    kind: str = "person"  # person | task | handover
    group: str = ""


# (column, op, value): op is "eq", "ge", "lt", "null" or "never" (a condition that cannot hold).
Atom = tuple[str, str, object]

_G_PERSONS = _("Supported persons")
_G_URBAN = _("Urban, at home")
_G_RURAL = _("Rural, at home")
_G_CARE = _("Care loop")

FIGURES: list[Figure] = [
    Figure("total", _("Total"), group=_G_PERSONS),
    Figure("centralized", _("Centralized"), group=_G_PERSONS),
    Figure("dispersed", _("Dispersed"), group=_G_PERSONS),
    Figure("urban", _("Urban"), group=_G_PERSONS),
    Figure("rural", _("Rural"), group=_G_PERSONS),
    Figure("level_none", _("Fully disabled"), group=_G_PERSONS),
    Figure("level_partial", _("Partially disabled"), group=_G_PERSONS),
    Figure("level_full", _("Fully self-caring"), group=_G_PERSONS),
    Figure("level_unknown", _("Not assessed"), group=_G_PERSONS),
    Figure("urban_dispersed", _("Urban at home"), group=_G_URBAN),
    Figure("urban_dispersed_none", _("Fully disabled"), group=_G_URBAN),
    Figure("urban_dispersed_partial", _("Partially disabled"), group=_G_URBAN),
    Figure("urban_dispersed_full", _("Fully self-caring"), group=_G_URBAN),
    Figure("rural_dispersed", _("Rural at home"), group=_G_RURAL),
    Figure("rural_dispersed_none", _("Fully disabled"), group=_G_RURAL),
    Figure("rural_dispersed_partial", _("Partially disabled"), group=_G_RURAL),
    Figure("rural_dispersed_full", _("Fully self-caring"), group=_G_RURAL),
    Figure("visits_due", _("Visits due"), group=_G_CARE),
    Figure("visits_done", _("Visits done"), group=_G_CARE),
    Figure("visits_late", _("Visits late"), group=_G_CARE),
    Figure("rect_opened", _("Rectifications opened"), kind="task", group=_G_CARE),
    Figure("rect_closed", _("Rectifications closed"), kind="task", group=_G_CARE),
    Figure("rect_overdue", _("Rectifications overdue"), kind="task", group=_G_CARE),
    Figure("agreements_active", _("Agreements in force"), group=_G_CARE),
    Figure("agreements_expiring", _("Agreements expiring"), group=_G_CARE),
    Figure("agreements_missing", _("Agreements missing"), group=_G_CARE),
    Figure("services_budgeted", _("Persons with a service budget"), group=_G_CARE),
    Figure("services_delivered", _("Persons served"), group=_G_CARE),
    Figure("materials_delivered", _("Materials handed over"), kind="handover", group=_G_CARE),
]
BY_KEY = {f.key: f for f in FIGURES}
KEYS = [f.key for f in FIGURES]


@dataclass
class Period:
    month: dt.date
    end: dt.date
    required: int
    due_on: dt.date
    late_counts: bool  # the due day has passed (as of today)

    @classmethod
    def of(cls, month: dt.date, region_code: str, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        month = month.replace(day=1)
        setting = setting_for(region_code)
        due_on = due_date(month, setting.visit_due_day)
        return cls(month, rules.month_end(month), setting.visits_per_month, due_on, today > due_on)


def _person_atoms(p: Period) -> dict[str, list[Atom]]:
    disp = ("r_disp", "eq", True)
    urban = ("r_urc", "eq", "1")
    rural = ("r_urc", "eq", "2")
    out: dict[str, list[Atom]] = {
        "total": [],
        "centralized": [("r_disp", "eq", False)],
        "dispersed": [disp],
        "urban": [urban],
        "rural": [rural],
        "level_none": [("r_level", "eq", "none")],
        "level_partial": [("r_level", "eq", "partial")],
        "level_full": [("r_level", "eq", "full")],
        "level_unknown": [("r_level", "null", None)],
        "urban_dispersed": [disp, urban],
        "rural_dispersed": [disp, rural],
        "visits_due": [disp],
        "visits_done": [disp, ("r_visits", "ge", p.required)],
        "visits_late": [disp, ("r_by_due", "lt", p.required)] if p.late_counts else [("pk", "never", None)],
        "agreements_active": [("r_agreement", "eq", True)],
        "agreements_expiring": [("r_expiring", "eq", True)],
        "agreements_missing": [disp, ("r_agreement", "eq", False)],
        "services_budgeted": [("r_budget", "eq", True)],
        "services_delivered": [("r_served", "eq", True)],
    }
    for where, atom in (("urban", urban), ("rural", rural)):
        for level in ("none", "partial", "full"):
            out[f"{where}_dispersed_{level}"] = [disp, atom, ("r_level", "eq", level)]
    return out


def _q(atoms: list[Atom]) -> Q:
    q = Q()
    for col, op, value in atoms:
        if op == "eq":
            q &= Q(**{col: value})
        elif op == "ge":
            q &= Q(**{f"{col}__gte": value})
        elif op == "lt":
            q &= Q(**{f"{col}__lt": value})
        elif op == "null":
            q &= Q(**{f"{col}__isnull": True})
        else:
            q &= Q(pk__in=[])
    return q


def _sql(atoms: list[Atom], quote) -> tuple[str, list]:
    parts, params = [], []
    for col, op, value in atoms:
        c = f"t.{quote(col)}"
        if op == "eq":
            parts.append(f"{c} = %s")
            params.append(value)
        elif op == "ge":
            parts.append(f"{c} >= %s")
            params.append(value)
        elif op == "lt":
            parts.append(f"{c} < %s")
            params.append(value)
        elif op == "null":
            parts.append(f"{c} IS NULL")
        else:
            parts.append("1 = 0")
    return (" AND ".join(parts) or "1 = 1"), params


def supported_q(end: dt.date) -> Q:
    """On the books at the month end: supported since then and not terminated by then."""
    since = Q(supported_since__isnull=True) | Q(supported_since__lte=end)
    active = Q(status=PersonStatus.ACTIVE) | Q(status=PersonStatus.TERMINATED, terminated_on__gt=end)
    return since & active


class _Tables:
    """The records behind the per-person columns, each condition written once: person_base
    correlates them with a person (the lists), person_rows aggregates each by person (the counts)."""

    def __init__(self, p: Period):
        start, end = p.month, p.end
        self.assessments = Assessment.objects.filter(assessed_on__lte=end)
        self.assessment_order = ("-assessed_on", "-pk")  # the latest one counts
        self.visits = Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
        self.by_due = Q(visited_on__lte=p.due_on)  # the due day is capped at the month end
        self.in_force = Agreement.objects.filter(
            status__in=[Agreement.Status.ACTIVE, Agreement.Status.EXPIRED, Agreement.Status.ENDED],
            start_on__lte=end,
            end_on__gte=end,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        self.expiring = Q(end_on__lte=end + dt.timedelta(days=EXPIRING_DAYS))
        self.budgets = ServiceBudget.objects.filter(contract__start_on__lte=end, contract__end_on__gte=start)
        self.deliveries = ServiceDelivery.objects.filter(order__month=start)
        self.placements = (
            CarePlacement.objects.filter(started_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
            .exclude(institution=None)
        )
        self.placement_order = ("-started_on", "-pk")  # the latest one counts


def _persons(p: Period):
    return Person.objects.filter(supported_q(p.end)).annotate(
        r_urc=Substr("village__urban_rural_code", 1, 1),
        r_disp=Case(When(placement=Placement.DISPERSED, then=Value(True)), default=Value(False)),
    )


def person_base(p: Period):
    """Persons on the books at the month end with the per-person columns the figures test, as
    correlated subqueries (the drill-down lists; person_rows computes the same columns in bulk)."""
    t = _Tables(p)
    me = OuterRef("pk")
    level = t.assessments.filter(person=me).order_by(*t.assessment_order).values("level")[:1]

    def count(qs):
        return Coalesce(
            Subquery(
                qs.filter(person=me).order_by().values("person").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    in_force = t.in_force.filter(person=me)
    institution = t.placements.filter(person=me).order_by(*t.placement_order).values("institution_id")[:1]
    return _persons(p).annotate(
        r_level=Subquery(level),
        r_visits=count(t.visits),
        r_by_due=count(t.visits.filter(t.by_due)),
        r_agreement=Exists(in_force),
        r_expiring=Exists(in_force.filter(t.expiring)),
        r_budget=Exists(t.budgets.filter(person=me)),
        r_served=Exists(t.deliveries.filter(order__person=me)),
        r_inst=Case(
            When(placement=Placement.CENTRALIZED, then=Subquery(institution)),
            default=Value(None),
            output_field=IntegerField(),
        ),
    )


PERSON_COLUMNS = [
    "r_urc",
    "r_disp",
    "r_level",
    "r_visits",
    "r_by_due",
    "r_agreement",
    "r_expiring",
    "r_budget",
    "r_served",
    "r_inst",
]


def person_rows(p: Period, narrow, extra: dict | None = None) -> tuple[str, list]:
    """(sql, params): one row per person of `narrow(Person queryset)` with `r_pid`, the columns of
    person_base (PERSON_COLUMNS) and `extra` annotations — computed as the floor does: each table
    filtered once (narrowed to the same area), aggregated by person and LEFT JOINed to the persons,
    instead of one probe per person and column. tests/reports prove the columns equal person_base's.
    """
    t = _Tables(p)

    def by_person(qs, person="person_id", **aggregates):
        return narrow(qs).order_by().annotate(r_pid=F(person)).values("r_pid").annotate(**aggregates)

    def latest(qs, order, value):
        rank = Window(
            RowNumber(),
            partition_by=F("person_id"),
            order_by=[OrderBy(F(o.lstrip("-")), descending=o.startswith("-")) for o in order],
        )
        return (
            narrow(qs)
            .order_by()
            .annotate(r_pid=F("person_id"), r_val=F(value), r_rank=rank)
            .filter(r_rank=1)
            .values("r_pid", "r_val")
        )

    one = Value(1)
    derived = {
        "lvl": latest(t.assessments, t.assessment_order, "level"),
        "vis": by_person(t.visits, r_n=Count("pk"), r_due=Count("pk", filter=t.by_due)),
        "agr": by_person(t.in_force, r_exp=Max(Case(When(t.expiring, then=one), default=Value(0)))),
        "bud": by_person(t.budgets, r_n=Count("pk")),
        "srv": by_person(t.deliveries, person="order__person_id", r_n=Count("pk")),
        "ins": latest(t.placements, t.placement_order, "institution_id"),
    }
    persons = (
        narrow(_persons(p))
        .order_by()
        .annotate(
            r_pid=F("pk"),
            r_centr=Case(When(placement=Placement.CENTRALIZED, then=one), default=Value(0)),
            **(extra or {}),
        )
        .values("r_pid", "r_urc", "r_disp", "r_centr", *(extra or {}))
    )
    connection = connections[persons.db]
    q = connection.ops.quote_name
    sql, params = persons.query.sql_with_params()
    joins = []
    for alias, qs in derived.items():
        dsql, dparams = qs.query.sql_with_params()
        joins.append(f"LEFT JOIN ({dsql}) {alias} ON {alias}.{q('r_pid')} = p.{q('r_pid')}")
        params = (*params, *dparams)
    pid = q("r_pid")
    columns = [
        f"p.{q('r_pid')}",
        *(f"p.{q(c)}" for c in ("r_urc", "r_disp", *(extra or {}))),
        f"lvl.{q('r_val')} AS {q('r_level')}",
        f"COALESCE(vis.{q('r_n')}, 0) AS {q('r_visits')}",
        f"COALESCE(vis.{q('r_due')}, 0) AS {q('r_by_due')}",
        f"agr.{pid} IS NOT NULL AS {q('r_agreement')}",
        f"COALESCE(agr.{q('r_exp')}, 0) = 1 AS {q('r_expiring')}",
        f"bud.{pid} IS NOT NULL AS {q('r_budget')}",
        f"srv.{pid} IS NOT NULL AS {q('r_served')}",
        f"CASE WHEN p.{q('r_centr')} = 1 THEN ins.{q('r_val')} END AS {q('r_inst')}",
    ]
    return f"SELECT {', '.join(columns)} FROM ({sql}) p {' '.join(joins)}", list(params)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _task_q(p: Period, today: dt.date | None = None) -> dict[str, Q]:
    today = today or timezone.localdate()
    start, after = _aware(p.month), _aware(rules.next_month(p.month))
    cutoff = min(p.end, today)
    still_open = Q(closed_at__isnull=True) | Q(closed_at__gte=_aware(cutoff + dt.timedelta(days=1)))
    return {
        "rect_opened": Q(created_at__gte=start, created_at__lt=after),
        "rect_closed": Q(closed_at__gte=start, closed_at__lt=after),
        "rect_overdue": Q(created_at__lt=after, deadline__lt=cutoff) & still_open,
    }


def _handover_q(p: Period) -> dict[str, Q]:
    return {"materials_delivered": Q(delivered_on__gte=p.month, delivered_on__lte=p.end)}


# ---- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    code: str
    name: str
    figures: dict = field(default_factory=dict)
    institutions: dict = field(default_factory=dict)  # institution id (str) → persons placed there


@dataclass
class Statistics:
    region: Region
    month: dt.date
    rows: list[Row]
    total: Row
    institutions: dict  # id (str) → name
    closed: bool = False  # figures come from a frozen snapshot

    def as_json(self) -> dict:
        return {
            "region": self.region.code,
            "month": f"{self.month:%Y-%m}",
            "rows": [
                {"code": r.code, "name": r.name, "figures": r.figures, "institutions": r.institutions}
                for r in self.rows
            ],
            "total": self.total.figures,
            "total_institutions": self.total.institutions,
            "institutions": self.institutions,
        }

    @classmethod
    def from_json(cls, region: Region, data: dict) -> Statistics:
        rows = [Row(r["code"], r["name"], r["figures"], r.get("institutions", {})) for r in data["rows"]]
        total = Row(region.code, region.name, data["total"], data.get("total_institutions", {}))
        month = rules.parse_month(data["month"])
        return cls(region, month, rows, total, data.get("institutions", {}), closed=True)


def group_length(region: Region) -> int:
    """Rows are the region's children (a county's townships), never finer than a township."""
    level = region.level + 1 if region.level < rcodes.TOWNSHIP else region.level
    return rcodes.PREFIX_LENGTH[level]


def _grouped(qs, path: str, n: int, conditions: dict[str, Q]) -> dict[str, dict]:
    rows = (
        qs.annotate(r_grp=Substr(path, 1, n))
        .order_by()
        .values("r_grp")
        .annotate(**{k: Count("pk", filter=q) for k, q in conditions.items()})
    )
    return {r.pop("r_grp"): r for r in rows}


def compute(
    qs_user, region: Region, month: dt.date, today: dt.date | None = None, group_len: int | None = None
) -> Statistics:
    """The figures of `region` for `month` from live data. `qs_user` is the user whose scope
    applies (None only for trusted callers: the CLI and the benchmark, which pass a region)."""

    def base(model_or_qs):
        qs = scoped(model_or_qs, qs_user) if qs_user is not None else model_or_qs
        return within(qs, region)

    p = Period.of(month, region.code if region.level >= rcodes.COUNTY else "", today)
    n = group_len or group_length(region)
    figures: dict[str, dict] = {}
    institutions: dict[str, dict] = {}

    # Persons: one query — per-person columns from per-table aggregates joined once (person_rows),
    # wrapped in a GROUP BY with one CASE per figure.
    atoms = _person_atoms(p)
    connection = connections[Person.objects.db]
    quote = connection.ops.quote_name
    sql, params = person_rows(p, base, extra={"r_grp": Substr("village_id", 1, n)})
    cols, outer_params = [], []
    for a in atoms.values():
        cond, cp = _sql(a, quote)
        cols.append(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
        outer_params += cp
    query = (
        f"SELECT t.{quote('r_grp')}, t.{quote('r_inst')}, {', '.join(cols)} FROM ({sql}) t "
        f"GROUP BY t.{quote('r_grp')}, t.{quote('r_inst')}"
    )
    keys = list(atoms)
    with transaction.atomic(using=Person.objects.db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compilation of this statement (~0.6 s on the benchmark) costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(query, outer_params + list(params))
        for grp, inst, *values in cursor.fetchall():
            row = figures.setdefault(grp, dict.fromkeys(KEYS, 0))
            for k, v in zip(keys, values, strict=True):
                row[k] += int(v or 0)
            if inst is not None:
                per = institutions.setdefault(grp, {})
                per[str(inst)] = per.get(str(inst), 0) + int(values[keys.index("centralized")] or 0)

    for grp, counts in _grouped(base(RectificationTask), "region_id", n, _task_q(p, today)).items():
        figures.setdefault(grp, dict.fromkeys(KEYS, 0)).update(counts)
    for grp, counts in _grouped(base(MaterialHandover), "person__village_id", n, _handover_q(p)).items():
        figures.setdefault(grp, dict.fromkeys(KEYS, 0)).update(counts)

    # Rows: every child region in the area (a township with nothing still shows its zeros).
    if region.level >= rcodes.TOWNSHIP and not group_len:
        children = Region.objects.filter(pk=region.pk)
    else:
        level = next(lv for lv, ln in rcodes.PREFIX_LENGTH.items() if ln == n)
        children = base(Region.objects.filter(level=level))
    rows = []
    for child in children.order_by("code"):
        prefix = child.code[:n]
        rows.append(
            Row(
                child.code,
                child.name,
                figures.pop(prefix, dict.fromkeys(KEYS, 0)),
                institutions.pop(prefix, {}),
            )
        )
    total = Row(region.code, region.name, rules.add_up([r.figures for r in rows]) or dict.fromkeys(KEYS, 0))
    for r in rows:
        for inst, count in r.institutions.items():
            total.institutions[inst] = total.institutions.get(inst, 0) + count
    names = dict(
        Institution.objects.filter(pk__in=[int(i) for i in total.institutions]).values_list("pk", "name")
    )
    return Statistics(region, p.month, rows, total, {str(k): v for k, v in names.items()})


def statistics(user, region_code: str, month: dt.date, today: dt.date | None = None) -> Statistics:
    """The page's table for a region the user may see (404 otherwise)."""
    region = get_scoped_or_404(Region, user, code=region_code)
    return compute(user, region, month, today)


# ---- the lists behind the numbers -----------------------------------------------------------------


def drill(user, region_code: str, month: dt.date, key: str, today: dt.date | None = None):
    """(figure, queryset) — the records counted in one cell, from the same conditions."""
    region = get_scoped_or_404(Region, user, code=region_code)
    figure = BY_KEY.get(key)
    if figure is None:
        from django.http import Http404

        raise Http404("unknown figure")
    p = Period.of(month, region.code if region.level >= rcodes.COUNTY else "", today)
    if figure.kind == "task":
        qs = within(scoped(RectificationTask, user), region).filter(_task_q(p, today)[key])
        return figure, qs.select_related("person", "region").order_by("deadline", "pk")
    if figure.kind == "handover":
        qs = within(scoped(MaterialHandover, user), region).filter(_handover_q(p)[key])
        return figure, qs.select_related("person", "person__village", "batch").order_by(
            "person__village_id", "pk"
        )
    qs = within(scoped(person_base(p), user), region).filter(_q(_person_atoms(p)[key]))
    return figure, qs.select_related("village").order_by("village_id", "name", "pk")


# ---- frozen months --------------------------------------------------------------------------------


def frozen(region: Region, month: dt.date):
    from .models import MonthReport

    return (
        MonthReport.objects.filter(
            region=region, month=month, status__in=[MonthReport.Status.SUBMITTED, MonthReport.Status.CLOSED]
        )
        .select_related("region")
        .first()
    )


def month_statistics(user, region_code: str, month: dt.date, today: dt.date | None = None) -> Statistics:
    """A closed (or submitted) month from its snapshot; any other month live."""
    region = get_scoped_or_404(Region, user, code=region_code)
    report = frozen(region, month)
    if report is not None:
        return Statistics.from_json(region, report.data)
    return compute(user, region, month, today)


@dataclass(frozen=True)
class Applications:
    """认定申请办理情况 of a month in a region: applications received, and the applications decided
    in the month by outcome (认定 / 不予认定 / 不予受理) — the refused are counted, not lost
    (issue 15) —, and the persons whose last application ended without support."""

    received: int
    approved: int
    refused: int
    not_accepted: int
    persons_refused: int
    persons_not_accepted: int


def applications(user, region_code: str, month: dt.date) -> Applications:
    region = get_scoped_or_404(Region, user, code=region_code)
    end = rules.month_end(month)
    cases = within(scoped(ApplicationCase, user), region).filter(kind=CaseKind.APPLICATION)
    decided = cases.filter(decided_on__gte=month, decided_on__lte=end)
    counts = decided.aggregate(
        approved=Count("pk", filter=Q(outcome=Outcome.APPROVED)),
        refused=Count("pk", filter=Q(outcome=Outcome.REFUSED)),
        not_accepted=Count("pk", filter=Q(outcome=Outcome.NOT_ACCEPTED)),
    )
    persons = within(scoped(Person, user), region).aggregate(
        refused=Count("pk", filter=Q(status=PersonStatus.REFUSED)),
        not_accepted=Count("pk", filter=Q(status=PersonStatus.NOT_ACCEPTED)),
    )
    return Applications(
        received=cases.filter(received_on__gte=month, received_on__lte=end).count(),
        persons_refused=persons["refused"],
        persons_not_accepted=persons["not_accepted"],
        **counts,
    )


def statistics_for(region: Region, month: dt.date) -> Statistics:
    """Trusted callers (the CLI): the snapshot of a closed month, else live figures."""
    report = frozen(region, month)
    return Statistics.from_json(region, report.data) if report else compute(None, region, month)


def report_get(user, pk):
    from .models import MonthReport

    return get_scoped_or_404(MonthReport.objects.select_related("region", "submitted_by"), user, pk=pk)


@dataclass
class TownshipState:
    region: Region
    report: object  # MonthReport | None
    changes: dict  # figure → {prev, delta, large}


def closing_state(user, county: Region, month: dt.date) -> list[TownshipState]:
    """Each township of the county: its report of the month and the changes against last month."""
    from .models import MonthReport

    towns = list(
        scoped(Region, user).filter(parent=county, level=rcodes.TOWNSHIP, is_active=True).order_by("code")
    )
    reports = list(
        scoped(MonthReport, user)
        .filter(region__in=towns, month__in=[month, rules.previous_month(month)])
        .select_related("submitted_by")
    )
    out = []
    for t in towns:
        cur = next((r for r in reports if r.region_id == t.code and r.month == month), None)
        prev = next((r for r in reports if r.region_id == t.code and r.month != month), None)
        changes = rules.changes(prev.data["total"] if prev else None, cur.data["total"]) if cur else {}
        out.append(TownshipState(t, cur, changes))
    return out
