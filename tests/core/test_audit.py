import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.core import audit, services
from doudi.core.models import AuditEntry


def test_a_change_writes_exactly_one_entry_with_before_and_after(world):
    admin, target = world.users.county, world.users.town1
    services.user_update(
        actor=admin,
        user=target,
        name="李秀兰",
        phone="13800000000",
        region=world.t1,
        roles=["township_clerk"],
    )
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1
    e = entries[0]
    assert (e.actor_username, e.action, e.object_type, e.object_id) == (
        "county",
        "update",
        "core.user",
        str(target.pk),
    )
    assert e.changes == {"name": ["town1", "李秀兰"], "phone": ["", "13800000000"]}
    assert e.region_code == world.t1.code


def test_a_no_op_change_writes_nothing(world):
    u = world.users.town1
    services.user_update(
        actor=world.users.county, user=u, name=u.name, phone=u.phone, region=u.region, roles=u.roles
    )
    assert AuditEntry.objects.count() == 0


def test_a_failed_change_leaves_no_entry(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.user_update(
            actor=world.users.county,
            user=world.users.town1,
            name="x",
            phone="",
            region=world.v1,
            roles=["township_clerk"],
        )  # clerk bound to a village
    assert AuditEntry.objects.count() == 0
    world.users.town1.refresh_from_db()
    assert world.users.town1.name == "town1"


def test_the_chain_verifies_and_detects_tampering(world, capsys):
    for i in range(5):
        audit.record(world.users.county, "update", world.t1, changes={"name": [f"n{i}", f"n{i + 1}"]})
    call_command("verify-audit")
    assert "5" in capsys.readouterr().out

    AuditEntry.objects.filter(seq=3).update(changes={"name": ["forged", "value"]})
    with pytest.raises(CommandError, match="第 3 条"):
        call_command("verify-audit")


def test_deleting_the_last_entry_is_detected(world):
    for _ in range(3):
        audit.record(world.users.county, "view", world.t1)
    AuditEntry.objects.filter(seq=3).delete()
    with pytest.raises(CommandError):
        call_command("verify-audit")


def test_deleting_a_middle_entry_is_detected(world):
    for _ in range(3):
        audit.record(world.users.county, "view", world.t1)
    AuditEntry.objects.filter(seq=2).delete()
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == 2


def test_entries_link_to_their_predecessor(world):
    a = audit.record(world.users.county, "view", world.t1)
    b = audit.record(world.users.county, "view", world.t2)
    assert b.prev_hash == a.hash and a.prev_hash == audit.GENESIS


def _writer(n, errors):
    from django.db import connections

    try:
        for i in range(n):
            audit.record(None, "other", object_type="test", object_id=str(i), region_code="990121000000")
    except Exception as exc:  # reported by the test below
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """Threads on separate connections appending at once must not fork the chain: the
    AuditHead row lock serialises them (PostgreSQL; SQLite serialises writers by itself)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the row lock is what is tested; run with DATABASE_URL=postgres://…")
    errors = []
    threads = [threading.Thread(target=_writer, args=(25, errors)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == 100
    assert audit.verify_chain().ok


def test_entries_written_in_bulk_hash_and_store_the_canonical_json(world):
    """record_many() serialises changes/extra once and builds the hashed payload from the parts:
    the stored entry, read back, must hash to the same value with _payload() (verify_chain's
    definition), for awkward values too (quotes, control characters, non-ASCII, nesting, dates,
    numbers as keys, floats, an entry without an actor)."""
    import datetime as dt
    import decimal

    odd = {
        "name": ['张"三\\', "李\n四\t\x01"],
        "nested": {"b": [1, None, True], "a": {"z": "ü", 3: dt.date(2024, 2, 29)}},
        "when": [None, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)],
        "amount": [decimal.Decimal("1.50"), 2.5],
        "set": (1, 2),
    }
    entries = audit.record_many(
        [
            audit.Pending(
                world.users.county, "update", world.t1, changes=odd, extra={"row": 7, "file": "台账.xlsx"}
            ),
            audit.Pending(
                None, "other", object_type="test", object_id="1", object_repr='"quoted"', region_code=""
            ),
            audit.Pending(world.users.town1, "view", world.v1, extra={"emoji": "😀", "empty": {}}),
        ]
    )
    stored = {e.seq: e for e in AuditEntry.objects.all()}
    assert len(stored) == 3
    for entry in entries:
        again = stored[entry.seq]
        assert entry.pk == again.pk and entry.hash == again.hash
        assert audit.compute_hash(again) == again.hash
        assert audit.compute_hash(entry) == entry.hash
        assert again.changes == entry.changes and again.extra == entry.extra
    first = stored[entries[0].seq]
    assert first.changes["nested"]["a"] == {"z": "ü", "3": "2024-02-29"}
    assert first.changes["amount"] == ["1.50", "2.5"]
    assert entries[0].actor == world.users.county and entries[1].actor_id is None
    assert audit.verify_chain().ok


def test_bulk_writes_fill_every_column():
    """record_many() writes the columns it names itself (COPY / executemany): a field added to
    AuditEntry later must be added there too."""
    names = {f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key}
    assert names == set(audit._COLUMNS)


def test_jsonable_keeps_its_meaning():
    import datetime as dt
    import decimal

    from doudi.core.models import Region

    value = {
        1: [dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4)],
        "f": 1.5,
        "d": decimal.Decimal("2.0"),
        "t": ("a", {"b"}),
        "m": Region(code="990121000000"),
        "o": object.__new__(type("X", (), {"__str__": lambda self: "x"})),
        "e": Region.Level.VILLAGE,
        "n": None,
        "b": True,
    }
    assert audit.jsonable(value) == {
        "1": ["2020-01-02", "2020-01-02T03:04:00"],
        "f": "1.5",
        "d": "2.0",
        "t": ["a", ["b"]],
        "m": "990121000000",
        "o": "x",
        "e": Region.Level.VILLAGE,
        "n": None,
        "b": True,
    }


def test_orjson_writes_the_standard_librarys_canonical_text():
    """The hashes are defined by the standard library's json (_payload, verify_chain); entries are
    written with orjson for speed. Both must give the same text for every value jsonable() can
    return: every Unicode scalar value (escapes of control characters, quotes, backslashes,
    U+2028…), key order by code point, nesting, big numbers; and the fallback must take what
    orjson refuses."""
    import json
    import random

    std = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert audit._canonical({"s": every, every[:300]: [every[:40], None]}) == std(
        {"s": every, every[:300]: [every[:40], None]}
    )
    rng = random.Random(5)
    keys = {"".join(chr(rng.choice([rng.randint(32, 0xD7FF), rng.randint(0xE000, 0x10FFFF)])) for _ in range(3)): i
            for i in range(3000)}  # fmt: skip
    value = {"k": keys, "n": [0, -1, 2**63 - 1, -(2**63), True, False, None, {"b": {}, "a": []}]}
    assert audit._canonical(value) == std(value)
    deep: list = []
    for _ in range(300):  # orjson stops at 254 levels
        deep = [deep]
    for refused in ({"big": 2**64}, {"lone": "\ud800"}, {"deep": deep}):
        assert audit._canonical(refused) == std(refused)
    ordered = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    assert audit._ordered({"z": 1, "a": [every[:100]]}) == ordered({"z": 1, "a": [every[:100]]})
    assert audit._ordered({"big": -(2**70)}) == ordered({"big": -(2**70)})


def test_prepared_rows_written_from_another_thread_keep_the_chain(world):
    """appending() + Chain.prepare() + copy_write() (the ledger import's pipelined path, formatted with copy_text) give
    the same chain as record_many, and verify."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("copy_rows is the PostgreSQL path")
    audit.record(world.users.county, "update", world.t1, changes={"name": ["a", "b"]})
    with audit.appending() as chain:
        rows = chain.prepare(
            [
                audit.Pending(None, "import", object_type="x", object_id=str(i), changes={"n": [None, i], "t": [None, "a\\b\tc"]},
                              extra={"row": i}, jsonsafe=True)
                for i in range(50)
            ]
        )  # fmt: skip
        raw = connection.connection
        text = audit.copy_text(rows)
        done = []

        def write():
            with raw.cursor() as cursor:
                audit.copy_write(cursor, text)
            done.append(True)

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        assert done == [True]
    audit.record(world.users.county, "update", world.t1, changes={"name": ["b", "c"]})
    assert AuditEntry.objects.count() == 52
    assert audit.verify_chain().ok
    assert AuditEntry.objects.get(seq=30).changes == {"n": [None, 28], "t": [None, "a\\b\tc"]}
