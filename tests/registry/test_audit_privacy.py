"""Nothing shown of an audit entry gives an ID number back (DESIGN.md promise 4, issue 15).

A masked number (110105********002X) hides the birth date, and nothing else: an entry that also
showed the birth date — the registry's before/after of a new person did — rebuilds it. These
tests play the attacker: from every entry as the audit page shows it, they take each masked
number and every date and run of digits beside it, rebuild every candidate, and check none is a
registered person's number. Free text (notes, reasons) is scanned for numbers typed into it."""

import datetime as dt
import re

import pytest

from doudi.core import audit, textmask
from doudi.core.models import AuditEntry
from doudi.registry import services
from doudi.registry.idcard import check_character, mask_id_number
from doudi.registry.models import DuplicateCandidate, Person

from .conftest import id_number

MASKED = re.compile(r"(\d{6})\*{8}(\d{3}[\dX])")
DATE = re.compile(r"(1[89]\d{2}|20\d{2})\D?(\d{2})\D?(\d{2})")


def texts(value):
    """Every string an entry shows, flattened."""
    if isinstance(value, audit.Item):
        yield value.key
        yield value.label
        for v in (value.value, value.before, value.after):
            if v is not None:
                yield str(v)
        for child in value.children:
            yield from texts(child)
    elif isinstance(value, audit.Shown):
        yield value.entry.object_repr
        for item in (*value.changes, *value.extra):
            yield from texts(item)


def rebuilt(shown: audit.Shown) -> set[str]:
    """Every ID number the entry's visible text could give back."""
    text = " ".join(texts(shown))
    out = set(re.findall(r"\d{17}[\dX]", text))
    for prefix, suffix in MASKED.findall(text):
        for y, m, d in DATE.findall(text):
            out.add(f"{prefix}{y}{m}{d}{suffix}")
        for digits in re.findall(r"(?<!\d)\d{8}(?!\d)", text):
            out.add(f"{prefix}{digits}{suffix}")
    return out


@pytest.fixture
def history(world, people, register):
    """A person's life in the registry: registered, corrected, merged; plus entries as older
    code wrote them (the birth date in clear beside the masked number)."""
    u = world.users
    zhao = register(u.town1, world.v1, "赵六", dt.date(1975, 6, 15), 41, phone="13912345678")
    services.person_update(actor=u.town1, person=zhao, id_number=id_number(dt.date(1975, 6, 16), 41))
    services.person_update(
        actor=u.town1, person=zhao, notes=f"其子身份证{id_number(dt.date(1990, 1, 2), 51)}"
    )
    twin = register(u.town1, world.v1, "张三", dt.date(1948, 5, 6), 13)
    services.duplicate_merge(
        actor=u.county, candidate=DuplicateCandidate.objects.get(other=twin), keep=people.zhang
    )
    services.person_reveal_id(actor=u.town1, person=people.li)
    # As the registry wrote a new person before issue 15: the birth date whole.
    audit.record(
        u.town2,
        "create",
        people.wang,
        changes={
            "id_number": [None, mask_id_number(people.wang.id_number)],
            "birth_date": [None, "1939-01-02"],
        },
    )
    return zhao


def real_numbers():
    return set(Person.objects.values_list("id_number", flat=True)) | {id_number(dt.date(1990, 1, 2), 51)}


def test_no_audit_entry_rebuilds_an_id_number(history):
    numbers = real_numbers()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) >= 8
    for entry in entries:
        leaked = rebuilt(audit.shown(entry)) & numbers
        assert not leaked, (entry.seq, entry.action, leaked)


def test_the_attack_works_on_what_is_stored(history):
    """The check is not vacuous: the stored old entry rebuilds a number; the page's view does not."""
    old = (
        AuditEntry.objects.filter(object_id=str(Person.objects.get(name="王五").pk), action="create")
        .order_by("seq")
        .last()
    )
    whole = audit.shown(old, full=True)
    assert rebuilt(whole) & real_numbers()
    assert not rebuilt(audit.shown(old)) & real_numbers()


def test_new_entries_store_the_year_of_birth_only(history):
    created = AuditEntry.objects.get(action="create", object_id=str(history.pk))
    assert created.changes["birth_date"] == [None, "1975-**-**"]
    corrected = AuditEntry.objects.filter(action="update", object_id=str(history.pk)).order_by("seq").first()
    assert corrected.changes["birth_date"] == ["1975-**-**", "1975-**-**"]  # recorded, both masked
    merged = AuditEntry.objects.get(action="merge", object_id=str(Person.objects.get(name="张三").pk))
    assert merged.extra["merged_record"]["birth_date"] == "1948-**-**"


def test_the_audit_page_shows_field_labels_and_masked_free_text(login, world, history):
    page = login(world.users.county).get("/audit/").content.decode()
    assert "出生日期" in page and ">birth_date<" not in page and "<code>birth_date</code>" not in page
    assert "身份证号" in page or "公民身份号码" in page
    assert "13912345678" not in page and "139****5678" in page
    son = id_number(dt.date(1990, 1, 2), 51)
    assert son not in page and mask_id_number(son) in page


def test_the_person_page_masks_numbers_in_notes(login, world, history):
    page = login(world.users.town1).get(f"/persons/{history.pk}/").content.decode()
    son = id_number(dt.date(1990, 1, 2), 51)
    assert son not in page and mask_id_number(son) in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("联系其女儿13912345678。", "联系其女儿139****5678。"),
        ("电话 139-1234-5678", "电话 139****5678"),
        ("+86 13912345678", "139****5678"),
        ("座机0571-86001234", "座机0571-****1234"),
        ("身份证11010519491231002X在册", "身份证110105********002X在册"),
        ("身份证11010519491231002x", "身份证110105********002x"),
        # not an ID number: a wrong check character, an impossible date, part of a longer code
        ("编号110105194912310021", "编号110105194912310021"),
        ("编号110105194913310021", "编号110105194913310021"),
        ("91110105194912310021X", "91110105194912310021X"),
        ("区划990121100001", "区划990121100001"),
        ("2026-11-03 走访，无异常", "2026-11-03 走访，无异常"),
        (None, None),
        (12, 12),
    ],
)
def test_mask_numbers(text, shown):
    assert textmask.mask_numbers(text) == shown


def test_the_masks_agree_with_the_registry():
    number = "11010519491231002X"
    assert check_character(number[:17]) == "X"
    assert textmask.mask_numbers(number) == mask_id_number(number)
    assert textmask.mask_birth_date("1949-12-31") == textmask.mask_birth_date("1949-**-**") == "1949-**-**"
    assert textmask.mask_birth_date("19491231") == "********"
