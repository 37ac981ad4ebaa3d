"""Benchmark: import a realistic person ledger (特困人员台账) end to end.

    .venv/bin/python bench/import_persons.py --rows 100000 [--databases sqlite,postgresql]

Builds an .xlsx of N persons spread over a demo-sized county (12 townships, 151 villages), then
measures, in the same run:

  (a) the floor: python-calamine reading every row of the file (the fastest the file can be read;
      best of three);
  (b) `doudi import-persons FILE --commit` into an empty, migrated database, as a subprocess, wall
      clock from start to exit (Python and Django start-up included);

and prints one JSON line per database: database, rows, floor_s, import_s, rows_per_s, ratio (b/a)
and peak_mb (the import process's peak resident set, from wait4's rusage) and import_cpu_s (its
CPU time, user + system: the server's work is not in it); also check_s (the same
command without --commit: the preview a clerk sees), reimport_s (the same file committed again,
which changes nothing) and load (the machine's 1-minute load average before and after: on a shared
machine the wall times depend on it).

Databases: a temporary SQLite file, and a database created on the PostgreSQL server named by
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) as doudi_bench_<pid>, dropped
afterwards — no other database is touched. Results and the machine are recorded in
docs/performance.md. This is a measurement, not a test: nothing fails on a slow run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "registry"))

from ledger_factory import realistic_rows, write_file  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

COUNTY = ("990121000000", "安和县")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def county_regions(seed: int = 7) -> list[tuple[str, str, str]]:
    """(code, name, urban/rural code) of a county with 12 townships of 8–15 villages each."""
    rng = random.Random(seed)
    first, second = (
        "东西南北上下前后大小新老高低黄白青红金银石沙柳杨桃李松柏梅竹槐枣",
        "山河湾沟坪岭庄堡营寨桥坡塘岗洼店集屯台",
    )
    rows = [("990000000000", "示例省", ""), ("990100000000", "示例市", ""), (*COUNTY, "")]
    used = set()
    for t in range(12):
        t_code = f"990121{100 + t:03d}000"
        rows.append((t_code, f"{first[t]}{second[t]}镇", ""))
        for v in range(rng.randint(8, 15)):
            while True:
                name = rng.choice(first) + rng.choice(second) + "村"
                if name not in used:
                    used.add(name)
                    break
            rows.append((t_code[:9] + f"{200 + v:03d}", name, "220" if v else "121"))
    return rows


def build(workdir: Path, rows: int) -> tuple[Path, Path]:
    regions = county_regions()
    region_csv = workdir / "regions.csv"
    with open(region_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["区划代码", "名称", "城乡分类代码"])
        writer.writerows(regions)
    villages = [(code, name) for code, name, urc in regions if urc]
    ledger = write_file(workdir / f"ledger-{rows}.xlsx", realistic_rows(rows, villages, seed=11))
    return region_csv, ledger


def floor(path: Path, repeat: int = 3) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        count = sum(1 for _ in sheet.iter_rows())
        best = min(best, time.perf_counter() - start)
    return best, count - 1  # minus the header


def doudi(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "doudi", *args], env=env, capture_output=True, text=True, check=True
    )


def timed_import(env: dict, ledger: Path, *options: str) -> tuple[float, float, dict, float]:
    """Run the import as a child process; (wall seconds, peak RSS in MB, its JSON summary, its CPU
    seconds — user + system, which other processes on a shared machine do not inflate)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "doudi", "import-persons", str(ledger), *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}): {err.decode()[-2000:]}")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return elapsed, peak_mb, json.loads(out), usage.ru_utime + usage.ru_stime


def run_one(database: str, url: str, workdir: Path, region_csv: Path, ledger: Path, rows: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DOUDI_DATA_DIR": str(workdir / f"data-{database}")}
    env.pop("DEBUG", None)
    load_before = os.getloadavg()[0]  # the machine may be shared: record how busy it was
    doudi(env, "migrate", "--noinput")
    doudi(env, "import-regions", str(region_csv))
    floor_s, count = floor(ledger)
    assert count == rows, (count, rows)
    check_s, _peak, _summary, _cpu = timed_import(env, ledger)  # the preview: read and check, write nothing
    import_s, peak_mb, summary, import_cpu_s = timed_import(env, ledger, "--commit")
    if summary["created"] != rows or summary["errors"]:
        raise SystemExit(f"unexpected import result: { {k: v for k, v in summary.items() if k != 'errors'} }")
    reimport_s, _peak, again, _cpu = timed_import(env, ledger, "--commit")  # the same file again: no change
    assert again["unchanged"] == rows, again
    floor_after, _ = floor(ledger)  # the machine may be shared: the floor before and after
    floor_s = min(floor_s, floor_after)
    return {
        "database": database,
        "rows": rows,
        "floor_s": round(floor_s, 3),
        "import_s": round(import_s, 3),
        "rows_per_s": round(rows / import_s),
        "ratio": round(import_s / floor_s, 2),
        "peak_mb": round(peak_mb, 1),
        "import_cpu_s": round(import_cpu_s, 2),
        "check_s": round(check_s, 3),
        "reimport_s": round(reimport_s, 3),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # 1-minute load average, before/after
    }


def postgres_database(server_url: str):
    """Create doudi_bench_<pid> on the server; return (its URL, a function dropping it)."""
    import psycopg

    name = f"doudi_bench_{os.getpid()}"
    parts = urlsplit(server_url)
    admin = psycopg.connect(server_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (the generated file)")
    args = parser.parse_args(argv)
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]

    workdir = Path(tempfile.mkdtemp(prefix="doudi-bench-"))
    print(
        json.dumps(
            {
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "workdir": str(workdir),
            }
        ),
        file=sys.stderr,
    )
    region_csv, ledger = build(workdir, args.rows)
    try:
        for database in wanted:
            if database == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                print(json.dumps(run_one("sqlite", url, workdir, region_csv, ledger, args.rows)), flush=True)
            elif database in ("postgresql", "postgres"):
                url, drop = postgres_database(os.environ.get("DATABASE_URL", DEFAULT_PG))
                try:
                    print(
                        json.dumps(run_one("postgresql", url, workdir, region_csv, ledger, args.rows)),
                        flush=True,
                    )
                finally:
                    drop()
            else:
                parser.error(f"unknown database {database!r}")
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
