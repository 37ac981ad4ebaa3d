"""Benchmark: the full monthly statistics of a whole province, through the application's code,
against a floor of hand-written SQL (one aggregation per table) computing the same figures.

    .venv/bin/python bench/monthly_report.py [--persons 300000] [--repeat 3]

Creates the database doudi_bench_report_<pid> on the PostgreSQL server named by DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test), migrates it, loads the province of
bench/worklist.py (1,500 townships, 19,500 villages, N persons, twelve months of visits, open
rectification tasks) plus: a fifth of the villages urban, a self-care assessment for every person
(a second, later one for a third of them), nursing homes with the centralized persons placed in
them; ANALYZE; then times `reports.selectors.compute` for the province grouped by township
(the statistics the page and the CLI show) and the floor, in the same run, checks that both give
the same figures, and drops the database.

Prints one JSON line: persons, app_s, floor_s, ratio, queries (of the application's computation;
independent of the number of townships), township_s (one township's own statistics). A measurement, not a test; results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import worklist  # noqa: E402  (the province loader and the benchmark database)

MONTH = dt.date(2026, 11, 1)
TODAY = worklist.TODAY  # after the due day: late visits count


def load_extra(cursor) -> None:
    """Urban villages, assessments, nursing homes and placements on top of the worklist loader."""
    cursor.execute(
        "UPDATE core_region SET urban_rural_code = '121' WHERE level = 5 AND right(code, 3)::int % 5 = 1"
    )
    cursor.execute(
        """INSERT INTO eligibility_assessment (person_id, assessed_on, assessor, eating, dressing,
               bed_transfer, toileting, indoor_walking, bathing, level, note, created_at)
           SELECT id, date '2026-01-05' + (id % 200)::int, '评估员', id % 3 = 0, id % 3 = 0, id % 3 = 0,
                  id % 3 = 0, id % 3 = 0, id % 3 = 0,
                  (ARRAY['full','partial','none'])[1 + id % 3], '', now() FROM registry_person"""
    )
    cursor.execute(
        """INSERT INTO eligibility_assessment (person_id, assessed_on, assessor, eating, dressing,
               bed_transfer, toileting, indoor_walking, bathing, level, note, created_at)
           SELECT id, date '2026-11-10' + (id % 30)::int, '评估员', false, false, false, false, false,
                  false, 'none', '', now() FROM registry_person WHERE id % 3 = 1"""
    )
    cursor.execute(
        """INSERT INTO care_institution (region_id, name, kind, beds, phone)
           SELECT code, name || '敬老院', 'nursing_home', 100, '' FROM core_region WHERE level = 4"""
    )
    cursor.execute(
        """INSERT INTO care_careplacement (person_id, kind, institution_id, started_on, guardian_consent,
               consent_note, note, created_by_id, created_at)
           SELECT p.id, 'nursing_home', i.id, date '2025-01-01', false, '', '', 1000, now()
           FROM registry_person p JOIN care_institution i ON i.region_id = substr(p.village_id, 1, 9) || '000'
           WHERE p.placement = 'centralized'"""
    )


FLOOR_PERSONS = """
WITH lvl AS (
  SELECT DISTINCT ON (person_id) person_id, level FROM eligibility_assessment
  WHERE assessed_on <= %(end)s ORDER BY person_id, assessed_on DESC, id DESC),
vis AS (
  SELECT person_id, count(*) AS n, count(*) FILTER (WHERE visited_on <= %(due)s) AS by_due
  FROM care_visit WHERE visited_on BETWEEN %(start)s AND %(end)s GROUP BY person_id),
agr AS (
  SELECT person_id, bool_or(end_on <= %(exp)s) AS expiring FROM care_agreement
  WHERE status IN ('active','expired','ended') AND start_on <= %(end)s AND end_on >= %(end)s
    AND (ended_on IS NULL OR ended_on > %(end)s) GROUP BY person_id),
bud AS (
  SELECT DISTINCT b.person_id FROM care_servicebudget b JOIN care_servicecontract c ON c.id = b.contract_id
  WHERE c.start_on <= %(end)s AND c.end_on >= %(start)s),
srv AS (
  SELECT DISTINCT o.person_id FROM care_servicedelivery d JOIN care_serviceorder o ON o.id = d.order_id
  WHERE o.month = %(start)s),
inst AS (
  SELECT DISTINCT ON (person_id) person_id, institution_id FROM care_careplacement
  WHERE started_on <= %(end)s AND (ended_on IS NULL OR ended_on > %(end)s) AND institution_id IS NOT NULL
  ORDER BY person_id, started_on DESC, id DESC),
t AS (
  SELECT substr(p.village_id, 1, 9) AS grp, substr(r.urban_rural_code, 1, 1) AS urc,
         p.placement = 'dispersed' AS disp, lvl.level, coalesce(vis.n, 0) AS visits,
         coalesce(vis.by_due, 0) AS by_due, agr.person_id IS NOT NULL AS agreement,
         coalesce(agr.expiring, false) AS expiring, bud.person_id IS NOT NULL AS budget,
         srv.person_id IS NOT NULL AS served,
         CASE WHEN p.placement = 'centralized' THEN inst.institution_id END AS inst
  FROM registry_person p JOIN core_region r ON r.code = p.village_id
  LEFT JOIN lvl ON lvl.person_id = p.id LEFT JOIN vis ON vis.person_id = p.id
  LEFT JOIN agr ON agr.person_id = p.id LEFT JOIN bud ON bud.person_id = p.id
  LEFT JOIN srv ON srv.person_id = p.id LEFT JOIN inst ON inst.person_id = p.id
  WHERE (p.supported_since IS NULL OR p.supported_since <= %(end)s)
    AND (p.status = 'active' OR (p.status = 'terminated' AND p.terminated_on > %(end)s)))
SELECT grp, inst, count(*), count(*) FILTER (WHERE NOT disp), count(*) FILTER (WHERE disp),
  count(*) FILTER (WHERE urc = '1'), count(*) FILTER (WHERE urc = '2'),
  count(*) FILTER (WHERE level = 'none'), count(*) FILTER (WHERE level = 'partial'),
  count(*) FILTER (WHERE level = 'full'), count(*) FILTER (WHERE level IS NULL),
  count(*) FILTER (WHERE disp AND urc = '1'),
  count(*) FILTER (WHERE disp AND urc = '1' AND level = 'none'),
  count(*) FILTER (WHERE disp AND urc = '1' AND level = 'partial'),
  count(*) FILTER (WHERE disp AND urc = '1' AND level = 'full'),
  count(*) FILTER (WHERE disp AND urc = '2'),
  count(*) FILTER (WHERE disp AND urc = '2' AND level = 'none'),
  count(*) FILTER (WHERE disp AND urc = '2' AND level = 'partial'),
  count(*) FILTER (WHERE disp AND urc = '2' AND level = 'full'),
  count(*) FILTER (WHERE disp), count(*) FILTER (WHERE disp AND visits >= %(req)s),
  count(*) FILTER (WHERE disp AND by_due < %(req)s),
  count(*) FILTER (WHERE agreement), count(*) FILTER (WHERE expiring),
  count(*) FILTER (WHERE disp AND NOT agreement), count(*) FILTER (WHERE budget),
  count(*) FILTER (WHERE served)
FROM t GROUP BY grp, inst
"""
FLOOR_KEYS = [
    "total", "centralized", "dispersed", "urban", "rural", "level_none", "level_partial", "level_full",
    "level_unknown", "urban_dispersed", "urban_dispersed_none", "urban_dispersed_partial",
    "urban_dispersed_full", "rural_dispersed", "rural_dispersed_none", "rural_dispersed_partial",
    "rural_dispersed_full", "visits_due", "visits_done", "visits_late", "agreements_active",
    "agreements_expiring", "agreements_missing", "services_budgeted", "services_delivered",
]  # fmt: skip
FLOOR_TASKS = """
SELECT substr(region_id, 1, 9),
  count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(a)s),
  count(*) FILTER (WHERE closed_at >= %(s)s AND closed_at < %(a)s),
  count(*) FILTER (WHERE created_at < %(a)s AND deadline < %(cut)s AND (closed_at IS NULL OR closed_at >= %(cut1)s))
FROM oversight_rectificationtask GROUP BY 1
"""
FLOOR_HANDOVERS = """
SELECT substr(p.village_id, 1, 9), count(*) FROM care_materialhandover h
JOIN registry_person p ON p.id = h.person_id
WHERE h.delivered_on BETWEEN %(start)s AND %(end)s GROUP BY 1
"""


def floor(cursor) -> dict:
    from django.utils import timezone

    from doudi.reports import rules

    end = rules.month_end(MONTH)
    due = MONTH.replace(day=25)
    aware = lambda d: timezone.make_aware(dt.datetime.combine(d, dt.time.min))  # noqa: E731
    total: dict = {}
    cursor.execute(
        FLOOR_PERSONS,
        {"start": MONTH, "end": end, "due": due, "exp": end + dt.timedelta(days=60), "req": 1},
    )
    for _grp, _inst, *values in cursor.fetchall():
        for k, v in zip(FLOOR_KEYS, values, strict=True):
            total[k] = total.get(k, 0) + v
    cut = min(end, TODAY)
    cursor.execute(
        FLOOR_TASKS,
        {
            "s": aware(MONTH),
            "a": aware(rules.next_month(MONTH)),
            "cut": cut,
            "cut1": aware(cut + dt.timedelta(days=1)),
        },
    )
    for _grp, *values in cursor.fetchall():
        for k, v in zip(["rect_opened", "rect_closed", "rect_overdue"], values, strict=True):
            total[k] = total.get(k, 0) + v
    cursor.execute(FLOOR_HANDOVERS, {"start": MONTH, "end": end})
    total["materials_delivered"] = sum(v for _g, v in cursor.fetchall())
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with worklist.bench_database("report"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        _info, load_s = worklist.load_province(args.persons, load_extra)

        from doudi.core import regions as rcodes
        from doudi.core.models import Region
        from doudi.reports import selectors

        province = Region.objects.get(code="990000000000")
        town_len = rcodes.PREFIX_LENGTH[rcodes.TOWNSHIP]

        def app():
            return selectors.compute(None, province, MONTH, TODAY, group_len=town_len)

        def run_floor():
            with connection.cursor() as cursor:
                return floor(cursor)

        app_result, floor_result = app(), run_floor()  # warm-up, and the check
        app_times, floor_times = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                app()
                app_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            run_floor()
            floor_times.append(time.perf_counter() - t)
        app_s, floor_s = statistics.median(app_times), statistics.median(floor_times)
        # One township's page (its own row): the per-table aggregates are narrowed to its persons.
        township = Region.objects.filter(level=rcodes.TOWNSHIP).order_by("code").first()
        town_times = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            selectors.compute(None, township, MONTH, TODAY)
            town_times.append(time.perf_counter() - t)
        same = all(app_result.total.figures[k] == v for k, v in floor_result.items())
        result = {
            "persons": args.persons,
            "app_s": round(app_s, 3),
            "floor_s": round(floor_s, 3),
            "ratio": round(app_s / floor_s, 2),
            "queries": len(q),
            "township_s": round(statistics.median(town_times[1:]), 3),
            "townships": len(app_result.rows),
            "same_figures": same,
            "load_s": round(load_s, 1),
            "total": app_result.total.figures["total"],
            "visits_late": app_result.total.figures["visits_late"],
        }
        if os.environ.get("BENCH_VERBOSE"):
            for query in q.captured_queries:
                print(query["time"], query["sql"][:150], file=sys.stderr)
                if float(query["time"]) > 0.05:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                        print("\n".join(r[0] for r in cursor.fetchall()), file=sys.stderr)
        if not same:
            result["diff"] = {
                k: [app_result.total.figures[k], v]
                for k, v in floor_result.items()
                if app_result.total.figures[k] != v
            }
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
