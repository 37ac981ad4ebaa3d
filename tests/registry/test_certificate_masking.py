"""Disability certificate numbers (残疾人证号) are the holder's ID number plus the category and
grade digits, so they are masked wherever the ID number is (DESIGN.md promise 4): audit entries,
exports without full ID numbers, the person page, the API and the history."""

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from doudi.core import audit
from doudi.core.models import AuditEntry
from doudi.registry import history, ledger, selectors, services
from doudi.registry.idcard import make_id_number, mask_certificate_number, mask_id_number
from doudi.registry.models import DuplicateCandidate, Person

from .conftest import id_number

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import COL, HEADERS, write_file  # noqa: E402

NUMBER = make_id_number("110105", dt.date(1949, 12, 31), 1)  # 110105194912310011
X_NUMBER = make_id_number("110105", dt.date(1949, 12, 31), 2)  # 11010519491231002X


# ---- the function ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # ID number + category + grade: the ID part as mask_id_number masks it, the digits stay
        (NUMBER + "42", "110105********001142"),
        (X_NUMBER + "42", "110105********002X42"),
        ("11010519491231002x71", "110105********002x71"),
        (X_NUMBER + "4", "110105********002X4"),
        (X_NUMBER + "42B1", "110105********002X42B1"),  # a reissued certificate's mark
        (X_NUMBER, "110105********002X"),  # the ID number alone
        # already masked: unchanged
        ("110105********002X42", "110105********002X42"),
        ("****************1842", "****************1842"),
        # anything else keeps only its last 4 characters, or nothing when short
        ("", ""),
        (None, ""),
        ("12345", "*****"),
        ("123456789", "*********"),
        ("1234567890", "******7890"),
        ("残证字第0012345号", "********345号"),
        ("11010549123100242", "*************0242"),  # a 15-digit ID number + 2 digits
        (X_NUMBER + "42B123", "********************B123"),  # too long a tail to be ID + digits
        ("１１０１０５１９４９１２３１００２Ｘ４２", "****************２Ｘ４２"),  # full-width
        ("110105 19491231 002X 42", "*******************X 42"),
        ("11010519491231ABCX42", "****************CX42"),
        ("1101051949123100*X42", "*****************X42"),
    ],
)
def test_mask_certificate_number(text, masked):
    assert mask_certificate_number(text) == masked
    assert mask_certificate_number(masked) == masked  # idempotent
    assert len(masked) == len(text or "")


@pytest.mark.parametrize("suffix", ["", "1", "42", "71", "42B1"])
@pytest.mark.parametrize("seq", [1, 2, 10, 555])
def test_an_id_part_never_shows_the_birth_date(seq, suffix):
    number = make_id_number("990121", dt.date(1948, 5, 6), seq)
    masked = mask_certificate_number(number + suffix)
    assert masked == mask_id_number(number) + suffix
    assert "19480506" not in masked and number not in masked


# ---- helpers -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def today():
    return timezone.localdate().isoformat()


def certificate(number, kind=4, grade=2):
    return f"{number}{kind}{grade}"


@pytest.fixture
def disabled(world, register):
    """赵六 in v1 (town1's township), physically disabled, with a second-generation certificate."""
    number = id_number(dt.date(1975, 6, 15), 41)
    return register(
        world.users.town1,
        world.v1,
        "赵六",
        dt.date(1975, 6, 15),
        41,
        disability_kind="physical",
        disability_grade=2,
        disability_certificate=certificate(number),
    )


def entries_of(person):
    return AuditEntry.objects.filter(object_type="registry.person", object_id=str(person.pk)).order_by("seq")


def lines(user, person):
    return [line.text for line in history.history_lines(selectors.person_history(user, person))]


# ---- audit entries written by the services -----------------------------------------------------


def test_a_created_persons_audit_entry_holds_the_certificate_masked(world, disabled):
    entry = entries_of(disabled).get()
    assert entry.action == "create"
    full = disabled.disability_certificate
    assert entry.changes["disability_certificate"] == [None, mask_certificate_number(full)]
    assert entry.changes["disability_certificate"][1].endswith("42")
    assert full not in str(entry.changes) and disabled.id_number not in str(entry.changes)


def test_an_updated_persons_audit_entry_holds_both_certificates_masked(world, disabled):
    old = disabled.disability_certificate
    new = certificate(disabled.id_number, kind=7, grade=1)
    services.person_update(actor=world.users.town1, person=disabled, disability_certificate=new)
    entry = entries_of(disabled).last()
    assert entry.action == "update"
    assert entry.changes == {
        "disability_certificate": [mask_certificate_number(old), mask_certificate_number(new)]
    }
    assert old not in str(entry.changes) and new not in str(entry.changes)
    assert (
        f"{today()} town1 changed disability certificate number from "
        f"{mask_certificate_number(old)} to {mask_certificate_number(new)}"
    ) in lines(world.users.town1, disabled)


def test_a_correction_inside_the_masked_part_is_saved_and_recorded(world, disabled):
    """Two numbers that mask alike (a mistyped birth date) still differ: the change is saved, and
    the history says the number was corrected, without showing it."""
    old = disabled.disability_certificate
    new = old[:10] + ("7" if old[10] != "7" else "8") + old[11:]
    assert mask_certificate_number(new) == mask_certificate_number(old)
    services.person_update(actor=world.users.town1, person=disabled, disability_certificate=new)
    disabled.refresh_from_db()
    assert disabled.disability_certificate == new
    entry = entries_of(disabled).last()
    assert entry.action == "update" and set(entry.changes) == {"disability_certificate"}
    assert old not in str(entry.changes) and new not in str(entry.changes)
    text = lines(world.users.town1, disabled)
    assert text[-1] == f"{today()} town1 corrected the disability certificate number"


def test_a_merge_entry_holds_the_certificate_masked(world, people, register):
    u = world.users
    twin = register(
        u.town1,
        world.v1,
        "张三",
        dt.date(1970, 1, 1),
        15,
        disability_kind="visual",
        disability_grade=1,
        disability_certificate=certificate(id_number(dt.date(1970, 1, 1), 15), 1, 1),
    )
    pair = DuplicateCandidate.objects.get(other=twin)
    kept = services.duplicate_merge(actor=u.county, candidate=pair, keep=people.zhang)
    assert kept.disability_certificate == twin.disability_certificate
    entry = AuditEntry.objects.get(action="merge", object_id=str(kept.pk))
    assert entry.changes["disability_certificate"] == [
        "",
        mask_certificate_number(twin.disability_certificate),
    ]
    assert twin.disability_certificate not in str(entry.changes)


def test_a_masked_certificate_number_is_not_stored(world, disabled):
    """A number read masked from a page, the API or an export and sent back is refused."""
    masked = mask_certificate_number(disabled.disability_certificate)
    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=world.users.town1, person=disabled, disability_certificate=masked)
    assert "disability_certificate" in caught.value.message_dict
    disabled.refresh_from_db()
    assert "*" not in disabled.disability_certificate
    with pytest.raises(ValidationError):
        services.person_create(
            actor=world.users.town1,
            name="钱七",
            id_number=id_number(dt.date(1960, 1, 1), 71),
            village=world.v1,
            disability_kind="physical",
            disability_grade=3,
            disability_certificate=mask_certificate_number(certificate(id_number(dt.date(1960, 1, 1), 71))),
        )


# ---- the ledger import and export ---------------------------------------------------------------

TODAY = dt.date(2026, 11, 1)


def row(name, number, village, **cells):
    values = [""] * len(HEADERS)
    values[COL["姓名"]], values[COL["身份证号"]], values[COL["村(居)区划代码"]] = name, number, village.code
    for header, value in cells.items():
        values[COL[header]] = value
    return values


def run(world, path, **kwargs):
    return ledger.ledger_import(actor=world.users.town1, path=path, today=TODAY, **kwargs)


def test_an_imported_persons_audit_entries_hold_the_certificate_masked(world, tmp_path):
    number = id_number(dt.date(1980, 2, 2), 51)
    first, second = certificate(number, 6, 3), certificate(number, 6, 2)
    cells = {"残疾类别": "精神", "残疾等级": "三级", "残疾证号": first}
    report = run(
        world, write_file(tmp_path / "a.xlsx", [row("孙八", number, world.v1, **cells)]), commit=True
    )
    assert (report.created, report.errors) == (1, [])
    person = Person.objects.get(id_number=number)
    assert person.disability_certificate == first  # stored whole
    created = entries_of(person).get()
    assert created.action == "import" and created.extra["created"] is True
    assert created.changes["disability_certificate"] == [None, mask_certificate_number(first)]
    assert number not in str(created.changes)

    cells.update({"残疾等级": "二级", "残疾证号": second})
    report = run(
        world, write_file(tmp_path / "b.xlsx", [row("孙八", number, world.v1, **cells)]), commit=True
    )
    assert (report.updated, report.errors) == (1, [])
    updated = entries_of(person).last()
    assert updated.action == "import" and updated.extra["created"] is False
    assert updated.changes["disability_certificate"] == [
        mask_certificate_number(first),
        mask_certificate_number(second),
    ]
    assert number not in str(updated.changes)
    assert audit.verify_chain().ok


def test_a_masked_certificate_number_is_refused_by_the_import(world, tmp_path, disabled):
    masked = mask_certificate_number(disabled.disability_certificate)
    cells = {"残疾类别": "肢体", "残疾等级": "二级", "残疾证号": masked}
    path = write_file(tmp_path / "m.xlsx", [row("赵六", disabled.id_number, world.v1, **cells)])
    report = run(world, path, commit=True)
    [error] = report.errors
    assert (error["row"], error["column"]) == (2, "残疾证号")
    assert "脱敏" in error["message"] and "完整的残疾证号" in error["message"]
    disabled.refresh_from_db()
    assert "*" not in disabled.disability_certificate


def _export(world, tmp_path, name, full_ids):
    path = tmp_path / name
    ledger.ledger_export(actor=world.users.town1, region=world.t1, target=str(path), full_ids=full_ids)
    return path, CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_the_export_masks_certificates_unless_full_ids(world, tmp_path, people, disabled):
    at = HEADERS.index("残疾证号")
    _path, sheet = _export(world, tmp_path, "masked.xlsx", full_ids=False)
    [zhao] = [r for r in sheet[2:] if r[0] == "赵六"]
    assert zhao[at] == mask_certificate_number(disabled.disability_certificate)
    assert disabled.disability_certificate not in str(sheet) and disabled.id_number not in str(sheet)

    path, sheet = _export(world, tmp_path, "full.xlsx", full_ids=True)
    [zhao] = [r for r in sheet[2:] if r[0] == "赵六"]
    assert zhao[at] == disabled.disability_certificate
    # the full export re-imports unchanged; the masked one is refused, nothing stored
    before = list(Person.objects.order_by("pk").values())
    again = run(world, path, commit=True)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    masked = run(world, tmp_path / "masked.xlsx", commit=True)
    assert {e["column"] for e in masked.errors if e["row"] == 4} >= {"身份证号", "残疾证号"}
    assert list(Person.objects.order_by("pk").values()) == before


def test_the_export_page_masks_certificates_by_default(world, login, disabled):
    client = login(world.users.town1)
    for data, expected in (
        ({"region": world.t1.code}, mask_certificate_number(disabled.disability_certificate)),
        ({"region": world.t1.code, "full_ids": "on"}, disabled.disability_certificate),
    ):
        response = client.post("/ledger/export/", data)
        content = b"".join(response.streaming_content)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        assert [r[HEADERS.index("残疾证号")] for r in sheet[2:]] == [expected]


# ---- the person page -----------------------------------------------------------------------------


def test_the_person_page_masks_the_certificate_for_village_staff(login, world, disabled):
    client = login(world.users.village1)
    for url in (f"/persons/{disabled.pk}/", "/persons/"):
        body = client.get(url).content.decode()
        assert disabled.disability_certificate not in body and disabled.id_number not in body
    body = client.get(f"/persons/{disabled.pk}/").content.decode()
    assert mask_certificate_number(disabled.disability_certificate) in body
    assert client.post(f"/persons/{disabled.pk}/id-number/").status_code == 403


def test_the_full_id_reveal_shows_the_certificate_too_and_is_logged_once(login, world, disabled):
    client = login(world.users.town1)
    body = client.get(f"/persons/{disabled.pk}/").content.decode()
    assert disabled.disability_certificate not in body  # masked until the reveal
    assert mask_certificate_number(disabled.disability_certificate) in body
    assert 'id="disability-certificate"' in body

    response = client.post(f"/persons/{disabled.pk}/id-number/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert disabled.id_number in body and disabled.disability_certificate in body
    # swapped in out of band, in place of the masked number in the disability section
    assert 'id="disability-certificate"' in body and 'hx-swap-oob="true"' in body
    assert [e.extra for e in AuditEntry.objects.filter(action="view")] == [{"field": "id_number"}]

    response = client.post(f"/persons/{disabled.pk}/id-number/")  # without htmx: the whole page
    body = response.content.decode()
    assert body.count(disabled.disability_certificate) == 1 and "hx-swap-oob" not in body
    assert AuditEntry.objects.filter(action="view").count() == 2


def test_the_reveal_of_a_person_without_a_certificate_swaps_nothing_else(login, world, people):
    body = (
        login(world.users.town1)
        .post(f"/persons/{people.zhang.pk}/id-number/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert people.zhang.id_number in body and "hx-swap-oob" not in body


# ---- the API ---------------------------------------------------------------------------------------


def bearer(user):
    from doudi.core import services as core_services

    return {"HTTP_AUTHORIZATION": f"Bearer {core_services.token_issue(user=user)}"}


def test_the_api_masks_the_certificate_without_the_right(client, world, disabled):
    auth = bearer(world.users.village1)
    data = client.get(f"/api/v1/persons/{disabled.pk}", **auth).json()
    assert data["disability_certificate"] == mask_certificate_number(disabled.disability_certificate)
    assert client.get(f"/api/v1/persons/{disabled.pk}?full_ids=true", **auth).status_code == 403


def test_the_api_shows_the_certificate_whole_only_with_full_ids(client, world, disabled):
    auth = bearer(world.users.town1)
    data = client.get(f"/api/v1/persons/{disabled.pk}", **auth).json()
    assert data["disability_certificate"] == mask_certificate_number(disabled.disability_certificate)
    assert not AuditEntry.objects.filter(action="view").exists()
    data = client.get(f"/api/v1/persons/{disabled.pk}?full_ids=true", **auth).json()
    assert data["disability_certificate"] == disabled.disability_certificate
    assert data["id_number"] == disabled.id_number
    assert AuditEntry.objects.filter(action="view", object_id=str(disabled.pk)).count() == 1


def test_sending_back_what_the_api_showed_stores_no_stars(client, world, disabled):
    auth = bearer(world.users.town1)
    data = client.get(f"/api/v1/persons/{disabled.pk}", **auth).json()
    response = client.patch(
        f"/api/v1/persons/{disabled.pk}",
        {"disability_certificate": data["disability_certificate"], "phone": "13900000009"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422 and "disability_certificate" in response.json()["errors"]
    disabled.refresh_from_db()
    assert "*" not in disabled.disability_certificate and disabled.phone == ""


# ---- the history -------------------------------------------------------------------------------


def test_the_history_masks_certificates_in_entries_written_before_masking(world, disabled):
    """Audit entries are hash-chained and cannot be rewritten: one written before certificates
    were masked holds the whole number, and the history masks it when it reads it."""
    old = disabled.disability_certificate
    new = certificate(disabled.id_number, 4, 1)
    audit.record(world.users.town1, "update", disabled, changes={"disability_certificate": [old, new]})
    text = lines(world.users.village1, disabled)
    assert text[-1] == (
        f"{today()} town1 changed disability certificate number from "
        f"{mask_certificate_number(old)} to {mask_certificate_number(new)}"
    )
    assert old not in " ".join(text) and new not in " ".join(text)


def test_the_history_on_the_person_page_never_shows_the_certificate(login, world, disabled):
    new = certificate(disabled.id_number, 4, 1)
    services.person_update(actor=world.users.town1, person=disabled, disability_certificate=new)
    services.person_update(actor=world.users.town1, person=disabled, disability_certificate="")
    body = login(world.users.town1).get(f"/persons/{disabled.pk}/").content.decode()
    assert new not in body and disabled.id_number not in body
    text = lines(world.users.town1, disabled)
    assert text[-1] in body and mask_certificate_number(new) in text[-1]
