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
