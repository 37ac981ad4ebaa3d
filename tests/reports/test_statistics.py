"""The monthly statistics of a small hand-built month equal the hand-computed numbers, cell by cell."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.reports import selectors
from doudi.reports.selectors import KEYS

from .conftest import MONTH, TODAY

ZERO = dict.fromkeys(KEYS, 0)

# By hand (October 2026): 丁 left on 15 Oct and 戊 arrived in November, so they do not count.
# 青石镇: 甲 (urban, home, 全失能, visited 10 Oct, agreement), 乙 (urban, 敬老院, 半失能 — the
# November reassessment is after the month end), 丙 (rural, home, 全自理, visited 28 Oct after the
# due day, no agreement, budget and a delivery). 柳河镇: 己 (rural, home, never assessed, not
# visited, agreement expiring 20 Nov, materials on 2 Oct), 庚 (rural, centralized, no institution).
T1 = ZERO | {
    "total": 3,
    "centralized": 1,
    "dispersed": 2,
    "urban": 2,
    "rural": 1,
    "level_none": 1,
    "level_partial": 1,
    "level_full": 1,
    "level_unknown": 0,
    "urban_dispersed": 1,
    "urban_dispersed_none": 1,
    "rural_dispersed": 1,
    "rural_dispersed_full": 1,
    "visits_due": 2,
    "visits_done": 2,
    "visits_late": 1,
    "rect_opened": 1,
    "rect_closed": 1,
    "rect_overdue": 1,
    "agreements_active": 1,
    "agreements_expiring": 0,
    "agreements_missing": 1,
    "services_budgeted": 1,
    "services_delivered": 1,
    "materials_delivered": 0,
}
T2 = ZERO | {
    "total": 2,
    "centralized": 1,
    "dispersed": 1,
    "urban": 0,
    "rural": 2,
    "level_none": 1,
    "level_unknown": 1,
    "rural_dispersed": 1,
    "visits_due": 1,
    "visits_done": 0,
    "visits_late": 1,
    "rect_opened": 1,
    "rect_closed": 0,
    "rect_overdue": 0,
    "agreements_active": 1,
    "agreements_expiring": 1,
    "agreements_missing": 0,
    "materials_delivered": 1,
}


def test_every_cell_equals_the_hand_computed_number(month_data, django_assert_max_num_queries):
    county = month_data.world.users.county
    with django_assert_max_num_queries(10):
        stats = selectors.statistics(county, "990121000000", MONTH, TODAY)
    rows = {r.name: r for r in stats.rows}
    assert rows["青石镇"].figures == T1
    assert rows["柳河镇"].figures == T2
    assert stats.total.figures == {k: T1[k] + T2[k] for k in KEYS}
    assert rows["青石镇"].institutions == {str(month_data.home.pk): 1}
    assert stats.institutions == {str(month_data.home.pk): "青石敬老院"}


def test_townships_add_up_to_the_county_and_each_township_alone_agrees(month_data):
    w = month_data.world
    county = selectors.statistics(w.users.county, w.county.code, MONTH, TODAY)
    for row in county.rows:
        alone = selectors.statistics(w.users.county, row.code, MONTH, TODAY)
        assert alone.total.figures == row.figures
    sums = {k: sum(r.figures[k] for r in county.rows) for k in KEYS}
    assert sums == county.total.figures


def test_each_number_is_the_length_of_its_list(month_data):
    w = month_data.world
    stats = selectors.statistics(w.users.county, w.county.code, MONTH, TODAY)
    for row in [*stats.rows, stats.total]:
        for key in KEYS:
            _figure, qs = selectors.drill(w.users.county, row.code, MONTH, key, TODAY)
            assert qs.count() == row.figures[key], (row.name, key)
    _f, qs = selectors.drill(w.users.county, w.county.code, MONTH, "visits_late", TODAY)
    assert sorted(p.name for p in qs) == ["丙", "己"]


def test_query_count_does_not_grow_with_townships(month_data, make, lf, django_assert_num_queries):
    w = month_data.world
    with CaptureQueriesContext(connection) as before:
        selectors.statistics(w.users.county, w.county.code, MONTH, TODAY)
    for i in range(5):
        t = make.region(f"99012120{i}000", f"新乡{i}", 4, w.county)
        v = make.region(f"99012120{i}201", f"新村{i}", 5, t, "220")
        lf.person(v, f"新{i}")
    with django_assert_num_queries(len(before)):
        stats = selectors.statistics(w.users.county, w.county.code, MONTH, TODAY)
    assert len(stats.rows) == 7 and v


def _normal(row: dict) -> dict:
    out = dict(row)
    for k in ("r_disp", "r_agreement", "r_expiring", "r_budget", "r_served"):
        out[k] = bool(out[k])
    return out


def test_counts_use_the_same_per_person_columns_as_the_lists(month_data, lf):
    """The counts read person_rows (per-table aggregates joined once), the lists person_base
    (correlated subqueries): person by person, every column is the same — including ties and
    records that must not count."""
    from doudi.care.models import CarePlacement, ServiceBudget, Visit
    from doudi.core.scope import within
    from doudi.guardianship.models import Agreement
    from doudi.registry.models import Institution

    from .conftest import D, agreement, assess

    w = month_data.world
    H = lf.person(w.v2, "辛", supported_since=D(2020, 1, 1), placement="centralized")
    I = lf.person(w.v2, "壬", supported_since=D(2020, 1, 1))  # noqa: E741
    assess(H, D(2026, 6, 1), "none")
    assess(H, D(2026, 6, 1), "full")  # same day: the later record counts
    assess(I, D(2026, 10, 31), "partial")  # on the month end: counts
    old = Institution.objects.create(region=w.t2, name="柳河敬老院", kind="nursing_home", beds=5)
    new = Institution.objects.create(region=w.t2, name="柳河福利院", kind="nursing_home", beds=5)
    clerk = w.users.town2
    CarePlacement.objects.create(
        person=H, kind="nursing_home", institution=old, started_on=D(2020, 1, 1), created_by=clerk
    )
    CarePlacement.objects.create(  # ended on the month end: no longer in force
        person=H,
        kind="nursing_home",
        institution=new,
        started_on=D(2026, 6, 1),
        ended_on=D(2026, 10, 31),
        created_by=clerk,
    )
    CarePlacement.objects.create(  # in force, but no institution: does not count
        person=H,
        kind="family",
        started_on=D(2026, 10, 2),
        ended_on=D(2026, 11, 15),
        created_by=clerk,
    )
    for day in (3, 20, 27):
        Visit.objects.create(person=I, visitor=clerk, visited_on=D(2026, 10, day))
    Visit.objects.create(person=I, visitor=clerk, visited_on=D(2026, 11, 1))
    second = agreement(I, w.users.county, D(2025, 1, 1), D(2027, 1, 1))
    second.pk, second.status, second.end_on = None, Agreement.Status.EXPIRED, D(2026, 12, 1)
    second.save()  # a second one in force, expiring: the person counts once
    draft = agreement(H, w.users.county, D(2025, 1, 1), D(2026, 12, 1))
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.DRAFT)
    contract = ServiceBudget.objects.get(person=month_data.C).contract
    ServiceBudget.objects.create(person=I, contract=contract, monthly_amount=50)

    region = w.county
    p = selectors.Period.of(MONTH, region.code, TODAY)
    sql, params = selectors.person_rows(p, lambda qs: within(qs, region))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        bulk = {r[0]: _normal(dict(zip(names[1:], r[1:], strict=True))) for r in cursor.fetchall()}
    each = {
        r.pop("pk"): _normal(r)
        for r in within(selectors.person_base(p), region).values("pk", *selectors.PERSON_COLUMNS)
    }
    assert bulk == each
    assert each[H.pk]["r_level"] == "full" and each[H.pk]["r_inst"] == old.pk
    assert (each[I.pk]["r_visits"], each[I.pk]["r_by_due"]) == (3, 2)
    assert each[I.pk]["r_expiring"] and each[I.pk]["r_budget"] and not each[H.pk]["r_agreement"]
    assert len(each) == 7


def test_every_dashboard_number_opens_its_list(month_data, login):
    """Clicking a bar, point or slice opens the list behind it, and the list has that many rows."""
    from urllib.parse import parse_qs, urlparse

    from doudi.reports import charts, rules

    w = month_data.world
    data = charts.dashboard(w.users.county, TODAY)
    pairs = [(m["url"], m["value"]) for m in data["mix"]]
    pairs += [(b["url_overdue"], b["overdue"]) for b in data["backlog"]]
    pairs += [(b["url_opened"], b["opened"]) for b in data["backlog"]]
    pairs += [(t["url"], t["late"]) for t in data["trend"]]
    assert len(pairs) >= 4 + 2 * len(data["backlog"]) + len(data["trend"])
    for url, value in pairs:
        q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        _figure, qs = selectors.drill(
            w.users.county, q["region"], rules.parse_month(q["month"]), q["key"], TODAY
        )
        assert qs.count() == value, url
    client = login(w.users.county)
    assert client.get(data["mix"][0]["url"]).status_code == 200
    # a clerk's dashboard links only into the own township
    town_data = charts.dashboard(w.users.town1, TODAY)
    assert all(w.t2.code not in b["url_opened"] for b in town_data["backlog"])
