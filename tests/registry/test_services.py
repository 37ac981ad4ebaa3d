import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from doudi.core.audit import verify_chain
from doudi.core.models import AuditEntry
from doudi.registry import services
from doudi.registry.idcard import mask_id_number
from doudi.registry.models import Category, DuplicateCandidate, Person

from .conftest import id_number

PERSON = "registry.person"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_registering_derives_birth_date_sex_and_search_keys(world, register):
    p = register(world.users.town1, world.v1, " 张三 ", dt.date(1948, 5, 6), 12)
    p.refresh_from_db()
    assert (p.name, p.birth_date, p.sex) == ("张三", dt.date(1948, 5, 6), "F")
    assert (p.name_pinyin, p.name_initials) == ("zhangsan", "zs")
    assert p.id_reversed == p.id_number[::-1]
    assert p.created_by == world.users.town1
    assert Category.ELDERLY in p.categories


def test_lower_case_x_and_full_width_digits_are_normalised(world):
    number = "11010519491231002x"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    p = services.person_create(actor=world.users.county, name="赵六", id_number=full_width, village=world.v1)
    assert p.id_number == "11010519491231002X"
    assert (p.birth_date, p.sex) == (dt.date(1949, 12, 31), "F")


def test_creation_is_audited_without_the_full_id_number(world, people):
    entry = AuditEntry.objects.get(object_type=PERSON, object_id=str(people.zhang.pk), action="create")
    assert entry.actor == world.users.town1
    assert entry.region_code == world.v1.code
    assert entry.changes["name"] == [None, "张三"]
    assert entry.changes["id_number"] == [None, mask_id_number(people.zhang.id_number)]
    assert people.zhang.id_number not in str(entry.changes)
    assert verify_chain().ok


@pytest.mark.parametrize(
    "number, message",
    [
        ("12345", "身份证号应为18位，实际为5位"),
        ("11010519491231002Y", "身份证号最后一位只能是数字或X"),
        ("110105194902300021", "身份证号中的出生日期“19490230”不存在"),
        ("110105194912310021", "身份证号校验位错误：最后一位应为“X”，实际为“1”，请核对号码"),
    ],
)
def test_a_bad_id_number_is_refused_with_the_reason(world, number, message):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=world.users.town1, name="赵六", id_number=number, village=world.v1)
    assert exc.value.message_dict["id_number"] == [message]
    assert not Person.objects.exists()


def test_all_field_errors_come_together(world):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=world.users.town1,
            name="",
            id_number=id_number(),
            village=world.t1,
            disability_kind="physical",
            status="terminated",
        )
    errors = exc.value.message_dict
    assert set(errors) == {"name", "village", "disability_grade", "terminated_on"}


def test_a_clerk_cannot_register_in_another_township(world):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=world.users.town1, name="赵六", id_number=id_number(), village=world.v2)
    assert exc.value.message_dict["village"] == ["This village is outside your area."]


def test_village_staff_may_not_register_or_edit(world, people):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=world.users.village1, name="赵六", id_number=id_number(), village=world.v1
        )
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.users.village1, person=people.zhang, phone="1")


def test_a_clerk_cannot_edit_a_person_of_another_township(world, people):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.users.town1, person=people.wang, phone="1")


def test_a_duplicate_id_number_in_the_area_names_the_existing_person(world, people):
    with pytest.raises(services.DuplicateIdNumber) as exc:
        services.person_create(
            actor=world.users.town1, name="张叁", id_number=people.zhang.id_number, village=world.v1b
        )
    assert exc.value.existing == people.zhang
    assert exc.value.messages == ["A person with this ID number is already registered: 张三, 青石社区."]
    assert Person.objects.count() == 3


def test_a_duplicate_id_number_outside_the_area_leaks_nothing(world, people):
    wang = people.wang
    with pytest.raises(services.DuplicateIdNumber) as exc:
        services.person_create(
            actor=world.users.town1, name="赵六", id_number=wang.id_number, village=world.v1
        )
    assert exc.value.existing is None
    message = " ".join(exc.value.messages)
    assert message == (
        "This ID number is already registered elsewhere in the county. "
        "Please contact the civil-affairs office of 柳河镇."
    )
    for secret in (wang.name, world.v2.name, wang.id_number, wang.id_number[-4:], str(wang.pk)):
        assert secret not in message


def test_an_id_number_registered_in_another_county_names_that_county(world, make):
    other_county = make.region("990122000000", "邻县", 3, world.city)
    town = make.region("990122100000", "新安镇", 4, other_county)
    village = make.region("990122100201", "南岭村", 5, town, "220")
    officer = make.user("officer2", other_county, ["county_officer"])
    p = services.person_create(actor=officer, name="钱七", id_number=id_number(seq=55), village=village)
    with pytest.raises(services.DuplicateIdNumber) as exc:
        services.person_create(actor=world.users.county, name="钱七", id_number=p.id_number, village=world.v1)
    assert exc.value.messages == [
        "This ID number is already registered in another area. Please contact the civil-affairs office of 邻县新安镇."
    ]


def test_changing_to_an_id_number_already_used_is_refused(world, people):
    with pytest.raises(services.DuplicateIdNumber):
        services.person_update(actor=world.users.town1, person=people.li, id_number=people.zhang.id_number)


def test_an_update_records_only_what_changed(world, people):
    services.person_update(
        actor=world.users.town1, person=people.zhang, placement="centralized", phone="13800000001"
    )
    entry = AuditEntry.objects.filter(object_id=str(people.zhang.pk), action="update").get()
    assert entry.changes == {"placement": ["dispersed", "centralized"]}
    services.person_update(actor=world.users.town1, person=people.zhang, placement="centralized")
    assert AuditEntry.objects.filter(object_id=str(people.zhang.pk), action="update").count() == 1


def test_changing_the_id_number_re_derives_birth_date_and_sex(world, people):
    number = id_number(dt.date(1949, 12, 31), 24)
    p = services.person_update(actor=world.users.town1, person=people.zhang, id_number=number)
    p.refresh_from_db()
    assert (p.birth_date, p.sex, p.id_reversed) == (dt.date(1949, 12, 31), "F", number[::-1])
    entry = AuditEntry.objects.filter(object_id=str(p.pk), action="update").get()
    assert set(entry.changes) == {"id_number", "birth_date", "sex"}
    assert number not in str(entry.changes)


# ---- probable duplicates -------------------------------------------------------------------


def test_same_pinyin_and_birth_date_is_a_probable_duplicate(world, people, register):
    twin = register(world.users.town1, world.v1b, "章三", dt.date(1948, 5, 6), 13)  # 章 / 张: zhang
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_id, pair.other_id} == {people.zhang.pk, twin.pk}
    assert pair.person_id < pair.other_id
    assert pair.reason == "same_pinyin_birth"
    assert pair.status == "open"


def test_same_name_in_the_same_village_is_a_probable_duplicate(world, people, register):
    register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    assert DuplicateCandidate.objects.get().reason == "same_name_village"


def test_both_reasons_are_kept(world, people, register):
    register(world.users.town1, world.v1, "张三", dt.date(1948, 5, 6), 17)
    assert DuplicateCandidate.objects.get().reason_label == (
        "Same name in pinyin and same birth date; Same name in the same village"
    )


def test_different_people_are_not_queued(world, people, register):
    register(world.users.town1, world.v1b, "张三", dt.date(1970, 1, 1), 15)  # other village, other birthday
    register(world.users.town1, world.v1, "张山", dt.date(1948, 5, 7), 15)  # zhangshan
    assert not DuplicateCandidate.objects.exists()


def test_an_edit_that_makes_a_duplicate_queues_it(world, people):
    services.person_update(actor=world.users.town1, person=people.li, name="张三", village=world.v1)
    assert DuplicateCandidate.objects.get().reason == "same_name_village"


def test_a_dismissed_pair_is_not_queued_again(world, people, register):
    twin = register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    pair = DuplicateCandidate.objects.get()
    services.duplicate_dismiss(actor=world.users.county, candidate=pair)
    services.person_update(actor=world.users.town1, person=twin, address="东街1号", name="张三")
    services.duplicates_detect([twin])
    assert DuplicateCandidate.objects.get().status == "dismissed"
    assert AuditEntry.objects.filter(object_type="registry.duplicatecandidate", action="update").count() == 1


def test_only_a_county_officer_decides_pairs(world, people, register):
    register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(PermissionDenied):
        services.duplicate_dismiss(actor=world.users.town1, candidate=pair)
    with pytest.raises(PermissionDenied):
        services.duplicate_merge(actor=world.users.town1, candidate=pair, keep=pair.person_id)


def test_merging_keeps_every_history_entry(world, people, register):
    from doudi.registry import selectors

    u = world.users
    twin = register(u.town1, world.v1, "张三", dt.date(1970, 1, 1), 15, address="东街1号", notes="重复登记")
    services.person_update(actor=u.town1, person=twin, placement="centralized")
    services.person_reveal_id(actor=u.county, person=twin)
    twin_entries = set(
        AuditEntry.objects.filter(object_type=PERSON, object_id=str(twin.pk)).values_list("seq", flat=True)
    )
    pair = DuplicateCandidate.objects.get()

    kept = services.duplicate_merge(actor=u.county, candidate=pair, keep=people.zhang)

    assert kept == people.zhang
    assert not Person.objects.filter(pk=twin.pk).exists()
    kept.refresh_from_db()
    assert kept.address == "东街1号" and kept.notes == "重复登记"  # blanks filled from the other record
    assert kept.phone == "13800000001"  # its own values stay
    pair.refresh_from_db()
    assert (pair.status, pair.person_id, pair.other_id, pair.decided_by) == (
        "merged",
        kept.pk,
        None,
        u.county,
    )

    history = {e.seq for e in selectors.person_history(u.town1, kept)}
    assert twin_entries <= history  # the merged-away record's entries show on the kept page
    merge = AuditEntry.objects.get(object_type=PERSON, object_id=str(kept.pk), action="merge")
    assert merge.extra["merged_person"] == twin.pk
    record = merge.extra["merged_record"]
    assert record["id_number"] == mask_id_number(twin.id_number)  # every field, the number masked
    assert record["name"] == twin.name and record["birth_date"] == f"{twin.birth_date.year}-**-**"
    assert twin.id_number not in str(merge.extra) and twin.id_number[::-1] not in str(merge.extra)
    assert merge.changes["address"] == ["", "东街1号"]
    gone = AuditEntry.objects.get(object_type=PERSON, object_id=str(twin.pk), action="merge")
    assert gone.extra["merged_into"] == kept.pk
    assert verify_chain().ok
    assert selectors.person_merged_into(u.town1, twin.pk) == kept


def test_merging_moves_the_other_pairs_of_the_merged_away_person(world, people, register):
    u = world.users
    a = register(u.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    b = register(u.town1, world.v1b, "章三", dt.date(1970, 1, 1), 17)  # pairs with a only
    pair_zhang_a = DuplicateCandidate.objects.get(person=people.zhang, other=a)
    pair_a_b = DuplicateCandidate.objects.get(person=a, other=b)
    services.duplicate_merge(actor=u.county, candidate=pair_zhang_a, keep=people.zhang.pk)
    pair_a_b.refresh_from_db()
    assert (pair_a_b.person_id, pair_a_b.other_id, pair_a_b.status) == (people.zhang.pk, b.pk, "open")


def test_a_decided_pair_cannot_be_merged_again(world, people, register):
    register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    pair = DuplicateCandidate.objects.get()
    services.duplicate_dismiss(actor=world.users.county, candidate=pair)
    with pytest.raises(ValidationError):
        services.duplicate_merge(actor=world.users.county, candidate=pair, keep=pair.person_id)


def test_keep_must_be_one_of_the_pair(world, people, register):
    register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(ValidationError):
        services.duplicate_merge(actor=world.users.county, candidate=pair, keep=people.wang)
    assert Person.objects.count() == 4


def test_fill_search_keys_repairs_rows_written_in_bulk(world, people):
    Person.objects.filter(pk=people.zhang.pk).update(name_pinyin="", name_initials="", id_reversed="")
    assert services.persons_fill_search_keys() == 1
    people.zhang.refresh_from_db()
    assert people.zhang.name_initials == "zs" and people.zhang.id_reversed == people.zhang.id_number[::-1]
