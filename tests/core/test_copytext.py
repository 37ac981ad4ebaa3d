"""The COPY text the bulk writers format themselves must read back as the values written."""

import datetime as dt

import pytest
from django.db import connection

from doudi.core import copytext

AWKWARD = ["plain", "", "tab\there", "new\nline", "cr\rhere", "back\\slash", "\\N", "中文 名字", "a\\tb",
           "😀", " lead and trail ", "quote\"'", "\x01\x1f", "end\\"]  # fmt: skip


def test_values_format_as_postgresql_reads_them_back(db):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    moment = dt.datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=dt.UTC)
    rows = [
        (i, s, None if i % 3 == 0 else dt.date(2024, 2, 29), moment, i % 2 == 0, -i)
        for i, s in enumerate(AWKWARD)
    ]
    json_values = ['{"a":"x\\"y\\\\z\\n"}', '{"b":[null,"\\u0001"]}']
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copytext_t (n int, s text, d date, t timestamptz, b boolean, m bigint)"
        )
        cursor.execute("CREATE TEMP TABLE copytext_j (j jsonb)")
        with cursor.cursor.copy("COPY copytext_t FROM STDIN") as copy:
            copy.write("".join(copytext.line(r) for r in rows))
        with cursor.cursor.copy("COPY copytext_j FROM STDIN") as copy:
            copy.write("".join(copytext.json_text(j) + "\n" for j in json_values))
        cursor.execute("SELECT n, s, d, t, b, m FROM copytext_t ORDER BY n")
        assert [tuple(r) for r in cursor.fetchall()] == rows
        cursor.execute("SELECT j FROM copytext_j")
        import json

        assert [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in cursor.fetchall()] == [
            json.loads(j) for j in json_values
        ]


def test_formatting_without_a_database():
    assert copytext.line(["a\tb", None, 5, True, dt.date(2024, 1, 5)]) == "a\\tb\t\\N\t5\tt\t2024-01-05\n"
    assert copytext.value("\\N") == "\\\\N"  # a literal backslash-N, not NULL
    assert copytext.json_text('{"a":"\\n"}') == '{"a":"\\\\n"}'
