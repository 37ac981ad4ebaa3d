"""Benchmark: the visit-due worklist of one cadre and the overdue list of one township, on a
province-sized data set in PostgreSQL.

    .venv/bin/python bench/worklist.py [--persons 300000] [--repeat 30]

Creates the database doudi_bench_worklist_<pid> on the PostgreSQL server named by DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/test), migrates it, loads with COPY a province of
1,500 townships and ~19,500 villages, N supported persons (about 85 % at home, each with a paired
cadre account of their village, a carer and a guardian), twelve months of visits (most persons
visited every month, some months missed, this month two thirds visited before the due day) and a
few open rectification tasks; ANALYZE; then times, through the application's selectors
(`care.selectors.worklist` and `overdue_list`, i.e. scoped as pages are), the worklist of one
cadre and the overdue list of one township, `--repeat` times each after a warm-up, and drops the
database. No other database is touched.

Prints one JSON line: persons, visits, load_s, worklist_median_ms, overdue_median_ms, queries
(per call: worklist, overdue — constant whatever the size) and the sizes of the two lists.
A measurement, not a test: nothing fails on a slow run; results go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
TODAY = dt.date(2026, 11, 27)  # after the default due day (25th): the overdue list is live
CITIES, COUNTIES, TOWNSHIPS, VILLAGES = 10, 10, 15, 13  # 1,500 townships, 19,500 villages


def _database(server_url: str, kind: str = "worklist"):
    import psycopg

    name = f"doudi_bench_{kind}_{os.getpid()}"
    parts = urlsplit(server_url)
    admin = psycopg.connect(server_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@contextmanager
def bench_database(kind: str):
    """A fresh database doudi_bench_<kind>_<pid> on the server named by DATABASE_URL, Django set
    up on it and migrated; dropped on the way out. Shared by the benchmarks of the province
    (this one and bench/monthly_report.py)."""
    url, drop = _database(os.environ.get("DATABASE_URL", DEFAULT_PG), kind)
    workdir = tempfile.mkdtemp(prefix=f"doudi-bench-{kind}-")
    os.environ.update(
        {"DATABASE_URL": url, "DOUDI_DATA_DIR": workdir, "DJANGO_SETTINGS_MODULE": "doudi.settings"}
    )
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def load_province(persons: int, *extra) -> tuple[dict, float]:
    """Load the province (load()) with seed 11, then each `extra(cursor)` on top, and ANALYZE.
    Returns load()'s info and the seconds it all took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        info = load(cursor.cursor, persons, random.Random(11))
        for step in extra:
            step(cursor)
        cursor.execute("ANALYZE")
    return info, time.perf_counter() - started


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of str/None) in text format, streamed in chunks."""
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for row in rows:
            buf.write("\t".join("\\N" if v is None else str(v) for v in row))
            buf.write("\n")
            n += 1
            if n % 50_000 == 0:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())
    return n


def _regions():
    yield ("990000000000", "示例省", 1, None, "")
    for c in range(1, CITIES + 1):
        city = f"99{c:02d}00000000"
        yield (city, f"市{c}", 2, "990000000000", "")
        for k in range(1, COUNTIES + 1):
            county = f"99{c:02d}{k:02d}000000"
            yield (county, f"县{c}-{k}", 3, city, "")
            for t in range(1, TOWNSHIPS + 1):
                town = f"{county[:6]}{100 + t:03d}000"
                yield (town, f"镇{c}-{k}-{t}", 4, county, "")
                for v in range(1, VILLAGES + 1):
                    yield (f"{town[:9]}{200 + v:03d}", f"村{c}-{k}-{t}-{v}", 5, town, "220")


def load(cursor, persons: int, rng: random.Random) -> dict:
    from doudi.care.rules import add_months, month_start

    regions = list(_regions())
    _copy(
        cursor,
        "core_region",
        ["code", "name", "level", "parent_id", "urban_rural_code", "is_active"],
        ((c, n, lvl, p, u, "t") for c, n, lvl, p, u in regions),
    )
    villages = [r[0] for r in regions if r[2] == 5]
    now = "2026-11-27 08:00:00+08"
    # one cadre account per village (id = index + 1000), one clerk per measured township
    _copy(
        cursor,
        "core_user",
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "name",
            "phone",
            "region_id",
            "roles",
        ],
        (
            (
                1000 + i,
                "!",
                "f",
                f"cadre{i}",
                "",
                "",
                "",
                "f",
                "t",
                now,
                f"干部{i}",
                "",
                v,
                '["village_staff"]',
            )
            for i, v in enumerate(villages)
        ),
    )
    per_village = [0] * len(villages)
    person_rows, at_home = [], []
    for pid in range(1, persons + 1):
        vi = rng.randrange(len(villages))
        per_village[vi] += 1
        home = rng.random() < 0.85
        birth = dt.date(1930 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28))
        since = dt.date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1)
        person_rows.append(
            (
                pid,
                f"人{pid}",
                f"ren{pid}",
                "r",
                f"99{pid:016d}",
                f"99{pid:016d}"[::-1],
                birth.isoformat(),
                "M",
                "",
                villages[vi],
                "",
                "",
                None,
                "",
                "full",
                "",
                "",
                "dispersed" if home else "centralized",
                "active",
                None,
                since.isoformat(),
                None,
                "",
                now,
                now,
                None,
            )
        )
        if home:
            at_home.append((pid, vi, since))
    _copy(
        cursor,
        "registry_person",
        [
            "id",
            "name",
            "name_pinyin",
            "name_initials",
            "id_number",
            "id_reversed",
            "birth_date",
            "sex",
            "phone",
            "village_id",
            "address",
            "disability_kind",
            "disability_grade",
            "disability_certificate",
            "civil_capacity",
            "civil_capacity_basis",
            "marital_status",
            "placement",
            "status",
            "applied_on",
            "supported_since",
            "terminated_on",
            "notes",
            "created_at",
            "updated_at",
            "created_by_id",
        ],
        person_rows,
    )
    del person_rows

    def members():
        for pid, vi, _since in at_home:
            yield (pid, "cadre", f"干部{vi}", "13800000000", 1000 + vi, "", now)
            yield (pid, "carer", "照料员", f"139{vi:08d}", None, "", now)
            yield (pid, "guardian", "监护人", "13700000000", None, "", now)

    _copy(
        cursor,
        "care_supportmember",
        ["person_id", "role", "name", "phone", "user_id", "note", "created_at"],
        members(),
    )

    aspects = json.dumps(
        {
            k: {"ok": True, "note": ""}
            for k in ("guardian", "service", "living", "hygiene", "spirit", "housing")
        },
        ensure_ascii=False,
    )
    first_month = month_start(add_months(TODAY, -11))

    def visits():
        for pid, vi, since in at_home:
            for m in range(12):
                month = add_months(first_month, m)
                current = month == month_start(TODAY)
                if current and rng.random() < 0.34:
                    continue  # not yet visited this month
                if not current and rng.random() < 0.05:
                    continue  # a missed month
                day = month.replace(day=1 + rng.randrange(24 if current else 28))
                if day < since:
                    continue
                yield (
                    pid,
                    1000 + vi,
                    day.isoformat(),
                    "t",
                    aspects,
                    "f",
                    "f",
                    "入户查看，老人精神尚可，屋内整洁。",
                    None,
                    None,
                    "[]",
                    None,
                    None,
                    "f",
                    now,
                )

    n_visits = _copy(
        cursor,
        "care_visit",
        [
            "person_id",
            "visitor_id",
            "visited_on",
            "at_home",
            "aspects",
            "has_problem",
            "guardian_problem",
            "notes",
            "latitude",
            "longitude",
            "signature",
            "copy_of_id",
            "similarity",
            "perfunctory",
            "created_at",
        ],
        visits(),
    )

    def tasks():
        for pid, vi, _since in at_home[::97]:
            yield (
                villages[vi],
                pid,
                "visit",
                "",
                "hygiene",
                "卫生问题",
                "",
                1000 + vi,
                (TODAY - dt.timedelta(days=3)).isoformat(),
                "open",
                "",
                None,
                None,
                None,
                0,
                1,
                1000 + vi,
                now,
            )

    _copy(
        cursor,
        "oversight_rectificationtask",
        [
            "region_id",
            "person_id",
            "source_kind",
            "source_id",
            "aspect",
            "title",
            "description",
            "owner_id",
            "deadline",
            "status",
            "evidence",
            "evidence_file_id",
            "closed_at",
            "closed_by_id",
            "reopened",
            "version",
            "created_by_id",
            "created_at",
        ],
        tasks(),
    )
    cursor.execute("SELECT setval(pg_get_serial_sequence('core_user','id'), 100000)")
    # the busiest village's cadre and township are measured (the worst case, not an empty one)
    busiest = max(range(len(villages)), key=lambda i: per_village[i])
    return {
        "visits": n_visits,
        "at_home": len(at_home),
        "cadre_id": 1000 + busiest,
        "village": villages[busiest],
    }


def timed(fn, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(q)
    return statistics.median(times), queries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)

    with bench_database("worklist"):
        info, load_s = load_province(args.persons)

        from doudi.care import selectors as sel
        from doudi.core.models import Region, User

        cadre = User.objects.select_related("region").get(pk=info["cadre_id"])
        township = Region.objects.get(code=info["village"][:9] + "000")
        clerk = User.objects.create(
            username="clerk", name="镇民政", region=township, roles=["township_clerk"]
        )
        clerk = User.objects.select_related("region").get(pk=clerk.pk)

        worklist_ms, worklist_q = timed(lambda: sel.worklist(cadre, today=TODAY), args.repeat)
        overdue_ms, overdue_q = timed(
            lambda: sel.overdue_list(clerk, township.code, today=TODAY), args.repeat
        )
        result = {
            "persons": args.persons,
            "visits": info["visits"],
            "load_s": round(load_s, 1),
            "worklist_median_ms": round(worklist_ms, 2),
            "overdue_median_ms": round(overdue_ms, 2),
            "queries": {"worklist": worklist_q, "overdue": overdue_q},
            "worklist_size": len(sel.worklist(cadre, today=TODAY).persons),
            "overdue_size": len(sel.overdue_list(clerk, township.code, today=TODAY)),
        }
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
