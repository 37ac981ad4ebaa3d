"""Benchmark: upload a configurable ledger (台账) of 30 columns filled by 150 villages.

    .venv/bin/python bench/ledger_fill.py --rows 100000 [--database sqlite|postgresql]

In one run, in one process, into a fresh migrated database (a temporary SQLite file, or
doudi_bench_ledger_<pid> on the PostgreSQL server of DATABASE_URL, dropped afterwards):

  (a) the floor: python-calamine reading every row of the file, plus writing the same rows as
      LedgerRow data in one transaction (COPY on PostgreSQL, executemany on SQLite) — the fastest
      the rows can get from the file into the table;
  (b) `ledger_upload` as a county officer: every cell checked by the ledger's rules, every problem
      collected, the rows written in one transaction (bulk_create) with the audit entry;

and prints one JSON line: database, rows, columns, villages, floor_s, upload_s, rows_per_s,
ratio (b/a), and the peak resident memory of each part: floor_peak_mb and upload_peak_mb (the
process's high-water mark, reset before each part through /proc/self/clear_refs, so the floor's
rows do not count against the upload), base_mb (resident before the upload) and sheet_mb (what
python-calamine's loaded sheet alone adds: it holds the whole range while rows are iterated, so
the upload's peak cannot go below base_mb + sheet_mb). A measurement, not a test: nothing fails on a slow run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="doudi-bench-ledger-"))
    pg_name = None
    if args.database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        pg_name = f"doudi_bench_ledger_{os.getpid()}"
        with psycopg.connect(server, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + pg_name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    try:
        return run(args, workdir)
    finally:
        if pg_name:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(server, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the high-water mark) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _reset_peak() -> None:
    """Give freed memory back to the system and reset the high-water mark to the current
    resident size (Linux: writing 5 to clear_refs), so the next part's peak is its own."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def run(args, workdir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from doudi.core.models import Region, User
    from doudi.core.roles import Role
    from doudi.programmes import ledger_services as ls
    from doudi.programmes import ledgers

    rng = random.Random(7)
    prov = Region.objects.create(code="990000000000", name="示例省", level=1)
    city = Region.objects.create(code="990100000000", name="示例市", level=2, parent=prov)
    county = Region.objects.create(code="990121000000", name="安和县", level=3, parent=city)
    villages = []
    for t in range(10):
        town = Region.objects.create(
            code=f"990121{100 + t:03d}000", name=f"第{t + 1}镇", level=4, parent=county
        )
        for v in range(15):
            villages.append(
                Region.objects.create(
                    code=f"990121{100 + t:03d}{201 + v:03d}",
                    name=f"第{t + 1}镇{v + 1}村",
                    level=5,
                    parent=town,
                )
            )
    officer = User.objects.create(
        username="bench", name="bench", region=county, roles=[str(Role.COUNTY_OFFICER)]
    )
    lines = ["村庄; region; 必填"]
    kinds = [
        "integer; 必填; 人; ; 0",
        "decimal; ; 吨/日; ; 0",
        "choice; ; ; 甲/乙/丙/丁",
        "yesno",
        "date",
        "text",
    ]
    for i in range(29):
        lines.append(f"列{i + 1}; {kinds[i % len(kinds)]}")
    cols = ledgers.columns_from_lines("\n".join(lines))
    template = ls.ledger_create(actor=officer, region=county, name="基准台账", cols=cols, filled_by="village")

    def cell(c):
        if c.type == "integer":
            return rng.randint(0, 5000)
        if c.type == "decimal":
            return round(rng.uniform(0, 300), 2)
        if c.type == "choice":
            return rng.choice(c.choices)
        if c.type == "yesno":
            return rng.choice(["是", "否"])
        if c.type == "date":
            return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return "处理工艺" + str(rng.randint(1, 99))

    path = workdir / "ledger.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    for j, c in enumerate(cols):
        ws.write_string(0, j, c.header())
    for r in range(1, args.rows + 1):
        ws.write_string(r, 0, villages[r % len(villages)].name)
        for j, c in enumerate(cols[1:], start=1):
            v = cell(c)
            ws.write(r, j, v)
    wb.close()

    # (a) the floor: parse every row, write the rows as they are, one transaction
    _reset_peak()
    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    keys = [c.key for c in cols]
    names = {v.name: v.code for v in villages}
    payload = [
        (
            template.pk,
            names[r[0]],
            json.dumps(dict(zip(keys, r, strict=False)), ensure_ascii=False, default=str),
            officer.pk,
        )
        for r in rows[1:]
    ]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.copy(
                "COPY programmes_ledgerrow (template_id, region_id, data, updated_by_id, updated_at) FROM STDIN"
            ) as copy:
                for p in payload:
                    copy.write_row((*p, "2026-01-01T00:00:00Z"))
        else:
            cur.executemany(
                "INSERT INTO programmes_ledgerrow (template_id, region_id, data, updated_by_id, updated_at) VALUES (%s, %s, %s, %s, '2026-01-01')",
                payload,
            )
    floor_s = time.perf_counter() - t0
    floor_peak = _rss_mb("VmHWM")
    del rows, payload
    template.rows.all().delete()

    # what python-calamine holds (in Rust, outside Python's allocator) while a sheet is open: it
    # loads the sheet's whole range, so the upload's peak can go no lower than this
    _reset_peak()
    before = _rss_mb("VmRSS")
    from doudi.core.tabular import open_table

    sheet = open_table(path, "ledger.xlsx")
    sheet_mb = round(_rss_mb("VmHWM") - before, 1)
    del sheet

    # (b) the upload
    _reset_peak()
    base = _rss_mb("VmRSS")
    t0 = time.perf_counter()
    n = ls.ledger_upload(actor=officer, template=template, path=path, filename="ledger.xlsx")
    upload_s = time.perf_counter() - t0
    upload_peak = _rss_mb("VmHWM")
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "rows": n,
                "columns": len(cols),
                "villages": len(villages),
                "floor_s": round(floor_s, 2),
                "upload_s": round(upload_s, 2),
                "rows_per_s": round(n / upload_s),
                "ratio": round(upload_s / floor_s, 2),
                "floor_peak_mb": floor_peak,
                "base_mb": base,
                "upload_peak_mb": upload_peak,
                "sheet_mb": sheet_mb,
                "load": os.getloadavg()[0],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
