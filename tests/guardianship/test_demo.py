"""The demo step: guardians for demo persons who need them; deterministic and idempotent."""

import datetime as dt
import random

from doudi.guardianship import demo, selectors
from doudi.guardianship.models import Agreement, GuardianCandidate, Guardianship


def test_nothing_happens_without_persons(world):
    demo.demo_step(random.Random(1), {})
    assert not GuardianCandidate.objects.exists()


def _persons(world, f, n=120):
    rng = random.Random(7)
    for i in range(n):
        village = (world.v1, world.v1b, world.v2)[i % 3]
        f.person(
            village,
            f"示例{i}",
            capacity=rng.choice(["none", "limited", "full"]),
            birth=dt.date(1940 + i % 40 if i % 5 else 2012, 1, 1),
        )


def test_demo_gives_a_realistic_mix_and_is_idempotent(world, f):
    _persons(world, f)
    ctx = {"users": {"county": world.users.county}}
    demo.demo_step(random.Random(20261128), ctx)
    counts = dict((c, Guardianship.objects.filter(category=c).count()) for c in ("I", "II", "III"))
    assert all(counts.values()), counts
    table, total = selectors.coverage_table(world.users.county)
    assert total.counts["none"] > 0 and total.counts["expiring"] > 0 and total.counts["agreement"] > 0
    for row in [*table, total]:
        for bucket, number in row.counts.items():
            assert number == selectors.coverage_persons(world.users.county, row.code, bucket).count()
    snapshot = (GuardianCandidate.objects.count(), Guardianship.objects.count(), Agreement.objects.count())
    demo.demo_step(random.Random(20261128), ctx)
    assert (
        GuardianCandidate.objects.count(),
        Guardianship.objects.count(),
        Agreement.objects.count(),
    ) == snapshot
    # every category Ⅱ guardian has the committee's consent on record, dated before they started
    for g in Guardianship.objects.filter(category="II"):
        assert g.candidate.consents.filter(granted=True, decided_on__lte=g.started_on).exists()
    # minors get parents, grandparents and elder siblings, not spouses or children
    minors = GuardianCandidate.objects.filter(person__birth_date__year=2012)
    assert minors.exists() and not minors.filter(kind__in=["spouse", "child"]).exists()
    # agreements never start before their guardianship
    for a in Agreement.objects.select_related("guardianship"):
        assert a.start_on >= a.guardianship.started_on
