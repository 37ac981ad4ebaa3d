"""core.audit masks, when entries are read, the values apps declare sensitive (register_sensitive),
wherever they sit in `changes` or `extra`. Core knows no app: these tests declare their own key."""

import pytest

from doudi.core import audit
from doudi.core.audit import Item


def stars(text: str) -> str:
    """A test mask: keeps the last 2 characters (idempotent, as the registry's masks are)."""
    return "*" * (len(text) - 2) + text[-2:]


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setattr(audit, "_SENSITIVE", {"secret": stars})


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        # a [before, after] pair: both sides, None stays None
        ({"secret": ["abcdef", None]}, {"secret": ["****ef", None]}),
        ({"secret": [None, "abcdef"]}, {"secret": [None, "****ef"]}),
        # a plain value, an empty one, a number
        ({"secret": "abcdef"}, {"secret": "****ef"}),
        ({"secret": ""}, {"secret": ""}),
        ({"secret": 123456}, {"secret": "****56"}),
        # already masked: unchanged
        ({"secret": "****ef"}, {"secret": "****ef"}),
        # other keys untouched, whatever they hold
        (
            {"name": "abcdef", "n": 3, "ok": True, "none": None},
            {"name": "abcdef", "n": 3, "ok": True, "none": None},
        ),
        # a value naming the key is not the key's value
        ({"field": "secret"}, {"field": "secret"}),
        # a nested record (a merge's merged_record), and records in a list
        (
            {"merged_record": {"name": "x", "secret": "abcdef"}, "moved": {"a": 1}},
            {"merged_record": {"name": "x", "secret": "****ef"}, "moved": {"a": 1}},
        ),
        (
            {"rows": [{"secret": "abcdef"}, {"secret": "ghijkl"}]},
            {"rows": [{"secret": "****ef"}, {"secret": "****kl"}]},
        ),
        # under a sensitive key, every string inside is masked
        ({"secret": {"old": "abcdef", "new": ["ghijkl"]}}, {"secret": {"old": "****ef", "new": ["****kl"]}}),
    ],
)
def test_mask(secret, stored, shown):
    copy = repr(stored)
    assert audit.mask(stored) == shown
    assert repr(stored) == copy  # the stored value is not touched


def test_nothing_is_masked_when_no_app_declared_a_key(monkeypatch):
    monkeypatch.setattr(audit, "_SENSITIVE", {})
    data = {"secret": ["abcdef", "ghijkl"], "merged_record": {"secret": "abcdef"}}
    assert audit.mask(data) == data


def test_shown_masks_changes_and_extra_unless_full(secret, world):
    entry = audit.record(
        world.users.county,
        "merge",
        world.users.town1,
        changes={"secret": ["abcdef", "ghijkl"], "phone": ["1", "2"], "note": "plain"},
        extra={"merged_record": {"secret": "mnopqr", "name": "x"}, "kept": 3},
    )
    masked = audit.shown(entry)
    assert masked.masked and not masked.full
    assert masked.changes == (
        Item("secret", before="****ef", after="****kl", pair=True),
        Item("phone", before="1", after="2", pair=True),
        Item("note", value="plain"),
    )
    assert masked.extra == (
        Item("merged_record", children=(Item("secret", value="****qr"), Item("name", value="x"))),
        Item("kept", value=3),
    )
    full = audit.shown(entry, full=True)
    assert full.masked and full.full
    assert full.changes[0] == Item("secret", before="abcdef", after="ghijkl", pair=True)
    assert full.extra[0].children[0] == Item("secret", value="mnopqr")
    entry.refresh_from_db()
    assert entry.changes["secret"] == ["abcdef", "ghijkl"]  # stored as written
    assert audit.verify_chain().ok


def test_an_entry_without_sensitive_values_has_nothing_to_reveal(secret, world):
    entry = audit.record(world.users.county, "update", world.users.town1, changes={"phone": ["1", "2"]})
    assert not audit.shown(entry).masked
