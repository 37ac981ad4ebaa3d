"""A period's scores for a whole county in one query: rules.period_score written as SQL.

rules.py is the definition (caps per dimension, the veto's floor, weighted sources, the colour
lines); closing a quarter of 300,000 villagers cannot call it once per subject in Python, so this
module builds the same computation from the scheme's data as one query in two levels, the shape
the computation has:

1. per subject and dimension (the ORM): the weighted sum of the period's entries that count (not
   replaced by a correction: an anti-join), and whether a veto item is among them;
2. per subject (composed here over level 1 as a subquery): each dimension's sum picked out with
   FILTER and capped (the smaller of the sum and the cap), whether the cap bit, the veto as the floor, the total, the colour
   as a CASE over the lines and the rank as a window.

The first form of this module summed every dimension inside one GROUP BY over the entries (an
aggregate with a FILTER per dimension, the ORM's expressions repeated in the colour and the rank):
1.8 times the hand-written SQL at 300,000 villagers. Level 2 is plain SQL because Django's ORM
cannot select from a grouped subquery; every value in it is a parameter. tests/governance/
test_scoring.py checks it against rules.period_score on random entries; bench/scores.py measures
it against hand-written SQL (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Case, DecimalField, Exists, F, Max, OuterRef, Sum, Value, When

from . import rules
from .models import Entry, Scheme

_DEC = DecimalField(max_digits=14, decimal_places=4)
_NUM = "CAST(%s AS NUMERIC)"  # a Decimal parameter (SQLite compares a bare one as text)


def _least(a: str) -> str:
    """LEAST(a, cap) in SQL both databases have (SQLite has no LEAST)."""
    return f"CASE WHEN {a} < {_NUM} THEN {a} ELSE {_NUM} END"


def _weighted(weights: dict[str, Decimal]):
    """An entry's points times its source's weight (四方督评); a weight of 1 is not multiplied."""
    points = F("points")
    weights = {s: w for s, w in weights.items() if w != 1}
    if not weights:
        return points
    return Case(
        *(When(source=s, then=points * Value(w, output_field=_DEC)) for s, w in weights.items()),
        default=points,
        output_field=_DEC,
    )


def _per_dimension(scheme: Scheme, start: dt.date, end: dt.date):
    """Level 1: subject_id, dim, raw (weighted sum), veto (1 if a veto item counts) per subject and
    dimension, over the period's entries not replaced by a correction."""
    weights = {k: Decimal(str(v)) for k, v in (scheme.weights or {}).items()}
    replaced = Entry.objects.filter(corrects=OuterRef("pk"))
    return (
        Entry.objects.filter(scheme=scheme, occurred_on__gte=start, occurred_on__lte=end)
        .filter(~Exists(replaced))
        .values("subject_id", dim=F("item__dimension_id"))
        .annotate(
            raw=Sum(_weighted(weights)),
            veto=Max(Case(When(item__veto=True, then=Value(1)), default=Value(0))),
        )
        .order_by()
    )


def results_query(scheme: Scheme, start: dt.date, end: dt.date, village_prefix: str | None = None):
    """Rows (dicts) per active subject, best first (rank, then pk): pk, village_id, d_<i> (capped
    score of the i-th dimension), capped_<i> (the cap bit), vetoed (0/1), total, colour ("" above the
    lines, without lines, or for lines by rank: period_close colours those from the rank), rank
    (1 = best). Returns (rows, dimensions)."""
    dims = list(scheme.dimensions.order_by("order"))
    level1, level1_params = _per_dimension(scheme, start, end).query.sql_with_params()

    # Level 2 per subject. The SQL text below holds no value; each %s is a parameter, listed in
    # the order the placeholders appear in the text.
    sums, sums_params = [], []
    for i, d in enumerate(dims):
        sums.append(f"COALESCE(SUM(g.raw) FILTER (WHERE g.dim = %s), 0) AS raw_{i}")
        sums_params.append(d.pk)
    where, where_params = ["s.scheme_id = %s", "s.is_active"], [scheme.pk]
    if village_prefix:
        where.append("s.village_id BETWEEN %s AND %s")
        where_params += [village_prefix.ljust(12, "0"), village_prefix.ljust(12, "9")]
    per_subject = (
        f"SELECT s.id AS pk, s.village_id, {''.join(c + ', ' for c in sums)}"
        f"COALESCE(MAX(g.veto), 0) AS vetoed "
        f"FROM governance_subject s LEFT JOIN ({level1}) g ON g.subject_id = s.id "
        f"WHERE {' AND '.join(where)} GROUP BY s.id"
    )
    capped, capped_params = [], []
    for i, d in enumerate(dims):
        if d.cap is None:
            capped.append(f"p.raw_{i} AS d_{i}, false AS capped_{i}")
        else:
            capped.append(f"{_least(f'p.raw_{i}')} AS d_{i}, p.raw_{i} > {_NUM} AS capped_{i}")
            capped_params += [d.cap, d.cap, d.cap]
    earned = " + ".join(
        _least(f"p.raw_{i}") if d.cap is not None else f"p.raw_{i}" for i, d in enumerate(dims)
    )
    earned_params = [c for d in dims if d.cap is not None for c in (d.cap, d.cap)]
    scored = (
        f"SELECT p.pk, p.village_id, p.vetoed, {''.join(c + ', ' for c in capped)}"
        f"CASE WHEN p.vetoed = 1 THEN {_NUM} ELSE {earned or '0'} END AS total FROM ({per_subject}) p"
    )
    scored_params = [*capped_params, scheme.floor, *earned_params]
    if scheme.lines and rules.line_mode(scheme.lines) == rules.SCORE:
        lines = rules.check_lines(scheme.lines)
        colour = (
            "CASE " + " ".join(f"WHEN t.total < {_NUM} THEN '{c}'" for c in rules.COLOURS) + " ELSE '' END"
        )
        colour_params = [lines[c] for c in rules.COLOURS]
    else:
        colour, colour_params = "''", []
    sql = (
        f"SELECT t.*, {colour} AS colour, rank() OVER (ORDER BY t.total DESC) AS rank "
        f"FROM ({scored}) t ORDER BY t.total DESC, t.pk"
    )
    params = [*colour_params, *scored_params, *sums_params, *level1_params, *where_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    if connection.vendor != "postgresql":  # SQLite: numbers come back as float, booleans as 0/1
        numbers = ["total", *(f"d_{i}" for i in range(len(dims)))]
        for row in rows:
            for name in numbers:
                row[name] = Decimal(str(row[name]))
            for i in range(len(dims)):
                row[f"capped_{i}"] = bool(row[f"capped_{i}"])
    return rows, dims
