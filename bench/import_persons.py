"""Benchmark: import a realistic person ledger (特困人员台账) end to end.

    .venv/bin/python bench/import_persons.py --rows 100000 [--databases sqlite,postgresql]

Builds an .xlsx of N persons spread over a demo-sized county (12 townships, 151 villages), then
measures, in the same run:

  (a) the floor: python-calamine reading every row of the file (the fastest the file can be read;
      best of three);
  (b) `doudi import-persons FILE --commit` into an empty, migrated database, as a subprocess, wall
      clock from start to exit (Python and Django start-up included); best of --repeat (3) runs,
      each into a fresh copy of the empty database (imports_s lists them all);

and prints one JSON line per database: database, rows, floor_s, import_s, rows_per_s, ratio (b/a)
and peak_mb (the import process's peak resident set, from wait4's rusage) and import_cpu_s (its
CPU time, user + system: the server's work is not in it); also check_s (the same
command without --commit: the preview a clerk sees), reimport_s (the same file committed again,
which changes nothing) and load (the machine's 1-minute load average before and after: on a shared
machine the wall times depend on it).

Databases: temporary SQLite files, and databases created on the PostgreSQL server named by
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) as doudi_bench_<pid> and, for each
run, doudi_bench_<pid>_<n> copied from it (CREATE DATABASE … TEMPLATE), all dropped afterwards —
no other database is touched. Results and the machine are recorded in
docs/performance.md. This is a measurement, not a test: nothing fails on a slow run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
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


def run_one(database: str, fresh, workdir: Path, ledger: Path, rows: int, repeat: int) -> dict:
    """`fresh()` gives (URL, drop) of a new copy of the clean database (migrated, regions
    imported), which `fresh.clean` names. Each import goes into a copy of its own; the best of
    `repeat` counts, as the floor's best of three does (the machine may be shared)."""
    env = _env(fresh.clean, workdir, database)
    load_before = os.getloadavg()[0]  # the machine may be shared: record how busy it was
    floor_s, count = floor(ledger)
    assert count == rows, (count, rows)
    check_s, _peak, _summary, _cpu = timed_import(env, ledger)  # the preview: read and check, write nothing
    runs = []  # (import_s, peak_mb, cpu_s)
    for i in range(repeat):
        url, drop = fresh()
        env = _env(url, workdir, database)
        import_s, peak_mb, summary, import_cpu_s = timed_import(env, ledger, "--commit")
        if summary["created"] != rows or summary["errors"]:
            raise SystemExit(
                f"unexpected import result: { {k: v for k, v in summary.items() if k != 'errors'} }"
            )
        runs.append((import_s, peak_mb, import_cpu_s))
        if i < repeat - 1:
            drop()
    reimport_s, _peak, again, _cpu = timed_import(env, ledger, "--commit")  # the same file again: no change
    assert again["unchanged"] == rows, again
    drop()
    floor_after, _ = floor(ledger)  # the machine may be shared: the floor before and after
    floor_s = min(floor_s, floor_after)
    import_s, _peak, import_cpu_s = min(runs)
    return {
        "database": database,
        "rows": rows,
        "floor_s": round(floor_s, 3),
        "import_s": round(import_s, 3),
        "rows_per_s": round(rows / import_s),
        "ratio": round(import_s / floor_s, 2),
        "peak_mb": round(max(r[1] for r in runs), 1),
        "import_cpu_s": round(import_cpu_s, 2),
        "imports_s": [round(r[0], 3) for r in runs],
        "check_s": round(check_s, 3),
        "reimport_s": round(reimport_s, 3),
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # 1-minute load average, before/after
    }


def _env(url: str, workdir: Path, database: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DOUDI_DATA_DIR": str(workdir / f"data-{database}")}
    env.pop("DEBUG", None)
    return env


def prepare(url: str, workdir: Path, database: str, region_csv: Path) -> None:
    env = _env(url, workdir, database)
    doudi(env, "migrate", "--noinput")
    doudi(env, "import-regions", str(region_csv))


def sqlite_copies(workdir: Path, region_csv: Path):
    """A clean SQLite file, fresh() copying it, and a function removing it."""
    clean = workdir / "clean.sqlite3"
    prepare(f"sqlite:///{clean}", workdir, "sqlite", region_csv)
    numbers = iter(range(1_000_000))

    def fresh():
        path = workdir / f"run-{next(numbers)}.sqlite3"
        shutil.copyfile(clean, path)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)

    fresh.clean = f"sqlite:///{clean}"
    return fresh, lambda: clean.unlink(missing_ok=True)


def postgres_copies(server_url: str, workdir: Path, region_csv: Path):
    """doudi_bench_<pid> (migrated, regions imported) on the server named by server_url,
    fresh() creating doudi_bench_<pid>_<n> from it as a template, and a function dropping every
    database it made — and no other."""
    import psycopg

    name = f"doudi_bench_{os.getpid()}"
    parts = urlsplit(server_url)
    admin = psycopg.connect(server_url, autocommit=True)
    made = [name]
    admin.execute(f'CREATE DATABASE "{name}"')

    def url_of(db: str) -> str:
        return urlunsplit(parts._replace(path=f"/{db}"))

    numbers = iter(range(1_000_000))

    def fresh():
        copy = f"{name}_{next(numbers)}"
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        made.append(copy)
        return url_of(copy), lambda: admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')

    def drop_all():
        for db in reversed(made):
            admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        admin.close()

    try:
        prepare(url_of(name), workdir, "postgresql", region_csv)
    except BaseException:
        drop_all()
        raise
    fresh.clean = url_of(name)
    return fresh, drop_all


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (the generated file)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="imports to run, each into a fresh empty database; the best counts",
    )
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
                fresh, drop = sqlite_copies(workdir, region_csv)
            elif database in ("postgresql", "postgres"):
                fresh, drop = postgres_copies(os.environ.get("DATABASE_URL", DEFAULT_PG), workdir, region_csv)
                database = "postgresql"
            else:
                parser.error(f"unknown database {database!r}")
            try:
                result = run_one(database, fresh, workdir, ledger, args.rows, args.repeat)
                print(json.dumps(result), flush=True)
            finally:
                drop()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
