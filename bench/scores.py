"""Benchmark: a quarter's results and 三色预警 colours of a county's points scheme, through the
application's code (governance.scoring.results_query — the query period_close runs), against a
floor of hand-written SQL computing the same figures, in the same run.

    .venv/bin/python bench/scores.py [--villagers 300000] [--entries 10] [--repeat 5]

Creates the database doudi_bench_scores_<pid> on the PostgreSQL server named by DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test), migrates it, loads one county (20 townships ×
15 villages) with N villagers scored under the shipped 农村党员双项积分 scheme (three dimensions,
two capped, a veto item; weighted peer and public sources) and about `entries` entries each over
a year (1 % of them corrected by a later entry, a few vetoes); ANALYZE; then times the
application's computation of the third quarter for the whole county and the floor (interleaved,
median of `repeat` each), checks both give the same figures for every villager — total, colour,
rank, the capped score of each dimension, whether each cap bit, the veto: what period_close
stores — and drops the database.

Prints one JSON line: villagers, entries, app_s, floor_s, ratio, colours. A measurement, not a
test; results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import worklist  # noqa: E402  (the benchmark database and COPY helper)

YEAR = 2026
TOWNSHIPS, VILLAGES = 20, 15

FLOOR = """
WITH counted AS (
  SELECT e.subject_id, i.dimension_id, i.veto,
         e.points * CASE e.source WHEN 'peer' THEN %(peer)s WHEN 'public' THEN %(public)s
                                  WHEN 'township' THEN %(township)s WHEN 'village' THEN %(village)s
                                  ELSE 1 END AS pts
  FROM governance_entry e JOIN governance_item i ON i.id = e.item_id
  WHERE e.scheme_id = %(scheme)s AND e.occurred_on BETWEEN %(start)s AND %(end)s
    AND NOT EXISTS (SELECT 1 FROM governance_entry c WHERE c.corrects_id = e.id)),
per_dim AS (
  SELECT subject_id, dimension_id, sum(pts) AS raw, bool_or(veto) AS veto FROM counted GROUP BY 1, 2),
per_subject AS (
  SELECT s.id, s.village_id,
         coalesce(sum(LEAST(p.raw, d.cap)) FILTER (WHERE d.key = 'life'), 0) AS d_life,
         coalesce(bool_or(p.raw > d.cap) FILTER (WHERE d.key = 'life'), false) AS capped_life,
         coalesce(sum(LEAST(p.raw, d.cap)) FILTER (WHERE d.key = 'model'), 0) AS d_model,
         coalesce(bool_or(p.raw > d.cap) FILTER (WHERE d.key = 'model'), false) AS capped_model,
         coalesce(sum(p.raw) FILTER (WHERE d.key = 'veto'), 0) AS d_veto,
         bool_or(coalesce(p.veto, false)) AS vetoed,
         CASE WHEN bool_or(coalesce(p.veto, false)) THEN %(floor)s
              ELSE coalesce(sum(LEAST(p.raw, d.cap)), 0) END AS total
  FROM governance_subject s
  LEFT JOIN per_dim p ON p.subject_id = s.id
  LEFT JOIN governance_dimension d ON d.id = p.dimension_id
  WHERE s.scheme_id = %(scheme)s AND s.is_active
  GROUP BY s.id, s.village_id)
SELECT id, village_id, total,
       CASE WHEN total < %(red)s THEN 'red' WHEN total < %(yellow)s THEN 'yellow'
            WHEN total < %(blue)s THEN 'blue' ELSE '' END AS colour,
       rank() OVER (ORDER BY total DESC) AS rank,
       d_life, d_model, d_veto, capped_life, capped_model, vetoed
FROM per_subject ORDER BY rank, id
"""


def _regions():
    county = "990121000000"
    yield ("990000000000", "示例省", 1, None)
    yield ("990100000000", "示例市", 2, "990000000000")
    yield (county, "安和县", 3, "990100000000")
    for t in range(1, TOWNSHIPS + 1):
        town = f"990121{100 + t:03d}000"
        yield (town, f"镇{t}", 4, county)
        for v in range(1, VILLAGES + 1):
            yield (f"{town[:9]}{200 + v:03d}", f"村{t}-{v}", 5, town)


def load(villagers: int, per: int, rng: random.Random):
    from django.db import connection

    from doudi.core.models import Region, User
    from doudi.core.roles import Role
    from doudi.governance import schemefile, services

    with connection.cursor() as c:
        worklist._copy(
            c.cursor,
            "core_region",
            ["code", "name", "level", "parent_id", "urban_rural_code", "is_active"],
            ((code, n, lvl, p, "220" if lvl == 5 else "", "t") for code, n, lvl, p in _regions()),
        )
    county = Region.objects.get(code="990121000000")
    officer = User.objects.create(username="county", name="县", region=county, roles=[Role.COUNTY_OFFICER])
    text = schemefile.example_text("member-dual").replace(
        'subject_kind = "member"', 'subject_kind = "villager"'
    )
    scheme = services.scheme_create(actor=officer, region=county, text=text)
    items = list(scheme.items.values_list("pk", "points", "veto"))
    plain = [(pk, p) for pk, p, v in items if not v]
    veto = [pk for pk, _p, v in items if v]
    villages = [code for code, _n, lvl, _p in _regions() if lvl == 5]
    now = "2026-12-01 08:00:00+08"
    sources = ["township", "village", "peer", "public"]
    with connection.cursor() as c:
        worklist._copy(
            c.cursor,
            "governance_subject",
            ["id", "scheme_id", "village_id", "name", "balance", "is_active", "created_at"],
            (
                (i, scheme.pk, villages[i % len(villages)], f"村民{i}", 0, "t", now)
                for i in range(1, villagers + 1)
            ),
        )

        def entries():
            eid = 0
            first = dt.date(YEAR, 1, 1)
            for s in range(1, villagers + 1):
                village = villages[s % len(villages)]
                for _ in range(max(1, int(rng.gauss(per, 3)))):
                    eid += 1
                    item, points = rng.choice(plain)
                    on = first + dt.timedelta(days=rng.randrange(365))
                    yield (
                        eid,
                        scheme.pk,
                        s,
                        village,
                        item,
                        points,
                        rng.choice(sources),
                        on,
                        None,
                        officer.pk,
                        now,
                    )
                    if rng.random() < 0.01:  # a correction replaces it
                        eid += 1
                        yield (eid, scheme.pk, s, village, item, 0, "township", on, eid - 1, officer.pk, now)
                if rng.random() < 0.002:
                    eid += 1
                    on = first + dt.timedelta(days=rng.randrange(365))
                    yield (eid, scheme.pk, s, village, veto[0], 0, "township", on, None, officer.pk, now)

        n = worklist._copy(
            c.cursor,
            "governance_entry",
            [
                "id",
                "scheme_id",
                "subject_id",
                "village_id",
                "item_id",
                "points",
                "source",
                "occurred_on",
                "note",
                "corrects_id",
                "awarded_by_id",
                "created_at",
            ],
            ((*r[:8], "", *r[8:]) for r in entries()),
        )
        c.execute("ANALYZE")
    return scheme, n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--villagers", type=int, default=300_000)
    parser.add_argument("--entries", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with worklist.bench_database("scores"):
        from decimal import Decimal

        from django.db import connection

        from doudi.governance import rules, scoring

        scheme, n = load(args.villagers, args.entries, random.Random(5))
        start, end = rules.period_bounds("quarter", YEAR, 3)
        lines = rules.check_lines(scheme.lines)
        weights = {
            s: Decimal(str((scheme.weights or {}).get(s, 1)))
            for s in ("peer", "public", "township", "village")
        }
        params = {"scheme": scheme.pk, "start": start, "end": end, "floor": scheme.floor, **lines, **weights}

        def app():
            rows, dims = scoring.results_query(scheme, start, end)
            assert [d.key for d in dims] == ["life", "model", "veto"]
            return [
                (r["pk"], r["total"], r["colour"], r["rank"], r["d_0"], r["d_1"], r["d_2"])
                + (r["capped_0"], r["capped_1"], bool(r["vetoed"]))
                for r in rows
            ]

        def floor():
            with connection.cursor() as c:
                c.execute(FLOOR, params)
                return [(r[0], *r[2:]) for r in c.fetchall()]

        # Interleaved (app, floor, app, floor, …) after one warm-up each, so that a change in the
        # load of a shared machine falls on both sides alike; the median of each side.
        a, f = app(), floor()
        app_times, floor_times = [], []
        for _ in range(args.repeat):
            for fn, times in ((app, app_times), (floor, floor_times)):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
        app_s, floor_s = statistics.median(app_times), statistics.median(floor_times)
        cent = Decimal("0.01")

        def figures(row):
            pk, total, colour, rank, *scores, c0, c1, vetoed = row
            numbers = (Decimal(x).quantize(cent) for x in (total, *scores))
            total, *scores = numbers
            return (pk, total, colour, rank, *scores, c0, c1, vetoed)

        same = [figures(x) for x in a] == [figures(y) for y in f]
        colours = {c: sum(1 for x in a if x[2] == c) for c in ("red", "yellow", "blue")}
        print(
            json.dumps(
                {
                    "villagers": args.villagers,
                    "entries": n,
                    "app_s": round(app_s, 3),
                    "floor_s": round(floor_s, 3),
                    "ratio": round(app_s / floor_s, 2),
                    "same": same,
                    "colours": colours,
                }
            )
        )
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
