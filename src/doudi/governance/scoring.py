"""A period's scores for a whole county in one query: rules.period_score written as SQL.

rules.py is the definition (caps per dimension, the veto's floor, weighted sources, the colour
lines); closing a quarter of 300,000 villagers cannot call it once per subject in Python, so this
module builds the same computation from the scheme's data as one aggregate over the subjects and
their entries — per dimension the weighted sum of the entries that count (not replaced by a
correction), capped with LEAST, the veto as a flag that sets the floor, the colour as a CASE over
the lines and the rank as a window. tests/governance/test_scoring.py checks it against
rules.period_score on random entries; bench/scores.py measures it against hand-written SQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, Rank

from . import rules
from .models import Item, Scheme, Subject

_DEC = DecimalField(max_digits=14, decimal_places=4)


def _weighted(weights: dict[str, Decimal]):
    points = F("period__points")
    weights = {s: w for s, w in weights.items() if w != 1}  # a weight of 1 is the default
    if not weights:
        return points
    return Case(
        *(When(period__source=s, then=points * Value(w, output_field=_DEC)) for s, w in weights.items()),
        default=points,
        output_field=_DEC,
    )


def results_query(scheme: Scheme, start: dt.date, end: dt.date, village_prefix: str | None = None):
    """Values per subject: pk, village_id, d_<i> (capped score of the i-th dimension), raw_<i>,
    vetoed, black, total, colour ("" above the lines, without lines, or for lines by rank: period_close colours those
    from the rank), rank (1 = best)."""
    dims = list(scheme.dimensions.order_by("order"))
    items = list(Item.objects.filter(scheme=scheme).values_list("pk", "dimension_id", "veto", "black"))
    weights = {k: Decimal(str(v)) for k, v in (scheme.weights or {}).items()}
    # Only the period's entries are joined (the date test in the join's ON clause), then grouped
    # by the subject alone.
    counts = Q(period__corrected_by__isnull=True)
    qs = Subject.objects.filter(scheme=scheme, is_active=True).annotate(
        period=FilteredRelation(
            "entries", condition=Q(entries__occurred_on__gte=start, entries__occurred_on__lte=end)
        )
    )
    if village_prefix:
        qs = qs.filter(village__gte=village_prefix.ljust(12, "0"), village__lte=village_prefix.ljust(12, "9"))
    qs = qs.values("pk", "village_id")
    weighted = _weighted(weights)
    ann = {}
    for i, d in enumerate(dims):
        ids = [pk for pk, dim, _v, _b in items if dim == d.pk]
        raw = Coalesce(Sum(weighted, filter=counts & Q(period__item_id__in=ids or [0])), Value(0, _DEC))
        ann[f"raw_{i}"] = raw
        ann[f"d_{i}"] = Least(raw, Value(d.cap, _DEC)) if d.cap is not None else raw
    veto_ids = [pk for pk, _d, v, _b in items if v] or [0]
    black_ids = [pk for pk, _d, _v, b in items if b] or [0]
    ann["vetoed"] = Coalesce(
        Max(Case(When(counts & Q(period__item_id__in=veto_ids), then=Value(1)), default=Value(0))), Value(0)
    )
    ann["black"] = Coalesce(
        Max(Case(When(counts & Q(period__item_id__in=black_ids), then=Value(1)), default=Value(0))), Value(0)
    )
    qs = qs.annotate(**ann)
    earned = sum((F(f"d_{i}") for i in range(len(dims))), Value(0, _DEC)) if dims else Value(0, _DEC)
    qs = qs.annotate(
        total=Case(When(vetoed=1, then=Value(scheme.floor, _DEC)), default=earned, output_field=_DEC)
    )
    if scheme.lines and rules.line_mode(scheme.lines) == rules.SCORE:
        lines = rules.check_lines(scheme.lines)
        qs = qs.annotate(
            colour=Case(
                *(When(total__lt=Value(lines[c], _DEC), then=Value(c)) for c in rules.COLOURS),
                default=Value(""),
                output_field=CharField(),
            )
        )
    else:
        qs = qs.annotate(colour=Value("", output_field=CharField()))
    qs = qs.annotate(rank=Window(Rank(), order_by=F("total").desc(), output_field=IntegerField()))
    fields = ["pk", "village_id", *ann, "total", "colour", "rank"]
    return qs.values(*fields).order_by("rank", "pk"), dims
