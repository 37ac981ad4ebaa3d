"""scoring.results_query (the county-wide SQL) gives exactly what rules.period_score gives, on
random entries with caps, weights, corrections and vetoes."""

import random
from decimal import Decimal as D

from doudi.governance import rules, scoring, services
from doudi.governance.models import Entry

from .test_services import last_quarter


def test_sql_scores_equal_the_rules(gw):
    rng = random.Random(7)
    label, start, end = last_quarter()
    scheme, t1 = gw.org1, gw.u.town1
    subjects = [gw.branch_v1, gw.branch_v1b] + [
        services.subject_add(actor=t1, scheme=scheme, village=gw.world.v1b, name=f"支部{i}") for i in range(6)
    ]
    items = list(scheme.items.all())
    for s in subjects[:-1]:  # the last has no entries at all: 0 points, still ranked
        for _ in range(rng.randint(0, 25)):
            it = rng.choice(items)
            if it.veto and rng.random() < 0.7:
                continue
            e = services.entry_award(
                actor=t1,
                subject=s,
                item=it,
                source=rng.choice(["township", "peer", "public"]),
                occurred_on=start,
            )
            if rng.random() < 0.15:
                services.entry_correct(actor=t1, entry=e, points=rng.choice([0, 1, 3]), note="核实")
    good = scheme.items.get(code="review-good")
    for _ in range(3):  # 30 points against the 评议 cap of 20
        services.entry_award(actor=t1, subject=subjects[0], item=good, source="township", occurred_on=start)
    rule = services.scheme_rule(scheme)
    rows, dims = scoring.results_query(scheme, start, end)
    rows = list(rows)
    assert len(rows) == len(subjects)
    totals = {}
    for row in rows:
        entries = [
            rules.EntryIn(e.pk, e.item.code, e.points, e.source, e.corrects_id)
            for e in Entry.objects.filter(subject_id=row["pk"]).select_related("item")
        ]
        expected = rules.period_score(entries, rule)
        assert D(row["total"]).quantize(D("0.01")) == expected.total.quantize(D("0.01")), row
        assert bool(row["vetoed"]) == expected.vetoed
        assert row["colour"] == (rules.warning_colour(expected.total, scheme.lines) or "")
        for i, d in enumerate(dims):
            assert D(row[f"d_{i}"]).quantize(D("0.01")) == expected.by_dimension()[d.key].quantize(D("0.01"))
            assert row[f"capped_{i}"] == (f"cap:{d.key}" in expected.reasons)
        totals[row["pk"]] = expected.total
    assert any(row[f"capped_{i}"] for row in rows for i in range(len(dims)))  # the caps bite
    assert any(row["vetoed"] for row in rows)
    ranks = {r.subject: r.rank for r in rules.rank(totals)}
    assert {row["pk"]: row["rank"] for row in rows} == ranks
