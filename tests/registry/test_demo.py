import random
from collections import Counter

from doudi.core import demo as core_demo
from doudi.core.audit import verify_chain
from doudi.core.models import AuditEntry, Region
from doudi.registry import demo
from doudi.registry.idcard import parse_id_number
from doudi.registry.models import DuplicateCandidate, Person


def test_the_demo_ledger_is_realistic_valid_and_idempotent(db):
    rng = random.Random(7)
    ctx = {}
    core_demo.core_step(rng, ctx)
    demo.registry_step(rng, ctx)

    persons = list(Person.objects.select_related("village"))
    assert len(persons) == 1500
    for p in persons[::25]:
        parsed = parse_id_number(p.id_number)
        assert (parsed.region_code, parsed.birth_date, parsed.sex) == ("990121", p.birth_date, p.sex)
        assert p.name_pinyin and p.name_initials and p.id_reversed == p.id_number[::-1]
    placement = Counter(p.placement for p in persons)
    assert 0.85 < placement["dispersed"] / 1500 < 0.95
    capacity = Counter(p.civil_capacity for p in persons)
    assert 0.07 < (capacity["limited"] + capacity["none"]) / 1500 < 0.18
    categories = Counter(c for p in persons for c in p.categories)
    assert categories["elderly"] > 1100 and 10 < categories["minor"] < 100 and categories["disabled"] > 150
    assert len({p.village_id for p in persons}) > 100  # spread over the county
    assert DuplicateCandidate.objects.filter(status="open").count() >= 5
    assert AuditEntry.objects.filter(action="import").count() == 1500
    assert AuditEntry.objects.filter(action="update", actor=ctx["users"]["town1"]).exists()
    assert verify_chain().ok

    demo.registry_step(random.Random(8), ctx)  # a second run adds nothing
    assert Person.objects.count() == 1500


def test_the_demo_persons_are_deterministic(db):
    villages = [
        Region(code=f"990121100{n:03d}", name=f"村{n}", level=5, urban_rural_code="220")
        for n in range(201, 221)
    ]
    a = demo.build_persons(random.Random(1), villages, total=200)
    b = demo.build_persons(random.Random(1), villages, total=200)
    assert [(p.name, p.id_number, p.village.code) for p in a] == [
        (p.name, p.id_number, p.village.code) for p in b
    ]
