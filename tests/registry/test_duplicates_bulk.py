"""services.duplicates_detect() finds the same pairs whether it matches in Python (a clerk's save:
few persons) or lets the database group the county (a ledger import: many persons).

Every case runs through both paths (the threshold between them is patched); then a larger mixed
set is run through both and the results compared.
"""

import datetime as dt
import itertools
import random
from types import SimpleNamespace

import pytest
from django.db import transaction

from doudi.registry import services
from doudi.registry.idcard import make_id_number
from doudi.registry.models import DuplicateCandidate, Person

from ..conftest import make_region

PINYIN = DuplicateCandidate.Reason.SAME_PINYIN_AND_BIRTH.value
NAME = DuplicateCandidate.Reason.SAME_NAME_AND_VILLAGE.value
BOTH = f"{PINYIN},{NAME}"
B1, B2 = dt.date(1948, 5, 6), dt.date(1970, 1, 1)

# name, village, birth date[, stored pinyin when not the derived one]
CASES = {
    "homophones with the same birth date": dict(
        persons={"a": ("张三", "v1", B1), "b": ("章三", "v1b", B1)},
        touched=["b"],
        expected=[("a", "b", PINYIN)],
    ),
    "homophones born on other days": dict(
        persons={"a": ("张三", "v1", B1), "b": ("章三", "v1b", B2)},
        touched=["b"],
        expected=[],
    ),
    "the same name in the same village": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "v1", B2)},
        touched=["b"],
        expected=[("a", "b", NAME)],
    ),
    "the same name in another village of the county": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "v1b", B2)},
        touched=["b"],
        expected=[],
    ),
    "both reasons at once": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "v1", B1)},
        touched=["b"],
        expected=[("a", "b", BOTH)],
    ),
    "the touched person has the lower id": dict(
        persons={"a": ("张三", "v1", B1), "b": ("章三", "v2", B1)},
        touched=["a"],
        expected=[("a", "b", PINYIN)],
    ),
    "an open pair is not queued again": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "v1", B1)},
        queued=[("a", "b", "open")],
        touched=["b"],
        expected=[],
    ),
    "a dismissed pair is not queued again": dict(
        persons={"a": ("张三", "v1", B1), "b": ("章三", "v1b", B1)},
        queued=[("a", "b", "dismissed")],
        touched=["a", "b"],
        expected=[],
    ),
    "a queued pair does not hide a new one": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "v1", B2), "c": ("张三", "v1", B2)},
        queued=[("a", "b", "dismissed")],
        touched=["c"],
        expected=[("a", "c", NAME), ("b", "c", BOTH)],
    ),
    "persons in another county are not matched": dict(
        persons={"a": ("张三", "v1", B1), "b": ("张三", "w1", B1), "c": ("章三", "w1", B1)},
        touched=["a"],
        expected=[],
    ),
    "both counties touched: each is matched within itself": dict(
        persons={
            "a": ("张三", "v1", B1),
            "b": ("章三", "v2", B1),
            "c": ("张三", "w1", B1),
            "d": ("张三", "w1", B2),
        },
        touched=["a", "c"],
        expected=[("a", "b", PINYIN), ("c", "d", NAME)],
    ),
    "an empty pinyin matches no other": dict(
        persons={"a": ("张三", "v1", B1, ""), "b": ("章三", "v1b", B1, "")},
        touched=["a", "b"],
        expected=[],
    ),
    "an empty pinyin still matches by name and village": dict(
        persons={"a": ("张三", "v1", B1, ""), "b": ("张三", "v1", B1, "")},
        touched=["b"],
        expected=[("a", "b", NAME)],
    ),
    "pairs among the touched persons and against earlier ones": dict(
        persons={
            "old": ("李四", "v1", B1),
            "old twin": ("李四", "v1", B2),  # an earlier pair, not queued: neither is touched
            "new": ("李四", "v1", B2),
            "new homophone": ("黎四", "v1b", B2),  # lisi
            "stranger": ("王五", "v1", B2),
        },
        touched=["new", "new homophone", "stranger"],
        expected=[
            ("old", "new", NAME),
            ("old twin", "new", BOTH),
            ("old twin", "new homophone", PINYIN),
            ("new", "new homophone", PINYIN),
        ],
    ),
    "a touched person alone": dict(
        persons={"a": ("张三", "v1", B1)},
        touched=["a"],
        expected=[],
    ),
}


@pytest.fixture
def places(world):
    """The test world's villages, and one in a second county (990122)."""
    county = make_region("990122000000", "临河县", 3, world.city)
    town = make_region("990122100000", "临河镇", 4, county)
    return {
        "v1": world.v1,
        "v1b": world.v1b,
        "v2": world.v2,
        "w1": make_region("990122100201", "南岸村", 5, town, "220"),
    }


@pytest.fixture
def make_person():
    """make_person(name, village, birth[, pinyin]) → a saved Person with its derived fields, written
    directly (the services would look for duplicates themselves)."""
    seq = itertools.count(1)

    def _make(name, village, birth, pinyin=None):
        fields = services.derived_fields(name=name, id_number=make_id_number(village.code, birth, next(seq)))
        if pinyin is not None:
            fields["name_pinyin"] = pinyin
        return Person.objects.create(name=name, village=village, **fields)

    return _make


@pytest.fixture(params=["matched", "grouped"])
def path(request, monkeypatch):
    """Either path of duplicates_detect(), whatever the number of persons."""
    monkeypatch.setattr(services, "DUPLICATES_IN_SQL_ABOVE", 10**9 if request.param == "matched" else 0)
    return request.param


def as_key(p: Person) -> SimpleNamespace:
    """What the ledger import passes: the attributes the detection reads, not a Person."""
    return SimpleNamespace(
        pk=p.pk, name=p.name, name_pinyin=p.name_pinyin, birth_date=p.birth_date, village_id=p.village_id
    )


def queue(rows) -> list[tuple]:
    return [(d.person_id, d.other_id, d.reason) for d in rows]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_duplicates_found_by_either_path(case, path, places, make_person):
    spec = CASES[case]
    persons = {
        label: make_person(name, places[v], birth, *rest)
        for label, (name, v, birth, *rest) in spec["persons"].items()
    }
    for a, b, status in spec.get("queued", []):
        DuplicateCandidate.objects.create(person=persons[a], other=persons[b], reason=NAME, status=status)
    before = set(DuplicateCandidate.objects.values_list("person_id", "other_id", "reason", "status"))

    new = services.duplicates_detect([as_key(persons[label]) for label in spec["touched"]])

    expected = sorted((*sorted((persons[a].pk, persons[b].pk)), reason) for a, b, reason in spec["expected"])
    assert queue(new) == expected
    after = set(DuplicateCandidate.objects.values_list("person_id", "other_id", "reason", "status"))
    assert after - before == {(a, b, reason, "open") for a, b, reason in expected}
    assert before <= after
    assert services.duplicates_detect([as_key(persons[label]) for label in spec["touched"]]) == []


def test_person_instances_and_keys_give_the_same_pairs(path, places, make_person):
    a = make_person("张三", places["v1"], B1)
    b = make_person("张三", places["v1"], B1)
    assert queue(services.duplicates_detect([b])) == [(a.pk, b.pk, BOTH)]


def test_both_paths_agree_on_a_mixed_county(places, make_person, monkeypatch):
    """Some 300 persons of few names, homophones, birth dates and villages over two counties, a
    few pairs already decided: both paths queue the same pairs, in the same order. With the
    default threshold the large set goes through the database's grouping."""
    rng = random.Random(5)
    names = ["张三", "章三", "张山", "李四", "黎四", "王五", "汪五", "赵六"]
    births = [B1, B2, dt.date(1955, 2, 3)]
    villages = [places["v1"], places["v1b"], places["v2"], places["w1"]]

    def draw():
        pinyin = "" if rng.random() < 0.05 else None
        return make_person(rng.choice(names), rng.choice(villages), rng.choice(births), pinyin)

    earlier = [draw() for _ in range(150)]
    touched = [draw() for _ in range(150)]
    for status in ("open", "dismissed", "open", "dismissed"):
        x, y = sorted(rng.sample(earlier + touched, 2), key=lambda p: p.pk)
        DuplicateCandidate.objects.get_or_create(
            person=x, other=y, defaults={"reason": NAME, "status": status}
        )
    keys = [as_key(p) for p in touched]

    calls = []
    grouped = services._duplicates_grouped
    monkeypatch.setattr(services, "_duplicates_grouped", lambda *a: calls.append(a) or grouped(*a))

    def run():
        with transaction.atomic():
            new = queue(services.duplicates_detect(keys))
            rows = sorted(DuplicateCandidate.objects.values_list("person_id", "other_id", "reason", "status"))
            transaction.set_rollback(True)
        return new, rows

    assert len(keys) > services.DUPLICATES_IN_SQL_ABOVE
    by_database = run()
    assert len(calls) == 1
    monkeypatch.setattr(services, "DUPLICATES_IN_SQL_ABOVE", 10**9)
    in_python = run()
    assert len(calls) == 1
    assert by_database == in_python
    new = by_database[0]
    assert new == sorted(new)
    assert {reason for *_, reason in new} == {PINYIN, NAME, BOTH}
    earlier_ids = {p.pk for p in earlier}
    assert all(not (a in earlier_ids and b in earlier_ids) for a, b, _ in new)
    county = {p.pk: p.village_id[:6] for p in earlier + touched}
    assert all(county[a] == county[b] for a, b, _ in new)
